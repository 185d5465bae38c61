// offline.prdc: the KD-tree against brute force, the MLP's backward pass against finite differences,
// the point-mass world by hand, and claim 3 (PRDC's overestimation against TD3's and TD3+BC's) through
// the Experiment.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "claim_batch.hpp"
#include "offline/kd_tree.hpp"
#include "offline/mlp.hpp"
#include "offline/point_mass.hpp"
#include "offline/prdc_experiment.hpp"

namespace {

using PrdcTexts = std::vector<std::pair<std::string, std::string>>;

// Σ_k c_k y_k over a batch of two inputs: a loss whose gradient backward() must give.
double prdc_test_loss(const klab::offline::Mlp& m, const std::vector<double>& x, const std::vector<double>& c) {
  klab::offline::Mlp::Tape t;
  m.forward(x.data(), 2, t);
  double loss = 0.0;
  for (size_t k = 0; k < c.size(); ++k) loss += c[k] * t.output()[k];
  return loss;
}

}  // namespace

TEST_CASE("offline prdc: the KD-tree's nearest neighbour equals brute force, ties to the smallest index") {
  klab::Rng rng(3, 0, 0);
  for (const int n : {1, 7, 300}) {
    std::vector<double> points;
    for (int i = 0; i < n; ++i)
      for (int d = 0; d < 4; ++d) points.push_back(std::round(8.0 * rng.uniform()) / 8.0);  // a coarse grid: many exact ties
    const klab::offline::KdTree tree(points, 4);
    for (int q = 0; q < 200; ++q) {
      double query[4];
      for (double& v : query) v = q % 2 ? rng.uniform() : std::round(8.0 * rng.uniform()) / 8.0;
      CAPTURE(n);
      CAPTURE(q);
      CHECK(tree.nearest(query) == klab::offline::nearest_brute_force(points, 4, query));
    }
    CHECK(tree.nearest(points.data()) == 0);  // a point is its own nearest neighbour (the first of its duplicates)
  }
}

TEST_CASE("offline prdc: the MLP's backward pass equals finite differences (parameters and inputs)") {
  klab::Rng rng(1, 0, 0);
  klab::offline::Mlp m({3, 5, 4, 2}, rng);
  const std::vector<double> x{0.3, -0.2, 0.5, -0.7, 0.1, 0.9}, c{0.7, -1.3, 0.4, 2.0};
  klab::offline::Mlp::Tape t;
  m.forward(x.data(), 2, t);
  std::vector<double> grad(m.parameter_count(), 0.0), dx(x.size());
  m.backward(t, c.data(), grad.data(), dx.data());
  const double h = 1e-6;
  for (size_t k = 0; k < m.parameter_count(); ++k) {
    const double keep = m.parameters()[k];
    m.parameters()[k] = keep + h;
    const double up = prdc_test_loss(m, x, c);
    m.parameters()[k] = keep - h;
    const double down = prdc_test_loss(m, x, c);
    m.parameters()[k] = keep;
    CAPTURE(k);
    CHECK(grad[k] == doctest::Approx((up - down) / (2 * h)).epsilon(1e-6));
  }
  for (size_t k = 0; k < x.size(); ++k) {
    std::vector<double> up = x, down = x;
    up[k] += h, down[k] -= h;
    CHECK(dx[k] == doctest::Approx((prdc_test_loss(m, up, c) - prdc_test_loss(m, down, c)) / (2 * h)).epsilon(1e-6));
  }
}

