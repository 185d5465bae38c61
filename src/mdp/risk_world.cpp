#include "mdp/risk_world.hpp"

#include <mutex>

#include "core/params.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/presets.hpp"

namespace klab::mdp {

static_assert(static_cast<int>(RiskWorld::HazardMaze) + 1 == kRiskWorldCount, "one preset per RiskWorld");

namespace {

Status reward_on_lattice(const std::string& prefix, const std::string& field, double r) {
  if (reward_denominator(r) > 0) return {};
  return Status::error(prefix + field + ": reward " + format_real(r) + " is not a multiple of 1/k for any k ≤ " + std::to_string(kMaxRewardDenominator) +
                       " (the exact stock-augmented DP needs rewards on a lattice, e.g. 0.5 or 0.125)");
}

}  // namespace

const std::vector<std::string>& risk_held_grid_fields() {
  static const std::vector<std::string> fields{"wind_direction", "cliff_reward"};
  return fields;
}

Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w) {
  GridSpec g;
  if (w.grid.empty()) {
    g = preset_grid(kRiskPresets[static_cast<int>(w.world)]);
  } else {
    Expected<GridSpec> edited = parse_grid_param(w.grid, risk_held_grid_fields());
    if (!edited.ok()) return edited.status();
    g = std::move(edited.value());
  }
  g.slip = w.slip, g.wind = w.wind, g.wind_direction = w.wind_direction, g.cliff_reward = w.cliff_reward;
  g.discount = 1.0, g.horizon = w.horizon;
  const std::string prefix = w.grid.empty() ? "" : "parameter 'grid': ";
  Status s = reward_on_lattice(prefix, "step_reward", g.step_reward);
  if (s.ok()) s = reward_on_lattice(prefix, "goal_reward", g.goal_reward);
  for (size_t k = 0; s.ok() && k < g.cell_rewards.size(); ++k) {
    const CellValue& c = g.cell_rewards[k];
    s = reward_on_lattice(prefix, "cell_rewards[" + std::to_string(k) + "] (row " + std::to_string(c.row) + ", column " + std::to_string(c.col) + ")", c.value);
  }
  if (!s.ok()) return s;
  return g;
}

Expected<RiskGrid> build_risk_world(const RiskWorldParams& w) {
  Expected<GridSpec> spec = risk_grid_spec(w);
  if (!spec.ok()) return spec.status();
  const std::string prefix = w.grid.empty() ? "" : "parameter 'grid': ";
  Expected<Grid> grid = build_gridworld(spec.value());
  if (!grid.ok()) return Status::error(prefix + grid.error());
  Expected<StockLattice> lattice = stock_lattice(grid.value().mdp);
  if (!lattice.ok()) {
    // The horizon's message names the parameter (an edited grid can also have fewer distinct
    // rewards); the rewards' one (several rewards, each on a lattice, needing together a finer one
    // than kMaxRewardDenominator) belongs to the grid.
    if (lattice.error().rfind("rewards:", 0) == 0) return Status::error(prefix + lattice.error());
    return Status::error(lattice.error() + (w.grid.empty() ? "" : ", or paint fewer distinct rewards"));
  }
  return RiskGrid{std::move(grid.value()), std::move(lattice.value())};
}

std::string risk_world_label(const RiskWorldParams& w) {
  if (w.grid.empty()) {
    std::string label = kPresetLabels[static_cast<int>(kRiskPresets[static_cast<int>(w.world)])];
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
    return label;
  }
  const Expected<GridSpec> spec = parse_grid_param(w.grid, risk_held_grid_fields());
  if (!spec.ok()) return "Edited gridworld";
  return "Edited gridworld (" + std::to_string(spec.value().rows.size()) + " × " + std::to_string(spec.value().rows[0].size()) + ")";
}

struct RiskWorldCheck::Memo {
  std::mutex mutex;
  std::string key;  // the checked world: its klab.gridworld text (grid, dynamics, rewards, horizon), or its first error
  Status status;
};

RiskWorldCheck::RiskWorldCheck() : memo_(std::make_shared<Memo>()) {}

Status RiskWorldCheck::operator()(const RiskWorldParams& w) const {
  const Expected<GridSpec> spec = risk_grid_spec(w);
  if (!spec.ok()) return spec.status();
  const std::string key = gridworld_to_json(spec.value());
  std::lock_guard<std::mutex> lock(memo_->mutex);
  if (key != memo_->key) {
    memo_->status = build_risk_world(w).status();
    memo_->key = key;
  }
  return memo_->status;
}

}  // namespace klab::mdp
