#include "offline/rollout_learner.hpp"

#include <algorithm>

#include "core/samplers.hpp"

namespace klab::offline {

RolloutLearner::RolloutLearner(const mdp::Mdp& m, const Dataset& d, const RolloutSettings& s, uint64_t seed, uint32_t run,
                               uint32_t init_stream, uint32_t stream)
    : m_(&m), d_(&d), s_(s), rng_(seed, run, stream), pairs_(m.pairs()), absorbing_(absorbing_states(m)) {
  q_.resize(static_cast<size_t>(s.ensemble) * pairs_);
  for (int j = 0; j < s.ensemble; ++j) {
    Rng init(seed, run, init_stream + static_cast<uint32_t>(j));
    for (int i = 0; i < pairs_; ++i) q_[static_cast<size_t>(j) * pairs_ + i] = s.init_scale * sample_normal(init);
  }
  for (int st = 0; st < m.states; ++st)  // an absorbing state's value is known: 0
    if (absorbing_[st])
      for (int j = 0; j < s.ensemble; ++j) q_[static_cast<size_t>(j) * pairs_ + m.first_pair[st]] = 0.0;
  q_min_.resize(static_cast<size_t>(pairs_));
  for (int i = 0; i < pairs_; ++i) {
    double v = q_[i];
    for (int j = 1; j < s.ensemble; ++j) v = std::min(v, q_[static_cast<size_t>(j) * pairs_ + i]);
    q_min_[i] = v;
  }
  buffer_.reserve(static_cast<size_t>(s.buffer_capacity));
}

int RolloutLearner::greedy_action(int s) const {
  const int begin = m_->first_pair[s], end = m_->first_pair[s + 1];
  int best = begin;
  for (int i = begin + 1; i < end; ++i)
    if (q_min_[i] > q_min_[best]) best = i;
  return best - begin;
}

std::vector<int> RolloutLearner::greedy() const {
  std::vector<int> a(static_cast<size_t>(m_->states));
  for (int s = 0; s < m_->states; ++s) a[s] = greedy_action(s);
  return a;
}

double RolloutLearner::target(const Transition& t) const {
  if (t.terminal) return t.reward;
  const int begin = m_->first_pair[t.next], end = m_->first_pair[t.next + 1];
  double best = q_min_[begin];
  for (int i = begin + 1; i < end; ++i) best = std::max(best, q_min_[i]);
  return t.reward + m_->discount * best;
}

void RolloutLearner::update(const Transition& t) {
  const double y = target(t);
  double lowest = 0.0;
  for (int j = 0; j < s_.ensemble; ++j) {
    double& q = q_[static_cast<size_t>(j) * pairs_ + t.pair];
    q += s_.step_size * (y - q);
    lowest = j == 0 ? q : std::min(lowest, q);
  }
  q_min_[t.pair] = lowest;
  ++updates_;
}

void RolloutLearner::iterate() {
  const mdp::MdpView view = mdp::view(*m_);
  const uint32_t n_data = static_cast<uint32_t>(d_->transitions.size());
  for (int r = 0; r < s_.rollouts_per_iteration; ++r) {
    int s = d_->transitions[rng_.below(n_data)].state;
    for (int t = 0; t < s_.rollout_length && !absorbing_[s]; ++t) {
      const int n = m_->actions(s);
      const int a = rng_.uniform() < s_.epsilon ? static_cast<int>(rng_.below(static_cast<uint32_t>(n))) : greedy_action(s);
      const int pair = m_->first_pair[s] + a;
      const int next = mdp::sample_next(view, pair, rng_.uniform());
      const Transition tr{s, pair, m_->reward[pair], next, absorbing_[next] != 0};
      if (buffer_.size() < static_cast<size_t>(s_.buffer_capacity)) {
        buffer_.push_back(tr);
      } else {
        buffer_[buffer_next_] = tr;
        buffer_next_ = (buffer_next_ + 1) % buffer_.size();
      }
      s = next;
    }
  }
  for (int u = 0; u < s_.updates_per_iteration; ++u) {
    const bool real = buffer_.empty() || rng_.uniform() < s_.real_fraction;
    update(real ? d_->transitions[rng_.below(n_data)] : buffer_[rng_.below(static_cast<uint32_t>(buffer_.size()))]);
  }
}

}  // namespace klab::offline
