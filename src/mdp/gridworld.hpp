// Gridworlds compiled to the tabular Mdp: a grid of cells typed by characters, four compass
// actions, slip and wind (Sutton & Barto, "Reinforcement Learning: An Introduction", 2nd ed.
// 2018: the gridworld of §3.5, the cliff walk of Example 6.6, the windy gridworld of Example 6.5).
//
// Cells:  '.' free   '#' wall   'S' start (ρ is uniform over S cells)   'G' goal (absorbing)
//         'H' hazard (cost on entering)   'C' cliff (reward on entering, then back to a start cell)
// Dynamics of action d ∈ {north, east, south, west} from a free cell:
//   1. with probability `slip` the direction is replaced by a uniformly random one of the four;
//   2. the agent moves one cell that way unless a wall or the border blocks it (then it stays);
//   3. unless it entered a goal or a cliff, with probability `wind` it is pushed one more cell in
//      `wind_direction` (again unless blocked).
// The outcome cell X pays step_reward + goal_reward·[X = G] + cliff_reward·[X = C] + the cell's
// entry of cell_rewards, and costs hazard_cost·[X = H] + its entry of cell_costs; rewards and costs
// of the Mdp are their expectations over the outcomes of (s, a), and the Mdp's reward outcomes
// (mdp.hpp) keep each outcome's reward: from the start, "east" into the cliff (−101 in the cliff
// walk) and "south" into the border (−1) both lead back to the start. A goal is one absorbing state
// with a single action (reward 0); cliff cells are not states.
#pragma once
#include <string>
#include <vector>

#include "mdp/mdp.hpp"

namespace klab::mdp {

enum class Direction { North, East, South, West };  // the action order of every grid state
constexpr int kMaxGridSide = 64;

struct CellValue {
  int row = 0, col = 0;
  double value = 0.0;
};

struct GridSpec {
  std::vector<std::string> rows;  // equal-width rows of cell characters, row 0 at the top
  double slip = 0.0;              // [0, 1]
  double wind = 0.0;              // [0, 1]
  Direction wind_direction = Direction::North;
  double step_reward = 0.0;
  double goal_reward = 1.0;
  double cliff_reward = -100.0;
  double hazard_cost = 1.0;
  std::vector<CellValue> cell_rewards;  // extra reward on entering a cell
  std::vector<CellValue> cell_costs;    // extra cost on entering a cell
  double discount = 0.95;
  int horizon = 0;
};

// Where each state sits on the grid (for views and for tests).
struct GridLayout {
  int rows = 0, cols = 0;
  std::vector<int> state_of_cell;  // (rows·cols) state index, −1 for walls and cliffs
  std::vector<int> cell_of_state;  // (S) row·cols + col
  std::vector<char> cell;          // (rows·cols) the cell characters
};

struct Grid {
  Mdp mdp;
  GridLayout layout;
};

// Validates the spec (messages name the field: "grid row 2, column 5: unknown cell 'x' ...") and
// compiles it.
Expected<Grid> build_gridworld(const GridSpec& spec);

const char* direction_name(Direction d);  // "north" ...

}  // namespace klab::mdp
