#include "offline/dataset.hpp"

#include <algorithm>

namespace klab::offline {

const char* const kBehaviourIds[kBehaviourCount] = {"expert", "noisy", "random", "mixed", "replay"};
const char* const kBehaviourLabels[kBehaviourCount] = {"expert (π*)", "noisy expert (ε-greedy π*)", "random (uniform)",
                                                       "mixed (expert or random trajectories)", "replay (an online Q-learner's experience)"};

std::vector<char> absorbing_states(const mdp::Mdp& m) {
  std::vector<char> out(static_cast<size_t>(m.states), 0);
  for (int s = 0; s < m.states; ++s) {
    if (m.actions(s) != 1) continue;
    const int i = m.first_pair[s];
    const int e = m.first_next[i];
    out[s] = m.first_next[i + 1] - e == 1 && m.next_state[e] == s && m.reward[i] == 0.0;
  }
  return out;
}

namespace {

// argmax_a q(s, a) with ties broken uniformly at random (one draw only when there is a tie).
int greedy_action(const mdp::Mdp& m, const std::vector<double>& q, int s, Rng& rng) {
  const int begin = m.first_pair[s], n = m.actions(s);
  double best = q[begin];
  int ties = 1, choice = 0;
  for (int a = 1; a < n; ++a) {
    const double v = q[begin + a];
    if (v > best) best = v, ties = 1, choice = a;
    else if (v == best) ++ties;
  }
  if (ties == 1) return choice;
  int k = static_cast<int>(rng.below(static_cast<uint32_t>(ties)));
  for (int a = 0; a < n; ++a)
    if (q[begin + a] == best && k-- == 0) return a;
  return choice;
}

}  // namespace

Dataset generate_dataset(const mdp::Mdp& m, const std::vector<int>& expert_actions, const DatasetSpec& spec, Rng& rng) {
  const mdp::MdpView view = mdp::view(m);
  const std::vector<char> absorbing = absorbing_states(m);
  std::vector<int> free_states;
  for (int s = 0; s < m.states; ++s)
    if (!absorbing[s]) free_states.push_back(s);
  std::vector<double> q(spec.behaviour == Behaviour::Replay ? static_cast<size_t>(m.pairs()) : 0, 0.0);  // (SA) the replay learner

  Dataset d;
  d.trajectory_start.push_back(0);
  for (int b = 0; b < spec.episodes; ++b) {
    // Who acts in this trajectory.
    Behaviour who = spec.behaviour;
    if (who == Behaviour::Mixed) who = rng.uniform() < spec.expert_fraction ? Behaviour::Expert : Behaviour::Random;
    int s = (!free_states.empty() && rng.uniform() < spec.random_starts)
                ? free_states[rng.below(static_cast<uint32_t>(free_states.size()))]
                : mdp::sample_start(view, rng.uniform());
    for (int t = 0; t < spec.episode_length && !absorbing[s]; ++t) {
      const int n = m.actions(s);
      int a = 0;
      switch (who) {
        case Behaviour::Expert: a = expert_actions[s]; break;
        case Behaviour::Noisy: a = rng.uniform() < spec.noise ? static_cast<int>(rng.below(static_cast<uint32_t>(n))) : expert_actions[s]; break;
        case Behaviour::Random: a = static_cast<int>(rng.below(static_cast<uint32_t>(n))); break;
        case Behaviour::Mixed: break;  // resolved above
        case Behaviour::Replay:
          a = rng.uniform() < spec.noise ? static_cast<int>(rng.below(static_cast<uint32_t>(n))) : greedy_action(m, q, s, rng);
          break;
      }
      const int pair = m.first_pair[s] + a;
      const int next = mdp::sample_next(view, pair, rng.uniform());
      const Transition tr{s, pair, m.reward[pair], next, absorbing[next] != 0};
      d.transitions.push_back(tr);
      if (who == Behaviour::Replay) {
        // Q-learning (Watkins & Dayan 1992): Q(s, a) += α (r + γ max_a′ Q(s′, a′) − Q(s, a)).
        double next_value = 0.0;
        if (!tr.terminal) {
          next_value = q[m.first_pair[next]];
          for (int j = m.first_pair[next] + 1; j < m.first_pair[next + 1]; ++j) next_value = std::max(next_value, q[j]);
        }
        q[pair] += spec.replay_step * (tr.reward + m.discount * next_value - q[pair]);
      }
      s = next;
    }
    d.trajectory_start.push_back(static_cast<int>(d.transitions.size()));
  }
  return d;
}

std::vector<int> state_visits(const mdp::Mdp& m, const Dataset& d) {
  std::vector<int> visits(static_cast<size_t>(m.states), 0);
  for (const Transition& t : d.transitions) ++visits[t.state];
  return visits;
}

std::vector<int> visited_states(const mdp::Mdp& m, const Dataset& d) {
  const std::vector<int> visits = state_visits(m, d);
  std::vector<int> out;
  for (int s = 0; s < m.states; ++s)
    if (visits[s] > 0) out.push_back(s);
  return out;
}

}  // namespace klab::offline
