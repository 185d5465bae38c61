// Every loss of the alignment chapter against central finite differences, in both policy classes
// (tabular and log-linear): offline preference losses, the Bradley–Terry reward loss, unlearning
// losses, the constrained Lagrangian, VPO's regulariser, INPO's loss; and HyPO's sampled KL gradient
// against the exact one (unbiasedness, statistically).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "alignment/constrained_experiment.hpp"
#include "alignment/losses.hpp"
#include "alignment/nash_experiment.hpp"
#include "alignment/online_experiment.hpp"
#include "alignment/policy.hpp"
#include "alignment/softmax.hpp"
#include "alignment/unlearning_experiment.hpp"
#include "core/samplers.hpp"
#include "core/stats.hpp"

using namespace klab;
using namespace klab::alignment;

namespace {

World small_world() {
  WorldParams p;
  p.prompts = 3;
  p.responses = 4;
  p.features = 3;
  p.nonlinearity = 0.7;
  p.world_seed = 11;
  return make_world(p);
}

// Parameters away from π_ref (so that no term sits at a kink or a symmetric point).
VectorXd random_params(const PolicySpace& space, uint32_t stream) {
  Rng rng(99, 0, stream);
  VectorXd t = space.reference_params();
  for (Eigen::Index i = 0; i < t.size(); ++i) t[i] += 0.6 * sample_normal(rng);
  return t;
}

// Central differences of f at θ against the analytic gradient g: max |g_fd - g| relative to max |g|.
void check_gradient(const std::function<double(const VectorXd&)>& f, const VectorXd& theta, const VectorXd& analytic) {
  const double h = 1e-6;
  double worst = 0.0, scale = 1e-8;
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    VectorXd a = theta, b = theta;
    a[i] += h;
    b[i] -= h;
    const double fd = (f(a) - f(b)) / (2 * h);
    worst = std::max(worst, std::fabs(fd - analytic[i]));
    scale = std::max(scale, std::fabs(analytic[i]));
  }
  CHECK(worst <= 1e-6 * scale + 1e-9);
}

}  // namespace

TEST_CASE("offline preference losses: analytic gradients match finite differences in both policy classes") {
  const World w = small_world();
  Rng rng(5, 0, kStreamData);
  const PreferenceData data = sample_preferences(w, gold_oracle(w, PreferenceModel::BradleyTerry), w.ref_logp, 60, 0.2, rng);
  LossConfig c;
  c.beta = 0.7;
  c.flip = 0.2;
  c.gpo_power = 1.7;
  c.kto_lambda_d = 1.3;  // KTO's weights away from 1 (parameters kto_lambda_d, kto_lambda_u)
  c.kto_lambda_u = 0.6;
  for (PolicyClass cls : {PolicyClass::Tabular, PolicyClass::LogLinear}) {
    const PolicySpace space(w, cls);
    const VectorXd theta = random_params(space, cls == PolicyClass::Tabular ? 1 : 2);
    for (const std::string& id : offline_method_ids()) {
      const Method m = method_from_id(id);
      if (m == Method::Rlhf) continue;  // its policy is a closed form of the reward model: tested below
      CAPTURE(id);
      CAPTURE(static_cast<int>(cls));
      // Stop-gradient quantities (KTO's z0, WPO's weights) are held at θ, as in training.
      const Detached detached = detach(space.log_probs(theta), w.ref_logp);
      MatrixXd gz;
      offline_loss(m, c, w, data, space.log_probs(theta), detached, &gz);
      const auto f = [&](const VectorXd& t) { return offline_loss(m, c, w, data, space.log_probs(t), detached, nullptr); };
      check_gradient(f, theta, space.pullback(gz));
    }
    // RLHF's reward model: the Bradley–Terry loss on the reward table r = z(θ).
    MatrixXd gr;
    bt_reward_loss(data, space.reward_table(theta), &gr);
    check_gradient([&](const VectorXd& t) { return bt_reward_loss(data, space.reward_table(t), nullptr); }, theta,
                   space.pullback(gr));
  }
}

