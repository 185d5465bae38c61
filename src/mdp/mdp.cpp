#include "mdp/mdp.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {

int Mdp::max_actions() const {
  int n = 0;
  for (int s = 0; s < states; ++s) n = std::max(n, actions(s));
  return n;
}

int MdpBuilder::add_state() {
  if (m_.first_pair.empty()) m_.first_pair.push_back(0);
  if (m_.first_next.empty()) m_.first_next.push_back(0);
  if (m_.first_outcome.empty()) m_.first_outcome.push_back(0);
  m_.first_pair.push_back(m_.first_pair.back());
  return m_.states++;
}

void MdpBuilder::add_action(double reward, double cost) {
  m_.first_pair.back() += 1;
  m_.first_next.push_back(m_.first_next.back());
  m_.reward.push_back(reward);
  m_.cost.push_back(cost);
}

void MdpBuilder::add_next(int next_state, double prob) {
  m_.next_state.push_back(next_state);
  m_.next_prob.push_back(prob);
  m_.first_next.back() += 1;
  m_.first_outcome.push_back(m_.first_outcome.back());
}

void MdpBuilder::add_reward_outcome(double reward, double prob) {
  m_.outcome_reward.push_back(reward);
  m_.outcome_prob.push_back(prob);
  m_.first_outcome.back() += 1;
}

Mdp MdpBuilder::finish(std::vector<double> start, double discount, int horizon) {
  m_.start = std::move(start);
  m_.discount = discount;
  m_.horizon = horizon;
  if (m_.outcome_reward.empty()) m_.first_outcome.clear();  // no reward outcomes: r(s, a) is the reward
  Mdp out = std::move(m_);
  m_ = Mdp{};
  return out;
}

namespace {

// The optional reward outcomes of check_mdp (the rest of the MDP already checked).
Status check_reward_outcomes(const Mdp& m) {
  if (!m.has_reward_outcomes()) return m.outcome_reward.empty() && m.outcome_prob.empty() ? Status() : Status::error("invalid MDP: reward outcomes without first_outcome");
  const auto fail = [](const std::string& what) { return Status::error("invalid MDP: " + what); };
  const size_t nnz = static_cast<size_t>(m.transitions());
  if (m.first_outcome.size() != nnz + 1 || m.first_outcome[0] != 0) return fail("first_outcome has the wrong size");
  if (m.outcome_reward.size() != static_cast<size_t>(m.first_outcome.back()) || m.outcome_prob.size() != m.outcome_reward.size())
    return fail("outcome_reward/outcome_prob sizes differ from first_outcome");
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      double expected = 0.0, largest = 0.0;
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
        const int begin = m.first_outcome[static_cast<size_t>(e)], end = m.first_outcome[static_cast<size_t>(e) + 1];
        if (end <= begin) return fail("a transition of state " + std::to_string(s) + " has no reward outcomes");
        double total = 0.0, mean = 0.0;
        for (int k = begin; k < end; ++k) {
          const double r = m.outcome_reward[static_cast<size_t>(k)], q = m.outcome_prob[static_cast<size_t>(k)];
          if (!std::isfinite(r)) return fail("a reward outcome of state " + std::to_string(s) + " is not finite");
          if (!(q >= 0.0 && q <= 1.0)) return fail("a reward-outcome probability of state " + std::to_string(s) + " is outside [0, 1]");
          total += q;
          mean += q * r;
          largest = std::max(largest, std::fabs(r));
        }
        if (std::fabs(total - 1.0) > kProbabilityTolerance)
          return fail("the reward-outcome probabilities of a transition of state " + std::to_string(s) + " sum to " + std::to_string(total));
        expected += m.next_prob[static_cast<size_t>(e)] * mean;
      }
      if (std::fabs(expected - m.reward[static_cast<size_t>(i)]) > kRewardTolerance * (1.0 + largest))
        return fail("an action of state " + std::to_string(s) + " has reward " + std::to_string(m.reward[static_cast<size_t>(i)]) +
                    ", but its reward outcomes average " + std::to_string(expected));
    }
  return {};
}

}  // namespace

