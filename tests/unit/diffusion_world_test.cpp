// The diffusion chapter's world (src/diffusion/mixture2d, noise_schedule, marginal) against known
// answers, and claim 1 of issue 13: the closed-form score matches finite differences of log p_t,
// and the VP marginal's moments match Monte Carlo of the forward process.
#include <doctest/doctest.h>

#include <cmath>

#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"

namespace {

using namespace klab::diffusion;

const Preset kPresets[] = {Preset::Ring, Preset::Checkerboard, Preset::Moons, Preset::RareMode};

NoiseSchedule schedule(Process p) {
  NoiseSchedule s;
  s.process = p;
  return s;
}

}  // namespace

TEST_CASE("diffusion claim 1: the exact score of p_t equals central differences of log p_t") {
  klab::Rng rng(11, 0, 0);
  for (Process process : {Process::Vp, Process::Ve})
    for (Preset preset : kPresets) {
      const Mixture m = make_preset(preset, 0.1);
      const NoiseSchedule s = schedule(process);
      for (double t : {1e-3, 0.02, 0.1, 0.4, 1.0}) {
        const Marginal p = marginal_at(m, s, t);
        for (int k = 0; k < 20; ++k) {
          // Points drawn from p_t itself (where the score matters), by the forward process.
          double x0, y0;
          sample_mixture(m, rng, &x0, &y0);
          const double x = p.alpha * x0 + p.sigma * klab::sample_normal(rng), y = p.alpha * y0 + p.sigma * klab::sample_normal(rng);
          double gx, gy, ux, uy;
          score(p, x, y, &gx, &gy);
          const double h = 1e-5 * std::max(1.0, p.sigma);
          const double fx = (score(p, x + h, y, &ux, &uy) - score(p, x - h, y, &ux, &uy)) / (2 * h);
          const double fy = (score(p, x, y + h, &ux, &uy) - score(p, x, y - h, &ux, &uy)) / (2 * h);
          const double scale = std::max(1.0, std::hypot(gx, gy));
          INFO("preset " << static_cast<int>(preset) << " t " << t << " at (" << x << ", " << y << ")");
          CHECK(std::fabs(gx - fx) < 2e-5 * scale);
          CHECK(std::fabs(gy - fy) < 2e-5 * scale);
        }
      }
    }
}

TEST_CASE("diffusion claim 1: the VP marginal's moments match Monte Carlo of the forward process") {
  // x_t = α_t x_0 + σ_t ε with x_0 drawn exactly: mean and covariance within 5 standard errors.
  constexpr int kDraws = 40000;
  for (Preset preset : kPresets) {
    const Mixture m = make_preset(preset, 0.1);
    const NoiseSchedule s = schedule(Process::Vp);
    for (double t : {0.05, 0.3, 1.0}) {
      const Moments exact = marginal_moments(m, s, t);
      klab::Rng rng(5, static_cast<uint32_t>(preset), static_cast<uint32_t>(t * 100));
      const double a = s.alpha(t), sd = s.sigma(t);
      double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
      double cxxxx = 0;  // for the covariance's standard error: E (x − μ)⁴
      std::vector<double> xs(kDraws), ys(kDraws);
      for (int i = 0; i < kDraws; ++i) {
        double x0, y0;
        sample_mixture(m, rng, &x0, &y0);
        xs[i] = a * x0 + sd * klab::sample_normal(rng);
        ys[i] = a * y0 + sd * klab::sample_normal(rng);
        sx += xs[i];
        sy += ys[i];
      }
      const double mx = sx / kDraws, my = sy / kDraws;
      for (int i = 0; i < kDraws; ++i) {
        const double dx = xs[i] - mx, dy = ys[i] - my;
        sxx += dx * dx, sxy += dx * dy, syy += dy * dy, cxxxx += dx * dx * dx * dx;
      }
      sxx /= kDraws, sxy /= kDraws, syy /= kDraws;
      const double se_mean = std::sqrt(std::max(exact.cxx, exact.cyy) / kDraws);
      const double se_cov = std::sqrt(cxxxx / kDraws / kDraws) + std::sqrt(exact.cxx * exact.cyy / kDraws);
      INFO("preset " << static_cast<int>(preset) << " t " << t);
      CHECK(std::fabs(mx - exact.mx) < 5 * se_mean);
      CHECK(std::fabs(my - exact.my) < 5 * se_mean);
      CHECK(std::fabs(sxx - exact.cxx) < 5 * se_cov);
      CHECK(std::fabs(sxy - exact.cxy) < 5 * se_cov);
      CHECK(std::fabs(syy - exact.cyy) < 5 * se_cov);
    }
  }
}

TEST_CASE("diffusion world: schedules invert λ, Tweedie on one Gaussian, presets are valid") {
  for (Process process : {Process::Vp, Process::Ve}) {
    const NoiseSchedule s = schedule(process);
    for (double t : {1e-3, 0.01, 0.2, 0.7, 1.0}) CHECK(s.t_of_lambda(s.lambda(t)) == doctest::Approx(t).epsilon(1e-10));
  }
  // One Gaussian N(μ, Σ): E[x_0 | x_t] = μ + αΣ(α²Σ + σ²I)⁻¹(x − αμ); the score form must agree.
  Mixture one;
  one.components.push_back(Component{1.0, 0.5, -1.0, 0.3, 0.1, 0.2});
  const NoiseSchedule s = schedule(Process::Vp);
  const double t = 0.3, a = s.alpha(t), v = s.sigma(t) * s.sigma(t), x = 0.7, y = 0.2;
  const Marginal p = marginal_at(one, s, t);
  double gx, gy;
  score(p, x, y, &gx, &gy);
  const double cxx = a * a * 0.3 + v, cxy = a * a * 0.1, cyy = a * a * 0.2 + v, det = cxx * cyy - cxy * cxy;
  const double dx = x - a * 0.5, dy = y + a * 1.0;
  const double ix = (cyy * dx - cxy * dy) / det, iy = (-cxy * dx + cxx * dy) / det;
  CHECK((x + v * gx) / a == doctest::Approx(0.5 + a * (0.3 * ix + 0.1 * iy)).epsilon(1e-12));
  CHECK((y + v * gy) / a == doctest::Approx(-1.0 + a * (0.1 * ix + 0.2 * iy)).epsilon(1e-12));
  for (Preset preset : kPresets) CHECK(check_mixture(make_preset(preset, 0.1)).ok());
  Mixture bad = one;
  bad.components[0].sxy = 0.3;
  const klab::Status st = check_mixture(bad);
  CHECK(!st.ok());
  CHECK(st.message().find("component 1") != std::string::npos);
}
