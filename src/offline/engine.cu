// The offline chapter's CUDA engines: offline.edge_of_reach's learners here, offline.dice's value
// learners in the second part of the file (dice_kernel, run_dice_cuda), offline.weighting's CQL
// learners in the third (weighting_kernel, run_weighting_cuda), offline.robust's R2PVI and PEVI
// learners in the fourth (robust_kernel, run_robust_cuda).
//
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
//     half of it and kMaxCudaChunkBytes (4 GiB: 4,000 runs of the defaults, 12,000 threads; the snapshots
//     come back to a host buffer of the same share, 1.7 GB) of tables, rings and snapshots. Per job one device buffer and one stream; per chunk: kernel, copy of the
//     snapshots, synchronise, hand them over.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "offline/dice_engine.hpp"
#include "offline/engine.hpp"
#include "offline/robust_engine.hpp"
#include "offline/weighting_engine.hpp"

namespace klab::offline {
namespace {

constexpr int kEdgeThreadsPerBlock = 128;
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

  // Chunk: as many runs as half the free device memory (at most kMaxCudaChunkBytes) of tables, rings and snapshots allow.
  const size_t per_run = static_cast<size_t>(cfg.n_series), max_pairs = static_cast<size_t>(pool.max_pairs());
  const size_t q_size = static_cast<size_t>(cfg.ensemble_max()) * max_pairs, ring_size = 2 * static_cast<size_t>(cfg.buffer_max());
  const size_t snapshot_doubles = static_cast<size_t>(cfg.n_snapshots) * max_pairs;
  const size_t bytes_per_item = (q_size + max_pairs + snapshot_doubles) * sizeof(double) + ring_size * sizeof(int);
  size_t capacity = 0;
  if (Status s = cuda_chunk_capacity(per_run * bytes_per_item, runs, &capacity); !s.ok()) return s;
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

// ---- offline.dice: the value learners (semi, true, orthogonal, iql), one GPU thread per (run, learner) ----
// Each thread calls dice_learner_run (dice_engine.hpp), i.e. the same KLAB_INLINE batch draws, batch
// gradients and updates (dice_core.hpp) as the CPU engine's DiceLearner; the kernel hands back θ and
// the last batch's dot products at the checkpoints, the host builds the policies and evaluates them
// exactly (dice_cuda.cpp). Threads are (series, run) pairs, series-major (a warp runs one rule on 32
// runs: the same loop shape, only the drawn transitions differ); behaviour cloning's threads return
// at once. A thread's θ, base, g→, g← (4·dim doubles) and its snapshots (checkpoints·(dim + 3)) are
// contiguous slices of device arrays; features and datasets sit once in device memory (read-only).
// At the defaults (four rooms, radial + one-hot, dim = 154) a (run, learner) needs about 32 kB (22 snapshots of 157 doubles, 4·154 scratch).

namespace {

constexpr int kDiceThreadsPerBlock = 128;

__global__ void __launch_bounds__(kDiceThreadsPerBlock)
    dice_kernel(const DiceBatchConfig* __restrict__ cfg, DicePoolView pool, const DiceRunData* __restrict__ run_data, uint64_t seed, uint32_t first_run,
                uint32_t chunk_offset, uint32_t runs, size_t scratch_size, size_t stride, double* __restrict__ scratch, double* __restrict__ out) {
  const DiceBatchConfig& c = *cfg;
  const uint32_t items = runs * static_cast<uint32_t>(c.n_series);
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // series-major: item = series·runs + run
  if (item >= items) return;
  const uint32_t series = item / runs, r = item % runs;
  dice_learner_run(c, pool, run_data[chunk_offset + r], static_cast<int>(series), seed, first_run + chunk_offset + r, scratch + item * scratch_size,
                   out + (static_cast<size_t>(r) * c.n_series + series) * c.n_snapshots * stride, stride);
}

}  // namespace

Status run_dice_cuda(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const DiceChunk&)>& consume, DiceCudaStats* stats) {
  if (cfg.n_series < 1 || cfg.n_series > kMaxDiceSeries || cfg.n_snapshots < 1 || cfg.n_snapshots > kMaxDiceSnapshots)
    return Status::error("offline.dice CUDA engine: 1 to " + std::to_string(kMaxDiceSeries) + " learners and 1 to " + std::to_string(kMaxDiceSnapshots) +
                         " snapshots are needed");
  if (runs == 0) return {};
  if (pool.runs.size() != runs || pool.worlds.empty()) return Status::error("offline.dice CUDA engine: the pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(dice_kernel, kDiceThreadsPerBlock, "offline.dice", &fit); !s.ok()) return s;

  // Chunk: as many runs as half the free device memory (at most kMaxCudaChunkBytes) of scratch and snapshots allow.
  const size_t per_run = static_cast<size_t>(cfg.n_series), stride = pool.snapshot_stride();
  const size_t scratch_size = 4 * static_cast<size_t>(pool.max_dim()), snapshot_doubles = static_cast<size_t>(cfg.n_snapshots) * stride;
  const size_t bytes_per_item = (scratch_size + snapshot_doubles) * sizeof(double);
  size_t capacity = 0;
  if (Status s = cuda_chunk_capacity(per_run * bytes_per_item, runs, &capacity); !s.ok()) return s;
  const size_t items = capacity * per_run;
  // One buffer: config | worlds | ints | reals | transitions | run data | scratch | snapshots.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(DiceBatchConfig)), worlds_at = plan.place(pool.worlds.size() * sizeof(DiceFeatureEntry));
  const size_t ints_at = plan.place(pool.ints.size() * sizeof(int)), reals_at = plan.place(pool.reals.size() * sizeof(double));
  const size_t data_at = plan.place(pool.transitions.size() * sizeof(Transition)), runs_at = plan.place(pool.runs.size() * sizeof(DiceRunData));
  const size_t scratch_at = plan.place(items * scratch_size * sizeof(double)), out_at = plan.place(items * snapshot_doubles * sizeof(double));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " DICE learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(DiceBatchConfig)));
  KLAB_CUDA_TRY(job.upload(worlds_at, pool.worlds.data(), pool.worlds.size() * sizeof(DiceFeatureEntry)));
  KLAB_CUDA_TRY(job.upload(ints_at, pool.ints.data(), pool.ints.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(reals_at, pool.reals.data(), pool.reals.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(data_at, pool.transitions.data(), pool.transitions.size() * sizeof(Transition)));
  KLAB_CUDA_TRY(job.upload(runs_at, pool.runs.data(), pool.runs.size() * sizeof(DiceRunData)));
  const DiceBatchConfig* device_cfg = reinterpret_cast<const DiceBatchConfig*>(job.device + cfg_at);
  const DicePoolView view{reinterpret_cast<const DiceFeatureEntry*>(job.device + worlds_at), reinterpret_cast<const int*>(job.device + ints_at),
                          reinterpret_cast<const double*>(job.device + reals_at), reinterpret_cast<const Transition*>(job.device + data_at)};
  const DiceRunData* run_data = reinterpret_cast<const DiceRunData*>(job.device + runs_at);
  double* scratch = reinterpret_cast<double*>(job.device + scratch_at);
  double* out = reinterpret_cast<double*>(job.device + out_at);

  std::vector<double> host(items * snapshot_doubles);
  double kernel_seconds = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, out, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        dice_kernel<<<(threads + kDiceThreadsPerBlock - 1) / kDiceThreadsPerBlock, kDiceThreadsPerBlock, 0, job.stream>>>(
            device_cfg, view, run_data, seed, first_run, chunk_first - first_run, n, scratch_size, stride, scratch, out);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t) {
        DiceChunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.snapshot = host.data();
        consume(chunk);
      },
      &kernel_seconds, snapshot_doubles);
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kDiceThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->table_bytes = items * bytes_per_item;
    double steps = 0.0, transitions = 0.0;
    for (int s = 0; s < cfg.n_series; ++s)
      if (cfg.learns[s]) steps += cfg.steps, transitions += static_cast<double>(cfg.steps) * cfg.settings[s].batch;
    stats->steps = steps * runs;
    stats->transitions = transitions * runs;
  }
  return {};
}

// ---- offline.weighting: the tabular CQL learners (cql_uniform, cql_rw, cql_aw), one GPU thread per (run, share, learner) ----
// Each thread calls weighting_learner_run (weighting_engine.hpp), i.e. the same KLAB_INLINE draws by
// inversion and CQL(H) updates (weighting_core.hpp) as the CPU engine's CqlLearner; the kernel hands
// back the final Q, the host forms the greedy policies and evaluates them exactly, and does behaviour
// cloning (weighting_cuda.cpp). Threads are learner-major, then run, then share (a warp runs one
// sampler's learner on the shares of a few runs: the same loop of `updates` updates; the binary
// search's depth and the visited states differ). A thread's Q (SA doubles, written in place in the
// output) and its softmax scratch (the largest action count) are slices of device arrays; the worlds'
// pair ranges, the datasets and their cumulative draw probabilities sit once in device memory
// (read-only). At the defaults (four rooms, SA = 416) a thread needs 3.4 kB; an update is a binary
// search over ≈ 6,000 cumulative sums (≈ 13 dependent loads), two scattered reads of Q rows and one
// exp per action: latency-bound, so the throughput rises with the threads in flight.

namespace {

constexpr int kWeightingThreadsPerBlock = 128;

__global__ void __launch_bounds__(kWeightingThreadsPerBlock)
    weighting_kernel(const WeightingBatchConfig* __restrict__ cfg, WeightingPoolView pool, const WeightingDataset* __restrict__ datasets,
                     uint64_t seed, uint32_t first_run, uint32_t chunk_offset, uint32_t runs, size_t max_pairs, size_t max_actions,
                     double* __restrict__ soft, double* __restrict__ out) {
  const WeightingBatchConfig& c = *cfg;
  const uint32_t shares = static_cast<uint32_t>(c.n_shares), per_learner = runs * shares;
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // learner-major: item = (learner·runs + run)·shares + share
  if (item >= per_learner * static_cast<uint32_t>(c.n_learners)) return;
  const uint32_t learner = item / per_learner, r = item % per_learner / shares, k = item % shares;
  const uint32_t run = chunk_offset + r;
  weighting_learner_run(c, pool, datasets[static_cast<size_t>(run) * shares + k], static_cast<int>(learner), static_cast<int>(k), seed, first_run + run,
                        soft + item * max_actions, out + ((static_cast<size_t>(r) * c.n_learners + learner) * shares + k) * max_pairs);
}

}  // namespace

Status run_weighting_cuda(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                          const std::function<void(const WeightingChunk&)>& consume, WeightingCudaStats* stats) {
  if (cfg.n_learners < 1 || cfg.n_learners > kMaxWeightingLearners || cfg.n_shares < 1)
    return Status::error("offline.weighting CUDA engine: 1 to " + std::to_string(kMaxWeightingLearners) + " CQL learners and at least one share are needed");
  if (runs == 0) return {};
  if (pool.datasets.size() != static_cast<size_t>(runs) * cfg.n_shares || pool.worlds.empty())
    return Status::error("offline.weighting CUDA engine: the pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(weighting_kernel, kWeightingThreadsPerBlock, "offline.weighting", &fit); !s.ok()) return s;

  // Chunk: as many runs as half the free device memory (at most kMaxCudaChunkBytes) of Q tables and scratch allow.
  const size_t per_run = static_cast<size_t>(cfg.n_learners) * cfg.n_shares;  // threads a run
  const size_t max_pairs = static_cast<size_t>(pool.max_pairs()), max_actions = static_cast<size_t>(pool.max_actions());
  const size_t bytes_per_item = (max_pairs + max_actions) * sizeof(double);
  size_t capacity = 0;
  if (Status s = cuda_chunk_capacity(per_run * bytes_per_item, runs, &capacity); !s.ok()) return s;
  const size_t items = capacity * per_run;
  // One buffer: config | worlds | ints | reals | transitions | datasets | scratch | Q tables.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(WeightingBatchConfig)), worlds_at = plan.place(pool.worlds.size() * sizeof(WeightingWorld));
  const size_t ints_at = plan.place(pool.ints.size() * sizeof(int)), reals_at = plan.place(pool.reals.size() * sizeof(double));
  const size_t data_at = plan.place(pool.transitions.size() * sizeof(Transition)), datasets_at = plan.place(pool.datasets.size() * sizeof(WeightingDataset));
  const size_t soft_at = plan.place(items * max_actions * sizeof(double)), out_at = plan.place(items * max_pairs * sizeof(double));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " CQL learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(WeightingBatchConfig)));
  KLAB_CUDA_TRY(job.upload(worlds_at, pool.worlds.data(), pool.worlds.size() * sizeof(WeightingWorld)));
  KLAB_CUDA_TRY(job.upload(ints_at, pool.ints.data(), pool.ints.size() * sizeof(int)));
  if (!pool.reals.empty()) KLAB_CUDA_TRY(job.upload(reals_at, pool.reals.data(), pool.reals.size() * sizeof(double)));
  if (!pool.transitions.empty()) KLAB_CUDA_TRY(job.upload(data_at, pool.transitions.data(), pool.transitions.size() * sizeof(Transition)));
  KLAB_CUDA_TRY(job.upload(datasets_at, pool.datasets.data(), pool.datasets.size() * sizeof(WeightingDataset)));
  const WeightingBatchConfig* device_cfg = reinterpret_cast<const WeightingBatchConfig*>(job.device + cfg_at);
  const WeightingPoolView view{reinterpret_cast<const WeightingWorld*>(job.device + worlds_at), reinterpret_cast<const int*>(job.device + ints_at),
                               reinterpret_cast<const double*>(job.device + reals_at), reinterpret_cast<const Transition*>(job.device + data_at)};
  const WeightingDataset* datasets = reinterpret_cast<const WeightingDataset*>(job.device + datasets_at);
  double* soft = reinterpret_cast<double*>(job.device + soft_at);
  double* out = reinterpret_cast<double*>(job.device + out_at);

  std::vector<double> host(items * max_pairs);
  double kernel_seconds = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, out, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        weighting_kernel<<<(threads + kWeightingThreadsPerBlock - 1) / kWeightingThreadsPerBlock, kWeightingThreadsPerBlock, 0, job.stream>>>(
            device_cfg, view, datasets, seed, first_run, chunk_first - first_run, n, max_pairs, max_actions, soft, out);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t) {
        WeightingChunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.q = host.data();
        consume(chunk);
      },
      &kernel_seconds, max_pairs);
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kWeightingThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->table_bytes = items * bytes_per_item;
    size_t non_empty = 0;
    for (const WeightingDataset& d : pool.datasets) non_empty += d.size > 0 ? 1 : 0;
    stats->updates = static_cast<double>(non_empty) * cfg.n_learners * cfg.settings.updates;
  }
  return {};
}

