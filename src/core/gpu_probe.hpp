// Whether a CUDA device answers, told truthfully: "no GPU here" is a skip, anything else that
// goes wrong is a failure with CUDA's own message.
//
// The decision is a pure function of what the CUDA runtime reported (classify_cuda_probe), so it
// is tested without CUDA (tests/unit/gpu_probe_test.cpp); src/cuda/device.cu gathers the facts.
//   cudaGetDeviceCount succeeds with n > 0             available
//   it succeeds with n = 0, or fails with cudaErrorNoDevice    absent (no device)
//   it fails otherwise and the machine has no NVIDIA driver node (/dev/nvidiactl, /dev/nvidia0,
//   /dev/dxg, /proc/driver/nvidia/version)              absent (no GPU: the runtime typically says
//                                                       "driver version is insufficient" here)
//   it fails otherwise on a machine with a driver node  broken: e.g. a driver too old for the
//                                                       runtime; a failure, never a skip
// CUDA test programs then follow ctest's convention (gate_gpu_test): run, skip with exit 77
// (absent), or fail with exit 1 (broken, or absent while KLAB_REQUIRE_GPU=1).
#pragma once
#include <string>

namespace klab {

// CUDA runtime error codes the decision needs (src/cuda/device.cu checks them against cuda_runtime.h).
constexpr int kCudaSuccess = 0;
constexpr int kCudaErrorNoDevice = 100;

struct CudaProbeFacts {
  int error = kCudaSuccess;      // what cudaGetDeviceCount returned
  std::string error_name;        // cudaGetErrorName
  std::string error_message;     // cudaGetErrorString
  int device_count = 0;
  bool driver_node = false;      // nvidia_driver_node_present()
  int driver_version = 0;        // cudaDriverGetVersion (0: no driver library)
  int runtime_version = 0;       // cudaRuntimeGetVersion
};

enum class GpuState { Available, Absent, Broken };

struct GpuProbe {
  GpuState state = GpuState::Absent;
  std::string message;  // the device (available) or what is missing or wrong
};

GpuProbe classify_cuda_probe(const CudaProbeFacts& facts);

// Whether this machine has an NVIDIA driver node (a GPU's kernel driver is loaded).
bool nvidia_driver_node_present();

// What a CUDA test program does with a probe: run, or exit with exit_code (77 skip, 1 fail)
// after printing message. require_gpu (KLAB_REQUIRE_GPU=1) turns a skip into a failure.
struct GpuTestGate {
  bool run = false;
  int exit_code = 0;
  std::string message;
};
GpuTestGate gate_gpu_test(const GpuProbe& probe, bool require_gpu);

// KLAB_REQUIRE_GPU set to anything but "" or "0".
bool require_gpu_from_env();

}  // namespace klab
