// The worlds of mdp.risk: a gridworld preset (the cliff walk, four rooms, the hazard maze) or an
// edited grid (the `grid` parameter, the klab.gridworld text the other mdp demos and their editor
// use: world.hpp, mdp_json.hpp), with mdp.risk's own dynamics (slip, wind and its direction), its
// cliff reward, a finite horizon H and γ = 1. The return G sums the rewards; costs (hazard cells,
// cost cells) are not part of it.
//
// The stock-augmented DP (risk.hpp) is exact when every reward is a multiple of a quantum δ = 1/k,
// k ≤ kMaxRewardDenominator. Each reward field of the grid (step_reward, goal_reward, each entry of
// cell_rewards; cliff_reward is an integer parameter) is checked on its own, so a message names the
// field, then all of them together (a reward of the MDP is a sum of fields, so it is on their joint
// lattice); the lattice's own build (stock_lattice) can then fail only on the horizon. Nothing is
// rounded.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/presets.hpp"
#include "mdp/risk.hpp"

namespace klab::mdp {

enum class RiskWorld { Cliff, FourRooms, HazardMaze };
constexpr int kRiskWorldCount = 3;
// The chapter's presets (presets.hpp) behind each RiskWorld: their ids and labels are the world's.
constexpr Preset kRiskPresets[kRiskWorldCount] = {Preset::Cliff, Preset::FourRooms, Preset::HazardMaze};

struct RiskWorldParams {
  RiskWorld world = RiskWorld::Cliff;
  std::string grid;  // non-empty: this edited grid instead of the preset
  double slip = 0.1, wind = 0.0;
  Direction wind_direction = Direction::South;
  int cliff_reward = -100;
  int horizon = 25;
};

// The world's grid with the parameters' dynamics, cliff reward, γ = 1 and H; the reward fields
// checked on the lattice, each and then together, with |rewards|/δ × H ≤ kMaxStockUnits (messages
// name the field or start "rewards: ", prefixed "parameter 'grid': " for an edited grid).
Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w);

// The compiled grid and its stock lattice (its error: too many stocks for the horizon).
struct RiskGrid {
  Grid grid;
  StockLattice lattice;
};
Expected<RiskGrid> build_risk_world(const RiskWorldParams& w);

// "Cliff walk", "Four rooms", "Hazard maze", "Edited gridworld (8 × 8)" (figure titles).
std::string risk_world_label(const RiskWorldParams& w);

// build_risk_world's result, kept for the last world asked (keyed by the world parameters), so that
// the parameter rule builds the grid and its lattice once per world, not on every change of α or β,
// and the solution uses the same build. Copies share it (the rule's copy and the experiment's; copies
// of an experiment share their parameter table); thread-safe.
class RiskWorldCache {
 public:
  RiskWorldCache();
  Expected<std::shared_ptr<const RiskGrid>> get(const RiskWorldParams& w) const;

 private:
  struct Memo;
  std::shared_ptr<Memo> memo_;
};

}  // namespace klab::mdp
