// The worlds of mdp.risk: the chapter's worlds (world.hpp: a gridworld preset, RiverSwim, the chain,
// a random MDP, a klab.mdp or klab.gridworld file `mdp_file`, or an edited grid `grid`) with a finite
// horizon H and γ = 1. The gridworlds (the grid presets and `grid`) take mdp.risk's own dynamics: slip,
// wind and its direction, and its cliff reward; the chain takes slip; a file is as written. The return
// G sums the rewards; costs (hazard cells, cost cells, a random MDP's costs) are not part of it.
//
// The stock-augmented DP (risk.hpp) is exact when every reward is a multiple of a quantum δ = 1/k,
// k ≤ kMaxRewardDenominator. RiverSwim (0.005, 1) and the chain (0, 0.2, 1) are; a random MDP draws
// its rewards on the lattice {0, 1/k, …, 1} (`reward_levels` = k, presets.hpp). Each reward field of a
// grid (step_reward, goal_reward, each entry of cell_rewards; cliff_reward is an integer parameter)
// and each reward of a file (actions[s][a].reward, or its next_rewards) is checked on its own, so a
// message names the field, then all of them together (a reward of the MDP is a sum of fields, so it
// is on their joint lattice); the lattice's own build (stock_lattice) can then fail only on the
// horizon. Nothing is rounded.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/presets.hpp"
#include "mdp/risk.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {

struct RiskWorldParams {
  WorldParams world;  // the chapter's world parameters (discount and vary_world unused: γ = 1, one world per batch)
  Direction wind_direction = Direction::South;  // gridworlds
  int cliff_reward = -100;                      // gridworlds
};

// Whether the world is one of mdp.risk's gridworlds (a grid preset or `grid`, without mdp_file):
// those take its slip, wind, wind direction and cliff reward. (A klab.gridworld file is a grid too,
// as written: its World has a layout.)
bool risk_world_is_grid(const RiskWorldParams& w);

// A gridworld's grid with the parameters' dynamics, cliff reward, γ = 1 and H; the reward fields
// checked on the lattice, each and then together, with |rewards|/δ × H ≤ kMaxStockUnits (messages
// name the field or start "rewards: ", prefixed "parameter 'grid': " for an edited grid).
// Needs risk_world_is_grid(w).
Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w);

// The rewards of an MDP checked on the lattice, each (named as in a klab.mdp file: "actions[3][1].reward",
// "actions[3][1].next_rewards[0][2]") and then together; messages start with `prefix`.
Status risk_rewards_on_lattice(const Mdp& m, const std::string& prefix);

// The built world (its layout has rows = 0 when it is not a grid) and its stock lattice.
struct RiskWorldBuild {
  World world;
  StockLattice lattice;
};
Expected<RiskWorldBuild> build_risk_world(const RiskWorldParams& w);

// "Cliff walk", "Four rooms", "Edited gridworld (8 × 8)", "RiverSwim (n = 6)", "Random MDP (S = 6, A = 4,
// b = 5, rewards j/10)", "File chain.json" (figure titles).
std::string risk_world_label(const RiskWorldParams& w);

// build_risk_world's result, kept for the last world asked (keyed by the world parameters), so that
// the parameter rule builds the world and its lattice once per world, not on every change of α or β,
// and the solution uses the same build. Copies share it (the rule's copy and the experiment's; copies
// of an experiment share their parameter table); thread-safe.
class RiskWorldCache {
 public:
  RiskWorldCache();
  Expected<std::shared_ptr<const RiskWorldBuild>> get(const RiskWorldParams& w) const;

 private:
  struct Memo;
  std::shared_ptr<Memo> memo_;
};

}  // namespace klab::mdp
