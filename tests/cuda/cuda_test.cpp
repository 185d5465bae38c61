// CPU vs CUDA: the kernel in src/cuda/rng_kernel.cu runs the same Rng and kl-confidence code as
// the CPU. Random words and uniforms must match exactly; the kl bounds exactly in a strict build
// (the lab's own logarithms on both sides, no fused multiply-add), to 1e-12 otherwise (CUDA's
// log differs from glibc's in the last bit).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <cmath>
#include <cstdio>
#include <string>

#include "cuda/rng_kernel.hpp"
#include "gpu_gate.hpp"

int main() {
  klab::test::require_gpu_or_exit("the CPU-vs-CUDA RNG test");
  const uint64_t seed = 0x5eed5eed12345ull;
  const uint32_t n = 100000;
  const double level = 0.05;
  klab::cuda::RngCheck gpu;
  const klab::Status s = klab::cuda::rng_check_gpu(seed, n, level, &gpu);
  if (!s.ok()) {
    std::printf("FAIL: %s\n", s.message().c_str());
    return 1;
  }
  const klab::cuda::RngCheck cpu = klab::cuda::rng_check_cpu(seed, n, level);
#if defined(KLAB_STRICT_FP)
  const double tolerance = 0.0;
#else
  const double tolerance = 1e-12;
#endif
  size_t word_mismatch = 0, uniform_mismatch = 0, upper_bad = 0, upper_inexact = 0;
  double worst = 0.0;
  for (size_t i = 0; i < cpu.words.size(); ++i) word_mismatch += cpu.words[i] != gpu.words[i];
  for (uint32_t r = 0; r < n; ++r) {
    uniform_mismatch += cpu.uniforms[r] != gpu.uniforms[r];
    // NaN on either side counts as a mismatch (d is NaN then, and every comparison with it is false).
    const double d = std::fabs(cpu.kl_upper[r] - gpu.kl_upper[r]);
    worst = d > worst || std::isnan(d) ? d : worst;
    upper_bad += !(d <= tolerance);
    upper_inexact += !(d == 0.0);
  }
  std::printf("%u runs: %zu word mismatches, %zu uniform mismatches, kl upper: %zu not bit-identical, max |cpu-gpu| = %.3g "
              "(%zu above the tolerance %.0e)\n",
              n, word_mismatch, uniform_mismatch, upper_inexact, worst, upper_bad, tolerance);
  const bool ok = !word_mismatch && !uniform_mismatch && !upper_bad;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
