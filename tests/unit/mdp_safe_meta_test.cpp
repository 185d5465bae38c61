// mdp.safe_meta's pieces against what must hold exactly: the tasks share one transition structure,
// the CPO bound is an upper bound on the exact cost of every tilted policy, a safe step from a
// feasible policy is certified and feasible (exactly evaluated), the KL-dual step maximises its
// Lagrangian and meets complementary slackness (and a one-state CMDP worked by hand), the unconstrained step is the
// λ = 0 tilt, meta-training makes the meta-policy feasible on its training tasks, the TRPO meta-step is
// the dense Fisher system's natural step of KL radius δ, a painted grid is
// the tasks' layout (the default, painted, draws the default's tasks), wind pushes one cell north
// after a move (painted or not), and bad parameters are refused with the parameter named.
#include <doctest/doctest.h>

#include <set>

#include "core/rng.hpp"
#include "mdp/grid_edit.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/safe_adaptation.hpp"
#include "mdp/safe_meta_experiment.hpp"
#include "mdp/safe_meta_tasks.hpp"
#include "mdp/safe_meta_training.hpp"
#include "mdp/soft_vi.hpp"
#include "test_util.hpp"

namespace mdp = klab::mdp;
using klab::test::contains;

namespace {

std::vector<mdp::MetaTask> tasks(const mdp::MetaTaskSpec& spec, uint32_t stream, int count) {
  klab::Rng rng(5, 0, stream);
  klab::Expected<std::vector<mdp::MetaTask>> t = mdp::draw_meta_tasks(spec, rng, count);
  REQUIRE_MESSAGE(t.ok(), t.status().message());
  return t.value();
}

double exact_cost(const mdp::Mdp& m, const mdp::Policy& pi) { return mdp::start_value(m, mdp::evaluate(m, pi, m.cost)); }

// A policy with random logits (seeded), to test from states of every kind.
mdp::Policy random_policy(const mdp::Mdp& m, klab::Rng& rng, double scale) {
  mdp::Policy pi(static_cast<size_t>(m.pairs()));
  for (int s = 0; s < m.states; ++s) {
    double z = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) z += pi[static_cast<size_t>(i)] = std::exp(scale * (rng.uniform() - 0.5));
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) pi[static_cast<size_t>(i)] /= z;
  }
  return pi;
}

}  // namespace

TEST_CASE("safe meta tasks: one transition structure, goals on the far edge, distinct interior hazards, LP optimum within budget") {
  mdp::MetaTaskSpec spec;
  const std::vector<mdp::MetaTask> t = tasks(spec, 1, 12);
  const int n = spec.size;
  std::set<std::vector<double>> rewards;
  for (const mdp::MetaTask& task : t) {
    CHECK(task.mdp.first_pair == t[0].mdp.first_pair);
    CHECK(task.mdp.next_state == t[0].mdp.next_state);
    CHECK(task.mdp.next_prob == t[0].mdp.next_prob);
    CHECK(task.mdp.start == t[0].mdp.start);
    const int row = task.goal_cell / n, col = task.goal_cell % n;
    CHECK((row == 0 || col == n - 1));
    CHECK(std::set<int>(task.hazards.begin(), task.hazards.end()).size() == static_cast<size_t>(spec.hazards));
    for (int h : task.hazards) {
      CHECK(h / n >= 1);
      CHECK(h / n <= n - 2);
      CHECK(h % n >= 1);
      CHECK(h % n <= n - 2);
    }
    CHECK(task.optimum_cost <= spec.budget + 1e-7);
    CHECK(task.optimum_reward > 0.0);
    rewards.insert(task.mdp.reward);
  }
  CHECK(rewards.size() > 3);  // the goals differ between tasks
  // Same stream, same tasks.
  const std::vector<mdp::MetaTask> again = tasks(spec, 1, 12);
  for (size_t i = 0; i < t.size(); ++i) CHECK(again[i].hazards == t[i].hazards);
}

