#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "imgui.h"
#include "ui/platform.hpp"

namespace klab::ui {
namespace {
std::string& stored_hash() {
  static std::string hash;  // the native window has no address bar: the hash lives here
  return hash;
}
}  // namespace

std::string url_hash() { return stored_hash(); }
void set_url_hash(const std::string& hash) { stored_hash() = hash; }
bool take_hash_change(std::string*) { return false; }

std::string copy_text(const std::string& text) {
  ImGui::SetClipboardText(text.c_str());
  return "Copied to the clipboard.";
}

std::string save_file(const std::string& name, const std::string&, const std::string& data) {
  const std::string dir = "klab-exports";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "Cannot create " + dir + ": " + std::strerror(errno);
  const std::string path = dir + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return "Cannot write " + path + ": " + std::strerror(errno);
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok) return "Writing " + path + " failed";
  return "Saved " + path;
}

}  // namespace klab::ui