Status check_mdp(const Mdp& m) {
  const auto fail = [](const std::string& what) { return Status::error("invalid MDP: " + what); };
  if (m.states < 1 || m.states > kMaxStates)
    return fail("the number of states must be in [1, " + std::to_string(kMaxStates) + "] (got " + std::to_string(m.states) + ")");
  if (m.first_pair.size() != static_cast<size_t>(m.states) + 1 || m.first_pair[0] != 0) return fail("first_pair has the wrong size");
  const int sa = m.pairs();
  if (m.first_next.size() != static_cast<size_t>(sa) + 1 || m.first_next[0] != 0) return fail("first_next has the wrong size");
  if (m.reward.size() != static_cast<size_t>(sa) || m.cost.size() != static_cast<size_t>(sa)) return fail("reward/cost sizes differ from the number of pairs");
  if (m.next_state.size() != static_cast<size_t>(m.transitions()) || m.next_prob.size() != m.next_state.size())
    return fail("next_state/next_prob sizes differ from first_next");
  if (m.transitions() > kMaxTransitions) return fail("more than " + std::to_string(kMaxTransitions) + " transitions");
  if (m.start.size() != static_cast<size_t>(m.states)) return fail("start has the wrong size");
  if (m.horizon < 0 || m.horizon > kMaxHorizon) return fail("horizon must be in [0, " + std::to_string(kMaxHorizon) + "]");
  if (!(m.discount >= 0.0) || m.discount > 1.0 || (m.horizon == 0 && m.discount >= 1.0))
    return fail("discount must be in [0, 1) (or [0, 1] with a finite horizon)");
  std::vector<int> seen(static_cast<size_t>(m.states), -1);
  for (int s = 0; s < m.states; ++s) {
    const int n = m.actions(s);
    if (n < 1 || n > kMaxActionsPerState)
      return fail("state " + std::to_string(s) + " has " + std::to_string(n) + " actions (allowed 1 to " + std::to_string(kMaxActionsPerState) + ")");
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      if (!std::isfinite(m.reward[i]) || !std::isfinite(m.cost[i])) return fail("state " + std::to_string(s) + " has a non-finite reward or cost");
      if (m.first_next[i + 1] <= m.first_next[i]) return fail("state " + std::to_string(s) + " has an action without transitions");
      double total = 0.0;
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
        const int t = m.next_state[e];
        const double p = m.next_prob[e];
        if (t < 0 || t >= m.states) return fail("a transition of state " + std::to_string(s) + " leads to state " + std::to_string(t) + ", outside [0, " + std::to_string(m.states) + ")");
        if (!(p >= 0.0 && p <= 1.0)) return fail("a transition probability of state " + std::to_string(s) + " is outside [0, 1]");
        if (seen[static_cast<size_t>(t)] == i) return fail("an action of state " + std::to_string(s) + " lists state " + std::to_string(t) + " twice");
        seen[static_cast<size_t>(t)] = i;
        total += p;
      }
      if (std::fabs(total - 1.0) > kProbabilityTolerance) return fail("the transition probabilities of an action of state " + std::to_string(s) + " sum to " + std::to_string(total));
    }
  }
  double total = 0.0;
  for (double p : m.start) {
    if (!(p >= 0.0 && p <= 1.0)) return fail("a start probability is outside [0, 1]");
    total += p;
  }
  if (std::fabs(total - 1.0) > kProbabilityTolerance) return fail("the start probabilities sum to " + std::to_string(total));
  return check_reward_outcomes(m);
}

std::vector<int> pair_states(const Mdp& m) {
  std::vector<int> out(static_cast<size_t>(m.pairs()));
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) out[static_cast<size_t>(i)] = s;
  return out;
}

void reward_range(const Mdp& m, double* lo, double* hi) {
  *lo = *std::min_element(m.reward.begin(), m.reward.end());
  *hi = *std::max_element(m.reward.begin(), m.reward.end());
}

Mdp with_discount(Mdp m, double discount, int horizon) {
  m.discount = discount;
  m.horizon = horizon;
  return m;
}

void drop_reward_outcomes(Mdp* m) {
  m->first_outcome.clear();
  m->outcome_reward.clear();
  m->outcome_prob.clear();
}

MdpView view(const Mdp& m) {
  MdpView v;
  v.states = m.states;
  v.first_pair = m.first_pair.data();
  v.first_next = m.first_next.data();
  v.next_state = m.next_state.data();
  v.next_prob = m.next_prob.data();
  v.reward = m.reward.data();
  v.cost = m.cost.data();
  v.start = m.start.data();
  v.first_outcome = m.has_reward_outcomes() ? m.first_outcome.data() : nullptr;
  v.outcome_reward = m.has_reward_outcomes() ? m.outcome_reward.data() : nullptr;
  v.outcome_prob = m.has_reward_outcomes() ? m.outcome_prob.data() : nullptr;
  v.discount = m.discount;
  v.horizon = m.horizon;
  return v;
}

}  // namespace klab::mdp
