// The worlds of mdp.risk: a gridworld preset (the cliff walk, four rooms, the hazard maze) or an
// edited grid (the `grid` parameter, the klab.gridworld text the other mdp demos and their editor
// use: world.hpp, mdp_json.hpp), with mdp.risk's own dynamics (slip, wind and its direction), its
// cliff reward, a finite horizon H and γ = 1. The return G sums the rewards; costs (hazard cells,
// cost cells) are not part of it.
//
// The stock-augmented DP (risk.hpp) is exact when every reward is a multiple of a quantum δ = 1/k,
// k ≤ kMaxRewardDenominator. Each reward field of the grid (step_reward, goal_reward, each entry of
// cell_rewards; cliff_reward is an integer parameter) is checked on its own, so a message names the
// field; rewards that are each on a lattice but together need k > kMaxRewardDenominator get the
// lattice's message. Nothing is rounded.
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

// The grid fields mdp.risk holds as parameters of the same names: refused inside `grid`.
const std::vector<std::string>& risk_held_grid_fields();  // wind_direction, cliff_reward

struct RiskWorldParams {
  RiskWorld world = RiskWorld::Cliff;
  std::string grid;  // non-empty: this edited grid instead of the preset
  double slip = 0.1, wind = 0.0;
  Direction wind_direction = Direction::South;
  int cliff_reward = -100;
  int horizon = 25;
};

// The world's grid with the parameters' dynamics, cliff reward, γ = 1 and H; the reward fields
// checked on the lattice (messages name the field, prefixed "parameter 'grid': " for an edited grid).
Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w);

// The compiled grid and its stock lattice.
struct RiskGrid {
  Grid grid;
  StockLattice lattice;
};
Expected<RiskGrid> build_risk_world(const RiskWorldParams& w);

// "Cliff walk", "Four rooms", "Hazard maze", "Edited gridworld (8 × 8)" (figure titles).
std::string risk_world_label(const RiskWorldParams& w);

// build_risk_world's status, remembered for the last world (keyed by the grid and its dynamics, so
// that a parameter rule checks the lattice once per world, not on every change of α or β).
// Thread-safe: copies of an experiment share their parameter table.
class RiskWorldCheck {
 public:
  RiskWorldCheck();
  Status operator()(const RiskWorldParams& w) const;

 private:
  struct Memo;
  std::shared_ptr<Memo> memo_;
};

}  // namespace klab::mdp
