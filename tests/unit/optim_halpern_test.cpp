// Known answers of optim.halpern's finite-sum game and methods (src/optim/halpern.hpp): the mean of
// the components is the closed-form F, z* solves F(z*) = 0, the constants L_F, L are the tight ones,
// the recursive estimator is exact when every index is drawn, and deterministic Halpern's residual
// meets Lieder's bound 2‖z₀ − z*‖/(k + 1) at every iteration; with μ = 0 the game is monotone, not cocoercive, and
// Algorithm 2's residual falls like 1/k within the exact resolvent's bound.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "optim/halpern.hpp"
#include "test_util.hpp"

using namespace klab::optim;

namespace {

FiniteSumGame game(long long n) {
  FiniteSumGame g;
  g.n = n;
  g.mu = 0.3;
  g.coupling = 0.8;
  g.spread = 1.2;
  return g;
}


}  // namespace

TEST_CASE("optim.halpern: the components average to the closed-form F for every n ≥ 3, and F(z*) = 0") {
  for (long long n : {3LL, 4LL, 17LL, 1000LL}) {
    CAPTURE(n);
    const FiniteSumGame g = game(n);
    const VecZ z{0.7, -1.9};
    VecZ sum(2, 0.0);
    double a2 = 0.0;
    for (long long i = 0; i < n; ++i) {
      const VecZ f = g.component(i, z);
      sum = {sum[0] + f[0], sum[1] + f[1]};
      a2 += g.a(i) * g.a(i);
    }
    const VecZ full = g.full(z);
    CHECK(sum[0] / n == doctest::Approx(full[0]).epsilon(1e-12));
    CHECK(sum[1] / n == doctest::Approx(full[1]).epsilon(1e-12));
    CHECK(a2 / n == doctest::Approx(g.mean_square_coupling()).epsilon(1e-12));
    CHECK(norm_z(g.full(g.solution())) < 1e-14);
  }
}

TEST_CASE("optim.halpern: F is 1/L_F-cocoercive and the components L-cocoercive on average, both with equality") {
  const FiniteSumGame g = game(50);
  const VecZ u{1.3, -0.2}, v{-0.4, 0.9}, d{u[0] - v[0], u[1] - v[1]};
  const VecZ fu = g.full(u), fv = g.full(v), df{fu[0] - fv[0], fu[1] - fv[1]};
  const double inner = df[0] * d[0] + df[1] * d[1];
  CHECK(inner == doctest::Approx(norm_z(df) * norm_z(df) / g.cocoercivity()).epsilon(1e-12));
  double spread = 0.0;
  for (long long i = 0; i < g.n; ++i) {
    const VecZ a = g.component(i, u), b = g.component(i, v);
    spread += (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]);
  }
  CHECK(spread / g.n == doctest::Approx(g.average_cocoercivity() * inner).epsilon(1e-12));
  CHECK(norm_z(df) == doctest::Approx(g.lipschitz() * norm_z(d)).epsilon(1e-12));
}

TEST_CASE("optim.halpern: deterministic Halpern meets ‖z_k − T z_k‖ ≤ 2‖z₀ − z*‖/(k + 1) at every iteration and costs n per step") {
  const FiniteSumGame g = game(40);
  const VecZ z0{-2.0, 2.5}, s = g.solution();
  const double d = distance(z0, s);
  HalpernState st = make_halpern_state(g, HalpernMethod::Halpern, z0);
  klab::Rng rng(1, 0, 0);
  double worst = -1e300;
  for (int k = 0; k <= 5000; ++k) {
    CHECK(st.k == k);
    worst = std::max(worst, norm_z(g.full(st.z)) / g.cocoercivity() - 2.0 * d / (k + 1));
    halpern_step(g, &st, rng);
  }
  MESSAGE("largest excess over the bound in 5000 iterations: " << worst);
  CHECK(worst <= 1e-12);
  CHECK(st.calls == doctest::Approx(5001.0 * 40));
}