TEST_CASE("CPO bound: U(π′) ≥ J_c(π′) exactly evaluated, for tilts of random policies; α = 0 leaves π unchanged") {
  mdp::MetaTaskSpec spec;
  spec.gamma = 0.9;
  const std::vector<mdp::MetaTask> t = tasks(spec, 2, 4);
  klab::Rng rng(9, 0, 3);
  int checked = 0;
  for (const mdp::MetaTask& task : t) {
    for (int trial = 0; trial < 5; ++trial) {
      const mdp::Policy pi = random_policy(task.mdp, rng, 4.0);
      const mdp::PolicyStats st = mdp::policy_stats(task.mdp, pi);
      CHECK(st.cost == doctest::Approx(exact_cost(task.mdp, pi)).epsilon(1e-12));
      mdp::Policy same;
      mdp::tilted_policy(task.mdp, pi, st, 0.0, 3.0, same);
      for (size_t i = 0; i < pi.size(); ++i) CHECK(same[i] == doctest::Approx(pi[i]).epsilon(1e-14));
      CHECK(mdp::cost_bound(task.mdp, pi, st, pi) == doctest::Approx(st.cost).epsilon(1e-10));
      for (double alpha : {0.05, 0.5, 5.0})
        for (double lambda : {0.0, 1.0, 10.0}) {
          mdp::Policy next;
          mdp::tilted_policy(task.mdp, pi, st, alpha, lambda, next);
          CHECK(exact_cost(task.mdp, next) <= mdp::cost_bound(task.mdp, pi, st, next) + 1e-10);
          ++checked;
        }
    }
  }
  CHECK(checked == 4 * 5 * 9);
}

TEST_CASE("safe step: from a feasible policy it is certified and feasible; the certificate's α, λ are what it returns") {
  mdp::MetaTaskSpec spec;
  const std::vector<mdp::MetaTask> t = tasks(spec, 3, 8);
  klab::Rng rng(11, 0, 4);
  for (const mdp::MetaTask& task : t) {
    // A feasible start: mix a random policy towards the least-cost direction until J_c ≤ b.
    mdp::Policy pi = random_policy(task.mdp, rng, 2.0);
    for (int k = 0; k < 50 && exact_cost(task.mdp, pi) > spec.budget; ++k) {
      const mdp::PolicyStats st = mdp::policy_stats(task.mdp, pi);
      mdp::Policy next;
      mdp::tilted_policy(task.mdp, pi, st, 2.0, 100.0, next);
      pi = next;
    }
    REQUIRE(exact_cost(task.mdp, pi) <= spec.budget);
    mdp::Policy p = pi;
    for (int step = 0; step < 4; ++step) {
      const mdp::PolicyStats st = mdp::policy_stats(task.mdp, p);
      const mdp::SafeStep s = mdp::safe_adaptation_step(task.mdp, p, st, spec.budget, 5.0);
      CHECK(s.certified);
      CHECK(mdp::cost_bound(task.mdp, p, st, s.policy) <= spec.budget);  // U of the policy returned, recomputed
      CHECK(exact_cost(task.mdp, s.policy) <= spec.budget + 1e-12);
      mdp::Policy again;
      mdp::tilted_policy(task.mdp, p, st, s.alpha, s.lambda, again);
      for (size_t i = 0; i < again.size(); ++i) CHECK(again[i] == doctest::Approx(s.policy[i]).epsilon(1e-12));
      // The step improves reward to first order: Σ d ⟨π′, A_r⟩ ≥ 0 (the tilt's λ term may cost some).
      CHECK(mdp::policy_stats(task.mdp, s.policy).reward >= st.reward - 1e-3);
      p = s.policy;
    }
    // With the exact certificate, the same guarantee, checked on the exact cost.
    const mdp::PolicyStats st = mdp::policy_stats(task.mdp, pi);
    const mdp::SafeStep e = mdp::safe_adaptation_step(task.mdp, pi, st, spec.budget, 5.0, mdp::Certificate::Exact);
    CHECK(e.certified);
    CHECK(exact_cost(task.mdp, e.policy) <= spec.budget + 1e-12);
  }
}

