// bandits.free_exploration: B = c_free·ln T free pulls before the T paid rounds. No free phase +
// KL-UCB, uniform (round-robin) free exploration + KLUCB-H, and UFE + KLUCB-H (free_exploration.hpp,
// a reading of the abstract), on the same reward draws; regret saved as a function of c_free.
#pragma once
#include <vector>

#include "bandits/free_exploration.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::bandits {

struct FreeParams {
  std::vector<double> arms;
  ArmDist dist = ArmDist::Bernoulli;
  double sigma = 1.0;
  double low = 0.05, high = 0.95;
  long long horizon = 10000;  // paid rounds T
  double c_free = 20.0;       // free budget B = c_free·ln T
  double c_max = 40.0;        // the c_free sweep runs over [0, c_max]
  long long sweep = 9;        // ... at this many values
  double forced = 0.5;        // UFE: fraction of B spent round robin
  double c = 0.0;             // KL-UCB ln ln t coefficient
};

// One episode of one series: the free phase then T paid rounds.
struct FreeEpisode {
  FreeRule rule = FreeRule::None;
  long long budget = 0;
  int series = 0;
  int grid = -1;  // index into the c_free sweep, -1 for the episode at c_free itself
};

class FreeExperiment final : public ExperimentOf<FreeParams, FreeExperiment> {
 public:
  FreeExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  ArmModel model() const;
  PolicyParams policy_params() const;
  std::vector<double> theta() const;
  std::vector<double> gaps() const;          // Δa in parameter units (used by the saving prediction)
  long long budget(double c_free) const;     // B = round(c_free·ln T)
  std::vector<double> c_grid() const;        // the sweep of c_free values
  std::vector<FreeEpisode> episodes() const;
  // First-order predicted saving (reward units) of a free-phase rule at c_free = c.
  double predicted(FreeRule rule, double c) const;
};

// The state of an episode, steppable one pull at a time (the live view animates it).
struct FreeEpisodeState {
  ArmStats stats;
  long long free_done = 0;
  uint64_t t = 0;  // paid rounds done
  double regret = 0.0;
  int committed = -1;
  Rng rng{0, 0, 0};
  int last_arm = -1;
};

void free_episode_start(FreeEpisodeState& s, const FreeExperiment& e, uint64_t seed, uint32_t run);
// One pull (free while free_done < budget, paid afterwards). Returns false once T paid rounds are done.
bool free_episode_step(FreeEpisodeState& s, const FreeExperiment& e, const FreeEpisode& ep, const std::vector<double>& theta,
                       const std::vector<double>& gap, uint64_t seed, uint32_t run);

DemoInfo free_exploration_demo();

}  // namespace klab::bandits
