// Known answers of optim.bilevel's toy and hypergradients (src/optim/bilevel.hpp): the penalty function
// by inner gradient descent equals its closed form, Danskin's gradient matches finite differences, φ is
// the minimum of f over the lower-level solutions (brute force), and ITD is the derivative of the unrolled
// lower level (finite differences).
#include <doctest/doctest.h>

#include <cmath>

#include "optim/bilevel.hpp"

using namespace klab::optim;

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
        CHECK(exact.calls == 2.0 * steps + 2.0);
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
    auto unrolled = [&](double x) {
      Vec2 y = l.init;
      for (int k = 0; k < l.steps; ++k) y = {y[0] - l.step * (y[0] - x), y[1] - l.step * rho * y[1]};
      return t.upper(x, y);
    };
    const double x = -1.2, h = 1e-6;
    NoisyOracle o;
    CHECK(itd_hypergradient(t, x, l, &o) == doctest::Approx((unrolled(x + h) - unrolled(x - h)) / (2 * h)).epsilon(1e-6));
    CHECK(o.calls == 2.0 * l.steps + 1.0);
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
    NoisyOracle o{sd, batch, klab::Rng(7, 0, 0), 0.0};
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
    CHECK(o.calls == 4.0 * n * batch);
  }
}