TEST_CASE("safe meta-training makes the meta-policy feasible on every training task and raises the adapted reward") {
  mdp::MetaTaskSpec spec;
  const std::vector<mdp::MetaTask> t = tasks(spec, 4, 6);
  mdp::MetaTrainingSettings s;
  mdp::SafeMetaTrainer trainer(t, s);
  trainer.iterate();
  const double first_reward = trainer.adapted_reward();
  CHECK(trainer.worst_excess() > 0.0);  // the uniform start is over budget somewhere
  for (int k = 0; k < 40; ++k) trainer.iterate();
  CHECK(trainer.adapted_reward() > first_reward + 0.1);
  for (const mdp::MetaTask& task : t) CHECK(exact_cost(task.mdp, trainer.policy()) <= spec.budget);
}

TEST_CASE("TRPO meta-step (meta_update = trpo): the direction is F⁻¹g, the full step has the KL radius, the surrogate gains") {
  mdp::MetaTaskSpec spec;
  const std::vector<mdp::MetaTask> t = tasks(spec, 7, 2);
  const mdp::Mdp& m = t[0].mdp;
  klab::Rng rng(17, 0, 3);
  Eigen::VectorXd logits(m.pairs());
  for (Eigen::Index i = 0; i < logits.size(); ++i) logits[i] = 2.0 * (rng.uniform() - 0.5);
  const mdp::Policy pi = mdp::softmax_policy(m, logits, 1.0);
  // g from an adapted policy (the unconstrained tilt) and its own state distribution, as the trainer builds it.
  const mdp::PolicyStats st = mdp::policy_stats(m, pi);
  mdp::Policy adapted;
  mdp::tilted_policy(m, pi, st, 2.0, 0.0, adapted);
  const mdp::PolicyStats after = mdp::policy_stats(m, adapted);
  Eigen::VectorXd g(m.pairs());
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) g[i] = after.d[s] * adapted[static_cast<size_t>(i)] * after.ar[i];
  // An independent reference: the dense Fisher matrix F = ⊕_s d(s)(diag π_s − π_s π_sᵀ) and its minimum-norm solution of F x = g.
  Eigen::MatrixXd f = Eigen::MatrixXd::Zero(m.pairs(), m.pairs());
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
      for (int j = m.first_pair[s]; j < m.first_pair[s + 1]; ++j)
        f(i, j) = after.d[s] * ((i == j ? pi[static_cast<size_t>(i)] : 0.0) - pi[static_cast<size_t>(i)] * pi[static_cast<size_t>(j)]);
  const Eigen::VectorXd x = f.completeOrthogonalDecomposition().solve(g);
  REQUIRE((f * x - g).norm() <= 1e-9 * g.norm());  // g lies in F's range: every state's g sums to 0
  const double max_kl = 1e-5;
  Eigen::VectorXd next = logits;
  CHECK(mdp::trpo_logit_step(m, next, pi, g, after.d, max_kl) == 1.0);  // a step this small is accepted whole
  // The step is √(2δ/xᵀFx)·x up to a constant per state (softmax logits), so F·step = √(2δ/xᵀFx)·g.
  const Eigen::VectorXd step = next - logits;
  CHECK((f * step - std::sqrt(2.0 * max_kl / x.dot(f * x)) * g).norm() <= 1e-9 * std::sqrt(max_kl) * g.norm() / std::sqrt(x.dot(f * x)));
  // The exact mean KL(π ‖ π′) under d is the radius to second order.
  const mdp::Policy moved = mdp::softmax_policy(m, next, 1.0);
  double kl = 0.0, gain = 0.0;
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      const double p = pi[static_cast<size_t>(i)], q = moved[static_cast<size_t>(i)];
      kl += after.d[s] * p * std::log(p / q);
      gain += g[i] * (q / p - 1.0);
    }
  CHECK(kl == doctest::Approx(max_kl).epsilon(0.02));
  CHECK(gain > 0.0);
  // No gain to be had (g = 0): no step.
  Eigen::VectorXd same = logits;
  CHECK(mdp::trpo_logit_step(m, same, pi, Eigen::VectorXd::Zero(m.pairs()), after.d, max_kl) == 0.0);
  CHECK(same == logits);
}

