// Device detection (core/gpu_probe.hpp): only a machine without a GPU skips; every other CUDA
// error fails with its message; KLAB_REQUIRE_GPU=1 turns a skip into a failure. The CUDA answers
// are mocked (the codes and texts are the CUDA runtime's), so this runs on every build.
#include <doctest/doctest.h>

#include <cstdlib>

#include "app/gpu.hpp"
#include "core/gpu_probe.hpp"
#include "test_util.hpp"

namespace {

using klab::test::contains;

klab::CudaProbeFacts failing(int error, const char* name, const char* message, bool driver_node) {
  klab::CudaProbeFacts f;
  f.error = error;
  f.error_name = name;
  f.error_message = message;
  f.driver_node = driver_node;
  f.driver_version = driver_node ? 12020 : 0;
  f.runtime_version = 13000;
  return f;
}

}  // namespace

TEST_CASE("a GPU that answers is available") {
  klab::CudaProbeFacts f;
  f.device_count = 2;
  f.driver_node = true;
  f.driver_version = 13000;
  f.runtime_version = 13000;
  const klab::GpuProbe p = klab::classify_cuda_probe(f);
  CHECK(p.state == klab::GpuState::Available);
  CHECK(contains(p.message, "2 CUDA device(s), driver 13.0"));
  const klab::GpuTestGate g = klab::gate_gpu_test(p, true);
  CHECK(g.run);
}

TEST_CASE("no device is a skip (exit 77), or a failure under KLAB_REQUIRE_GPU=1") {
  const klab::CudaProbeFacts none[] = {
      failing(klab::kCudaErrorNoDevice, "cudaErrorNoDevice", "no CUDA-capable device is detected", true),
      failing(35, "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version", false),
      failing(3, "cudaErrorInitializationError", "initialization error", false),
      klab::CudaProbeFacts{},  // success with 0 devices
  };
  for (const klab::CudaProbeFacts& f : none) {
    CAPTURE(f.error_name);
    const klab::GpuProbe p = klab::classify_cuda_probe(f);
    CHECK(p.state == klab::GpuState::Absent);
    const klab::GpuTestGate skip = klab::gate_gpu_test(p, false);
    CHECK_FALSE(skip.run);
    CHECK(skip.exit_code == 77);
    CHECK(contains(skip.message, "SKIP: "));
    const klab::GpuTestGate required = klab::gate_gpu_test(p, true);
    CHECK_FALSE(required.run);
    CHECK(required.exit_code == 1);
    CHECK(contains(required.message, "KLAB_REQUIRE_GPU=1"));
  }
  // The runtime's words reach the message.
  CHECK(contains(klab::classify_cuda_probe(none[1]).message, "cudaErrorInsufficientDriver (35): CUDA driver version is insufficient"));
  CHECK(contains(klab::classify_cuda_probe(none[1]).message, "no NVIDIA driver on this machine"));
}

TEST_CASE("any other CUDA error on a machine with an NVIDIA driver is a failure with its message") {
  const klab::CudaProbeFacts broken[] = {
      failing(35, "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version", true),  // driver too old
      failing(803, "cudaErrorSystemDriverMismatch", "system has unsupported display driver / cuda driver combination", true),
      failing(46, "cudaErrorDevicesUnavailable", "CUDA-capable device(s) is/are busy or unavailable", true),
      failing(999, "cudaErrorUnknown", "unknown error", true),
  };
  for (const klab::CudaProbeFacts& f : broken) {
    CAPTURE(f.error_name);
    const klab::GpuProbe p = klab::classify_cuda_probe(f);
    CHECK(p.state == klab::GpuState::Broken);
    CHECK(contains(p.message, f.error_name + " (" + std::to_string(f.error) + "): " + f.error_message));
    CHECK(contains(p.message, "driver 12.2, runtime 13.0"));
    for (bool require : {false, true}) {
      const klab::GpuTestGate g = klab::gate_gpu_test(p, require);
      CHECK_FALSE(g.run);
      CHECK(g.exit_code == 1);  // never 77
      CHECK(contains(g.message, "FAIL: "));
    }
  }
}

TEST_CASE("KLAB_REQUIRE_GPU: set and not 0") {
  const char* before = std::getenv("KLAB_REQUIRE_GPU");
  const std::string saved = before ? before : "";
  unsetenv("KLAB_REQUIRE_GPU");
  CHECK_FALSE(klab::require_gpu_from_env());
  setenv("KLAB_REQUIRE_GPU", "0", 1);
  CHECK_FALSE(klab::require_gpu_from_env());
  setenv("KLAB_REQUIRE_GPU", "1", 1);
  CHECK(klab::require_gpu_from_env());
  if (before) setenv("KLAB_REQUIRE_GPU", saved.c_str(), 1); else unsetenv("KLAB_REQUIRE_GPU");
}

TEST_CASE("the real probe agrees with the machine: no driver node means absent, never broken") {
  const klab::GpuProbe p = klab::probe_cuda_device();
  CAPTURE(p.message);
  if (!klab::nvidia_driver_node_present()) CHECK(p.state == klab::GpuState::Absent);
  if (p.state == klab::GpuState::Available) CHECK_FALSE(klab::cuda_device_description().empty());
}
