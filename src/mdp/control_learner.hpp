// One control learner of mdp.learning run episode by episode: Q-learning, SARSA, expected SARSA
// (td_learning.hpp) or UCBVI (ucbvi.hpp) on an episodic problem (episodic_problem.hpp), with its
// tables, its own random stream and its regret Σ_k (V*_0(ρ) − G_k). The experiment's runs and the
// live view both step this class, so the view's run 1 is the Runs tab's run 1, episode for episode.
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/td_learning.hpp"

namespace klab::mdp {

// The order of the first four learners of learning_method_ids().
enum class ControlMethod { QLearning, Sarsa, ExpectedSarsa, Ucbvi };

struct ControlSettings {
  TdSettings td;              // ε schedule and step sizes (the TD learners)
  uint32_t episodes = 1;      // K: the ε schedule's length and UCBVI's T = K·H
  double bonus_scale = 0.0;   // UCBVI c
  double delta = 0.05;        // UCBVI δ
};

class ControlLearner {
 public:
  // `problem` must outlive the learner.
  ControlLearner(const EpisodicProblem& problem, ControlMethod method, const ControlSettings& s, uint64_t seed, uint32_t run);
  // Runs episode k = episodes_done(); path (H+1 states) receives s_0 .. s_H when not null.
  // Returns the episode's return G_k.
  double run_episode(int* path = nullptr);

  uint32_t episodes_done() const { return episode_; }
  double regret() const { return regret_; }
  double epsilon() const;                                 // ε of the next episode (TD learners; UCBVI: 0)
  const std::vector<double>& q() const { return q_; }     // (H·SA) Q_h (UCBVI: its optimistic Q̄_h)
  const std::vector<uint32_t>& visits() const { return visits_; }  // (SA) visits of each pair so far
  double max_error() const { return problem_.max_error(q_.data(), problem_.optimum.q); }

 private:
  const EpisodicProblem& problem_;
  ControlMethod method_;
  ControlSettings s_;
  uint64_t seed_;
  uint32_t run_;
  Rng rng_;
  double log_term_;
  std::vector<double> q_, v_;                       // (H·SA), ((H+1)·S) UCBVI's V̄
  std::vector<uint32_t> counts_, visits_;           // (H·SA) updates per stage, (SA) environment visits
  std::vector<uint32_t> n_pair_, n_entry_;          // UCBVI counts (SA), (nnz)
  std::vector<int> greedy_;                         // (H·S) UCBVI's greedy actions
  uint32_t episode_ = 0;
  double regret_ = 0.0;
};

}  // namespace klab::mdp
