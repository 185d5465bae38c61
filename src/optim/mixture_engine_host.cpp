// The host twin of optim.mixture's CUDA engine (mixture_engine.hpp): the same phases on this CPU,
// chunk after chunk, run after run.
#include <algorithm>
#include <array>

#include "optim/mixture_engine.hpp"

namespace klab::optim {

void run_mixture_batch_host(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                            std::vector<double>* out) {
  const size_t m = static_cast<size_t>(cfg.components), row = static_cast<size_t>(cfg.n_checkpoints) * m;
  const int chunks = component_chunks(cfg.components);
  out->assign(runs * row, 0.0);
  std::vector<double> w(m), f(m);
  std::array<double, kMaxComponentChunks> sums;  // (chunks) the partial densities
  std::array<double, 2 * kMaxGridSide> along;    // bumps2d: the rows of 1-D factors
  for (uint32_t r = 0; r < runs; ++r) {
    std::copy(tables.start, tables.start + m, w.begin());
    Rng rng(seed, first_run + r, kMixtureSampleStream);
    int next = 0;
    for (long long t = 0; t < cfg.samples; ++t) {
      const MixturePoint x = mixture_draw(cfg, tables, rng, along.data());
      for (int c = 0; c < chunks; ++c) sums[static_cast<size_t>(c)] = mixture_chunk_phase(cfg, x, along.data(), w.data(), f.data(), c);
      const double p = pairwise_combine(sums.data(), chunks);
      if (p > 0.0) {
        const double eta = mixture_eta(cfg, t), keep = 1.0 - eta, gain = eta / p;
        for (size_t i = 0; i < m; ++i) w[i] *= entropic_factor(keep, gain, f[i]);
      }
      for (; next < cfg.n_checkpoints && cfg.checkpoint[next] == t + 1; ++next)
        std::copy(w.begin(), w.end(), out->begin() + static_cast<long>(r * row + static_cast<size_t>(next) * m));
    }
  }
}

}  // namespace klab::optim
