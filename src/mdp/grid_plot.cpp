#include "mdp/grid_plot.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {

plot::Plot grid_plot(const GridPlotInput& in) {
  const GridLayout& g = *in.layout;
  const Mdp& m = *in.mdp;
  plot::Plot p;
  p.title = in.title;
  p.x = {"column", plot::Scale::Linear, 0.0, static_cast<double>(g.cols)};
  // Square cells; a grid more than twice as wide as tall gets blank bands above and below, so that
  // the map keeps a usable height in narrow windows (a phone's 390 pixels).
  const double band = std::max(0.0, (g.cols / 2.0 - g.rows) / 2.0);
  p.y = {"row (from the bottom)", plot::Scale::Linear, -band, g.rows + band};
  p.equal_aspect = true;
  p.legend = false;
  plot::Heatmap h;
  h.nx = g.cols, h.ny = g.rows;
  h.x0 = 0, h.x1 = g.cols, h.y0 = 0, h.y1 = g.rows;
  h.smooth = false;
  h.label = in.value_label;
  h.values.assign(static_cast<size_t>(g.rows * g.cols), NAN);
  // Heat-map rows run from y0 upwards: grid row r is heat-map row rows − 1 − r.
  auto centre = [&](int cell, double* x, double* y) {
    *x = cell % g.cols + 0.5;
    *y = g.rows - 1 - cell / g.cols + 0.5;
  };
  plot::Line rays;
  rays.name = "π(a|s)";
  rays.color = {0.95f, 0.95f, 0.95f, 1.0f};
  rays.width = 1.5f;
  constexpr double dx[4] = {0, 1, 0, -1}, dy[4] = {1, 0, -1, 0};  // north, east, south, west
  for (int s = 0; s < m.states; ++s) {
    const int cell = g.cell_of_state[static_cast<size_t>(s)];
    const int r = cell / g.cols, c = cell % g.cols;
    h.values[static_cast<size_t>((g.rows - 1 - r) * g.cols + c)] = static_cast<float>(in.state_values[static_cast<size_t>(s)]);
    double x, y;
    centre(cell, &x, &y);
    if (g.cell[static_cast<size_t>(cell)] == 'S') p.annotations.push_back({x, y, "S"});
    if (g.cell[static_cast<size_t>(cell)] == 'G') p.annotations.push_back({x, y, "G"});
    if (!in.policy || m.actions(s) != 4) continue;  // goals have one action: no ray
    for (int a = 0; a < 4; ++a) {
      const double prob = (*in.policy)[static_cast<size_t>(m.first_pair[s] + a)];
      if (prob < 0.02) continue;
      const double tx = x + 0.42 * prob * dx[a], ty = y + 0.42 * prob * dy[a];
      rays.x.insert(rays.x.end(), {x, tx, NAN});
      rays.y.insert(rays.y.end(), {y, ty, NAN});
      if (prob < 0.3) continue;
      // An arrowhead: two strokes back from the tip, ±0.6 of their length sideways (perpendicular (−dy, dx)).
      const double back = 0.13, side = 0.08;
      for (double sign : {1.0, -1.0}) {
        rays.x.insert(rays.x.end(), {tx, tx - back * dx[a] - sign * side * dy[a], NAN});
        rays.y.insert(rays.y.end(), {ty, ty - back * dy[a] + sign * side * dx[a], NAN});
      }
    }
  }
  p.heatmaps.push_back(h);
  if (!rays.x.empty()) p.lines.push_back(rays);
  return p;
}

}  // namespace klab::mdp
