// bandits.regret: K-armed stochastic bandit, eight policies on the same reward draws, cumulative
// regret against the Lai–Robbins lower bound. Runs are resumable (RunCursor) so long horizons
// advance in slices in the browser, and `klab run --backend cuda` runs them one GPU thread each.
#pragma once
#include <string>
#include <vector>

#include "bandits/regret_sim.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::bandits {

struct RegretParams {
  std::vector<double> arms;            // mean rewards μ_a (two-valued: clamped into [low, high])
  ArmDist dist = ArmDist::Bernoulli;
  double sigma = 1.0;                  // Gaussian noise
  double low = 0.05, high = 0.95;      // two-valued support
  std::vector<std::string> policies;   // policy ids, in series order
  long long horizon = 10000;
  double c = 0.0;                      // KL-UCB(+) coefficient of ln ln t
  double eps_c = 5.0;                  // ε-greedy schedule ε_t = min(1, eps_c·K/t)
  long long etc_m = 50;                // explore-then-commit: pulls per arm
};

// Policy ids as the CLI spells them (series names), in Policy order, and display names.
const std::vector<std::string>& policy_ids();
const std::vector<std::string>& policy_labels();
Policy policy_from_id(const std::string& id);

// Presets of arm means (the view's buttons; README lists them for the CLI).
struct ArmPreset {
  const char* id;
  const char* label;
  std::vector<double> means;
};
const std::vector<ArmPreset>& arm_presets();

class RegretExperiment final : public ExperimentOf<RegretParams, RegretExperiment> {
 public:
  RegretExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  bool has_cuda_engine() const override;
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;

  // The plain-data description of a run for the current parameters (checkpoints from `layout`).
  RegretConfig config(const RunLayout& layout) const;
  ArmModel model() const;
  // Mean reward of each arm (after two-valued clamping), and the Lai–Robbins constant
  // C = Σ Δa / KL(ν_a, ν*) (the bound is C·ln t).
  std::vector<double> effective_means() const;
  double lai_robbins() const;
};

// The record of one run from its per-policy outputs (shared by the CPU and CUDA engines):
// regret_at[slot][checkpoint], pulls[slot][arm], final regret and best-arm pulls per slot.
void fill_regret_record(const RunLayout& layout, const RegretConfig& cfg, const double* regret_at, const uint32_t* pulls,
                        const double* regret, const uint64_t* best_pulls, RunRecord& out);

DemoInfo regret_demo();

}  // namespace klab::bandits
