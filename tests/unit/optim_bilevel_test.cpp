// Known answers of optim.bilevel's toy and hypergradients (src/optim/bilevel.hpp): the penalty function
// by inner gradient descent equals its closed form, Danskin's gradient matches finite differences, φ is
// the minimum of f over the lower-level solutions (brute force), and ITD is the derivative of the unrolled
// lower level (finite differences); the same on the double well against brute-force grids; every method's oracle calls per
// step equal BilevelRun::calls_per_step.
#include <doctest/doctest.h>

#include <cmath>

#include "optim/bilevel.hpp"
#include "optim/bilevel_experiment.hpp"

using namespace klab::optim;

namespace {
// f(x, y_K(x)) after K exact gradient steps on g from y⁰: what ITD differentiates.
double unrolled(const BilevelToy& t, double x, const LowerLevel& l) {
  Vec2 y = l.init;
  for (int k = 0; k < l.steps; ++k) {
    const Vec2 d = t.lower_dy(x, y);
    y = {y[0] - l.step * d[0], y[1] - l.step * d[1]};
  }
  return t.upper(x, y);
}
}  // namespace

TEST_CASE("optim.bilevel: ψ_σ by inner gradient descent equals the closed form, and its Danskin gradient its derivative") {
  for (double rho : {0.0, 0.7, 3.0}) {
    BilevelToy t;
    t.rho = rho;
    for (double sigma : {1.0, 0.1, 0.01}) {
      for (double x : {-2.0, 0.3, 1.7}) {
        CAPTURE(rho);
        CAPTURE(sigma);
        CAPTURE(x);
        PenaltyState s{{0.0, 2.0}, {0.0, 2.0}};
        double g = 0.0;
        NoisyOracle exact;
        const int steps = static_cast<int>(60.0 / sigma) + 100;
        const double v = penalty_value(t, x, sigma, steps, &s, &g, &exact);
        CHECK(exact.calls() == 2.0 * steps + 2.0);
        CHECK(v == doctest::Approx(t.penalty_exact(x, sigma)).epsilon(1e-9));
        CHECK(g == doctest::Approx(t.penalty_gradient_exact(x, sigma)).epsilon(1e-9));
        const double h = 1e-6;
        CHECK(t.penalty_gradient_exact(x, sigma) ==
              doctest::Approx((t.penalty_exact(x + h, sigma) - t.penalty_exact(x - h, sigma)) / (2 * h)).epsilon(1e-6));
      }
      // argmin ψ_σ: a zero of the closed-form gradient, and the finite-difference minimum (ψ_σ is a convex quadratic).
      const double m = t.penalty_minimiser(sigma), h = 1e-4;
      CHECK(std::fabs(t.penalty_gradient_exact(m, sigma)) < 1e-12);
      CHECK(t.penalty_exact(m, sigma) < t.penalty_exact(m + h, sigma));
      CHECK(t.penalty_exact(m, sigma) < t.penalty_exact(m - h, sigma));
    }
  }
}

TEST_CASE("optim.bilevel: φ is the minimum of f over the lower-level solutions (brute force over y₂)") {
  for (double rho : {0.0, 1.0}) {
    BilevelToy t;
    t.rho = rho;
    for (double x : {-1.5, 0.0, 2.5}) {
      // S(x) = {(x, y₂)}: every y₂ if ρ = 0, only y₂ = 0 if ρ > 0.
      double best = 1e300;
      for (int i = -4000; i <= 4000; ++i) {
        const double y2 = rho > 0 ? 0.0 : i / 1000.0;
        best = std::min(best, t.upper(x, {x, y2}));
      }
      CHECK(t.phi(x) == doctest::Approx(best).epsilon(1e-6));
      const double h = 1e-6;
      CHECK(t.phi_gradient(x) == doctest::Approx((t.phi(x + h) - t.phi(x - h)) / (2 * h)).epsilon(1e-6));
    }
  }
}

