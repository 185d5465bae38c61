// The CUDA engine of diffusion.tsmc (tsmc_engine.hpp): each phase of an SMC step is a kernel with
// one thread per particle calling smc_particle.hpp's KLAB_HD code, the CPU engine's
// (smc_backend.cpp, HostSmcBackend). Napkin maths: src/diffusion/README.md, "CUDA".
//
// Layout: six arrays of N doubles (x, y, m_x, m_y, log w, the look-ahead potential), five more
// for the gather's output (swapped in after it), N indices, and p_t's terms of every step (K × 48 B
// per component: copied once per run). A step's coefficients (SmcStep, 168 B) and the run's
// SmcConfig (72 B) travel as kernel arguments: every thread of a warp reads the same ones (constant bank).
// Per step: predict, a copy of the N weights back (run_smc's ESS), on resampling an upload of the
// N indices and the gather, then propose. The host's ESS and systematic resampling over N weights
// are the serial part (about 10 ns a particle): at 10^6 particles they, not the kernels, set the rate.
#include <cuda_runtime.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "cuda/cuda_job.hpp"
#include "diffusion/smc_particle.hpp"
#include "diffusion/tsmc_engine.hpp"

namespace klab::diffusion {
namespace {

// 4 warps: small blocks let the occupancy calculator pack an SM up to its register limit.
constexpr int kThreadsPerBlock = 128;
constexpr int kFields = 6;  // x, y, m_x, m_y, log w, look (the first five in SmcField's order)
constexpr int kLook = 5, kLogW = static_cast<int>(SmcField::LogW);

struct Fields {
  double* f[kFields];
};

uint32_t blocks_for(uint32_t n) { return (n + kThreadsPerBlock - 1) / kThreadsPerBlock; }

__global__ void __launch_bounds__(kThreadsPerBlock) prior_kernel(double sd, SmcRandom r, uint32_t n, Fields a) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double x, y;
  smc_prior(sd, r, i, &x, &y);
  a.f[0][i] = x;
  a.f[1][i] = y;
  a.f[2][i] = 0.0;
  a.f[3][i] = 0.0;
  a.f[kLogW][i] = 0.0;
  a.f[kLook][i] = 0.0;
}

__global__ void __launch_bounds__(kThreadsPerBlock) predict_kernel(SmcConfig c, SmcStep s, const Term* __restrict__ terms, uint32_t n, Fields a) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double mx, my, log_w = a.f[kLogW][i], look = a.f[kLook][i];
  smc_predict(c, s, terms, a.f[0][i], a.f[1][i], &mx, &my, &log_w, &look);
  a.f[2][i] = mx;
  a.f[3][i] = my;
  a.f[kLogW][i] = log_w;
  a.f[kLook][i] = look;
}

// Particle i of `to` is particle idx[i] of `from`; the weights restart at 0 (in `from`'s array).
__global__ void __launch_bounds__(kThreadsPerBlock) gather_kernel(const uint32_t* __restrict__ idx, uint32_t n, Fields from, Fields to) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const uint32_t j = idx[i];
  to.f[0][i] = from.f[0][j];
  to.f[1][i] = from.f[1][j];
  to.f[2][i] = from.f[2][j];
  to.f[3][i] = from.f[3][j];
  to.f[kLook][i] = from.f[kLook][j];
  from.f[kLogW][i] = 0.0;
}

__global__ void __launch_bounds__(kThreadsPerBlock) propose_kernel(SmcConfig c, SmcStep s, SmcRandom r, uint32_t n, Fields a) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double x, y, log_w = a.f[kLogW][i];
  smc_propose(c, s, r, i, a.f[2][i], a.f[3][i], &x, &y, &log_w);
  a.f[0][i] = x;
  a.f[1][i] = y;
  a.f[kLogW][i] = log_w;
}

__global__ void __launch_bounds__(kThreadsPerBlock) finish_kernel(SmcConfig c, uint32_t n, Fields a) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double log_w = a.f[kLogW][i];
  smc_finish(c, a.f[0][i], a.f[1][i], a.f[kLook][i], &log_w);
  a.f[kLogW][i] = log_w;
}

}  // namespace

