// The host twin of the CUDA engine of blackbox.es (the same es_landscape_run with the same packed
// string and on-demand keys, on this CPU, landscape after landscape) and the collecting wrapper of
// the CUDA engine's chunks.
#include <algorithm>

#include "blackbox/engine.hpp"

namespace klab::blackbox {

void run_es_batch_host(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<EsOutcome>* out) {
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  out->assign(runs * per_run, EsOutcome());
  std::vector<uint32_t> words(static_cast<size_t>(cfg.max_n() + 31) / 32);
  for (uint32_t i = 0; i < runs; ++i)
    for (int s = 0; s < cfg.n_series; ++s)
      for (int k = 0; k < cfg.n_grid; ++k)
        es_landscape_run(cfg, s, k, seed, first_run + i, PackedGenome{words.data(), 1},
                         &(*out)[i * per_run + static_cast<size_t>(s * cfg.n_grid + k)]);
}

Status run_es_batch_cuda(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<EsOutcome>* out,
                         EsCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  out->resize(runs * per_run);
  return run_es_cuda(cfg, seed, first_run, runs, [&](const EsChunk& chunk) {
    std::copy(chunk.outcome, chunk.outcome + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

}  // namespace klab::blackbox
