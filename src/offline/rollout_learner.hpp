// Model-based offline Q-learning with k-step rollouts in the TRUE dynamics, tabular (a reading of
// MBPO / MOPO and of RAVL for a tabular world):
//   MBPO (Janner et al., NeurIPS 2019) and MOPO (Yu et al., NeurIPS 2020): from states of the
//     dataset D, roll the current policy (ε-greedy in Q̂) out for k steps in the model, keep the
//     transitions in a buffer, and train Q on batches mixing a share of real transitions with
//     rollout ones. MOPO trains on r − λ·u(s, a), u the dynamics ensemble's disagreement; with
//     the true dynamics u = 0, so MOPO is MBPO here (Sims et al.'s point: the penalty vanishes as
//     the model improves, and the method fails).
//   RAVL (Sims, Lu, Foerster, Teh, NeurIPS 2024): the same rollouts, but N Q-functions whose
//     targets and policy use their minimum (value pessimism, as in SAC-N/EDAC, An et al. 2021):
//       Q̂(s, a) = min_j Q_j(s, a),  target y = r + γ max_{a′} Q̂(s′, a′)   (0 after a terminal s′)
//       Q_j(s, a) ← Q_j(s, a) + α (y − Q_j(s, a))   for every member j
//     Members agree where they have been trained (same data, same targets); at edge-of-reach
//     states, which are never trained, they keep their independent initial values, and the
//     minimum is pessimistic there. (EDAC's gradient-diversity term has no tabular counterpart:
//     tables do not share parameters; reading.)
// The untrained values. A network outputs *something* at states it never fitted; here each Q_j
// starts from independent N(0, σ²) draws per (s, a) (σ = init_scale), so "something" is explicit.
// With σ = 0 and non-negative rewards the void is pessimistic and nothing fails (see README).
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "mdp/mdp.hpp"
#include "offline/dataset.hpp"

namespace klab::offline {

struct RolloutSettings {
  int ensemble = 1;                  // N Q-tables (1: MBPO/MOPO; RAVL: N ≥ 2)
  int rollout_length = 5;            // k
  int rollouts_per_iteration = 25;   // rollouts started per iteration, from uniformly drawn dataset states
  int updates_per_iteration = 250;   // Q updates per iteration
  double real_fraction = 0.05;       // share of real (dataset) transitions in the updates (MBPO: 5 %)
  double step_size = 0.3;            // α
  double epsilon = 0.2;              // rollout policy: ε-greedy in Q̂
  double init_scale = 0.5;           // σ of the initial values
  int buffer_capacity = 20000;       // rollout transitions kept (first in, first out)
};

class RolloutLearner {
 public:
  // Randomness: the initial tables from streams (seed, run, init_stream + j), shared by every
  // learner of a run (common random numbers); rollouts and batches from (seed, run, stream).
  RolloutLearner(const mdp::Mdp& m, const Dataset& d, const RolloutSettings& s, uint64_t seed, uint32_t run, uint32_t init_stream,
                 uint32_t stream);
  // One iteration: the rollouts, then the updates.
  void iterate();
  // Q̂ = min_j Q_j (SA).
  const std::vector<double>& values() const { return q_min_; }
  // argmax_a Q̂(s, a), the first among ties (S).
  std::vector<int> greedy() const;
  long long updates() const { return updates_; }

 private:
  int greedy_action(int s) const;
  double target(const Transition& t) const;
  void update(const Transition& t);

  const mdp::Mdp* m_;
  const Dataset* d_;
  RolloutSettings s_;
  Rng rng_;
  int pairs_;
  std::vector<double> q_;      // (N·SA) member j at offset j·SA
  std::vector<double> q_min_;  // (SA) min over the members
  std::vector<char> absorbing_;  // (S)
  std::vector<Transition> buffer_;  // rollout transitions, a ring of buffer_capacity
  size_t buffer_next_ = 0;
  long long updates_ = 0;
};

}  // namespace klab::offline
