// The CUDA engine of diffusion.samplers: one GPU thread per particle, each running the very same
// KLAB_HD code as the CPU engine (particle_step.hpp: sample_particle — the prior draw, the solver's
// updates, the exact Gaussian-mixture score, DDPM's noise from the counter-based Rng) on a
// SolverPlan computed once on the host (solver_plan.hpp) and copied to the device. The particles
// come back to the host, where SamplersRun computes the metrics (samplers_experiment.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/status.hpp"
#include "diffusion/solver_plan.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

// How the engine used the GPU, summed over its sample() calls (benchmarks, the GPU check).
struct ParticleCudaStats {
  int threads_per_block = 0;
  int blocks_per_sm = 0;            // cudaOccupancyMaxActiveBlocksPerMultiprocessor
  int sm_count = 0;
  int registers_per_thread = 0;
  size_t local_bytes_per_thread = 0;
  uint64_t particles_per_chunk = 0;  // the largest chunk launched
  int launches = 0;
  double evaluations = 0.0;         // particle-score evaluations (particles × the plans' NFE)
  double kernel_seconds = 0.0;      // GPU time of the kernels (cudaEvent)
  double seconds = 0.0;             // wall time of sample(): uploads, kernels, downloads
};

// At most this many particles per launch (2 × 8 B each on the device: 64 MiB), so that 10^7
// particles and more fit whatever the GPU; each chunk is many full waves on an H100/H200.
constexpr uint64_t kMaxChunkParticles = uint64_t{1} << 22;

// Device buffers (the plan, one chunk of particles) are allocated on first use, grown when a
// larger plan or batch needs it, and kept until the engine is destroyed. Each engine has its own
// CUDA stream. Not thread-safe: one engine per host thread.
class CudaParticleEngine {
 public:
  CudaParticleEngine();
  ~CudaParticleEngine();
  CudaParticleEngine(const CudaParticleEngine&) = delete;
  CudaParticleEngine& operator=(const CudaParticleEngine&) = delete;

  // Particles 0 .. out->size() − 1 of `plan` (a batch of out->size()), as
  // sample_particles_host(plan.view(seed, run, prior_stream, noise_stream, out->size()), 0, out)
  // computes them. An error (no device, a CUDA failure, a build without CUDA) comes back as a
  // Status naming it.
  Status sample(const SolverPlan& plan, uint64_t seed, uint32_t run, uint32_t prior_stream, uint32_t noise_stream, Particles* out);
  const ParticleCudaStats& stats() const { return stats_; }

 private:
  struct Device;
  std::unique_ptr<Device> device_;
  ParticleCudaStats stats_;
};

}  // namespace klab::diffusion
