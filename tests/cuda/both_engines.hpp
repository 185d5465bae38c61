// The two engines of one experiment on the same seed and runs: `run_cuda_job` (the --backend cuda
// path) and the CPU's BatchJob on all cores, for the CUDA test programs to compare.
#pragma once
#include <cmath>
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

// How many statistics of the two results differ (of *total compared): with `strict` every curve and
// final statistic must be identical (mean and SE; NaN = NaN, a metric a series never has), otherwise
// each final mean must lie within 4 standard errors of the other engine's.
inline size_t differing_statistics(const BatchResult& gpu, const BatchResult& cpu, bool strict, size_t* total) {
  const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  const auto identical = [&](const RunningStat& a, const RunningStat& b) { return same(a.mean(), b.mean()) && same(a.sem(), b.sem()); };
  const auto within = [](const RunningStat& a, const RunningStat& b) {
    const bool both_empty = std::isnan(a.mean()) && std::isnan(b.mean());
    return both_empty || a.mean() == b.mean() || std::fabs(a.mean() - b.mean()) <= 4.0 * std::sqrt(a.sem() * a.sem() + b.sem() * b.sem());
  };
  size_t differing = 0;
  *total = 0;
  if (strict) {
    for (size_t i = 0; i < cpu.stats.curves.size(); ++i, ++*total) differing += identical(gpu.stats.curves[i], cpu.stats.curves[i]) ? 0 : 1;
    for (size_t i = 0; i < cpu.stats.finals.size(); ++i, ++*total) differing += identical(gpu.stats.finals[i], cpu.stats.finals[i]) ? 0 : 1;
  } else {
    for (size_t s = 0; s < cpu.layout.series.size(); ++s)
      for (size_t m = 0; m < cpu.layout.final_metrics.size(); ++m, ++*total) differing += within(gpu.final_stat(s, m), cpu.final_stat(s, m)) ? 0 : 1;
  }
  return differing;
}

// Part 2 of a one-thread-per-run engine's test: run_cuda_job against BatchJob on all cores, `runs`
// runs of e's parameters (differing_statistics above); prints the verdict, then `detail`'s lines
// (where given: e.g. per-series figures), then both times.
inline bool engines_agree(const Experiment& e, uint64_t seed, uint32_t runs, bool strict, const char* what,
                          void (*detail)(const BatchResult& gpu, const BatchResult& cpu) = nullptr) {
  BatchResult gpu, cpu;
  if (!run_both_engines(e, seed, runs, &gpu, &cpu)) return false;
  size_t total = 0;
  const size_t differing = differing_statistics(gpu, cpu, strict, &total);
  const bool ok = differing == 0;
  std::printf("2. run_cuda_job vs the CPU engine (BatchJob, all cores), %s, %u runs (%s): %zu of %zu statistics differ  %s\n", what, runs,
              strict ? "every statistic identical" : "final means within 4 SE", differing, total, ok ? "ok" : "FAIL");
  if (detail) detail(gpu, cpu);
  std::printf("  GPU path %.2f s (kernels + host evaluations), CPU engine on all cores %.2f s (%u runs)\n", gpu.seconds, cpu.seconds, runs);
  return ok;
}

}  // namespace klab::test
