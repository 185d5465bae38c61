// The host side shared by the one-thread-per-item CUDA engines (.cu files; src/blackbox/engine.cu,
// src/mdp/engine.cu): a job's stream, device buffer and timing events, released on every path, and
// the launch facts of a kernel (occupancy, registers, local memory).
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "cuda/cuda_status.hpp"
#include "cuda/selected_device.hpp"

namespace klab {

// One stream, one device buffer, two events: everything a job allocates.
struct CudaJob {
  cudaStream_t stream = nullptr;
  char* device = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  CudaJob() = default;
  CudaJob(const CudaJob&) = delete;
  CudaJob& operator=(const CudaJob&) = delete;
  ~CudaJob() {
    if (stream) cudaStreamSynchronize(stream);
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    if (device) cudaFree(device);
    if (stream) cudaStreamDestroy(stream);
  }
  // Creates the stream and the events and allocates `bytes` of device memory (`what`: what they
  // hold, for the error message).
  Status open(size_t bytes, const std::string& what) {
    KLAB_CUDA_TRY(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    KLAB_CUDA_TRY(cudaEventCreate(&start));
    KLAB_CUDA_TRY(cudaEventCreate(&stop));
    const cudaError_t e = cudaMalloc(&device, bytes);
    if (e != cudaSuccess) return cuda_error(e, ("cudaMalloc of " + std::to_string(bytes >> 20) + " MiB for " + what).c_str());
    return {};
  }
  // Queues a copy of n bytes from the host to the buffer at `offset` (on the job's stream).
  cudaError_t upload(size_t offset, const void* data, size_t n) { return cudaMemcpyAsync(device + offset, data, n, cudaMemcpyHostToDevice, stream); }
  // Around one chunk's kernel launch: begin_chunk() records the start; end_chunk() checks the
  // launch, records the stop, copies `bytes` of results from `from` (device) to `to` (host), waits,
  // and adds the kernel's time to *kernel_seconds.
  Status begin_chunk() {
    KLAB_CUDA_TRY(cudaEventRecord(start, stream));
    return {};
  }
  Status end_chunk(void* to, const void* from, size_t bytes, double* kernel_seconds) {
    KLAB_CUDA_TRY(cudaGetLastError());
    KLAB_CUDA_TRY(cudaEventRecord(stop, stream));
    KLAB_CUDA_TRY(cudaMemcpyAsync(to, from, bytes, cudaMemcpyDeviceToHost, stream));
    KLAB_CUDA_TRY(cudaStreamSynchronize(stream));
    float ms = 0.0f;
    KLAB_CUDA_TRY(cudaEventElapsedTime(&ms, start, stop));
    *kernel_seconds += 1e-3 * ms;
    return {};
  }
};

// The chunk loop of a one-thread-per-item engine: runs first_run .. first_run + runs − 1 in chunks of
// at most `capacity` runs of `per_run` items. Per chunk: the chunk's outcomes (`per_thread` a thread)
// at `device_outcomes` are zeroed, launch(chunk_first, chunk_runs, threads) enqueues the kernel on
// job.stream, the outcomes are copied into `host` (at least capacity·per_run·per_thread entries) and
// consume(chunk_first, chunk_runs, threads) reads them.
// Why zeroed: a kernel may leave entries unwritten (NSGA-II's checkpoints at the grid points other
// than the last, behaviour cloning's θ snapshots, Q̂ past a smaller world's pairs), which the host
// twins hold as zeros (value-initialised vectors) while cudaMalloc does not clear its memory, and a
// buffer an earlier job of the process freed keeps that job's bytes.
template <class Outcome, class Launch, class Consume>
Status run_in_chunks(CudaJob& job, uint32_t first_run, uint32_t runs, size_t capacity, size_t per_run, Outcome* device_outcomes,
                     std::vector<Outcome>* host, const Launch& launch, const Consume& consume, double* kernel_seconds,
                     size_t per_thread = 1) {
  for (size_t done = 0; done < runs; done += capacity) {
    const uint32_t chunk_first = first_run + static_cast<uint32_t>(done);
    const uint32_t chunk_runs = static_cast<uint32_t>(std::min<size_t>(capacity, runs - done));
    const uint32_t threads = chunk_runs * static_cast<uint32_t>(per_run);
    const size_t bytes = threads * per_thread * sizeof(Outcome);
    KLAB_CUDA_TRY(cudaMemsetAsync(device_outcomes, 0, bytes, job.stream));
    if (Status s = job.begin_chunk(); !s.ok()) return s;
    launch(chunk_first, chunk_runs, threads);
    if (Status s = job.end_chunk(host->data(), device_outcomes, bytes, kernel_seconds); !s.ok()) return s;
    consume(chunk_first, chunk_runs, threads);
  }
  return {};
}

// A chunk's device memory: at most half the free memory and at most kMaxCudaChunkBytes.
constexpr size_t kMaxCudaChunkBytes = size_t{4} << 30;

// Runs per chunk: as many as that share holds at bytes_per_run each, the free memory counted after
// `reserved` bytes (what the job uploads besides its chunks: a pool of datasets); at least 1, at
// most `runs`.
inline Status cuda_chunk_capacity(size_t bytes_per_run, uint32_t runs, size_t* capacity, size_t reserved = 0) {
  size_t free_bytes = 0, total_bytes = 0;
  KLAB_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
  const size_t share = std::min(kMaxCudaChunkBytes, (free_bytes > reserved ? free_bytes - reserved : 0) / 2);
  *capacity = std::min<size_t>(std::max<size_t>(1, share / bytes_per_run), runs);
  return {};
}

// Offsets into a job's buffer are aligned to 256 bytes.
inline size_t cuda_aligned(size_t bytes) { return (bytes + 255) / 256 * 256; }

// The parts of one job buffer, placed one after another: place(n) returns the next part's offset;
// `bytes` is then the buffer's size.
struct CudaBufferPlan {
  size_t bytes = 0;
  size_t place(size_t n) {
    const size_t here = bytes;
    bytes += cuda_aligned(n);
    return here;
  }
};

// How a kernel fits the current device at a block size.
struct KernelFit {
  int sm_count = 0;
  int blocks_per_sm = 0;  // cudaOccupancyMaxActiveBlocksPerMultiprocessor
  cudaFuncAttributes attributes = {};
};

// The fit of `kernel` (`name` for the error) at `threads_per_block` on this process's device (the
// calling thread is bound to it first: a job's first CUDA call); raises the device's stack limit to
// the kernel's local memory where that is more.
template <class Kernel>
Status fit_kernel(Kernel kernel, int threads_per_block, const char* name, KernelFit* fit) {
  if (Status s = cuda_bind_selected_device(); !s.ok()) return s;
  int device = 0;
  KLAB_CUDA_TRY(cudaGetDevice(&device));
  KLAB_CUDA_TRY(cudaDeviceGetAttribute(&fit->sm_count, cudaDevAttrMultiProcessorCount, device));
  KLAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fit->blocks_per_sm, kernel, threads_per_block, 0));
  if (fit->blocks_per_sm < 1) return Status::error(std::string("CUDA: the ") + name + " kernel does not fit on this GPU (0 blocks per SM)");
  KLAB_CUDA_TRY(cudaFuncGetAttributes(&fit->attributes, kernel));
  size_t stack = 0;
  KLAB_CUDA_TRY(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
  if (fit->attributes.localSizeBytes > stack) KLAB_CUDA_TRY(cudaDeviceSetLimit(cudaLimitStackSize, fit->attributes.localSizeBytes));
  return {};
}

// The common part of a finished job's stats; `wall_start`: when the job began.
inline void record_job(const KernelFit& fit, int threads_per_block, uint32_t runs_per_chunk, int chunks, double kernel_seconds,
                       std::chrono::steady_clock::time_point wall_start, CudaJobStats* stats) {
  stats->threads_per_block = threads_per_block;
  stats->blocks_per_sm = fit.blocks_per_sm;
  stats->sm_count = fit.sm_count;
  stats->registers_per_thread = fit.attributes.numRegs;
  stats->local_bytes_per_thread = fit.attributes.localSizeBytes;
  stats->runs_per_chunk = runs_per_chunk;
  stats->chunks = chunks;
  stats->kernel_seconds = kernel_seconds;
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
}

}  // namespace klab
