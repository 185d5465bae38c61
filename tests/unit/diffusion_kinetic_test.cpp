// The diffusion chapter's Gaussian paths (src/diffusion/kinetic.hpp) against known answers: the
// metric's quadrature against an exact identity and against Monte Carlo, each path's velocity
// field against the continuity equation by finite differences, the paths' end points, and the
// exponential integrators' invariance to the path on logSNR steps.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "diffusion/kinetic.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/solvers.hpp"

namespace {

using namespace klab::diffusion;

// E‖x₀‖² of a mixture.
double second_moment(const Mixture& m) {
  double e = 0.0;
  for (const Component& c : m.components) e += c.weight * (c.sxx + c.syy + c.mx * c.mx + c.my * c.my);
  return e;
}

}  // namespace

TEST_CASE("diffusion kinetic: the metric G satisfies α²g00 + 2ασg01 + σ²g11 = E‖x‖² and matches Monte Carlo") {
  // α x̂₀ + σ ε̂ = E[x | x] = x, so γᵀ G γ = E‖x‖² = α² E‖x₀‖² + 2σ² exactly, at every λ.
  for (Preset preset : {Preset::Ring, Preset::RareMode}) {
    const Mixture m = make_preset(preset, 0.1);
    for (double lam : {-4.0, -1.0, 0.0, 1.5, 4.0}) {
      double g[3];
      path_metric_at(m, lam, g);
      const double e = std::exp(lam), a = e / std::sqrt(1 + e * e), s = 1 / std::sqrt(1 + e * e);
      CHECK(a * a * g[0] + 2 * a * s * g[1] + s * s * g[2] == doctest::Approx(a * a * second_moment(m) + 2 * s * s).epsilon(1e-10));
    }
  }
  // Monte Carlo of E‖x̂₀‖², E⟨x̂₀, ε̂⟩, E‖ε̂‖² at λ = 0.5 on the ring (4·10⁴ draws, within 5 standard errors).
  const Mixture m = make_preset(Preset::Ring, 0.1);
  const double lam = 0.5, e = std::exp(lam), a = e / std::sqrt(1 + e * e), s = 1 / std::sqrt(1 + e * e);
  const Marginal p = marginal_of(m, a, s);
  klab::Rng rng(5, 0, 0);
  const int n = 40000;
  double sum[3] = {0, 0, 0}, sq[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) {
    double x0, y0;
    sample_mixture(m, rng, &x0, &y0);
    const double x = a * x0 + s * klab::sample_normal(rng), y = a * y0 + s * klab::sample_normal(rng);
    double gx, gy;
    score(p, x, y, &gx, &gy);
    const double ex = -s * gx, ey = -s * gy, dx = (x + s * s * gx) / a, dy = (y + s * s * gy) / a;
    const double v[3] = {dx * dx + dy * dy, dx * ex + dy * ey, ex * ex + ey * ey};
    for (int j = 0; j < 3; ++j) {
      sum[j] += v[j];
      sq[j] += v[j] * v[j];
    }
  }
  double g[3];
  path_metric_at(m, lam, g);
  for (int j = 0; j < 3; ++j) {
    const double mean = sum[j] / n, sem = std::sqrt((sq[j] / n - mean * mean) / n);
    INFO("entry " << j << ": quadrature " << g[j] << ", Monte Carlo " << mean << " ± " << sem);
    CHECK(std::fabs(g[j] - mean) < 5 * sem);
  }
}

TEST_CASE("diffusion kinetic: every path's PF-ODE velocity satisfies the continuity equation (finite differences)") {
  // ∂_t log p_t + ∇·u + u·∇log p_t = 0 with u = f x − ½ g² ∇log p_t, at points of p_t, by central
  // differences in t and x (h = 10⁻⁵): checks α, σ, f and g² of a Path against one another.
  const Mixture m = make_preset(Preset::Ring, 0.1);
  const GaussianPaths paths = gaussian_paths(m, NoiseSchedule{});
  klab::Rng rng(11, 0, 0);
  for (int kind = 0; kind < kPathKinds; ++kind)
    for (double t : {0.013, 0.2, 0.5371, 0.9}) {
      const NoiseSchedule& s = paths.path[kind];
      const double h = 1e-5;
      const Marginal p = marginal_at(m, s, t), before = marginal_at(m, s, t - h), after = marginal_at(m, s, t + h);
      const double f = s.drift(t), half_g2 = 0.5 * s.g2(t);
      for (int i = 0; i < 5; ++i) {
        double x0, y0;
        sample_mixture(m, rng, &x0, &y0);
        const double x = p.alpha * x0 + p.sigma * klab::sample_normal(rng), y = p.alpha * y0 + p.sigma * klab::sample_normal(rng);
        double gx, gy, g1, g2, unused;
        score(p, x, y, &gx, &gy);
        const double dt_log_p = (score(after, x, y, &unused, &unused) - score(before, x, y, &unused, &unused)) / (2 * h);
        double lap = 0.0;  // Δ log p = ∂x gx + ∂y gy
        score(p, x + h, y, &g1, &unused);
        score(p, x - h, y, &g2, &unused);
        lap += (g1 - g2) / (2 * h);
        score(p, x, y + h, &unused, &g1);
        score(p, x, y - h, &unused, &g2);
        lap += (g1 - g2) / (2 * h);
        const double ux = f * x - half_g2 * gx, uy = f * y - half_g2 * gy;
        const double residual = dt_log_p + (2 * f - half_g2 * lap) + ux * gx + uy * gy;
        INFO("path " << path_ids()[kind] << ", t = " << t << ": ∂_t log p = " << dt_log_p << ", residual " << residual);
        CHECK(std::fabs(residual) < 1e-4 * (1 + std::fabs(dt_log_p)));
      }
    }
}

