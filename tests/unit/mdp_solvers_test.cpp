// The mdp chapter's exact solvers against known answers and against each other: closed-form values
// of tiny MDPs, the fast Bellman sweep against the literal backup, value iteration's residual
// bounds at every step, VI = PI = LP, the linear-solve evaluation against the iterative one,
// occupancy-measure identities, soft VI's bias bound, the Taylor expansion of discount factors,
// MDPO's limit and the softmax policy gradient against finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "mdp/evaluation.hpp"
#include "mdp/lp.hpp"
#include "mdp/occupancy.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/policy_optimization.hpp"
#include "mdp/presets.hpp"
#include "mdp/soft_vi.hpp"
#include "mdp/value_iteration.hpp"

namespace {

using namespace klab::mdp;

// State 0: "stay" (reward 1, stays) or "go" (reward 0, to state 1); state 1: one action, reward 2, stays.
Mdp two_state(double gamma) {
  MdpBuilder b;
  b.add_state();
  b.add_action(1.0);
  b.add_next(0, 1.0);
  b.add_action(0.0);
  b.add_next(1, 1.0);
  b.add_state();
  b.add_action(2.0);
  b.add_next(1, 1.0);
  return b.finish({1.0, 0.0}, gamma, 0);
}

std::vector<Mdp> test_mdps() {
  std::vector<Mdp> out;
  klab::Rng rng(11, 0, 0);
  out.push_back(random_mdp(30, 4, 5, rng));
  out.push_back(random_mdp(8, 3, 8, rng));
  Mdp rs = river_swim(6);
  rs.discount = 0.9;
  out.push_back(rs);
  out.push_back(chain(5, 0.2));
  out.push_back(build_gridworld(hazard_maze_spec()).value().mdp);
  GridSpec windy = four_rooms_spec();
  windy.slip = 0.1, windy.wind = 0.2;
  out.push_back(build_gridworld(windy).value().mdp);
  out.push_back(build_gridworld(cliff_spec()).value().mdp);
  return out;
}

double max_abs(const Eigen::VectorXd& v) { return v.lpNorm<Eigen::Infinity>(); }

}  // namespace

TEST_CASE("closed forms: one absorbing state, and the two-state MDP whose optimum waits") {
  MdpBuilder b;
  b.add_state();
  b.add_action(3.0);
  b.add_next(0, 1.0);
  const Mdp one = b.finish({1.0}, 0.8, 0);
  REQUIRE(check_mdp(one).ok());
  CHECK(solve_optimal(one).v[0] == doctest::Approx(3.0 / 0.2).epsilon(1e-14));
  for (double gamma : {0.3, 0.9}) {
    CAPTURE(gamma);
    const Mdp m = two_state(gamma);
    const Optimum o = solve_optimal(m);
    // V*(1) = 2/(1−γ); V*(0) = max(1/(1−γ), 2γ/(1−γ)): wait for the larger reward iff γ > 1/2.
    CHECK(o.v[1] == doctest::Approx(2.0 / (1 - gamma)).epsilon(1e-13));
    CHECK(o.v[0] == doctest::Approx(std::max(1.0, 2.0 * gamma) / (1 - gamma)).epsilon(1e-13));
    CHECK(o.actions[0] == (gamma > 0.5 ? 1 : 0));
  }
}

TEST_CASE("Bellman sweep equals the reference backup to rounding") {
  for (const Mdp& m : test_mdps()) {
    klab::Rng rng(3, 0, 0);
    Eigen::VectorXd v(m.states);
    for (int s = 0; s < m.states; ++s) v[s] = 10.0 * rng.uniform() - 5.0;
    for (int k = 0; k < 5; ++k) {
      const Eigen::VectorXd ref = bellman_backup_reference(m, v);
      Eigen::VectorXd fast(m.states);
      std::vector<int> greedy(static_cast<size_t>(m.states));
      const double change = bellman_sweep(view(m), v.data(), fast.data(), greedy.data());
      for (int s = 0; s < m.states; ++s) REQUIRE(std::fabs(fast[s] - ref[s]) <= 1e-14 * (1.0 + std::fabs(ref[s])));
      CHECK(change == doctest::Approx((ref - v).lpNorm<Eigen::Infinity>()).epsilon(1e-12));
      CHECK(greedy == greedy_actions(m, q_from_v(m, v, m.reward)));  // random rewards: no exact ties
      v = fast;
    }
  }
}

