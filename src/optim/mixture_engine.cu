// The CUDA engine of optim.mixture's entropic and Euclidean SMD: one GPU block per run, its threads
// over the component chunks of mixture_kernels.hpp, calling the same KLAB_INLINE phases as the host
// twin (mixture_engine.hpp) and the CPU engine's MixtureRun.
//
// Launch and layout:
//   * Block r of a chunk of runs is run first_run + offset + r; it runs the batch's methods one after
//     the other, each from its w_0 and the run's sample stream from its start. Thread 0 draws x_t (it
//     alone holds the run's Rng; for 2-D bumps it also computes the two rows of s 1-D factors) and
//     publishes it in shared memory; thread k computes f and the partial density
//     of chunks k, k + T, … (T threads: 32 for M ≤ 8192, up to 256 at M = 10⁵, i.e. 391 chunks);
//     the partial sums sit in shared memory (≤ 391 doubles) and are added by the pairwise tree, one
//     level per __syncthreads; every thread then updates components k, k + T, … (coalesced).
//   * Euclidean SMD: after the ascent step w_i += (η_t/p) f_i, Michelot's passes (simplex_projection.hpp):
//     thread k sums and counts the active w_i − δ of chunks k, k + T, … into shared memory, the tree
//     adds sums and counts level by level, every thread computes the same τ from sums[0], counts[0];
//     a pass more while the count changes; then w_i ← δ + max(0, w_i − δ − τ) for components k, k + T, ….
//   * w and f of a run are M doubles each in global memory (L2 for small M); the alias table and
//     the starts w_0 are shared by all runs (read-only).
//   * Output: each method's weights after each checkpoint's sample, (runs, methods, checkpoints, M)
//     doubles; runs are chunked so that it stays within kMaxOutputBytes (4 GiB) per chunk. The host
//     computes the errors (KL, ℓ₂) from them with the CPU engine's estimation_errors (mixture_cuda.cpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "optim/mixture_engine.hpp"
#include "optim/simplex_projection.hpp"

