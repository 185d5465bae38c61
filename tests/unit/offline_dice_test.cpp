// offline.dice's learners (offline/dice.hpp) against known answers: the Pearson χ² conjugate by its
// definition, the true gradient by finite differences of the objective, the orthogonal update's
// projection, and the return-to-the-data probability on a hand-checked grid.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mdp/policy_iteration.hpp"
#include "mdp/presets.hpp"
#include "offline/dice.hpp"

namespace {

using namespace klab::offline;
namespace mdp = klab::mdp;

mdp::Grid four_rooms_grid() {
  klab::Expected<mdp::Grid> g = mdp::build_gridworld(mdp::four_rooms_spec());
  REQUIRE(g.ok());
  g.value().mdp = mdp::with_discount(std::move(g.value().mdp), 0.9, 0);
  return std::move(g.value());
}

Dataset noisy_dataset(const mdp::Mdp& m, uint64_t seed) {
  DatasetSpec spec;
  spec.behaviour = Behaviour::Noisy;
  spec.noise = 0.3;
  spec.episodes = 4;
  spec.episode_length = 40;
  klab::Rng rng(seed, 0, 0);
  return generate_dataset(m, mdp::solve_optimal(m).actions, spec, rng);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) { return std::inner_product(a.begin(), a.end(), b.begin(), 0.0); }

}  // namespace

TEST_CASE("offline dice: the Pearson χ² conjugate is sup_{x ≥ 0} xy − (x − 1)² and its slope the maximiser") {
  for (double y : {-5.0, -2.5, -1.0, -0.3, 0.0, 0.7, 2.0, 4.0}) {
    double best = -1e300;
    for (int i = 0; i <= 200000; ++i) {
      const double x = i * 5e-5;  // [0, 10]
      best = std::max(best, x * y - (x - 1.0) * (x - 1.0));
    }
    CHECK(pearson_conjugate(y) == doctest::Approx(best).epsilon(1e-7));
    const double h = 1e-6;
    CHECK(pearson_conjugate_slope(y) == doctest::Approx((pearson_conjugate(y + h) - pearson_conjugate(y - h)) / (2 * h)).epsilon(1e-6));
  }
}

TEST_CASE("offline dice: (1 − λ)E[φ] + g→ + g← is the finite-difference gradient of the batch objective") {
  const mdp::Grid g = four_rooms_grid();
  const Dataset d = noisy_dataset(g.mdp, 5);
  const Features f = radial_features(g.layout, g.mdp.states, 2.0, true);
  DiceSettings s;
  s.update = DiceUpdate::True;
  s.reward_scale = 10.0;
  DiceLearner learner(g.mdp, d, f, s);
  klab::Rng rng(1, 0, 0);
  for (int k = 0; k < 50; ++k) learner.step(rng);  // away from θ = 0
  std::vector<int> all(static_cast<size_t>(d.size()));
  std::iota(all.begin(), all.end(), 0);
  const DiceGradient grad = learner.gradient(all);
  const std::vector<double> direction = learner.direction(grad);
  // L(θ) over the whole dataset; objective() reports it with V̂ in world units, L itself in the learner's.
  const std::vector<double> theta = learner.parameters();
  const double h = 1e-6;
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < theta.size(); i += 7) {
    std::vector<double> up = theta, down = theta;
    up[i] += h, down[i] -= h;
    learner.set_parameters(up);
    const double lu = learner.objective();
    learner.set_parameters(down);
    const double ld = learner.objective();
    worst = std::max(worst, std::fabs((lu - ld) / (2 * h) - direction[i]));
    scale = std::max(scale, std::fabs(direction[i]));
  }
  learner.set_parameters(theta);
  REQUIRE(scale > 1e-3);
  CHECK(worst < 1e-5 * scale);
}