TEST_CASE("value iteration: the residual bounds hold at every iteration and VI, PI and the LP agree") {
  for (const Mdp& m : test_mdps()) {
    CAPTURE(m.states);
    const Optimum o = solve_optimal(m);
    const double g = m.discount;
    int iterations = 0;
    value_iteration(m, 1e-12, 20000, [&](int k, const Eigen::VectorXd& v, double change) {
      iterations = k;
      const double err = max_abs(v - o.v), slack = 1e-9 * (1.0 + max_abs(o.v));
      CHECK(err <= g / (1 - g) * change + slack);  // ‖V_k − V*‖ ≤ γ/(1−γ)‖V_k − V_{k−1}‖
      const Eigen::VectorXd vpi = evaluate(m, deterministic_policy(m, greedy_actions(m, q_from_v(m, v, m.reward))), m.reward);
      CHECK(max_abs(o.v - vpi) <= 2 * g / (1 - g) * change + slack);  // greedy policy's loss
      CHECK(err <= std::pow(g, k) * max_abs(o.v) + slack);              // from V_0 = 0
    });
    CHECK(iterations < 20000);
    const Eigen::VectorXd v_vi = value_iteration(m, 1e-13, 100000);
    CHECK(max_abs(v_vi - o.v) <= 1e-9 * (1.0 + max_abs(o.v)));
    const OccupancySolution lp = solve_occupancy_lp(m, nullptr);
    REQUIRE(lp.status == LpStatus::Optimal);
    CHECK(lp.reward == doctest::Approx(start_value(m, o.v)).epsilon(1e-10));
    // The flow duals are V* where ρ > 0 or the state is reachable from ρ (uniform ρ: everywhere).
    bool all_start = true;
    for (double p : m.start) all_start = all_start && p > 0;
    if (all_start) CHECK(max_abs(lp.v - o.v) <= 1e-8 * (1.0 + max_abs(o.v)));
    // The LP's policy is optimal too.
    CHECK(start_value(m, evaluate(m, lp.policy, m.reward)) == doctest::Approx(start_value(m, o.v)).epsilon(1e-10));
  }
}

TEST_CASE("policy evaluation: the linear solve equals the fixed-point iteration; finite-horizon recursion") {
  for (const Mdp& m : test_mdps()) {
    const Policy pi = uniform_policy(m);
    const Eigen::VectorXd direct = evaluate(m, pi, m.reward);
    const Eigen::VectorXd iter = evaluate_iterative(m, pi, m.reward, 1e-13);
    CHECK(max_abs(direct - iter) <= 1e-10 * (1.0 + max_abs(direct)));
    // Q^π averaged under π is V^π.
    const Eigen::VectorXd q = q_from_v(m, direct, m.reward);
    for (int s = 0; s < m.states; ++s) {
      double v = 0.0;
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) v += pi[static_cast<size_t>(i)] * q[i];
      CHECK(v == doctest::Approx(direct[s]).epsilon(1e-10));
    }
    // A long finite horizon approaches the discounted value: |V_0 − V| ≤ γ^H max|V|.
    Mdp fh = m;
    fh.horizon = 400;
    const FiniteValues f = evaluate_finite(fh, pi, fh.reward);
    for (int s = 0; s < m.states; ++s) CHECK(std::fabs(f.v[static_cast<size_t>(s)] - direct[s]) <= std::pow(m.discount, 400) * max_abs(direct) + 1e-9);
  }
}

