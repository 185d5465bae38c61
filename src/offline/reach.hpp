// Which states k-step rollouts from dataset states can reach, and when (Sims, Lu, Foerster, Teh,
// "The Edge-of-Reach Problem in Offline Model-Based Reinforcement Learning", NeurIPS 2024, §3).
//
// With rollouts of k steps started in dataset states D₀, a state s is *edge-of-reach* when some
// policy reaches it at step k but none reaches it earlier: min{t : Pr(s_t = s) > 0} = k, i.e. its
// shortest-path distance (over transitions of positive probability) from D₀ is exactly k. Such a
// state is only ever the s′ of a rollout transition (s_{k−1}, a, s_k), never its s: its values are
// bootstrapped from but never updated ("bootstrapping from the void").
#pragma once
#include <vector>

#include "mdp/mdp.hpp"

namespace klab::offline {

// Shortest distance from `sources` to each state (S) by breadth-first search over the transitions
// of positive probability; −1 where no action sequence reaches the state.
std::vector<int> reach_steps(const mdp::Mdp& m, const std::vector<int>& sources);

// The states at distance exactly k (ascending), leaving out `absorbing` ones (their value is 0 and
// is never bootstrapped from).
std::vector<int> edge_of_reach(const std::vector<int>& steps, int k, const std::vector<char>& absorbing);

}  // namespace klab::offline
