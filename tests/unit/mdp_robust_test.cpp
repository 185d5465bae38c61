// mdp.robust's solvers (src/mdp/robust.hpp): robust VI, the average model and IWOCS against the
// exact solvers on sets where the answer is known, and the parameters' messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "mdp/presets.hpp"
#include "claim_batch.hpp"
#include "mdp/robust_experiment.hpp"
#include "mdp/robust_random.hpp"
#include "mdp/value_iteration.hpp"

namespace {

klab::mdp::Mdp grid_model(double slip, double wind) {
  klab::mdp::GridSpec g = klab::mdp::cliff_spec();
  g.slip = slip;
  g.wind = wind;
  g.wind_direction = klab::mdp::Direction::South;
  return klab::mdp::build_gridworld(g).value().mdp;
}

}  // namespace

TEST_CASE("robust: a one-model set is an ordinary MDP — robust VI, the average model and IWOCS all give its optimum") {
  klab::mdp::ModelSet set;
  set.models.push_back(grid_model(0.1, 0.2));
  REQUIRE(klab::mdp::check_model_set(set).ok());
  const klab::mdp::Optimum o = klab::mdp::solve_optimal(set.models[0]);
  const double v_star = klab::mdp::start_value(set.models[0], o.v);
  const klab::mdp::RobustVi r = klab::mdp::robust_value_iteration(set, 1e-11, 100000);
  CHECK((r.v - o.v).lpNorm<Eigen::Infinity>() <= 1e-8);
  const klab::mdp::Mdp avg = klab::mdp::average_model(set);
  CHECK(avg.reward == set.models[0].reward);
  CHECK((klab::mdp::solve_optimal(avg).v - o.v).lpNorm<Eigen::Infinity>() <= 1e-9);  // successors may be reordered, not changed
  klab::mdp::Iwocs iwocs(set, 0);
  iwocs.iterate();
  CHECK(iwocs.converged());
  CHECK(iwocs.worst_case() == doctest::Approx(v_star).epsilon(1e-12));
}

TEST_CASE("robust: the average of two models is their mixture; robust VI is below each model's optimum and above each fixed policy's worst case") {
  klab::mdp::ModelSet set;
  set.models = {grid_model(0.0, 0.0), grid_model(0.3, 0.3)};
  const klab::mdp::Mdp avg = klab::mdp::average_model(set);
  REQUIRE(klab::mdp::check_mdp(avg).ok());
  for (int i = 0; i < avg.pairs(); ++i)
    CHECK(avg.reward[static_cast<size_t>(i)] == doctest::Approx(0.5 * (set.models[0].reward[static_cast<size_t>(i)] + set.models[1].reward[static_cast<size_t>(i)])));
  const klab::mdp::RobustVi r = klab::mdp::robust_value_iteration(set, 1e-11, 100000);
  const double rect = klab::mdp::start_value(set.models[0], r.v);
  for (const klab::mdp::Mdp& m : set.models) CHECK(rect <= klab::mdp::start_value(m, klab::mdp::solve_optimal(m).v) + 1e-9);
  // Robust VI's policy: its static worst case is at least its dynamic one, ρᵀV_rect.
  const std::vector<double> values = klab::mdp::values_over_set(set, r.actions);
  CHECK(std::min(values[0], values[1]) >= rect - 1e-9);
}

TEST_CASE("robust: a set whose models differ in their states is refused, naming the model") {
  klab::mdp::ModelSet set;
  set.models = {grid_model(0.0, 0.0), klab::mdp::chain(5, 0.1)};
  const klab::Status s = klab::mdp::check_model_set(set);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("model 1") != std::string::npos);
}

TEST_CASE("mdp.robust: an empty interval is refused naming the field; a known slip gives a one-row set") {
  klab::mdp::RobustExperiment e;
  const klab::Status s = e.params().set_texts({{"slip_min", "0.4"}, {"slip_max", "0.2"}});
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("slip_max") != std::string::npos);
  klab::mdp::RobustParams p;
  p.slip_min = p.slip_max = 0.1;
  p.points = 4;
  const klab::Expected<klab::mdp::RobustWorld> w = klab::mdp::robust_world(p, 1, 0);
  REQUIRE(w.ok());
  CHECK(w.value().slips.size() == 1);
  CHECK(w.value().set.models.size() == 4);
}