TEST_CASE("optim.bilevel: ITD is the derivative of f(x, y_K(x)) through the unrolled steps; AID equals it at convergence") {
  for (double rho : {0.0, 1.0}) {
    BilevelToy t;
    t.rho = rho;
    LowerLevel l;
    l.steps = 7;
    l.step = 0.4;
    l.init = {0.3, 2.0};
    const double x = -1.2, h = 1e-6;
    NoisyOracle o;
    CHECK(itd_hypergradient(t, x, l, &o) == doctest::Approx((unrolled(t, x + h, l) - unrolled(t, x - h, l)) / (2 * h)).epsilon(1e-6));
    CHECK(o.calls() == 2.0 * l.steps + 1.0);
    l.steps = 200;
    CHECK(aid_hypergradient(t, x, l, &o) == doctest::Approx(itd_hypergradient(t, x, l, &o)).epsilon(1e-12));
    // With ρ = 0 both differ from ∇φ by x − y₂⁰; with ρ > 0 they equal it.
    CHECK(aid_hypergradient(t, x, l, &o) - t.phi_gradient(x) == doctest::Approx(rho > 0 ? 0.0 : x - 2.0).epsilon(1e-9));
  }
}

TEST_CASE("optim.bilevel: with noisy oracles the penalty's Danskin estimate is unbiased with the predicted variance (∝ 1/(Mσ²))") {
  // From the converged inner state (ρ = 0), one noisy inner step (steps σ/(1 + σ) on y, 1 on z) and the x-gradient
  // h = x − y₂ + ε_f + (−y₁ + ε_y − ε_z + z₁)/σ. Each coordinate's noise has variance v = s²/M, so with a = (1 + σ²)/(1 + σ)²
  // (the y steps' noise, (σε + ε')/(1 + σ)): Var h = v·(a + 1 + (a + 3)/σ²). Asserted within 10% (4000 samples: 2% s.e.).
  BilevelToy t;
  const double x = -1.0, sigma = 0.1, sd = 0.05;
  for (int batch : {1, 16}) {
    CAPTURE(batch);
    PenaltyState converged{{0.0, 0.0}, {0.0, 0.0}};
    NoisyOracle exact;
    double g = 0.0;
    penalty_value(t, x, sigma, 2000, &converged, &g, &exact);
    NoisyOracle o = NoisyOracle().set_sd(sd).set_batch(batch).set_rng(klab::Rng(7, 0, 0));
    double sum = 0.0, sum2 = 0.0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) {
      PenaltyState s = converged;
      penalty_value(t, x, sigma, 1, &s, &g, &o);
      sum += g, sum2 += g * g;
    }
    const double a = (1.0 + sigma * sigma) / ((1.0 + sigma) * (1.0 + sigma));
    const double mean = sum / n, var = sum2 / n - mean * mean, predicted = sd * sd / batch * (a + 1.0 + (a + 3.0) / (sigma * sigma));
    MESSAGE("M = " << batch << ": mean " << mean << " (exact " << t.penalty_gradient_exact(x, sigma) << "), variance " << var
                   << " (predicted " << predicted << ")");
    CHECK(std::fabs(mean - t.penalty_gradient_exact(x, sigma)) < 4.0 * std::sqrt(var / n));
    CHECK(var == doctest::Approx(predicted).epsilon(0.1));
    CHECK(o.calls() == 4.0 * n * batch);
  }
}

// [SECTION] the double well (problem = double_well)

namespace {
BilevelToy double_well(double y_bound = 2.0) {
  BilevelToy t;
  t.problem = BilevelProblem::DoubleWell;
  t.y_bound = y_bound;
  return t;
}
// Brute force: the global minimiser over y₂ ∈ [−6, 6] (step 10⁻⁴) of u·f + l·g at y₁ = 0.
double grid_argmin(const BilevelToy& t, double x, double u, double l) {
  double best = 0.0, best_value = 1e300;
  for (int i = -60000; i <= 60000; ++i) {
    const Vec2 y{0.0, i * 1e-4};
    const double v = u * t.upper(x, y) + l * t.lower(x, y);
    if (v < best_value) best = y[1], best_value = v;
  }
  return best;
}
}  // namespace

