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

// Where a task's goal and hazards may be (cells row·cols + col, row-major for a painted grid).
struct Candidates {
  std::vector<int> goals, hazards;
};

Candidates candidates(const MetaTaskSpec& spec) {
  if (!spec.painted) return {goal_cells(spec.size), interior_cells(spec.size)};
  Candidates c;
  const std::vector<std::string>& rows = spec.painted->rows;
  const int cols = static_cast<int>(rows[0].size());
  for (int k = 0; k < static_cast<int>(rows.size()) * cols; ++k) {
    const char ch = rows[static_cast<size_t>(k / cols)][static_cast<size_t>(k % cols)];
    if (ch == 'G') c.goals.push_back(k);
    if (ch == 'H') c.hazards.push_back(k);
  }
  return c;
}

// A painted grid's task: the base with this goal's reward and these hazards, the other candidates plain.
Expected<Grid> painted_task_grid(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards) {
  GridSpec g = *spec.painted;
  const int cols = static_cast<int>(g.rows[0].size());
  for (std::string& row : g.rows)
    for (char& ch : row)
      if (ch == 'G' || ch == 'H') ch = '.';
  for (int cell : hazards) g.rows[static_cast<size_t>(cell / cols)][static_cast<size_t>(cell % cols)] = 'H';
  g.cell_rewards.push_back({goal_cell / cols, goal_cell % cols, g.goal_reward});
  g.slip = spec.slip;
  g.wind = spec.wind;
  g.discount = spec.gamma;
  g.horizon = 0;
  Expected<Grid> built = build_gridworld(g);
  if (!built.ok()) return Status::error("parameter 'grid': " + built.error());
  return built;
}

}  // namespace

GridSpec meta_default_grid(int n) {
  GridSpec g;
  g.rows.assign(static_cast<size_t>(n), std::string(static_cast<size_t>(n), '.'));
  for (int cell : goal_cells(n)) g.rows[static_cast<size_t>(cell / n)][static_cast<size_t>(cell % n)] = 'G';
  for (int cell : interior_cells(n)) g.rows[static_cast<size_t>(cell / n)][static_cast<size_t>(cell % n)] = 'H';
  g.rows[static_cast<size_t>(n - 1)][0] = 'S';
  return g;
}

Status check_meta_task_spec(const MetaTaskSpec& spec) {
  if (spec.painted) {
    const Candidates c = candidates(spec);
    if (c.goals.empty()) return Status::error("parameter 'grid': no goal cell 'G': mdp.safe_meta draws each task's goal among the painted goal cells");
    if (spec.hazards < 0 || spec.hazards > static_cast<int>(c.hazards.size()))
      return Status::error("hazards: must be in [0, " + std::to_string(c.hazards.size()) + "] (the hazard cells 'H' painted in the grid), got " +
                           std::to_string(spec.hazards));
    Expected<Grid> g = painted_task_grid(spec, c.goals[0], std::vector<int>(c.hazards.begin(), c.hazards.begin() + spec.hazards));
    if (!g.ok()) return g.status();
    if (g.value().mdp.states > kMaxMetaStates)
      return Status::error("parameter 'grid': mdp.safe_meta takes at most " + std::to_string(kMaxMetaStates) + " open cells (states; each task's exact optimum is a dense LP), this grid has " +
                           std::to_string(g.value().mdp.states));
    return {};
  }
  if (spec.size < 4) return Status::error("size: the grid side must be at least 4, got " + std::to_string(spec.size));
  const int interior = (spec.size - 2) * (spec.size - 2);
  if (spec.hazards < 0 || spec.hazards > interior)
    return Status::error("hazards: must be in [0, " + std::to_string(interior) + "] (the interior cells of a " + std::to_string(spec.size) + " × " +
                         std::to_string(spec.size) + " grid), got " + std::to_string(spec.hazards));
  return {};
}

Expected<Grid> meta_task_grid(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards) {
  if (spec.painted) return painted_task_grid(spec, goal_cell, hazards);
  const int n = spec.size;
  GridSpec g;
  g.rows.assign(static_cast<size_t>(n), std::string(static_cast<size_t>(n), '.'));
  g.rows[static_cast<size_t>(n - 1)][0] = 'S';
  for (int cell : hazards) g.rows[static_cast<size_t>(cell / n)][static_cast<size_t>(cell % n)] = 'H';
  g.slip = spec.slip;
  g.wind = spec.wind;
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
  const Candidates c = candidates(spec);
  const std::vector<int>& goals = c.goals;
  std::vector<MetaTask> tasks;
  for (int t = 0; t < count; ++t) {
    for (int draw = 0;; ++draw) {
      if (draw == kMaxDraws)
        return Status::error("budget: b = " + std::to_string(spec.budget) + " is below the least achievable cost of " + std::to_string(kMaxDraws) +
                             " drawn tasks in a row; raise it");
      MetaTask task;
      task.goal_cell = goals[rng.below(static_cast<uint32_t>(goals.size()))];
      std::vector<int> pool = c.hazards;
      for (int k = 0; k < spec.hazards; ++k) {  // partial Fisher–Yates: k distinct cells
        const size_t j = static_cast<size_t>(k) + rng.below(static_cast<uint32_t>(pool.size() - static_cast<size_t>(k)));
        std::swap(pool[static_cast<size_t>(k)], pool[j]);
        task.hazards.push_back(pool[static_cast<size_t>(k)]);
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

Status check_meta_budget(const MetaTaskSpec& spec, int count) {
  constexpr uint32_t kBudgetCheckStream = 0x5A2;  // the runs draw from 0x5A0 and 0x5A1 (safe_meta_experiment.cpp)
  Rng rng(0, 0, kBudgetCheckStream);
  Expected<std::vector<MetaTask>> t = draw_meta_tasks(spec, rng, count);
  return t.ok() ? Status() : t.status();
}

}  // namespace klab::mdp