namespace {

// The Lagrangian of the KL-dual step at multiplier u (up to the constant (1 − γ)u(b − J_c(π))):
// Σ d ⟨π′, A_r − u A_c⟩ − (λ + (1 − γ) u λ_c) Σ d KL(π′ ‖ π).
double kl_lagrangian(const mdp::Mdp& m, const mdp::Policy& pi, const mdp::PolicyStats& st, const mdp::Policy& next, double u, double lambda, double lambda_c) {
  const mdp::KlTerms t = mdp::kl_terms(m, pi, st, next);
  return t.reward - u * t.cost - (lambda + (1.0 - m.discount) * u * lambda_c) * t.kl;
}

}  // namespace

TEST_CASE("KL-dual step (the paper's rule, a reading): the closed form maximises the Lagrangian at u*; u* > 0 puts the surrogate on the budget") {
  mdp::MetaTaskSpec spec;
  const std::vector<mdp::MetaTask> t = tasks(spec, 6, 3);
  klab::Rng rng(13, 0, 5);
  const double lambda = 0.2, lambda_c = 1.0;
  int active = 0;
  for (const mdp::MetaTask& task : t) {
    for (int trial = 0; trial < 2; ++trial) {
      const mdp::Policy pi = random_policy(task.mdp, rng, 2.0);
      const mdp::PolicyStats st = mdp::policy_stats(task.mdp, pi);
      const mdp::SafeStep s = mdp::kl_dual_step(task.mdp, pi, st, spec.budget, lambda, lambda_c);
      const double u = s.lambda;
      if (u > 0.0) {
        // u* > 0 is the root of S(π_u) = b: a slightly smaller multiplier leaves the surrogate over budget.
        const double less = 0.999 * u;
        mdp::Policy before;
        mdp::tilted_policy(task.mdp, pi, st, 1.0 / (lambda + (1.0 - spec.gamma) * less * lambda_c), less, before);
        CHECK(mdp::kl_surrogate_cost(task.mdp, st, mdp::kl_terms(task.mdp, pi, st, before), lambda_c) > spec.budget);
        // Complementary slackness: u* (b − S(π′)) = 0 (where some u makes the surrogate feasible).
        if (s.certified) {
          CHECK(s.bound == doctest::Approx(spec.budget).epsilon(1e-9));
          ++active;
        }
      } else {
        // u* = 0: the step is the unconstrained one, π ∝ π exp(A_r/λ), and it meets the surrogate.
        mdp::Policy unconstrained;
        mdp::tilted_policy(task.mdp, pi, st, 1.0 / lambda, 0.0, unconstrained);
        const double s_free = mdp::kl_surrogate_cost(task.mdp, st, mdp::kl_terms(task.mdp, pi, st, unconstrained), lambda_c);
        CHECK(s_free <= spec.budget);
        CHECK(s.bound == doctest::Approx(s_free).epsilon(1e-12));
        for (size_t i = 0; i < unconstrained.size(); ++i) CHECK(s.policy[i] == doctest::Approx(unconstrained[i]).epsilon(1e-12));
      }
      // No perturbation of the closed form does better on the Lagrangian.
      const double best = kl_lagrangian(task.mdp, pi, st, s.policy, u, lambda, lambda_c);
      for (double scale : {1.0, 0.1, 0.01}) {
        mdp::Policy other = s.policy;
        for (int state = 0; state < task.mdp.states; ++state) {
          double z = 0.0;
          for (int i = task.mdp.first_pair[state]; i < task.mdp.first_pair[state + 1]; ++i) z += other[static_cast<size_t>(i)] *= std::exp(scale * (rng.uniform() - 0.5));
          for (int i = task.mdp.first_pair[state]; i < task.mdp.first_pair[state + 1]; ++i) other[static_cast<size_t>(i)] /= z;
        }
        CHECK(kl_lagrangian(task.mdp, pi, st, other, u, lambda, lambda_c) <= best + 1e-12);
      }
    }
  }
  CHECK(active > 0);  // the constraint binds on some of them
}