TEST_CASE("offline prdc: the point-mass world by hand") {
  using namespace klab::offline;
  const PointMassWorld w;
  // A free step, a step clipped at the border, a step into the wall (refused), the goal's reward.
  PointStep st = point_mass_step(w, {0.2, 0.2}, {1.0, -0.5});
  CHECK(st.next[0] == doctest::Approx(0.3));
  CHECK(st.next[1] == doctest::Approx(0.15));
  CHECK(st.reward == 0.0);
  CHECK(point_mass_step(w, {0.05, 0.95}, {-1.0, 1.0}).next == Point2{0.0, 1.0});
  CHECK(point_mass_step(w, {0.4, 0.3}, {1.0, 0.0}).next == Point2{0.4, 0.3});
  CHECK(point_mass_step(w, {0.8, 0.2}, {0.5, -0.5}).reward == 1.0);
  // No action sequence tunnels through the wall; the expert reaches the goal from every start in 20 steps and stays.
  klab::Rng rng(5, 0, 0);
  Point2 s = draw_start(w, rng);
  for (int t = 0; t < 5000; ++t) {
    s = point_mass_step(w, s, {2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0}).next;
    REQUIRE(!in_wall(w, s));
  }
  for (int k = 0; k < 20; ++k) {
    s = draw_start(w, rng);
    for (int t = 0; t < 20; ++t) s = point_mass_step(w, s, expert_action(w, s)).next;
    CHECK(in_goal(w, s));
    CHECK(point_mass_step(w, s, expert_action(w, s)).reward == 1.0);
  }
  // Datasets: the size asked for, the same from the same stream, the expert's better than the random policy's.
  PointDatasetSpec spec;
  spec.episodes = 6;
  spec.episode_length = 30;
  klab::Rng a(1, 0, 9), b(1, 0, 9);
  const PointDataset d1 = generate_point_dataset(w, spec, a), d2 = generate_point_dataset(w, spec, b);
  REQUIRE(d1.transitions.size() == 180u);
  CHECK(d1.transitions.back().next == d2.transitions.back().next);
  spec.behaviour = PointBehaviour::Expert;
  const double expert = generate_point_dataset(w, spec, a).mean_return;
  spec.behaviour = PointBehaviour::Random;
  CHECK(expert > 10.0);
  CHECK(generate_point_dataset(w, spec, a).mean_return < expert);
}

TEST_SUITE("claims") {
  // Claim 3 (Ran, Li, Zhang, Yu 2023) on the noisy-expert dataset, 4 runs of 1000 steps (README:
  // offline.prdc), margins of 3 standard errors of the difference. What the toy shows: TD3's Q̂ runs
  // beyond any possible value; TD3+BC's overestimation is far below TD3's; PRDC's is below TD3's only
  // when β makes the state distance dominate the key (β = 100). At the paper's β = 2 the dataset
  // constraint does not bind in this 2-D world and PRDC overestimates like TD3: the claim is NOT seen
  // there, and the test asserts what is measured. The return half of the claim is not asserted (at
  // this size the returns are 0 or the goal's, run by run: README).
  TEST_CASE("offline claim 3: PRDC's overestimation against TD3's depends on β; TD3+BC's is far below TD3's") {
    const PrdcTexts common{{"steps", "1000"}};
    klab::offline::PrdcExperiment e;
    PrdcTexts paper = common;
    paper.push_back({"methods", "prdc,td3_bc,td3"});
    const klab::BatchResult r = klab::test::run_batch(e, paper, 1, 4);
    PrdcTexts large_beta = common;
    large_beta.push_back({"methods", "prdc"});
    large_beta.push_back({"beta", "100"});
    const klab::BatchResult big = klab::test::run_batch(e, large_beta, 1, 4);
    const klab::RunningStat& td3 = klab::test::final_of(r, "td3", "overestimation");
    const klab::RunningStat& bc = klab::test::final_of(r, "td3_bc", "overestimation");
    const klab::RunningStat& prdc2 = klab::test::final_of(r, "prdc", "overestimation");
    const klab::RunningStat& prdc100 = klab::test::final_of(big, "prdc", "overestimation");
    MESSAGE("overestimation: TD3 " << td3.mean() << " ± " << td3.sem() << ", TD3+BC " << bc.mean() << " ± " << bc.sem() << ", PRDC β = 2 "
                                   << prdc2.mean() << " ± " << prdc2.sem() << ", PRDC β = 100 " << prdc100.mean() << " ± " << prdc100.sem());
    const double max_value = 1.0 / (1.0 - 0.9);  // r ≤ 1, γ = 0.9
    CHECK(td3.mean() - 3.0 * td3.sem() > max_value);
    CHECK(td3.mean() - bc.mean() > 3.0 * std::hypot(td3.sem(), bc.sem()));
    CHECK(td3.mean() - prdc100.mean() > 3.0 * std::hypot(td3.sem(), prdc100.sem()));
    CHECK(prdc2.mean() - 3.0 * prdc2.sem() > max_value);  // the paper's β: not constrained here
  }
}
