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
#include "offline/rollout_core.hpp"

namespace klab::offline {

// argmax_a q_min(s, a) of every state, the first among ties (S).
std::vector<int> greedy_actions(const mdp::Mdp& m, const double* q_min);

// The learner on this CPU: its tables as vectors, its steps the KLAB_INLINE code of rollout_core.hpp
// (the CUDA engine's kernel runs the same code).
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
  std::vector<int> greedy() const { return greedy_actions(*m_, q_min_.data()); }
  long long updates() const { return updates_; }

 private:
  RolloutWorld world() const;

  const mdp::Mdp* m_;
  const Dataset* d_;
  RolloutSettings s_;
  Rng rng_;
  std::vector<char> absorbing_;  // (S)
  std::vector<double> q_;        // (N·SA) member j at offset j·SA
  std::vector<double> q_min_;    // (SA) min over the members
  std::vector<int> buffer_;      // (2·buffer_capacity) the ring of rollout transitions (pair, s′)
  int buffer_size_ = 0, buffer_at_ = 0;
  long long updates_ = 0;
};

}  // namespace klab::offline
