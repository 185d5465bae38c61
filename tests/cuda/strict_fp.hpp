// Which build a CPU-vs-CUDA test runs in: strict (KLAB_STRICT_FP: the lab's own elementary functions,
// no fused multiply-add on either side, so the GPU must give the CPU's bits) or release (fused
// multiply-adds may move last bits: the tests compare within a tolerance instead).
#pragma once

namespace klab::test {

#if defined(KLAB_STRICT_FP)
inline constexpr bool kStrict = true;
#else
inline constexpr bool kStrict = false;
#endif

}  // namespace klab::test
