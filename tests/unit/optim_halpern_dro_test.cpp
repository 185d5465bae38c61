// Known answers of optim.halpern's distributionally robust least squares (src/optim/halpern_dro.hpp, problem
// dro_least_squares): the projection onto the capped simplex is exact (a hand-solved case, the KKT form
// q_i = clip(y_i − τ, 0, c) with one τ, an independent bisection on τ, and the breakpoint search against the sort sweep),
// the components average to F, F is monotone on C with modulus min(μ, λ/n) and the constants L_lip, L_avg bound it on
// random pairs, and z* is a fixed point of z ↦ Π_C(z − F(z)) with x* inside the ball.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "optim/capped_simplex.hpp"
#include "optim/halpern.hpp"

using namespace klab::optim;

namespace {

// The reference projection: τ by sorting y and sweeping the breakpoints in decreasing τ (one sort, two merged lists),
// O(n log n); the breakpoint search of optim/capped_simplex.hpp must agree with it up to rounding.
std::vector<double> project_capped_simplex_sorted(const std::vector<double>& y, double cap, double total) {
  // Events of h(τ) = Σ clip(y_i − τ, 0, cap) as τ decreases: at y_i coordinate i starts to grow (free), at y_i − cap it
  // stops (capped). Between events h(τ) = sum_free − free·τ + cap·capped. Both event lists follow y sorted in decreasing
  // order, so one sort and a merge visit them all in decreasing τ.
  std::vector<double> s = y;  // (n) y, decreasing
  std::sort(s.begin(), s.end(), [](double l, double r) { return l > r; });
  const size_t n = s.size();
  double sum_free = 0.0, tau = s.back() - cap;
  long long free = 0, capped = 0;
  size_t i = 0, j = 0;  // next free event s[i], next cap event s[j] − cap
  while (j < n) {
    const bool frees = i < n && s[i] >= s[j] - cap;
    const double t = frees ? s[i] : s[j] - cap;
    const double h = sum_free - static_cast<double>(free) * t + cap * static_cast<double>(capped);  // h is continuous
    if (h >= total && free > 0) break;
    if (frees) ++free, sum_free += s[i++];
    else --free, sum_free -= s[j++], ++capped;
  }
  if (free > 0) tau = (sum_free + cap * static_cast<double>(capped) - total) / static_cast<double>(free);
  std::vector<double> q(n);
  for (size_t k = 0; k < n; ++k) q[k] = std::clamp(y[k] - tau, 0.0, cap);
  return q;
}

FiniteSumGame dro_game(long long n, double mu, double lambda, uint64_t seed) {
  FiniteSumGame g;
  g.problem = HalpernProblem::DroLeastSquares;
  g.n = n;
  g.mu = mu;
  g.penalty = lambda;
  g.prepare(seed);
  return g;
}

// A random point of C: x in [−3, 3]² (inside the ball of radius 4.5), q the projection of a random positive vector.
VecZ random_feasible(const FiniteSumGame& g, klab::Rng& rng) {
  VecZ z(g.dimension());
  for (double& v : z) v = 6.0 * rng.uniform() - 3.0;
  for (size_t j = 2; j < z.size(); ++j) z[j] = 3.0 * rng.uniform() * rng.uniform() * 4.0;
  g.constrain(&z);
  return z;
}

double dro_dot(const VecZ& a, const VecZ& b) {
  double s = 0.0;
  for (size_t j = 0; j < a.size(); ++j) s += a[j] * b[j];
  return s;
}
VecZ dro_minus(const VecZ& a, const VecZ& b) {
  VecZ r(a.size());
  for (size_t j = 0; j < a.size(); ++j) r[j] = a[j] - b[j];
  return r;
}

}  // namespace

