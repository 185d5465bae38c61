// Builds without nvcc: the CUDA engines of blackbox.es and blackbox.nsga2 are absent and say so.
#include "blackbox/engine.hpp"
#include "blackbox/nsga2_engine.hpp"

namespace klab::blackbox {

namespace {
Status built_without_cuda() { return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)"); }
}  // namespace

Status run_es_cuda(const EsConfig&, uint64_t, uint32_t, uint32_t, const std::function<void(const EsChunk&)>&, EsCudaStats*) {
  return built_without_cuda();
}

Status run_nsga2_cuda(const Nsga2Config&, uint64_t, uint32_t, uint32_t, const std::function<void(const Nsga2Chunk&)>&, Nsga2CudaStats*, Nsga2Form) {
  return built_without_cuda();
}

}  // namespace klab::blackbox
