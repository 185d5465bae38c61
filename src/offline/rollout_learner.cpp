#include "offline/rollout_learner.hpp"

namespace klab::offline {

std::vector<int> greedy_actions(const mdp::Mdp& m, const double* q_min) {
  const mdp::MdpView view = mdp::view(m);
  std::vector<int> a(static_cast<size_t>(m.states));
  for (int s = 0; s < m.states; ++s) a[s] = rollout_greedy_action(view, q_min, s);
  return a;
}

RolloutLearner::RolloutLearner(const mdp::Mdp& m, const Dataset& d, const RolloutSettings& s, uint64_t seed, uint32_t run,
                               uint32_t init_stream, uint32_t stream)
    : m_(&m),
      d_(&d),
      s_(s),
      rng_(seed, run, stream),
      absorbing_(absorbing_states(m)),
      q_(static_cast<size_t>(s.ensemble) * m.pairs()),
      q_min_(static_cast<size_t>(m.pairs())),
      buffer_(2 * static_cast<size_t>(s.buffer_capacity)) {
  RolloutTables t{q_.data(), q_min_.data(), buffer_.data(), 0, 0};
  rollout_init(world(), s_, seed, run, init_stream, t);
}

RolloutWorld RolloutLearner::world() const {
  return {mdp::view(*m_), absorbing_.data(), d_->transitions.data(), static_cast<uint32_t>(d_->transitions.size())};
}

void RolloutLearner::iterate() {
  RolloutTables t{q_.data(), q_min_.data(), buffer_.data(), buffer_size_, buffer_at_};
  rollout_iterate(world(), s_, t, rng_);
  buffer_size_ = t.size;
  buffer_at_ = t.at;
  updates_ += s_.updates_per_iteration;
}

}  // namespace klab::offline
