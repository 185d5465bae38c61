// alignment.online: preference optimisation with online data, on the same toy world.
//
// The offline data cover only part of the responses (a random `coverage` fraction of each
// prompt's responses, at least two), the situation of The Importance of Online Data (Song et al.
// 2024). Methods:
//   dpo         DPO on the offline pairs only.
//   hypo        HyPO (Song et al. 2024, Algorithm 1): DPO on the offline pairs + λ·KL(π‖π_ref) whose
//               gradient is estimated from m on-policy samples y ~ π(·|x) (online data, no labels):
//               ∇KL ≈ (1/m) Σ_i (ln π(y_i|x)/π_ref(y_i|x) - b)·∇ln π(y_i|x),  b the leave-one-out mean.
//   online_dpo  each step B fresh pairs y, y' ~ π_t labelled by the Bradley–Terry oracle, one DPO step.
//   vpo         VPO online (Cen et al. 2024): online_dpo + α·β·E_{x, y~π_cal}[ln π(y|x)] with π_cal = π_ref.
//               This is the value-regularised MLE  min_r -ℓ(r) - α·J*(r) (optimism) rewritten with the
//               implicit reward r = β ln π/π_ref calibrated so that E_{π_cal}[r] = 0, which gives
//               J*(r) = -β E_{π_cal}[ln π/π_ref]; the derivation is ours from the paper's objective
//               (a "reading of the abstract": the paper's exact calibration term was not available).
// Metrics: gold reward, KL(π‖π_ref), KL(π‖π*_β) and the probability of responses never seen offline.
#pragma once
#include <string>
#include <vector>

#include "alignment/closed_form.hpp"
#include "alignment/losses.hpp"
#include "alignment/optimizer.hpp"
#include "alignment/policy.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

enum class OnlineMethod { OfflineDpo, Hypo, OnlineDpo, Vpo };

struct OnlineParams : WorldParams {
  std::vector<std::string> methods;
  PolicyClass policy = PolicyClass::Tabular;
  PreferenceModel preference = PreferenceModel::Deterministic;
  double coverage = 0.25;
  long long offline_pairs = 400;
  long long online_pairs = 16;
  long long hypo_samples = 4;
  double hypo_lambda = 0.1;
  double vpo_alpha = 0.1;
  double beta = 0.5;
  long long steps = 400;
  OptimizerKind optimizer = OptimizerKind::GradientDescent;
  double lr = 3.0;
};

// VPO's optimistic regulariser s·mean_x E_{y~π_ref}[ln π(y|x)] (s = α·β) and its logits gradient
// s·(π_ref - π)/P.
double vpo_regularizer(const MatrixXd& logp, const MatrixXd& ref_logp, double scale, MatrixXd* grad_logits);
// HyPO's online KL term: a score-function estimate of ∇_z λ·mean_x KL(π(·|x)‖π_ref(·|x)) from m samples
// per prompt, ĝ = (λ/(mP)) Σ_i (ln π(y_i)/π_ref(y_i) - b_i)(e_{y_i} - π), b_i the leave-one-out mean.
MatrixXd hypo_kl_gradient(const MatrixXd& logp, const MatrixXd& ref_logp, double lambda, int samples, Rng& rng);

class OnlineTrainer {
 public:
  OnlineTrainer(const OnlineParams& p, uint64_t seed, uint32_t run);
  void step();
  long long steps_done() const { return steps_; }
  const World& world() const { return world_; }
  size_t size() const { return runs_.size(); }
  const MatrixXd& logp(size_t i) const { return runs_[i].logp; }
  const MatrixXd& optimum() const { return opt_logp_; }
  PolicyStats stats(size_t i) const { return policy_stats(world_, runs_[i].logp, opt_logp_); }
  // Mean over prompts of π's mass on responses absent from the offline data.
  double uncovered_mass(size_t i) const;
  const MatrixXd& covered() const { return covered_; }  // P × K, 1 where offline data may contain y

 private:
  struct MethodRun {
    OnlineMethod method;
    VectorXd params;
    Optimizer optimizer;
    MatrixXd logp;
    Rng rng;
  };
  MatrixXd gradient(MethodRun& m);

  OnlineParams p_;
  World world_;
  PolicySpace space_;
  MatrixXd covered_, opt_logp_;
  PreferenceData offline_;
  LossConfig config_;
  std::vector<MethodRun> runs_;
  long long steps_ = 0;
};

class OnlineExperiment final : public ExperimentOf<OnlineParams, OnlineExperiment> {
 public:
  OnlineExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo online_demo();

}  // namespace klab::alignment
