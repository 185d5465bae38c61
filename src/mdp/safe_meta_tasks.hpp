// The task distribution of mdp.safe_meta: CMDPs that share one gridworld (same states, actions and
// transitions) and differ in where reward and cost are, so one meta-policy applies to every task.
//
//   an n × n open grid, start in the bottom-left corner, slip (a random direction with that
//   probability), wind (after a move, a push one more cell with that probability in the grid's wind_direction (north unless a painted grid says otherwise); none on
//   entering a goal or cliff cell: gridworld.hpp), discount γ;
//   goal: one cell of the far edge (top row or right column), drawn uniformly; reward 1 on every
//   step that ends there (a continuing task: the agent should get there and stay);
//   hazards: k distinct interior cells (not on the border), drawn uniformly; cost 1 on every step
//   that ends on one;
//   constraint: J_c(π) = E[Σ_t γ^t c_t] ≤ b, the same budget b for every task.
// A hazard-free route along the border always exists, so a safe meta-policy exists; the shortest
// routes to most goals cross the interior, so reward and safety conflict. Tasks whose CMDP is
// infeasible (b below the least achievable cost) are redrawn.
//
// A painted grid (the `grid` parameter, world_editor_panel.hpp) is the base layout instead: its walls,
// starts, cliffs and reward / cost cells are in every task; its goal cells 'G' are where a task's goal
// may be (one drawn uniformly, goal_reward per step there, the cell not absorbing: every task keeps the
// same transitions) and its hazard cells 'H' where the hazards may be (k of them drawn, hazard_cost per
// step on one, the others plain). The default world painted this way — 'G' on the far edge, 'H' on the
// interior (meta_default_grid) — draws the same tasks as the default (test: mdp_safe_meta_test.cpp).
#pragma once
#include <optional>
#include <vector>

#include "core/rng.hpp"
#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/lp.hpp"

namespace klab::mdp {

struct MetaTaskSpec {
  int size = 6;         // n (unused with `painted`)
  int hazards = 4;      // k ≤ (n − 2)², or ≤ the painted hazard cells
  double slip = 0.1;
  double wind = 0.0;    // in the grid's wind_direction (north unless a painted grid says otherwise), as in the other gridworld demos (gridworld.hpp)
  double gamma = 0.8;
  double budget = 0.1;  // b
  std::optional<GridSpec> painted;  // the base layout instead of the open n × n grid
};

constexpr int kMaxMetaStates = 49;  // open cells of a painted grid: the default's largest (7 × 7; README "Known issue")

struct MetaTask {
  Mdp mdp;                   // this task's reward and cost on the shared grid
  int goal_cell = 0;         // row·cols + col
  std::vector<int> hazards;  // cells
  double optimum_reward = 0.0, optimum_cost = 0.0;  // the exact CMDP optimum (occupancy LP)
};

// Checks the spec (messages name the parameter: a painted grid's start "parameter 'grid': ").
Status check_meta_task_spec(const MetaTaskSpec& spec);
// The default distribution as a painted grid: the open n × n grid, start bottom-left, 'G' on the top
// row and the right column, 'H' on the interior (what the editor shows before anything is painted).
GridSpec meta_default_grid(int n);
// The task with this goal and these hazards (cells row·cols + col), with its grid layout (for drawing).
Expected<Grid> meta_task_grid(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards);
// The same, its MDP only.
Expected<Mdp> meta_task_mdp(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards);
// `count` feasible tasks drawn from `rng`, each with its exact CMDP optimum.
Expected<std::vector<MetaTask>> draw_meta_tasks(const MetaTaskSpec& spec, Rng& rng, int count);
// Whether the budget admits the distribution's tasks: draws as many tasks as a run does (`count`)
// from a fixed check stream, with the runs' rule (a task redrawn at most 100 times). A run fails the
// same way, with an empty record, so this refuses before any run, naming `budget`, a budget at which
// tasks within it are too rare (e.g. b = 0.05 with slip = 1, where no policy steers clear of the
// hazards on most tasks). At sensible budgets the first draw of each task is feasible: `count` LPs.
// A run drawing from its own streams can still fail where the check passed (a rare seed at a
// borderline budget): its record stays empty (README, mdp.safe_meta).
Status check_meta_budget(const MetaTaskSpec& spec, int count);

}  // namespace klab::mdp
