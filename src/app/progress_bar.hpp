// The progress bar of `klab run` and `klab sweep` on a terminal (stderr): the fraction of the work
// done, runs done of the total, the rate and the time left. Under MPI only rank 0 draws it. Where
// stderr is no terminal (a pipe to mpirun, a Slurm log file) it writes the same text as one line
// every 10 seconds instead of redrawing (Style::Log).
#pragma once
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

namespace klab {

class ProgressBar {
 public:
  enum class Style { Off, Terminal, Log };
  // `total_runs`: runs of the whole job (a sweep: points × runs); `first_fraction`: the part done
  // before this process started (a resumed job), left out of the rate.
  ProgressBar(Style style, std::ostream& err, uint64_t total_runs, double first_fraction = 0.0)
      : style_(style), err_(err), total_runs_(total_runs), first_fraction_(first_fraction), t0_(Clock::now()) {}
  void update(double fraction) {
    if (style_ == Style::Off) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0_).count();
    if (style_ == Style::Log) {
      if (logged_end_ || (elapsed < next_log_ && fraction < 1)) return;
      next_log_ = elapsed + 10.0;
      logged_end_ = fraction >= 1;
    }
    const double fresh = fraction - first_fraction_;  // done by this process
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::ostringstream line;
    line << (style_ == Style::Terminal ? "\r[" : "[") << std::string(filled, '#') << std::string(width - filled, '.') << "] " << std::setw(3)
         << static_cast<int>(100 * fraction) << "%  " << static_cast<uint64_t>(fraction * total_runs_ + 0.5) << "/"
         << total_runs_ << " runs  " << std::fixed << std::setprecision(1);
    if (elapsed > 0 && fresh > 0) line << fresh * total_runs_ / elapsed << " runs/s  ";
    line << elapsed << " s";
    if (fresh > 0.01 * (1 - first_fraction_) && fraction < 1) line << "  ETA " << elapsed * (1 - fraction) / fresh << " s";
    line << (style_ == Style::Terminal ? "   " : "\n");
    err_ << line.str() << std::flush;
  }
  void finish() {
    if (style_ == Style::Terminal) err_ << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  Style style_;
  double next_log_ = 0.0;    // Style::Log: the elapsed time of the next line
  bool logged_end_ = false;  // Style::Log: the 100% line is written
  std::ostream& err_;
  uint64_t total_runs_;
  double first_fraction_;
  Clock::time_point t0_;
};

}  // namespace klab
