#include "mdp/grid_plot.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {
namespace {

// The centre of state s's cell in plot coordinates (row 0 at the top).
void centre(const GridLayout& g, int s, double* x, double* y) {
  const int cell = g.cell_of_state[static_cast<size_t>(s)];
  *x = cell % g.cols + 0.5;
  *y = g.rows - cell / g.cols - 0.5;
}

}  // namespace

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
  p.x.clip_outliers = p.y.clip_outliers = false;  // a map shows every cell
  p.equal_aspect = true;
  p.legend = false;
  plot::Heatmap h;
  h.nx = g.cols, h.ny = g.rows;
  h.x0 = 0, h.x1 = g.cols, h.y0 = 0, h.y1 = g.rows;
  h.smooth = false;
  h.label = in.value_label;
  h.colormap = in.colormap;
  h.vmin = in.vmin, h.vmax = in.vmax;
  h.values.assign(static_cast<size_t>(g.rows * g.cols), NAN);
  // Heat-map rows run from y0 upwards: grid row r is heat-map row rows − 1 − r.
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
    centre(g, s, &x, &y);
    if (in.mark_start_goal && g.cell[static_cast<size_t>(cell)] == 'S') p.annotations.push_back({x, y, "S"});
    if (in.mark_start_goal && g.cell[static_cast<size_t>(cell)] == 'G') p.annotations.push_back({x, y, "G"});
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

plot::Points grid_points(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float radius) {
  plot::Points pts;
  pts.name = name;
  pts.color = color;
  pts.radius = radius;
  for (int s : states) {
    double x, y;
    centre(layout, s, &x, &y);
    pts.x.push_back(x);
    pts.y.push_back(y);
  }
  return pts;
}

plot::Line grid_path(const GridLayout& layout, const std::vector<int>& states, const std::string& name, Rgba color, float width) {
  const plot::Points centres = grid_points(layout, states, name, color, 0.0f);
  plot::Line l;
  l.name = name;
  l.x = centres.x;
  l.y = centres.y;
  l.color = color;
  l.width = width;
  return l;
}

std::vector<int> greedy_path(const Mdp& m, const std::vector<int>& actions, int start, int max_steps) {
  std::vector<int> path{start};
  std::vector<char> seen(static_cast<size_t>(m.states), 0);
  seen[start] = 1;
  int s = start;
  for (int t = 0; t < max_steps; ++t) {
    const int pair = m.first_pair[s] + actions[static_cast<size_t>(s)];
    int next = m.next_state[m.first_next[pair]];
    double best = m.next_prob[m.first_next[pair]];
    for (int e = m.first_next[pair] + 1; e < m.first_next[pair + 1]; ++e)
      if (m.next_prob[e] > best) best = m.next_prob[e], next = m.next_state[e];
    if (next == s || seen[next]) break;  // an absorbing state, a wall bump or a loop
    path.push_back(next);
    seen[next] = 1;
    s = next;
  }
  return path;
}

}  // namespace klab::mdp
