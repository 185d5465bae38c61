// Helpers shared by the unit tests: the scratch directory (env KLAB_TMP, set by ctest; "." when
// unset), fresh sub-directories, and reading files back. Plain POSIX calls, so the same code runs
// natively and in the wasm test binary under node (NODERAWFS).
#pragma once
#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace klab::test {

inline std::string tmp_dir() {
  const char* dir = std::getenv("KLAB_TMP");
  return dir && *dir ? std::string(dir) : std::string(".");
}

inline std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(d);
  }
  return names;
}

// KLAB_TMP/<name>, created if needed and emptied of the files an earlier test run left there.
inline std::string fresh_dir(const std::string& name) {
  const std::string path = tmp_dir() + "/" + name;
  mkdir(path.c_str(), 0755);
  for (const std::string& f : list_dir(path)) std::remove((path + "/" + f).c_str());
  return path;
}

inline bool file_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace klab::test
