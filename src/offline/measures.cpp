#include "offline/measures.hpp"

#include <algorithm>

namespace klab::offline {
namespace {
constexpr uint32_t kReferenceStream = 0x8E0;       // + behaviour: the reference datasets' streams
constexpr uint32_t kPointReferenceStream = 0x8F0;  // + behaviour: the point mass's (offline.prdc uses 0x8E0–0x8E3)

// The bin of v ∈ [lo, hi] among kPointCoverageBins equal bins (hi itself in the last).
int coverage_bin(double v, double lo, double hi) {
  const int b = static_cast<int>((v - lo) / (hi - lo) * kPointCoverageBins);
  return std::min(kPointCoverageBins - 1, std::max(0, b));
}
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

// TQ and SACo of a dataset d (Schweighofer et al., CoLLAs 2022): its return and its unique
// (state, action) pairs against reference datasets of the same size drawn by the random, expert and
// replay behaviours, B being the world's behaviour enum.
template <class B, class D, class Return, class Pairs, class Reference>
DatasetMeasures measures_against_references(const D& d, Return average_return_of, Pairs unique_pairs_of, Reference reference) {
  DatasetMeasures out;
  out.average_return = average_return_of(d);
  out.unique_pairs = unique_pairs_of(d);
  out.random_return = average_return_of(reference(B::Random));
  out.expert_return = average_return_of(reference(B::Expert));
  out.replay_pairs = unique_pairs_of(reference(B::Replay));
  out.tq = trajectory_quality(out.average_return, out.random_return, out.expert_return);
  out.saco = state_action_coverage(out.unique_pairs, out.replay_pairs);
  return out;
}

DatasetMeasures measure_dataset(const mdp::Mdp& m, const std::vector<int>& expert_actions, const DatasetSpec& spec,
                                const Dataset& d, uint64_t seed, uint32_t run) {
  const auto reference = [&](Behaviour b) {
    DatasetSpec r = spec;
    r.behaviour = b;
    Rng rng(seed, run, kReferenceStream + static_cast<uint32_t>(b));
    return generate_dataset(m, expert_actions, r, rng);
  };
  return measures_against_references<Behaviour>(
      d, [&](const Dataset& x) { return average_return(x, m.discount); }, unique_pairs, reference);
}

double point_average_return(const PointDataset& d, double gamma) {
  const int b = d.trajectories();
  if (b == 0) return 0.0;
  double total = 0.0;
  for (int k = 0; k < b; ++k) {
    double discount = 1.0;
    for (int t = 0; t < d.episode_length; ++t) {
      total += discount * d.transitions[static_cast<size_t>(k) * static_cast<size_t>(d.episode_length) + static_cast<size_t>(t)].reward;
      discount *= gamma;
    }
  }
  return total / b;
}

int point_unique_pairs(const PointDataset& d) {
  std::vector<int> cells;
  cells.reserve(d.transitions.size());
  for (const PointTransition& t : d.transitions) {
    int cell = 0;
    for (int k = 0; k < 2; ++k) cell = cell * kPointCoverageBins + coverage_bin(t.state[k], 0.0, 1.0);
    for (int k = 0; k < 2; ++k) cell = cell * kPointCoverageBins + coverage_bin(t.action[k], -1.0, 1.0);
    cells.push_back(cell);
  }
  std::sort(cells.begin(), cells.end());
  return static_cast<int>(std::unique(cells.begin(), cells.end()) - cells.begin());
}

DatasetMeasures measure_point_dataset(const PointMassWorld& w, const PointDatasetSpec& spec, const PointDataset& d, uint64_t seed,
                                      uint32_t run) {
  const auto reference = [&](PointBehaviour b) {
    PointDatasetSpec r = spec;
    r.behaviour = b;
    Rng rng(seed, run, kPointReferenceStream + static_cast<uint32_t>(b));
    return generate_point_dataset(w, r, rng);
  };
  return measures_against_references<PointBehaviour>(
      d, [&](const PointDataset& x) { return point_average_return(x, w.gamma); }, point_unique_pairs, reference);
}

}  // namespace klab::offline
