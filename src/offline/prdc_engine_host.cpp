// The host twin of offline.prdc's CUDA engine (prdc_learner_run on this CPU, run after run, learner
// after learner) and the collecting wrapper of its chunks.
#include <algorithm>

#include "offline/prdc_engine.hpp"

namespace klab::offline {

namespace {
PrdcPoolView host_view(const PrdcPool& p) {
  return {p.s.data(), p.a.data(), p.r.data(), p.s2.data(), p.points.data(), p.order.data(), p.nodes.data()};
}
}  // namespace

void run_prdc_batch_host(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Td3Check>* out) {
  const size_t per_learner = static_cast<size_t>(cfg.n_checkpoints);
  out->assign(runs * static_cast<size_t>(cfg.n_series) * per_learner, Td3Check{});
  std::vector<double> state(prdc_state_doubles(cfg)), scratch(prdc_scratch_doubles(cfg));
  std::vector<int> idx(static_cast<size_t>(cfg.settings[0].batch));
  const PrdcPoolView view = host_view(pool);
  for (uint32_t r = 0; r < runs; ++r)
    for (int s = 0; s < cfg.n_series; ++s)
      prdc_learner_run(cfg, view, pool.runs[r], s, seed, first_run + r, state.data(), scratch.data(), idx.data(),
                       out->data() + (r * static_cast<size_t>(cfg.n_series) + static_cast<size_t>(s)) * per_learner);
}

Status run_prdc_batch_cuda(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Td3Check>* out,
                           PrdcCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_series) * cfg.n_checkpoints;
  out->assign(runs * per_run, Td3Check{});
  return run_prdc_cuda(cfg, pool, seed, first_run, runs, [&](const PrdcChunk& chunk) {
    std::copy(chunk.checks, chunk.checks + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

}  // namespace klab::offline