TEST_CASE("diffusion kinetic: the paths share VP's end points; λ falls along each; KO is shortest") {
  const Mixture m = make_preset(Preset::Ring, 0.1);
  const NoiseSchedule vp;
  const GaussianPaths paths = gaussian_paths(m, vp);
  for (int kind = 1; kind < kPathKinds; ++kind) {
    const NoiseSchedule& s = paths.path[kind];
    for (double t : {1.0, vp.t_end}) {
      CHECK(s.alpha(t) == doctest::Approx(vp.alpha(t)).epsilon(1e-12));
      CHECK(s.sigma(t) == doctest::Approx(vp.sigma(t)).epsilon(1e-12));
    }
    double last = s.lambda(vp.t_end);
    for (int i = 1; i <= 200; ++i) {
      const double t = vp.t_end + (1 - vp.t_end) * i / 200.0, l = s.lambda(t);
      CHECK(l < last);
      last = l;
      CHECK(std::fabs(s.lambda(s.t_of_lambda(l)) - l) < 1e-9);
    }
  }
  CHECK(paths.kinetic_energy[2] < paths.kinetic_energy[1]);
}

TEST_CASE("diffusion kinetic: on logSNR steps DDIM and DPM-Solver++ 2M are the same on every path; Euler is not") {
  // x/α against λ obeys one ODE on every Gaussian path with the same end points, and the exponential
  // integrators step exactly in (x/α, λ): only the t-parametrised Euler and Heun see the path.
  const Mixture m = make_preset(Preset::Ring, 0.1);
  const GaussianPaths paths = gaussian_paths(m, NoiseSchedule{});
  const Particles z = prior_particles(paths.path[0], 100, 3, 0, 0);
  for (Solver solver : {Solver::Ddim, Solver::DpmppTwoM, Solver::Euler}) {
    Particles on_vp = z;
    solve(solver, m, paths.path[0], StepSchedule::LogSnr, 10, on_vp, 3, 0, 1);
    for (int kind = 1; kind < kPathKinds; ++kind) {
      Particles on_path = z;
      solve(solver, m, paths.path[kind], StepSchedule::LogSnr, 10, on_path, 3, 0, 1);
      const double d = discretisation_error(on_vp, on_path);
      INFO("solver " << static_cast<int>(solver) << ", path " << path_ids()[kind] << ": mean distance " << d);
      if (solver == Solver::Euler)
        CHECK(d > 1e-3);
      else
        CHECK(d < 1e-8);
    }
  }
}

TEST_CASE("diffusion kinetic: 'path' other than the process's needs the VP process; the message names the field") {
  SamplersExperiment e;
  const klab::Status s = e.params().set_texts({{"path", "ko"}, {"process", "ve"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("parameter 'path'") != std::string::npos);
  CHECK(e.params().set_texts({{"path", "cond_ot"}, {"process", "vp"}}).ok());
}

TEST_CASE("diffusion kinetic: for data N(0, I) the energies have closed forms (VP moves nothing)") {
  // x₀ ~ N(0, I): x_t ~ N(0, (α² + σ²) I), x̂₀ = αx/(α² + σ²), ε̂ = σx/(α² + σ²), so u = (αα̇ + σσ̇) x/(α² + σ²)
  // and E‖u‖² = 2(αα̇ + σσ̇)²/(α² + σ²): zero on VP (α² + σ² = 1); on cond-OT a 1-D integral (Simpson, 2·10⁴ steps).
  Mixture m;
  m.components = {Component{}};
  const GaussianPaths g = gaussian_paths(m, NoiseSchedule{});
  const NoiseSchedule& ot = g.path[1];
  const double da = ot.path.dalpha[0], ds = ot.path.dsigma[0];
  auto density = [&](double t) {
    const double a = ot.alpha(t), s = ot.sigma(t), d = a * da + s * ds;
    return 2 * d * d / (a * a + s * s);
  };
  const int n = 20000;
  const double h = (1 - ot.t_end) / n;
  double exact = density(ot.t_end) + density(1.0);
  for (int i = 1; i < n; ++i) exact += (i % 2 ? 4 : 2) * density(ot.t_end + i * h);
  exact *= h / 3;
  INFO("KE: VP " << g.kinetic_energy[0] << ", cond-OT " << g.kinetic_energy[1] << " (closed form " << exact << "), KO " << g.kinetic_energy[2]);
  CHECK(g.kinetic_energy[0] < 2e-3);
  CHECK(g.kinetic_energy[1] == doctest::Approx(exact).epsilon(2e-3));
  CHECK(g.kinetic_energy[2] <= g.kinetic_energy[0]);
}
