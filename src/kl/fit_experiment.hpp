// kl.forward_reverse: one Gaussian fitted to a mixture by gradient descent on KL(p‖q) and KL(q‖p).
#pragma once
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "kl/gaussian_fit.hpp"

namespace klab::kl {

enum class InitMode { Random, Fixed };

struct FitParams {
  std::vector<double> means, sds, weights;  // the mixture p
  long long steps = 500;
  double learning_rate = 0.1;
  Estimator estimator = Estimator::Quadrature;
  long long mc_samples = 64;
  InitMode init = InitMode::Random;
  double mu0 = 0.0, sd0 = 1.0;  // the fixed initial q
};

// The live state of both fits, stepped one gradient step at a time (the GUI animates it; the
// batch run loops it), so the picture on screen is exactly run r of `klab run`.
struct FitPair {
  Mixture p;
  double neg_entropy_p;  // E_p[ln p], for KL(p‖q)
  Gaussian forward, reverse;
  Rng rng_forward, rng_reverse;
  long long step = 0;
};

class FitExperiment final : public ExperimentOf<FitParams, FitExperiment> {
 public:
  FitExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  Mixture mixture() const;
  // The initial q of run r (random inits draw from Rng(seed, r, 0)).
  Gaussian initial(uint64_t seed, uint32_t run) const;
  FitPair start(uint64_t seed, uint32_t run) const;
  void step(FitPair& fit) const;
  double kl_forward(const FitPair& fit, const Gaussian& q) const { return kl_p_q(fit.p, fit.neg_entropy_p, q); }
  double kl_reverse(const FitPair& fit, const Gaussian& q) const { return kl_q_p(fit.p, q); }
  // The KL landscape over (μ, σ) (σ on a log grid), as log10 of the divergence, for the view.
  plot::Heatmap landscape(Direction direction, int nx, int ny) const;
  // The σ range of the landscape.
  void sd_range(double* lo, double* hi) const;
  // Range of μ shown in plots and used for random inits and histograms.
  void mu_range(double* lo, double* hi) const;
};

DemoInfo forward_reverse_demo();

}  // namespace klab::kl
