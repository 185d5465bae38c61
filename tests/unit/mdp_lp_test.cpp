// The dense simplex (src/mdp/simplex.hpp) on textbook linear programs with known optima, including a
// degenerate program on which Dantzig's rule cycles, equality and ≥ rows, negative right-hand
// sides, and infeasible and unbounded programs; duals are checked by strong duality and
// complementary slackness.
#include <doctest/doctest.h>

#include "core/rng.hpp"
#include "mdp/simplex.hpp"

namespace {

using namespace klab::mdp;

LinearProgram make(std::vector<double> c, std::vector<std::vector<double>> a, std::vector<Relation> rel, std::vector<double> b) {
  LinearProgram lp;
  lp.objective = Eigen::Map<Eigen::VectorXd>(c.data(), static_cast<long>(c.size()));
  lp.a.resize(static_cast<long>(a.size()), static_cast<long>(c.size()));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < c.size(); ++j) lp.a(static_cast<long>(i), static_cast<long>(j)) = a[i][j];
  lp.relation = std::move(rel);
  lp.b = Eigen::Map<Eigen::VectorXd>(b.data(), static_cast<long>(b.size()));
  return lp;
}

// bᵀy = cᵀx and complementary slackness: y_i (b_i − a_i x) = 0, x_j (a_jᵀy − c_j) = 0.
void check_duality(const LinearProgram& lp, const LpSolution& s) {
  CHECK(lp.b.dot(s.duals) == doctest::Approx(s.value).epsilon(1e-10));
  const Eigen::VectorXd slack = lp.b - lp.a * s.x;
  for (long i = 0; i < slack.size(); ++i) CHECK(std::fabs(s.duals[i] * slack[i]) <= 1e-9);
  const Eigen::VectorXd reduced = lp.a.transpose() * s.duals - lp.objective;
  for (long j = 0; j < reduced.size(); ++j) {
    CHECK(reduced[j] >= -1e-9);  // dual feasibility of a maximisation
    CHECK(std::fabs(s.x[j] * reduced[j]) <= 1e-9);
  }
}

}  // namespace

TEST_CASE("simplex: Chvátal's first example (optimum 13 at x = (2, 0, 1))") {
  const auto lp = make({5, 4, 3}, {{2, 3, 1}, {4, 1, 2}, {3, 4, 2}}, {Relation::LessEqual, Relation::LessEqual, Relation::LessEqual}, {5, 11, 8});
  const LpSolution s = solve_lp(lp);
  REQUIRE(s.status == LpStatus::Optimal);
  CHECK(s.value == doctest::Approx(13.0).epsilon(1e-14));
  CHECK(s.x[0] == doctest::Approx(2.0));
  CHECK(s.x[1] == doctest::Approx(0.0));
  CHECK(s.x[2] == doctest::Approx(1.0));
  check_duality(lp, s);
}

TEST_CASE("simplex: Beale's degenerate example, on which Dantzig's rule cycles, terminates at 5/4") {
  // E. M. L. Beale, "Cycling in the dual simplex algorithm", NRLQ 1955 (as in Chvátal 1983, ch. 3).
  const auto lp = make({0.75, -20, 0.5, -6}, {{0.25, -8, -1, 9}, {0.5, -12, -0.5, 3}, {0, 0, 1, 0}},
                       {Relation::LessEqual, Relation::LessEqual, Relation::LessEqual}, {0, 0, 1});
  const LpSolution s = solve_lp(lp);
  REQUIRE(s.status == LpStatus::Optimal);
  CHECK(s.value == doctest::Approx(1.25).epsilon(1e-13));  // at x = (1, 0, 1, 0)
  CHECK(s.x[0] == doctest::Approx(1.0));
  CHECK(s.x[2] == doctest::Approx(1.0));
  check_duality(lp, s);
}

