// A gridworld as a plot (the mdp chapter's live views, the offline chapter's figures, any chapter
// built on its worlds): one heat-map cell per grid cell holding a value per state (walls and cliffs
// transparent), a policy drawn as rays from each cell's centre, one per action, as long as its
// probability; and markers and paths through cell centres to add to it.
#pragma once
#include <string>
#include <vector>

#include "core/figure.hpp"
#include "mdp/evaluation.hpp"
#include "mdp/gridworld.hpp"

namespace klab::mdp {

struct GridPlotInput {
  const Mdp* mdp = nullptr;             // the grid's MDP (actions north, east, south, west per state)
  const GridLayout* layout = nullptr;
  std::vector<double> state_values;     // (S) coloured per cell
  const Policy* policy = nullptr;       // (SA) π(a|s), drawn as rays; null: none
  std::string title, value_label;
  Colormap colormap = Colormap::Viridis;
  double vmin = plot::kAuto, vmax = plot::kAuto;  // the colour range (kAuto: from the data)
  bool mark_start_goal = true;          // "S" and "G" notes on the start and goal cells
};

// x = column, y = rows − row (row 0 at the top, cell centres at half units); equal aspect, no
// legend (the title says what the rays are; a caller adding named markers or paths turns it on).
plot::Plot grid_plot(const GridPlotInput& in);
// The centres of `states` as markers.
plot::Points grid_points(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float radius);
// A line through the centres of `states`, in order (a trajectory).
plot::Line grid_path(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float width);
// The path a deterministic policy (S actions) takes from `start`, following each step's most likely
// successor, until an absorbing state, a repeated state or `max_steps` steps (the states visited).
std::vector<int> greedy_path(const Mdp& m, const std::vector<int>& actions, int start, int max_steps);

}  // namespace klab::mdp
