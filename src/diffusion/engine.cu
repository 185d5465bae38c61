// The CUDA engine of diffusion.samplers: one GPU thread per particle, each calling sample_particle
// (particle_step.hpp), the same KLAB_HD prior draw, solver updates, exact score and DDPM noise as
// the CPU engine (solvers.cpp: sample_particles_host). Napkin maths: src/diffusion/README.md, "CUDA".
//
// Launch:
//   * The plan (steps, model points, p_t's terms: ~100 B per step + 48 B per component per
//     evaluation) is copied once per sample() into one device buffer. Every thread of a warp reads
//     the same step, point and term at the same time: broadcast loads through L1.
//   * Particles in chunks of at most kMaxChunkParticles (engine.hpp), one thread each, 128 threads
//     per block; a chunk of n ≥ 132 SMs × blocks_per_sm × 128 particles fills an H100/H200, fewer
//     particles leave SMs idle (one thread per particle: that is the parallelism there is).
//   * The solver is the same for every thread of a launch: its switch never diverges; DDPM's
//     noise and the score's log-sum-exp skip (terms below e^{−40}) are the only divergent paths.
//   * score()'s exponent array (marginal.hpp, K doubles) lives in local memory, cached in L1; the
//     per-thread stack limit is raised only if the kernel's frame exceeds it.
//   * Per chunk: kernel, then the two coordinate arrays copied straight into the caller's vectors,
//     all on the engine's own stream: run_cuda_blocks gives each host thread its own engine, so one
//     thread's kernels run while others compute their metrics on the host.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "cuda/cuda_status.hpp"
#include "cuda/selected_device.hpp"
#include "diffusion/engine.hpp"
#include "diffusion/particle_step.hpp"

namespace klab::diffusion {
namespace {

// 4 warps: small blocks let the occupancy calculator pack an SM up to its register limit.
constexpr int kThreadsPerBlock = 128;

__global__ void __launch_bounds__(kThreadsPerBlock)
    particles_kernel(PlanView v, uint64_t first, uint32_t count, double* __restrict__ out_x, double* __restrict__ out_y) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  double x, y;
  sample_particle(v, first + i, &x, &y);
  out_x[i] = x;
  out_y[i] = y;
}

constexpr size_t kAlign = 256;
size_t aligned(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

}  // namespace

// Device memory kept across sample() calls, grown on demand, released on every path.
struct CudaParticleEngine::Device {
  char* plan = nullptr;
  size_t plan_bytes = 0;
  double* particles = nullptr;  // x then y of one chunk
  uint64_t particle_capacity = 0;
  cudaStream_t stream = nullptr;  // its own stream: engines on several host threads overlap
  cudaEvent_t start = nullptr, stop = nullptr;
  bool configured = false;
  ~Device() {
    if (stream || plan || particles) cuda_bind_selected_device();  // the thread destroying it may not be the one that used it
    if (stream) cudaStreamSynchronize(stream);
    if (plan) cudaFree(plan);
    if (particles) cudaFree(particles);
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    if (stream) cudaStreamDestroy(stream);
  }
};

CudaParticleEngine::CudaParticleEngine() : device_(std::make_unique<Device>()) {}
CudaParticleEngine::~CudaParticleEngine() = default;

Status CudaParticleEngine::sample(const SolverPlan& plan, uint64_t seed, uint32_t run, uint32_t prior_stream, uint32_t noise_stream,
                                  Particles* out) {
  const auto wall_start = std::chrono::steady_clock::now();
  const uint64_t n = out->size();
  if (n == 0) return {};
  if (plan.k < 1 || plan.k > kMaxComponents)
    return Status::error("diffusion CUDA engine: the mixture must have 1 to " + std::to_string(kMaxComponents) + " components");
  // Each call may come from another host thread (samplers_experiment.cpp starts threads per block).
  if (Status s = cuda_bind_selected_device(); !s.ok()) return s;
  Device& d = *device_;
  if (!d.configured) {
    int device = 0;
    KLAB_CUDA_TRY(cudaGetDevice(&device));
    KLAB_CUDA_TRY(cudaDeviceGetAttribute(&stats_.sm_count, cudaDevAttrMultiProcessorCount, device));
    KLAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&stats_.blocks_per_sm, particles_kernel, kThreadsPerBlock, 0));
    if (stats_.blocks_per_sm < 1) return Status::error("CUDA: the diffusion kernel does not fit on this GPU (0 blocks per SM)");
    cudaFuncAttributes attributes;
    KLAB_CUDA_TRY(cudaFuncGetAttributes(&attributes, particles_kernel));
    size_t stack = 0;
    KLAB_CUDA_TRY(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
    if (attributes.localSizeBytes > stack) KLAB_CUDA_TRY(cudaDeviceSetLimit(cudaLimitStackSize, attributes.localSizeBytes));
    stats_.threads_per_block = kThreadsPerBlock;
    stats_.registers_per_thread = attributes.numRegs;
    stats_.local_bytes_per_thread = attributes.localSizeBytes;
    KLAB_CUDA_TRY(cudaStreamCreateWithFlags(&d.stream, cudaStreamNonBlocking));
    KLAB_CUDA_TRY(cudaEventCreate(&d.start));
    KLAB_CUDA_TRY(cudaEventCreate(&d.stop));
    d.configured = true;
  }

