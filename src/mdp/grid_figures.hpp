// Gridworld pictures as figure pieces (core/figure.hpp): a value per state drawn as grid cells
// (walls transparent), states marked by points, and a path of states as a line. Used by the
// offline chapter's figures; the mdp chapter's live panels can draw the same pieces.
#pragma once
#include <string>
#include <vector>

#include "core/figure.hpp"
#include "mdp/gridworld.hpp"

namespace klab::mdp {

// A plot of the grid (x: columns, y: rows with row 0 at the top, one unit per cell) whose heatmap
// shows `state_values` (S) cell by cell; NaN values and walls are transparent. The colour range is
// [vmin, vmax] (kAuto: from the data).
plot::Plot grid_value_plot(const GridLayout& layout, const std::vector<double>& state_values, const std::string& title,
                           const std::string& value_label, Colormap colormap = Colormap::Viridis,
                           double vmin = plot::kAuto, double vmax = plot::kAuto);
// The centres of `states` as markers.
plot::Points grid_points(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float radius);
// A line through the centres of `states`, in order (a trajectory).
plot::Line grid_path(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float width);
// The path a deterministic policy (S actions) takes from `start`, following each step's most likely
// successor, until an absorbing state, a repeated state or `max_steps` steps (the states visited).
std::vector<int> greedy_path(const Mdp& m, const std::vector<int>& actions, int start, int max_steps);

}  // namespace klab::mdp