// ---- offline.robust: R2PVI (KL, χ², TV) and PEVI, one GPU thread per (run, learner) ----
// Each thread calls robust_learner_run (robust_engine.hpp): it draws its run's dataset from the run's
// stream (K trajectories of H = 3 steps; the four learners of a run draw the same one) and keeps only
// the ridge statistics (Λ_h and Σ φ e_{s′}ᵀ, 108 doubles), then runs the same KLAB_INLINE ridge solve,
// backward passes and exact evaluations (robust_core.hpp) as the CPU engine: the fit at λ and one per
// λ of the sweep (PEVI: one), each evaluated in every model of the q grid. Threads are (series, run)
// pairs, series-major (a warp runs one learner's divergence on 32 runs: the same loop shape; only
// the drawn successors, the χ² dual's knots and the argmax differ). The world (2.8 kB) is part of
// the config; the 1 + n_q tabular models (CSR, a few kB) sit once in device memory (read-only). A
// thread's state lives in registers and local memory; its outcome (n_q + 3 + n_sweep doubles, 168 B
// at the defaults' 21) is its only global write, so a chunk is bounded by the outcomes alone.

namespace {

constexpr int kRobustThreadsPerBlock = 128;

__global__ void __launch_bounds__(kRobustThreadsPerBlock)
    robust_kernel(const RobustBatchConfig* __restrict__ cfg, RobustPoolView pool, uint64_t seed, uint32_t first_run, uint32_t chunk_offset, uint32_t runs,
                  double* __restrict__ out) {
  const RobustBatchConfig& c = *cfg;
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // series-major: item = series·runs + run
  if (item >= runs * static_cast<uint32_t>(c.n_series)) return;
  const uint32_t series = item / runs, r = item % runs;
  robust_learner_run(c, pool, static_cast<int>(series), seed, first_run + chunk_offset + r,
                     out + (static_cast<size_t>(r) * c.n_series + series) * c.outcome_stride());
}

}  // namespace

