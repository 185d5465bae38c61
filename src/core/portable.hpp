// Portability macros: the same algorithm source compiles under g++, em++ and nvcc.
//
// KLAB_HD marks functions that CUDA kernels call (`__host__ __device__` under nvcc, nothing
// elsewhere), so the CPU engine, the CUDA engine, the GUI and the wasm build run one copy of
// each algorithm. Files under src/core/ and algorithm headers must not include UI or CUDA headers.
#pragma once

#if defined(__CUDACC__)
#define KLAB_HD __host__ __device__
#define KLAB_INLINE __host__ __device__ __forceinline__
#else
#define KLAB_HD
#define KLAB_INLINE inline
#endif

namespace klab {
constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = __builtin_huge_val();
}  // namespace klab
