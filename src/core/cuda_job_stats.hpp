// How a CUDA engine's job used the GPU (benchmarks and the GPU check): the fields every
// one-thread-per-item engine reports; an engine's own stats derive from this and add its work
// counters (src/blackbox/engine.hpp, src/mdp/engine.hpp). Filled by cuda/cuda_job.hpp.
#pragma once
#include <cstddef>
#include <cstdint>

namespace klab {

struct CudaJobStats {
  int threads_per_block = 0;
  int blocks_per_sm = 0;  // cudaOccupancyMaxActiveBlocksPerMultiprocessor
  int sm_count = 0;
  int registers_per_thread = 0;
  size_t local_bytes_per_thread = 0;
  uint32_t runs_per_chunk = 0;
  int chunks = 0;
  double kernel_seconds = 0.0;  // GPU time of the kernels (cudaEvent)
  double seconds = 0.0;         // wall time of the whole job, consumer included
};

}  // namespace klab