namespace klab::optim {
namespace {

constexpr int kMaxThreadsPerBlock = 256;
// One method's 200 runs of M = 10⁵ at 26 checkpoints (20.8 MB a run: 206 fit) fill the GPU in one chunk;
// with both SMD methods a run is twice that, and a chunk holds 103 runs.
constexpr size_t kMaxOutputBytes = size_t{4} << 30;

// The tree over the chunks' partial sums in shared memory (and, with `counts`, their counts alongside):
// one level per __syncthreads, the levels of pairwise_combine. Leaves the totals in sums[0], counts[0].
__device__ void block_pairwise_combine(double* sums, double* counts, int chunks, int tid, int threads) {
  for (int stride = 1; stride < chunks; stride *= 2) {
    for (int i = 2 * stride * tid; i < chunks; i += 2 * stride * threads) {
      pairwise_add(sums, chunks, stride, i);
      if (counts) pairwise_add(counts, chunks, stride, i);
    }
    __syncthreads();
  }
}

// Michelot's projection of the block's run onto Δ_δ (simplex_projection.hpp), in place; every thread
// computes the same τ, so the loop is uniform over the block. Called after a barrier that follows the
// last write to w.
__device__ void block_project(const MixtureBatchConfig& c, double* w, double* sums, double* counts, int tid, int threads) {
  const int m = c.components, chunks = component_chunks(m);
  SimplexThreshold th;
  th.z = 1.0 - m * c.floor;
  bool more = true;
  while (more) {
    for (int k = tid; k < chunks; k += threads) {
      const int a = k * kComponentChunk, b = a + kComponentChunk < m ? a + kComponentChunk : m;
      sums[k] = simplex_chunk_sum(w, c.floor, th.tau, a, b, &counts[k]);
    }
    __syncthreads();
    block_pairwise_combine(sums, counts, chunks, tid, threads);
    more = th.update(sums[0], counts[0]);
    __syncthreads();  // every thread has read the totals before the next pass overwrites them
  }
  for (int i = tid; i < m; i += threads) w[i] = simplex_projected(w[i], c.floor, th.tau);
}

__global__ void __launch_bounds__(kMaxThreadsPerBlock)
    mixture_kernel(const MixtureBatchConfig* __restrict__ cfg, MixtureTables tables, uint64_t seed, uint32_t first_run, double* __restrict__ weights,
                   double* __restrict__ values, double* __restrict__ out) {
  __shared__ double sums[kMaxComponentChunks];
  __shared__ double counts[kMaxComponentChunks];  // Euclidean: the projection's active counts per chunk
  __shared__ double along[2 * kMaxGridSide];  // bumps2d: the rows of 1-D factors
  __shared__ double x_shared[2];  // the sample (x, y)
  const MixtureBatchConfig& c = *cfg;
  const int m = c.components, chunks = component_chunks(m), tid = static_cast<int>(threadIdx.x), threads = static_cast<int>(blockDim.x);
  const size_t run = blockIdx.x, checkpoints = static_cast<size_t>(c.n_checkpoints) * m;
  double* w = weights + run * m;
  double* f = values + run * m;
  for (int method_index = 0; method_index < c.n_methods; ++method_index) {
    const MixtureEngineMethod method = c.method[method_index];
    double* row = out + run * mixture_row(c) + static_cast<size_t>(method_index) * checkpoints;
    // Each thread resets the components it updated itself in the last method's last step.
    for (int i = tid; i < m; i += threads) w[i] = tables.start[static_cast<size_t>(method_index) * m + i];
    Rng rng(seed, first_run + static_cast<uint32_t>(run), kMixtureSampleStream);  // used by thread 0 only
    int next = 0;
    for (long long t = 0; t < c.samples; ++t) {
      if (tid == 0) {
        const MixturePoint drawn = mixture_draw(c, tables, rng, along);
        x_shared[0] = drawn.x;
        x_shared[1] = drawn.y;
      }
      __syncthreads();  // x (and the rows) published; last sample's updates and reads of sums[0] done
      const MixturePoint x{x_shared[0], x_shared[1]};
      for (int k = tid; k < chunks; k += threads) sums[k] = mixture_chunk_phase(c, x, along, w, f, k);
      __syncthreads();
      block_pairwise_combine(sums, nullptr, chunks, tid, threads);
      const double p = sums[0];
      if (p > 0.0) {  // uniform over the block
        const double eta = mixture_eta(c, method, t), gain = eta / p;
        if (method == MixtureEngineMethod::Entropic) {
          const double keep = 1.0 - eta;
          for (int i = tid; i < m; i += threads) w[i] *= entropic_factor(keep, gain, f[i]);
        } else {
          for (int i = tid; i < m; i += threads) w[i] += gain * f[i];
          __syncthreads();  // the ascent step done (and sums[0] read) before the projection's chunk sums
          block_project(c, w, sums, counts, tid, threads);
        }
      }
      // Each thread copies the components it updated itself: no barrier needed before the copy.
      for (; next < c.n_checkpoints && c.checkpoint[next] == t + 1; ++next)
        for (int i = tid; i < m; i += threads) row[static_cast<size_t>(next) * m + i] = w[i];
    }
  }
}

}  // namespace

Status run_mixture_cuda(const MixtureBatchConfig& cfg, const MixtureTables& tables, uint64_t seed, uint32_t first_run, uint32_t runs,
                        const std::function<void(const MixtureChunk&)>& consume, MixtureCudaStats* stats) {
  if (cfg.components < 2 || cfg.components > kMaxMixtureComponents || cfg.n_checkpoints < 1 || cfg.n_checkpoints > kMaxMixtureCheckpoints ||
      cfg.n_methods < 1 || cfg.n_methods > kMaxMixtureEngineMethods)
    return Status::error("optim.mixture CUDA engine: 2 to " + std::to_string(kMaxMixtureComponents) + " components, 1 to " +
                         std::to_string(kMaxMixtureCheckpoints) + " checkpoints and 1 to " + std::to_string(kMaxMixtureEngineMethods) +
                         " methods are needed");
  if (runs == 0) return {};
  const auto wall_start = std::chrono::steady_clock::now();
  // Threads per block: one per chunk, in whole warps, at most kMaxThreadsPerBlock.
  const int chunks = component_chunks(cfg.components);
  const int threads = std::min(kMaxThreadsPerBlock, (chunks + 31) / 32 * 32);
  KernelFit fit;
  if (Status s = fit_kernel(mixture_kernel, threads, "optim.mixture", &fit); !s.ok()) return s;

  const size_t m = static_cast<size_t>(cfg.components), row = mixture_row(cfg);
  const size_t capacity = std::min<size_t>(runs, std::max<size_t>(1, kMaxOutputBytes / (row * sizeof(double))));
  // One buffer: config | accept | alias | start | w | f | output.
  size_t at = 0;
  auto place = [&at](size_t bytes) {
    const size_t here = at;
    at += cuda_aligned(bytes);
    return here;
  };
  const size_t cfg_at = place(sizeof(MixtureBatchConfig)), accept_at = place(m * sizeof(double)), alias_at = place(m * sizeof(uint32_t));
  const size_t starts = static_cast<size_t>(cfg.n_methods) * m;  // (methods, M) w_0
  const size_t start_at = place(starts * sizeof(double)), w_at = place(capacity * m * sizeof(double)), f_at = place(capacity * m * sizeof(double));
  const size_t out_at = place(capacity * row * sizeof(double));
  const int n_chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(at, std::to_string(capacity) + " mixture runs of M = " + std::to_string(m)); !s.ok()) return s;
  auto upload = [&](size_t offset, const void* data, size_t n) { return cudaMemcpyAsync(job.device + offset, data, n, cudaMemcpyHostToDevice, job.stream); };
  KLAB_CUDA_TRY(upload(cfg_at, &cfg, sizeof(MixtureBatchConfig)));
  KLAB_CUDA_TRY(upload(accept_at, tables.accept, m * sizeof(double)));
  KLAB_CUDA_TRY(upload(alias_at, tables.alias, m * sizeof(uint32_t)));
  KLAB_CUDA_TRY(upload(start_at, tables.start, starts * sizeof(double)));
  const MixtureBatchConfig* device_cfg = reinterpret_cast<const MixtureBatchConfig*>(job.device + cfg_at);
  const MixtureTables device_tables{reinterpret_cast<const double*>(job.device + accept_at), reinterpret_cast<const uint32_t*>(job.device + alias_at),
                                    reinterpret_cast<const double*>(job.device + start_at)};
  double* w = reinterpret_cast<double*>(job.device + w_at);
  double* f = reinterpret_cast<double*>(job.device + f_at);
  double* out = reinterpret_cast<double*>(job.device + out_at);

  std::vector<double> host(capacity * row);
  double kernel_seconds = 0.0;
  for (int k = 0; k < n_chunks; ++k) {
    const uint32_t offset = static_cast<uint32_t>(static_cast<size_t>(k) * capacity);
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(capacity, runs - static_cast<size_t>(k) * capacity));
    if (Status s = job.begin_chunk(); !s.ok()) return s;
    mixture_kernel<<<n, threads, 0, job.stream>>>(device_cfg, device_tables, seed, first_run + offset, w, f, out);
    if (Status s = job.end_chunk(host.data(), out, n * row * sizeof(double), &kernel_seconds); !s.ok()) return s;
    MixtureChunk chunk;
    chunk.first_run = first_run + offset;
    chunk.runs = n;
    chunk.weights = host.data();
    consume(chunk);
  }
  if (stats) {
    record_job(fit, threads, static_cast<uint32_t>(capacity), n_chunks, kernel_seconds, wall_start, stats);
    stats->component_updates = static_cast<double>(runs) * cfg.n_methods * static_cast<double>(cfg.samples) * static_cast<double>(m);
  }
  return {};
}

}  // namespace klab::optim
