// Offline datasets: trajectories that a behaviour policy collected in a tabular MDP (mdp/mdp.hpp),
// the only thing an offline learner may read. The five behaviours of Schweighofer et al., "A Dataset
// Perspective on Offline Reinforcement Learning", CoLLAs 2022 (§ dataset generation):
//   expert  the optimal policy π* (mdp/policy_iteration.hpp), greedy
//   noisy   π*, ε-greedy: with probability ε a uniformly random action
//   random  the uniform policy
//   mixed   each trajectory from the expert with probability `expert_fraction` (the paper: 20 %),
//           else from the random policy
//   replay  every trajectory an online ε-greedy Q-learner collected while it learned (from Q = 0)
// A trajectory starts in s₀ ~ ρ, or with probability `random_starts` in a uniformly random
// non-absorbing state (the coverage knob), and runs `episode_length` steps or until it enters an
// absorbing state (a gridworld goal). Rewards are the MDP's mean rewards r(s, a) (exact in
// deterministic worlds, where the paper's measures are defined).
#pragma once
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "mdp/mdp.hpp"

namespace klab::offline {

struct Transition {
  int state = 0;          // s
  int pair = 0;           // the Mdp's pair index of (s, a): a = pair − first_pair[s]
  double reward = 0.0;    // r(s, a)
  int next = 0;           // s′
  bool terminal = false;  // s′ is absorbing (a goal): the value after it is 0, nothing to bootstrap
};

struct Dataset {
  std::vector<Transition> transitions;  // (N) trajectory after trajectory, in time order
  std::vector<int> trajectory_start;    // (B + 1) trajectory b is transitions [start[b], start[b+1])
  int trajectories() const { return trajectory_start.empty() ? 0 : static_cast<int>(trajectory_start.size()) - 1; }
  int size() const { return static_cast<int>(transitions.size()); }
};

enum class Behaviour { Expert, Noisy, Random, Mixed, Replay };
constexpr int kBehaviourCount = 5;
extern const char* const kBehaviourIds[kBehaviourCount];     // "expert", ... in Behaviour order
extern const char* const kBehaviourLabels[kBehaviourCount];  // display names

struct DatasetSpec {
  Behaviour behaviour = Behaviour::Noisy;
  int episodes = 20;              // trajectories B
  int episode_length = 50;        // at most this many steps each
  double noise = 0.2;             // ε of the noisy expert and of the replay learner
  double expert_fraction = 0.2;   // mixed: probability that a trajectory is the expert's
  double random_starts = 0.0;     // probability that a trajectory starts in a uniformly random state
  double replay_step = 0.5;       // replay: the Q-learner's step size α
};

// 1 for states whose only action stays there with probability 1 and pays 0 (gridworld goals): (S).
std::vector<char> absorbing_states(const mdp::Mdp& m);

// B trajectories of the behaviour. `expert_actions` (S) is π*'s action per state. Draws from `rng` only.
Dataset generate_dataset(const mdp::Mdp& m, const std::vector<int>& expert_actions, const DatasetSpec& spec, Rng& rng);

// Each state's visits as the state s of a transition (S), and the distinct states visited, ascending.
std::vector<int> state_visits(const mdp::Mdp& m, const Dataset& d);
std::vector<int> visited_states(const mdp::Mdp& m, const Dataset& d);

}  // namespace klab::offline
