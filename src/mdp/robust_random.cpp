#include "mdp/robust_random.hpp"

#include <algorithm>

#include "core/rng.hpp"
#include "mdp/world.hpp"
#include "mdp/presets.hpp"

namespace klab::mdp {
namespace {

constexpr uint32_t kWindStream = 0x3D1;

// prob[s′] += w · P(s′|pair) for a pair of `m`, remembering the successors touched.
void accumulate(const Mdp& m, int pair, double w, std::vector<double>& prob, std::vector<int>& touched) {
  if (w == 0.0) return;
  for (int e = m.first_next[pair]; e < m.first_next[pair + 1]; ++e) {
    const size_t to = static_cast<size_t>(m.next_state[static_cast<size_t>(e)]);
    if (prob[to] == 0.0) touched.push_back(static_cast<int>(to));
    prob[to] += w * m.next_prob[static_cast<size_t>(e)];
  }
}

}  // namespace

Mdp perturbed_model(const Mdp& nominal, const Mdp& wind_kernel, double slip, double wind) {
  MdpBuilder b;
  std::vector<double> prob(static_cast<size_t>(nominal.states), 0.0);
  std::vector<int> touched;
  for (int s = 0; s < nominal.states; ++s) {
    b.add_state();
    const int first = nominal.first_pair[s], last = nominal.first_pair[s + 1];
    const double uniform = 1.0 / (last - first);
    double mean_reward = 0.0, mean_cost = 0.0;
    for (int j = first; j < last; ++j) mean_reward += uniform * nominal.reward[static_cast<size_t>(j)], mean_cost += uniform * nominal.cost[static_cast<size_t>(j)];
    for (int i = first; i < last; ++i) {
      b.add_action((1.0 - slip) * nominal.reward[static_cast<size_t>(i)] + slip * mean_reward,
                   (1.0 - slip) * nominal.cost[static_cast<size_t>(i)] + slip * mean_cost);
      touched.clear();
      // Σ_{a′} w(a′) K_β(·|s,a′) with w(a′) = (1 − α)·[a′ = a] + α/A.
      for (int j = first; j < last; ++j) {
        const double w = (j == i ? 1.0 - slip : 0.0) + slip * uniform;
        accumulate(nominal, j, w * (1.0 - wind), prob, touched);
        accumulate(wind_kernel, j, w * wind, prob, touched);
      }
      std::sort(touched.begin(), touched.end());
      for (int to : touched) {
        b.add_next(to, prob[static_cast<size_t>(to)]);
        prob[static_cast<size_t>(to)] = 0.0;
      }
    }
  }
  return b.finish(nominal.start, nominal.discount, 0);
}

RandomKernels random_kernels(int states, int actions, int branching, double discount, uint64_t seed, uint32_t run) {
  Rng nominal_rng(seed, run, kWorldStream), wind_rng(seed, run, kWindStream);
  RandomKernels k{random_mdp(states, actions, branching, nominal_rng), random_mdp(states, actions, branching, wind_rng)};
  k.nominal.discount = k.wind.discount = discount;
  return k;
}

long long random_set_transitions(int states, int actions, int branching, bool slips, bool winds, long long models) {
  const long long b = std::min(branching, states);
  const long long per_pair = std::min<long long>(states, (slips ? actions : 1) * b * (winds ? 2 : 1));
  return static_cast<long long>(states) * actions * per_pair * models;
}

}  // namespace klab::mdp
