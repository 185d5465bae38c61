// bandits.judges: estimate K scores with J judges of known costs and unknown heteroskedastic
// noise on a budget: uniform allocation, oracle IVWE and EST-IVWE (judges.hpp), ℓ_p error vs budget.
#pragma once
#include <vector>

#include "bandits/judges.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::bandits {

struct JudgesParams {
  long long items = 20;
  std::vector<double> costs, noise;  // per judge: price of a query, base noise sd
  double hetero = 0.7;               // spread of the item × judge noise
  long long budget = 100000;
  double p = 2.0;                    // the ℓ_p error
  long long instance_seed = 1;
};

class JudgesExperiment final : public ExperimentOf<JudgesParams, JudgesExperiment> {
 public:
  JudgesExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  JudgeInstance instance() const;
  std::vector<double> budgets() const;  // the checkpoints: log-spaced in [B/30, B]
};

DemoInfo judges_demo();

}  // namespace klab::bandits