TEST_CASE("simplex: equality and ≥ rows, negative right-hand sides") {
  // max x + y  s.t. x + 2y = 4, x ≤ 2, −x − y ≤ −1 (x + y ≥ 1): optimum 3 at (2, 1).
  const auto lp = make({1, 1}, {{1, 2}, {1, 0}, {-1, -1}}, {Relation::Equal, Relation::LessEqual, Relation::LessEqual}, {4, 2, -1});
  const LpSolution s = solve_lp(lp);
  REQUIRE(s.status == LpStatus::Optimal);
  CHECK(s.value == doctest::Approx(3.0));
  CHECK(s.x[0] == doctest::Approx(2.0));
  CHECK(s.x[1] == doctest::Approx(1.0));
  check_duality(lp, s);
  // min x + y (max −x − y) s.t. x + y ≥ 2, x − y = 0: optimum −2 at (1, 1).
  const auto lp2 = make({-1, -1}, {{1, 1}, {1, -1}}, {Relation::GreaterEqual, Relation::Equal}, {2, 0});
  const LpSolution s2 = solve_lp(lp2);
  REQUIRE(s2.status == LpStatus::Optimal);
  CHECK(s2.value == doctest::Approx(-2.0));
  CHECK(s2.duals[0] <= 1e-12);  // a ≥ row of a maximisation has y ≤ 0
  check_duality(lp2, s2);
}

TEST_CASE("simplex: a redundant equality row, and a degenerate vertex with ties in the ratio test") {
  // x + y = 1 twice (redundant), max 2x + y → 2 at (1, 0).
  const auto lp = make({2, 1}, {{1, 1}, {1, 1}}, {Relation::Equal, Relation::Equal}, {1, 1});
  const LpSolution s = solve_lp(lp);
  REQUIRE(s.status == LpStatus::Optimal);
  CHECK(s.value == doctest::Approx(2.0));
  // max x + y s.t. x ≤ 1, y ≤ 1, x + y ≤ 2 (three constraints tight at the optimum).
  const auto deg = make({1, 1}, {{1, 0}, {0, 1}, {1, 1}}, {Relation::LessEqual, Relation::LessEqual, Relation::LessEqual}, {1, 1, 2});
  const LpSolution d = solve_lp(deg);
  REQUIRE(d.status == LpStatus::Optimal);
  CHECK(d.value == doctest::Approx(2.0));
  CHECK(deg.b.dot(d.duals) == doctest::Approx(2.0));
}

TEST_CASE("simplex: infeasible and unbounded programs are recognised") {
  const auto infeasible = make({1, 1}, {{1, 1}, {1, 1}}, {Relation::LessEqual, Relation::GreaterEqual}, {1, 2});
  CHECK(solve_lp(infeasible).status == LpStatus::Infeasible);
  const auto infeasible_eq = make({1}, {{1}, {1}}, {Relation::Equal, Relation::Equal}, {1, 2});
  CHECK(solve_lp(infeasible_eq).status == LpStatus::Infeasible);
  const auto unbounded = make({1, 0}, {{1, -1}}, {Relation::LessEqual}, {1});
  CHECK(solve_lp(unbounded).status == LpStatus::Unbounded);
  CHECK(std::string(lp_status_name(LpStatus::Unbounded)) == "unbounded");
}

TEST_CASE("simplex: a random feasible bounded program satisfies strong duality") {
  klab::Rng rng(4, 0, 0);
  const int m = 12, n = 20;
  LinearProgram lp;
  lp.objective.resize(n);
  lp.a.resize(m, n);
  lp.b.resize(m);
  for (int j = 0; j < n; ++j) lp.objective[j] = rng.uniform();
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) lp.a(i, j) = rng.uniform();
    lp.b[i] = 1.0 + rng.uniform();
  }
  lp.relation.assign(m, Relation::LessEqual);
  const LpSolution s = solve_lp(lp);
  REQUIRE(s.status == LpStatus::Optimal);
  CHECK((lp.a * s.x - lp.b).maxCoeff() <= 1e-12);
  check_duality(lp, s);
}
