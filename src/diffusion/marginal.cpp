#include "diffusion/marginal.hpp"

#include <cmath>

namespace klab::diffusion {

namespace {

Term term(double w, double mx, double my, double sxx, double sxy, double syy) {
  const double det = sxx * syy - sxy * sxy;
  return Term{mx, my, syy / det, -sxy / det, sxx / det, math::log(w) - 0.5 * math::log(det) - math::log(2.0 * kPi)};
}

}  // namespace

Marginal marginal_at(const Mixture& m, const NoiseSchedule& s, double t) { return marginal_of(m, s.alpha(t), s.sigma(t)); }

Marginal marginal_of(const Mixture& m, double alpha, double sigma) {
  Marginal p;
  p.alpha = alpha;
  p.sigma = sigma;
  const double a = p.alpha, a2 = a * a, v = p.sigma * p.sigma;
  for (const Component& c : m.components)
    p.terms.push_back(term(c.weight, a * c.mx, a * c.my, a2 * c.sxx + v, a2 * c.sxy, a2 * c.syy + v));
  return p;
}

Marginal data_marginal(const Mixture& m) {
  Marginal p;
  for (const Component& c : m.components) p.terms.push_back(term(c.weight, c.mx, c.my, c.sxx, c.sxy, c.syy));
  return p;
}

Moments marginal_moments(const Mixture& m, const NoiseSchedule& s, double t) {
  // E x_t = α Σ w μ;  Cov x_t = α² (Σ_k w_k (Σ_k + μ_k μ_kᵀ) − μ̄ μ̄ᵀ) + σ² I
  const double a = s.alpha(t), v = s.sigma(t) * s.sigma(t);
  double mx = 0, my = 0, exx = 0, exy = 0, eyy = 0;
  for (const Component& c : m.components) {
    mx += c.weight * c.mx;
    my += c.weight * c.my;
    exx += c.weight * (c.sxx + c.mx * c.mx);
    exy += c.weight * (c.sxy + c.mx * c.my);
    eyy += c.weight * (c.syy + c.my * c.my);
  }
  return Moments{a * mx, a * my, a * a * (exx - mx * mx) + v, a * a * (exy - mx * my), a * a * (eyy - my * my) + v};
}

}  // namespace klab::diffusion
