// The CUDA engine of offline.prdc's learners (prdc, td3_bc, bc, td3): one GPU thread per (run, learner),
// each calling prdc_learner_run (prdc_engine.hpp), i.e. the same KLAB_INLINE TD3 steps, MLP passes, Adam
// updates, KD-tree queries and Monte Carlo checks (td3_core.hpp, mlp_core.hpp, kd_tree.hpp) as the CPU
// engine's Td3Learner. The kernel hands back each learner's check at the checkpoints; the host fills the
// per-run records in run order, exactly like BatchJob (prdc_cuda.cpp).
//
// Launch:
//   * A chunk's threads are (series, run) pairs, series-major: the 32 threads of a warp run the same
//     learner (same loss, same loop shape) on 32 runs; their minibatch indices, KD-tree descents and
//     ReLU patterns differ.
//   * A thread's flat state (six networks, three Adams' moments: 4,374 doubles at 16 hidden units),
//     its scratch (tapes of the batch and gradients: 5,425 doubles at batch 32) and its minibatch
//     indices are contiguous slices of device arrays (prdc_bytes_per_learner: ≈ 79 kB a learner at
//     the defaults); accesses are per thread, so a warp's loads are scattered (an interleaved layout
//     is not done yet).
//   * The datasets, their KD-trees and evaluation states sit once in device memory (read-only).
//   * Chunks are sized by the device memory free beside the pool: at most half of it and
//     kMaxCudaChunkBytes (4 GiB: ≈ 13,600 runs of the defaults' four learners) of states, scratch
//     and checks (cuda_chunk_capacity). Per job one device buffer and one stream; per chunk: kernel,
//     copy of the checks, synchronise, hand them over.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "offline/prdc_engine.hpp"