// Device memory kept across runs, grown on demand, released on every path (the stream and the
// events: CudaJob, cuda/cuda_job.hpp, whose buffer stays unused; its own stream, so engines on
// several host threads overlap).
struct CudaSmcEngine::Device {
  CudaJob job;
  double* particles = nullptr;    // (2 · kFields − 1, capacity): the fields, then the gather's outputs
  uint32_t* idx = nullptr;        // (capacity)
  size_t capacity = 0;
  Term* terms = nullptr;
  size_t terms_capacity = 0;
  Fields live{}, spare{};         // spare: the gather's output (its log w pointer unused)
  uint32_t n = 0;
  const SmcPlan* plan = nullptr;
  std::vector<uint32_t> host_idx;
  ~Device() {
    if (job.stream || particles || terms) cuda_bind_selected_device();  // the thread destroying it may not be the one that used it
    if (job.stream) cudaStreamSynchronize(job.stream);
    if (particles) cudaFree(particles);
    if (idx) cudaFree(idx);
    if (terms) cudaFree(terms);
  }
};

CudaSmcEngine::CudaSmcEngine() : device_(std::make_unique<Device>()) {}
CudaSmcEngine::~CudaSmcEngine() = default;

namespace {

// Wall time of one engine call into *seconds.
struct WallClock {
  double* seconds;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  ~WallClock() { *seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
};

}  // namespace

// Enqueues one kernel between the engine's two events, waits for it and adds its GPU time.
#define KLAB_SMC_LAUNCH(kernel, ...)                                             \
  do {                                                                           \
    KLAB_CUDA_TRY(cudaEventRecord(d.job.start, d.job.stream));                   \
    kernel<<<blocks_for(d.n), kThreadsPerBlock, 0, d.job.stream>>>(__VA_ARGS__); \
    KLAB_CUDA_TRY(cudaGetLastError());                                           \
    KLAB_CUDA_TRY(cudaEventRecord(d.job.stop, d.job.stream));                    \
    KLAB_CUDA_TRY(cudaEventSynchronize(d.job.stop));                             \
    float ms = 0.0f;                                                             \
    KLAB_CUDA_TRY(cudaEventElapsedTime(&ms, d.job.start, d.job.stop));           \
    stats_.kernel_seconds += 1e-3 * ms;                                          \
    ++stats_.launches;                                                           \
  } while (0)

Status CudaSmcEngine::start(const SmcPlan& plan, size_t n, const SmcRandom& r) {
  const WallClock clock{&stats_.seconds};
  if (n == 0 || n > UINT32_MAX) return Status::error("diffusion.tsmc CUDA engine: 1 to 2^32 − 1 particles per SMC run (got " + std::to_string(n) + ")");
  if (plan.config.components < 1 || plan.config.components > kMaxComponents)
    return Status::error("diffusion.tsmc CUDA engine: the mixture must have 1 to " + std::to_string(kMaxComponents) + " components");
  // Each run may come from another host thread (run_cuda_blocks starts threads per block): fit_kernel
  // binds it to the device first.
  KernelFit fit;
  if (Status s = fit_kernel(predict_kernel, kThreadsPerBlock, "diffusion.tsmc predict", &fit); !s.ok()) return s;
  Device& d = *device_;
  if (!d.job.stream) {
    KLAB_CUDA_TRY(cudaStreamCreateWithFlags(&d.job.stream, cudaStreamNonBlocking));
    KLAB_CUDA_TRY(cudaEventCreate(&d.job.start));
    KLAB_CUDA_TRY(cudaEventCreate(&d.job.stop));
    stats_.threads_per_block = kThreadsPerBlock;
    stats_.registers_per_thread = fit.attributes.numRegs;
    stats_.local_bytes_per_thread = fit.attributes.localSizeBytes;
  }
  if (n > d.capacity) {
    if (d.particles) cudaFree(d.particles);
    if (d.idx) cudaFree(d.idx);
    d.particles = nullptr, d.idx = nullptr, d.capacity = 0;
    const size_t bytes = (2 * kFields - 1) * n * sizeof(double);
    cudaError_t e = cudaMalloc(&d.particles, bytes);
    if (e == cudaSuccess) e = cudaMalloc(&d.idx, n * sizeof(uint32_t));
    if (e != cudaSuccess)
      return cuda_error(e, ("cudaMalloc of " + std::to_string((bytes + 4 * n) >> 20) + " MiB for " + std::to_string(n) + " particles").c_str());
    d.capacity = n;
  }
  if (plan.terms.size() > d.terms_capacity) {
    if (d.terms) cudaFree(d.terms);
    d.terms = nullptr, d.terms_capacity = 0;
    const cudaError_t e = cudaMalloc(&d.terms, plan.terms.size() * sizeof(Term));
    if (e != cudaSuccess) return cuda_error(e, "cudaMalloc of p_t's terms of every step");
    d.terms_capacity = plan.terms.size();
  }
  // (The previous run ended with its stream synchronised: no kernel still reads the terms.)
  KLAB_CUDA_TRY(cudaMemcpyAsync(d.terms, plan.terms.data(), plan.terms.size() * sizeof(Term), cudaMemcpyHostToDevice, d.job.stream));
  for (int f = 0; f < kFields; ++f) d.live.f[f] = d.particles + static_cast<size_t>(f) * d.capacity;
  for (int f = 0; f < kFields; ++f) d.spare.f[f] = f == kLogW ? nullptr : d.particles + static_cast<size_t>(kFields + (f < kLogW ? f : f - 1)) * d.capacity;
  d.n = static_cast<uint32_t>(n);
  d.plan = &plan;
  ++stats_.runs;
  KLAB_SMC_LAUNCH(prior_kernel, plan.prior_sd, r, d.n, d.live);
  return {};
}

Status CudaSmcEngine::predict(int k) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  const SmcConfig& c = d.plan->config;
  const Term* terms = d.terms + static_cast<size_t>(k) * static_cast<size_t>(c.components);
  KLAB_SMC_LAUNCH(predict_kernel, c, d.plan->steps[static_cast<size_t>(k)], terms, d.n, d.live);
  return {};
}

