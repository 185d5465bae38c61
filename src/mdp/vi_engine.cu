// The CUDA engine of batched value iteration (vi_engine.hpp): one thread block per run (MDP), its
// threads striding over the states, each calling vi_run — the same KLAB_INLINE per-state backups
// (bellman_state, reference_state) the CPU's Planner and the host twin run.
//
// Why a block per MDP (napkin, H200: 132 SMs, ~4.8 TB/s HBM, ~30 TB/s L1/shared, 67 TFLOP/s FP64):
//   * A sweep of one MDP has S independent states but the next sweep needs all of them: a block
//     synchronises with __syncthreads (a grid-wide barrier per sweep would cost ~5 µs × K). One
//     thread per MDP would need no barrier but reads the CSR arrays of 32 different MDPs per warp
//     (uncoalesced, 32 B sectors for 8 B used) and holds V in local memory.
//   * V_k and V_{k+1} (2·S doubles) sit in shared memory when they fit (S ≤ (46,080 − 2,048)/16 = 2,752,
//     kSharedBytes less max()'s scratch of 256 doubles, over 16 B per state), so the gathers
//     V(s′) of a backup never leave the SM; per (s, a, s′) term a backup then reads p and s′ (12 B,
//     from L1/L2: one MDP of the default size, S = 50, A = 4, 5 successors, is 12 KB) and one shared
//     double: ~20 B a term. At ~30 TB/s of L1 that is ~1.5·10¹² terms/s, i.e. ~7·10¹⁰ state backups/s
//     at 20 terms a state (~3·10¹¹ (s, a) backups/s), halved by the greedy pass each iteration pays
//     (reference_state: the policy and the residual the CPU records, with the CPU's literal sums).
//   * Threads per block: the states rounded up to a power of two, 32 … 256 (S = 50 → 64 threads,
//     14 idle); larger MDPs stride. The policy log stays in global memory (written on a change only).
//   * Chunks: at most kMaxLogBytes of policy logs (and of iterates where they do not fit in shared
//     memory); per chunk the outcomes are copied back, then the used head of every run's log.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_job.hpp"
#include "mdp/vi_engine.hpp"

namespace klab::mdp {
namespace {

constexpr int kMaxViThreads = 256;
// kMaxLogBytes: the policy logs (and global iterates) of one chunk. kSharedBytes: the dynamic shared
// memory a block may ask for, 45 KiB = 46,080 B, under the 48 KB default limit (no opt-in attribute):
// max()'s scratch (blockDim.x ≤ 256 doubles) plus V_k and V_{k+1} (2·S doubles).
constexpr size_t kMaxLogBytes = size_t{256} << 20, kSharedBytes = 45 << 10;

// The team of a thread block; `scratch` (blockDim.x doubles of shared memory) for max().
struct BlockTeam {
  double* scratch;
  __device__ int rank() const { return static_cast<int>(threadIdx.x); }
  __device__ int size() const { return static_cast<int>(blockDim.x); }
  __device__ bool leader() const { return threadIdx.x == 0; }
  __device__ void sync() const { __syncthreads(); }
  __device__ bool any(bool x) const { return __syncthreads_or(x ? 1 : 0) != 0; }
  __device__ double max(double x) const {
    scratch[threadIdx.x] = x;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {  // blockDim.x is a power of two
      if (threadIdx.x < half && scratch[threadIdx.x + half] > scratch[threadIdx.x]) scratch[threadIdx.x] = scratch[threadIdx.x + half];
      __syncthreads();
    }
    const double m = scratch[0];
    __syncthreads();
    return m;
  }
};

__global__ void __launch_bounds__(kMaxViThreads)
    vi_kernel(const ViBatchConfig* __restrict__ cfg, const ViWorld* __restrict__ worlds, const int* __restrict__ ints, const double* __restrict__ reals,
              const uint32_t* __restrict__ world_of_run, uint32_t chunk_offset, int max_states, bool shared_values, double* __restrict__ values,
              int* __restrict__ log, size_t log_stride, ViOutcome* __restrict__ out) {
  extern __shared__ double shared[];  // blockDim.x reduction slots, then V_k and V_{k+1} when shared_values
  const uint32_t r = blockIdx.x;
  const ViWorld& w = worlds[world_of_run[chunk_offset + r]];
  double* v = shared_values ? shared + blockDim.x : values + static_cast<size_t>(r) * 2 * max_states;
  BlockTeam team{shared};
  vi_run(team, *cfg, vi_world_view(w, ints, reals), v, v + max_states, log + r * log_stride, out + r);
}

int team_size(int states) {
  int t = 32;
  while (t < states && t < kMaxViThreads) t *= 2;
  return t;
}

}  // namespace

Status run_vi_cuda(const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t first_run, uint32_t runs, const std::function<void(const ViChunk&)>& consume,
                   ViCudaStats* stats) {
  if (cfg.max_policies < 2 || cfg.max_policies > kMaxViPolicies || cfg.n_checkpoints > kMaxViCheckpoints || cfg.iterations < 1)
    return Status::error("mdp.planning CUDA engine: 2 to " + std::to_string(kMaxViPolicies) + " logged policies, at most " +
                         std::to_string(kMaxViCheckpoints) + " checkpoints and at least one iteration are needed");
  if (runs == 0) return {};
  if (pool.world_of_run.size() != runs || pool.worlds.empty()) return Status::error("mdp.planning CUDA engine: the MDP pool does not hold these runs");
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(vi_kernel, kMaxViThreads, "mdp.planning", &fit); !s.ok()) return s;

