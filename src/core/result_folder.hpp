// Result folders you can trust: `klab run … --out DIR` either leaves DIR as it was or replaces it,
// as a whole, with one complete new result. Never a mix of two runs, never a half-written file.
//
// claim()   runs before any work and checks everything about DIR:
//             - it is not the filesystem root, a system directory (/usr, /etc, …), the home
//               directory or a symbolic link, and its name is not "." or "..";
//             - it does not exist, or is an empty directory, or is an earlier klab result folder
//               (only config.json, summary.json, curves.csv, figure.svg in it) and --overwrite
//               was given; it is writable; a folder can be created beside it;
//           and takes an exclusive lock on DIR (flock on the file .<name>.klab-lock beside it),
//           so that a second run into the same DIR stops at once with a message.
// publish() writes the files into a fresh, uniquely named folder <name>.partial-<pid>-<time>-<n>
//           beside DIR and renames it to DIR in one step. With --overwrite the old DIR is first
//           renamed to <name>.replaced-<pid>-<time>-<n> and removed only once the new one is in place.
// A run killed at any moment leaves DIR as it was or complete and new; a kill between the two
// renames of an overwrite leaves DIR absent with the complete old and new results beside it
// (under the two names above). The lock is released when the process ends, however it ends.
//
// Two kinds of folder: a run's (the four files) and a sweep's (`klab sweep`: sweep.json,
// sweep.csv, sweep.svg and one folder point-NNN per grid point holding a run's four files).
// A checkpoint of an interrupted job (core/checkpoint.hpp) lives beside DIR, under the same lock:
// .<name>.klab-checkpoint, replaced in one rename and removed once the results are published.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace klab {

enum class FolderKind { Run, Sweep };

class ResultFolder {
 public:
  // The file names a run's result folder holds (a folder holding anything else is not replaced).
  static const std::vector<std::string>& file_names();
  // The top-level file names of a sweep's folder, beside its point-NNN folders.
  static const std::vector<std::string>& sweep_file_names();
  static Expected<std::unique_ptr<ResultFolder>> claim(const std::string& dir, bool overwrite,
                                                       FolderKind kind = FolderKind::Run);
  ~ResultFolder();  // releases the lock
  ResultFolder(const ResultFolder&) = delete;
  ResultFolder& operator=(const ResultFolder&) = delete;

  // Writes (name, content) pairs, names from file_names() (a sweep: sweep_file_names() and
  // point-NNN/<run file>), and puts them in place as DIR.
  Status publish(const std::vector<std::pair<std::string, std::string>>& files);

  // The checkpoint beside DIR. read_checkpoint: found false when there is none.
  std::string checkpoint_path() const;
  Status read_checkpoint(std::string* text, bool* found) const;
  Status save_checkpoint(const std::string& text) const;  // atomic: the old one or the new one, never half
  void remove_checkpoint() const;
  // Set when the new results are in place but the replaced folder could not be removed.
  const std::string& warning() const { return warning_; }

 private:
  ResultFolder(std::string dir, std::string parent, std::string name, std::string lock_path, int lock_fd, bool overwrite,
               FolderKind kind)
      : dir_(std::move(dir)), parent_(std::move(parent)), name_(std::move(name)), lock_path_(std::move(lock_path)),
        lock_fd_(lock_fd), overwrite_(overwrite), kind_(kind) {}
  std::string sibling(const std::string& suffix) const;  // <parent>/<name><suffix>

  std::string dir_, parent_, name_, lock_path_, warning_;
  int lock_fd_;
  bool overwrite_;
  FolderKind kind_;
};

}  // namespace klab
