#include "cuda/rng_kernel.hpp"

#include <cuda_runtime.h>

#include <string>

#include "core/divergences.hpp"
#include "core/rng.hpp"

namespace klab::cuda {
namespace {

// One thread per run: the computation shared verbatim by host and device.
KLAB_HD void compute_one(uint64_t seed, uint32_t run, double level, uint32_t* words, double* uniform, double* upper) {
  Rng a(seed, run, 0);
  for (int k = 0; k < 4; ++k) words[k] = a.next_u32();
  Rng b(seed, run, 1);
  *uniform = b.uniform();
  *upper = kl_bernoulli_upper(*uniform, level);
}

__global__ void rng_check_kernel(uint64_t seed, uint32_t n, double level, uint32_t* words, double* uniforms, double* upper) {
  const uint32_t run = blockIdx.x * blockDim.x + threadIdx.x;
  if (run < n) compute_one(seed, run, level, words + 4 * run, uniforms + run, upper + run);
}

}  // namespace

RngCheck rng_check_cpu(uint64_t seed, uint32_t n, double level) {
  RngCheck out{std::vector<uint32_t>(4 * n), std::vector<double>(n), std::vector<double>(n)};
  for (uint32_t r = 0; r < n; ++r) compute_one(seed, r, level, &out.words[4 * r], &out.uniforms[r], &out.kl_upper[r]);
  return out;
}

Status rng_check_gpu(uint64_t seed, uint32_t n, double level, RngCheck* out) {
  uint32_t* d_words = nullptr;
  double *d_uniforms = nullptr, *d_upper = nullptr;
  Status status;
  auto check = [&](cudaError_t e, const char* what) {
    if (e != cudaSuccess && status.ok())
      status = Status::error(std::string("CUDA: ") + what + ": " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
    return status.ok();
  };
  constexpr unsigned kThreads = 256;  // a multiple of the warp size; the kernel is a few hundred instructions per thread
  if (check(cudaMalloc(&d_words, sizeof(uint32_t) * 4 * n), "cudaMalloc") && check(cudaMalloc(&d_uniforms, sizeof(double) * n), "cudaMalloc") &&
      check(cudaMalloc(&d_upper, sizeof(double) * n), "cudaMalloc")) {
    rng_check_kernel<<<(n + kThreads - 1) / kThreads, kThreads>>>(seed, n, level, d_words, d_uniforms, d_upper);
    if (check(cudaGetLastError(), "launch") && check(cudaDeviceSynchronize(), "kernel")) {
      out->words.resize(4 * n);
      out->uniforms.resize(n);
      out->kl_upper.resize(n);
      if (check(cudaMemcpy(out->words.data(), d_words, sizeof(uint32_t) * 4 * n, cudaMemcpyDeviceToHost), "cudaMemcpy") &&
          check(cudaMemcpy(out->uniforms.data(), d_uniforms, sizeof(double) * n, cudaMemcpyDeviceToHost), "cudaMemcpy"))
        check(cudaMemcpy(out->kl_upper.data(), d_upper, sizeof(double) * n, cudaMemcpyDeviceToHost), "cudaMemcpy");
    }
  }
  cudaFree(d_words);
  cudaFree(d_uniforms);
  cudaFree(d_upper);
  return status;
}

}  // namespace klab::cuda
