// Batched bandits.regret runs as flat arrays: the CUDA engine (src/bandits/engine.cu, one GPU
// thread per run) and its host twin run the very same KLAB_HD simulation (regret_sim.hpp).
// The host twin is what the CPU-vs-GPU test compares against, run by run.
#pragma once
#include <cstdint>
#include <vector>

#include "bandits/regret_sim.hpp"
#include "core/status.hpp"

namespace klab::bandits {

// Outputs of runs first_run .. first_run + runs - 1, run-major:
//   regret_at[(r·P + slot)·C + checkpoint], pulls[(r·P + slot)·K + arm],
//   regret[r·P + slot], best_pulls[r·P + slot]   (P policies, C checkpoints, K arms).
struct RegretBatch {
  uint32_t runs = 0;
  std::vector<double> regret_at;
  std::vector<uint32_t> pulls;
  std::vector<double> regret;
  std::vector<uint64_t> best_pulls;
};

// Every policy of run `run`, written through the pointers (layout as above, for one run).
KLAB_INLINE void simulate_regret_run(const RegretConfig& cfg, uint64_t seed, uint32_t run, double* regret_at,
                                     uint32_t* pulls, double* regret, uint64_t* best_pulls) {
  PolicyRun r;
  for (int slot = 0; slot < cfg.n_policies; ++slot) {
    policy_run_start(r, cfg, static_cast<Policy>(cfg.policies[slot]), seed, run);
    policy_run_advance(r, cfg, seed, run, cfg.policy.horizon, regret_at + slot * cfg.n_checkpoints);
    for (int a = 0; a < cfg.policy.k; ++a) pulls[slot * cfg.policy.k + a] = r.stats.pulls[a];
    regret[slot] = r.regret;
    best_pulls[slot] = r.best_pulls;
  }
}

// The host twin: the same runs on this CPU, one after another.
void run_regret_batch_host(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out);

// On the GPU. False (with the CUDA error) when no device answers or the build has no CUDA.
bool run_regret_batch_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out,
                           std::string* error);

}  // namespace klab::bandits
