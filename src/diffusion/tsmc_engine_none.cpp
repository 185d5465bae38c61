// Builds without nvcc: the CUDA engine of diffusion.tsmc is absent and says so.
#include "diffusion/tsmc_engine.hpp"

namespace klab::diffusion {

namespace {
Status absent() { return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)"); }
}  // namespace

struct CudaSmcEngine::Device {};

CudaSmcEngine::CudaSmcEngine() = default;
CudaSmcEngine::~CudaSmcEngine() = default;
Status CudaSmcEngine::start(const SmcPlan&, size_t, const SmcRandom&) { return absent(); }
Status CudaSmcEngine::predict(int) { return absent(); }
Status CudaSmcEngine::weigh(WeightSums*) { return absent(); }
Status CudaSmcEngine::resample(double, std::vector<size_t>*) { return absent(); }
Status CudaSmcEngine::propose(int, const SmcRandom&) { return absent(); }
Status CudaSmcEngine::finish() { return absent(); }
Status CudaSmcEngine::read(SmcField, std::vector<double>*) { return absent(); }

}  // namespace klab::diffusion
