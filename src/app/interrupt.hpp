// SIGTERM and SIGINT during a long job (Slurm sends SIGTERM before it preempts or times out a job;
// Ctrl-C sends SIGINT): the handler only raises a flag, and the job stops at the next run or slice,
// saves its checkpoint and exits with 128 + the signal's number. A second signal ends the process
// at once (the default action is restored by the first), which still leaves the previous
// checkpoint whole: checkpoints are replaced in one rename.
#pragma once
#include <atomic>

namespace klab {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>& flag() const;
  int signal_number() const;  // the signal that raised the flag (0: none)
};

}  // namespace klab
