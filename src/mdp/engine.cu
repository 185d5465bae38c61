// The CUDA engine of mdp.learning: one GPU thread per (run, job), each calling td_job_run
// (engine.hpp), i.e. the same KLAB_INLINE episodes (td_episode: ε-greedy with random ties, the
// Q-learning / SARSA / expected SARSA target, step size α_n; ucbvi_episode: backward induction on
// the empirical model with bonuses, then H greedy steps; trace_episode: Retrace, tree backup or
// RBIS online under μ; env_step with its common random numbers keyed by (seed, run, pair, visit))
// as the CPU engine's ControlLearner and TraceEvaluator.
// The host fills the per-run records in run order, exactly like BatchJob (learning_cuda.cpp).
//
// Launch:
//   * A chunk's threads are (job, run) pairs, job-major: the 32 threads of a warp run the same
//     job on 32 runs (same loop shape: K episodes of H steps, for UCBVI each after a plan over
//     H·(SA + nnz) entries; only the ε coin's branch, the tie draws and, on random worlds, the
//     sizes diverge).
//   * Tables: a thread's tables (TdTableSizes, engine.hpp: Q_h; UCBVI's V̄_h, N(s, a), N(s, a, s′)
//     and greedy actions; TD's update counts; visit counters) are one contiguous slice of one
//     device array, sized by the largest world of the batch (the KLAB_INLINE code indexes them
//     directly). On RiverSwim at H = 20 a slice is 2.9 KiB for a batch of TD learners, 3.5 KiB for
//     UCBVI alone, 4.4 KiB when both run (every thread's slice then holds every table). Accesses
//     are scattered (L1/L2, else device memory); a coalesced (interleaved) layout is not done yet.
//   * The worlds (rescaled MDPs, Q*_h, reachable stage-states) sit once in device memory, shared by
//     every run of a world (read-only, through L1).
//   * Chunks of at most kMaxTableBytes of tables and kMaxOutcomeBytes of outcomes; per job one
//     device buffer and one stream; per chunk: kernel, copy of the outcomes, synchronise, hand
//     them over.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "mdp/engine.hpp"

