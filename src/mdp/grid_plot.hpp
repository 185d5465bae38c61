// A gridworld as a plot (the live views of the mdp chapter and any chapter built on its worlds):
// one heat-map cell per grid cell holding a value per state (walls and cliffs transparent), and a
// policy drawn as rays from each cell's centre, one per action, as long as its probability.
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
};

// x = column, y = rows − row (row 0 at the top); equal aspect, no legend (the title says what the
// rays are). The start cells carry an "S" and the goals a "G" annotation.
plot::Plot grid_plot(const GridPlotInput& in);

}  // namespace klab::mdp
