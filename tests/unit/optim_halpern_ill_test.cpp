// Known answers of optim.halpern's ill-conditioned finite-sum game in ℝ⁸ (src/optim/halpern.hpp, problem
// ill_conditioned): the components average to F for every n ≥ 3, z* solves F(z*) = 0, F is monotone (strongly for
// μ > 0), the mean coupling has condition number κ, and the constants the methods use (L_lip, L_avg, and for μ > 0
// L_F, L) are upper bounds on random pairs, attained on the fastest singular pair.
#include <doctest/doctest.h>

#include <cmath>

#include "core/rng.hpp"
#include "optim/halpern.hpp"

using namespace klab::optim;

namespace {

FiniteSumGame ill_game(long long n, double mu, double kappa) {
  FiniteSumGame g;
  g.problem = HalpernProblem::IllConditioned;
  g.n = n;
  g.mu = mu;
  g.coupling = 0.8;
  g.spread = 1.2;
  g.condition = kappa;
  g.prepare();
  return g;
}

VecZ random_point(klab::Rng& rng) {
  VecZ z(8);
  for (double& x : z) x = 6.0 * rng.uniform() - 3.0;
  return z;
}

VecZ minus(const VecZ& a, const VecZ& b) {
  VecZ r(a.size());
  for (size_t j = 0; j < r.size(); ++j) r[j] = a[j] - b[j];
  return r;
}

double dot(const VecZ& a, const VecZ& b) {
  double s = 0.0;
  for (size_t j = 0; j < a.size(); ++j) s += a[j] * b[j];
  return s;
}

}  // namespace

TEST_CASE("optim.halpern ill_conditioned: the components average to F for every n ≥ 3, F(z*) = 0, and Ā has condition number κ") {
  klab::Rng rng(91, 0, 0);
  for (double kappa : {1.0, 30.0, 1000.0})
    for (long long n : {3LL, 4LL, 17LL, 1000LL}) {
      CAPTURE(kappa);
      CAPTURE(n);
      const FiniteSumGame g = ill_game(n, 0.0, kappa);
      const VecZ z = random_point(rng);
      VecZ sum(8, 0.0);
      for (long long i = 0; i < n; ++i) {
        const VecZ f = g.component(i, z);
        for (size_t j = 0; j < sum.size(); ++j) sum[j] += f[j];
      }
      const VecZ full = g.full(z);
      for (size_t j = 0; j < sum.size(); ++j) CHECK(std::fabs(sum[j] / static_cast<double>(n) - full[j]) <= 1e-12 * (1.0 + std::fabs(full[j])));
      CHECK(norm_z(g.full(g.solution())) < 1e-14);
      // μ = 0: ‖F(z* + e_x,j) − F(z*)‖ = σ_j, the j-th singular value of Ā.
      VecZ first = g.solution(), last = g.solution();
      first[0] += 1.0, last[3] += 1.0;
      CHECK(norm_z(g.full(first)) / norm_z(g.full(last)) == doctest::Approx(kappa).epsilon(1e-12));
    }
}

TEST_CASE("optim.halpern ill_conditioned: F is monotone and L_lip, L_avg (and for μ > 0 L_F, L) are upper bounds, attained on the fastest pair") {
  klab::Rng rng(92, 0, 0);
  for (double mu : {0.0, 0.2}) {
    CAPTURE(mu);
    const FiniteSumGame g = ill_game(40, mu, 30.0);
    for (int pair = 0; pair < 200; ++pair) {
      const VecZ u = random_point(rng), v = random_point(rng), d = minus(u, v);
      const VecZ df = minus(g.full(u), g.full(v));
      const double inner = dot(df, d), dd = dot(d, d);
      CHECK(inner >= mu * dd - 1e-12 * dd);  // ⟨F(u) − F(v), u − v⟩ ≥ μ‖u − v‖² (= 0 for μ = 0: monotone)
      CHECK(norm_z(df) <= g.lipschitz() * std::sqrt(dd) * (1 + 1e-12));
      double spread = 0.0;
      for (long long i = 0; i < g.n; ++i) {
        const VecZ di = minus(g.component(i, u), g.component(i, v));
        spread += dot(di, di);
      }
      spread /= static_cast<double>(g.n);
      CHECK(spread <= g.average_lipschitz() * g.average_lipschitz() * dd * (1 + 1e-12));
      if (mu > 0) {
        CHECK(dot(df, df) <= g.cocoercivity() * inner * (1 + 1e-12));  // 1/L_F-cocoercive
        CHECK(spread <= g.average_cocoercivity() * inner * (1 + 1e-12));  // L-cocoercive on average
      }
    }
    // Equality on the fastest pair (x₁, y₁): the constants are the tight ones.
    VecZ u = g.solution(), v = g.solution();
    u[0] += 1.0, u[4] -= 0.5;
    const VecZ d = minus(u, v), df = minus(g.full(u), g.full(v));
    CHECK(norm_z(df) == doctest::Approx(g.lipschitz() * norm_z(d)).epsilon(1e-12));
    double spread = 0.0;
    for (long long i = 0; i < g.n; ++i) {
      const VecZ di = minus(g.component(i, u), g.component(i, v));
      spread += dot(di, di);
    }
    CHECK(spread / static_cast<double>(g.n) == doctest::Approx(g.average_lipschitz() * g.average_lipschitz() * dot(d, d)).epsilon(1e-12));
  }
}