Status run_robust_cuda(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed, uint32_t first_run,
                       uint32_t runs, const std::function<void(const RobustChunk&)>& consume, RobustCudaStats* stats) {
  if (cfg.n_series < 1 || cfg.n_series > kMaxRobustSeries || cfg.n_perturbations < 1 || cfg.n_perturbations > kMaxRobustPerturbations ||
      cfg.n_sweep < 0 || cfg.n_sweep > kMaxRobustSweep)
    return Status::error("offline.robust CUDA engine: 1 to " + std::to_string(kMaxRobustSeries) + " learners, 1 to " +
                         std::to_string(kMaxRobustPerturbations) + " perturbations and at most " + std::to_string(kMaxRobustSweep) +
                         " values of the λ sweep are needed");
  if (runs == 0) return {};
  if (ints.empty() || reals.empty()) return Status::error("offline.robust CUDA engine: the evaluation models are missing");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(robust_kernel, kRobustThreadsPerBlock, "offline.robust", &fit); !s.ok()) return s;

  // Chunk: as many runs as half the free device memory (at most kMaxCudaChunkBytes) of outcomes allow.
  const size_t per_run = static_cast<size_t>(cfg.n_series), stride = cfg.outcome_stride();
  size_t capacity = 0;
  if (Status s = cuda_chunk_capacity(per_run * stride * sizeof(double), runs, &capacity); !s.ok()) return s;
  const size_t items = capacity * per_run;
  // One buffer: config | ints | reals | outcomes.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(RobustBatchConfig)), ints_at = plan.place(ints.size() * sizeof(int));
  const size_t reals_at = plan.place(reals.size() * sizeof(double)), out_at = plan.place(items * stride * sizeof(double));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " R2PVI/PEVI learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(RobustBatchConfig)));
  KLAB_CUDA_TRY(job.upload(ints_at, ints.data(), ints.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(reals_at, reals.data(), reals.size() * sizeof(double)));
  const RobustBatchConfig* device_cfg = reinterpret_cast<const RobustBatchConfig*>(job.device + cfg_at);
  const RobustPoolView view{reinterpret_cast<const int*>(job.device + ints_at), reinterpret_cast<const double*>(job.device + reals_at)};
  double* out = reinterpret_cast<double*>(job.device + out_at);

  std::vector<double> host(items * stride);
  double kernel_seconds = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, out, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        robust_kernel<<<(threads + kRobustThreadsPerBlock - 1) / kRobustThreadsPerBlock, kRobustThreadsPerBlock, 0, job.stream>>>(
            device_cfg, view, seed, first_run, chunk_first - first_run, n, out);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t) { consume(RobustChunk{chunk_first, n, host.data()}); },
      &kernel_seconds, stride);
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kRobustThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    double fits = 0.0;
    for (int s = 0; s < cfg.n_series; ++s) fits += cfg.settings[s].divergence == Divergence::None ? 1.0 : 1.0 + cfg.n_sweep;
    stats->fits = fits * runs;
    stats->transitions = static_cast<double>(runs) * cfg.n_series * cfg.episodes * cfg.world.horizon;
  }
  return {};
}

}  // namespace klab::offline
