// The task distribution of mdp.safe_meta: CMDPs that share one gridworld (same states, actions and
// transitions) and differ in where reward and cost are, so one meta-policy applies to every task.
//
//   an n × n open grid, start in the bottom-left corner, slip (a random direction with that
//   probability), discount γ;
//   goal: one cell of the far edge (top row or right column), drawn uniformly; reward 1 on every
//   step that ends there (a continuing task: the agent should get there and stay);
//   hazards: k distinct interior cells (not on the border), drawn uniformly; cost 1 on every step
//   that ends on one;
//   constraint: J_c(π) = E[Σ_t γ^t c_t] ≤ b, the same budget b for every task.
// A hazard-free route along the border always exists, so a safe meta-policy exists; the shortest
// routes to most goals cross the interior, so reward and safety conflict. Tasks whose CMDP is
// infeasible (b below the least achievable cost) are redrawn.
#pragma once
#include <vector>

#include "core/rng.hpp"
#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/lp.hpp"

namespace klab::mdp {

struct MetaTaskSpec {
  int size = 6;         // n
  int hazards = 4;      // k ≤ (n − 2)²
  double slip = 0.1;
  double gamma = 0.8;
  double budget = 0.1;  // b
};

struct MetaTask {
  Mdp mdp;                   // this task's reward and cost on the shared grid
  int goal_cell = 0;         // row·n + col
  std::vector<int> hazards;  // cells
  double optimum_reward = 0.0, optimum_cost = 0.0;  // the exact CMDP optimum (occupancy LP)
};

// Checks the spec (messages name the parameter).
Status check_meta_task_spec(const MetaTaskSpec& spec);
// The task with this goal and these hazards (cells row·n + col), with its grid layout (for drawing).
Expected<Grid> meta_task_grid(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards);
// The same, its MDP only.
Expected<Mdp> meta_task_mdp(const MetaTaskSpec& spec, int goal_cell, const std::vector<int>& hazards);
// `count` feasible tasks drawn from `rng`, each with its exact CMDP optimum.
Expected<std::vector<MetaTask>> draw_meta_tasks(const MetaTaskSpec& spec, Rng& rng, int count);

}  // namespace klab::mdp
