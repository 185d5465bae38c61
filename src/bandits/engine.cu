// The CUDA engine of bandits.regret: one GPU thread per (run, policy), each calling
// simulate_policy_run (engine.hpp), i.e. the same KLAB_HD policies (policies.hpp), reward draws
// (arms.hpp, Philox sub-streams) and regret bookkeeping (regret_sim.hpp) as the CPU engine. The
// host aggregates the per-run outputs in run order, exactly like BatchJob (RegretExperiment::run_cuda_blocks).
//
// Launch (the napkin maths is in src/bandits/README.md, "CUDA"):
//   * A chunk's threads are (policy slot, run) pairs, slot-major: the 32 threads of a warp run the
//     same policy on 32 runs, so their loops have the same shape.
//   * Per-arm state is sized to K: one kernel for K ≤ kSmallArms, one for K ≤ kMaxArms. A thread's
//     state (ArmStatsOf<KCap>, ~36 B per arm) lives in local memory, cached in L1.
//   * The config (~2.5 KB: θ_a, Δ_a, checkpoints) is copied once per block into shared memory:
//     every thread reads θ_a and Δ_a of its own arm a, and reads of different addresses from the
//     kernel-parameter bank are serialised within a warp, those from shared memory are not.
//   * A chunk is one full wave: blocks_per_sm (cudaOccupancyMaxActiveBlocksPerMultiprocessor) ×
//     SMs × kThreadsPerBlock threads, so each launch fills the device whatever its size.
//   * Per job: one device buffer, two pinned host buffers, one stream running kernel c, copy c,
//     kernel c + 1, ...; the host aggregates chunk c while kernel c + 1 runs.
//   * The per-thread stack limit is raised only if the kernel's frame exceeds it (it does not for
//     K ≤ 16), and then once per process: the limit persists.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "bandits/engine.hpp"
#include "cuda/cuda_status.hpp"
#include "cuda/selected_device.hpp"

