// The CUDA engine of bandits.regret: one GPU thread per run, each calling simulate_regret_run
// (engine.hpp), i.e. the same KLAB_HD policies (policies.hpp), reward draws (arms.hpp, Philox
// sub-streams) and regret bookkeeping (regret_sim.hpp) as the CPU engine. The host aggregates the
// per-run outputs in run order, exactly like BatchJob (RegretExperiment::run_cuda).
#include <cuda_runtime.h>

#include "bandits/engine.hpp"

namespace klab::bandits {
namespace {

__global__ void regret_kernel(RegretConfig cfg, uint64_t seed, uint32_t first_run, uint32_t runs, double* regret_at,
                              uint32_t* pulls, double* regret, uint64_t* best_pulls) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= runs) return;
  const size_t p = static_cast<size_t>(cfg.n_policies);
  simulate_regret_run(cfg, seed, first_run + i, regret_at + i * p * cfg.n_checkpoints, pulls + i * p * cfg.policy.k,
                      regret + i * p, best_pulls + i * p);
}

template <class T>
bool copy_back(std::vector<T>* host, const T* device, size_t n, std::string* error) {
  host->resize(n);
  const cudaError_t e = cudaMemcpy(host->data(), device, n * sizeof(T), cudaMemcpyDeviceToHost);
  if (e != cudaSuccess) *error = cudaGetErrorString(e);
  return e == cudaSuccess;
}

}  // namespace

bool run_regret_batch_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out,
                           std::string* error) {
  const size_t p = static_cast<size_t>(cfg.n_policies), k = static_cast<size_t>(cfg.policy.k),
               c = static_cast<size_t>(cfg.n_checkpoints);
  double *d_regret_at = nullptr, *d_regret = nullptr;
  uint32_t* d_pulls = nullptr;
  uint64_t* d_best = nullptr;
  auto check = [&](cudaError_t e) {
    if (e == cudaSuccess) return true;
    *error = std::string("CUDA: ") + cudaGetErrorString(e);
    return false;
  };
  bool ok = check(cudaMalloc(&d_regret_at, sizeof(double) * runs * p * c)) &&
            check(cudaMalloc(&d_pulls, sizeof(uint32_t) * runs * p * k)) && check(cudaMalloc(&d_regret, sizeof(double) * runs * p)) &&
            check(cudaMalloc(&d_best, sizeof(uint64_t) * runs * p));
  if (ok) {
    // Each thread keeps a PolicyRun (≈ 2.5 KB) in local memory: give it a large stack.
    ok = check(cudaDeviceSetLimit(cudaLimitStackSize, 8 * 1024));
  }
  if (ok) {
    const unsigned threads = 128;
    regret_kernel<<<(runs + threads - 1) / threads, threads>>>(cfg, seed, first_run, runs, d_regret_at, d_pulls, d_regret, d_best);
    ok = check(cudaGetLastError()) && check(cudaDeviceSynchronize());
  }
  if (ok) {
    out->runs = runs;
    ok = copy_back(&out->regret_at, d_regret_at, runs * p * c, error) && copy_back(&out->pulls, d_pulls, runs * p * k, error) &&
         copy_back(&out->regret, d_regret, runs * p, error) && copy_back(&out->best_pulls, d_best, runs * p, error);
  }
  cudaFree(d_regret_at);
  cudaFree(d_pulls);
  cudaFree(d_regret);
  cudaFree(d_best);
  return ok;
}

}  // namespace klab::bandits