TEST_CASE("optim.halpern dro: the projection onto the capped simplex is exact") {
  // By hand: y = (0.5, 0.2, −0.1), Σq = 1, no active cap: all three free, 0.6 − 3τ = 1, τ = −2/15.
  const std::vector<double> q = project_capped_simplex({0.5, 0.2, -0.1}, 10.0, 1.0);
  CHECK(q[0] == doctest::Approx(0.5 + 2.0 / 15.0).epsilon(1e-14));
  CHECK(q[1] == doctest::Approx(0.2 + 2.0 / 15.0).epsilon(1e-14));
  CHECK(q[2] == doctest::Approx(-0.1 + 2.0 / 15.0).epsilon(1e-14));
  // With the cap: y = (5, 0, 0), c = 2, Σq = 3: q₁ capped at 2, the others share 1: (2, ½, ½).
  const std::vector<double> r = project_capped_simplex({5.0, 0.0, 0.0}, 2.0, 3.0);
  CHECK(r[0] == 2.0);
  CHECK(r[1] == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(r[2] == doctest::Approx(0.5).epsilon(1e-15));
  klab::Rng rng(17, 0, 0);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + static_cast<size_t>(rng.uniform() * 40);
    const double cap = 1.0 + 3.0 * rng.uniform(), total = static_cast<double>(n) * (0.05 + 0.9 * rng.uniform()) * cap;
    std::vector<double> y(n);
    for (double& v : y) v = 8.0 * rng.uniform() - 4.0;
    const std::vector<double> p = project_capped_simplex(y, cap, total);
    double sum = 0.0;
    for (double v : p) sum += v;
    CHECK(sum == doctest::Approx(total).epsilon(1e-12));
    // Reference: bisection on τ for h(τ) = Σ clip(y_i − τ, 0, c) = total (h non-increasing), 200 halvings.
    double lo = *std::min_element(y.begin(), y.end()) - cap, hi = *std::max_element(y.begin(), y.end());
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      double h = 0.0;
      for (double v : y) h += std::clamp(v - mid, 0.0, cap);
      (h > total ? lo : hi) = mid;
    }
    for (size_t i = 0; i < n; ++i) {
      CHECK(p[i] >= 0.0);
      CHECK(p[i] <= cap);
      CHECK(p[i] == doctest::Approx(std::clamp(y[i] - 0.5 * (lo + hi), 0.0, cap)).epsilon(1e-12).scale(1.0));
    }
  }
  // The breakpoint search against the sort sweep (capped_simplex.hpp: the same formula (*), F summed in another order):
  // continuous y, ties (y on a grid of step ½), every y_i at the cap, every y_i at 0, and the ends total = 0 and n·c, which
  // the search gives exactly. Largest difference over 40 000 such trials (n ≤ 300, |y| ≤ 8): 3.2e-14 for 0 < total < n·c, and
  // 6.3e-13 at total = n·c, where the sort sweep's running sum is the inexact one; asserted ≤ 1e-12. (Against an 80-bit
  // reference the search's q is the closer one: 4.8e-14 against the sweep's 2.2e-13 over 20 000 continuous trials.)
  for (int trial = 0; trial < 400; ++trial) {
    CAPTURE(trial);
    const size_t n = 1 + static_cast<size_t>(rng.uniform() * 300);
    const double cap = 0.5 + 3.5 * rng.uniform();
    const int kind = trial % 4;  // 0: continuous, 1: ties, 2: all at the cap, 3: all at 0
    std::vector<double> y(n);
    for (double& v : y) {
      v = 16.0 * rng.uniform() - 8.0;
      if (kind == 1) v = std::round(2.0 * v) / 2.0;
      if (kind >= 2) v = kind == 2 ? cap : 0.0;
    }
    const int end = trial / 4 % 5;  // 0: total = 0, 1: total = n·c, else inside
    const double nc = static_cast<double>(n) * cap, total = end == 0 ? 0.0 : end == 1 ? nc : nc * rng.uniform();
    const std::vector<double> fast = project_capped_simplex(y, cap, total), sorted = project_capped_simplex_sorted(y, cap, total);
    double sum = 0.0, largest = 0.0;
    for (size_t i = 0; i < n; ++i) {
      sum += fast[i];
      largest = std::max(largest, std::fabs(fast[i] - sorted[i]));
      if (end == 0) CHECK(fast[i] == 0.0);
      if (end == 1) CHECK(fast[i] == cap);
      CHECK((fast[i] >= 0.0 && fast[i] <= cap));
    }
    CHECK(largest <= 1e-12);
    CHECK(sum == doctest::Approx(total).epsilon(1e-12).scale(1.0));
  }
}

TEST_CASE("optim.halpern dro: the components average to F, F is monotone on C with modulus min(μ, λ/n), L_lip and L_avg bound it") {
  klab::Rng rng(23, 0, 0);
  for (long long n : {5LL, 64LL, 200LL})
    for (double mu : {0.0, 0.2}) {
      CAPTURE(n);
      CAPTURE(mu);
      const FiniteSumGame g = dro_game(n, mu, 0.7, 9);
      const double m = std::min(mu, 0.7 / static_cast<double>(n));
      for (int trial = 0; trial < 10; ++trial) {
        const VecZ u = random_feasible(g, rng), v = random_feasible(g, rng), d = dro_minus(u, v);
        VecZ sum(u.size(), 0.0);
        double mean_square = 0.0;
        for (long long i = 0; i < n; ++i) {
          const VecZ fi = g.component(i, u), di = dro_minus(fi, g.component(i, v));
          for (size_t j = 0; j < sum.size(); ++j) sum[j] += fi[j] / static_cast<double>(n);
          mean_square += dro_dot(di, di) / static_cast<double>(n);
        }
        const VecZ full = g.full(u), df = dro_minus(full, g.full(v));
        for (size_t j = 0; j < sum.size(); ++j) CHECK(sum[j] == doctest::Approx(full[j]).epsilon(1e-12).scale(1.0));
        const double dx2 = d[0] * d[0] + d[1] * d[1], dq2 = dro_dot(d, d) - dx2;
        CHECK(dro_dot(df, d) >= mu * dx2 + (0.7 / static_cast<double>(n)) * dq2 - 1e-12);
        CHECK(dro_dot(df, d) >= m * dro_dot(d, d) - 1e-12);
        CHECK(std::sqrt(dro_dot(df, df)) <= g.lipschitz() * std::sqrt(dro_dot(d, d)));
        CHECK(std::sqrt(mean_square) <= g.average_lipschitz() * std::sqrt(dro_dot(d, d)));
      }
    }
}

