#include "cuda/rng_kernel.hpp"

#include <cuda_runtime.h>

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

bool rng_check_gpu(uint64_t seed, uint32_t n, double level, RngCheck* out, std::string* error) {
  uint32_t* d_words = nullptr;
  double *d_uniforms = nullptr, *d_upper = nullptr;
  auto check = [&](cudaError_t e) {
    if (e == cudaSuccess) return true;
    *error = cudaGetErrorString(e);
    return false;
  };
  bool ok = check(cudaMalloc(&d_words, sizeof(uint32_t) * 4 * n)) && check(cudaMalloc(&d_uniforms, sizeof(double) * n)) &&
            check(cudaMalloc(&d_upper, sizeof(double) * n));
  if (ok) {
    rng_check_kernel<<<(n + 255) / 256, 256>>>(seed, n, level, d_words, d_uniforms, d_upper);
    ok = check(cudaGetLastError()) && check(cudaDeviceSynchronize());
  }
  if (ok) {
    out->words.resize(4 * n);
    out->uniforms.resize(n);
    out->kl_upper.resize(n);
    ok = check(cudaMemcpy(out->words.data(), d_words, sizeof(uint32_t) * 4 * n, cudaMemcpyDeviceToHost)) &&
         check(cudaMemcpy(out->uniforms.data(), d_uniforms, sizeof(double) * n, cudaMemcpyDeviceToHost)) &&
         check(cudaMemcpy(out->kl_upper.data(), d_upper, sizeof(double) * n, cudaMemcpyDeviceToHost));
  }
  cudaFree(d_words);
  cudaFree(d_uniforms);
  cudaFree(d_upper);
  return ok;
}

}  // namespace klab::cuda
