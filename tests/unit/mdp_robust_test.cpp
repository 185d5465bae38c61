// mdp.robust's solvers (src/mdp/robust.hpp): robust VI, the average model and IWOCS against the
// exact solvers on sets where the answer is known, and the parameters' messages.
#include <doctest/doctest.h>

#include <cmath>

#include "mdp/presets.hpp"
#include "mdp/robust_experiment.hpp"
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
  const klab::Expected<klab::mdp::RobustWorld> w = klab::mdp::robust_world(p);
  REQUIRE(w.ok());
  CHECK(w.value().slips.size() == 1);
  CHECK(w.value().set.models.size() == 4);
}
