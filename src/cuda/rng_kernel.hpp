// A trivial CUDA engine that proves the portability contract: the kernel calls the very same
// Rng, samplers and kl-confidence functions (KLAB_HD in src/core) as the CPU code, one thread
// per (run, index), and the test compares its outputs with the CPU's.
#pragma once
#include <cstdint>
#include <vector>

#include "core/status.hpp"

namespace klab::cuda {

struct RngCheck {
  std::vector<uint32_t> words;    // first 4 words of Rng(seed, run, 0) for each run
  std::vector<double> uniforms;   // Rng(seed, run, 1).uniform()
  std::vector<double> kl_upper;   // kl_bernoulli_upper(uniform, level)
};

// Runs the kernel for runs 0..n-1; a CUDA failure comes back as a Status naming the call and the error.
Status rng_check_gpu(uint64_t seed, uint32_t n, double level, RngCheck* out);
// The same computation on the CPU, from the same functions.
RngCheck rng_check_cpu(uint64_t seed, uint32_t n, double level);

}  // namespace klab::cuda
