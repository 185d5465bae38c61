// CPU vs CUDA: the kernel in src/cuda/rng_kernel.cu runs the same Rng and kl-confidence code as
// the CPU. Random words must match exactly, reals to the last bits (strict-FP builds) or 1e-12.
// Exits 77 (ctest: skipped) with a clear message where no CUDA device answers.
#include <cmath>
#include <cstdio>
#include <string>

#include "app/gpu.hpp"
#include "cuda/rng_kernel.hpp"

int main() {
  std::string why;
  if (!klab::cuda_device_available(&why)) {
    std::printf("SKIP: %s; the CPU-vs-CUDA checks need a GPU.\n", why.c_str());
    return 77;
  }
  const uint64_t seed = 0x5eed5eed12345ull;
  const uint32_t n = 100000;
  const double level = 0.05;
  klab::cuda::RngCheck gpu;
  std::string error;
  if (!klab::cuda::rng_check_gpu(seed, n, level, &gpu, &error)) {
    std::printf("FAIL: kernel: %s\n", error.c_str());
    return 1;
  }
  const klab::cuda::RngCheck cpu = klab::cuda::rng_check_cpu(seed, n, level);
  size_t word_mismatch = 0, uniform_mismatch = 0, upper_bad = 0;
  double worst = 0.0;
  for (size_t i = 0; i < cpu.words.size(); ++i) word_mismatch += cpu.words[i] != gpu.words[i];
  for (uint32_t r = 0; r < n; ++r) {
    uniform_mismatch += cpu.uniforms[r] != gpu.uniforms[r];
    const double d = std::fabs(cpu.kl_upper[r] - gpu.kl_upper[r]);
    worst = d > worst ? d : worst;
    upper_bad += d > 1e-12;
  }
  std::printf("%u runs: %zu word mismatches, %zu uniform mismatches, kl upper max |cpu-gpu| = %.3g (%zu above 1e-12)\n", n,
              word_mismatch, uniform_mismatch, worst, upper_bad);
  return word_mismatch || uniform_mismatch || upper_bad ? 1 : 0;
}
