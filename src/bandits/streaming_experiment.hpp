// bandits.streaming: regret of single-pass streaming algorithms (streaming.hpp) against T on
// log-log axes, with the T^{2/3} reference slope, and their memory.
#pragma once
#include <vector>

#include "bandits/streaming.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::bandits {

enum class StreamInstance { UniformMeans = 0, ClearCut };

struct StreamParams {
  long long k = 50;             // arms in the stream
  StreamInstance instance = StreamInstance::UniformMeans;
  long long t_max = 10000000;   // the largest horizon (final metrics)
  double decades = 3.0;         // the sweep starts at t_max / 10^decades
  long long points = 7;         // horizons, log-spaced
};

class StreamingExperiment final : public ExperimentOf<StreamParams, StreamingExperiment> {
 public:
  StreamingExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  std::vector<double> horizons() const;
  // The arm means of run r, in stream order (drawn from Rng(seed, r, ·), the best arm shuffled in).
  std::vector<double> arms(uint64_t seed, uint32_t run) const;
};

// Least-squares slope of ln y against ln x (the points with y > 0).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y);

DemoInfo streaming_demo();

}  // namespace klab::bandits
