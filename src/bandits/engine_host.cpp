// The host twin of the CUDA engine: the same per-run simulation, on this CPU, run after run.
#include "bandits/engine.hpp"

namespace klab::bandits {

void run_regret_batch_host(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out) {
  const size_t p = static_cast<size_t>(cfg.n_policies), k = static_cast<size_t>(cfg.policy.k),
               c = static_cast<size_t>(cfg.n_checkpoints);
  out->runs = runs;
  out->regret_at.assign(runs * p * c, 0.0);
  out->pulls.assign(runs * p * k, 0);
  out->regret.assign(runs * p, 0.0);
  out->best_pulls.assign(runs * p, 0);
  for (uint32_t i = 0; i < runs; ++i)
    simulate_regret_run(cfg, seed, first_run + i, &out->regret_at[i * p * c], &out->pulls[i * p * k], &out->regret[i * p],
                        &out->best_pulls[i * p]);
}

}  // namespace klab::bandits
