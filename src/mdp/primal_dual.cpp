#include "mdp/primal_dual.hpp"

#include <algorithm>

#include "mdp/policy_optimization.hpp"
#include "mdp/soft_vi.hpp"

namespace klab::mdp {

Mdp sampled_model(const Mdp& m, int samples, uint64_t seed, uint32_t run, uint32_t stream, uint32_t iteration) {
  if (samples <= 0) return m;
  Mdp out = m;
  drop_reward_outcomes(&out);  // the probabilities change
  const MdpView mv = view(m);
  for (int i = 0; i < m.pairs(); ++i) {
    for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) out.next_prob[static_cast<size_t>(e)] = 0.0;
    Rng rng(seed, run, stream, (static_cast<uint64_t>(i) << 32) + static_cast<uint64_t>(iteration) * ((samples + 1) / 2));
    for (int j = 0; j < samples; ++j) {
      const int next = sample_next(mv, i, rng.uniform());
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
        if (m.next_state[e] == next) out.next_prob[static_cast<size_t>(e)] += 1.0 / samples;
    }
  }
  return out;
}

void evaluate_reward_cost(const Mdp& m, const Policy& pi, Eigen::VectorXd* vr, Eigen::VectorXd* vc) {
  const Resolvent resolvent(induced_transitions(m, pi), m.discount);
  *vr = resolvent.solve(induced_signal(m, pi, m.reward));
  *vc = resolvent.solve(induced_signal(m, pi, m.cost));
}

PrimalDual::PrimalDual(const Mdp& m, double budget, const PrimalDualSettings& s)
    : m_(m), budget_(budget), s_(s), logits_(Eigen::VectorXd::Zero(m.pairs())), pi_(uniform_policy(m)) {}

void PrimalDual::iterate(const Mdp& model) {
  Eigen::VectorXd vr, vc;
  evaluate_reward_cost(model, pi_, &vr, &vc);
  const Eigen::VectorXd qr = q_from_v(model, vr, model.reward), qc = q_from_v(model, vc, model.cost);
  const double cost = start_value(model, vc), error = cost - budget_;
  mdpo_step(m_, logits_, qr - lambda_ * qc, s_.policy_step);
  pi_ = softmax_policy(m_, logits_, 1.0);
  integral_ = std::max(0.0, integral_ + error);
  const double derivative = first_ ? 0.0 : std::max(0.0, cost - previous_cost_);
  lambda_ = std::max(0.0, s_.kp * error + s_.dual_step * integral_ + s_.kd * derivative);
  previous_cost_ = cost;
  first_ = false;
}

}  // namespace klab::mdp
