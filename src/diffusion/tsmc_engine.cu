// The CUDA engine of diffusion.tsmc (tsmc_engine.hpp): each phase of an SMC step is a kernel with
// one thread per particle calling smc_particle.hpp's KLAB_HD code, the CPU engine's
// (smc_backend.cpp, HostSmcBackend); the weights' pass and systematic resampling call
// smc_weights.hpp's, as the CPU does. Napkin maths: src/diffusion/README.md, "CUDA".
//
// Layout: six arrays of N doubles (x, y, m_x, m_y, log w, the look-ahead potential), five more
// for the gather's output (swapped in after it), the cumulative weights c (N), N indices, the
// weights' sums (24 B), and p_t's terms of every step (K × 48 B per component: copied once per run).
// A step's coefficients (SmcStep, 168 B) and the run's SmcConfig (72 B) travel as kernel arguments:
// every thread of a warp reads the same ones (constant bank).
// Per step: predict; weigh (one block: the max, the exponentials, the left-to-right chain of the
// cumulative weights on one thread) and a copy of its three sums back (24 B: run_smc decides on the
// ESS); on resampling the systematic search (one thread per particle, from the uniform run_smc
// passes) and the gather; then propose. Only scalars cross the bus per step (the film and the
// learners' paths excepted: they read particles back by design).
#include <cuda_runtime.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "cuda/cuda_job.hpp"
#include "diffusion/smc_particle.hpp"
#include "diffusion/smc_weights.hpp"
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

// The weights' pass: ONE block per run (the chain of additions is serial: smc_weights.hpp). Its
// 1,024 threads find the maximum and compute the exponentials; thread 0 adds them up tile by tile
// while warps 1–31 write the previous tile's cumulative weights out and load the next (two tiles of
// shared memory: 2 × 16 KiB).
constexpr int kWeighThreads = 1024;
constexpr uint32_t kWeighTile = 2048;
constexpr int kWarp = 32;

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