  const size_t max_states = static_cast<size_t>(pool.max_states()), threads = static_cast<size_t>(team_size(pool.max_states()));
  const size_t values_bytes = 2 * max_states * sizeof(double), shared_bytes = threads * sizeof(double) + values_bytes;
  const bool shared_values = shared_bytes <= kSharedBytes;
  const size_t log_stride = static_cast<size_t>(cfg.max_policies + 1) * max_states;
  const size_t per_run = log_stride * sizeof(int) + (shared_values ? 0 : values_bytes);
  const size_t capacity = std::min<size_t>(std::max<size_t>(1, kMaxLogBytes / per_run), runs);
  // One buffer: config | worlds | ints | reals | world of each run | iterates (global) | logs | outcomes.
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(ViBatchConfig)), worlds_at = plan.place(pool.worlds.size() * sizeof(ViWorld));
  const size_t ints_at = plan.place(pool.ints.size() * sizeof(int)), reals_at = plan.place(pool.reals.size() * sizeof(double));
  const size_t world_of_at = plan.place(runs * sizeof(uint32_t));
  const size_t values_at = plan.place(shared_values ? 0 : capacity * values_bytes), log_at = plan.place(capacity * log_stride * sizeof(int));
  const size_t outcomes_at = plan.place(capacity * sizeof(ViOutcome));

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(capacity) + " value iteration runs"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(ViBatchConfig)));
  KLAB_CUDA_TRY(job.upload(worlds_at, pool.worlds.data(), pool.worlds.size() * sizeof(ViWorld)));
  KLAB_CUDA_TRY(job.upload(ints_at, pool.ints.data(), pool.ints.size() * sizeof(int)));
  KLAB_CUDA_TRY(job.upload(reals_at, pool.reals.data(), pool.reals.size() * sizeof(double)));
  KLAB_CUDA_TRY(job.upload(world_of_at, pool.world_of_run.data(), runs * sizeof(uint32_t)));
  const auto* device_cfg = reinterpret_cast<const ViBatchConfig*>(job.device + cfg_at);
  const auto* worlds = reinterpret_cast<const ViWorld*>(job.device + worlds_at);
  const auto* ints = reinterpret_cast<const int*>(job.device + ints_at);
  const auto* reals = reinterpret_cast<const double*>(job.device + reals_at);
  const auto* world_of = reinterpret_cast<const uint32_t*>(job.device + world_of_at);
  auto* values = reinterpret_cast<double*>(job.device + values_at);
  auto* log = reinterpret_cast<int*>(job.device + log_at);
  auto* outcomes = reinterpret_cast<ViOutcome*>(job.device + outcomes_at);

  std::vector<ViOutcome> host(capacity);
  std::vector<int> host_log(capacity * log_stride);
  double kernel_seconds = 0.0, backups = 0.0, transitions = 0.0;
  int chunks = 0;
  for (size_t done = 0; done < runs; done += capacity, ++chunks) {
    const uint32_t offset = static_cast<uint32_t>(done), n = static_cast<uint32_t>(std::min<size_t>(capacity, runs - done));
    if (Status s = job.begin_chunk(); !s.ok()) return s;
    vi_kernel<<<n, static_cast<unsigned>(threads), shared_values ? shared_bytes : threads * sizeof(double), job.stream>>>(
        device_cfg, worlds, ints, reals, world_of, offset, static_cast<int>(max_states), shared_values, values, log, log_stride, outcomes);
    if (Status s = job.end_chunk(host.data(), outcomes, n * sizeof(ViOutcome), &kernel_seconds); !s.ok()) return s;
    // The used head of every run's log: as many slots as the longest log of the chunk.
    int used = 1;
    for (uint32_t i = 0; i < n; ++i) used = std::max(used, host[i].policies);
    const size_t width = std::min(log_stride, static_cast<size_t>(used) * max_states) * sizeof(int), pitch = log_stride * sizeof(int);
    KLAB_CUDA_TRY(cudaMemcpy2DAsync(host_log.data(), pitch, log, pitch, width, n, cudaMemcpyDeviceToHost, job.stream));
    KLAB_CUDA_TRY(cudaStreamSynchronize(job.stream));
    for (uint32_t i = 0; i < n; ++i) {  // the work of the runs that went the whole way (an overflow stops early)
      if (host[i].overflow) continue;
      const ViWorld& w = pool.worlds[pool.world_of_run[offset + i]];
      const double k = static_cast<double>(cfg.iterations);
      backups += k * w.states;
      transitions += k * w.transitions;
    }
    ViChunk chunk;
    chunk.first_run = first_run + offset;
    chunk.runs = n;
    chunk.outcome = host.data();
    chunk.log = host_log.data();
    chunk.log_stride = log_stride;
    consume(chunk);
  }
  if (stats) {
    record_job(fit, static_cast<int>(threads), static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->backups = backups;
    stats->transitions = transitions;
  }
  return {};
}

}  // namespace klab::mdp