TEST_CASE("offline dice: O-DICE adds only the part of g← orthogonal to g→; η = 0 is the semi-gradient") {
  const mdp::Grid g = four_rooms_grid();
  const Dataset d = noisy_dataset(g.mdp, 6);
  const Features f = radial_features(g.layout, g.mdp.states, 2.0, false);
  DiceSettings s;
  s.update = DiceUpdate::Orthogonal;
  s.eta = 1.5;
  DiceLearner ortho(g.mdp, d, f, s);
  klab::Rng rng(2, 0, 0);
  for (int k = 0; k < 30; ++k) ortho.step(rng);
  std::vector<int> batch(64);
  for (int& i : batch) i = static_cast<int>(rng.below(static_cast<uint32_t>(d.size())));
  const DiceGradient grad = ortho.gradient(batch);
  const std::vector<double> dir = ortho.direction(grad);
  std::vector<double> added(dir.size());
  for (size_t i = 0; i < dir.size(); ++i) added[i] = (dir[i] - grad.base[i] - grad.forward[i]) / s.eta;
  CHECK(std::fabs(dot(added, grad.forward)) < 1e-10 * std::sqrt(dot(grad.forward, grad.forward) * dot(added, added)) + 1e-14);
  // g← − added lies along g→: its component along g→ is g←ᵀg→/‖g→‖².
  const double along = dot(grad.backward, grad.forward) / dot(grad.forward, grad.forward);
  for (size_t i = 0; i < dir.size(); ++i) CHECK(grad.backward[i] - added[i] == doctest::Approx(along * grad.forward[i]).epsilon(1e-9).scale(1e-12));
  s.eta = 0.0;
  DiceLearner zero(g.mdp, d, f, s);
  s.update = DiceUpdate::Semi;
  DiceLearner semi(g.mdp, d, f, s);
  zero.set_parameters(ortho.parameters());
  semi.set_parameters(ortho.parameters());
  const std::vector<double> a = zero.direction(zero.gradient(batch)), b = semi.direction(semi.gradient(batch));
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
}

TEST_CASE("offline dice: the tabular semi-gradient fixed point sets each state's mean weight to (1 − λ)/λ") {
  // One-hot V, expert data: one deterministic transition per visited state, so E[f*′(δ)] = (1 − λ)/λ
  // there means 1 + δ/2 = (1 − λ)/λ, δ = 2(1 − 2λ)/λ for every transition.
  const mdp::Grid g = four_rooms_grid();
  DatasetSpec spec;
  spec.behaviour = Behaviour::Expert;
  spec.episodes = 1;
  spec.episode_length = 60;
  klab::Rng data_rng(4, 0, 0);
  const Dataset d = generate_dataset(g.mdp, mdp::solve_optimal(g.mdp).actions, spec, data_rng);
  const Features f = tabular_features(g.mdp.states);
  DiceSettings s;
  s.update = DiceUpdate::Semi;
  s.lambda = 0.7;
  s.step_size = 2.0;
  s.batch = 32;
  DiceLearner learner(g.mdp, d, f, s);
  klab::Rng rng(5, 0, 0);
  for (int k = 0; k < 4000; ++k) learner.step(rng);  // at the fixed point every sample's gradient is 0
  const double expected = 2.0 * (1.0 - 2.0 * s.lambda) / s.lambda;
  for (double delta : learner.residuals()) CHECK(delta == doctest::Approx(expected).epsilon(1e-3));
}

TEST_CASE("offline dice: return to the data on a hand-checked row of cells") {
  // A 1 × 5 corridor, states 0..4 from the west, the data at state 0; a policy that always moves west
  // enters the data from state s after s steps.
  mdp::GridSpec spec;
  spec.rows = {"S...."};
  klab::Expected<mdp::Grid> built = mdp::build_gridworld(spec);
  REQUIRE(built.ok());
  const mdp::Mdp& m = built.value().mdp;
  REQUIRE(m.states == 5);
  std::vector<int> west(5, 3);
  const mdp::Policy pi = mdp::deterministic_policy(m, west);
  std::vector<char> support(5, 0);
  support[0] = 1;
  const std::vector<double> h = return_to_support(m, pi, support, 2);
  CHECK(h[0] == 1.0);
  CHECK(h[1] == 1.0);
  CHECK(h[2] == 1.0);
  CHECK(h[3] == 0.0);
  CHECK(h[4] == 0.0);
  // The uniform policy from state 1 moves west with probability 1/4 (north and south hit the border).
  const std::vector<double> u = return_to_support(m, mdp::uniform_policy(m), support, 1);
  CHECK(u[1] == doctest::Approx(0.25).epsilon(1e-15));
  CHECK(u[2] == 0.0);
}
