// Adam (Kingma & Ba 2015, Algorithm 1) one entry at a time, for learners that keep the moments
// beside their own state (blackbox RAP's rows, mdp.risk's value tables):
//   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  x ← x − η m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
// with β₂ = 0.999, ε = 10⁻⁸ and β₁ = 0.9 unless the caller sets it (mdp.risk's `learn_beta1`).
#pragma once
#include <cmath>

#include "core/lab_math.hpp"

namespace klab {

class AdamStep {
 public:
  static constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  // Step t (from 1): its bias corrections.
  explicit AdamStep(double t, double beta1 = kBeta1) : beta1_(beta1), c1_(1.0 - math::pow(beta1, t)), c2_(1.0 - math::pow(kBeta2, t)) {}
  // Entry x with gradient g and step size eta; m, v its moments.
  void apply(double& x, double& m, double& v, double g, double eta) const {
    m = beta1_ * m + (1.0 - beta1_) * g;
    v = kBeta2 * v + (1.0 - kBeta2) * g * g;
    x -= eta * (m / c1_) / (std::sqrt(v / c2_) + kEpsilon);
  }

 private:
  double beta1_, c1_, c2_;
};

}  // namespace klab
