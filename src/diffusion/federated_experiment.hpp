// diffusion.federated: clients each hold an exact-score diffusion model of a different block of a 2-D
// mixture; the server samples their mixture by annealed ULA on the composed score from their messages
// (federated.hpp), without DP and at a grid of privacy budgets ε, against centralised sampling of the
// pooled model (DPM-Solver++ 2M) and exact draws (the noise floor).
// Paper: Hahn, Lee, "Diffusion Federated Dataset", NeurIPS 2025 (reading of the abstract).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "diffusion/federated.hpp"
#include "diffusion/metrics.hpp"

namespace klab::diffusion {

struct FederatedParams {
  Preset preset = Preset::Ring;
  double width = 0.1;
  std::string mixture;  // the edited mixture (mixture_text.hpp); empty: the preset
  int clients = 3;
  long long particles = 500;
  int levels = 100, steps = 4;  // annealed ULA: L levels × M steps
  double snr = 0.15;
  std::vector<double> epsilons{1, 2, 4, 8, 16, 32, 64};
  double dp_delta = 1e-5, clip = 2.0;
  int centralised_nfe = 20;
  int projections = 32;
  double mmd_length = 0.5;
};

const std::vector<std::string>& federated_series_ids();  // "federated", "centralised", "exact"
enum class FederatedSeries { Federated, Centralised, Exact };
enum FederatedMetric { kFedMmd, kFedW2, kFedMetricCount };
// The privacy accountant's curves over the ε grid (federated series only; NaN for the others), after
// mmd and w2: eps_total (RDP), eps_basic, eps_advanced per client at δ = dp_delta.
enum FederatedPrivacyCurve { kFedEpsTotal = kFedMetricCount, kFedEpsBasic, kFedEpsAdvanced, kFedCurveCount };

// The score messages one client sends in a pass (n points × L levels × M steps) and their account at ε.
double federated_messages(const FederatedParams& p);
PrivacyAccount federated_account(const FederatedParams& p, double epsilon);

// One run: the exact sets, centralised sampling and federated sampling without DP first, then the
// privacy budgets ε in order, one noise level of the annealed ULA pass per step() (L steps a budget).
class FederatedRun {
 public:
  FederatedRun(const FederatedParams& p, uint64_t seed, uint32_t run);
  ~FederatedRun();
  FederatedRun(const FederatedRun&) = delete;  // the pass in progress refers to clients_
  FederatedRun& operator=(const FederatedRun&) = delete;
  bool done() const { return next_ >= p_.epsilons.size(); }
  size_t next() const { return next_; }  // budgets done
  size_t level() const;                  // noise levels done in budget next()'s pass
  void step();
  const Particles* in_progress() const;  // the set of budget next()'s pass, mid-way; null between passes
  double level_time() const;             // t of the last level done in that pass (t_end between passes)
  double value(FederatedSeries s, FederatedMetric m) const { return values_[static_cast<size_t>(s)][m]; }  // without DP
  double dp_value(size_t k, FederatedMetric m) const { return dp_values_[k][m]; }                         // federated at ε_k
  const Particles& samples(FederatedSeries s) const { return samples_[static_cast<size_t>(s)]; }
  const Particles& dp_samples() const { return dp_samples_; }  // at the last ε run
  const Mixture& data() const { return data_; }
  const Clients& clients() const { return clients_; }
  double queries() const { return static_cast<double>(p_.levels) * p_.steps; }  // per particle and client

 private:
  Particles federated(double epsilon, uint32_t stream) const;
  std::vector<double> measure(const Particles& a) const;

  struct Pass;  // the ε pass in progress: its set, its RNG and the ULA schedule

  FederatedParams p_;
  uint64_t seed_;
  uint32_t run_;
  std::unique_ptr<Pass> pass_;
  Mixture data_;
  Clients clients_;
  NoiseSchedule schedule_;
  MmdReference mmd_;
  Particles target_;  // the exact set sliced W2 compares against
  size_t next_ = 0;
  std::vector<double> values_[3];
  std::vector<std::vector<double>> dp_values_;
  Particles samples_[3], dp_samples_;
};

class FederatedExperiment final : public ExperimentOf<FederatedParams, FederatedExperiment> {
 public:
  FederatedExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo federated_demo();

}  // namespace klab::diffusion
