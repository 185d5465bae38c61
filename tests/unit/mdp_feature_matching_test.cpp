// mdp.irl's feature-matching baseline (src/mdp/feature_matching.hpp): Abbeel & Ng's projection
// algorithm on the exact expert feature expectations.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "mdp/feature_matching.hpp"
#include "mdp/irl_experiment.hpp"
#include "mdp/occupancy.hpp"

TEST_CASE("feature matching: on the exact μ_E the projection's ‖μ_E − μ̄^(i)‖ never increases, stays under Abbeel–Ng's bound and reaches 0.1 within 100 iterations; μ̄ is the mixture's") {
  // mdp.irl's default world (5 × 5 grid, H = 10, d = 4 features, world seed 2). μ_E is achievable (the
  // expert is a policy), so with w = μ_E − μ̄ and π^(i) optimal for wᵀφ, wᵀ(μ(π^(i)) − μ̄) ≥ ‖w‖², and the
  // projection gives (Abbeel & Ng 2004, the projection algorithm's convergence argument)
  //   1/t_{i+1}² ≥ 1/t_i² + 1/D²,  so  t_i ≤ (1/t_0² + i/D²)^(−1/2),
  // D the diameter of the achievable μ: the features are indicators of disjoint groups, so Σ_j μ_j ≤ H
  // and D ≤ √2·H. The bound needs D²/ε² = 20,000 iterations for ε = 0.1; we assert the measured pace
  // (about 55 iterations here) with a margin: 100.
  const klab::mdp::IrlParams params;
  const klab::mdp::IrlProblem p = klab::mdp::irl_problem(params).value();
  const std::vector<double> expert = klab::mdp::soft_optimal_policy(p.mdp, p.true_reward);
  const Eigen::VectorXd mu_e = klab::mdp::feature_expectations(p.mdp, p.phi, klab::mdp::occupancy_finite(p.mdp, expert));
  klab::mdp::ProjectionFeatureMatching fm(p.mdp, p.phi, mu_e);
  const double diameter = std::sqrt(2.0) * params.horizon, first = fm.distance();
  double previous = first;
  int reached = -1;
  for (int i = 1; i <= 100 && reached < 0; ++i) {
    fm.iterate();
    CHECK(fm.distance() <= previous + 1e-12);
    CHECK(fm.distance() <= 1.0 / std::sqrt(1.0 / (first * first) + i / (diameter * diameter)) + 1e-12);
    previous = fm.distance();
    if (previous <= 0.1) reached = i;
  }
  MESSAGE("‖μ_E − μ̄‖: " << first << " at π^(0), " << previous << " after " << fm.iterations() << " iterations");
  CHECK(reached > 0);
  CHECK_FALSE(fm.stalled());  // within reach the margin keeps falling
  // The output mixture: weights in the simplex, and its occupancy's feature expectations are μ̄.
  const std::vector<double>& w = fm.weights();
  CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(1.0).epsilon(1e-12));
  for (double l : w) CHECK(l >= 0.0);
  CHECK((klab::mdp::feature_expectations(p.mdp, p.phi, fm.occupancy()) - fm.mu_bar()).norm() <= 1e-9);
}

TEST_CASE("feature matching: out of reach (μ_E = 2·μ(expert)) the projection stalls above its floor and stops") {
  // No policy reaches Σ_j μ_j > H (disjoint indicator features), so ‖μ_E − μ̄‖ ≥ (Σ_j μ_E,j − H)/√d: the
  // margin cannot reach ε, and the projection must report a stall (ProjectionFeatureMatching::stalled,
  // tolerance kProjectionStall·H) instead of running to its iteration cap.
  const klab::mdp::IrlParams params;
  const klab::mdp::IrlProblem p = klab::mdp::irl_problem(params).value();
  const std::vector<double> expert = klab::mdp::soft_optimal_policy(p.mdp, p.true_reward);
  const Eigen::VectorXd mu_e = 2.0 * klab::mdp::feature_expectations(p.mdp, p.phi, klab::mdp::occupancy_finite(p.mdp, expert));
  klab::mdp::ProjectionFeatureMatching fm(p.mdp, p.phi, mu_e);
  const double floor = (mu_e.sum() - params.horizon) / std::sqrt(static_cast<double>(p.phi.cols()));
  REQUIRE(floor > params.fm_epsilon);
  while (!fm.stalled() && fm.iterations() < 2000) fm.iterate();
  MESSAGE("stalled after " << fm.iterations() << " iterations at ‖μ_E − μ̄‖ = " << fm.distance() << " (floor " << floor << ")");
  CHECK(fm.stalled());
  CHECK(fm.iterations() < params.fm_iterations);  // before mdp.irl's cap
  CHECK(fm.distance() >= floor - 1e-9);
  const double at = fm.distance();
  const int iterations = fm.iterations();
  fm.iterate();  // a stalled projection stays where it is
  CHECK(fm.iterations() == iterations);
  CHECK(fm.distance() == at);
}
