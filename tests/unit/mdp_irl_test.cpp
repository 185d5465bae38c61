// mdp.irl's estimator against known answers: the analytic gradient of the IRL loss equals finite
// differences, the population MLE recovers θ* when well specified, the trajectory KL is zero for
// equal policies and ½δᵀHδ to second order, sampled visit counts follow the exact occupancy, a
// painted grid's features reproduce its reward (with wind too: the wind changes only the kernel), and bad
// parameters are refused with the parameter named.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "mdp/grid_edit.hpp"
#include "mdp/irl.hpp"
#include "mdp/irl_experiment.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/occupancy.hpp"
#include "test_util.hpp"

namespace mdp = klab::mdp;
using klab::test::contains;

namespace {

mdp::IrlProblem problem(double slip, double misspecification) {
  mdp::IrlParams p;
  p.slip = slip;
  p.misspecification = misspecification;
  klab::Expected<mdp::IrlProblem> built = mdp::irl_problem(p);
  REQUIRE_MESSAGE(built.ok(), built.status().message());
  return built.value();
}

std::vector<double> policy_of(const mdp::IrlProblem& p, const Eigen::VectorXd& theta) {
  const Eigen::VectorXd r = p.phi * theta;
  return mdp::soft_optimal_policy(p.mdp, std::vector<double>(r.data(), r.data() + r.size()));
}

}  // namespace

TEST_CASE("IRL loss: the analytic gradient (feature expectations) equals central differences, deterministic and slippery") {
  for (double slip : {0.0, 0.3}) {
    const mdp::IrlProblem p = problem(slip, 0.0);
    const std::vector<double> w = mdp::occupancy_finite(p.mdp, mdp::soft_optimal_policy(p.mdp, p.true_reward));
    Eigen::VectorXd theta(p.features);
    for (int j = 0; j < p.features; ++j) theta[j] = 0.3 * j - 0.4;
    Eigen::VectorXd grad;
    mdp::irl_loss(p, w, theta, &grad);
    for (int j = 0; j < p.features; ++j) {
      Eigen::VectorXd up = theta, down = theta;
      up[j] += 1e-6, down[j] -= 1e-6;
      const double fd = (mdp::irl_loss(p, w, up, nullptr) - mdp::irl_loss(p, w, down, nullptr)) / 2e-6;
      CHECK(grad[j] == doctest::Approx(fd).epsilon(1e-6));
    }
  }
}

TEST_CASE("IRL MLE: the population fit recovers θ*; KL is 0 at θ*, positive elsewhere and ½δᵀHδ to second order") {
  const mdp::IrlProblem p = problem(0.0, 0.0);
  const std::vector<double> expert = mdp::soft_optimal_policy(p.mdp, p.true_reward);
  const std::vector<double> w = mdp::occupancy_finite(p.mdp, expert);
  const Eigen::VectorXd fit = mdp::fit_irl_mle(p, w, Eigen::VectorXd::Zero(p.features), 5.0);
  CHECK((fit - p.theta_star).norm() < 1e-7);
  CHECK(std::abs(mdp::trajectory_kl(p.mdp, expert, policy_of(p, p.theta_star))) < 1e-12);
  const Eigen::MatrixXd h = mdp::irl_hessian(p, w, p.theta_star);
  Eigen::VectorXd delta(p.features);
  for (int j = 0; j < p.features; ++j) delta[j] = 1e-3 * (j % 2 ? 1.0 : -0.7);
  const double kl = mdp::trajectory_kl(p.mdp, expert, policy_of(p, p.theta_star + delta));
  CHECK(kl > 0.0);
  CHECK(kl == doctest::Approx(0.5 * delta.dot(h * delta)).epsilon(0.01));
  // Misspecified: θ† differs from θ* and the best KL in the class stays positive.
  const mdp::IrlProblem q = problem(0.0, 0.5);
  const std::vector<double> expert_q = mdp::soft_optimal_policy(q.mdp, q.true_reward);
  const Eigen::VectorXd best = mdp::fit_irl_mle(q, mdp::occupancy_finite(q.mdp, expert_q), Eigen::VectorXd::Zero(q.features), 5.0);
  const double best_kl = mdp::trajectory_kl(q.mdp, expert_q, policy_of(q, best));
  CHECK(best_kl > 1e-3);
  CHECK(best_kl <= mdp::trajectory_kl(q.mdp, expert_q, policy_of(q, q.theta_star)));
}

