// optim.mixture: the weights of a mixture over a fixed dictionary estimated from n samples by
// entropic SMD (its last iterate, or its iterates' polynomial-decay average), projected Euclidean SMD
// on the truncated simplex, batch EM, and (categorical targets) the frequency and add-one estimators;
// KL(p‖p̂_n) and the ℓ₂ error against n.
// Algorithms and equations: mixture.hpp. Paper: Ahmadypour, Javidi, Koushanfar, arXiv:2605.24929.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "optim/mixture.hpp"
#include "optim/mixture_lazy.hpp"

namespace klab::optim {

// How entropic SMD (and its average) steps: every component (dense, mixture.hpp), or w = s·v with only the
// support of f(x) touched (lazy, mixture_lazy.hpp; categorical target only, where the support is one index).
enum class SmdStep { Dense, Lazy };

struct MixtureParams {
  std::vector<std::string> methods;  // estimator ids, in series order
  Dictionary target = Dictionary::Categorical;
  int components = 3;         // M (categorical, bumps)
  int side = 10;              // bumps2d: s, M = s²
  int zeros = 1;              // categorical: categories with p_i = 0 (the last ones)
  double width = 0.05;        // bumps: σ
  long long samples = 10000;  // n
  double entropic_step = 1.0;   // c of smd_entropic(_avg): η_t = c/(t + 1 + c + t₀)
  double entropic_delay = 0.0;  // t₀ of smd_entropic(_avg) (0: η_t = c/(t + 1 + c))
  double average_decay = 3.0;   // ρ of smd_entropic_avg: w̄_t = w̄_{t−1} + (ρ + 1)/(t + ρ) (w_t − w̄_{t−1})
  double euclid_step = 1.0;   // η₀ of smd_euclidean: η_t = η₀/(t + 1)
  double floor = 0.05;        // smd_euclidean: the lower bound δ = floor/M
  int em_max_sweeps = 200;
  double start_1 = 1.0, start_2 = 1.0;  // w₀ of the SMD methods ∝ (start_1, start_2, 1, …, 1)
  SmdStep smd_step = SmdStep::Dense;     // smd_entropic(_avg): dense O(M) or lazy O(support) steps
};

const std::vector<std::string>& mixture_method_ids();  // "smd_euclidean", "em", "frequency", "laplace", "smd_entropic", "smd_entropic_avg"

// The dictionary and target the parameters describe; M = components, or side² for bumps2d.
int mixture_model_size(const MixtureParams& p);
MixtureModel mixture_model(const MixtureParams& p);

// The classical asymptotic KL risk of the MLE drawn on the KL plots (the Runs figure and the live view):
// (d − 1)/(2n) with d free weights. Categorical: d = M₊, the categories with p_i > 0 (Braess & Sauer
// 2004), at every n. Bumps (1-D, 2-D): d = M, the E KL = (M − 1)/(2n) of a regular (M − 1)-parameter
// model (Wilks), drawn for n ≥ M only (its asymptotic regime); weights near 0 leave fewer free, so the
// MLE can sit below it. A reference, not the paper's bound (its constants are not known here).
plot::Line mixture_kl_rate(const MixtureModel& m, const std::vector<double>& n);

// Bumps2d: p_w on cells² cell centres of [−3σ, 1 + 3σ]² as a heat map (density_on_grid; rows in x₂).
plot::Heatmap mixture_density_map(const MixtureModel& m, const std::vector<double>& w, int cells);
// A plot of such a map on axes x₁, x₂ (equal aspect), coloured from 0 to vmax (empty map: empty axes).
plot::Plot mixture_map_plot(const std::string& title, const plot::Heatmap& map, double vmax);

// w_0 of the SMD methods: ∝ (start_1, start_2, 1, …, 1) over the M components.
std::vector<double> mixture_start(const MixtureParams& p, int components);

// A method's estimate w at checkpoint k of the layout (last: n = samples) into a run's record, in
// series slot s: KL (left out when infinite), ℓ₂, the KL = ∞ flag, and at the end the work `evals`.
// The CPU cursor and the CUDA path (mixture_cuda.cpp) both record through this.
void record_mixture_estimate(const MixtureModel& m, size_t s, size_t k, bool last, const std::vector<double>& w, double evals, RunRecord& out);

// In the order of mixture_method_ids() (entropic SMD, and its average, last: the estimators every target runs).
enum class MixtureMethod { SmdEuclidean, Em, Frequency, Laplace, SmdEntropic, SmdEntropicAvg };

// One run of the estimators: n samples drawn once (stream (seed, run, 0)) and fed to every method
// in lockstep (common random numbers). The Experiment's runs and the live view both step this.
class MixtureRun {
 public:
  MixtureRun(const MixtureParams& p, uint64_t seed, uint32_t run);
  void step();                                // one sample, every method
  long long samples_seen() const { return t_; }
  size_t methods() const { return methods_.size(); }
  const MixtureModel& model() const { return model_; }
  // Method s's estimate from the samples so far into w (M); returns its work in component
  // evaluations f_i(x) per sample (EM: its sweeps over the data).
  double estimate(size_t s, std::vector<double>& w) const;
  const std::vector<double>& start() const { return start_; }  // w_0 of the SMD methods

 private:
  MixtureParams p_;
  MixtureModel model_;
  AliasTable alias_;
  Rng rng_;
  std::vector<MixtureMethod> methods_;
  std::vector<double> start_;                 // (M) w_0
  std::vector<std::vector<double>> weights_;   // (methods, M) SMD iterates of the dense steps (lazy, batch estimators: empty)
  std::vector<std::vector<double>> averages_;  // (methods, M) smd_entropic_avg's dense average w̄_t (others: empty)
  std::vector<LazyEntropic> lazy_;             // (methods) smd_step=lazy: entropic SMD's iterate (and average); others empty
  bool dense_f_ = true;                        // some method needs the dense f(x) (M values)
  std::vector<double> f_, counts_;            // (M) f(x_t) (only if dense_f_), category counts
  std::vector<MixturePoint> samples_;         // (t) all samples so far (EM only)
  bool keep_samples_ = false;
  long long t_ = 0;
};

// The weights of each method at the checkpoints of one run (the simplex view's paths).
struct MixturePaths {
  std::vector<double> n;                              // checkpoints
  std::vector<std::vector<std::vector<double>>> w;    // (methods, checkpoints, M)
};

class MixtureExperiment final : public ExperimentOf<MixtureParams, MixtureExperiment> {
 public:
  MixtureExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (mixture_cuda.cpp): smd_entropic and smd_euclidean on every target.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;

  MixtureModel model() const;
  // Run `run` again, keeping every method's weights at the layout's checkpoints.
  MixturePaths paths(uint64_t seed, uint32_t run) const;
};

DemoInfo mixture_demo();

}  // namespace klab::optim