TEST_CASE("rDPO is DPO plus a linear term and DPO-Shift with f(λ) = 1 is DPO") {
  // (1-ε)ℓ(ρ) - εℓ(-ρ) = (1-2ε)ℓ(ρ) - εβρ since ℓ(ρ) - ℓ(-ρ) = -βρ.
  LossConfig c;
  c.beta = 0.9;
  c.flip = 0.3;
  for (double rho : {-2.0, -0.3, 0.0, 0.8, 3.0}) {
    const PairTerm r = pair_loss(Method::Rdpo, c, rho, 0.0, 0.0, 0.0, 1, 1, 1);
    const PairTerm d = pair_loss(Method::Dpo, c, rho, 0.0, 0.0, 0.0, 1, 1, 1);
    CHECK(r.loss == doctest::Approx(d.loss - c.flip * c.beta * rho / (1 - 2 * c.flip)).epsilon(1e-12));
  }
  c.shift_lambda = 1.0;
  const PairTerm s = pair_loss(Method::DpoShift, c, -0.4, -1.3, -0.9, -1.1, 1, 1, 1);
  const PairTerm d = pair_loss(Method::Dpo, c, -0.4, -1.3, -0.9, -1.1, 1, 1, 1);
  CHECK(s.loss == doctest::Approx(d.loss));
  CHECK(s.d_w == doctest::Approx(d.d_w));
  CHECK(s.d_l == doctest::Approx(d.d_l));
}

TEST_CASE("unlearning losses (GA, NPO, SimNPO, with a retain term) match finite differences") {
  const World w = small_world();
  const std::vector<Sample> forget = {{0, 1}, {0, 2}, {1, 0}}, retain = {{1, 3}, {2, 2}, {2, 1}, {0, 1}};
  UnlearnConfig c{0.6, 2.0, 0.3, 0.5};
  for (PolicyClass cls : {PolicyClass::Tabular, PolicyClass::LogLinear}) {
    const PolicySpace space(w, cls);
    const VectorXd theta = random_params(space, 3), theta0 = random_params(space, 4);
    const MatrixXd logp0 = space.log_probs(theta0);
    for (UnlearnMethod m : {UnlearnMethod::GradientAscent, UnlearnMethod::Npo, UnlearnMethod::SimNpo}) {
      CAPTURE(static_cast<int>(m));
      MatrixXd gz;
      unlearning_loss(m, c, w, forget, retain, space.log_probs(theta), logp0, &gz);
      check_gradient([&](const VectorXd& t) { return unlearning_loss(m, c, w, forget, retain, space.log_probs(t), logp0, nullptr); },
                     theta, space.pullback(gz));
    }
  }
}

TEST_CASE("NPO's gradient is gradient ascent's times 2(π/π_0)^β / (1 + (π/π_0)^β)") {
  const World w = small_world();
  const PolicySpace space(w, PolicyClass::Tabular);
  const MatrixXd logp = space.log_probs(random_params(space, 5)), logp0 = space.log_probs(random_params(space, 6));
  const std::vector<Sample> forget = {{1, 2}};
  UnlearnConfig c{0.8, 2.0, 0.0, 0.0};
  MatrixXd ga, npo;
  unlearning_loss(UnlearnMethod::GradientAscent, c, w, forget, {}, logp, logp0, &ga);
  unlearning_loss(UnlearnMethod::Npo, c, w, forget, {}, logp, logp0, &npo);
  const double ratio = std::pow(std::exp(logp(1, 2) - logp0(1, 2)), c.npo_beta);
  const double weight = 2 * ratio / (1 + ratio);
  for (int y = 0; y < w.K; ++y) CHECK(npo(1, y) == doctest::Approx(weight * ga(1, y)).epsilon(1e-12));
}

TEST_CASE("constrained Lagrangian and VPO regulariser gradients match finite differences") {
  const World w = small_world();
  MatrixXd utility(w.P, w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) utility(x, y) = std::cos(1.0 + x + 2.0 * y);
  for (PolicyClass cls : {PolicyClass::Tabular, PolicyClass::LogLinear}) {
    const PolicySpace space(w, cls);
    const VectorXd theta = random_params(space, 7);
    const MatrixXd gz = lagrangian_logits_grad(space.log_probs(theta), w.ref_logp, w.gold, utility, 0.8, 0.6);
    // the trainer ascends L: the gradient of L itself
    check_gradient([&](const VectorXd& t) { return lagrangian(space.log_probs(t), w.ref_logp, w.gold, utility, 0.8, 0.6); },
                   theta, space.pullback(gz));
    MatrixXd gv;
    vpo_regularizer(space.log_probs(theta), w.ref_logp, 0.35, &gv);
    check_gradient([&](const VectorXd& t) { return vpo_regularizer(space.log_probs(t), w.ref_logp, 0.35, nullptr); }, theta,
                   space.pullback(gv));
  }
}