TEST_CASE("mdp.robust random world: θ = (0, 0) is the nominal MDP; T_θ mixes the nominal, slipped and wind kernels as stated") {
  const klab::mdp::RandomKernels k = klab::mdp::random_kernels(12, 3, 4, 0.9, 7, 2);
  // Σ_{s′} T(s′|s,a) v(s′) for a fixed v: kernels compared through it (successor order may differ).
  Eigen::VectorXd v(12);
  for (int s = 0; s < 12; ++s) v[s] = std::cos(1.0 + s);
  const auto expect = [&](const klab::mdp::Mdp& m) -> Eigen::VectorXd {
    return klab::mdp::q_from_v(m, v, std::vector<double>(static_cast<size_t>(m.pairs()), 0.0)) / 0.9;
  };
  const Eigen::VectorXd q0 = expect(k.nominal), qw = expect(k.wind);
  const klab::mdp::Mdp same = klab::mdp::perturbed_model(k.nominal, k.wind, 0.0, 0.0);
  CHECK(same.transitions() == k.nominal.transitions());
  CHECK((expect(same) - q0).lpNorm<Eigen::Infinity>() <= 1e-14);
  CHECK(same.reward == k.nominal.reward);
  const double slip = 0.3, wind = 0.4;
  const klab::mdp::Mdp m = klab::mdp::perturbed_model(k.nominal, k.wind, slip, wind);
  REQUIRE(klab::mdp::check_mdp(m).ok());
  // Σ_{s′} T_θ(s′|s,a) v(s′) = (1 − α) K_β v(s,a) + α mean_{a′} K_β v(s,a′), K_β v = (1 − β) P₀ v + β P_w v.
  const Eigen::VectorXd q = expect(m);
  const Eigen::VectorXd kb = (1 - wind) * q0 + wind * qw;
  for (int s = 0; s < 12; ++s)
    for (int a = 0; a < 3; ++a) {
      const double mean = (kb[3 * s] + kb[3 * s + 1] + kb[3 * s + 2]) / 3;
      CHECK(q[3 * s + a] == doctest::Approx((1 - slip) * kb[3 * s + a] + slip * mean).epsilon(1e-12));
      const double r_mean = (k.nominal.reward[3 * s] + k.nominal.reward[3 * s + 1] + k.nominal.reward[3 * s + 2]) / 3;
      CHECK(m.reward[3 * s + a] == doctest::Approx((1 - slip) * k.nominal.reward[3 * s + a] + slip * r_mean).epsilon(1e-12));
    }
}

TEST_CASE("mdp.robust random world: per seed, ρᵀV_rect ≤ robust VI's static worst case ≤ min_θ V*_θ(ρ), IWOCS starts at the nominal policy and ends at least as well; runs differ") {
  // Exact relations (theorems) and one measured one: IWOCS's final worst case ≥ the nominal policy's
  // (its first iterate) — not a theorem for our reading of IWOCS; checked on these seeds.
  klab::mdp::RobustParams p;
  p.grid = klab::mdp::RobustGrid::Random;
  p.size = 30, p.actions = 3, p.branching = 4, p.points = 4, p.slip_max = 0.5, p.wind_max = 0.5;
  int iwocs_above_rvi = 0;  // claim 6's comparison, reported (not a theorem for a non-rectangular set)
  for (uint32_t run = 0; run < 6; ++run) {
    CAPTURE(run);
    const klab::Expected<klab::mdp::RobustWorld> w = klab::mdp::robust_world(p, 11, run);
    REQUIRE(w.ok());
    const klab::mdp::ModelSet& set = w.value().set;
    REQUIRE(set.models.size() == 16);
    double best_static = INFINITY;  // min_θ max_π V^π_θ(ρ) ≥ max_π min_θ V^π_θ(ρ)
    for (const klab::mdp::Mdp& m : set.models) best_static = std::min(best_static, klab::mdp::start_value(m, klab::mdp::solve_optimal(m).v));
    const auto worst = [&](const std::vector<int>& actions) {
      const std::vector<double> v = klab::mdp::values_over_set(set, actions);
      return *std::min_element(v.begin(), v.end());
    };
    const klab::mdp::RobustVi r = klab::mdp::robust_value_iteration(set, 1e-11, 100000);
    const double rect = klab::mdp::start_value(set.models.front(), r.v), rvi = worst(r.actions), tol = 1e-8;
    CHECK(rect <= rvi + tol);
    CHECK(rvi <= best_static + tol);
    const double nominal = worst(klab::mdp::solve_optimal(set.models.front()).actions);
    klab::mdp::Iwocs iwocs(set, 0);
    iwocs.iterate();
    CHECK(iwocs.worst_case() == doctest::Approx(nominal).epsilon(1e-12));
    while (!iwocs.converged() && iwocs.iteration() < 20) iwocs.iterate();
    CHECK(iwocs.converged());
    CHECK(iwocs.worst_case() <= best_static + tol);
    CHECK(iwocs.worst_case() >= nominal - tol);
    iwocs_above_rvi += iwocs.worst_case() >= rvi - tol;
    MESSAGE("run " << run << ": worst cases nominal " << nominal << ", robust VI " << rvi << " (ρᵀV_rect " << rect << "), IWOCS " << iwocs.worst_case()
                   << " (" << iwocs.found().size() << " models), min_θ V*_θ " << best_static);
  }
  MESSAGE("IWOCS ≥ robust VI's policy (static worst case) in " << iwocs_above_rvi << " of 6 random worlds");
  klab::mdp::RobustExperiment e;
  const klab::BatchResult b = klab::test::run_batch(e, {{"grid", "random"}, {"size", "20"}, {"points", "3"}, {"iterations", "3"}}, 1, 3);
  CHECK(klab::test::final_of(b, "iwocs", "worst_case").sem() > 0.0);  // a new MDP per run: the Runs tab has CI bands
}
