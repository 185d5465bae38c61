// The launch line every one-thread-per-item CUDA test prints after its throughput case: how the
// kernel filled the GPU (core/cuda_job_stats.hpp), then what the engine's own buffers held.
#pragma once
#include <cstdio>
#include <string>

#include "core/cuda_job_stats.hpp"

namespace klab::test {

// `extra`: e.g. ", 12 MiB of tables" (empty: nothing more).
inline void print_launch(const CudaJobStats& s, const std::string& extra = "") {
  std::printf("  launch: %d threads/block, %d blocks/SM x %d SMs, %d registers, %zu B local per thread, %u runs per chunk, %d chunk(s)%s\n",
              s.threads_per_block, s.blocks_per_sm, s.sm_count, s.registers_per_thread, s.local_bytes_per_thread, s.runs_per_chunk, s.chunks,
              extra.c_str());
}

inline std::string mib_of(size_t bytes, const char* what) { return ", " + std::to_string(bytes >> 20) + " MiB of " + what; }

}  // namespace klab::test
