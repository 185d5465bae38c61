#include "mdp/planner.hpp"

#include "mdp/occupancy.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/soft_vi.hpp"
#include "mdp/value_iteration.hpp"

namespace klab::mdp {

Planner::Planner(const Mdp& m, PlanMethod method, const PlanSettings& settings) : m_(m), method_(method), settings_(settings) {
  v_ = Eigen::VectorXd::Zero(m.states);
  logits_ = Eigen::VectorXd::Zero(m.pairs());
  if (method == PlanMethod::Vi) {
    actions_ = greedy_actions(m, q_from_v(m, v_, m.reward));
    set_policy(deterministic_policy(m, actions_));
  } else if (method == PlanMethod::SoftVi) {
    set_policy(softmax_policy(m, q_from_v(m, v_, m.reward), settings.tau));
  } else {
    set_policy(uniform_policy(m));
  }
}

void Planner::set_policy(Policy pi) {
  pi_ = std::move(pi);
  v_pi_ = evaluate(m_, pi_, m_.reward);
}

const Eigen::VectorXd& Planner::estimate() const { return method_ == PlanMethod::Vi || method_ == PlanMethod::SoftVi ? v_ : v_pi_; }

void Planner::iterate() {
  switch (method_) {
    case PlanMethod::Vi: {
      Eigen::VectorXd next(m_.states);
      bellman_sweep(view(m_), v_.data(), next.data(), nullptr);
      v_.swap(next);
      std::vector<int> greedy = greedy_actions(m_, q_from_v(m_, v_, m_.reward));
      if (greedy != actions_) {  // V^{π_k} changes only when the greedy policy does
        actions_ = greedy;
        set_policy(deterministic_policy(m_, actions_));
      }
      break;
    }
    case PlanMethod::Pi:
    case PlanMethod::TaylorPi: {
      const Eigen::VectorXd v = method_ == PlanMethod::Pi ? v_pi_ : taylor_values(m_, pi_, settings_.taylor_gamma, settings_.taylor_order);
      const Eigen::VectorXd q = q_from_v(m_, v, m_.reward);
      std::vector<int> next = actions_.empty() ? greedy_actions(m_, q) : improve(m_, q, actions_);
      if (next != actions_) {
        actions_ = std::move(next);
        set_policy(deterministic_policy(m_, actions_));
      }
      break;
    }
    case PlanMethod::SoftVi:
      v_ = soft_backup(m_, v_, settings_.tau);
      set_policy(softmax_policy(m_, q_from_v(m_, v_, m_.reward), settings_.tau));
      break;
    case PlanMethod::Mdpo:
      mdpo_step(m_, logits_, q_from_v(m_, v_pi_, m_.reward), step_size(settings_.mdpo_schedule, settings_.mdpo_step, k_, m_.discount));
      set_policy(softmax_policy(m_, logits_, 1.0));
      break;
    case PlanMethod::SoftmaxPg: {
      const Eigen::VectorXd q = q_from_v(m_, v_pi_, m_.reward);
      logits_ += settings_.pg_lr * softmax_pg_gradient(m_, pi_, q, v_pi_, state_distribution(m_, pi_));
      set_policy(softmax_policy(m_, logits_, 1.0));
      break;
    }
  }
  ++k_;
}

}  // namespace klab::mdp