TEST_CASE("policy evaluation above the direct-solve size uses BiCGSTAB and agrees with the iteration") {
  klab::Rng rng(21, 0, 0);
  const Mdp m = random_mdp(kDirectSolveStates + 200, 3, 6, rng);
  const Policy pi = uniform_policy(m);
  const Eigen::VectorXd v = evaluate(m, pi, m.reward);
  CHECK(max_abs(v - evaluate_iterative(m, pi, m.reward, 1e-13)) <= 1e-10 * max_abs(v));
  const Eigen::VectorXd mu = occupancy(m, pi);
  CHECK(flow_violation(m, mu) <= 1e-10);
}

TEST_CASE("finite horizon: backward induction's greedy policy attains V*_0 and beats every stationary deterministic policy") {
  Mdp m = river_swim(5);
  m.horizon = 12;
  m.discount = 1.0;
  std::vector<int> greedy;
  const FiniteValues opt = solve_finite(m, m.reward, &greedy);
  Policy pi(static_cast<size_t>(m.horizon) * m.pairs(), 0.0);
  for (int h = 0; h < m.horizon; ++h)
    for (int s = 0; s < m.states; ++s) pi[static_cast<size_t>(h) * m.pairs() + m.first_pair[s] + greedy[static_cast<size_t>(h) * m.states + s]] = 1.0;
  const FiniteValues ev = evaluate_finite(m, pi, m.reward);
  for (size_t k = 0; k < opt.v.size(); ++k) CHECK(ev.v[k] == doctest::Approx(opt.v[k]).epsilon(1e-13));
  for (int code = 0; code < (1 << m.states); ++code) {  // all 2^5 stationary deterministic policies
    std::vector<int> a(static_cast<size_t>(m.states));
    for (int s = 0; s < m.states; ++s) a[static_cast<size_t>(s)] = (code >> s) & 1;
    const FiniteValues v = evaluate_finite(m, deterministic_policy(m, a), m.reward);
    CHECK(v.v[0] <= opt.v[0] + 1e-12);
  }
}

TEST_CASE("occupancy measures: totals, flow constraints, ρᵀV = Σ μ r, and π recovered from μ") {
  for (const Mdp& m : test_mdps()) {
    klab::Rng rng(5, 0, 0);
    Policy pi(static_cast<size_t>(m.pairs()));
    for (int s = 0; s < m.states; ++s) {
      double total = 0.0;
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) total += pi[static_cast<size_t>(i)] = 0.1 + rng.uniform();
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[static_cast<size_t>(i)] /= total;
    }
    const Eigen::VectorXd mu = occupancy(m, pi);
    CHECK(mu.sum() == doctest::Approx(1.0 / (1.0 - m.discount)).epsilon(1e-11));
    CHECK(flow_violation(m, mu) <= 1e-11);
    const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(m.reward.data(), m.pairs());
    const Eigen::VectorXd c = Eigen::Map<const Eigen::VectorXd>(m.cost.data(), m.pairs());
    CHECK(mu.dot(r) == doctest::Approx(start_value(m, evaluate(m, pi, m.reward))).epsilon(1e-11));
    CHECK(mu.dot(c) == doctest::Approx(start_value(m, evaluate(m, pi, m.cost))).epsilon(1e-11));
    const Policy back = policy_from_occupancy(m, mu);
    const Eigen::VectorXd d = state_distribution(m, pi);
    for (int s = 0; s < m.states; ++s)
      if (d[s] > 1e-9)
        for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) CHECK(back[static_cast<size_t>(i)] == doctest::Approx(pi[static_cast<size_t>(i)]).epsilon(1e-9));
    // Finite horizon: V_0(ρ) = Σ_h γ^h Σ μ_h r.
    Mdp fh = m;
    fh.horizon = 17;
    const std::vector<double> muh = occupancy_finite(fh, pi);
    double total = 0.0;
    for (int h = 0; h < fh.horizon; ++h)
      for (int i = 0; i < m.pairs(); ++i) total += std::pow(fh.discount, h) * muh[static_cast<size_t>(h) * m.pairs() + i] * m.reward[static_cast<size_t>(i)];
    const FiniteValues fv = evaluate_finite(fh, pi, fh.reward);
    double v0 = 0.0;
    for (int s = 0; s < m.states; ++s) v0 += m.start[static_cast<size_t>(s)] * fv.v[static_cast<size_t>(s)];
    CHECK(total == doctest::Approx(v0).epsilon(1e-12));
  }
}

