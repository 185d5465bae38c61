#include <sys/stat.h>
#ifndef __EMSCRIPTEN__  // the headless tests also build this file for node, which cannot start programs
#include <spawn.h>
#include <sys/wait.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <unistd.h>  // environ

#include "imgui.h"
#include "ui/platform.hpp"

namespace klab::ui {
namespace {
std::string& stored_hash() {
  static std::string hash;  // the native window has no address bar: the hash lives here
  return hash;
}
std::deque<PickedFile>& offered_files() {
  static std::deque<PickedFile> files;  // offered by a view (a typed path) or a test, not yet taken
  return files;
}
bool& external_open() {
  static bool allowed = false;  // only the GUI program starts other programs
  return allowed;
}
}  // namespace

std::string url_hash() { return stored_hash(); }
void set_url_hash(const std::string& hash) { stored_hash() = hash; }
bool take_hash_change(std::string*) { return false; }

std::string copy_text(const std::string& text) {
  ImGui::SetClipboardText(text.c_str());
  return "Copied to the clipboard.";
}

void allow_external_open(bool allowed) { external_open() = allowed; }

std::string open_url(const std::string& url) {
  ImGui::SetClipboardText(url.c_str());
  std::printf("%s\n", url.c_str());
#ifndef __EMSCRIPTEN__
  if (external_open()) {
    // xdg-open without a shell: the URL is one argument, never interpreted.
    pid_t pid;
    char* argv[] = {const_cast<char*>("xdg-open"), const_cast<char*>(url.c_str()), nullptr};
    if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) == 0) {
      int status = 0;
      waitpid(pid, &status, 0);  // xdg-open hands the URL to the browser and returns
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "Opened " + url + " (also copied)";
    }
  }
#endif
  return "Link copied to the clipboard: " + url;
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

bool has_file_picker() { return false; }
void pick_file(const std::string&, long long) {}
void offer_file(const PickedFile& file) { offered_files().push_back(file); }

bool take_picked_file(PickedFile* file) {
  if (offered_files().empty()) return false;
  *file = std::move(offered_files().front());
  offered_files().pop_front();
  return true;
}

}  // namespace klab::ui
