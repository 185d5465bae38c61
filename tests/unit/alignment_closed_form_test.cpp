// Known answers of the alignment chapter: the KL-regularised optimum, the constrained optimum by dual
// bisection, the exact (regularised) Nash policy, the best-of-n distribution, Student-t quantiles,
// population preference data, and the simplex view's field at π*.
#include <doctest/doctest.h>

#include <cmath>

#include "alignment/closed_form.hpp"
#include "alignment/confidence.hpp"
#include "alignment/figures.hpp"
#include "alignment/live.hpp"
#include "alignment/nash.hpp"
#include "alignment/nash_experiment.hpp"
#include "alignment/offline_experiment.hpp"
#include "alignment/reward_model.hpp"
#include "alignment/softmax.hpp"
#include "core/samplers.hpp"
#include "core/stats.hpp"

using namespace klab;
using namespace klab::alignment;

namespace {

World world(int P, int K, long long seed) {
  WorldParams p;
  p.prompts = P;
  p.responses = K;
  p.world_seed = seed;
  p.nonlinearity = 0.5;
  return make_world(p);
}

double objective(const World& w, const MatrixXd& logp, double beta) {
  return mean_expectation(logp, w.gold) - beta * mean_kl(logp, w.ref_logp);
}

}  // namespace

TEST_CASE("π*_β ∝ π_ref exp(r*/β) maximises E_π[r*] - β KL(π‖π_ref)") {
  const World w = world(4, 5, 3);
  const double beta = 0.7;
  const MatrixXd opt = tilted_logp(w.ref_logp, w.gold, beta);
  const double best = objective(w, opt, beta);
  Rng rng(1, 0, 0);
  for (int trial = 0; trial < 50; ++trial) {
    MatrixXd z = opt;
    for (int i = 0; i < z.size(); ++i) z(i) += 0.3 * sample_normal(rng);
    CHECK(objective(w, log_softmax_rows(z), beta) < best);
  }
  // The gap is exactly β·KL(π‖π*): J(π*) - J(π) = β KL(π‖π*).
  MatrixXd z = opt;
  z(0, 1) += 0.8;
  const MatrixXd lp = log_softmax_rows(z);
  CHECK(best - objective(w, lp, beta) == doctest::Approx(beta * mean_kl(lp, opt)).epsilon(1e-12));
}

TEST_CASE("the constrained optimum by dual bisection satisfies the KKT conditions") {
  const World w = world(6, 6, 8);
  MatrixXd g(w.P, w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) g(x, y) = -0.6 * w.gold(x, y) + std::sin(3.0 * x + y);
  const double beta = 0.5;
  const double free_utility = mean_expectation(tilted_logp(w.ref_logp, w.gold, beta), g);
  // Active constraint: E[g] = b with λ* > 0, and the optimum beats every feasible π_λ of the family.
  const double b = free_utility + 0.3;
  const ConstrainedOptimum o = constrained_optimum(w.ref_logp, w.gold, g, beta, b);
  CHECK(o.feasible);
  CHECK(o.lambda > 0);
  CHECK(o.utility == doctest::Approx(b).epsilon(1e-9));
  for (double lambda : {o.lambda * 1.2, o.lambda * 2.0, o.lambda + 5.0}) {
    const MatrixXd lp = tilted_logp(w.ref_logp, w.gold + lambda * g, beta);
    CHECK(mean_expectation(lp, g) >= b);
    CHECK(objective(w, lp, beta) < objective(w, o.logp, beta));
  }
  // Inactive constraint: λ* = 0 and π* itself.
  const ConstrainedOptimum free = constrained_optimum(w.ref_logp, w.gold, g, beta, free_utility - 0.1);
  CHECK(free.lambda == 0.0);
  CHECK(mean_kl(free.logp, tilted_logp(w.ref_logp, w.gold, beta)) < 1e-20);
}

