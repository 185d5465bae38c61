// Reward tilting of a Gaussian mixture, exact: with the quadratic reward
//     r(x) = −(a/2) ‖x − c‖²,
// the tilted target p*(x) ∝ p(x) exp(r(x)/β) is again a Gaussian mixture (completing the square):
//     Σ'_k = (Σ_k⁻¹ + (a/β) I)⁻¹,  μ'_k = Σ'_k (Σ_k⁻¹ μ_k + (a/β) c),
//     w'_k ∝ w_k N(c; μ_k, Σ_k + (β/a) I).
// Its density is drawn and the samplers' KL is measured against it (diffusion.tsmc).
#pragma once
#include "core/portable.hpp"
#include "diffusion/mixture2d.hpp"

namespace klab::diffusion {

struct QuadraticReward {
  double cx = 0.0, cy = 2.0;  // centre c
  double a = 1.0;             // curvature (> 0)
  KLAB_HD double operator()(double x, double y) const { return -0.5 * a * ((x - cx) * (x - cx) + (y - cy) * (y - cy)); }
};

Mixture tilted_mixture(const Mixture& m, const QuadraticReward& r, double beta);

}  // namespace klab::diffusion