Status CudaSmcEngine::resample(const std::vector<size_t>& idx) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  if (idx.size() != d.n) return Status::error("diffusion.tsmc CUDA engine: resampling to another number of particles");
  d.host_idx.assign(idx.begin(), idx.end());
  KLAB_CUDA_TRY(cudaMemcpyAsync(d.idx, d.host_idx.data(), d.n * sizeof(uint32_t), cudaMemcpyHostToDevice, d.job.stream));
  KLAB_SMC_LAUNCH(gather_kernel, d.idx, d.n, d.live, d.spare);
  for (int f = 0; f < kFields; ++f)
    if (f != kLogW) std::swap(d.live.f[f], d.spare.f[f]);
  return {};
}

Status CudaSmcEngine::propose(int k, const SmcRandom& r) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  KLAB_SMC_LAUNCH(propose_kernel, d.plan->config, d.plan->steps[static_cast<size_t>(k)], r, d.n, d.live);
  stats_.particle_steps += d.n;
  return {};
}

Status CudaSmcEngine::finish() {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  KLAB_SMC_LAUNCH(finish_kernel, d.plan->config, d.n, d.live);
  return {};
}

Status CudaSmcEngine::read(SmcField f, std::vector<double>* out) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  out->resize(d.n);
  KLAB_CUDA_TRY(cudaMemcpyAsync(out->data(), d.live.f[static_cast<int>(f)], d.n * sizeof(double), cudaMemcpyDeviceToHost, d.job.stream));
  KLAB_CUDA_TRY(cudaStreamSynchronize(d.job.stream));
  return {};
}

}  // namespace klab::diffusion