TEST_CASE("optim.halpern: the recursive estimator tracks F exactly on a one-component sum, and VR-EG converges") {
  // n = 3 with spread 0: every component equals F, so F̃ stays exact and VR-Halpern is Halpern with step 1/L = 1/L_F.
  FiniteSumGame g = game(3);
  g.spread = 0.0;
  HalpernState vr = make_halpern_state(g, HalpernMethod::VrHalpern, {1.0, 1.0}), det = make_halpern_state(g, HalpernMethod::Halpern, {1.0, 1.0});
  klab::Rng rng(2, 0, 0);
  for (int k = 0; k < 200; ++k) {
    halpern_step(g, &vr, rng);
    halpern_step(g, &det, rng);
    CHECK(vr.z[0] == doctest::Approx(det.z[0]).epsilon(1e-12));
    CHECK(vr.z[1] == doctest::Approx(det.z[1]).epsilon(1e-12));
  }
  // VR extragradient on the heterogeneous game reaches the solution (strongly monotone: linear rate).
  const FiniteSumGame h = game(30);
  HalpernState e = make_halpern_state(h, HalpernMethod::VrExtragradient, {2.0, -2.0});
  for (int k = 0; k < 20000; ++k) halpern_step(h, &e, rng);
  CHECK(norm_z(h.full(e.z)) < 1e-8);
}

TEST_CASE("optim.halpern: with μ = 0 F is monotone but not cocoercive, and a forward step moves away from z*") {
  FiniteSumGame g = game(50);
  g.mu = 0.0;
  const VecZ u{1.3, -0.2}, v{-0.4, 0.9}, s = g.solution();
  const VecZ fu = g.full(u), fv = g.full(v);
  CHECK(std::fabs((fu[0] - fv[0]) * (u[0] - v[0]) + (fu[1] - fv[1]) * (u[1] - v[1])) < 1e-14);  // ⟨F(u) − F(v), u − v⟩ = 0
  CHECK(norm_z(g.full(s)) < 1e-14);
  // ‖z − τF(z) − z*‖ = √(1 + τ²ā²) ‖z − z*‖ for every step τ: plain forward steps spiral out.
  for (double tau : {0.01, 0.1, 1.0}) {
    const VecZ w{u[0] - tau * fu[0] - s[0], u[1] - tau * fu[1] - s[1]};
    CHECK(norm_z(w) == doctest::Approx(std::sqrt(1 + tau * tau * g.coupling * g.coupling) * distance(u, s)).epsilon(1e-12));
  }
}

TEST_CASE("optim.halpern: Algorithm 2 (inexact Halpern, VR-FoRB resolvent) on μ = 0: η‖F(Ĵ z_{k−1})‖ falls like 1/k, within "
          "the exact resolvent's 2‖z₀ − z*‖/k, at n + 3M_k calls per step on average") {
  // Mean over 4 seeds of η‖F(point)‖·k/(2‖z₀ − z*‖) at k = 16 … 256 (log-spaced): the exact resolvent gives ≤ 1 (Halpern's
  // bound for the nonexpansive J); the fitted log-log slope of the residual in k is the paper's O(1/k).
  FiniteSumGame g = game(32);
  g.mu = 0.0;
  const VecZ z0{-2.0, 2.5}, s = g.solution();
  const double d = distance(z0, s), eta = inexact_resolvent_step(g);
  const std::vector<long long> ks{16, 32, 64, 128, 256};
  std::vector<double> mean_ratio(ks.size(), 0.0);
  double calls = 0.0, expected = 0.0;
  for (uint64_t seed : {81u, 82u, 83u, 84u}) {
    HalpernState st = make_halpern_state(g, HalpernMethod::VrHalpernInexact, z0);
    klab::Rng rng(seed, 0, 0);
    for (size_t j = 0; j < ks.size(); ++j) {
      while (st.k < ks[j]) {
        expected += inexact_expected_calls(g, st.k);
        halpern_step(g, &st, rng);
      }
      mean_ratio[j] += eta * norm_z(g.full(st.point)) * static_cast<double>(st.k) / (2.0 * d) / 4.0;
    }
    calls += st.calls;
  }
  std::vector<double> k_values, residuals;
  for (size_t j = 0; j < ks.size(); ++j) {
    MESSAGE("k = " << ks[j] << ": η‖F(Ĵ z_{k−1})‖·k/(2‖z₀ − z*‖) = " << mean_ratio[j]);
    CHECK(mean_ratio[j] <= 1.0);
    k_values.push_back(static_cast<double>(ks[j]));
    residuals.push_back(mean_ratio[j] / static_cast<double>(ks[j]));
  }
  const double slope = klab::test::log_log_slope(k_values, residuals);
  MESSAGE("fitted slope of the residual in k: " << slope << "; calls " << calls << " against expected " << expected);
  CHECK(slope >= -1.1);
  CHECK(slope <= -0.9);
  CHECK(calls == doctest::Approx(expected).epsilon(0.05));
}