TEST_CASE("KL-dual step on a one-state CMDP worked out: u* = 0 where the surrogate holds at u = 0, else S(π′) = b; π′ is σ((1 − u*)/η)") {
  // One state, γ = 1/2, action 0: r = c = 1, action 1: r = c = 0; π uniform. Then d = 1, J_c(π) = 0.5/(1 − γ) = 1,
  // A_r = A_c = (½, −½), π_u(0) = σ((1 − u)/η), η = λ + u λ_c/2, and S(π_u) = 1 + 2(π_u(0) − ½) + λ_c KL(π_u ‖ π).
  mdp::MdpBuilder b;
  b.add_state();
  b.add_action(1.0, 1.0), b.add_next(0, 1.0);
  b.add_action(0.0, 0.0), b.add_next(0, 1.0);
  const mdp::Mdp m = b.finish({1.0}, 0.5, 0);
  const mdp::Policy pi{0.5, 0.5};
  const mdp::PolicyStats st = mdp::policy_stats(m, pi);
  CHECK(st.cost == doctest::Approx(1.0));
  CHECK(st.ac[0] == doctest::Approx(0.5));
  CHECK(st.ar[1] == doctest::Approx(-0.5));
  const double lambda = 0.2, lambda_c = 1.0;
  const auto surrogate = [&](double p) { return 1.0 + 2.0 * (p - 0.5) + lambda_c * (p * std::log(2.0 * p) + (1.0 - p) * std::log(2.0 * (1.0 - p))); };
  const double p0 = 1.0 / (1.0 + std::exp(-1.0 / lambda));  // u = 0: S ≈ 2.64
  // Budget 3: the surrogate holds at u = 0, so u* = 0 (slack > 0).
  const mdp::SafeStep loose = mdp::kl_dual_step(m, pi, st, 3.0, lambda, lambda_c);
  CHECK(loose.lambda == 0.0);
  CHECK(loose.policy[0] == doctest::Approx(p0).epsilon(1e-14));
  CHECK(loose.bound == doctest::Approx(surrogate(p0)).epsilon(1e-12));
  CHECK(loose.bound < 3.0);
  // Budget 0.8: it binds; u* > 0 solves S(π_u) = 0.8, and π′ is the closed form at u*.
  const mdp::SafeStep tight = mdp::kl_dual_step(m, pi, st, 0.8, lambda, lambda_c);
  const double u = tight.lambda, eta = lambda + 0.5 * u * lambda_c;
  CHECK(u > 1.0);  // S ≤ 0.8 needs π′(0) < ½, i.e. u > 1
  CHECK(tight.policy[0] == doctest::Approx(1.0 / (1.0 + std::exp(-(1.0 - u) / eta))).epsilon(1e-12));
  CHECK(surrogate(tight.policy[0]) == doctest::Approx(0.8).epsilon(1e-9));
  CHECK(tight.bound <= 0.8);
  // The dual's derivative g′(u) = (1 − γ)(b − S(π_u)) changes sign at u*: S is above b just below u*.
  const double below = lambda + 0.5 * 0.999 * u * lambda_c;
  CHECK(surrogate(1.0 / (1.0 + std::exp(-(1.0 - 0.999 * u) / below))) > 0.8);
}