namespace klab::bandits {
namespace {

// 4 warps: small blocks let the occupancy calculator pack an SM up to its register limit in
// steps of 4 warps (any multiple of the warp size would run correctly).
constexpr int kThreadsPerBlock = 128;
// The kernel for small bandits (every preset of the demo but "100 arms").
constexpr int kSmallArms = 16;
// At most this many bytes of outputs per chunk (the host pins two such buffers).
constexpr size_t kMaxChunkBytes = size_t{256} << 20;

static_assert(sizeof(RegretConfig) % 4 == 0, "the config is copied to shared memory in 4-byte words");

// Where a chunk's outputs live in one buffer sized for `capacity` runs (layout of engine.hpp per
// array; 8-byte arrays first, so every array is aligned).
struct ChunkLayout {
  size_t regret_at = 0, regret = 0, best_pulls = 0, pulls = 0, bytes = 0;
};

ChunkLayout chunk_layout(const RegretConfig& cfg, uint32_t capacity) {
  const size_t items = static_cast<size_t>(capacity) * static_cast<size_t>(cfg.n_policies);
  ChunkLayout l;
  l.regret = l.regret_at + items * static_cast<size_t>(cfg.n_checkpoints) * sizeof(double);
  l.best_pulls = l.regret + items * sizeof(double);
  l.pulls = l.best_pulls + items * sizeof(uint64_t);
  l.bytes = l.pulls + items * static_cast<size_t>(cfg.policy.k) * sizeof(uint32_t);
  return l;
}

template <int KCap>
__global__ void __launch_bounds__(kThreadsPerBlock)
    regret_kernel(RegretConfig cfg, uint64_t seed, uint32_t first_run, uint32_t runs, char* out, ChunkLayout layout) {
  __shared__ alignas(RegretConfig) unsigned char shared_cfg[sizeof(RegretConfig)];
  const uint32_t* from = reinterpret_cast<const uint32_t*>(&cfg);
  uint32_t* to = reinterpret_cast<uint32_t*>(shared_cfg);
  for (unsigned w = threadIdx.x; w < sizeof(RegretConfig) / 4; w += blockDim.x) to[w] = from[w];
  __syncthreads();
  const RegretConfig& c = *reinterpret_cast<const RegretConfig*>(shared_cfg);

  const uint32_t policies = static_cast<uint32_t>(c.n_policies);
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // slot-major: item = slot·runs + run
  if (item >= runs * policies) return;
  const uint32_t slot = item / runs, r = item % runs;
  const size_t j = static_cast<size_t>(r) * policies + slot;  // run-major output entry
  simulate_policy_run<KCap>(c, static_cast<int>(slot), seed, first_run + r,
                            reinterpret_cast<double*>(out + layout.regret_at) + j * static_cast<size_t>(c.n_checkpoints),
                            reinterpret_cast<uint32_t*>(out + layout.pulls) + j * static_cast<size_t>(c.policy.k),
                            reinterpret_cast<double*>(out + layout.regret) + j, reinterpret_cast<uint64_t*>(out + layout.best_pulls) + j);
}

// Everything a job allocates, released on every path.
struct JobResources {
  cudaStream_t stream = nullptr;
  char* device = nullptr;
  char* host[2] = {nullptr, nullptr};
  cudaEvent_t copied[2] = {nullptr, nullptr}, kernel_start[2] = {nullptr, nullptr}, kernel_stop[2] = {nullptr, nullptr};
  ~JobResources() {
    if (stream) cudaStreamSynchronize(stream);
    for (int i = 0; i < 2; ++i) {
      if (host[i]) cudaFreeHost(host[i]);
      for (cudaEvent_t ev : {copied[i], kernel_start[i], kernel_stop[i]})
        if (ev) cudaEventDestroy(ev);
    }
    if (device) cudaFree(device);
    if (stream) cudaStreamDestroy(stream);
  }
};

template <int KCap>
Status run_with_capacity(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs,
                         const std::function<void(const RegretChunk&)>& consume, RegretCudaStats* stats) {
  const auto wall_start = std::chrono::steady_clock::now();
  auto kernel = regret_kernel<KCap>;
  const uint32_t policies = static_cast<uint32_t>(cfg.n_policies);
  int device = 0, sms = 0, blocks_per_sm = 0;
  if (Status s = cuda_bind_selected_device(); !s.ok()) return s;  // this process's device, on this thread
  KLAB_CUDA_TRY(cudaGetDevice(&device));
  KLAB_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  KLAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernel, kThreadsPerBlock, 0));
  if (blocks_per_sm < 1) return Status::error("CUDA: the bandits kernel does not fit on this GPU (0 blocks per SM)");
  cudaFuncAttributes attributes;
  KLAB_CUDA_TRY(cudaFuncGetAttributes(&attributes, kernel));
  size_t stack = 0;
  KLAB_CUDA_TRY(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
  if (attributes.localSizeBytes > stack) KLAB_CUDA_TRY(cudaDeviceSetLimit(cudaLimitStackSize, attributes.localSizeBytes));

  // One full wave of (run, policy) threads per chunk, fewer where the outputs would exceed kMaxChunkBytes.
  const uint64_t wave = static_cast<uint64_t>(blocks_per_sm) * static_cast<uint64_t>(sms) * kThreadsPerBlock;
  uint64_t chunk_runs = std::max<uint64_t>(1, wave / policies);
  chunk_runs = std::min<uint64_t>(chunk_runs, std::max<uint64_t>(1, kMaxChunkBytes / chunk_layout(cfg, 1).bytes));
  chunk_runs = std::min<uint64_t>(chunk_runs, runs);
  const uint32_t capacity = static_cast<uint32_t>(chunk_runs);
  const ChunkLayout layout = chunk_layout(cfg, capacity);
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  JobResources job;
  KLAB_CUDA_TRY(cudaStreamCreateWithFlags(&job.stream, cudaStreamNonBlocking));
  KLAB_CUDA_TRY(cudaMalloc(&job.device, layout.bytes));
  for (int i = 0; i < std::min(chunks, 2); ++i) {
    KLAB_CUDA_TRY(cudaMallocHost(&job.host[i], layout.bytes));
    KLAB_CUDA_TRY(cudaEventCreateWithFlags(&job.copied[i], cudaEventBlockingSync));
    KLAB_CUDA_TRY(cudaEventCreate(&job.kernel_start[i]));
    KLAB_CUDA_TRY(cudaEventCreate(&job.kernel_stop[i]));
  }

  auto chunk_runs_of = [&](int c) { return std::min(capacity, runs - static_cast<uint32_t>(c) * capacity); };
  auto enqueue = [&](int c) -> Status {
    const int b = c % 2;
    const uint32_t n = chunk_runs_of(c), items = n * policies;
    const uint32_t blocks = (items + kThreadsPerBlock - 1) / kThreadsPerBlock;
    KLAB_CUDA_TRY(cudaEventRecord(job.kernel_start[b], job.stream));
    kernel<<<blocks, kThreadsPerBlock, 0, job.stream>>>(cfg, seed, first_run + static_cast<uint32_t>(c) * capacity, n, job.device, layout);
    KLAB_CUDA_TRY(cudaGetLastError());
    KLAB_CUDA_TRY(cudaEventRecord(job.kernel_stop[b], job.stream));
    KLAB_CUDA_TRY(cudaMemcpyAsync(job.host[b], job.device, layout.bytes, cudaMemcpyDeviceToHost, job.stream));
    KLAB_CUDA_TRY(cudaEventRecord(job.copied[b], job.stream));
    return {};
  };

  double kernel_seconds = 0.0;
  if (chunks > 0) {
    Status s = enqueue(0);
    if (!s.ok()) return s;
  }
  for (int c = 0; c < chunks; ++c) {
    if (c + 1 < chunks) {
      Status s = enqueue(c + 1);  // queued behind copy c: the GPU computes it while this thread aggregates chunk c
      if (!s.ok()) return s;
    }
    const int b = c % 2;
    KLAB_CUDA_TRY(cudaEventSynchronize(job.copied[b]));
    float ms = 0.0f;
    KLAB_CUDA_TRY(cudaEventElapsedTime(&ms, job.kernel_start[b], job.kernel_stop[b]));
    kernel_seconds += 1e-3 * ms;
    RegretChunk chunk;
    chunk.first_run = first_run + static_cast<uint32_t>(c) * capacity;
    chunk.runs = chunk_runs_of(c);
    chunk.regret_at = reinterpret_cast<const double*>(job.host[b] + layout.regret_at);
    chunk.pulls = reinterpret_cast<const uint32_t*>(job.host[b] + layout.pulls);
    chunk.regret = reinterpret_cast<const double*>(job.host[b] + layout.regret);
    chunk.best_pulls = reinterpret_cast<const uint64_t*>(job.host[b] + layout.best_pulls);
    consume(chunk);
  }
  if (stats) {
    stats->arm_capacity = KCap;
    stats->threads_per_block = kThreadsPerBlock;
    stats->blocks_per_sm = blocks_per_sm;
    stats->sm_count = sms;
    stats->registers_per_thread = attributes.numRegs;
    stats->local_bytes_per_thread = attributes.localSizeBytes;
    stats->runs_per_chunk = capacity;
    stats->chunks = chunks;
    stats->kernel_seconds = kernel_seconds;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  }
  return {};
}

}  // namespace

Status run_regret_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs,
                       const std::function<void(const RegretChunk&)>& consume, RegretCudaStats* stats) {
  if (cfg.policy.k < 1 || cfg.policy.k > kMaxArms || cfg.n_policies < 1)
    return Status::error("bandits CUDA engine: K must be in [1, " + std::to_string(kMaxArms) + "] and at least one policy given");
  if (runs == 0) return {};
  if (cfg.policy.k <= kSmallArms) return run_with_capacity<kSmallArms>(cfg, seed, first_run, runs, consume, stats);
  return run_with_capacity<kMaxArms>(cfg, seed, first_run, runs, consume, stats);
}

}  // namespace klab::bandits
