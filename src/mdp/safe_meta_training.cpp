#include "mdp/safe_meta_training.hpp"

#include <algorithm>
#include <limits>

#include "mdp/policy_optimization.hpp"
#include "mdp/safe_adaptation.hpp"
#include "mdp/soft_vi.hpp"

namespace klab::mdp {

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
    violated_ = 0, reward_sum_ = 0.0, excess_max_ = -std::numeric_limits<double>::infinity();
  }
  const MetaTask& task = tasks_[t];
  const PolicyStats st = policy_stats(task.mdp, pi_);
  excess_max_ = std::max(excess_max_, st.cost - s_.budget);
  if (st.cost > (1.0 - s_.margin) * s_.budget) {
    cost_step_ += st.ac;
    ++violated_;
  }
  const SafeStep adapted = safe_step(task.mdp, pi_, st, s_.budget, s_.step);
  const PolicyStats after = policy_stats(task.mdp, adapted.policy);
  reward_sum_ += after.reward;
  reward_step_ += after.ar;
  ++added_;
}

void SafeMetaTrainer::apply() {
  const Mdp& shape = tasks_.front().mdp;
  const double m = static_cast<double>(added_);
  adapted_reward_ = reward_sum_ / m, worst_excess_ = excess_max_;
  if (violated_ > 0) mdpo_step(shape, logits_, -cost_step_ / violated_, s_.meta_step);
  else mdpo_step(shape, logits_, reward_step_ / m, s_.meta_step);
  pi_ = softmax_policy(shape, logits_, 1.0);
  added_ = 0;
}

}  // namespace klab::mdp
