// alignment.overoptimization: proxy reward models trained on noisy labels, optimised by best-of-n,
// by the KL-regularised policy π ∝ π_ref exp(R/β), and by policy-gradient ascent, against the gold
// reward (Gao et al. 2023's synthetic setup as used by Coste et al. 2024).
//   Data: N pairs from π_ref, Bradley–Terry labels on r*, a fraction ε (25%) flipped.
//   Proxies: k random-feature reward models (alignment/reward_model.hpp); objectives
//     single  r_1,   ensemble_mean  mean_i r_i,   wco  min_i r_i,   uwo  mean_i r_i - λ Var_i r_i.
//   Best-of-n (n = 1…n_max) from π_ref: exact distribution, gold and proxy reward, exact KL, and the
//     usual KL(BoN‖π_ref) ≈ ln n - (n-1)/n (exact for continuous rewards; an upper bound here).
//   KL-regularised: π_β ∝ π_ref exp(R/β) over a grid of β.
//   Goodhart (Karwowski et al. 2024): projected gradient ascent on R over the occupancy polytope
//     (each π(·|x) moves along R̃ and is projected back onto the simplex); early stopping when
//     the angle between the step direction π_{t+1} - π_t and the projected proxy R̃ exceeds π/2 - θ,
//     θ the angle between R̃ and the projected gold reward (both projected onto the tangent space of
//     the occupancy polytope: per-prompt means removed). θ is the true angle here (an oracle bound);
//     the paper assumes a known bound on it. The rule is a "reading of the abstract" (the paper's
//     exact procedure was not available).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "alignment/reward_model.hpp"
#include "core/experiment.hpp"
#include "core/figure.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

struct OveroptParams : WorldParams {
  std::vector<std::string> methods;
  long long pairs = 250;
  double flip = 0.25;
  int members = 5;
  int hidden = 32;
  double ridge = 0.01;
  double uwo_lambda = 1.0;
  long long n_max = 10000;
  long long pg_steps = 300;
  double pg_lr = 0.01;
  double theta_deg = 0.0;
};

// The best-of-n grid and the β grid of the curves.
std::vector<double> bon_grid(long long n_max);
std::vector<double> inverse_beta_grid();
// KL(BoN_n‖π_ref) for continuous rewards: ln n - (n-1)/n. For a discrete reward (ties, as here)
// it is an upper bound on the exact KL (Beirami et al. 2024), which the trainer computes from P_n.
inline double bon_kl_formula(double n) { return std::log(n) - (n - 1.0) / n; }
// An empty plot of KL(BoN_n‖π_ref) against n with the bound ln n - (n-1)/n drawn as a reference.
plot::Plot bon_kl_plot(const std::vector<double>& ns);

class OveroptTrainer {
 public:
  OveroptTrainer(const OveroptParams& p, uint64_t seed, uint32_t run);
  // Fits one reward model per step, then evaluates best-of-n and the β path, then one
  // policy-gradient step per objective per step.
  void step();
  long long steps_done() const { return steps_; }
  long long total_steps() const { return p_.members + 1 + p_.pg_steps; }
  const World& world() const { return world_; }
  size_t size() const { return objectives_.size(); }
  bool evaluated() const { return evaluated_; }
  const MatrixXd& objective(size_t i) const { return tables_[i]; }
  // Gold reward of best-of-n_max under the first reward model alone (the paired baseline).
  double single_at_max_n() const { return single_at_max_n_; }
  // Its fall from the peak of the best-of-n curve to n_max.
  double single_drop() const { return single_drop_; }
  // Curves of objective i, filled as the run proceeds.
  struct Curves {
    std::vector<double> bon_gold, bon_proxy, bon_kl, path_gold, path_proxy, path_kl;
    std::vector<double> pg_step, pg_gold, pg_proxy;
    long long stop_step = -1;  // Goodhart early-stopping step (-1: not yet)
    double stop_gold = 0, theta = 0;
  };
  const Curves& curves(size_t i) const { return curves_[i]; }
  const MatrixXd& policy(size_t i) const { return pg_pi_[i]; }  // probabilities P × K

 private:
  void evaluate();
  void pg_step();

  OveroptParams p_;
  World world_;
  PreferenceData data_;
  Rng model_rng_;
  std::vector<RandomFeatureRm> rms_;
  std::vector<MatrixXd> member_tables_;
  std::vector<EnsembleObjective> objectives_;
  std::vector<MatrixXd> tables_, centred_, pg_pi_;
  std::vector<Curves> curves_;
  std::vector<long long> checkpoints_;
  double single_at_max_n_ = 0.0, single_drop_ = 0.0;
  bool evaluated_ = false;
  long long steps_ = 0;
};

class OveroptExperiment final : public ExperimentOf<OveroptParams, OveroptExperiment> {
 public:
  OveroptExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo overoptimization_demo();

}  // namespace klab::alignment
