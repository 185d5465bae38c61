// The CUDA engine of blackbox.nsga2 (bit strings), in two forms that compute the same outcomes as
// their host twins (nsga2_engine_host.cpp) and the CPU engine:
//   * thread per landscape: one GPU thread per (run, series, n) triple calls nsga2_bits_run
//     (nsga2_bits.hpp): the same Philox draws, mutation, non-dominated sort, crowding distances and
//     survival order (integer work throughout; the crowding distances are one division and one
//     addition per term, IEEE in every build, and feed only comparisons);
//   * block per landscape (the issue's "one block per run, one thread per individual"): a block of
//     kNsgaBlockThreads threads calls nsga2_block_run (nsga2_block_run.hpp), whose phases are separated by
//     __syncthreads (Nsga2DeviceBlock::phase); its host twin runs the threads of each phase in turn.
// run_nsga2_cuda picks the form (Nsga2Form, nsga2_engine.hpp).
//
// Launch and layout, thread form:
//   * A chunk's threads are (slot, run) pairs, slot-major (slot = series·N + grid point): a warp runs
//     one algorithm at one n on 32 runs. Runs still differ in length (the generations until the front
//     is covered), so a warp lasts as long as its longest run.
//   * Each thread's workspace (strings: 2μ slots of ⌈n/32⌉ words; eight int arrays of 2μ entries and
//     the per-f₁ table; 2μ crowding distances) is interleaved across the chunk's threads: entry e of
//     thread i at pool[e·items + i] (nsga2_workspace), so the threads of a warp walking the same
//     entry touch neighbouring words. The defaults (μ ≤ 260) take ~25 KB per thread.
// Block form: block b of a chunk is landscape b (run-major, the outcomes' order); its workspace
// (nsga2_block_bytes: the thread form's arrays plus 2μ stream states, 50 KB at μ = 260; ZDT: plus the
// variables and real objectives) lies at
// pool + b·bytes, read and written by its own threads only (through L1/L2, no shared memory).
// Both: chunks of at most kNsgaMaxWorkspaceBytes of workspaces and kNsgaMaxOutcomeBytes of outcomes;
//     per job one device buffer (config, outcomes, pools) and one stream.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "blackbox/nsga2_block_run.hpp"
#include "blackbox/nsga2_engine.hpp"
#include "cuda/cuda_job.hpp"

