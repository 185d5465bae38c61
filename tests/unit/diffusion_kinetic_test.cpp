// The diffusion chapter's Gaussian paths (src/diffusion/kinetic.hpp) against known answers: the
// metric's quadrature against an exact identity and against Monte Carlo, each path's velocity
// field against the continuity equation by finite differences, the paths' end points, and the
// exponential integrators' invariance to the path on logSNR steps.
#include <doctest/doctest.h>

#include <algorithm>
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
  CHECK(paths.kinetic_energy[3] < paths.kinetic_energy[1]);
}

TEST_CASE("diffusion kinetic: E‖u‖² in the data separation function's form equals γ̇ᵀGγ̇") {
  // With k² = m₂/d, s̃ = k e^λ, S = g00/m₂ (kinetic.hpp, ko_sep): γ̇ᵀGγ̇ = d [k²α̇² + σ̇² − σ² (ds̃/dt)² (1 − S)],
  // ds̃/dt = k (α̇σ − ασ̇)/σ². An identity of the exact posterior means (it uses E⟨x, x̂₀⟩ = α m₂): to rounding for one
  // Gaussian, where the 12-node Gauss–Hermite rule is exact (x̂₀ is linear in x); to the rule's error on the ring
  // (measured ≤ 2.3·10⁻⁴ relative; 7·10⁻³ on the moons and 2.4·10⁻² on the rare mode at λ = 4, σ̇ mostly).
  Component c;  // off-centre and anisotropic: f² ≠ 0
  c.mx = 0.8;
  c.my = -0.5;
  c.sxx = 0.3;
  c.sxy = 0.1;
  c.syy = 1.7;
  Mixture one;
  one.components = {c};
  for (const Mixture& m : {one, make_preset(Preset::Ring, 0.1)}) {
    const bool exact = m.components.size() == 1;
    const double m2 = second_moment(m), k = std::sqrt(m2 / kDataDimension);
    for (double lam : {-4.0, -1.0, 0.0, 1.5, 4.0}) {
      double g[3];
      path_metric_at(m, lam, g);
      const double e = std::exp(lam), a = 0.7 * e / std::sqrt(1 + e * e), s = 0.7 / std::sqrt(1 + e * e);
      const double velocities[2][2] = {{1.0, -0.3}, {-0.2, 1.1}};  // (α̇, σ̇)
      for (const auto& v : velocities) {
        const double da = v[0], ds = v[1], dst = k * (da * s - a * ds) / (s * s);
        const double quadratic = da * da * g[0] + 2 * da * ds * g[1] + ds * ds * g[2];
        const double separation = kDataDimension * (k * k * da * da + ds * ds - s * s * dst * dst * (1 - g[0] / m2));
        INFO((exact ? "one Gaussian" : "ring") << ", λ = " << lam << ": γ̇ᵀGγ̇ " << quadratic << ", separation form " << separation);
        CHECK(separation == doctest::Approx(quadratic).epsilon(exact ? 1e-10 : 1e-3));
      }
    }
  }
}

TEST_CASE("diffusion kinetic: the KO path by the data separation ODE is the numerical geodesic; its energy has a closed form") {
  // Two routes to the same minimiser of KE between VP's end points: the straight segment in the unrolled cone
  // (ko_sep, KE = d |P_end − P_1|²/(1 − t_end)) and the Levenberg–Marquardt geodesic of G (ko). Measured on the
  // ring: see src/diffusion/README.md, "Probability paths".
  for (Preset preset : {Preset::Ring, Preset::Moons}) {
    const GaussianPaths g = gaussian_paths(make_preset(preset, 0.1), NoiseSchedule{});
    const NoiseSchedule &geo = g.path[static_cast<int>(PathKind::Ko)], &sep = g.path[static_cast<int>(PathKind::KoSep)];
    double worst_curve = 0.0, worst_t = 0.0;
    for (int i = 0; i <= 200; ++i) {  // at equal λ: the curves (α, σ) and their clocks t(λ)
      const double lam = g.metric.lo + (g.metric.hi - g.metric.lo) * i / 200;
      const double tg = geo.t_of_lambda(lam), ts = sep.t_of_lambda(lam);
      worst_curve = std::max({worst_curve, std::fabs(geo.alpha(tg) - sep.alpha(ts)), std::fabs(geo.sigma(tg) - sep.sigma(ts))});
      worst_t = std::max(worst_t, std::fabs(tg - ts));
    }
    const double m2 = second_moment(make_preset(preset, 0.1));
    const std::vector<double> f2 = separation_cone_f2(g.metric, m2);
    REQUIRE(f2.size() == g.metric.g00.size());
    for (size_t i = 0; i < f2.size(); ++i) {  // the cone's factor and S within [0, 1] at the table's nodes (linear in between)
      const double lam = g.metric.lo + (g.metric.hi - g.metric.lo) * static_cast<double>(i) / static_cast<double>(f2.size() - 1);
      CHECK(f2[i] > -1e-9);
      CHECK(f2[i] <= 1.0);
      CHECK(separation_at(g.metric, m2, lam) <= 1.0);
    }
    const double ke_geo = g.kinetic_energy[static_cast<int>(PathKind::Ko)], ke_sep = g.kinetic_energy[static_cast<int>(PathKind::KoSep)];
    MESSAGE(preset_ids()[static_cast<size_t>(preset)] << ": KE geodesic " << ke_geo << ", separation " << ke_sep << " (closed form "
                                                       << g.separation_energy << "); max |Δα|, |Δσ| at equal λ " << worst_curve
                                                       << ", max |Δt| " << worst_t);
    // Deterministic numbers (measured on the ring: KE 1.0754 / 1.0800 / 1.0722, |Δα|, |Δσ| ≤ 3.9·10⁻⁴, |Δt| ≤ 2.2·10⁻³):
    // margins for other platforms' rounding only.
    CHECK(g.separation_energy == doctest::Approx(ke_sep).epsilon(0.02));
    CHECK(ke_sep == doctest::Approx(ke_geo).epsilon(0.02));
    CHECK(ke_sep >= ke_geo);  // in G's own metric the geodesic is the shorter
    CHECK(worst_curve < 2e-3);
    CHECK(worst_t < 1e-2);
  }
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
  // f ≡ 0 here (S(s̃) = s̃²/(1 + s̃²)): the cone has no angle, the separation route's path is radial, r = 1 throughout.
  CHECK(g.separation_energy < 1e-9);
  CHECK(g.kinetic_energy[3] < 2e-3);
}
