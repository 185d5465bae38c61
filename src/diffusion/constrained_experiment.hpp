// diffusion.constrained: constrained alignment and composition of exact-score diffusion models on 2-D
// mixtures by Lagrangian primal-dual training of the tilt weights (constrained.hpp), against the exact
// constrained optimum (λ* by dual search) and equal-weight composition.
// Paper: Khalafi, Hounie, Ding, Ribeiro, NeurIPS 2025.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "diffusion/constrained.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/noise_schedule.hpp"

namespace klab::diffusion {

constexpr int kMaxConstraints = 3;

struct ConstrainedParams {
  ConstrainedKind problem = ConstrainedKind::Composition;
  Preset preset = Preset::Ring;
  double width = 0.3;
  std::string mixture;  // the edited mixture (mixture_text.hpp); empty: the preset
  // alignment: r_i(x) = −(a/2)‖x − c_i‖², E r_i ≥ b_i
  double reward1_x = 2.0, reward1_y = 0.0, threshold1 = -1.5;
  double reward2_x = 0.0, reward2_y = 2.0, threshold2 = -2.5;
  double curvature = 1.0;
  // composition: the preset's components used as the pretrained models
  std::vector<double> experts{0, 3, 5};
  int iterations = 150;
  long long particles = 400;  // samples of the model per iteration
  int nfe = 20;               // DPM-Solver++ 2M steps per sample
  double primal_rate = 1.0, dual_rate = 0.2;  // in units of the curvature tr Ĉov(T)
  double mmd_length = 0.5;
};

ConstrainedProblem constrained_problem(const ConstrainedParams& p);

const std::vector<std::string>& constrained_series_ids();  // "primal_dual", "equal_weights", "exact"
enum class ConstrainedSeries { PrimalDual, EqualWeights, Exact };

// One run: the exact optimum and the equal-weight model first, then one primal-dual iteration per
// step(), then (after the last) the output, the averaged iterate over the second half of the
// iterations, with its samples and their MMD to p*.
class ConstrainedRun {
 public:
  ConstrainedRun(const ConstrainedParams& p, uint64_t seed, uint32_t run);
  bool done() const { return finished_; }
  int iteration() const { return iteration_; }
  void step();

  const ConstrainedProblem& problem() const { return problem_; }
  const std::vector<double>& multipliers(ConstrainedSeries s) const;  // primal_dual: current λ (once done: λ̄)
  const std::vector<double>& weights(ConstrainedSeries s) const;      // θ of the series' model
  double optimum() const { return optimum_; }                         // exact objective at λ*
  const Mixture& optimal_model() const { return optimal_; }
  // Exact values of a series' current model.
  ConstrainedValues values(ConstrainedSeries s) const;
  double violation(ConstrainedSeries s) const;
  // Per-iteration trace of the trained model: λ_i, and its objective and violation (exact at θ).
  const std::vector<std::vector<double>>& lambda_trace() const { return lambda_trace_; }
  const std::vector<double>& objective_trace() const { return objective_trace_; }
  const std::vector<double>& violation_trace() const { return violation_trace_; }
  const Particles& samples(ConstrainedSeries s) const { return samples_[static_cast<size_t>(s)]; }
  double mmd(ConstrainedSeries s) const { return mmd_[static_cast<size_t>(s)]; }  // NaN until done (primal_dual)
  double work_per_iteration() const { return static_cast<double>(p_.particles) * p_.nfe; }
  // The primal_dual samples' first `count` particles at every step of DPM-Solver++ 2M (the same
  // noise and model: their last states are those samples; the live view's film). count ≤ particles.
  Paths paths(size_t count) const;

 private:
  Particles draw(const std::vector<double>& theta, uint32_t stream) const;

  ConstrainedParams p_;
  uint64_t seed_;
  uint32_t run_;
  ConstrainedProblem problem_;
  NoiseSchedule schedule_;
  std::vector<double> lambda_star_, equal_, theta_, lambda_;
  double optimum_ = 0.0;
  Mixture optimal_;
  MmdReference mmd_ref_;
  int iteration_ = 0;
  bool finished_ = false;
  std::vector<std::vector<double>> lambda_trace_, theta_trace_;
  std::vector<double> objective_trace_, violation_trace_;
  Particles samples_[3];
  std::vector<double> drawn_theta_;  // the model and stream of the primal_dual samples
  uint32_t drawn_stream_ = 0;
  double mmd_[3];
};

class ConstrainedExperiment final : public ExperimentOf<ConstrainedParams, ConstrainedExperiment> {
 public:
  ConstrainedExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo constrained_demo();

}  // namespace klab::diffusion
