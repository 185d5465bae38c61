// The CUDA engine of offline.edge_of_reach's learners (mopo, ravl, full_horizon): one GPU thread
// per (run, learner), each calling edge_learner_run (engine.hpp), i.e. the same KLAB_INLINE
// rollouts into a FIFO ring and Q-learning updates on the minimum of the ensemble
// (rollout_core.hpp) as the CPU engine's RolloutLearner. The kernel hands back each learner's Q̂ at
// the checkpoints; the host evaluates the greedy policies exactly and fills the per-run records in
// run order, exactly like BatchJob (edge_cuda.cpp).
//
// Launch:
//   * A chunk's threads are (series, run) pairs, series-major: the 32 threads of a warp run the
//     same learner on 32 runs (same loop shape; the ε coin, the ring draws and the stochastic
//     successors diverge).
//   * Tables: a thread's Q-tables (ensemble·SA doubles, sized by the largest ensemble and world of
//     the batch), Q̂ (SA), its ring of (pair, s′) (2·capacity ints: 160 kB at the default 20,000)
//     and its snapshots (checkpoints·SA doubles) are contiguous slices of device arrays. Accesses
//     are scattered (the ring draws are random); a coalesced (interleaved) layout is not done yet.
//   * The worlds and the datasets sit once in device memory (read-only, through L1).
//   * A (run, learner) needs about 330 kB at the defaults (four rooms: rings 160 kB, snapshots
//     42·416 doubles, RAVL's ten tables), so chunks are sized by the device's free memory: at most
//     half of it and kMaxChunkBytes (4 GiB: 4,000 runs of the defaults, 12,000 threads; the snapshots
//     come back to a host buffer of the same share, 1.7 GB) of tables, rings and snapshots. Per job one device buffer and one stream; per chunk: kernel, copy of the
//     snapshots, synchronise, hand them over.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "offline/engine.hpp"