namespace klab::blackbox {
namespace {

constexpr int kNsgaThreadsPerBlock = 128;

__global__ void __launch_bounds__(kNsgaThreadsPerBlock)
    nsga2_kernel(const Nsga2Config* __restrict__ cfg, uint64_t seed, uint32_t first_run, uint32_t runs, uint32_t* __restrict__ words,
                 int* __restrict__ ints, double* __restrict__ doubles, Nsga2Outcome* __restrict__ out) {
  const Nsga2Config& c = *cfg;
  const uint32_t per_run = static_cast<uint32_t>(c.n_series * c.n_grid), items = runs * per_run;
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // slot-major: item = slot·runs + run
  if (item >= items) return;
  const uint32_t slot = item / runs, r = item % runs;
  const int series = static_cast<int>(slot) / c.n_grid, point = static_cast<int>(slot) % c.n_grid;
  const Nsga2Workspace w = nsga2_workspace(c, words, ints, doubles, item, items);
  nsga2_bits_run(c, series, point, point + 1 == c.n_grid, seed, first_run + r, w, out + static_cast<size_t>(r) * per_run + slot);
}

// The block form's barriers: every phase starts and ends with __syncthreads, so a phase's writes are
// seen by the next phase and the values read between phases (counters) are not overwritten early.
struct Nsga2DeviceBlock {
  int threads;
  template <class Phase>
  KLAB_HD void phase(const Phase& f) const {
#ifdef __CUDA_ARCH__
    __syncthreads();
    f(static_cast<int>(threadIdx.x));
    __syncthreads();
#endif
  }
};

__global__ void __launch_bounds__(kNsgaBlockThreads)
    nsga2_block_kernel(const Nsga2Config* __restrict__ cfg, uint64_t seed, uint32_t first_run, unsigned char* __restrict__ pool, size_t bytes,
                       Nsga2Outcome* __restrict__ out) {
  const Nsga2Config& c = *cfg;
  const uint32_t per_run = static_cast<uint32_t>(c.n_series * c.n_grid), item = blockIdx.x;  // run-major: item = run·per_run + slot
  const uint32_t r = item / per_run, slot = item % per_run;
  const int series = static_cast<int>(slot) / c.n_grid, point = static_cast<int>(slot) % c.n_grid;
  const Nsga2BlockWorkspace b = nsga2_block_workspace(c, pool + static_cast<size_t>(item) * bytes);
  nsga2_block_run(Nsga2DeviceBlock{static_cast<int>(blockDim.x)}, c, series, point, point + 1 == c.n_grid, seed, first_run + r, b, out + item);
}

}  // namespace

Status run_nsga2_cuda(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, const std::function<void(const Nsga2Chunk&)>& consume,
                      Nsga2CudaStats* stats, Nsga2Form form) {
  if (Status s = nsga2_cuda_supports(cfg, form); !s.ok()) return s;
  if (runs == 0) return {};
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit thread_fit, block_fit;
  if (Status s = fit_kernel(nsga2_kernel, kNsgaThreadsPerBlock, "blackbox.nsga2", &thread_fit); !s.ok()) return s;
  if (Status s = fit_kernel(nsga2_block_kernel, kNsgaBlockThreads, "blackbox.nsga2 (block per run)", &block_fit); !s.ok()) return s;
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  if (form == Nsga2Form::Auto && real_coded(cfg.benchmark)) form = Nsga2Form::BlockPerRun;
  if (form == Nsga2Form::Auto) {  // blocks while one wave of them holds every landscape (nsga2_engine.hpp) and a run's blocks fit a chunk
    const size_t resident_blocks = static_cast<size_t>(block_fit.sm_count) * static_cast<size_t>(block_fit.blocks_per_sm);
    const bool fit = nsga2_run_bytes(cfg, true) <= kNsgaMaxWorkspaceBytes;
    form = fit && static_cast<size_t>(runs) * per_run <= resident_blocks ? Nsga2Form::BlockPerRun : Nsga2Form::ThreadPerRun;
  }
  const bool blocks = form == Nsga2Form::BlockPerRun;

  // Chunk: as many runs as the workspace and outcome limits allow.
  const Nsga2PoolSizes sizes = nsga2_pool_sizes(cfg);
  const size_t landscape_bytes = blocks ? nsga2_block_bytes(cfg) : sizes.bytes();
  size_t capacity = std::min(kNsgaMaxWorkspaceBytes / (per_run * landscape_bytes), kNsgaMaxOutcomeBytes / (per_run * sizeof(Nsga2Outcome)));
  capacity = std::min<size_t>(std::max<size_t>(1, capacity), runs);
  const size_t items = capacity * per_run;
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(Nsga2Config)), outcomes_at = plan.place(items * sizeof(Nsga2Outcome));
  // Thread form: three interleaved pools; block form: one pool of landscapes back to back.
  const size_t words_at = plan.place(blocks ? items * landscape_bytes : items * sizes.words * sizeof(uint32_t));
  const size_t ints_at = plan.place(blocks ? 0 : items * sizes.ints * sizeof(int));
  const size_t doubles_at = plan.place(blocks ? 0 : items * sizes.doubles * sizeof(double));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " NSGA-II runs"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(Nsga2Config)));
  const Nsga2Config* device_cfg = reinterpret_cast<const Nsga2Config*>(job.device + cfg_at);
  Nsga2Outcome* outcomes = reinterpret_cast<Nsga2Outcome*>(job.device + outcomes_at);
  unsigned char* pool = reinterpret_cast<unsigned char*>(job.device + words_at);
  uint32_t* words = reinterpret_cast<uint32_t*>(job.device + words_at);
  int* ints = reinterpret_cast<int*>(job.device + ints_at);
  double* doubles = reinterpret_cast<double*>(job.device + doubles_at);

  std::vector<Nsga2Outcome> host(items);
  double kernel_seconds = 0.0, evaluations = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, outcomes, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        if (blocks)
          nsga2_block_kernel<<<threads, kNsgaBlockThreads, 0, job.stream>>>(device_cfg, seed, chunk_first, pool, landscape_bytes, outcomes);
        else
          nsga2_kernel<<<(threads + kNsgaThreadsPerBlock - 1) / kNsgaThreadsPerBlock, kNsgaThreadsPerBlock, 0, job.stream>>>(
              device_cfg, seed, chunk_first, n, words, ints, doubles, outcomes);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        for (uint32_t i = 0; i < threads; ++i) evaluations += static_cast<double>(host[i].evaluations);
        Nsga2Chunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.outcome = host.data();
        consume(chunk);
      },
      &kernel_seconds);
  if (!run.ok()) return run;
  if (stats) {
    record_job(blocks ? block_fit : thread_fit, blocks ? kNsgaBlockThreads : kNsgaThreadsPerBlock, static_cast<uint32_t>(capacity), chunks,
               kernel_seconds, wall_start, stats);
    stats->workspace_bytes = items * landscape_bytes;
    stats->evaluations = evaluations;
    stats->block_per_run = blocks;
  }
  return {};
}

}  // namespace klab::blackbox