TEST_CASE("optim.halpern dro: z* is a fixed point of Π_C(z − F(z)) with x* inside the ball, and the start is feasible") {
  for (long long n : {4LL, 50LL, 1024LL})
    for (double lambda : {0.05, 1.0, 20.0}) {
      CAPTURE(n);
      CAPTURE(lambda);
      const FiniteSumGame g = dro_game(n, 0.0, lambda, 3);
      const VecZ s = g.solution();
      CHECK(g.residual(s) < 1e-9);
      CHECK(std::hypot(s[0], s[1]) < DroLeastSquares::kRadius);
      VecZ z0 = g.start(-2.0, 2.0), projected = z0;
      g.constrain(&projected);
      CHECK(distance(z0, projected) < 1e-12);
      CHECK(g.residual(z0) > 0.1);
    }
}

TEST_CASE("optim.halpern: oracle = sparse gives the dense runs (the same bits on dro_least_squares, rounding on wdro_logistic)") {
  // The lazy block's closed form against m clipped steps, from inside the box, fixed points inside and outside it.
  klab::Rng rng(29, 0, 0);
  for (int trial = 0; trial < 50; ++trial) {
    const double a = 0.3 + 0.69 * rng.uniform();
    std::vector<double> c(3), x(3), lazy(3);
    for (size_t j = 0; j < 3; ++j) c[j] = (1.0 - a) * (4.0 * rng.uniform() - 2.0), x[j] = lazy[j] = 2.0 * rng.uniform() - 1.0;
    LazyClippedBlock block;
    block.reset(a, c, -1.0, 1.0);
    const int m = 1 + static_cast<int>(60 * rng.uniform());
    for (int t = 0; t < m; ++t) {
      block.step();
      for (size_t j = 0; j < 3; ++j) x[j] = std::clamp(a * x[j] + c[j], -1.0, 1.0);
    }
    block.settle_all(lazy.data());
    for (size_t j = 0; j < 3; ++j) CHECK(lazy[j] == doctest::Approx(x[j]).epsilon(1e-13).scale(1.0));
  }
  // Whole runs: the same draws, ≈ 600 oracle calls each, n = 16.
  struct Case {
    HalpernProblem problem;
    double mu;
    std::vector<HalpernMethod> methods;
  };
  const Case cases[] = {{HalpernProblem::DroLeastSquares, 0.2, {HalpernMethod::VrHalpern, HalpernMethod::VrExtragradient}},
                        {HalpernProblem::DroLeastSquares, 0.0, {HalpernMethod::VrExtragradient, HalpernMethod::VrHalpernInexact}},
                        {HalpernProblem::WdroLogistic, 0.0, {HalpernMethod::VrExtragradient, HalpernMethod::VrHalpernInexact}}};
  for (const Case& c : cases)
    for (HalpernMethod m : c.methods) {
      const bool exact = c.problem == HalpernProblem::DroLeastSquares;
      CAPTURE(exact);
      CAPTURE(static_cast<int>(m));
      FiniteSumGame dense = dro_game(16, c.mu, 0.7, 5);
      if (!exact) {
        dense.problem = c.problem;
        dense.prepare(5);
      }
      FiniteSumGame sparse = dense;
      sparse.oracle = HalpernOracle::Sparse;
      sparse.prepare(5);
      REQUIRE(sparse.sparse());
      VecZ z0 = dense.start(-2.0, 2.0);
      if (!exact)  // the label flips inside the box, where the lazy block's closed form rounds differently from the steps
        for (size_t j = dense.head(); j < z0.size(); ++j) z0[j] = 0.9 * std::cos(static_cast<double>(j));
      HalpernState d = make_halpern_state(dense, m, z0), s = make_halpern_state(sparse, m, z0);
      klab::Rng rd(41, 0, 0), rs(41, 0, 0);
      double largest = 0.0;
      while (d.calls < 600.0) {
        halpern_step(dense, &d, rd);
        halpern_step(sparse, &s, rs);
        REQUIRE(s.calls == d.calls);
        REQUIRE(s.k == d.k);
        if (d.k % 7 != 0 && d.calls < 600.0) continue;
        settle(&s, sparse);  // (settling mid-epoch changes rounding only)
        for (size_t j = 0; j < d.point.size(); ++j) largest = std::max(largest, std::fabs(s.point[j] - d.point[j]));
      }
      if (exact) CHECK(largest == 0.0);
      else CHECK(largest < 1e-12);
      CHECK(norm_z(difference(d.point, z0)) > 1e-3);  // the runs moved
    }
}