TEST_CASE("the exact Nash policy: rock–paper–scissors, a Condorcet winner, and the regularised game") {
  // Pure rock–paper–scissors: the minimax winner is uniform and its duality gap is 0.
  MatrixXd rps(3, 3);
  rps << 0.5, 0.9, 0.1, 0.1, 0.5, 0.9, 0.9, 0.1, 0.5;
  const VectorXd uniform_ref = VectorXd::Constant(3, std::log(1.0 / 3));
  double gap = 1;
  VectorXd n = regularized_nash(rps, uniform_ref, 0.0, &gap);
  CHECK(gap < 1e-12);
  for (int y = 0; y < 3; ++y) CHECK(n[y] == doctest::Approx(1.0 / 3));
  // A Condorcet winner (response 2 beats both others) is the pure minimax winner.
  MatrixXd cw(3, 3);
  cw << 0.5, 0.6, 0.3, 0.4, 0.5, 0.2, 0.7, 0.8, 0.5;
  n = regularized_nash(cw, uniform_ref, 0.0, &gap);
  CHECK(n[2] == doctest::Approx(1.0));
  CHECK(gap < 1e-12);
  // τ > 0: π_N = softmax(ln π_ref + Aπ_N/τ) with gap 0, on random intransitive games.
  const World w = world(5, 6, 4);
  for (int x = 0; x < w.P; ++x) {
    const MatrixXd A = preference_matrix(w, x, 3.0);
    CHECK((A + A.transpose() - MatrixXd::Ones(6, 6)).cwiseAbs().maxCoeff() < 1e-15);
    const VectorXd ref = w.ref_logp.row(x).transpose();
    for (double tau : {0.05, 0.3, 1.0}) {
      const VectorXd p = regularized_nash(A, ref, tau, &gap);
      CHECK(gap < 1e-9);
      VectorXd fixed = ref + A * p / tau;
      fixed = (fixed.array() - logsumexp(fixed.transpose())).exp();
      CHECK((fixed - p).cwiseAbs().maxCoeff() < 1e-9);
      // Any other policy has a positive gap.
      VectorXd q = p;
      q[0] += 0.05;
      q /= q.sum();
      CHECK(duality_gap(A, ref, tau, q) > gap);
    }
  }
}

TEST_CASE("best-of-n: exact distribution against sampling, n = 1 is π_ref, KL ≤ ln n - (n-1)/n") {
  const World w = world(2, 7, 5);
  MatrixXd score(w.P, w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) score(x, y) = std::cos(1.7 * y + x);
  CHECK((best_of_n_logp(w.ref_logp, score, 1.0) - w.ref_logp).cwiseAbs().maxCoeff() < 1e-12);
  for (double n : {2.0, 7.0, 50.0}) {
    const MatrixXd lp = best_of_n_logp(w.ref_logp, score, n);
    for (int x = 0; x < w.P; ++x) CHECK(lp.row(x).array().exp().sum() == doctest::Approx(1.0));
    CHECK(mean_kl(lp, w.ref_logp) <= std::log(n) - (n - 1) / n + 1e-12);
  }
  // Monte Carlo: the frequency of each response as best of 7 draws from π_ref.
  const int n = 7, reps = 40000;
  const MatrixXd lp = best_of_n_logp(w.ref_logp, score, n);
  Rng rng(2, 0, 0);
  std::vector<double> weights(static_cast<size_t>(w.K));
  for (int y = 0; y < w.K; ++y) weights[static_cast<size_t>(y)] = std::exp(w.ref_logp(0, y));
  std::vector<int> counts(static_cast<size_t>(w.K), 0);
  for (int r = 0; r < reps; ++r) {
    int best = -1;
    for (int i = 0; i < n; ++i) {
      const int y = static_cast<int>(sample_categorical(rng, weights.data(), weights.size()));
      if (best < 0 || score(0, y) > score(0, best)) best = y;
    }
    ++counts[static_cast<size_t>(best)];
  }
  for (int y = 0; y < w.K; ++y) {
    const double p = std::exp(lp(0, y)), freq = counts[static_cast<size_t>(y)] / static_cast<double>(reps);
    CHECK(std::fabs(freq - p) <= 4.5 * std::sqrt(p * (1 - p) / reps) + 1e-12);
  }
}

