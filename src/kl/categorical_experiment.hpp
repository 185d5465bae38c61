// kl.categorical: every divergence of core/divergences on two categorical distributions.
#pragma once
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::kl {

struct CategoricalParams {
  std::vector<double> p, q;  // non-negative weights, normalised to sum 1
  double alpha = 1.0;        // Dirichlet concentration of the random pairs
};

// All divergences between two distributions (both directions where asymmetric).
struct DivergenceTable {
  double kl_pq, kl_qp, tv, chi2_pq, chi2_qp, hellinger, is_pq, is_qp, js;
};
DivergenceTable divergences(const std::vector<double>& p, const std::vector<double>& q);
std::vector<double> normalised(const std::vector<double>& w);

class CategoricalExperiment final : public ExperimentOf<CategoricalParams, CategoricalExperiment> {
 public:
  CategoricalExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // Per-bin contributions p_i ln(p_i/q_i) and q_i ln(q_i/p_i), and for 3 bins the simplex with
  // the KL(p‖·) landscape.
  plot::Figure contributions() const;
  plot::Plot simplex() const;  // only meaningful for 3 bins
};

DemoInfo categorical_demo();

}  // namespace klab::kl
