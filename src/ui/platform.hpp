// The few things the lab needs from its host: the URL hash, the clipboard, file downloads and uploads.
// platform_web.cpp implements them with browser APIs (EM_JS); platform_native.cpp for the
// native window and the headless tests.
#pragma once
#include <string>

namespace klab::ui {

// The page's URL hash ("#kl.bernoulli?..."); natively, the last one set (or given on the command line).
std::string url_hash();
// Replaces the hash without reloading or adding a history entry.
void set_url_hash(const std::string& hash);
// True once after the user changed the hash (edited or pasted a link); the new hash in *hash.
bool take_hash_change(std::string* hash);
// Copies text; returns a message for the status bar.
std::string copy_text(const std::string& text);
// Opens a link: a new browser tab; natively, xdg-open where the host allows it (the GUI does; the
// headless tests do not), else the URL goes to the clipboard. Returns a message for the status bar.
std::string open_url(const std::string& url);
// Whether open_url may start an external program (native only; the GUI's main turns it on).
void allow_external_open(bool allowed);
// Offers a file for download (browser) or writes it under ./klab-exports/ (native); returns a
// message naming where it went.
std::string save_file(const std::string& name, const std::string& mime, const std::string& data);

// Files the reader gives the lab. The browser has a file picker (a hidden <input type="file">
// that web/klab.js adds to the page); the native window has none: there a view reads a typed path
// and offers the bytes itself (offer_file), as do the headless tests.
struct PickedFile {
  std::string name;
  std::string bytes;   // empty when the file is larger than the limit given to pick_file
  long long size = 0;  // the file's size in bytes
  std::string path;    // natively, where the file is (a typed path); empty for a browser upload
};
bool has_file_picker();
// Opens the browser's picker for files of the given kinds (".json,application/json"); files above
// max_bytes are not read (their size arrives, for the message). Natively nothing happens.
void pick_file(const std::string& accept, long long max_bytes);
// Queues a file as if it had been picked.
void offer_file(const PickedFile& file);
// True once for each picked or offered file, oldest first.
bool take_picked_file(PickedFile* file);

}  // namespace klab::ui