TEST_CASE("Student-t quantiles agree with the table of the core") {
  for (double df : {1.0, 2.0, 5.0, 12.0, 30.0, 80.0})
    CHECK(student_t_quantile(0.975, df) == doctest::Approx(student_t_975(df)).epsilon(1e-4));
  CHECK(student_t_quantile(0.9, 10.0) == doctest::Approx(1.372184).epsilon(1e-5));  // t_{0.9,10}
  CHECK(student_t_quantile(0.1, 10.0) == doctest::Approx(-1.372184).epsilon(1e-5));
}

TEST_CASE("population preference data: weights sum to 1 and DPO's field vanishes at π*_β") {
  const World w = world(3, 3, 6);
  const PreferenceData pop = population_preferences(w, gold_oracle(w, PreferenceModel::BradleyTerry), w.ref_logp, 0.0);
  CHECK(pop.total == doctest::Approx(1.0).epsilon(1e-12));
  LossConfig c;
  c.beta = 0.6;
  const MatrixXd opt = tilted_logp(w.ref_logp, w.gold, c.beta);
  for (int x = 0; x < w.P; ++x) {
    // The simplex view's flow (alignment/live.cpp draws it) is zero at π*_β and not elsewhere.
    CHECK(simplex_flow(Method::Dpo, c, w, pop, opt, x, row3(opt, x)).norm() < 1e-12);
    CHECK(simplex_flow(Method::Dpo, c, w, pop, opt, x, Eigen::Vector3d(0.2, 0.3, 0.5)).norm() > 1e-4);
  }
}

TEST_CASE("alignment.offline: KTO's λ_D and λ_U are parameters that reach the loss") {
  OfflineExperiment e;
  REQUIRE(e.params().set_texts({{"kto_lambda_d", "1.25"}, {"kto_lambda_u", "0.5"}}).ok());
  const LossConfig c = loss_config(e.p());
  CHECK(c.kto_lambda_d == 1.25);
  CHECK(c.kto_lambda_u == 0.5);
  // KTO's loss is λ_D(1 - v_D) + λ_U(1 - v_U) per pair: halving λ_U changes it.
  const World w = make_world(e.p());
  Rng rng(3, 0, kStreamData);
  const PreferenceData data = sample_preferences(w, gold_oracle(w, PreferenceModel::BradleyTerry), w.ref_logp, 40, 0.0, rng);
  const Detached d = detach(w.ref_logp, w.ref_logp);
  LossConfig ones = c;
  ones.kto_lambda_d = ones.kto_lambda_u = 1.0;
  const double at_ref = offline_loss(Method::Kto, ones, w, data, w.ref_logp, d, nullptr);
  // At π = π_ref (Δ = 0, z0 = 0) every σ is ½: the loss is (λ_D + λ_U)/2.
  CHECK(at_ref == doctest::Approx(1.0));
  CHECK(offline_loss(Method::Kto, c, w, data, w.ref_logp, d, nullptr) == doctest::Approx(0.875));
}

TEST_CASE("KL(π‖π_N) is +∞ where π_N misses a response π keeps, finite where π_N has full support") {
  NashExperiment e;
  REQUIRE(e.params().set_texts({{"tau", "0"}, {"cycle", "0"}, {"methods", "spo"}}).ok());
  NashTrainer t(e.p(), 1, 0);  // Bradley–Terry preferences at τ = 0: π_N is the Condorcet winner, a vertex
  REQUIRE_FALSE(t.nash_full_support());
  t.step();
  CHECK(t.metrics(0)[2] == kInf);
  CHECK(kl_nash_title(false).find("∞") != std::string::npos);
  REQUIRE(e.params().set_texts({{"tau", "0.1"}, {"cycle", "3"}}).ok());
  NashTrainer r(e.p(), 1, 0);
  REQUIRE(r.nash_full_support());  // τ > 0: π_N ∝ π_ref·e^{…} has full support
  r.step();
  CHECK(std::isfinite(r.metrics(0)[2]));
}
