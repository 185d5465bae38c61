// alignment.offline: DPO, IPO, KTO, SimPO, rDPO, DPO-Shift, the GPO family, RPO, WPO and
// reward-model RLHF trained side by side on the same preference data, against the exact
// KL-regularised optimum π*_β ∝ π_ref·exp(r*/β). Losses and papers: alignment/losses.hpp.
#pragma once
#include <string>
#include <vector>

#include "alignment/closed_form.hpp"
#include "alignment/losses.hpp"
#include "alignment/optimizer.hpp"
#include "alignment/policy.hpp"
#include "alignment/preferences.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

enum class DataMode { Finite, Population };
enum class SamplingMode { Reference, Uniform };

struct OfflineParams : WorldParams {
  std::vector<std::string> methods;
  PolicyClass policy = PolicyClass::Tabular;
  DataMode data = DataMode::Finite;
  PreferenceModel preference = PreferenceModel::BradleyTerry;
  SamplingMode sampling = SamplingMode::Reference;
  long long pairs = 400;
  double flip = 0.0;
  double beta = 0.5;
  long long steps = 2000;
  OptimizerKind optimizer = OptimizerKind::GradientDescent;
  double lr = 2.0;
  double kto_lambda_d = 1.0, kto_lambda_u = 1.0;
  double simpo_beta = 2.0, simpo_gamma = 0.5;
  double shift_lambda = 0.75;
  double rpo_eta = 0.5;
  double gpo_power = 1.5;
};

LossConfig loss_config(const OfflineParams& p);

// The stroke of method `id`'s curves: dashed for the losses that equal DPO by construction
// (gpo_logistic; rdpo at ε = 0), so that DPO's curve shows through where they lie on it.
plot::Dash offline_dash(const std::string& id);

// All selected methods trained on run r's data, one full-batch step at a time. The batch runs,
// the live view and the claim tests all drive this one class.
class OfflineTrainer {
 public:
  OfflineTrainer(const OfflineParams& p, uint64_t seed, uint32_t run);
  void step();
  long long steps_done() const { return steps_; }
  const World& world() const { return world_; }
  const PreferenceData& data() const { return data_; }
  const MatrixXd& optimum() const { return opt_logp_; }  // ln π*_β
  size_t size() const { return runs_.size(); }
  Method method(size_t i) const { return runs_[i].method; }
  const MatrixXd& logp(size_t i) const { return runs_[i].logp; }
  PolicyStats stats(size_t i) const { return policy_stats(world_, runs_[i].logp, opt_logp_); }
  double logp_delta(size_t i, bool chosen) const { return mean_logp_delta(data_, runs_[i].logp, world_.ref_logp, chosen); }
  const LossConfig& config() const { return config_; }

 private:
  struct MethodRun {
    Method method;
    VectorXd params;  // policy parameters (RLHF: reward-model parameters)
    Optimizer optimizer;
    MatrixXd logp;
  };
  void refresh(MethodRun& m) const;

  World world_;
  PolicySpace space_;
  PreferenceData data_;
  MatrixXd opt_logp_;
  LossConfig config_;
  std::vector<MethodRun> runs_;
  long long steps_ = 0;
};

// Gradient-descent flow on the simplex of prompt x (3 responses, tabular class): with the other
// prompts at `logp`, row x set to ln π, dπ/dt = (diag π - ππᵀ)(-∂L/∂z_x). Zero at the loss's
// stationary points (π*_β for DPO on population data).
Eigen::Vector3d simplex_flow(Method m, const LossConfig& c, const World& world, const PreferenceData& data,
                             const MatrixXd& logp, int x, const Eigen::Vector3d& pi);

class OfflineExperiment final : public ExperimentOf<OfflineParams, OfflineExperiment> {
 public:
  OfflineExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // Checkpoint steps of the curves.
  std::vector<long long> checkpoints() const;
};

// Fills record slots for checkpoint k of every method (curves) and, at the last one, the finals.
void record_offline(const OfflineTrainer& t, size_t k, bool final, RunRecord& out);

DemoInfo offline_demo();

}  // namespace klab::alignment
