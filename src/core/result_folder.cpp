#include "core/result_folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace klab {
namespace {

std::string quote_path(const std::string& path) { return "'" + path + "'"; }
std::string why() { return std::strerror(errno); }

std::string join(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

bool same_file(const struct stat& a, const char* path) {
  struct stat b {};
  return path && *path && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// What `dir` is a well-known directory of, if it is one (compared by device and inode, so
// symbolic links and spellings like /usr/ or //etc are caught too).
const char* well_known_directory(const struct stat& st) {
  if (same_file(st, "/")) return "the filesystem root";
  if (same_file(st, std::getenv("HOME"))) return "your home directory";
  for (const char* system : {"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt",
                             "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var"})
    if (same_file(st, system)) return "a system directory";
  return nullptr;
}

// An exclusive, non-blocking flock. Emscripten's libc has no flock: the wasm `klab` under node
// (run only by the parity check) takes no lock.
int lock_exclusive(int fd) {
#ifdef __EMSCRIPTEN__
  (void)fd;
  return 0;
#else
  return flock(fd, LOCK_EX | LOCK_NB);
#endif
}

Status make_dirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!path.empty() && mkdir(path.c_str(), 0777) != 0 && errno != EEXIST)
        return Status::error("cannot create directory " + quote_path(path) + ": " + why());
    }
    if (i < dir.size()) path += dir[i];
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Status::error(quote_path(dir) + " is not a directory");
  return {};
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  for (const std::string& f : names)
    if (f == name) return true;
  return false;
}
bool is_result_file(const std::string& name) { return listed(ResultFolder::file_names(), name); }

// point-NNN: a sweep's point folder (three or more digits).
bool is_point_folder(const std::string& name) {
  if (name.size() < 9 || name.compare(0, 6, "point-") != 0) return false;
  for (size_t i = 6; i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  return true;
}

// A path inside a result folder of this kind: a run's file, or a sweep's file or point-NNN/<run file>.
bool is_result_path(FolderKind kind, const std::string& path) {
  if (kind == FolderKind::Run) return is_result_file(path);
  const size_t slash = path.find('/');
  if (slash == std::string::npos) return listed(ResultFolder::sweep_file_names(), path);
  return is_point_folder(path.substr(0, slash)) && is_result_file(path.substr(slash + 1));
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The first entry of `dir` that a result folder of this kind does not hold ("" if none).
std::string first_foreign(FolderKind kind, const std::string& dir, bool* any) {
  DIR* d = opendir(dir.c_str());
  if (!d) return "";
  std::string foreign;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    *any = true;
    if (!foreign.empty()) continue;
    if (kind == FolderKind::Sweep && is_point_folder(name) && is_directory(dir + "/" + name)) {
      bool inner = false;
      const std::string bad = first_foreign(FolderKind::Run, dir + "/" + name, &inner);
      if (!bad.empty()) foreign = name + "/" + bad;
    } else if (!is_result_path(kind, name) || is_directory(dir + "/" + name)) {
      foreign = name;
    }
  }
  closedir(d);
  return foreign;
}

// The state of DIR: absent, an empty directory, a klab result folder, or an error saying why it
// cannot be a result folder.
enum class Found { Absent, Empty, Results };

Expected<Found> inspect(const std::string& dir, const std::string& parent, FolderKind kind) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Found::Absent;
    return Status::error("cannot inspect " + quote_path(dir) + ": " + why());
  }
  if (S_ISLNK(st.st_mode))
    return Status::error(quote_path(dir) + " is a symbolic link; give the path of the folder itself");
  if (!S_ISDIR(st.st_mode)) return Status::error(quote_path(dir) + " exists and is not a directory");
  struct stat up {};
  if (stat(parent.c_str(), &up) == 0 && up.st_dev != st.st_dev)
    return Status::error(quote_path(dir) + " is a mount point; a result folder must be a folder that can be renamed");
  if (access(dir.c_str(), R_OK | X_OK) != 0) return Status::error("cannot list " + quote_path(dir) + ": " + why());
  bool any = false;
  const std::string foreign = first_foreign(kind, dir, &any);
  if (!foreign.empty())
    return Status::error(quote_path(dir) + " holds files klab did not write (" + quote_path(foreign.substr(0, 80)) +
                         "); --out takes a new or empty directory, or an earlier result folder with --overwrite");
  return any ? Found::Results : Found::Empty;
}

