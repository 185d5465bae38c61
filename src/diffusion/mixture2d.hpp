// The diffusion chapter's world: a 2-D Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k) with full
// 2×2 covariances, its presets, exact sampling and its density. Nothing is trained: under the VP
// or VE forward process every marginal p_t is again a Gaussian mixture (marginal.hpp), so the
// score ∇log p_t is exact.
#pragma once
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/status.hpp"

namespace klab::diffusion {

constexpr int kMaxComponents = 64;
// Limits check_mixture enforces on an edited mixture: means in [−1000, 1000]², variances (sxx, syy)
// in [10⁻⁶, 10⁶] (standard deviations 10⁻³ to 10³).
constexpr double kMaxMean = 1000.0, kMinVariance = 1e-6, kMaxVariance = 1e6;

// One component: weight w, mean (mx, my), covariance [[sxx, sxy], [sxy, syy]] (positive definite).
struct Component {
  double weight = 1.0;
  double mx = 0.0, my = 0.0;
  double sxx = 1.0, sxy = 0.0, syy = 1.0;
};

struct Mixture {
  std::vector<Component> components;  // (K), weights sum to 1 after normalise()
};

enum class Preset { Ring, Checkerboard, Moons, RareMode };
const std::vector<std::string>& preset_ids();  // "ring", "checkerboard", "moons", "rare_mode"

// Ring: 8 Gaussians of standard deviation `width` on the circle of radius 2.
// Checkerboard: the 8 dark cells of a 4×4 board on [−2, 2]², each filled by 2×2 components.
// Moons: two interleaved half circles, each covered by 8 components elongated along the arc.
// RareMode: two broad correlated modes (weight 0.49 each) and a sharp rare one (0.02) above them.
Mixture make_preset(Preset preset, double width);

// Weights positive and finite, means and variances within the limits above, covariances positive
// definite, 1 ≤ K ≤ kMaxComponents. Errors name the component (from 1), the field (as the mixture
// text of mixture_text.hpp names it: w, mx, my, sxx, sxy, syy), its range and the value.
// normalise() divides the weights by their sum.
Status check_mixture(const Mixture& m);
void normalise(Mixture& m);

// Exact draws: a component by its weight, then μ + L z with Σ = L Lᵀ (Cholesky), z ~ N(0, I).
void sample_mixture(const Mixture& m, Rng& rng, double* x, double* y);

// log p(x, y), by log-sum-exp over the components.
double log_density(const Mixture& m, double x, double y);

// The smallest axis-aligned box holding every component's mean ± `k` standard deviations.
struct Box {
  double x0, x1, y0, y1;
};
Box bounding_box(const Mixture& m, double k);

}  // namespace klab::diffusion