TEST_CASE("mdp.safe_meta KL-dual parameters: out-of-range λ, λ_c and an unknown rule are refused, naming the parameter; the default is the CPO-bound rule") {
  mdp::SafeMetaExperiment e;
  CHECK(e.p().adaptation == mdp::SafeRule::CpoBound);
  CHECK(contains(e.params().set_texts({{"kl_lambda", "0"}}).message(), "kl_lambda"));
  CHECK(contains(e.params().set_texts({{"kl_lambda_c", "-1"}}).message(), "kl_lambda_c"));
  CHECK(contains(e.params().set_texts({{"adaptation", "kl"}}).message(), "adaptation"));
  CHECK(e.params().set_texts({{"adaptation", "kl_dual"}, {"kl_lambda", "0.5"}, {"kl_lambda_c", "0"}}).ok());
  CHECK(mdp::safe_meta_step_rule(e.p()).rule == mdp::SafeRule::KlDual);
}

TEST_CASE("mdp.safe_meta parameters: hazards beyond the interior and a too-small grid are refused, naming the parameter") {
  mdp::SafeMetaExperiment e;
  CHECK(contains(e.params().set_texts({{"size", "4"}, {"hazards", "5"}}).message(), "hazards: must be in [0, 4]"));
  CHECK(contains(e.params().set_texts({{"size", "3"}}).message(), "size"));
  CHECK(contains(e.params().set_texts({{"budget", "0.01"}}).message(), "budget"));
  // Tasks within b = 0.05 are rare when every move slips: refused before the runs (they used to end with empty records, no message).
  CHECK(contains(e.params().set_texts({{"budget", "0.05"}, {"slip", "1"}}).message(), "budget: b = 0.05"));
  CHECK(e.params().set_texts({{"size", "5"}, {"hazards", "9"}}).ok());
}

TEST_CASE("safe meta tasks on a painted grid: the default painted draws the default's tasks; a painted layout keeps its walls, goals among G, hazards among H") {
  mdp::MetaTaskSpec spec;
  mdp::MetaTaskSpec painted = spec;
  painted.painted = mdp::meta_default_grid(spec.size);
  const std::vector<mdp::MetaTask> a = tasks(spec, 1, 3), b = tasks(painted, 1, 3);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(b[i].goal_cell == a[i].goal_cell);
    CHECK(b[i].hazards == a[i].hazards);
    CHECK(b[i].mdp.reward == a[i].mdp.reward);
    CHECK(b[i].mdp.cost == a[i].mdp.cost);
    CHECK(b[i].mdp.next_prob == a[i].mdp.next_prob);
    CHECK(b[i].optimum_reward == a[i].optimum_reward);
  }
  // A 5 × 6 layout: a wall, two goal candidates, five hazard candidates, k = 2.
  mdp::GridSpec g = mdp::blank_grid(5, 6);  // start top left, goal bottom right
  g.rows[0][5] = 'G';
  g.rows[2] = ".H##H.";
  g.rows[3] = ".HH.H.";
  painted.painted = g;
  painted.hazards = 2;
  const std::vector<mdp::MetaTask> t = tasks(painted, 2, 6);
  std::set<int> goals;
  for (const mdp::MetaTask& task : t) {
    CHECK(task.mdp.next_state == t[0].mdp.next_state);  // one transition structure
    CHECK(task.mdp.states == 28);                        // 30 cells, 2 walls
    CHECK((task.goal_cell == 5 || task.goal_cell == 4 * 6 + 5));
    goals.insert(task.goal_cell);
    REQUIRE(task.hazards.size() == 2);
    CHECK(task.hazards[0] != task.hazards[1]);
    for (int h : task.hazards) CHECK(g.rows[static_cast<size_t>(h / 6)][static_cast<size_t>(h % 6)] == 'H');
  }
  CHECK(goals.size() == 2);
  // Refused, naming the parameter.
  mdp::SafeMetaExperiment e;
  CHECK(e.params().set_texts({{"grid", mdp::grid_param_text(g)}, {"hazards", "5"}}).ok());
  CHECK(contains(e.params().set_texts({{"hazards", "6"}}).message(), "hazards: must be in [0, 5] (the hazard cells 'H'"));
  CHECK(contains(e.params().set_texts({{"grid", mdp::grid_param_text(mdp::blank_grid(8, 8))}, {"hazards", "0"}}).message(), "at most 49 open cells"));
  mdp::GridSpec no_goal = g;
  no_goal.rows[0][5] = '.', no_goal.rows[4][5] = '.';
  CHECK(contains(e.params().set_texts({{"grid", mdp::grid_param_text(no_goal)}}).message(), "parameter 'grid': no goal cell"));
}

