#include "mdp/risk_world.hpp"

#include <cctype>
#include <cmath>
#include <mutex>

#include "core/params.hpp"
#include "mdp/grid_edit.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/presets.hpp"

namespace klab::mdp {
namespace {

Status reward_on_lattice(const std::string& prefix, const std::string& field, double r) {
  if (reward_denominator(r) > 0) return {};
  return Status::error(prefix + field + ": reward " + format_real(r) + " is not a multiple of 1/k for any k ≤ " + std::to_string(kMaxRewardDenominator) +
                       " (the exact stock-augmented DP needs rewards on a lattice, e.g. 0.5 or 0.125)");
}

// What a message about the world's rewards starts with.
std::string reward_prefix(const RiskWorldParams& w) {
  if (!w.world.grid.empty()) return "parameter 'grid': ";
  if (!w.world.mdp_file.empty()) return "parameter 'mdp_file': " + file_name(w.world.mdp_file) + ": ";
  if (risk_world_is_grid(w)) return "";
  return std::string("world '") + kPresetIds[static_cast<int>(w.world.preset)] + "': ";
}

}  // namespace

bool risk_world_is_grid(const RiskWorldParams& w) { return w.world.mdp_file.empty() && (!w.world.grid.empty() || preset_is_grid(w.world.preset)); }

Expected<GridSpec> risk_grid_spec(const RiskWorldParams& w) {
  GridSpec g;
  if (w.world.grid.empty()) {
    g = preset_grid(w.world.preset);
  } else {
    Expected<GridSpec> edited = parse_grid_param(w.world.grid, held_grid_keys());
    if (!edited.ok()) return edited.status();
    g = std::move(edited.value());
  }
  g.slip = w.world.slip, g.wind = w.world.wind, g.wind_direction = w.wind_direction, g.cliff_reward = w.cliff_reward;
  g.discount = 1.0, g.horizon = w.world.horizon;
  const std::string prefix = reward_prefix(w);
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

Status risk_rewards_on_lattice(const Mdp& m, const std::string& prefix) {
  std::vector<double> rewards;
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      const std::string action = "actions[" + std::to_string(s) + "][" + std::to_string(i - m.first_pair[s]) + "]";
      if (!m.has_reward_outcomes()) {
        rewards.push_back(m.reward[static_cast<size_t>(i)]);
        const Status st = reward_on_lattice(prefix, action + ".reward", rewards.back());
        if (!st.ok()) return st;
        continue;
      }
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
        for (int k = m.first_outcome[static_cast<size_t>(e)]; k < m.first_outcome[static_cast<size_t>(e) + 1]; ++k) {
          rewards.push_back(m.outcome_reward[static_cast<size_t>(k)]);
          const Status st = reward_on_lattice(
              prefix, action + ".next_rewards[" + std::to_string(e - m.first_next[i]) + "][" + std::to_string(k - m.first_outcome[static_cast<size_t>(e)]) + "]",
              rewards.back());
          if (!st.ok()) return st;
        }
    }
  if (reward_denominator(rewards) == 0)
    return Status::error(prefix + "rewards: each is a multiple of some 1/k, but together they need a finer lattice than 1/" + std::to_string(kMaxRewardDenominator) +
                         " (the exact return distribution)");
  return {};
}

Expected<RiskWorldBuild> build_risk_world(const RiskWorldParams& w) {
  RiskWorldBuild out;
  const std::string prefix = reward_prefix(w);
  if (risk_world_is_grid(w)) {
    Expected<GridSpec> spec = risk_grid_spec(w);
    if (!spec.ok()) return spec.status();
    Expected<Grid> grid = build_gridworld(spec.value());
    if (!grid.ok()) return Status::error(prefix + grid.error());
    out.world = World{risk_world_label(w), std::move(grid.value().mdp), std::move(grid.value().layout)};
  } else {
    WorldParams ww = w.world;
    ww.discount = 1.0, ww.vary_world = false;
    Expected<World> built = build_world(ww, 0, 0);  // messages name the parameter or the file's field
    if (!built.ok()) return built.status();
    out.world = std::move(built.value());
    const Status s = risk_rewards_on_lattice(out.world.mdp, prefix);
    if (!s.ok()) return s;
  }
  // The rewards passed the checks above, γ = 1 and H ≥ 1: only the horizon (too many stocks) or the
  // rewards' size can fail here. An edited grid can also have fewer distinct rewards.
  Expected<StockLattice> lattice = stock_lattice(out.world.mdp);
  if (!lattice.ok()) {
    const bool rewards = lattice.error().rfind("rewards: ", 0) == 0;
    return Status::error((rewards ? prefix : "") + lattice.error() + (w.world.grid.empty() ? "" : ", or paint fewer distinct rewards"));
  }
  out.lattice = std::move(lattice.value());
  return out;
}

std::string risk_world_label(const RiskWorldParams& w) {
  if (!w.world.grid.empty()) {
    const Expected<GridSpec> spec = parse_grid_param(w.world.grid, held_grid_keys());
    if (!spec.ok()) return "Edited gridworld";
    return "Edited gridworld (" + std::to_string(spec.value().rows.size()) + " × " + std::to_string(spec.value().rows[0].size()) + ")";
  }
  WorldParams ww = w.world;
  ww.vary_world = false;
  std::string label = world_label(ww);
  label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label;
}

namespace {

bool same_world(const RiskWorldParams& a, const RiskWorldParams& b) {
  return a.world == b.world && a.wind_direction == b.wind_direction && a.cliff_reward == b.cliff_reward;
}

}  // namespace

struct RiskWorldCache::Memo {
  std::mutex mutex;
  bool valid = false;
  RiskWorldParams key;                         // the world built last
  std::shared_ptr<const RiskWorldBuild> world;  // its build (null when it failed) ...
  Status status;                               // ... and its error
};

RiskWorldCache::RiskWorldCache() : memo_(std::make_shared<Memo>()) {}

Expected<std::shared_ptr<const RiskWorldBuild>> RiskWorldCache::get(const RiskWorldParams& w) const {
  std::lock_guard<std::mutex> lock(memo_->mutex);
  if (!memo_->valid || !same_world(memo_->key, w)) {
    Expected<RiskWorldBuild> built = build_risk_world(w);
    memo_->world = built.ok() ? std::make_shared<const RiskWorldBuild>(std::move(built.value())) : nullptr;
    memo_->status = built.status();
    memo_->key = w, memo_->valid = true;
  }
  if (!memo_->status.ok()) return memo_->status;
  return memo_->world;
}

}  // namespace klab::mdp