  // The plan: steps, points, terms in one buffer.
  const size_t steps_bytes = plan.steps.size() * sizeof(PlanStep), points_bytes = plan.points.size() * sizeof(ModelPoint),
               terms_bytes = plan.terms.size() * sizeof(Term);
  const size_t points_at = aligned(steps_bytes), terms_at = points_at + aligned(points_bytes), plan_bytes = terms_at + aligned(terms_bytes);
  if (plan_bytes > d.plan_bytes) {
    if (d.plan) cudaFree(d.plan);
    d.plan = nullptr;
    d.plan_bytes = 0;
    const cudaError_t e = cudaMalloc(&d.plan, plan_bytes);
    if (e != cudaSuccess)
      return cuda_error(e, ("cudaMalloc of " + std::to_string(plan_bytes >> 10) + " KiB for the solver plan").c_str());
    d.plan_bytes = plan_bytes;
  }
  // (The previous call ended with its stream synchronised: no kernel still reads the buffer.)
  KLAB_CUDA_TRY(cudaMemcpyAsync(d.plan, plan.steps.data(), steps_bytes, cudaMemcpyHostToDevice, d.stream));
  KLAB_CUDA_TRY(cudaMemcpyAsync(d.plan + points_at, plan.points.data(), points_bytes, cudaMemcpyHostToDevice, d.stream));
  KLAB_CUDA_TRY(cudaMemcpyAsync(d.plan + terms_at, plan.terms.data(), terms_bytes, cudaMemcpyHostToDevice, d.stream));
  PlanView v = plan.view(seed, run, prior_stream, noise_stream, n);
  v.step = reinterpret_cast<const PlanStep*>(d.plan);
  v.point = reinterpret_cast<const ModelPoint*>(d.plan + points_at);
  v.terms = reinterpret_cast<const Term*>(d.plan + terms_at);

  // One chunk's particles.
  const uint64_t chunk = std::min(n, kMaxChunkParticles);
  if (chunk > d.particle_capacity) {
    if (d.particles) cudaFree(d.particles);
    d.particles = nullptr;
    d.particle_capacity = 0;
    const size_t bytes = 2 * chunk * sizeof(double);
    const cudaError_t e = cudaMalloc(&d.particles, bytes);
    if (e != cudaSuccess)
      return cuda_error(e, ("cudaMalloc of " + std::to_string(bytes >> 20) + " MiB for " + std::to_string(chunk) + " particles").c_str());
    d.particle_capacity = chunk;
  }

  for (uint64_t first = 0; first < n; first += chunk) {
    const uint32_t count = static_cast<uint32_t>(std::min(chunk, n - first));
    const uint32_t blocks = (count + kThreadsPerBlock - 1) / kThreadsPerBlock;
    KLAB_CUDA_TRY(cudaEventRecord(d.start, d.stream));
    particles_kernel<<<blocks, kThreadsPerBlock, 0, d.stream>>>(v, first, count, d.particles, d.particles + count);
    KLAB_CUDA_TRY(cudaGetLastError());
    KLAB_CUDA_TRY(cudaEventRecord(d.stop, d.stream));
    KLAB_CUDA_TRY(cudaMemcpyAsync(out->x.data() + first, d.particles, count * sizeof(double), cudaMemcpyDeviceToHost, d.stream));
    KLAB_CUDA_TRY(cudaMemcpyAsync(out->y.data() + first, d.particles + count, count * sizeof(double), cudaMemcpyDeviceToHost, d.stream));
    KLAB_CUDA_TRY(cudaStreamSynchronize(d.stream));
    float ms = 0.0f;
    KLAB_CUDA_TRY(cudaEventElapsedTime(&ms, d.start, d.stop));
    stats_.kernel_seconds += 1e-3 * ms;
    ++stats_.launches;
  }
  stats_.particles_per_chunk = std::max(stats_.particles_per_chunk, chunk);
  stats_.evaluations += static_cast<double>(n) * plan.evaluations();
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return {};
}

}  // namespace klab::diffusion
