#include "mdp/irl_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/params.hpp"

namespace klab::mdp {

std::vector<double> cell_entry_values(const GridSpec& g) {
  const int rows = static_cast<int>(g.rows.size()), cols = rows > 0 ? static_cast<int>(g.rows[0].size()) : 0;
  std::vector<double> v(static_cast<size_t>(rows * cols), 0.0);
  for (const CellValue& x : g.cell_rewards) v[static_cast<size_t>(x.row * cols + x.col)] += x.value;
  for (const CellValue& x : g.cell_costs) v[static_cast<size_t>(x.row * cols + x.col)] -= x.value;
  for (int k = 0; k < rows * cols; ++k) {
    const char ch = g.rows[static_cast<size_t>(k / cols)][static_cast<size_t>(k % cols)];
    double& x = v[static_cast<size_t>(k)];
    if (ch == '#') {
      x = 0.0;
      continue;
    }
    x += g.step_reward + (ch == 'G' ? g.goal_reward : 0.0) + (ch == 'C' ? g.cliff_reward : 0.0) - (ch == 'H' ? g.hazard_cost : 0.0);
  }
  return v;
}

Expected<IrlProblem> irl_grid_problem(const GridSpec& g, double theta_bound, GridLayout* layout_out) {
  const std::string where = "parameter 'grid': ";
  Expected<Grid> grid = build_gridworld(g);
  if (!grid.ok()) return Status::error(where + grid.error());
  const GridLayout& layout = grid.value().layout;
  const int states = grid.value().mdp.states;
  if (states > kMaxIrlGridStates)
    return Status::error(where + "mdp.irl takes at most " + std::to_string(kMaxIrlGridStates) + " open cells (states), as many as its largest default grid; this grid has " +
                         std::to_string(states));
  const std::vector<double> v = cell_entry_values(g);
  std::vector<double> levels;  // the distinct non-zero values, ascending
  bool plain = false;          // an open cell of value 0
  for (size_t k = 0; k < v.size(); ++k) {
    if (layout.cell[k] == '#') continue;
    if (v[k] == 0.0) plain = true;
    else if (std::find(levels.begin(), levels.end(), v[k]) == levels.end()) levels.push_back(v[k]);
  }
  std::sort(levels.begin(), levels.end());
  if (levels.empty()) return Status::error(where + "no cell pays a reward or a cost, so the expert has nothing to show: paint a goal, a hazard, or a reward or cost cell");
  if (static_cast<int>(levels.size()) > kMaxIrlGridFeatures)
    return Status::error(where + "mdp.irl takes at most " + std::to_string(kMaxIrlGridFeatures) + " distinct cell values (one feature each); this grid has " +
                         std::to_string(levels.size()));
  if (!plain) return Status::error(where + "no open cell pays 0: mdp.irl needs one plain cell (the group without a feature, so no combination of features is constant)");
  for (double x : levels)
    if (std::fabs(x) > theta_bound)
      return Status::error(where + "the cell value " + format_real(x) + " lies outside the reward class |θ_j| ≤ B = " + format_real(theta_bound) +
                           ": raise theta_bound or paint smaller values");
  // φ_j = the reward of the same grid paying 1 on entering the cells of group j and nothing else.
  IrlProblem out;
  out.mdp = std::move(grid.value().mdp);
  out.features = static_cast<int>(levels.size());
  out.phi = Eigen::MatrixXd::Zero(out.mdp.pairs(), out.features);
  out.theta_star = Eigen::Map<const Eigen::VectorXd>(levels.data(), out.features);
  for (int j = 0; j < out.features; ++j) {
    GridSpec indicator = g;
    indicator.step_reward = indicator.goal_reward = indicator.cliff_reward = indicator.hazard_cost = 0.0;
    indicator.cell_rewards.clear(), indicator.cell_costs.clear();
    for (size_t k = 0; k < v.size(); ++k)
      if (layout.cell[k] != '#' && v[k] == levels[static_cast<size_t>(j)])
        indicator.cell_rewards.push_back({static_cast<int>(k) / layout.cols, static_cast<int>(k) % layout.cols, 1.0});
    Expected<Grid> built = build_gridworld(indicator);
    if (!built.ok()) return Status::error(where + built.error());
    for (int i = 0; i < out.mdp.pairs(); ++i) out.phi(i, j) = built.value().mdp.reward[static_cast<size_t>(i)];
  }
  const Eigen::VectorXd r = out.phi * out.theta_star;
  out.true_reward.assign(r.data(), r.data() + r.size());
  out.state_group.assign(static_cast<size_t>(out.mdp.states), -1);
  out.state_extra.assign(static_cast<size_t>(out.mdp.states), 0.0);
  for (int s = 0; s < out.mdp.states; ++s) {
    const double x = v[static_cast<size_t>(layout.cell_of_state[static_cast<size_t>(s)])];
    for (int j = 0; j < out.features; ++j)
      if (x == levels[static_cast<size_t>(j)]) out.state_group[static_cast<size_t>(s)] = j;
  }
  if (layout_out) *layout_out = layout;
  return out;
}

}  // namespace klab::mdp
