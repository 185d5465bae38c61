#include "diffusion/mixture2d.hpp"

#include <algorithm>
#include <cmath>

#include "core/params.hpp"
#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

const std::vector<std::string>& preset_ids() {
  static const std::vector<std::string> ids{"ring", "checkerboard", "moons", "rare_mode"};
  return ids;
}

namespace {

Component isotropic(double w, double x, double y, double sd) { return Component{w, x, y, sd * sd, 0.0, sd * sd}; }

// A component elongated along direction angle θ: standard deviations `along` and `across`.
Component oriented(double w, double x, double y, double theta, double along, double across) {
  const double c = std::cos(theta), s = std::sin(theta), a = along * along, b = across * across;
  return Component{w, x, y, a * c * c + b * s * s, (a - b) * c * s, a * s * s + b * c * c};
}

}  // namespace

Mixture make_preset(Preset preset, double width) {
  Mixture m;
  switch (preset) {
    case Preset::Ring:
      for (int k = 0; k < 8; ++k) {
        const double a = 2.0 * kPi * k / 8.0;
        m.components.push_back(isotropic(1.0, 2.0 * std::cos(a), 2.0 * std::sin(a), width));
      }
      break;
    case Preset::Checkerboard:
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
          if ((i + j) % 2 != 0) continue;
          for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) m.components.push_back(isotropic(1.0, -2.0 + i + 0.25 + 0.5 * a, -2.0 + j + 0.25 + 0.5 * b, width));
        }
      break;
    case Preset::Moons:
      // Upper moon: the half circle of radius 1.5 about (−0.75, −0.4) for angles in [0, π]; lower
      // moon: about (0.75, 0.4) for angles in [π, 2π]; 8 components per moon, elongated along the arc.
      for (int moon = 0; moon < 2; ++moon)
        for (int k = 0; k < 8; ++k) {
          const double a = kPi * (k + 0.5) / 8.0 + moon * kPi;
          const double cx = moon == 0 ? -0.75 : 0.75, cy = moon == 0 ? -0.4 : 0.4;
          m.components.push_back(oriented(1.0, cx + 1.5 * std::cos(a), cy + 1.5 * std::sin(a), a + 0.5 * kPi, 0.3, width));
        }
      break;
    case Preset::RareMode:
      m.components.push_back(Component{0.49, -1.5, -0.5, 0.25, 0.12, 0.16});
      m.components.push_back(Component{0.49, 1.5, -0.5, 0.25, -0.12, 0.16});
      m.components.push_back(isotropic(0.02, 0.0, 2.0, width));
      break;
  }
  normalise(m);
  return m;
}

Status check_mixture(const Mixture& m) {
  const size_t k = m.components.size();
  if (k < 1 || k > static_cast<size_t>(kMaxComponents))
    return Status::error("the number of components must be in [1, " + std::to_string(kMaxComponents) + "] (got " + std::to_string(k) + ")");
  for (size_t i = 0; i < k; ++i) {
    const Component& c = m.components[i];
    const std::string who = "component " + std::to_string(i + 1) + ", ";
    auto got = [](double v) { return " (got " + format_real(v) + ")"; };
    if (!(c.weight > 0.0) || !std::isfinite(c.weight)) return Status::error(who + "field 'w' (weight) must be a positive finite number" + got(c.weight));
    if (!(std::fabs(c.mx) <= kMaxMean)) return Status::error(who + "field 'mx' must be in [-1000, 1000]" + got(c.mx));
    if (!(std::fabs(c.my) <= kMaxMean)) return Status::error(who + "field 'my' must be in [-1000, 1000]" + got(c.my));
    if (!(c.sxx >= kMinVariance && c.sxx <= kMaxVariance)) return Status::error(who + "field 'sxx' (variance of x) must be in [1e-06, 1e+06]" + got(c.sxx));
    if (!(c.syy >= kMinVariance && c.syy <= kMaxVariance)) return Status::error(who + "field 'syy' (variance of y) must be in [1e-06, 1e+06]" + got(c.syy));
    // Positive definite: det = sxx·syy − sxy² > 0, with a margin so that the Cholesky factor stays finite.
    if (!std::isfinite(c.sxy) || c.sxx * c.syy - c.sxy * c.sxy <= 1e-12 * c.sxx * c.syy)
      return Status::error(who + "field 'sxy' must keep the covariance positive definite: sxy² < sxx·syy, i.e. |sxy| < " +
                           format_real(std::sqrt(c.sxx * c.syy)) + got(c.sxy));
  }
  return {};
}

void normalise(Mixture& m) {
  double total = 0.0;
  for (const Component& c : m.components) total += c.weight;
  for (Component& c : m.components) c.weight /= total;
}

void sample_mixture(const Mixture& m, Rng& rng, double* x, double* y) {
  // Component by inversion of the cumulative weights (the weights are normalised).
  double u = rng.uniform();
  size_t k = 0;
  while (k + 1 < m.components.size() && u >= m.components[k].weight) u -= m.components[k++].weight;
  const Component& c = m.components[k];
  const double z1 = sample_normal(rng), z2 = sample_normal(rng);
  // Cholesky of Σ: L = [[a, 0], [b, d]], a = √sxx, b = sxy/a, d = √(syy − b²).
  const double a = std::sqrt(c.sxx), b = c.sxy / a, d = std::sqrt(c.syy - b * b);
  *x = c.mx + a * z1;
  *y = c.my + b * z1 + d * z2;
}

double log_density(const Mixture& m, double x, double y) {
  double gx, gy;
  return score(data_marginal(m), x, y, &gx, &gy);
}

Box bounding_box(const Mixture& m, double k) {
  Box b{1e300, -1e300, 1e300, -1e300};
  for (const Component& c : m.components) {
    const double rx = k * std::sqrt(c.sxx), ry = k * std::sqrt(c.syy);
    b.x0 = std::min(b.x0, c.mx - rx);
    b.x1 = std::max(b.x1, c.mx + rx);
    b.y0 = std::min(b.y0, c.my - ry);
    b.y1 = std::max(b.y1, c.my + ry);
  }
  return b;
}

}  // namespace klab::diffusion
