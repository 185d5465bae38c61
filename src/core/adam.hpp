// Adam (Kingma & Ba 2015, Algorithm 1) one entry at a time, for learners that keep the moments
// beside their own state (blackbox RAP's rows, mdp.risk's value tables):
//   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  x ← x − η m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
// with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸.
#pragma once
#include <cmath>

#include "core/lab_math.hpp"

namespace klab {

class AdamStep {
 public:
  static constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  // Step t (from 1): its bias corrections.
  explicit AdamStep(double t) : c1_(1.0 - math::pow(kBeta1, t)), c2_(1.0 - math::pow(kBeta2, t)) {}
  // Entry x with gradient g and step size eta; m, v its moments.
  void apply(double& x, double& m, double& v, double g, double eta) const {
    m = kBeta1 * m + (1.0 - kBeta1) * g;
    v = kBeta2 * v + (1.0 - kBeta2) * g * g;
    x -= eta * (m / c1_) / (std::sqrt(v / c2_) + kEpsilon);
  }

 private:
  double c1_, c2_;
};

}  // namespace klab
