// The host twin of the CUDA engine (the same per-run simulation, on this CPU, run after run), and
// the collecting wrapper of the CUDA engine's chunks.
#include <algorithm>

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
    for (size_t slot = 0; slot < p; ++slot) {
      const size_t j = i * p + slot;
      simulate_policy_run<kMaxArms>(cfg, static_cast<int>(slot), seed, first_run + i, &out->regret_at[j * c], &out->pulls[j * k],
                                    &out->regret[j], &out->best_pulls[j]);
    }
}

Status run_regret_batch_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out) {
  const size_t p = static_cast<size_t>(cfg.n_policies), k = static_cast<size_t>(cfg.policy.k),
               c = static_cast<size_t>(cfg.n_checkpoints);
  out->runs = runs;
  out->regret_at.resize(runs * p * c);
  out->pulls.resize(runs * p * k);
  out->regret.resize(runs * p);
  out->best_pulls.resize(runs * p);
  return run_regret_cuda(cfg, seed, first_run, runs, [&](const RegretChunk& chunk) {
    const size_t at = static_cast<size_t>(chunk.first_run - first_run) * p, n = static_cast<size_t>(chunk.runs) * p;
    std::copy(chunk.regret_at, chunk.regret_at + n * c, out->regret_at.begin() + at * c);
    std::copy(chunk.pulls, chunk.pulls + n * k, out->pulls.begin() + at * k);
    std::copy(chunk.regret, chunk.regret + n, out->regret.begin() + at);
    std::copy(chunk.best_pulls, chunk.best_pulls + n, out->best_pulls.begin() + at);
  });
}

}  // namespace klab::bandits
