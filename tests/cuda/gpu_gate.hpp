// The first lines of every CUDA test program: probe the device (core/gpu_probe.hpp) and either go
// on or exit — 77 (ctest: skipped) where no GPU exists, 1 where CUDA fails or where
// KLAB_REQUIRE_GPU=1 demands a GPU that is not there.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/gpu.hpp"

namespace klab::test {

inline void require_gpu_or_exit(const char* what) {
  const GpuTestGate gate = gate_gpu_test(probe_cuda_device(), require_gpu_from_env());
  std::printf("%s%s\n", gate.message.c_str(), gate.run ? "" : (std::string("; ") + what + " needs a GPU.").c_str());
  if (gate.run) std::printf("%s\n", cuda_device_description().c_str());
  std::fflush(stdout);
  if (!gate.run) std::exit(gate.exit_code);
}

}  // namespace klab::test
