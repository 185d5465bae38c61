// The CUDA engine of diffusion.tsmc: an SmcBackend (smc_backend.hpp) whose particles live on the
// GPU. Each phase of an SMC step is one kernel launch, one thread per particle, calling the very
// same KLAB_HD function as the CPU engine (smc_particle.hpp: smc_prior, smc_predict, smc_propose,
// smc_finish) with the same counter-based draws (SmcRandom::at), so a strict build gives the CPU's
// bits. The weights' pass and systematic resampling run on the device too, with smc_weights.hpp's
// code in the CPU's order of additions (one block adds the cumulative weights left to right; one
// thread per particle searches them); run_smc (tsmc.cpp) gets the three sums back, decides on the
// ESS and passes the uniform. Napkin maths and what has not run on a GPU yet:
// src/diffusion/README.md, "CUDA".
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "diffusion/smc_backend.hpp"

namespace klab::diffusion {

// How the engine used the GPU, summed over its runs (benchmarks, the GPU check).
struct SmcCudaStats {
  int threads_per_block = 0;
  int registers_per_thread = 0;     // of the predict kernel (the score: the heaviest phase)
  size_t local_bytes_per_thread = 0;
  int runs = 0;                     // start() calls
  int launches = 0;
  double particle_steps = 0.0;      // particles × SMC steps proposed (one score evaluation each)
  double kernel_seconds = 0.0;      // GPU time of the kernels (cudaEvent)
  double weigh_seconds = 0.0;       // of which the weights' pass (one block: its chain of additions is serial)
  double seconds = 0.0;             // wall time inside the engine: kernels, copies, waits
};

// Device buffers grow on demand and are kept until the engine is destroyed; each engine has its own
// CUDA stream. Not thread-safe: one engine per host thread. Errors (no device, a CUDA failure, a
// build without CUDA) come back as a Status naming them.
class CudaSmcEngine final : public SmcBackend {
 public:
  CudaSmcEngine();
  ~CudaSmcEngine() override;
  CudaSmcEngine(const CudaSmcEngine&) = delete;
  CudaSmcEngine& operator=(const CudaSmcEngine&) = delete;

  Status start(const SmcPlan& plan, size_t n, const SmcRandom& r) override;
  Status predict(int k) override;
  Status weigh(WeightSums* out) override;
  Status resample(double u, std::vector<size_t>* parents) override;
  Status propose(int k, const SmcRandom& r) override;
  Status finish() override;
  Status read(SmcField f, std::vector<double>* out) override;
  const SmcCudaStats& stats() const { return stats_; }

 private:
  struct Device;
  std::unique_ptr<Device> device_;
  SmcCudaStats stats_;
};

}  // namespace klab::diffusion
