// Helpers of the chapters' claim tests: run a demo's Experiment with some parameters set (as
// `klab run <demo> --set … --seed … --runs …` does) and read its final statistics back by name.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/batch.hpp"

namespace klab::test {

inline BatchResult run_batch(Experiment& e, const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t runs) {
  const Status s = e.params().set_texts(params);
  REQUIRE_MESSAGE(s.ok(), s.message());
  BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  return job.result();
}

inline const RunningStat& final_of(const BatchResult& r, const std::string& series, const std::string& metric) {
  const int s = r.layout.find_series(series), m = r.layout.find_final(metric);
  REQUIRE(s >= 0);
  REQUIRE(m >= 0);
  return r.final_stat(static_cast<size_t>(s), static_cast<size_t>(m));
}

}  // namespace klab::test