TEST_CASE("CMDP LP: a loose budget gives the unconstrained optimum; a binding one randomises at most one state and meets strong duality") {
  const Mdp m = build_gridworld(hazard_maze_spec()).value().mdp;
  const OccupancySolution free = solve_occupancy_lp(m, nullptr);
  REQUIRE(free.status == LpStatus::Optimal);
  const double loose = free.cost + 1.0;
  const OccupancySolution relaxed = solve_occupancy_lp(m, &loose);
  REQUIRE(relaxed.status == LpStatus::Optimal);
  CHECK(relaxed.reward == doctest::Approx(free.reward).epsilon(1e-10));
  CHECK(relaxed.lambda == doctest::Approx(0.0).epsilon(1e-10));
  REQUIRE(free.cost > 0.1);  // the unconstrained optimum crosses hazards
  const double tight = 0.5 * free.cost;
  const OccupancySolution c = solve_occupancy_lp(m, &tight);
  REQUIRE(c.status == LpStatus::Optimal);
  CHECK(c.cost == doctest::Approx(tight).epsilon(1e-9));
  CHECK(c.lambda > 0.0);
  CHECK(c.randomised_states <= 1);
  CHECK(c.reward < free.reward);
  // The LP's policy realises its reward and cost exactly.
  CHECK(start_value(m, evaluate(m, c.policy, m.reward)) == doctest::Approx(c.reward).epsilon(1e-9));
  CHECK(start_value(m, evaluate(m, c.policy, m.cost)) == doctest::Approx(tight).epsilon(1e-9));
  // Strong duality: the optimum equals max_π V_{r − λ*c}(ρ) + λ* b.
  Mdp lag = m;
  for (int i = 0; i < m.pairs(); ++i) lag.reward[static_cast<size_t>(i)] = m.reward[static_cast<size_t>(i)] - c.lambda * m.cost[static_cast<size_t>(i)];
  CHECK(start_value(lag, solve_optimal(lag).v) + c.lambda * tight == doctest::Approx(c.reward).epsilon(1e-9));
  const double impossible = -0.1;
  CHECK(solve_occupancy_lp(m, &impossible).status == LpStatus::Infeasible);
}

TEST_CASE("soft value iteration: small temperatures approach V*, and the softmax policy loses at most τ ln A/(1−γ)") {
  for (const Mdp& m : test_mdps()) {
    const Optimum o = solve_optimal(m);
    for (double tau : {1.0, 0.1, 0.01}) {
      Eigen::VectorXd v = Eigen::VectorXd::Zero(m.states);
      for (int k = 0; k < 5000; ++k) {
        const Eigen::VectorXd next = soft_backup(m, v, tau);
        const double change = max_abs(next - v);
        v = next;
        if (change < 1e-12) break;
      }
      const double bound = tau * std::log(static_cast<double>(m.max_actions())) / (1 - m.discount);
      CHECK(max_abs(v - o.v) <= bound + 1e-8);  // V* ≤ V_τ ≤ V* + τ ln A/(1−γ)
      const Policy pi = softmax_policy(m, q_from_v(m, v, m.reward), tau);
      CHECK(max_abs(o.v - evaluate(m, pi, m.reward)) <= bound + 1e-8);
    }
  }
}