namespace klab::offline {
namespace {

constexpr int kEdgeThreadsPerBlock = 128;
constexpr size_t kMaxChunkBytes = size_t{4} << 30;

__global__ void __launch_bounds__(kEdgeThreadsPerBlock)
    edge_kernel(const EdgeBatchConfig* __restrict__ cfg, EdgePoolView pool, const EdgeRunData* __restrict__ run_data, uint64_t seed, uint32_t first_run,
                uint32_t chunk_offset, uint32_t runs, int max_pairs, size_t q_size, size_t ring_size, double* __restrict__ q,
                double* __restrict__ q_min, int* __restrict__ ring, double* __restrict__ out) {
  const EdgeBatchConfig& c = *cfg;
  const uint32_t items = runs * static_cast<uint32_t>(c.n_series);
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // series-major: item = series·runs + run
  if (item >= items) return;
  const uint32_t series = item / runs, r = item % runs;
  const size_t per_learner = static_cast<size_t>(c.n_snapshots) * max_pairs;
  edge_learner_run(c, pool, run_data[chunk_offset + r], static_cast<int>(series), seed, first_run + chunk_offset + r, q + item * q_size,
                   q_min + static_cast<size_t>(item) * max_pairs, ring + item * ring_size,
                   out + (static_cast<size_t>(r) * c.n_series + series) * per_learner, static_cast<size_t>(max_pairs));
}

}  // namespace

Status run_edge_cuda(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const EdgeChunk&)>& consume, EdgeCudaStats* stats) {
  if (cfg.n_series < 1 || cfg.n_series > kMaxEdgeSeries || cfg.n_snapshots < 1 || cfg.n_snapshots > kMaxEdgeSnapshots)
    return Status::error("offline CUDA engine: 1 to " + std::to_string(kMaxEdgeSeries) + " learners and 1 to " + std::to_string(kMaxEdgeSnapshots) +
                         " snapshots are needed");
  if (runs == 0) return {};
  if (pool.runs.size() != runs || pool.worlds.empty()) return Status::error("offline CUDA engine: the pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(edge_kernel, kEdgeThreadsPerBlock, "offline.edge_of_reach", &fit); !s.ok()) return s;

  // Chunk: as many runs as half the free device memory (at most kMaxChunkBytes) of tables, rings and snapshots allow.
  size_t free_bytes = 0, total_bytes = 0;
  KLAB_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
  const size_t chunk_bytes = std::min(kMaxChunkBytes, free_bytes / 2);
  const size_t per_run = static_cast<size_t>(cfg.n_series), max_pairs = static_cast<size_t>(pool.max_pairs());
  const size_t q_size = static_cast<size_t>(cfg.ensemble_max()) * max_pairs, ring_size = 2 * static_cast<size_t>(cfg.buffer_max());
  const size_t snapshot_doubles = static_cast<size_t>(cfg.n_snapshots) * max_pairs;
  const size_t bytes_per_item = (q_size + max_pairs + snapshot_doubles) * sizeof(double) + ring_size * sizeof(int);
  size_t capacity = chunk_bytes / (per_run * bytes_per_item);
  capacity = std::min<size_t>(std::max<size_t>(1, capacity), runs);
  const size_t items = capacity * per_run;
  // One buffer: config | worlds | ints | reals | flags | transitions | run data | Q | Q̂ | rings | snapshots.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(EdgeBatchConfig)), worlds_at = plan.place(pool.worlds.size() * sizeof(EdgeWorld));
  const size_t ints_at = plan.place(pool.ints.size() * sizeof(int)), reals_at = plan.place(pool.reals.size() * sizeof(double));
  const size_t flags_at = plan.place(pool.flags.size()), data_at = plan.place(pool.transitions.size() * sizeof(Transition));
  const size_t runs_at = plan.place(pool.runs.size() * sizeof(EdgeRunData));
  const size_t q_at = plan.place(items * q_size * sizeof(double)), q_min_at = plan.place(items * max_pairs * sizeof(double));
  const size_t ring_at = plan.place(items * ring_size * sizeof(int)), out_at = plan.place(items * snapshot_doubles * sizeof(double));
  const size_t bytes = plan.bytes;
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(bytes, std::to_string(items) + " learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(EdgeBatchConfig)));
  KLAB_CUDA_TRY(job.upload(worlds_at, pool.worlds.data(), pool.worlds.size() * sizeof(EdgeWorld)));
  KLAB_CUDA_TRY(job.upload(ints_at, pool.ints.data(), pool.ints.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(reals_at, pool.reals.data(), pool.reals.size() * sizeof(double)));
  if (!pool.flags.empty()) KLAB_CUDA_TRY(job.upload(flags_at, pool.flags.data(), pool.flags.size()));
  KLAB_CUDA_TRY(job.upload(data_at, pool.transitions.data(), pool.transitions.size() * sizeof(Transition)));
  KLAB_CUDA_TRY(job.upload(runs_at, pool.runs.data(), pool.runs.size() * sizeof(EdgeRunData)));
  const EdgeBatchConfig* device_cfg = reinterpret_cast<const EdgeBatchConfig*>(job.device + cfg_at);
  const EdgePoolView view{reinterpret_cast<const EdgeWorld*>(job.device + worlds_at), reinterpret_cast<const int*>(job.device + ints_at),
                          reinterpret_cast<const double*>(job.device + reals_at), job.device + flags_at,
                          reinterpret_cast<const Transition*>(job.device + data_at)};
  const EdgeRunData* run_data = reinterpret_cast<const EdgeRunData*>(job.device + runs_at);
  double* q = reinterpret_cast<double*>(job.device + q_at);
  double* q_min = reinterpret_cast<double*>(job.device + q_min_at);
  int* ring = reinterpret_cast<int*>(job.device + ring_at);
  double* out = reinterpret_cast<double*>(job.device + out_at);

  std::vector<double> host(items * snapshot_doubles);
  double kernel_seconds = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, out, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        edge_kernel<<<(threads + kEdgeThreadsPerBlock - 1) / kEdgeThreadsPerBlock, kEdgeThreadsPerBlock, 0, job.stream>>>(
            device_cfg, view, run_data, seed, first_run, chunk_first - first_run, n, static_cast<int>(max_pairs), q_size, ring_size, q, q_min, ring,
            out);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t) {
        EdgeChunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.snapshot = host.data();
        consume(chunk);
      },
      &kernel_seconds, snapshot_doubles);
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kEdgeThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->table_bytes = items * bytes_per_item;
    double updates = 0.0;
    for (int s = 0; s < cfg.n_series; ++s) updates += static_cast<double>(cfg.settings[s].updates_per_iteration) * cfg.iterations;
    stats->updates = updates * runs;
  }
  return {};
}

}  // namespace klab::offline
