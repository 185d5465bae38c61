#include "mdp/risk_world.hpp"

#include <cmath>
#include <mutex>

#include "core/params.hpp"
#include "mdp/grid_edit.hpp"
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

Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w) {
  GridSpec g;
  if (w.grid.empty()) {
    g = preset_grid(kRiskPresets[static_cast<int>(w.world)]);
  } else {
    Expected<GridSpec> edited = parse_grid_param(w.grid, held_grid_keys());
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
  // Together: every reward of the MDP is step_reward plus what the entered cell adds (goal, cliff,
  // its cell_rewards entries), so it is on the fields' joint lattice 1/k, and |reward| ≤ Σ|field|.
  std::vector<double> fields{g.step_reward, g.goal_reward, g.cliff_reward};
  double magnitude = std::fabs(g.step_reward) + std::fabs(g.goal_reward) + std::fabs(g.cliff_reward);
  for (const CellValue& c : g.cell_rewards) fields.push_back(c.value), magnitude += std::fabs(c.value);
  const int k = reward_denominator(fields);
  if (k == 0)
    return Status::error(prefix + "rewards: each is a multiple of some 1/k, but together they need a finer lattice than 1/" +
                         std::to_string(kMaxRewardDenominator) + " (the exact return distribution): paint fewer distinct rewards");
  if (magnitude * k * g.horizon > kMaxStockUnits)
    return Status::error(prefix + "rewards: (|step_reward| + |goal_reward| + |cliff_reward| + Σ|cell_rewards|) × " + std::to_string(k) +
                         " × horizon must be at most " + format_real(kMaxStockUnits) + " for exact stocks (got " + format_real(magnitude * k * g.horizon) + ")");
  return g;
}

Expected<RiskGrid> build_risk_world(const RiskWorldParams& w) {
  Expected<GridSpec> spec = risk_grid_spec(w);
  if (!spec.ok()) return spec.status();
  const std::string prefix = w.grid.empty() ? "" : "parameter 'grid': ";
  Expected<Grid> grid = build_gridworld(spec.value());
  if (!grid.ok()) return Status::error(prefix + grid.error());
  // The rewards passed risk_grid_spec, γ = 1 and H ≥ 1: only the horizon (too many stocks) can fail
  // here. Its message names the parameter; an edited grid can also have fewer distinct rewards.
  Expected<StockLattice> lattice = stock_lattice(grid.value().mdp);
  if (!lattice.ok()) return Status::error(lattice.error() + (w.grid.empty() ? "" : ", or paint fewer distinct rewards"));
  return RiskGrid{std::move(grid.value()), std::move(lattice.value())};
}

std::string risk_world_label(const RiskWorldParams& w) {
  if (w.grid.empty()) {
    std::string label = kPresetLabels[static_cast<int>(kRiskPresets[static_cast<int>(w.world)])];
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
    return label;
  }
  const Expected<GridSpec> spec = parse_grid_param(w.grid, held_grid_keys());
  if (!spec.ok()) return "Edited gridworld";
  return "Edited gridworld (" + std::to_string(spec.value().rows.size()) + " × " + std::to_string(spec.value().rows[0].size()) + ")";
}

namespace {

bool same_world(const RiskWorldParams& a, const RiskWorldParams& b) {
  return a.world == b.world && a.grid == b.grid && a.slip == b.slip && a.wind == b.wind && a.wind_direction == b.wind_direction &&
         a.cliff_reward == b.cliff_reward && a.horizon == b.horizon;
}

}  // namespace

struct RiskWorldCache::Memo {
  std::mutex mutex;
  bool valid = false;
  RiskWorldParams key;                    // the world built last
  std::shared_ptr<const RiskGrid> world;  // its build (null when it failed) ...
  Status status;                          // ... and its error
};

RiskWorldCache::RiskWorldCache() : memo_(std::make_shared<Memo>()) {}

Expected<std::shared_ptr<const RiskGrid>> RiskWorldCache::get(const RiskWorldParams& w) const {
  std::lock_guard<std::mutex> lock(memo_->mutex);
  if (!memo_->valid || !same_world(memo_->key, w)) {
    Expected<RiskGrid> built = build_risk_world(w);
    memo_->world = built.ok() ? std::make_shared<const RiskGrid>(std::move(built.value())) : nullptr;
    memo_->status = built.status();
    memo_->key = w, memo_->valid = true;
  }
  if (!memo_->status.ok()) return memo_->status;
  return memo_->world;
}

}  // namespace klab::mdp
