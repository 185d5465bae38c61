#include "mdp/safe_meta_training.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mdp/policy_optimization.hpp"
#include "mdp/safe_adaptation.hpp"
#include "mdp/soft_vi.hpp"

namespace klab::mdp {

namespace {

// g(s,a) += d(s)·π(a|s)·A(s,a) and d_sum(s) += d(s): one task's term of TRPO's surrogate (trpo_logit_step).
void accumulate_surrogate(const Mdp& m, const Eigen::VectorXd& d, const Policy& pi, const Eigen::VectorXd& a, Eigen::VectorXd& g,
                          Eigen::VectorXd& d_sum) {
  for (int s = 0; s < m.states; ++s) {
    d_sum[s] += d[s];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) g[i] += d[s] * pi[static_cast<size_t>(i)] * a[i];
  }
}

// L(φ′) − L(φ) = Σ g(s,a)(π_φ′(a|s)/π_φ(a|s) − 1).
double surrogate_gain(const Eigen::VectorXd& g, const Policy& pi, const Policy& next) {
  double gain = 0.0;
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    const double p = pi[static_cast<size_t>(i)];
    if (p > 0.0) gain += g[i] * (next[static_cast<size_t>(i)] / p - 1.0);
  }
  return gain;
}

}  // namespace

double trpo_logit_step(const Mdp& m, Eigen::VectorXd& logits, const Policy& pi, const Eigen::VectorXd& g, const Eigen::VectorXd& d,
                       double max_kl) {
  // x = F⁻¹g per state (F_s x_s = d(s)(π ⊙ x_s − π⟨π, x_s⟩) = g_s − π Σ_a g_s(a) = g_s), and xᵀFx.
  Eigen::VectorXd x = Eigen::VectorXd::Zero(m.pairs());
  double quad = 0.0;
  for (int s = 0; s < m.states; ++s) {
    if (!(d[s] > 0.0)) continue;
    double mean = 0.0, second = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      const double p = pi[static_cast<size_t>(i)];
      if (!(p > 0.0)) continue;
      x[i] = g[i] / (d[s] * p);
      mean += p * x[i], second += p * x[i] * x[i];
    }
    quad += d[s] * std::max(0.0, second - mean * mean);
  }
  if (!(quad > 0.0) || !std::isfinite(quad)) return 0.0;  // nothing to gain (g = 0) or no direction
  const Eigen::VectorXd full = std::sqrt(2.0 * max_kl / quad) * x;
  const double expected = g.dot(full);  // the linear prediction of the full step's gain
  for (int k = 0; k < 10; ++k) {
    const double frac = std::ldexp(1.0, -k);
    Eigen::VectorXd trial = logits + frac * full;
    const double gain = surrogate_gain(g, pi, softmax_policy(m, trial, 1.0));
    if (gain > 0.0 && gain > 0.1 * expected * frac) {
      mdpo_step(m, logits, frac * full, 1.0);  // φ += step, each state's logits shifted to max 0
      return frac;
    }
  }
  return 0.0;
}

SafeMetaTrainer::SafeMetaTrainer(const std::vector<MetaTask>& tasks, const MetaTrainingSettings& s)
    : tasks_(tasks), s_(s), logits_(Eigen::VectorXd::Zero(tasks.front().mdp.pairs())), pi_(uniform_policy(tasks.front().mdp)) {}

void SafeMetaTrainer::iterate() {
  for (size_t t = 0; t < tasks_.size(); ++t) add_task(t);
  apply();
}

void SafeMetaTrainer::add_task(size_t t) {
  const Mdp& shape = tasks_.front().mdp;
  if (added_ == 0) {
    reward_step_ = Eigen::VectorXd::Zero(shape.pairs()), cost_step_ = Eigen::VectorXd::Zero(shape.pairs());
    reward_g_ = cost_g_ = Eigen::VectorXd::Zero(shape.pairs()), reward_d_ = cost_d_ = Eigen::VectorXd::Zero(shape.states);
    violated_ = 0, reward_sum_ = 0.0, excess_max_ = -std::numeric_limits<double>::infinity();
  }
  const MetaTask& task = tasks_[t];
  const PolicyStats st = policy_stats(task.mdp, pi_);
  excess_max_ = std::max(excess_max_, st.cost - s_.budget);
  const bool trpo = s_.update == MetaUpdate::Trpo;
  if (st.cost > (1.0 - s_.margin) * s_.budget) {
    if (trpo) accumulate_surrogate(shape, st.d, pi_, st.ac, cost_g_, cost_d_);  // the meta-policy's own cost
    else cost_step_ += st.ac;
    ++violated_;
  }
  const SafeStep adapted = safe_step(task.mdp, pi_, st, s_.budget, s_.step);
  const PolicyStats after = policy_stats(task.mdp, adapted.policy);
  reward_sum_ += after.reward;
  if (trpo) accumulate_surrogate(shape, after.d, adapted.policy, after.ar, reward_g_, reward_d_);  // the adapted policy's
  else reward_step_ += after.ar;
  ++added_;
}

void SafeMetaTrainer::apply() {
  const Mdp& shape = tasks_.front().mdp;
  const double m = static_cast<double>(added_);
  adapted_reward_ = reward_sum_ / m, worst_excess_ = excess_max_;
  if (s_.update == MetaUpdate::Trpo) {
    // g and d are means over the tasks (the code's losses and KL are sample means): the full step does not
    // depend on g's scale, but it does on d's (√(2δ/xᵀFx) with x ∝ 1/d).
    if (violated_ > 0) trpo_logit_step(shape, logits_, pi_, -cost_g_ / violated_, cost_d_ / violated_, s_.max_kl);
    else trpo_logit_step(shape, logits_, pi_, reward_g_ / m, reward_d_ / m, s_.max_kl);
  } else if (violated_ > 0) {
    mdpo_step(shape, logits_, -cost_step_ / violated_, s_.meta_step);
  } else {
    mdpo_step(shape, logits_, reward_step_ / m, s_.meta_step);
  }
  pi_ = softmax_policy(shape, logits_, 1.0);
  added_ = 0;
}

}  // namespace klab::mdp
