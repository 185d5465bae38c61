// bandits.bai: fixed-budget best-arm identification with K arms in ℝ² (μ_k = ⟨a_k, θ⟩): uniform,
// Successive Rejects, Sequential Halving, a naive private Sequential Halving and DP-BAI (bai.hpp).
// Error probability vs budget (log scale), and vs the privacy parameter ε.
#pragma once
#include <vector>

#include "bandits/bai.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::bandits {

struct BaiParams {
  std::vector<double> angles;   // arm directions in degrees, a_k = (cos φ_k, sin φ_k)
  double theta_angle = 45.0;    // θ = norm·(cos ψ, sin ψ)
  double theta_norm = 0.9;
  long long budget = 8000;
  double epsilon = 0.3;         // ε of the private algorithms
};

class BaiExperiment final : public ExperimentOf<BaiParams, BaiExperiment> {
 public:
  BaiExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  BaiProblem problem() const;
  int best_arm() const;
  std::vector<double> budgets() const;   // linear in [T/8, T]
  std::vector<double> epsilons() const;  // log-spaced in [0.01, 10]
};

DemoInfo bai_demo();

}  // namespace klab::bandits
