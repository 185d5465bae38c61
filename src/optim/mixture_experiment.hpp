// optim.mixture: the weights of a mixture over a fixed dictionary estimated from n samples by
// entropic SMD, projected Euclidean SMD on the truncated simplex, batch EM, and (categorical
// targets) the frequency and add-one estimators; KL(p‖p̂_n) and the ℓ₂ error against n.
// Algorithms and equations: mixture.hpp. Paper: Ahmadypour, Javidi, Koushanfar, arXiv:2605.24929.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "optim/mixture.hpp"

namespace klab::optim {

struct MixtureParams {
  std::vector<std::string> methods;  // estimator ids, in series order
  Dictionary target = Dictionary::Categorical;
  int components = 10;        // M
  int zeros = 3;              // categorical: categories with p_i = 0 (the last ones)
  double width = 0.05;        // bumps: σ
  long long samples = 10000;  // n
  double entropic_step = 1.0; // c of smd_entropic: η_t = c/(t + 1 + c)
  double euclid_step = 1.0;   // η₀ of smd_euclidean: η_t = η₀/(t + 1)
  double floor = 0.05;        // smd_euclidean: the lower bound δ = floor/M
  int em_max_sweeps = 200;
};

const std::vector<std::string>& mixture_method_ids();  // "smd_entropic", "smd_euclidean", "em", "frequency", "laplace"

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

  MixtureModel model() const;
  // Run `run` again, keeping every method's weights at the layout's checkpoints.
  MixturePaths paths(uint64_t seed, uint32_t run) const;
};

DemoInfo mixture_demo();

}  // namespace klab::optim