namespace {

// P(t | s, a) of pair first_pair[s] + a (0 when t is not a successor).
double transition(const mdp::Mdp& m, int s, int a, int t) {
  const int i = m.first_pair[s] + a;
  for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
    if (m.next_state[e] == t) return m.next_prob[static_cast<size_t>(e)];
  return 0.0;
}

}  // namespace

TEST_CASE("safe meta tasks with wind: after a move a push one cell north with probability wind; rows sum to 1; painted or not, the same kernel") {
  mdp::MetaTaskSpec spec;  // 6 × 6, start (5, 0) = cell and state 30 (an open grid: states are cells)
  spec.slip = 0.0;
  const std::vector<int> hazards{8, 15};
  const mdp::Mdp calm = mdp::meta_task_mdp(spec, 5, hazards).value();
  CHECK(transition(calm, 30, 1, 31) == 1.0);  // east, no wind: one cell east
  spec.wind = 0.3;
  const mdp::Mdp windy = mdp::meta_task_mdp(spec, 5, hazards).value();
  CHECK(transition(windy, 30, 1, 31) == doctest::Approx(0.7).epsilon(1e-15));  // east, then
  CHECK(transition(windy, 30, 1, 25) == doctest::Approx(0.3).epsilon(1e-15));  // pushed north
  CHECK(transition(windy, 30, 3, 30) == doctest::Approx(0.7).epsilon(1e-15));  // west: the border blocks the move, not the push
  CHECK(transition(windy, 30, 3, 24) == doctest::Approx(0.3).epsilon(1e-15));
  CHECK(transition(windy, 2, 0, 2) == 1.0);  // top row, north: the border blocks both
  for (int i = 0; i < windy.pairs(); ++i) {
    double total = 0.0;
    for (int e = windy.first_next[i]; e < windy.first_next[i + 1]; ++e) total += windy.next_prob[static_cast<size_t>(e)];
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
  // The default distribution painted, with wind and slip, draws the same tasks as the open grid's.
  spec.slip = 0.1;
  mdp::MetaTaskSpec painted = spec;
  painted.painted = mdp::meta_default_grid(spec.size);
  const std::vector<mdp::MetaTask> a = tasks(spec, 1, 2), b = tasks(painted, 1, 2);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(b[i].mdp.next_prob == a[i].mdp.next_prob);
    CHECK(b[i].mdp.reward == a[i].mdp.reward);
    CHECK(b[i].optimum_reward == a[i].optimum_reward);
  }
  CHECK(a[0].mdp.next_prob != tasks(mdp::MetaTaskSpec{}, 1, 1)[0].mdp.next_prob);  // the wind changed the kernel
  // The parameter: in [0, 1], refused by name; it reaches the tasks.
  mdp::SafeMetaExperiment e;
  CHECK(contains(e.params().set_texts({{"wind", "1.5"}}).message(), "parameter 'wind' must be"));
  REQUIRE(e.params().set_texts({{"wind", "0.2"}}).ok());
  CHECK(mdp::safe_meta_task_spec(e.p()).value().wind == 0.2);
}
