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
  const Mdp& shape = tasks_.front().mdp;
  Eigen::VectorXd reward_step = Eigen::VectorXd::Zero(shape.pairs()), cost_step = Eigen::VectorXd::Zero(shape.pairs());
  int violated = 0;
  adapted_reward_ = 0.0;
  worst_excess_ = -std::numeric_limits<double>::infinity();
  for (const MetaTask& task : tasks_) {
    const PolicyStats st = policy_stats(task.mdp, pi_);
    worst_excess_ = std::max(worst_excess_, st.cost - s_.budget);
    if (st.cost > (1.0 - s_.margin) * s_.budget) {
      cost_step += st.ac;
      ++violated;
    }
    const SafeStep adapted = safe_adaptation_step(task.mdp, pi_, st, s_.budget, s_.adapt_step, s_.certificate);
    const PolicyStats after = policy_stats(task.mdp, adapted.policy);
    adapted_reward_ += after.reward / static_cast<double>(tasks_.size());
    reward_step += after.ar / static_cast<double>(tasks_.size());
  }
  if (violated > 0) mdpo_step(shape, logits_, -cost_step / violated, s_.meta_step);
  else mdpo_step(shape, logits_, reward_step, s_.meta_step);
  pi_ = softmax_policy(shape, logits_, 1.0);
}

}  // namespace klab::mdp
