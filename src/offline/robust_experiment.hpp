// offline.robust: R2PVI with the KL, χ² and TV regularisers against non-robust pessimistic value
// iteration (PEVI), trained on uniform-behaviour data of the nominal model of the simulated
// d-rectangular linear MDP, evaluated exactly under perturbed transitions (the first step's factor 4
// leads to the fail state with probability q). Algorithms: r2pvi.hpp; world: linear_mdp.hpp. Paper:
// Tang, Liu & Xu, ICML 2025, arXiv:2411.18612.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "offline/r2pvi.hpp"

namespace klab::offline {

struct RobustParams {
  std::vector<std::string> methods;  // "pevi", "r2pvi_kl", "r2pvi_chi2", "r2pvi_tv"
  double lambda = 0.1;               // λ of the regulariser
  double beta = 1.0;                 // β of the pessimism bonus
  double ridge = 0.1;                // the ridge of Λ_h
  int episodes = 100;                // K trajectories
  double delta = 0.3, xi_norm = 0.2;  // the toy's δ and ‖ξ‖₁
  std::vector<double> perturbations;  // q grid of the evaluation
  std::vector<double> lambda_sweep;   // λ grid of the worst-case-vs-λ curve
};

const std::vector<std::string>& robust_method_ids();

class RobustExperiment final : public ExperimentOf<RobustParams, RobustExperiment> {
 public:
  RobustExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo robust_demo();

}  // namespace klab::offline
