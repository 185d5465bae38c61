#include "mdp/safe_meta_tasks.hpp"

#include <string>

#include "mdp/gridworld.hpp"

namespace klab::mdp {
namespace {

constexpr int kMaxDraws = 100;  // redraws of an infeasible task before the budget is declared too small

std::vector<int> goal_cells(int n) {
  std::vector<int> cells;
  for (int col = 0; col < n; ++col) cells.push_back(col);               // top row
  for (int row = 1; row < n; ++row) cells.push_back(row * n + n - 1);  // right column
  return cells;
}

std::vector<int> interior_cells(int n) {
  std::vector<int> cells;
  for (int row = 1; row < n - 1; ++row)
    for (int col = 1; col < n - 1; ++col) cells.push_back(row * n + col);
  return cells;
}

}  // namespace

Status check_meta_task_spec(const MetaTaskSpec& spec) {
  if (spec.size < 4) return Status::error("size: the grid side must be at least 4, got " + std::to_string(spec.size));
  const int interior = (spec.size - 2) * (spec.size - 2);
  if (spec.hazards < 0 || spec.hazards > interior)
    return Status::error("hazards: must be in [0, " + std::to_string(interior) + "] (the interior cells of a " + std::to_string(spec.size) + " × " +
                         std::to_string(spec.size) + " grid), got " + std::to_string(spec.hazards));
  return {};
}

Expected<Grid> meta_task_grid(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards) {
  const int n = spec.size;
  GridSpec g;
  g.rows.assign(static_cast<size_t>(n), std::string(static_cast<size_t>(n), '.'));
  g.rows[static_cast<size_t>(n - 1)][0] = 'S';
  for (int cell : hazards) g.rows[static_cast<size_t>(cell / n)][static_cast<size_t>(cell % n)] = 'H';
  g.slip = spec.slip;
  g.hazard_cost = 1.0;
  g.cell_rewards = {{goal_cell / n, goal_cell % n, 1.0}};
  g.discount = spec.gamma;
  return build_gridworld(g);
}

Expected<Mdp> meta_task_mdp(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards) {
  Expected<Grid> grid = meta_task_grid(spec, goal_cell, hazards);
  if (!grid.ok()) return grid.status();
  return std::move(grid.value().mdp);
}

Expected<std::vector<MetaTask>> draw_meta_tasks(const MetaTaskSpec& spec, Rng& rng, int count) {
  if (Status s = check_meta_task_spec(spec); !s.ok()) return s;
  const std::vector<int> goals = goal_cells(spec.size);
  std::vector<MetaTask> tasks;
  for (int t = 0; t < count; ++t) {
    for (int draw = 0;; ++draw) {
      if (draw == kMaxDraws)
        return Status::error("budget: b = " + std::to_string(spec.budget) + " is below the least achievable cost of " + std::to_string(kMaxDraws) +
                             " drawn tasks in a row; raise it");
      MetaTask task;
      task.goal_cell = goals[rng.below(static_cast<uint32_t>(goals.size()))];
      std::vector<int> interior = interior_cells(spec.size);
      for (int k = 0; k < spec.hazards; ++k) {  // partial Fisher–Yates: k distinct cells
        const size_t j = static_cast<size_t>(k) + rng.below(static_cast<uint32_t>(interior.size() - static_cast<size_t>(k)));
        std::swap(interior[static_cast<size_t>(k)], interior[j]);
        task.hazards.push_back(interior[static_cast<size_t>(k)]);
      }
      Expected<Mdp> m = meta_task_mdp(spec, task.goal_cell, task.hazards);
      if (!m.ok()) return m.status();
      task.mdp = std::move(m.value());
      const OccupancySolution lp = solve_occupancy_lp(task.mdp, &spec.budget);
      if (lp.status != LpStatus::Optimal) continue;
      task.optimum_reward = lp.reward, task.optimum_cost = lp.cost;
      tasks.push_back(std::move(task));
      break;
    }
  }
  return tasks;
}

}  // namespace klab::mdp