namespace klab::offline {
namespace {

constexpr int kPrdcThreadsPerBlock = 64;

__global__ void __launch_bounds__(kPrdcThreadsPerBlock)
    prdc_kernel(const PrdcBatchConfig* __restrict__ cfg, PrdcPoolView pool, const PrdcRunData* __restrict__ run_data, uint64_t seed, uint32_t first_run,
                uint32_t chunk_offset, uint32_t runs, size_t state_size, size_t scratch_size, double* __restrict__ state, double* __restrict__ scratch,
                int* __restrict__ idx, Td3Check* __restrict__ out) {
  const PrdcBatchConfig& c = *cfg;
  const uint32_t items = runs * static_cast<uint32_t>(c.n_series);
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // series-major: item = series·runs + run
  if (item >= items) return;
  const uint32_t series = item / runs, r = item % runs;
  prdc_learner_run(c, pool, run_data[chunk_offset + r], static_cast<int>(series), seed, first_run + chunk_offset + r, state + item * state_size,
                   scratch + item * scratch_size, idx + static_cast<size_t>(item) * c.settings[0].batch,
                   out + (static_cast<size_t>(r) * c.n_series + series) * c.n_checkpoints);
}

}  // namespace

Status prdc_cuda_wave_runs(const PrdcBatchConfig& cfg, uint32_t* runs) {
  KernelFit fit;
  if (Status s = fit_kernel(prdc_kernel, kPrdcThreadsPerBlock, "offline.prdc", &fit); !s.ok()) return s;
  const size_t threads = static_cast<size_t>(fit.sm_count) * fit.blocks_per_sm * kPrdcThreadsPerBlock;
  *runs = static_cast<uint32_t>(std::max<size_t>(1, threads / static_cast<size_t>(std::max(1, cfg.n_series))));
  return {};
}

Status run_prdc_cuda(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const PrdcChunk&)>& consume, PrdcCudaStats* stats) {
  if (cfg.n_series < 1 || cfg.n_series > kMaxPrdcSeries || cfg.n_checkpoints < 1 || cfg.n_checkpoints > kMaxPrdcCheckpoints)
    return Status::error("offline.prdc CUDA engine: 1 to " + std::to_string(kMaxPrdcSeries) + " learners and 1 to " + std::to_string(kMaxPrdcCheckpoints) +
                         " checkpoints are needed");
  if (runs == 0) return {};
  if (pool.runs.size() != runs) return Status::error("offline.prdc CUDA engine: the pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(prdc_kernel, kPrdcThreadsPerBlock, "offline.prdc", &fit); !s.ok()) return s;

  // One buffer: config | run data | s | a | r | s2 | tree points | order | nodes | states | scratch | indices | checks.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(PrdcBatchConfig)), runs_at = plan.place(pool.runs.size() * sizeof(PrdcRunData));
  const size_t s_at = plan.place(pool.s.size() * sizeof(double)), a_at = plan.place(pool.a.size() * sizeof(double));
  const size_t r_at = plan.place(pool.r.size() * sizeof(double)), s2_at = plan.place(pool.s2.size() * sizeof(double));
  const size_t points_at = plan.place(pool.points.size() * sizeof(double)), order_at = plan.place(pool.order.size() * sizeof(int));
  const size_t nodes_at = plan.place(pool.nodes.size() * sizeof(KdNode));
  // Chunk: as many runs as half the device memory free beside the pool above (at most kMaxCudaChunkBytes) of states, scratch and checks allow.
  const size_t per_run = static_cast<size_t>(cfg.n_series), batch = static_cast<size_t>(cfg.settings[0].batch);
  const size_t state_size = prdc_state_doubles(cfg), scratch_size = prdc_scratch_doubles(cfg);
  const size_t bytes_per_item = prdc_bytes_per_learner(cfg);
  size_t capacity = 0;
  if (Status s = cuda_chunk_capacity(per_run * bytes_per_item, runs, &capacity, plan.bytes); !s.ok()) return s;
  const size_t items = capacity * per_run;
  const size_t state_at = plan.place(items * state_size * sizeof(double)), scratch_at = plan.place(items * scratch_size * sizeof(double));
  const size_t idx_at = plan.place(items * batch * sizeof(int)), out_at = plan.place(items * cfg.n_checkpoints * sizeof(Td3Check));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " TD3 learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(PrdcBatchConfig)));
  KLAB_CUDA_TRY(job.upload(runs_at, pool.runs.data(), pool.runs.size() * sizeof(PrdcRunData)));
  KLAB_CUDA_TRY(job.upload(s_at, pool.s.data(), pool.s.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(a_at, pool.a.data(), pool.a.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(r_at, pool.r.data(), pool.r.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(s2_at, pool.s2.data(), pool.s2.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(points_at, pool.points.data(), pool.points.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(order_at, pool.order.data(), pool.order.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(nodes_at, pool.nodes.data(), pool.nodes.size() * sizeof(KdNode)));
  const PrdcBatchConfig* device_cfg = reinterpret_cast<const PrdcBatchConfig*>(job.device + cfg_at);
  const PrdcPoolView view{reinterpret_cast<const double*>(job.device + s_at),      reinterpret_cast<const double*>(job.device + a_at),
                          reinterpret_cast<const double*>(job.device + r_at),      reinterpret_cast<const double*>(job.device + s2_at),
                          reinterpret_cast<const double*>(job.device + points_at), reinterpret_cast<const int*>(job.device + order_at),
                          reinterpret_cast<const KdNode*>(job.device + nodes_at)};
  const PrdcRunData* run_data = reinterpret_cast<const PrdcRunData*>(job.device + runs_at);
  double* state = reinterpret_cast<double*>(job.device + state_at);
  double* scratch = reinterpret_cast<double*>(job.device + scratch_at);
  int* idx = reinterpret_cast<int*>(job.device + idx_at);
  Td3Check* out = reinterpret_cast<Td3Check*>(job.device + out_at);

  std::vector<Td3Check> host(items * cfg.n_checkpoints);
  double kernel_seconds = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, out, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        prdc_kernel<<<(threads + kPrdcThreadsPerBlock - 1) / kPrdcThreadsPerBlock, kPrdcThreadsPerBlock, 0, job.stream>>>(
            device_cfg, view, run_data, seed, first_run, chunk_first - first_run, n, state_size, scratch_size, state, scratch, idx, out);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t) {
        PrdcChunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.checks = host.data();
        consume(chunk);
      },
      &kernel_seconds, static_cast<size_t>(cfg.n_checkpoints));
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kPrdcThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->table_bytes = items * bytes_per_item;
    stats->steps = static_cast<double>(runs) * cfg.n_series * cfg.steps;
    stats->samples = stats->steps * static_cast<double>(batch);
  }
  return {};
}

}  // namespace klab::offline
