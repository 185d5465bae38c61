#include "diffusion/tilt.hpp"

#include <cmath>

#include "core/lab_math.hpp"

namespace klab::diffusion {

Mixture tilted_mixture(const Mixture& m, const QuadraticReward& r, double beta) {
  const double k = r.a / beta;  // precision added by the tilt
  Mixture t;
  std::vector<double> log_w;
  for (const Component& c : m.components) {
    const double det = c.sxx * c.syy - c.sxy * c.sxy;
    // Σ⁻¹ + kI, then its inverse Σ'.
    const double pxx = c.syy / det + k, pxy = -c.sxy / det, pyy = c.sxx / det + k, pdet = pxx * pyy - pxy * pxy;
    Component n;
    n.sxx = pyy / pdet, n.sxy = -pxy / pdet, n.syy = pxx / pdet;
    const double hx = (c.syy * c.mx - c.sxy * c.my) / det + k * r.cx, hy = (-c.sxy * c.mx + c.sxx * c.my) / det + k * r.cy;
    n.mx = n.sxx * hx + n.sxy * hy;
    n.my = n.sxy * hx + n.syy * hy;
    // log w + log N(c; μ, Σ + (1/k) I)
    const double vxx = c.sxx + 1.0 / k, vxy = c.sxy, vyy = c.syy + 1.0 / k, vdet = vxx * vyy - vxy * vxy;
    const double dx = r.cx - c.mx, dy = r.cy - c.my;
    log_w.push_back(math::log(c.weight) - 0.5 * math::log(vdet) - 0.5 * (vyy * dx * dx - 2.0 * vxy * dx * dy + vxx * dy * dy) / vdet);
    t.components.push_back(n);
  }
  double top = log_w[0];
  for (double v : log_w) top = std::max(top, v);
  for (size_t i = 0; i < log_w.size(); ++i) t.components[i].weight = math::exp(log_w[i] - top);
  normalise(t);
  return t;
}

}  // namespace klab::diffusion
