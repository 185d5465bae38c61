// The host twin of the CUDA engine of mdp.learning's control learners (the same td_control_run on
// this CPU, run after run) and the collecting wrapper of the CUDA engine's chunks.
#include <algorithm>

#include "mdp/engine.hpp"

namespace klab::mdp {

void run_td_batch_host(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<TdOutcome>* out) {
  const size_t per_run = static_cast<size_t>(cfg.n_series), hsa = static_cast<size_t>(cfg.horizon) * pool.max_pairs();
  out->assign(runs * per_run, TdOutcome());
  std::vector<double> q(hsa);
  std::vector<uint32_t> counts(hsa), visits(static_cast<size_t>(pool.max_pairs()));
  const TdPoolView view{pool.worlds.data(), pool.ints.data(), pool.reals.data(), pool.flags.data()};
  for (uint32_t r = 0; r < runs; ++r)
    for (int s = 0; s < cfg.n_series; ++s)
      td_control_run(cfg, view, pool.worlds[pool.world_of_run[r]], s, seed, first_run + r, q.data(), counts.data(), visits.data(),
                     &(*out)[r * per_run + static_cast<size_t>(s)]);
}

Status run_td_batch_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                         std::vector<TdOutcome>* out, TdCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_series);
  out->resize(runs * per_run);
  return run_td_cuda(cfg, pool, seed, first_run, runs, [&](const TdChunk& chunk) {
    std::copy(chunk.outcome, chunk.outcome + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

}  // namespace klab::mdp
