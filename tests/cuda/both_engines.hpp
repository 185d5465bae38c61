// The two engines of one experiment on the same seed and runs: `run_cuda_job` (the --backend cuda
// path) and the CPU's BatchJob on all cores, for the CUDA test programs to compare.
#pragma once
#include <cstdint>
#include <cstdio>

#include "core/batch.hpp"

namespace klab::test {

// False (with a FAIL line) when run_cuda_job fails.
inline bool run_both_engines(const Experiment& e, uint64_t seed, uint32_t runs, BatchResult* gpu, BatchResult* cpu) {
  const Status s = run_cuda_job(e, seed, runs, gpu);
  if (!s.ok()) {
    std::printf("FAIL: run_cuda_job: %s\n", s.message().c_str());
    return false;
  }
  BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  *cpu = job.result();
  return true;
}

}  // namespace klab::test
