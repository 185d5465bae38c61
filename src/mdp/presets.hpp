// The chapter's worlds: gridworld presets, the classic chains and a random MDP generator.
//
//   cliff        Sutton & Barto (2018), Example 6.6: 4 × 12, −1 per step, −100 and back to the start
//                on entering the cliff; the goal absorbs.
//   four_rooms   Sutton, Precup & Singh, "Between MDPs and semi-MDPs", AIJ 1999: 11 × 11 inside
//                four rooms joined by hallways; reward 1 on entering the goal.
//   riverswim    Strehl & Littman, "An analysis of model-based interval estimation for Markov
//                decision processes", JCSS 2008, with rewards scaled by 10⁻⁴ as in Osband, Russo &
//                Van Roy (NeurIPS 2013): n states, "left" drifts back for 0.005 at the left bank,
//                "right" fights the current for 1 at the right bank.
//   chain        Strens, "A Bayesian framework for reinforcement learning", ICML 2000 (and Dearden,
//                Friedman & Russell 1998): n states, "forward" (0, 1 at the end) or "back to the
//                start" (0.2); with probability `slip` the other action happens and earns its own
//                reward (stored as reward outcomes per transition; r(s, a) is the mean). Rewards / 10.
//   hazard_maze  A gridworld for constrained problems: the short way to the goal crosses hazard
//                cells (cost 1 each), the long way round is safe.
//   random       Garnet-style random MDPs (Archibald, McKinnon & Thomas 1995; Bhatnagar et al.
//                2009): for each (s, a), `branching` distinct successors drawn uniformly, their
//                probabilities the spacings of branching − 1 sorted uniforms (a flat Dirichlet),
//                r and c uniform on [0, 1], ρ uniform; with reward_levels = k > 0, r uniform on
//                the lattice {0, 1/k, …, 1} instead (mdp.risk's exact return distributions need it),
//                from the same uniform draw, so the transitions are the same MDP's.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mdp/gridworld.hpp"

namespace klab::mdp {

enum class Preset { Cliff, FourRooms, RiverSwim, Chain, HazardMaze, Random };
constexpr int kPresetCount = 6;
extern const char* const kPresetIds[kPresetCount];     // "cliff", ... in Preset order
extern const char* const kPresetLabels[kPresetCount];  // display names

// Whether the preset is a gridworld (cliff, four rooms, hazard maze), and its grid (those three only).
bool preset_is_grid(Preset p);
GridSpec preset_grid(Preset p);
GridSpec cliff_spec();
GridSpec four_rooms_spec();
GridSpec hazard_maze_spec();
Mdp river_swim(int states);
Mdp chain(int states, double slip);
Mdp random_mdp(int states, int actions, int branching, Rng& rng, int reward_levels = 0);

}  // namespace klab::mdp
