// Concurrent runs of the dNSGA-II (Doerr, Krejca, Wietheger, arXiv:2509.01739, Algorithm 2), and
// Nsga2Search: one algorithm of blackbox.nsga2 stepped a generation at a time, a single (d)NSGA-II
// run or the concurrent scheme, as the experiment and the live view run it.
//
// A labelled READING of a secondary copy of the paper (a Markdown rendering of arXiv:2509.01739v1,
// not the PDF; chapter README "concurrent runs"): instance A_i is a dNSGA-II (or ⁺) with τ = 2^i,
// i = 2, 3, 4, …, and the same μ; r_i are the evaluations granted to A_i and φ_i its phases run so
// far (both 0 at first). Until some instance covers the front: pick
//     i = argmin_j r_j + PhaseLength(μ, j, φ_j)        (ties: the smallest i)
// over the started instances and the smallest unstarted one (an unstarted A_j's cost, PhaseLength
// at φ = 0, grows with j); start A_i if φ_i = 0; run its phase; r_i += PhaseLength(μ, i, φ_i), then
// φ_i += 1. The copy's pseudo-code increments φ_i first and so charges the NEXT phase's length;
// this reading charges the phase just run (r_i is then what A_i received; README).
//     PhaseLength(μ, i, φ) = max{2^i, 4·2^{min(φ, d)}},  d = ⌈log₂(μ/4)⌉,
// and for ⁺ instances phase 0 lasts d·2^i. Running a phase here: whole generations of A_i while its
// offspring evaluations (the 4 initial ones not counted, as the paper's w) are below Σ of its granted
// phase lengths; A_i's own doublings follow its τ (nsga2.hpp). The run's evaluations are those of
// all instances together.
#pragma once
#include <cstddef>
#include <vector>

#include "blackbox/mo_problems.hpp"
#include "blackbox/nsga2.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

// PhaseLength(μ, i, φ) above, from d = nsga2_doublings(μ).
long long concurrent_phase_length(int doublings, bool plus, int i, int phase);

// Algorithm 2's order of phases (the argmin above), independent of the runs.
class ConcurrentSchedule {
 public:
  ConcurrentSchedule(int doublings, bool plus) : doublings_(doublings), plus_(plus) {}
  struct Phase {
    int instance = 0;  // i: τ = 2^i
    int phase = 0;     // φ: 0 starts the instance
    long long length = 0;
  };
  Phase next();
  // r_i: the evaluations granted to A_i (τ = 2^i) by the phases returned so far; A_i must be started.
  long long granted(int i) const { return granted_[static_cast<std::size_t>(i - 2)]; }

 private:
  int doublings_;
  bool plus_;
  std::vector<long long> granted_;  // r_i of the started instances, i = 2, 3, …
  std::vector<int> phases_;         // φ_i
};

class Nsga2Search {
 public:
  // The single run starts here (nsga2_start); the concurrent scheme starts its first instance on the first step.
  Nsga2Search(const Nsga2Settings& s, const FrontTarget& target, Rng& rng);
  // One generation of the run (concurrent: of the scheduled instance, or the start of a new instance).
  void step(const FrontTarget& target, const std::vector<double>& flip_cdf, Rng& rng);
  long long evaluations() const { return evaluations_; }  // all instances together
  long long generations() const { return generations_; }
  int covered() const { return runs_.empty() ? 0 : covered_[best_]; }
  // The run whose population is reported: the single run, or the instance holding the most front
  // targets (ties: the smallest τ). Needs a started run (single: always; concurrent: after one step).
  const Nsga2Run& shown() const { return runs_[best_]; }
  const Nsga2Settings& shown_settings() const { return settings_[best_]; }  // (A_i: τ = 2^i)
  bool started() const { return !runs_.empty(); }
  int instances() const { return static_cast<int>(runs_.size()); }

 private:
  void start_instance(int i, const FrontTarget& target, Rng& rng);
  void update_best();

  Nsga2Settings s_;
  ConcurrentSchedule schedule_;
  std::vector<Nsga2Settings> settings_;  // per run (A_i: τ = 2^i)
  std::vector<Nsga2Run> runs_;      // single: one; concurrent: A_i at i − 2
  std::vector<int> covered_;        // front targets held, per run
  int current_ = -1;                // concurrent: the instance whose phase runs, or −1 between phases
  std::size_t best_ = 0;
  long long evaluations_ = 0, generations_ = 0;
};

}  // namespace klab::blackbox