TEST_CASE("optim.bilevel double well: φ is f at the global minimiser of g (brute force), which is ±1; ψ_σ's global search matches a grid") {
  const BilevelToy t = double_well();
  for (double x : {-2.5, -0.4, 0.3, 2.0}) {
    CAPTURE(x);
    const double z = grid_argmin(t, x, 0.0, 1.0);
    CHECK(z == doctest::Approx(x > 0 ? 1.0 : -1.0).epsilon(1e-9));
    CHECK(t.well_argmin(x, 0.0, 1.0) == doctest::Approx(z).epsilon(1e-9));
    CHECK(t.phi(x) == doctest::Approx(t.upper(x, {0.0, z})).epsilon(1e-12));
    const double h = 1e-6;
    CHECK(t.phi_gradient(x) == doctest::Approx((t.phi(x + h) - t.phi(x - h)) / (2 * h)).epsilon(1e-6));
    for (double sigma : {0.01, 0.1, 1.0}) {
      CAPTURE(sigma);
      const double y = grid_argmin(t, x, sigma, 1.0);
      CHECK(std::fabs(t.well_argmin(x, sigma, 1.0) - y) < 2e-4);  // the grid's resolution
      const double grid = t.upper(x, {0.0, y}) + (t.lower(x, {0.0, y}) - t.lower(x, {0.0, z})) / sigma;
      CHECK(t.penalty_exact(x, sigma) <= grid + 1e-12);  // the search's minimum is at least as low as the grid's
      CHECK(t.penalty_exact(x, sigma) == doctest::Approx(grid).epsilon(1e-6));
      // Danskin's gradient is the derivative of ψ_σ (central differences; x is away from the switch).
      CHECK(t.penalty_gradient_exact(x, sigma) ==
            doctest::Approx((t.penalty_exact(x + h, sigma) - t.penalty_exact(x - h, sigma)) / (2 * h)).epsilon(1e-5));
    }
  }
  // At the switch: two separated minimisers with equal g, and the optimistic φ(0) = ½ − c (the −1 well).
  CHECK(t.lower(0.0, {0.0, 1.0}) == t.lower(0.0, {0.0, -1.0}));
  CHECK(t.phi(0.0) == doctest::Approx(0.5 - kWellStep));
  CHECK(t.phi(1e-9) - t.phi(-1e-9) == doctest::Approx(2.0 * kWellStep).epsilon(1e-6));
}

TEST_CASE("optim.bilevel double well: inner gradient descent started in the global well gives ψ_σ; ITD is the derivative of the "
          "unrolled steps; AID equals it at convergence") {
  const BilevelToy t = double_well(1.0);
  for (double x : {-2.0, 1.3}) {
    for (double sigma : {0.05, 0.5}) {
      CAPTURE(x);
      CAPTURE(sigma);
      const double s = x > 0 ? 1.0 : -1.0;
      PenaltyState st{{0.0, s}, {0.0, s}};
      double g = 0.0;
      NoisyOracle exact;
      const double v = penalty_value(t, x, sigma, 400, &st, &g, &exact);
      CHECK(v == doctest::Approx(t.penalty_exact(x, sigma)).epsilon(1e-9));
      CHECK(g == doctest::Approx(t.penalty_gradient_exact(x, sigma)).epsilon(1e-9));
    }
  }
  LowerLevel l;
  l.steps = 9;
  l.step = 0.1;
  l.init = {0.4, 0.3};
  for (double x : {-1.2, 0.8}) {
    CAPTURE(x);
    const double h = 1e-6;
    NoisyOracle o;
    CHECK(itd_hypergradient(t, x, l, &o) == doctest::Approx((unrolled(t, x + h, l) - unrolled(t, x - h, l)) / (2 * h)).epsilon(1e-6));
    LowerLevel converged = l;
    converged.steps = 2000;
    CHECK(aid_hypergradient(t, x, converged, &o) == doctest::Approx(itd_hypergradient(t, x, converged, &o)).epsilon(1e-9));
  }
}

TEST_CASE("optim.bilevel: every method spends calls_per_step oracle calls per outer step (counted by the oracle)") {
  for (BilevelProblem problem : {BilevelProblem::Liu, BilevelProblem::DoubleWell}) {
    BilevelParams p;
    p.problem = problem;
    p.methods = bilevel_method_ids();
    p.inner_steps = 7;
    p.batch = 3;
    p.noise = 0.01;
    BilevelRun run(p, 5, 0);
    for (int k = 1; k <= 3; ++k) {
      run.step();
      for (size_t s = 0; s < run.methods(); ++s) {
        CAPTURE(p.methods[s]);
        CHECK(run.calls(s) == k * run.calls_per_step(s));
      }
    }
    // The formulas of bilevel.hpp with K = 7, M = 3: penalty 2K + 2, single loop 4, AID K + 2, ITD 2K + 1.
    CHECK(run.calls_per_step(0) == 3.0 * 16);
    CHECK(run.calls_per_step(1) == 3.0 * 4);
    CHECK(run.calls_per_step(2) == 3.0 * 9);
    CHECK(run.calls_per_step(3) == 3.0 * 15);
  }
}