// top = max log w (exact in any order), c_i = the left-to-right cumulative sum of e^{log w_i − top}
// (weight_chain, on thread 0 only: the CPU's order, so its bits), and the sums into *out.
__global__ void __launch_bounds__(kWeighThreads) weigh_kernel(const double* __restrict__ log_w, uint32_t n, double* __restrict__ c,
                                                              WeightSums* __restrict__ out) {
  __shared__ double tile[2][kWeighTile];
  __shared__ double warp_top[kWeighThreads / kWarp];
  __shared__ double block_top;
  const uint32_t lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  double m = -HUGE_VAL;
  for (uint32_t i = threadIdx.x; i < n; i += kWeighThreads) m = m < log_w[i] ? log_w[i] : m;
  for (int off = kWarp / 2; off > 0; off /= 2) {
    const double o = __shfl_down_sync(0xffffffffu, m, off);
    m = m < o ? o : m;
  }
  if (lane == 0) warp_top[warp] = m;
  __syncthreads();
  if (threadIdx.x == 0) {
    double t = warp_top[0];
    for (int w = 1; w < kWeighThreads / kWarp; ++w) t = t < warp_top[w] ? warp_top[w] : t;
    block_top = t;
  }
  __syncthreads();
  const double top = block_top;
  // Round r: thread 0 chains tile r − 1; the other warps write tile r − 2 out of buffer r % 2 and
  // load tile r into it (each slot by the same thread: no race between the two).
  const uint64_t tiles = (static_cast<uint64_t>(n) + kWeighTile - 1) / kWeighTile;
  double s = 0.0, s2 = 0.0;
  for (uint64_t r = 0; r < tiles + 2; ++r) {
    if (threadIdx.x == 0) {
      if (r >= 1 && r <= tiles) {
        const uint64_t first = (r - 1) * kWeighTile;
        double* b = tile[(r - 1) % 2];
        const uint64_t left = n - first;
        weight_chain(b, static_cast<size_t>(left < kWeighTile ? left : kWeighTile), &s, &s2, b);
      }
    } else if (warp > 0) {
      double* b = tile[r % 2];
      for (uint32_t j = threadIdx.x - kWarp; j < kWeighTile; j += kWeighThreads - kWarp) {
        if (r >= 2 && (r - 2) * kWeighTile + j < n) c[(r - 2) * kWeighTile + j] = b[j];
        if (r < tiles && r * kWeighTile + j < n) b[j] = math::exp(log_w[r * kWeighTile + j] - top);
      }
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = WeightSums{top, s, s2};
}

// Systematic resampling: particle i's index from the cumulative weights (one binary search each).
__global__ void __launch_bounds__(kThreadsPerBlock) systematic_kernel(const double* __restrict__ c, uint32_t n, double s, double u,
                                                                      uint32_t* __restrict__ idx) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  systematic_range(c, n, s, u, n, i, i + 1, idx);
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
  double* particles = nullptr;    // (2 · kFields, capacity): the fields, the gather's outputs, the cumulative weights
  double* cumulative = nullptr;   // (capacity) c of the last weigh (in `particles`)
  uint32_t* idx = nullptr;        // (capacity)
  WeightSums* sums = nullptr;     // (1) the last weigh's
  WeightSums host_sums;
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
    if (sums) cudaFree(sums);
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

// The predict kernel's fit, once per process (it is the same for every run and thread, and
// fit_kernel may raise the device's stack limit, a device-wide setting that should not change while
// other threads' kernels run): the first start() computes it under a lock; a failure is not kept, so
// a later run tries again.
Status predict_fit(KernelFit* out) {
  static std::mutex lock;
  static bool known = false;
  static KernelFit fit;
  const std::lock_guard<std::mutex> guard(lock);
  if (!known) {
    if (Status s = fit_kernel(predict_kernel, kThreadsPerBlock, "diffusion.tsmc predict", &fit); !s.ok()) return s;
    known = true;
  }
  *out = fit;
  return {};
}

}  // namespace

// Enqueues one kernel between the engine's two events, waits for it and adds its GPU time.
#define KLAB_SMC_LAUNCH_GRID(kernel, blocks, threads, ...)               \
  do {                                                                   \
    KLAB_CUDA_TRY(cudaEventRecord(d.job.start, d.job.stream));           \
    kernel<<<(blocks), (threads), 0, d.job.stream>>>(__VA_ARGS__);       \
    KLAB_CUDA_TRY(cudaGetLastError());                                   \
    KLAB_CUDA_TRY(cudaEventRecord(d.job.stop, d.job.stream));            \
    KLAB_CUDA_TRY(cudaEventSynchronize(d.job.stop));                     \
    float ms = 0.0f;                                                     \
    KLAB_CUDA_TRY(cudaEventElapsedTime(&ms, d.job.start, d.job.stop));   \
    stats_.kernel_seconds += 1e-3 * ms;                                  \
    ++stats_.launches;                                                   \
  } while (0)
// One thread per particle.
#define KLAB_SMC_LAUNCH(kernel, ...) KLAB_SMC_LAUNCH_GRID(kernel, blocks_for(d.n), kThreadsPerBlock, __VA_ARGS__)

Status CudaSmcEngine::start(const SmcPlan& plan, size_t n, const SmcRandom& r) {
  const WallClock clock{&stats_.seconds};
  if (n == 0 || n > UINT32_MAX) return Status::error("diffusion.tsmc CUDA engine: 1 to 2^32 − 1 particles per SMC run (got " + std::to_string(n) + ")");
  if (plan.config.components < 1 || plan.config.components > kMaxComponents)
    return Status::error("diffusion.tsmc CUDA engine: the mixture must have 1 to " + std::to_string(kMaxComponents) + " components");
  // Each run may come from another host thread (run_cuda_blocks starts threads per block): bind it to
  // the device first (the fit binds the thread that computes it, once).
  KernelFit fit;
  if (Status s = predict_fit(&fit); !s.ok()) return s;
  if (Status s = cuda_bind_selected_device(); !s.ok()) return s;
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
    d.particles = nullptr, d.cumulative = nullptr, d.idx = nullptr, d.capacity = 0;
    const size_t bytes = 2 * kFields * n * sizeof(double);
    cudaError_t e = cudaMalloc(&d.particles, bytes);
    if (e == cudaSuccess) e = cudaMalloc(&d.idx, n * sizeof(uint32_t));
    if (e != cudaSuccess)
      return cuda_error(e, ("cudaMalloc of " + std::to_string((bytes + sizeof(uint32_t) * n) >> 20) + " MiB for " + std::to_string(n) + " particles").c_str());
    d.cumulative = d.particles + static_cast<size_t>(2 * kFields - 1) * n;
    d.capacity = n;
  }
  if (!d.sums) KLAB_CUDA_TRY(cudaMalloc(&d.sums, sizeof(WeightSums)));
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

Status CudaSmcEngine::weigh(WeightSums* out) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  const double before = stats_.kernel_seconds;
  KLAB_SMC_LAUNCH_GRID(weigh_kernel, 1, kWeighThreads, d.live.f[kLogW], d.n, d.cumulative, d.sums);
  stats_.weigh_seconds += stats_.kernel_seconds - before;
  KLAB_CUDA_TRY(cudaMemcpyAsync(&d.host_sums, d.sums, sizeof(WeightSums), cudaMemcpyDeviceToHost, d.job.stream));
  KLAB_CUDA_TRY(cudaStreamSynchronize(d.job.stream));
  *out = d.host_sums;
  return {};
}

Status CudaSmcEngine::resample(double u, std::vector<size_t>* parents) {
  const WallClock clock{&stats_.seconds};
  Device& d = *device_;
  KLAB_SMC_LAUNCH(systematic_kernel, d.cumulative, d.n, d.host_sums.s, u, d.idx);
  KLAB_SMC_LAUNCH(gather_kernel, d.idx, d.n, d.live, d.spare);
  for (int f = 0; f < kFields; ++f)
    if (f != kLogW) std::swap(d.live.f[f], d.spare.f[f]);
  if (parents) {
    d.host_idx.resize(d.n);
    KLAB_CUDA_TRY(cudaMemcpyAsync(d.host_idx.data(), d.idx, d.n * sizeof(uint32_t), cudaMemcpyDeviceToHost, d.job.stream));
    KLAB_CUDA_TRY(cudaStreamSynchronize(d.job.stream));
    parents->assign(d.host_idx.begin(), d.host_idx.end());
  }
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