// Removes a result folder (files, and a sweep's point folders of files) and the folder itself.
Status remove_flat(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (is_point_folder(name) && is_directory(dir + "/" + name)) {
        const Status s = remove_flat(dir + "/" + name);
        if (!s.ok()) {
          closedir(d);
          return s;
        }
      } else if (unlink((dir + "/" + name).c_str()) != 0) {
        const Status s = Status::error("cannot remove " + quote_path(dir + "/" + name) + ": " + why());
        closedir(d);
        return s;
      }
    }
    closedir(d);
  }
  if (rmdir(dir.c_str()) != 0) return Status::error("cannot remove " + quote_path(dir) + ": " + why());
  return {};
}

// A fresh folder `<prefix><pid>-<time>-<n>`, its name made unique by mkdir itself (EEXIST: the
// next name). mkdir rather than mkdtemp: the folder gets the usual permissions (0777 less the
// umask), which the published result folder keeps.
Expected<std::string> make_unique_dir(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  const auto stamp = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (int attempt = 0; attempt < 1000; ++attempt) {
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "%ld-%llx-%u", static_cast<long>(getpid()), stamp, counter++);
    const std::string path = prefix + suffix;
    if (mkdir(path.c_str(), 0777) == 0) return path;
    if (errno != EEXIST) return Status::error("cannot create a folder " + quote_path(path) + ": " + why());
  }
  return Status::error("cannot find a free name for a folder " + quote_path(prefix + "…"));
}

// The whole text, then fsync: a file that was renamed into place is on disk.
Status write_file(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return Status::error("cannot write " + quote_path(path) + ": " + why());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Status s = Status::error("writing " + quote_path(path) + " failed: " + (n < 0 ? why() : "no progress"));
      close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 && errno != EINVAL) {  // EINVAL: a file system without fsync
    const Status s = Status::error("writing " + quote_path(path) + " failed: " + why());
    close(fd);
    return s;
  }
  if (close(fd) != 0) return Status::error("writing " + quote_path(path) + " failed: " + why());
  return {};
}

}  // namespace

const std::vector<std::string>& ResultFolder::file_names() {
  static const std::vector<std::string> names = {"config.json", "summary.json", "curves.csv", "figure.svg"};
  return names;
}

const std::vector<std::string>& ResultFolder::sweep_file_names() {
  static const std::vector<std::string> names = {"sweep.json", "sweep.csv", "sweep.svg"};
  return names;
}

Expected<std::unique_ptr<ResultFolder>> ResultFolder::claim(const std::string& given, bool overwrite, FolderKind kind) {
  if (given.empty()) return Status::error("--out needs a directory");
  std::string dir = given;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const size_t slash = dir.rfind('/');
  const std::string name = slash == std::string::npos ? dir : dir.substr(slash + 1);
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
  const std::string refuse = "refusing --out " + quote_path(given) + ": ";
  if (dir == "/") return Status::error(refuse + "it is the filesystem root");
  if (name == "." || name == "..")
    return Status::error(refuse + "name the result folder itself (e.g. --out results/run1), not '" + name + "'");
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0)
    if (const char* what = well_known_directory(st))
      return Status::error(refuse + "it is " + what +
                           "; a result folder is replaced as a whole, so --out names a folder of its own "
                           "(e.g. results/run1)");
  Status s = make_dirs(parent);
  if (!s.ok()) return s;

  // The lock: flock on a file beside DIR. The run that held it removes the file when it is done,
  // so a lock taken on a file that is no longer at that path is retried on the new one.
  const std::string lock_path = join(parent, "." + name + ".klab-lock");
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return Status::error("cannot write beside " + quote_path(dir) + " (lock file " + quote_path(lock_path) + "): " + why());
    if (lock_exclusive(fd) != 0) {
      const int e = errno;
      close(fd);
      if (e == EWOULDBLOCK)
        return Status::error("another klab run is writing to " + quote_path(dir) + " (it holds the lock " + quote_path(lock_path) +
                             "); wait for it to finish or choose another --out");
      errno = e;
      return Status::error("cannot lock " + quote_path(lock_path) + ": " + why());
    }
    struct stat held {};
    if (attempt < 16 && !(fstat(fd, &held) == 0 && same_file(held, lock_path.c_str()))) {
      close(fd);
      fd = -1;
    }
  }
  std::unique_ptr<ResultFolder> folder(new ResultFolder(dir, parent, name, lock_path, fd, overwrite, kind));

  // Under the lock: what DIR holds now, and whether a folder can be made beside it.
  Expected<Found> found = inspect(dir, parent, kind);
  if (!found.ok()) return found.status();
  if (found.value() == Found::Results && !overwrite)
    return Status::error(quote_path(dir) + " already holds results (" + dir + "/summary.json" +
                         "); choose another --out directory or pass --overwrite to replace them");
  if (found.value() != Found::Absent && access(dir.c_str(), W_OK) != 0)
    return Status::error(quote_path(dir) + " is not writable: " + why());
  Expected<std::string> probe = make_unique_dir(folder->sibling(".partial-"));
  if (!probe.ok()) return Status::error("cannot create a folder beside " + quote_path(dir) + ": " + probe.error());
  rmdir(probe.value().c_str());
  return folder;
}

