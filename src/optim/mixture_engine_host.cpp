// The host twin of optim.mixture's CUDA engine (mixture_engine.hpp): the same phases on this CPU,
// chunk after chunk, method after method, run after run.
#include <algorithm>
#include <array>

#include "optim/mixture_engine.hpp"
#include "optim/simplex_projection.hpp"

namespace klab::optim {

void run_mixture_batch_host(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                            std::vector<double>* out) {
  const size_t m = static_cast<size_t>(cfg.components), checkpoints = static_cast<size_t>(cfg.n_checkpoints) * m, row = mixture_row(cfg);
  const int chunks = component_chunks(cfg.components);
  out->assign(runs * row, 0.0);
  std::vector<double> w(m), f(m);
  std::array<double, kMaxComponentChunks> sums, counts;  // (chunks) the partial densities; the projection's partial counts
  std::array<double, 2 * kMaxGridSide> along;            // bumps2d: the rows of 1-D factors
  for (uint32_t r = 0; r < runs; ++r)
    for (int k = 0; k < cfg.n_methods; ++k) {
      const MixtureEngineMethod method = cfg.method[k];
      std::copy(tables.start + k * m, tables.start + (k + 1) * m, w.begin());
      Rng rng(seed, first_run + r, kMixtureSampleStream);
      double* row_out = out->data() + r * row + static_cast<size_t>(k) * checkpoints;
      int next = 0;
      for (long long t = 0; t < cfg.samples; ++t) {
        const MixturePoint x = mixture_draw(cfg, tables, rng, along.data());
        for (int c = 0; c < chunks; ++c) sums[static_cast<size_t>(c)] = mixture_chunk_phase(cfg, x, along.data(), w.data(), f.data(), c);
        const double p = pairwise_combine(sums.data(), chunks);
        if (p > 0.0) {
          const double eta = mixture_eta(cfg, method, t), gain = eta / p;
          if (method == MixtureEngineMethod::Entropic) {
            const double keep = 1.0 - eta;
            for (size_t i = 0; i < m; ++i) w[i] *= entropic_factor(keep, gain, f[i]);
          } else {
            for (size_t i = 0; i < m; ++i) w[i] += gain * f[i];
            project_truncated_simplex_chunked(w.data(), cfg.components, cfg.floor, sums.data(), counts.data());
          }
        }
        for (; next < cfg.n_checkpoints && cfg.checkpoint[next] == t + 1; ++next) std::copy(w.begin(), w.end(), row_out + static_cast<size_t>(next) * m);
      }
    }
}

}  // namespace klab::optim
