// Known answers of optim.halpern's two experiments of the paper itself (src/optim/halpern_matrix_game.hpp, halpern_qp.hpp):
// the matrices as the authors' scripts build them, the components averaging to F, monotonicity (the matrix game's F skew,
// the QP's ⟨F(u) − F(v), u − v⟩ = ΔxᵀHΔx ≥ 0), L_lip and L_avg bounding the operator on random pairs (L_avg attained), the
// simplex projection against its variational characterisation and a sort-based projection, the matrix game's distance bound
// D(z₀) and the QP's closed-form z*.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "core/rng.hpp"
#include "optim/halpern.hpp"
#include "optim/mixture.hpp"

using namespace klab::optim;

namespace {

FiniteSumGame paper_game(HalpernProblem problem, long long n, uint64_t seed = 3) {
  FiniteSumGame g;
  g.problem = problem;
  g.n = n;
  g.prepare(seed);
  return g;
}

VecZ random_point(const FiniteSumGame& g, klab::Rng& rng) {
  VecZ z(g.dimension());
  for (double& v : z) v = 2.0 * rng.uniform() - 1.0;
  return z;
}

// (1/n) Σ_i ‖F_i(u) − F_i(v)‖²
double mean_square_component_gap(const FiniteSumGame& g, const VecZ& u, const VecZ& v) {
  double s = 0.0;
  for (long long i = 0; i < g.n; ++i) s += std::pow(norm_z(difference(g.component(i, u), g.component(i, v))), 2);
  return s / static_cast<double>(g.n);
}

void check_components_and_constants(const FiniteSumGame& g, bool skew) {
  klab::Rng rng(7, 0, 0);
  for (int t = 0; t < 50; ++t) {
    const VecZ u = random_point(g, rng), v = random_point(g, rng);
    VecZ mean(g.dimension(), 0.0);
    for (long long i = 0; i < g.n; ++i) {
      const VecZ fi = g.component(i, u);
      for (size_t j = 0; j < mean.size(); ++j) mean[j] += fi[j] / static_cast<double>(g.n);
    }
    CHECK(distance(mean, g.full(u)) < 1e-12);
    const VecZ df = difference(g.full(u), g.full(v)), dz = difference(u, v);
    const double inner = dot_z(df, dz);
    if (skew) CHECK(std::fabs(inner) < 1e-12);
    else CHECK(inner >= -1e-12);
    CHECK(norm_z(df) <= g.lipschitz() * norm_z(dz) * (1 + 1e-9));
    CHECK(mean_square_component_gap(g, u, v) <= std::pow(g.average_lipschitz() * norm_z(dz), 2) * (1 + 1e-9));
  }
  // L_avg is attained on one coordinate direction.
  double best = 0.0;
  const VecZ zero(g.dimension(), 0.0);
  for (size_t j = 0; j < g.dimension(); ++j) {
    VecZ e(g.dimension(), 0.0);
    e[j] = 1.0;
    best = std::max(best, mean_square_component_gap(g, e, zero));
  }
  if (skew) CHECK(std::sqrt(best) == doctest::Approx(g.average_lipschitz()).epsilon(1e-12));
  else CHECK(std::sqrt(best) <= g.average_lipschitz() * (1 + 1e-12));  // the QP's is attained on a 2-D subspace (tested below)
}

// Sort-based Euclidean projection onto the probability simplex (Held–Wolfe–Crowder), written out independently.
std::vector<double> sorted_projection(std::vector<double> y) {
  std::vector<double> u = y;
  std::sort(u.begin(), u.end(), std::greater<>());
  double sum = 0.0, tau = 0.0;
  for (size_t k = 0; k < u.size(); ++k) {
    sum += u[k];
    const double t = (sum - 1.0) / static_cast<double>(k + 1);
    if (u[k] > t) tau = t;
  }
  for (double& v : y) v = std::max(0.0, v - tau);
  return y;
}

}  // namespace

