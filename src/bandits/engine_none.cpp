// Builds without nvcc: the CUDA engine is absent and says so.
#include "bandits/engine.hpp"

namespace klab::bandits {

bool run_regret_batch_cuda(const RegretConfig&, uint64_t, uint32_t, uint32_t, RegretBatch*, std::string* error) {
  *error = "this klab was built without CUDA (nvcc was not found when it was configured)";
  return false;
}

}  // namespace klab::bandits
