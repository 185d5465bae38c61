// Batched optim.mixture runs of entropic SMD as flat arrays: the CUDA engine (mixture_engine.cu, one
// GPU block per run, its threads over the component chunks of mixture_kernels.hpp) and its host twin
// (mixture_engine_host.cpp, the same phases chunk after chunk) run the same KLAB_INLINE code as the
// CPU engine's MixtureRun (sample_target → sample_point_1d, evaluate_components → bump_chunk,
// mixture_density → chunk_density + pairwise_combine, entropic_step → entropic_factor), so the
// weights at every checkpoint equal the CPU engine's bit for bit. Categorical and 1-D bump
// dictionaries; smd_entropic only (the other estimators run on --backend cpu).
//
// A sample, as phases (a GPU block runs each phase's chunks in parallel, __syncthreads between):
//   1. draw x_t ∼ p (stream (seed, run, 0), alias table of w*);
//   2. for every chunk c: f_i(x_t) for i in c, and the chunk's partial density Σ_{i∈c} w_i f_i;
//   3. p_w(x_t): the chunks' sums added by the pairwise tree;
//   4. if p_w(x_t) > 0: w_i ← w_i ((1 − η_t) + (η_t/p) f_i) for every i, η_t = c/(t + 1 + c);
//   5. after a checkpoint's sample: w copied to the run's output row.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "optim/mixture_kernels.hpp"

namespace klab::optim {

constexpr int kMaxMixtureCheckpoints = 30;  // the layout's log-spaced sample counts

// Everything a run needs but its tables, as plain data (copied to the GPU as it is).
struct MixtureBatchConfig {
  bool bumps = false;      // 1-D bumps, else categorical point masses
  int components = 0;      // M
  double spacing = 0.0;    // h = 1/(M − 1)
  double width = 0.0;      // σ
  long long samples = 0;   // n
  double entropic_step = 1.0;  // c
  int n_checkpoints = 0;
  long long checkpoint[kMaxMixtureCheckpoints] = {};  // record after these sample counts (increasing)
};

// The run-independent tables, wherever they live: the alias table of w* and the start w_0 (M each).
struct MixtureTables {
  const double* accept;
  const uint32_t* alias;
  const double* start;
};

// Phase 1: the sample x_t (the value; categorical: the index).
KLAB_INLINE double mixture_draw(const MixtureBatchConfig& c, const MixtureTables& t, Rng& rng) {
  return sample_point_1d(c.bumps, t.accept, t.alias, static_cast<uint32_t>(c.components), c.spacing, c.width, rng);
}

// Phase 2 for chunk `chunk`: f over the chunk into f, and Σ_{i ∈ chunk} w_i f_i.
KLAB_INLINE double mixture_chunk_phase(const MixtureBatchConfig& c, double x, const double* w, double* f, int chunk) {
  const int a = chunk * kComponentChunk, b = a + kComponentChunk < c.components ? a + kComponentChunk : c.components;
  if (c.bumps) {
    const double s2 = c.width * c.width;
    bump_chunk(nearest_centre(c.components, c.spacing, x), a, b, c.spacing, c.width, s2, math::exp(-c.spacing * c.spacing / s2), x, f);
  } else {
    const long k = lround(x);  // evaluate_components' point mass
    for (int i = a; i < b; ++i) f[i] = i == k ? 1.0 : 0.0;
  }
  return chunk_density(w, f, a, b);
}

// η_t of sample t (0-based), as MixtureRun::step computes it.
KLAB_INLINE double mixture_eta(const MixtureBatchConfig& c, long long t) { return c.entropic_step / (static_cast<double>(t) + 1.0 + c.entropic_step); }

// The host twin: runs first_run .. first_run + runs − 1, one after another, on this CPU. Output
// (runs, n_checkpoints, M), run-major: the weights after each checkpoint's sample.
void run_mixture_batch_host(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                            std::vector<double>* out);

// One chunk of GPU output (layout above), readable during the consumer's call only.
struct MixtureChunk {
  uint32_t first_run = 0, runs = 0;
  const double* weights = nullptr;
};

struct MixtureCudaStats : CudaJobStats {
  double component_updates = 0.0;  // runs · n · M
};

// Runs first_run .. first_run + runs − 1 on the GPU in chunks of runs (at most 4 GiB of checkpoint
// weights each) and hands each chunk to `consume` in run order. An error (no device, a CUDA
// failure, a build without CUDA, M or the checkpoints past the engine's limits) comes back as a Status.
Status run_mixture_cuda(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                        const std::function<void(const MixtureChunk&)>& consume, MixtureCudaStats* stats = nullptr);

}  // namespace klab::optim
