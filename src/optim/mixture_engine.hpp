// Batched optim.mixture runs of the two SMD estimators as flat arrays: the CUDA engine
// (mixture_engine.cu, one GPU block per run, its threads over the component chunks of
// mixture_kernels.hpp) and its host twin (mixture_engine_host.cpp, the same phases chunk after chunk)
// run the same KLAB_INLINE code as the CPU engine's MixtureRun (sample_target → sample_point,
// evaluate_components → bump_chunk / bump_row, mixture_density → chunk_density + pairwise_combine,
// entropic_step → entropic_factor, project_truncated_simplex → simplex_projection.hpp), so the
// weights at every checkpoint equal the CPU engine's bit for bit. Every dictionary (categorical,
// 1-D and 2-D bumps); smd_entropic and smd_euclidean (EM and the counting estimators run on --backend cpu).
//
// A run, per method (the methods one after another, each from its own w_0 and the run's sample
// stream from its start: the same samples the CPU engine feeds all methods in lockstep), a sample as
// phases (a GPU block runs each phase's chunks in parallel, __syncthreads between):
//   1. draw x_t ∼ p (stream (seed, run, 0), alias table of w*); 2-D bumps: the two rows of 1-D factors;
//   2. for every chunk c: f_i(x_t) for i in c, and the chunk's partial density Σ_{i∈c} w_i f_i;
//   3. p_w(x_t): the chunks' sums added by the pairwise tree;
//   4. if p_w(x_t) > 0: entropic: w_i ← w_i ((1 − η_t) + (η_t/p) f_i), η_t = c/(t + 1 + c + t₀);
//      Euclidean: w_i ← w_i + (η_t/p) f_i, η_t = η₀/(t + 1), then Michelot's passes (per chunk a sum
//      and a count of the active w_i − δ, the pairwise tree, τ; until the count stops changing) and
//      w_i ← δ + max(0, w_i − δ − τ);
//   5. after a checkpoint's sample: w copied to the run's output row.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "optim/mixture_kernels.hpp"

namespace klab::optim {

constexpr int kMaxMixtureCheckpoints = 30;  // the layout's log-spaced sample counts

// The estimators the engine runs (series of the experiment, in its order).
enum class MixtureEngineMethod { Entropic, Euclidean };
constexpr int kMaxMixtureEngineMethods = 2;

// Everything a run needs but its tables, as plain data (copied to the GPU as it is).
struct MixtureBatchConfig {
  Dictionary dictionary = Dictionary::Categorical;
  int components = 0;      // M
  int side = 0;            // bumps2d: s (M = s²)
  double spacing = 0.0;    // h: 1/(M − 1), bumps2d 1/(s − 1)
  double width = 0.0;      // σ
  long long samples = 0;   // n
  double entropic_step = 1.0;  // c of smd_entropic
  double entropic_delay = 0.0; // t₀ of smd_entropic
  double euclid_step = 1.0;    // η₀ of smd_euclidean
  double floor = 0.0;          // smd_euclidean: δ = floor/M
  int n_methods = 0;
  MixtureEngineMethod method[kMaxMixtureEngineMethods] = {};
  int n_checkpoints = 0;
  long long checkpoint[kMaxMixtureCheckpoints] = {};  // record after these sample counts (increasing)
};

// The run-independent tables, wherever they live: the alias table of w* (M each) and each method's
// start w_0 ((n_methods, M); smd_euclidean's projected onto Δ_δ).
struct MixtureTables {
  const double* accept;
  const uint32_t* alias;
  const double* start;
};

// Phase 1: the sample x_t (categorical: the index), and for 2-D bumps the rows along[0..s) =
// N(x; a h, σ²) and along[kMaxGridSide..+s) = N(y; b h, σ²) (along: 2·kMaxGridSide doubles).
KLAB_INLINE MixturePoint mixture_draw(const MixtureBatchConfig& c, const MixtureTables& t, Rng& rng, double* along) {
  const MixturePoint x = sample_point(c.dictionary, c.side, t.accept, t.alias, static_cast<uint32_t>(c.components), c.spacing, c.width, rng);
  if (c.dictionary == Dictionary::Bumps2d) {
    bump_row(c.side, c.spacing, c.width, x.x, along);
    bump_row(c.side, c.spacing, c.width, x.y, along + kMaxGridSide);
  }
  return x;
}

// Phase 2 for chunk `chunk`: f over the chunk into f (as evaluate_components), and Σ_{i ∈ chunk} w_i f_i.
KLAB_INLINE double mixture_chunk_phase(const MixtureBatchConfig& c, const MixturePoint& x, const double* along, const double* w, double* f, int chunk) {
  const int a = chunk * kComponentChunk, b = a + kComponentChunk < c.components ? a + kComponentChunk : c.components;
  switch (c.dictionary) {
    case Dictionary::Categorical: {
      const long k = lround(x.x);  // the point mass
      for (int i = a; i < b; ++i) f[i] = i == k ? 1.0 : 0.0;
      break;
    }
    case Dictionary::Bumps: {
      const double s2 = c.width * c.width;
      bump_chunk(nearest_centre(c.components, c.spacing, x.x), a, b, c.spacing, c.width, s2, math::exp(-c.spacing * c.spacing / s2), x.x, f);
      break;
    }
    case Dictionary::Bumps2d:
      for (int i = a; i < b; ++i) f[i] = along[kMaxGridSide + i / c.side] * along[i % c.side];
      break;
  }
  return chunk_density(w, f, a, b);
}

// The doubles of one run's output: (n_methods, n_checkpoints, M).
KLAB_INLINE size_t mixture_row(const MixtureBatchConfig& c) {
  return static_cast<size_t>(c.n_methods) * static_cast<size_t>(c.n_checkpoints) * static_cast<size_t>(c.components);
}

// η_t of sample t (0-based) for a method, as MixtureRun::step computes it.
KLAB_INLINE double mixture_eta(const MixtureBatchConfig& c, MixtureEngineMethod method, long long t) {
  const double n = static_cast<double>(t);
  return method == MixtureEngineMethod::Entropic ? entropic_eta(c.entropic_step, c.entropic_delay, n) : c.euclid_step / (n + 1.0);
}

// The host twin: runs first_run .. first_run + runs − 1, one after another, on this CPU. Output
// (runs, n_methods, n_checkpoints, M), run-major: each method's weights after each checkpoint's sample.
void run_mixture_batch_host(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                            std::vector<double>* out);

// One chunk of GPU output (layout above), readable during the consumer's call only.
struct MixtureChunk {
  uint32_t first_run = 0, runs = 0;
  const double* weights = nullptr;
};

struct MixtureCudaStats : CudaJobStats {
  double component_updates = 0.0;  // runs · methods · n · M
};

// Runs first_run .. first_run + runs − 1 on the GPU in chunks of runs (at most 4 GiB of checkpoint
// weights each) and hands each chunk to `consume` in run order. An error (no device, a CUDA
// failure, a build without CUDA, M or the checkpoints past the engine's limits) comes back as a Status.
Status run_mixture_cuda(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                        const std::function<void(const MixtureChunk&)>& consume, MixtureCudaStats* stats = nullptr);

}  // namespace klab::optim
