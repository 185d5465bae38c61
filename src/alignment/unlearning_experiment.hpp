// alignment.unlearning: gradient ascent, NPO and SimNPO forgetting part of the data a policy was
// fitted to, in the same toy world.
//
// Setup per run: n responses per prompt are drawn from π_data = π*_1 (the world's behaviour
// policy); the prompts of a random `forget_fraction` form the forget set D_f, the rest the retain
// set D_r. The original model π_0 is the regularised maximum-likelihood fit to D_f ∪ D_r
// (tabular: Dirichlet-MAP counts; log-linear: Newton on NLL + (10⁻³/2)‖θ - θ_ref‖²) and the
// oracle π_retrain the same fit to D_r only. Unlearning starts from π_0 and minimises
//   GA      E_{D_f}[ln π(y|x)]                                          (gradient ascent on the NLL)
//   NPO     (2/β) E_{D_f}[ln(1 + (π(y|x)/π_0(y|x))^β)]                  (Zhang et al. 2024, eq. 3)
//   SimNPO  -(2/β) E_{D_f}[ln σ(-(β/|y|) ln π(y|x) - γ)]                 (Fan et al. 2024, eq. 4)
// plus optionally λ_r·E_{D_r}[-ln π(y|x)] (the retain loss of NPO+RT). NPO's gradient is GA's times
// w = 2(π/π_0)^β/(1 + (π/π_0)^β), which vanishes as the forget likelihood falls: collapse is
// exponentially slower than under GA.
// Metrics: forget log-likelihood, utility (retain log-likelihood minus π_0's), KL(π_retrain‖π) on the
// forget prompts (distance to the oracle) and KL(π_0‖π) on the retain prompts (drift).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "alignment/optimizer.hpp"
#include "alignment/policy.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

enum class UnlearnMethod { GradientAscent, Npo, SimNpo };

struct UnlearnParams : WorldParams {
  std::vector<std::string> methods;
  PolicyClass policy = PolicyClass::LogLinear;
  long long samples = 20;
  double forget_fraction = 0.25;
  double npo_beta = 0.5;
  double simnpo_beta = 2.5, simnpo_gamma = 0.0;
  double retain_weight = 0.0;
  long long steps = 300;
  OptimizerKind optimizer = OptimizerKind::GradientDescent;
  double lr = 0.5;
};

// A sample (x, y) of the SFT data.
struct Sample {
  int x, y;
};

struct UnlearnConfig {
  double npo_beta = 0.5, simnpo_beta = 2.5, simnpo_gamma = 0.0, retain_weight = 0.0;
};

// Unlearning loss on the logits (P × K) and its gradient; `logp0` is the original model π_0.
double unlearning_loss(UnlearnMethod m, const UnlearnConfig& c, const World& world, const std::vector<Sample>& forget,
                       const std::vector<Sample>& retain, const MatrixXd& logp, const MatrixXd& logp0, MatrixXd* grad_logits);

class UnlearnTrainer {
 public:
  UnlearnTrainer(const UnlearnParams& p, uint64_t seed, uint32_t run);
  void step();
  long long steps_done() const { return steps_; }
  const World& world() const { return world_; }
  size_t size() const { return runs_.size(); }
  const MatrixXd& logp(size_t i) const { return runs_[i].logp; }
  const MatrixXd& original() const { return logp0_; }
  const MatrixXd& oracle() const { return oracle_logp_; }
  const std::vector<Sample>& forget() const { return forget_; }
  // {forget ln-likelihood, utility, KL(oracle‖π) on forget prompts, KL(π_0‖π) on retain prompts}
  std::array<double, 4> metrics(size_t i) const;

 private:
  struct MethodRun {
    UnlearnMethod method;
    VectorXd params;
    Optimizer optimizer;
    MatrixXd logp;
  };
  VectorXd fit(const std::vector<Sample>& data) const;

  UnlearnParams p_;
  World world_;
  PolicySpace space_;
  std::vector<Sample> forget_, retain_;
  std::vector<bool> forget_prompt_;
  MatrixXd logp0_, oracle_logp_;
  double retain_logp0_ = 0.0;
  UnlearnConfig config_;
  std::vector<MethodRun> runs_;
  long long steps_ = 0;
};

class UnlearnExperiment final : public ExperimentOf<UnlearnParams, UnlearnExperiment> {
 public:
  UnlearnExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo unlearning_demo();

}  // namespace klab::alignment