Status ResultFolder::publish(const std::vector<std::pair<std::string, std::string>>& files) {
  Expected<std::string> made = make_unique_dir(sibling(".partial-"));
  if (!made.ok()) return made.status();
  const std::string partial = made.value();
  auto give_up = [&](const Status& s) {
    remove_flat(partial);
    return Status::error(s.message() + "; " + quote_path(dir_) + " is unchanged");
  };
  for (const auto& [name, text] : files) {
    if (!is_result_path(kind_, name)) return give_up(Status::error("'" + name + "' is not a result file name"));
    const size_t slash = name.find('/');
    if (slash != std::string::npos && mkdir((partial + "/" + name.substr(0, slash)).c_str(), 0777) != 0 && errno != EEXIST)
      return give_up(Status::error("cannot create " + quote_path(partial + "/" + name.substr(0, slash)) + ": " + why()));
    const Status s = write_file(partial + "/" + name, text);
    if (!s.ok()) return give_up(s);
  }
  Expected<Found> found = inspect(dir_, parent_, kind_);
  if (!found.ok()) return give_up(found.status());
  if (found.value() != Found::Results) {  // absent or empty: one rename puts the results in place
    if (rename(partial.c_str(), dir_.c_str()) != 0)
      return give_up(Status::error("cannot rename " + quote_path(partial) + " to " + quote_path(dir_) + ": " + why()));
    return {};
  }
  if (!overwrite_) return give_up(Status::error(quote_path(dir_) + " already holds results"));
  // Overwrite: the old folder aside, the new one in, then the old one removed.
  made = make_unique_dir(sibling(".replaced-"));
  if (!made.ok()) return give_up(made.status());
  const std::string replaced = made.value();
  if (rename(dir_.c_str(), replaced.c_str()) != 0) {
    const Status s = Status::error("cannot move the old results aside to " + quote_path(replaced) + ": " + why());
    rmdir(replaced.c_str());
    return give_up(s);
  }
  if (rename(partial.c_str(), dir_.c_str()) != 0) {
    const Status s = Status::error("cannot rename " + quote_path(partial) + " to " + quote_path(dir_) + ": " + why());
    rename(replaced.c_str(), dir_.c_str());  // the old results back where they were
    return give_up(s);
  }
  const Status removed = remove_flat(replaced);
  if (!removed.ok()) warning_ = "the new results are in place, but the old ones could not be removed: " + removed.message();
  return {};
}

std::string ResultFolder::sibling(const std::string& suffix) const { return join(parent_, name_ + suffix); }

std::string ResultFolder::checkpoint_path() const { return join(parent_, "." + name_ + ".klab-checkpoint"); }

Status ResultFolder::read_checkpoint(std::string* text, bool* found) const {
  const std::string path = checkpoint_path();
  *found = false;
  text->clear();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    return Status::error("cannot read the checkpoint " + quote_path(path) + ": " + why());
  }
  *found = true;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Status s = Status::error("cannot read the checkpoint " + quote_path(path) + ": " + why());
      close(fd);
      return s;
    }
    if (n == 0) break;
    text->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return {};
}

Status ResultFolder::save_checkpoint(const std::string& text) const {
  const std::string path = checkpoint_path();
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld", static_cast<long>(getpid()));
  const std::string temp = path + suffix;
  unlink(temp.c_str());  // a leftover of this process id, never a checkpoint
  Status s = write_file(temp, text);
  if (s.ok() && rename(temp.c_str(), path.c_str()) != 0)
    s = Status::error("cannot rename " + quote_path(temp) + " to " + quote_path(path) + ": " + why());
  if (!s.ok()) unlink(temp.c_str());
  return s;
}

void ResultFolder::remove_checkpoint() const { unlink(checkpoint_path().c_str()); }

ResultFolder::~ResultFolder() {
  unlink(lock_path_.c_str());  // while still holding the lock (see claim)
  close(lock_fd_);
}

}  // namespace klab
