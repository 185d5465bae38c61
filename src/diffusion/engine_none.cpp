// Builds without nvcc: the CUDA engine is absent and says so.
#include "diffusion/engine.hpp"

namespace klab::diffusion {

struct CudaParticleEngine::Device {};

CudaParticleEngine::CudaParticleEngine() = default;
CudaParticleEngine::~CudaParticleEngine() = default;

Status CudaParticleEngine::sample(const SolverPlan&, uint64_t, uint32_t, uint32_t, uint32_t, Particles*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::diffusion
