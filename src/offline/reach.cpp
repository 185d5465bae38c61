#include "offline/reach.hpp"

namespace klab::offline {

std::vector<int> reach_steps(const mdp::Mdp& m, const std::vector<int>& sources) {
  std::vector<int> dist(static_cast<size_t>(m.states), -1), queue;
  for (int s : sources)
    if (dist[s] < 0) dist[s] = 0, queue.push_back(s);
  for (size_t head = 0; head < queue.size(); ++head) {
    const int s = queue[head];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
        const int n = m.next_state[e];
        if (m.next_prob[e] > 0.0 && dist[n] < 0) dist[n] = dist[s] + 1, queue.push_back(n);
      }
  }
  return dist;
}

std::vector<int> edge_of_reach(const std::vector<int>& steps, int k, const std::vector<char>& absorbing) {
  std::vector<int> out;
  for (size_t s = 0; s < steps.size(); ++s)
    if (steps[s] == k && !absorbing[s]) out.push_back(static_cast<int>(s));
  return out;
}

}  // namespace klab::offline
