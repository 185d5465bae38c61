#include "core/gpu_probe.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace klab {
namespace {

std::string version_text(int v) {  // CUDA's 1000·major + 10·minor
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

std::string runtime_said(const CudaProbeFacts& f) {
  return f.error_name + " (" + std::to_string(f.error) + "): " + f.error_message;
}

}  // namespace

GpuProbe classify_cuda_probe(const CudaProbeFacts& f) {
  if (f.error == kCudaSuccess && f.device_count > 0)
    return {GpuState::Available, std::to_string(f.device_count) + " CUDA device(s), driver " + version_text(f.driver_version) +
                                     ", runtime " + version_text(f.runtime_version)};
  if (f.error == kCudaSuccess) return {GpuState::Absent, "no CUDA device found (cudaGetDeviceCount = 0)"};
  if (f.error == kCudaErrorNoDevice) return {GpuState::Absent, "no CUDA device found (" + runtime_said(f) + ")"};
  if (!f.driver_node)
    return {GpuState::Absent, "no NVIDIA driver on this machine (no /dev/nvidiactl, /dev/nvidia0, /dev/dxg or "
                              "/proc/driver/nvidia); the CUDA runtime says " + runtime_said(f)};
  return {GpuState::Broken, "an NVIDIA driver is present but CUDA fails: " + runtime_said(f) + " (driver " +
                                version_text(f.driver_version) + ", runtime " + version_text(f.runtime_version) + ")"};
}

bool nvidia_driver_node_present() {
  struct stat st;
  for (const char* path : {"/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg", "/proc/driver/nvidia/version"})
    if (stat(path, &st) == 0) return true;
  return false;
}

GpuTestGate gate_gpu_test(const GpuProbe& probe, bool require_gpu) {
  switch (probe.state) {
    case GpuState::Available: return {true, 0, "GPU: " + probe.message};
    case GpuState::Absent:
      if (require_gpu) return {false, 1, "FAIL: KLAB_REQUIRE_GPU=1 but " + probe.message};
      return {false, 77, "SKIP: " + probe.message};
    case GpuState::Broken: return {false, 1, "FAIL: " + probe.message};
  }
  return {false, 1, "FAIL: unknown GPU state"};
}

bool require_gpu_from_env() {
  const char* v = std::getenv("KLAB_REQUIRE_GPU");
  return v && *v && std::string(v) != "0";
}

}  // namespace klab