TEST_CASE("optim.halpern matrix_game: the script's policeman-and-burglar matrix, components, skew F, constants, projection, D(z₀)") {
  const FiniteSumGame g = paper_game(HalpernProblem::MatrixGame, 7);
  const PolicemanBurglar game(7, 3);  // the same data as g's (n, seed)
  for (long long i = 0; i < 7; ++i)
    for (long long j = 0; j < 7; ++j)
      CHECK(game.a[i * 7 + j] == doctest::Approx(game.wealth[j] * (1.0 - std::exp(-0.8 * std::fabs(static_cast<double>(i - j))))).epsilon(1e-14));
  check_components_and_constants(g, true);
  CHECK(g.cocoercivity() == klab::kInf);
  // The projection: on the simplex, equal to the sort-based one, and ⟨y − Π y, q − Π y⟩ ≤ 0 for points q of the simplex.
  klab::Rng rng(11, 0, 0);
  for (int t = 0; t < 100; ++t) {
    std::vector<double> y(9);
    for (double& v : y) v = 3.0 * rng.uniform() - 1.0;
    std::vector<double> p = y;
    project_truncated_simplex(p.data(), 9, 0.0);  // δ = 0: the probability simplex
    const std::vector<double> ref = sorted_projection(y);
    double total = 0.0;
    for (size_t j = 0; j < p.size(); ++j) {
      CHECK(p[j] >= 0.0);
      CHECK(p[j] == doctest::Approx(ref[j]).epsilon(1e-13));
      total += p[j];
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-13));
    for (int s = 0; s < 10; ++s) {
      std::vector<double> q(9);
      double sq = 0.0;
      for (double& v : q) v = -std::log(1.0 - rng.uniform()), sq += v;
      double inner = 0.0;
      for (size_t j = 0; j < q.size(); ++j) inner += (y[j] - p[j]) * (q[j] / sq - p[j]);
      CHECK(inner <= 1e-12);
    }
  }
  // The start is the uniform pair, z* is not computed, and D(z₀) = √(2(1 − 1/n)) bounds ‖z₀ − z‖ over all of C.
  const VecZ z0 = g.start(-2.0, 2.0);
  CHECK(z0[0] == doctest::Approx(1.0 / 7.0));
  CHECK(g.solution().size() == 0);
  CHECK(g.solution_distance(z0) == doctest::Approx(std::sqrt(2.0 * (1.0 - 1.0 / 7.0))));
  for (int t = 0; t < 50; ++t) {
    VecZ z = random_point(g, rng);
    g.constrain(&z);
    CHECK(distance(z0, z) <= g.solution_distance(z0) + 1e-12);
  }
}

TEST_CASE("optim.halpern quadratic_program: the script's A, H = 2AᵀA, b, h; components; monotone; constants; z* = (1 … n, −½)") {
  const long long n = 6;
  const FiniteSumGame g = paper_game(HalpernProblem::QuadraticProgram, n);
  const HardQuadratic qp(n);
  // Dense A as the script writes it, H = 2AᵀA, and F(z) = (Hx − h − Aᵀy, Ax − b) written out.
  std::vector<double> a(n * n, 0.0), hm(n * n, 0.0);
  for (long long i = 0; i < n; ++i) {
    a[i * n + (n - 1 - i)] = 0.25;
    if (i < n - 1) a[i * n + (n - 2 - i)] = -0.25;
  }
  for (long long j = 0; j < n; ++j)
    for (long long k = 0; k < n; ++k)
      for (long long i = 0; i < n; ++i) hm[j * n + k] += 2.0 * a[i * n + j] * a[i * n + k];
  CHECK(hm[0] == doctest::Approx(0.25));
  CHECK(hm[1] == doctest::Approx(-0.125));
  CHECK(hm[(n - 1) * n + n - 1] == doctest::Approx(0.125));
  klab::Rng rng(5, 0, 0);
  for (int t = 0; t < 20; ++t) {
    const VecZ z = random_point(g, rng), f = g.full(z);
    for (long long j = 0; j < n; ++j) {
      double fx = (j == n - 1 ? -0.25 : 0.0), fy = -0.25;
      for (long long k = 0; k < n; ++k) fx += hm[j * n + k] * z[k] - a[k * n + j] * z[n + k], fy += a[j * n + k] * z[k];
      CHECK(f[j] == doctest::Approx(fx).epsilon(1e-13));
      CHECK(f[n + j] == doctest::Approx(fy).epsilon(1e-13));
    }
  }
  check_components_and_constants(g, false);
  CHECK(g.lipschitz() == doctest::Approx(1.0));
  // L_avg is attained by the 2-D block (Δx_i, Δy_i) of the worst i: the top eigenvector of its 2 × 2 Gram matrix.
  double best = 0.0;
  for (long long i = 0; i < n; ++i)
    for (int s = 0; s < 360; ++s) {
      VecZ e(g.dimension(), 0.0);
      e[i] = std::cos(s * klab::kPi / 180.0), e[n + i] = std::sin(s * klab::kPi / 180.0);
      best = std::max(best, mean_square_component_gap(g, e, VecZ(g.dimension(), 0.0)));
    }
  CHECK(std::sqrt(best) == doctest::Approx(g.average_lipschitz()).epsilon(1e-4));
  CHECK(norm_z(g.full(g.solution())) < 1e-13);
  CHECK(g.solution()[n - 1] == doctest::Approx(static_cast<double>(n)));
  CHECK(g.solution()[n] == doctest::Approx(-0.5));
  CHECK(g.residual(g.start(0.0, 0.0)) == doctest::Approx(norm_z(g.full(g.start(0.0, 0.0)))));
}
