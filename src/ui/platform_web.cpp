#include <emscripten.h>

#include <cstdlib>
#include <cstring>
#include <deque>

#include "ui/platform.hpp"

// JavaScript side of the bridge. Strings cross as UTF-8 in wasm memory.
EM_JS(char*, klab_js_get_hash, (), {
  const s = window.location.hash || "";
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});
EM_JS(void, klab_js_set_hash, (const char* hash), {
  const h = UTF8ToString(hash);
  if (window.location.hash !== h) history.replaceState(null, "", h);
});
EM_JS(int, klab_js_take_hash_change, (), {
  if (!window.klabHashListener) {
    window.klabHashListener = true;
    window.klabHashChanged = 0;
    window.addEventListener("hashchange", () => { window.klabHashChanged = 1; });
  }
  const c = window.klabHashChanged;
  window.klabHashChanged = 0;
  return c;
});
EM_JS(int, klab_js_copy, (const char* text), {
  const t = UTF8ToString(text);
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(t).catch(() => window.prompt("Copy this text:", t));
    return 1;
  }
  window.prompt("Copy this text:", t);
  return 0;
});
EM_JS(int, klab_js_open, (const char* url), {
  const w = window.open(UTF8ToString(url), "_blank", "noopener");
  return w === null ? 0 : 1;
});
EM_JS(void, klab_js_download, (const char* name, const char* mime, const char* data, int size), {
  const bytes = HEAPU8.slice(data, data + size);
  const url = URL.createObjectURL(new Blob([bytes], {type: UTF8ToString(mime)}));
  const a = document.createElement("a");
  a.href = url;
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

// The picker: web/klab.js made the hidden input #klab-upload; its change handler reads the file
// (unless it is larger than window.klabPickLimit) into window.klabPicked.
EM_JS(void, klab_js_pick_file, (const char* accept, double max_bytes), {
  const input = document.getElementById("klab-upload");
  if (!input) return;
  input.accept = UTF8ToString(accept);
  window.klabPickLimit = max_bytes;
  input.click();
});
// The oldest picked file as name '\0' bytes in one malloc'd block (null when none); its byte
// count and the file's size go to *size and *file_size.
EM_JS(char*, klab_js_take_picked, (int* size, double* file_size), {
  const q = window.klabPicked;
  if (!q || q.length === 0) return 0;
  const f = q.shift();
  const n = lengthBytesUTF8(f.name) + 1;
  const p = _malloc(n + f.bytes.length);
  stringToUTF8(f.name, p, n);
  HEAPU8.set(f.bytes, p + n);
  HEAP32[size >> 2] = f.bytes.length;
  HEAPF64[file_size >> 3] = f.size;
  return p;
});

namespace klab::ui {
namespace {
std::deque<PickedFile>& offered_files() {
  static std::deque<PickedFile> files;  // offered by a view, not yet taken
  return files;
}
}  // namespace

std::string url_hash() {
  char* s = klab_js_get_hash();
  std::string out(s);
  std::free(s);
  return out;
}

void set_url_hash(const std::string& hash) { klab_js_set_hash(hash.c_str()); }

bool take_hash_change(std::string* hash) {
  if (!klab_js_take_hash_change()) return false;
  *hash = url_hash();
  return true;
}

std::string copy_text(const std::string& text) {
  return klab_js_copy(text.c_str()) ? "Copied to the clipboard." : "Clipboard unavailable: copy the text from the dialog.";
}

std::string open_url(const std::string& url) {
  // window.open with "noopener" returns null even when the tab opened; say where it goes.
  klab_js_open(url.c_str());
  return "Opening " + url;
}

void allow_external_open(bool) {}

std::string save_file(const std::string& name, const std::string& mime, const std::string& data) {
  klab_js_download(name.c_str(), mime.c_str(), data.data(), static_cast<int>(data.size()));
  return "Downloaded " + name;
}

bool has_file_picker() { return true; }

void pick_file(const std::string& accept, long long max_bytes) { klab_js_pick_file(accept.c_str(), static_cast<double>(max_bytes)); }

void offer_file(const PickedFile& file) { offered_files().push_back(file); }

bool take_picked_file(PickedFile* file) {
  if (!offered_files().empty()) {
    *file = std::move(offered_files().front());
    offered_files().pop_front();
    return true;
  }
  int size = 0;
  double file_size = 0;
  char* block = klab_js_take_picked(&size, &file_size);
  if (!block) return false;
  const size_t name_length = std::strlen(block);
  file->name.assign(block, name_length);
  file->bytes.assign(block + name_length + 1, static_cast<size_t>(size));
  file->size = static_cast<long long>(file_size);
  std::free(block);
  return true;
}

}  // namespace klab::ui