namespace klab::mdp {
namespace {

constexpr int kTdThreadsPerBlock = 128;
constexpr size_t kMaxTableBytes = size_t{1} << 30, kMaxOutcomeBytes = size_t{256} << 20;

__global__ void __launch_bounds__(kTdThreadsPerBlock)
    td_kernel(const TdBatchConfig* __restrict__ cfg, TdPoolView pool, const uint32_t* __restrict__ world_of_run, uint64_t seed, uint32_t first_run,
              uint32_t chunk_offset, uint32_t runs, TdTableSizes sizes, double* __restrict__ tables, TdOutcome* __restrict__ out) {
  const TdBatchConfig& c = *cfg;
  const uint32_t items = runs * static_cast<uint32_t>(c.n_jobs);
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // job-major: item = job·runs + run
  if (item >= items) return;
  const uint32_t job = item / runs, r = item % runs;
  const TdWorld& w = pool.worlds[world_of_run[chunk_offset + r]];
  const TdTables tb = td_tables(tables + static_cast<size_t>(item) * sizes.doubles_per_slice(), sizes);
  td_job_run(c, pool, w, static_cast<int>(job), seed, first_run + chunk_offset + r, tb, out + static_cast<size_t>(r) * c.n_jobs + job);
}

}  // namespace

Status run_td_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                   const std::function<void(const TdChunk&)>& consume, TdCudaStats* stats) {
  if (cfg.n_jobs < 1 || cfg.n_jobs > kMaxTdJobs || cfg.n_checkpoints > kMaxTdCheckpoints)
    return Status::error("mdp CUDA engine: 1 to " + std::to_string(kMaxTdJobs) + " jobs and at most " + std::to_string(kMaxTdCheckpoints) +
                         " checkpoints are needed");
  if (runs == 0) return {};
  if (pool.world_of_run.size() != runs || pool.worlds.empty()) return Status::error("mdp CUDA engine: the world pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(td_kernel, kTdThreadsPerBlock, "mdp.learning", &fit); !s.ok()) return s;

  // Chunk: as many runs as kMaxTableBytes of tables and kMaxOutcomeBytes of outcomes allow.
  const size_t per_run = static_cast<size_t>(cfg.n_jobs);
  const TdTableSizes sizes = td_table_sizes(cfg, pool);
  const size_t table_bytes_per_item = sizes.doubles_per_slice() * sizeof(double);
  size_t capacity = std::min(kMaxTableBytes / (per_run * table_bytes_per_item), kMaxOutcomeBytes / (per_run * sizeof(TdOutcome)));
  capacity = std::min<size_t>(std::max<size_t>(1, capacity), runs);
  const size_t items = capacity * per_run;
  // One buffer: config | worlds | ints | reals | flags | world of each run | tables | outcomes.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(TdBatchConfig)), worlds_at = plan.place(pool.worlds.size() * sizeof(TdWorld));
  const size_t ints_at = plan.place(pool.ints.size() * sizeof(int)), reals_at = plan.place(pool.reals.size() * sizeof(double));
  const size_t flags_at = plan.place(pool.flags.size()), world_of_at = plan.place(pool.world_of_run.size() * sizeof(uint32_t));
  const size_t tables_at = plan.place(items * table_bytes_per_item), outcomes_at = plan.place(items * sizeof(TdOutcome));
  const size_t bytes = plan.bytes;
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(bytes, std::to_string(items) + " learners"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(TdBatchConfig)));
  KLAB_CUDA_TRY(job.upload(worlds_at, pool.worlds.data(), pool.worlds.size() * sizeof(TdWorld)));
  KLAB_CUDA_TRY(job.upload(ints_at, pool.ints.data(), pool.ints.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(reals_at, pool.reals.data(), pool.reals.size() * sizeof(double)));
  if (!pool.flags.empty()) KLAB_CUDA_TRY(job.upload(flags_at, pool.flags.data(), pool.flags.size()));
  KLAB_CUDA_TRY(job.upload(world_of_at, pool.world_of_run.data(), pool.world_of_run.size() * sizeof(uint32_t)));
  const TdBatchConfig* device_cfg = reinterpret_cast<const TdBatchConfig*>(job.device + cfg_at);
  const TdPoolView view{reinterpret_cast<const TdWorld*>(job.device + worlds_at), reinterpret_cast<const int*>(job.device + ints_at),
                        reinterpret_cast<const double*>(job.device + reals_at), job.device + flags_at};
  const uint32_t* world_of = reinterpret_cast<const uint32_t*>(job.device + world_of_at);
  double* tables = reinterpret_cast<double*>(job.device + tables_at);
  TdOutcome* outcomes = reinterpret_cast<TdOutcome*>(job.device + outcomes_at);

  std::vector<TdOutcome> host(items);
  double kernel_seconds = 0.0;
  for (int c = 0; c < chunks; ++c) {
    const uint32_t offset = static_cast<uint32_t>(static_cast<size_t>(c) * capacity);
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(capacity, runs - static_cast<size_t>(c) * capacity));
    const uint32_t threads = n * static_cast<uint32_t>(per_run), blocks = (threads + kTdThreadsPerBlock - 1) / kTdThreadsPerBlock;
    if (Status s = job.begin_chunk(); !s.ok()) return s;
    td_kernel<<<blocks, kTdThreadsPerBlock, 0, job.stream>>>(device_cfg, view, world_of, seed, first_run, offset, n, sizes, tables,
                                                             outcomes);
    if (Status s = job.end_chunk(host.data(), outcomes, threads * sizeof(TdOutcome), &kernel_seconds); !s.ok()) return s;
    TdChunk chunk;
    chunk.first_run = first_run + offset;
    chunk.runs = n;
    chunk.outcome = host.data();
    consume(chunk);
  }
  if (stats) {
    record_job(fit, kTdThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->table_bytes = items * table_bytes_per_item;
    stats->steps = static_cast<double>(runs) * static_cast<double>(per_run) * cfg.episodes * cfg.horizon;
  }
  return {};
}

}  // namespace klab::mdp