TEST_CASE("Taylor expansion of discount factors: order 0 is V_γe, the series converges to V_γ, errors shrink with the order") {
  for (const Mdp& m : test_mdps()) {
    const Policy pi = uniform_policy(m);
    const Eigen::VectorXd v = evaluate(m, pi, m.reward);
    const double ge = 0.5 * m.discount;
    Mdp low = m;
    low.discount = ge;
    CHECK(max_abs(taylor_values(m, pi, ge, 0) - evaluate(low, pi, m.reward)) <= 1e-10 * (1 + max_abs(v)));
    double previous = 1e300;
    for (int k : {0, 1, 2, 4, 8}) {
      const double err = max_abs(taylor_values(m, pi, ge, k) - v);
      CHECK(err <= previous + 1e-12);
      // The remainder after order K is at most ((γ − γe)/(1 − γe))^{K+1} ‖V_γ − V_γe‖·(1 − γe)/(1 − γ) in ‖·‖∞.
      previous = err;
    }
    CHECK(max_abs(taylor_values(m, pi, ge, 500) - v) <= 1e-9 * (1 + max_abs(v)));
  }
}

TEST_CASE("MDPO with a huge step is a policy-iteration step; the softmax gradient matches finite differences") {
  klab::Rng rng(9, 0, 0);
  const Mdp m = random_mdp(12, 3, 4, rng);
  Eigen::VectorXd logits = Eigen::VectorXd::Zero(m.pairs());
  const Policy uniform = uniform_policy(m);
  const Eigen::VectorXd q = q_from_v(m, evaluate(m, uniform, m.reward), m.reward);
  mdpo_step(m, logits, q, 1e6);
  const Policy next = softmax_policy(m, logits, 1.0);
  const std::vector<int> greedy = greedy_actions(m, q);
  for (int s = 0; s < m.states; ++s) CHECK(next[static_cast<size_t>(m.first_pair[s] + greedy[static_cast<size_t>(s)])] > 1.0 - 1e-12);
  // ∂V(ρ)/∂θ by central differences.
  Eigen::VectorXd theta(m.pairs());
  for (int i = 0; i < m.pairs(); ++i) theta[i] = rng.uniform() - 0.5;
  const auto objective = [&](const Eigen::VectorXd& t) { return start_value(m, evaluate(m, softmax_policy(m, t, 1.0), m.reward)); };
  const Policy pi = softmax_policy(m, theta, 1.0);
  const Eigen::VectorXd v = evaluate(m, pi, m.reward);
  const Eigen::VectorXd g = softmax_pg_gradient(m, pi, q_from_v(m, v, m.reward), v, state_distribution(m, pi));
  for (int i = 0; i < m.pairs(); ++i) {
    Eigen::VectorXd up = theta, down = theta;
    up[i] += 1e-6, down[i] -= 1e-6;
    CHECK(g[i] == doctest::Approx((objective(up) - objective(down)) / 2e-6).epsilon(1e-6));
  }
  CHECK(step_size(StepSchedule::Geometric, 2.0, 3, 0.5) == doctest::Approx(16.0));
  CHECK(step_size(StepSchedule::Linear, 2.0, 3, 0.5) == doctest::Approx(8.0));
  // Found by tests/fuzz/run_fuzz.cpp (mdp.planning gamma=0: MDPO's residual was NaN): t0 γ^{−k} is
  // infinite at γ = 0 and overflows at large k; the step stays finite and greedy.
  CHECK(step_size(StepSchedule::Geometric, 1.0, 1, 0.0) == kMaxMdpoStep);
  CHECK(step_size(StepSchedule::Geometric, 1e6, 20000, 0.95) == kMaxMdpoStep);
  Eigen::VectorXd capped = Eigen::VectorXd::Zero(m.pairs());
  for (int k = 0; k < 3; ++k) mdpo_step(m, capped, q, step_size(StepSchedule::Geometric, 1.0, k, 0.0));
  CHECK(capped.allFinite());
  const Policy greedy_next = softmax_policy(m, capped, 1.0);
  for (int s = 0; s < m.states; ++s) CHECK(greedy_next[static_cast<size_t>(m.first_pair[s] + greedy[static_cast<size_t>(s)])] > 1.0 - 1e-12);
}
