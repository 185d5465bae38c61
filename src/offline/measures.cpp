#include "offline/measures.hpp"

#include <algorithm>

namespace klab::offline {
namespace {
constexpr uint32_t kReferenceStream = 0x8E0;  // + behaviour: the reference datasets' streams
}

double average_return(const Dataset& d, double gamma) {
  const int b = d.trajectories();
  if (b == 0) return 0.0;
  double total = 0.0;
  for (int k = 0; k < b; ++k) {
    double discount = 1.0;
    for (int i = d.trajectory_start[k]; i < d.trajectory_start[k + 1]; ++i) {
      total += discount * d.transitions[i].reward;
      discount *= gamma;
    }
  }
  return total / b;
}

int unique_pairs(const Dataset& d) {
  std::vector<int> pairs;
  pairs.reserve(d.transitions.size());
  for (const Transition& t : d.transitions) pairs.push_back(t.pair);
  std::sort(pairs.begin(), pairs.end());
  return static_cast<int>(std::unique(pairs.begin(), pairs.end()) - pairs.begin());
}

double trajectory_quality(double g, double g_min, double g_max) {
  return g_max == g_min ? __builtin_nan("") : (g - g_min) / (g_max - g_min);
}

double state_action_coverage(int u, int u_ref) { return u_ref == 0 ? __builtin_nan("") : static_cast<double>(u) / u_ref; }

DatasetMeasures measure_dataset(const mdp::Mdp& m, const std::vector<int>& expert_actions, const DatasetSpec& spec,
                                const Dataset& d, uint64_t seed, uint32_t run) {
  const auto reference = [&](Behaviour b) {
    DatasetSpec r = spec;
    r.behaviour = b;
    Rng rng(seed, run, kReferenceStream + static_cast<uint32_t>(b));
    return generate_dataset(m, expert_actions, r, rng);
  };
  DatasetMeasures out;
  out.average_return = average_return(d, m.discount);
  out.unique_pairs = unique_pairs(d);
  out.random_return = average_return(reference(Behaviour::Random), m.discount);
  out.expert_return = average_return(reference(Behaviour::Expert), m.discount);
  out.replay_pairs = unique_pairs(reference(Behaviour::Replay));
  out.tq = trajectory_quality(out.average_return, out.random_return, out.expert_return);
  out.saco = state_action_coverage(out.unique_pairs, out.replay_pairs);
  return out;
}

}  // namespace klab::offline