TEST_CASE("expert trajectories: n per stage, frequencies near the exact occupancy; behaviour cloning without data is uniform") {
  const mdp::IrlProblem p = problem(0.2, 0.0);
  const std::vector<double> expert = mdp::soft_optimal_policy(p.mdp, p.true_reward);
  const std::vector<double> mu = mdp::occupancy_finite(p.mdp, expert);
  std::vector<double> counts(mu.size(), 0.0);
  const int n = 20000;
  mdp::sample_trajectories(p.mdp, expert, 3, 0, 7, 0, n / 2, counts);
  mdp::sample_trajectories(p.mdp, expert, 3, 0, 7, n / 2, n, counts);  // in two pieces: the same as one
  std::vector<double> whole(mu.size(), 0.0);
  mdp::sample_trajectories(p.mdp, expert, 3, 0, 7, 0, n, whole);
  CHECK(whole == counts);
  const int n_sa = p.mdp.pairs();
  for (int h = 0; h < p.mdp.horizon; ++h) {
    double total = 0.0;
    for (int i = 0; i < n_sa; ++i) {
      const double f = counts[static_cast<size_t>(h) * n_sa + i] / n, m = mu[static_cast<size_t>(h) * n_sa + i];
      total += counts[static_cast<size_t>(h) * n_sa + i];
      CHECK(std::abs(f - m) <= 5.0 * std::sqrt(m * (1 - m) / n) + 1e-12);
    }
    CHECK(total == n);
  }
  const std::vector<double> bc = mdp::behaviour_cloning(p.mdp, std::vector<double>(mu.size(), 0.0));
  for (double x : bc) CHECK(x == doctest::Approx(0.25));
}

TEST_CASE("mdp.irl parameters: n_min ≥ n_max and too many features are refused, naming the parameter") {
  mdp::IrlExperiment e;
  CHECK(contains(e.params().set_texts({{"n_min", "500"}, {"n_max", "100"}}).message(), "n_min: must be below n_max"));
  CHECK(contains(e.params().set_texts({{"size", "2"}, {"features", "4"}}).message(), "features: must be below the number of cells"));
  CHECK(e.params().set_texts({{"n_min", "10"}, {"n_max", "100"}}).ok());
}

TEST_CASE("mdp.irl on a painted grid: one feature per distinct cell value, θ* = the values, Φθ* = the painted world's r − c exactly") {
  mdp::GridSpec g = mdp::blank_grid(4, 5);  // start top left, goal (reward 1) bottom right
  g.rows[1] = ".#H..";
  REQUIRE(mdp::paint(g, 2, 1, mdp::Brush::Reward, 0.5));
  REQUIRE(mdp::paint(g, 0, 3, mdp::Brush::Cost, 2.0));
  REQUIRE(mdp::paint(g, 2, 3, mdp::Brush::Reward, 1.0));  // the goal's value again: the same feature
  mdp::IrlParams p;
  p.grid = mdp::grid_param_text(g);
  p.slip = 0.2;
  p.horizon = 6;
  mdp::GridLayout layout;
  const klab::Expected<mdp::IrlProblem> built = mdp::irl_problem(p, &layout);
  REQUIRE_MESSAGE(built.ok(), built.status().message());
  const mdp::IrlProblem& pr = built.value();
  CHECK(layout.rows == 4);
  CHECK(layout.cols == 5);
  REQUIRE(pr.features == 4);  // −2 (cost cell), −1 (hazard), 0.5, 1 (goal and the reward cell)
  CHECK(pr.theta_star[0] == -2.0);
  CHECK(pr.theta_star[1] == -1.0);
  CHECK(pr.theta_star[2] == 0.5);
  CHECK(pr.theta_star[3] == 1.0);
  g.slip = 0.2, g.discount = 1.0, g.horizon = 6;
  const klab::Expected<mdp::Grid> world = mdp::build_gridworld(g);
  REQUIRE(world.ok());
  const mdp::Mdp& m = world.value().mdp;
  REQUIRE(pr.mdp.pairs() == m.pairs());
  CHECK(pr.mdp.next_state == m.next_state);
  const Eigen::VectorXd r = pr.phi * pr.theta_star;
  double worst = 0.0;
  for (int i = 0; i < m.pairs(); ++i) {
    worst = std::max(worst, std::fabs(r[i] - (m.reward[static_cast<size_t>(i)] - m.cost[static_cast<size_t>(i)])));
    CHECK(pr.true_reward[static_cast<size_t>(i)] == r[i]);
  }
  CHECK(worst < 1e-12);
  // Refused, naming the grid: nothing to show, a value outside the class, no plain cell.
  mdp::IrlExperiment e;
  CHECK(e.params().set_texts({{"grid", mdp::grid_param_text(g)}, {"slip", "0.2"}}).ok());
  mdp::GridSpec empty = mdp::blank_grid(3, 3);
  empty.goal_reward = 0.0;
  CHECK(contains(e.params().set_texts({{"grid", mdp::grid_param_text(empty)}}).message(), "parameter 'grid': no cell pays"));
  mdp::GridSpec big = mdp::blank_grid(3, 3);
  big.goal_reward = 50.0;
  CHECK(contains(e.params().set_texts({{"grid", mdp::grid_param_text(big)}}).message(), "raise theta_bound"));
  CHECK(e.params().set_texts({{"grid", mdp::grid_param_text(big)}, {"theta_bound", "50"}}).ok());
  mdp::GridSpec full = mdp::blank_grid(2, 2);
  full.step_reward = -0.1;
  CHECK(contains(e.params().set_texts({{"grid", mdp::grid_param_text(full)}}).message(), "no open cell pays 0"));
}