TEST_CASE("INPO loss: gradient matches finite differences and inpo_update is its minimiser") {
  const VectorXd ref = (VectorXd(4) << -1.0, -1.5, -1.2, -2.0).finished().array() - std::log(0.3679 + 0.2231 + 0.3012 + 0.1353);
  VectorXd logp_t = (VectorXd(4) << -0.9, -2.0, -1.1, -1.9).finished();
  const Eigen::RowVectorXd row = logp_t.transpose();  // (a Ref to a transposed column trips GCC 12's -Warray-bounds)
  logp_t.array() -= logsumexp(row);
  const std::vector<Pair> pairs = {{0, 1}, {2, 1}, {0, 2}, {1, 3}, {3, 2}, {0, 3}, {2, 0}};
  const double eta = 0.8, tau = 0.3;
  VectorXd g;
  const VectorXd probe = logp_t.array() + 0.2;
  inpo_loss(pairs, probe, logp_t, ref, eta, tau, &g);
  check_gradient([&](const VectorXd& lp) { return inpo_loss(pairs, lp, logp_t, ref, eta, tau, nullptr); }, probe, g);
  // At the update the gradient vanishes up to the (normalisation) constant direction and the ridge.
  const VectorXd next = inpo_update(pairs, logp_t, ref, eta, tau);
  inpo_loss(pairs, next, logp_t, ref, eta, tau, &g);
  CHECK(g.norm() < 1e-6);
  CHECK(next.array().exp().sum() == doctest::Approx(1.0));
}

TEST_CASE("INPO's population update is the online-mirror-descent step π_t^{1-ητ} π_ref^{ητ} exp(η P(y ≻ π_t))") {
  // Weighted pairs reproduce the population: (a, b) with weight π_t(a)π_t(b)P(a ≻ b).
  const int K = 3;
  MatrixXd A(K, K);
  A << 0.5, 0.9, 0.2, 0.1, 0.5, 0.7, 0.8, 0.3, 0.5;
  VectorXd ref = (VectorXd(K) << 0.5, 0.3, 0.2).finished().array().log();
  VectorXd lt = (VectorXd(K) << 0.2, 0.5, 0.3).finished().array().log();
  std::vector<Pair> pairs;
  // Integer weights approximate the population weights to 1e-4: replicate pairs.
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      const int copies = static_cast<int>(std::lround(1e5 * std::exp(lt[a] + lt[b]) * A(a, b)));
      for (int c = 0; c < copies; ++c) pairs.push_back({a, b});
    }
  const double eta = 0.7, tau = 0.4;
  const VectorXd next = inpo_update(pairs, lt, ref, eta, tau);
  const VectorXd pi_t = lt.array().exp();
  VectorXd omd = (1 - eta * tau) * lt + eta * tau * ref + eta * A * pi_t;
  omd.array() -= logsumexp(omd.transpose());
  // Population projection holds on the support of π_t ⊗ π_t without the diagonal: the OMD step's
  // log-ratios are matched (up to the rounding of the integer weights).
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) CHECK(next[a] - next[b] == doctest::Approx(omd[a] - omd[b]).epsilon(1e-3));
}

TEST_CASE("HyPO's sampled KL gradient is unbiased for ∇ KL(π‖π_ref)") {
  const World w = small_world();
  const PolicySpace space(w, PolicyClass::Tabular);
  const MatrixXd logp = space.log_probs(random_params(space, 8));
  const MatrixXd exact = kl_logits_grad(logp, w.ref_logp) / w.P;
  std::vector<RunningStat> stats(static_cast<size_t>(w.P * w.K));
  Rng rng(3, 0, kStreamOnline);
  for (int rep = 0; rep < 4000; ++rep) {
    const MatrixXd g = hypo_kl_gradient(logp, w.ref_logp, 1.0, 4, rng);
    for (int i = 0; i < w.P * w.K; ++i) stats[static_cast<size_t>(i)].push(g(i / w.K, i % w.K));
  }
  for (int i = 0; i < w.P * w.K; ++i) {
    const RunningStat& s = stats[static_cast<size_t>(i)];
    CHECK(std::fabs(s.mean() - exact(i / w.K, i % w.K)) <= 4.5 * s.sem() + 1e-12);
  }
}
