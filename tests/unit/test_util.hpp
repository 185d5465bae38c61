// Helpers shared by the unit tests: the scratch directory (env KLAB_TMP, set by ctest; when unset,
// a fresh folder under $TMPDIR or /tmp, never the current directory), fresh sub-directories, and
// reading files back. Plain POSIX calls, so the same code runs natively and in the wasm test binary
// under node (NODERAWFS).
#pragma once
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace klab::test {

// Least-squares slope of ln y against ln x (a fitted rate exponent).
inline double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double k = static_cast<double>(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double a = std::log(x[i]), b = std::log(y[i]);
    sx += a, sy += b, sxx += a * a, sxy += a * b;
  }
  return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

inline std::string tmp_dir() {
  static const std::string dir = [] {
    const char* given = std::getenv("KLAB_TMP");
    if (given && *given) return std::string(given);
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/klab_tests.XXXXXX";
    if (!mkdtemp(&pattern[0])) {
      std::perror("klab tests: cannot create a scratch folder (set KLAB_TMP)");
      std::abort();
    }
    return pattern;
  }();
  return dir;
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

// Removes a file or a folder with everything in it (a scratch folder's content only).
inline void remove_tree(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    for (const std::string& f : list_dir(path)) remove_tree(path + "/" + f);
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

// KLAB_TMP/<name>, created empty (whatever an earlier test run left there is removed).
inline std::string fresh_dir(const std::string& name) {
  const std::string path = tmp_dir() + "/" + name;
  remove_tree(path);
  mkdir(path.c_str(), 0755);
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

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
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