TEST_CASE("mdp.irl with wind: a push one cell north after a move, in the default grid and a painted one; features and θ* unchanged; the population MLE still recovers θ*") {
  mdp::IrlParams p;  // 5 × 5, start (4, 0) = cell and state 20, slip 0
  const klab::Expected<mdp::IrlProblem> calm = mdp::irl_problem(p);
  p.wind = 0.3;
  const klab::Expected<mdp::IrlProblem> windy = mdp::irl_problem(p);
  REQUIRE(calm.ok());
  REQUIRE(windy.ok());
  const mdp::Mdp& m = windy.value().mdp;
  const auto prob = [&](int s, int a, int t) {
    const int i = m.first_pair[s] + a;
    for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
      if (m.next_state[e] == t) return m.next_prob[static_cast<size_t>(e)];
    return 0.0;
  };
  CHECK(prob(20, 1, 21) == doctest::Approx(0.7).epsilon(1e-15));  // east, then
  CHECK(prob(20, 1, 16) == doctest::Approx(0.3).epsilon(1e-15));  // pushed north
  CHECK(prob(2, 0, 2) == 1.0);                                    // top row, north: blocked twice
  for (int i = 0; i < m.pairs(); ++i) {
    double total = 0.0;
    for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) total += m.next_prob[static_cast<size_t>(e)];
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
  CHECK(windy.value().phi == calm.value().phi);  // indicators of the current cell
  CHECK(windy.value().theta_star == calm.value().theta_star);
  CHECK(windy.value().true_reward == calm.value().true_reward);
  const mdp::IrlProblem& pr = windy.value();
  const std::vector<double> w = mdp::occupancy_finite(pr.mdp, mdp::soft_optimal_policy(pr.mdp, pr.true_reward));
  CHECK((mdp::fit_irl_mle(pr, w, Eigen::VectorXd::Zero(pr.features), 5.0) - pr.theta_star).norm() < 1e-7);

  // A painted grid: φ_j = P(X ∈ group j | s, a) with the wind, so Φθ* is still the windy world's r − c.
  mdp::GridSpec g = mdp::blank_grid(4, 5);
  g.rows[1] = ".#H..";
  p.grid = mdp::grid_param_text(g);
  p.horizon = 6;
  const klab::Expected<mdp::IrlProblem> painted = mdp::irl_problem(p);
  REQUIRE_MESSAGE(painted.ok(), painted.status().message());
  g.wind = 0.3, g.discount = 1.0, g.horizon = 6;
  const mdp::Mdp world = mdp::build_gridworld(g).value().mdp;
  REQUIRE(painted.value().mdp.pairs() == world.pairs());
  CHECK(painted.value().mdp.next_prob == world.next_prob);
  const Eigen::VectorXd r = painted.value().phi * painted.value().theta_star;
  double worst = 0.0;
  for (int i = 0; i < world.pairs(); ++i) worst = std::max(worst, std::fabs(r[i] - (world.reward[static_cast<size_t>(i)] - world.cost[static_cast<size_t>(i)])));
  CHECK(worst < 1e-12);
  // The parameter: in [0, 1], refused by name, with or without a grid.
  mdp::IrlExperiment e;
  CHECK(contains(e.params().set_texts({{"wind", "1.5"}}).message(), "parameter 'wind' must be"));
  CHECK(e.params().set_texts({{"wind", "0.2"}}).ok());
  CHECK(e.params().set_texts({{"grid", p.grid}, {"wind", "1"}}).ok());
}
