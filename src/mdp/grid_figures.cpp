#include "mdp/grid_figures.hpp"

namespace klab::mdp {
namespace {

constexpr float kNan = __builtin_nanf("");

// Cell centre of state s in plot coordinates (row 0 at the top).
void centre(const GridLayout& g, int s, double* x, double* y) {
  const int cell = g.cell_of_state[static_cast<size_t>(s)];
  *x = cell % g.cols + 0.5;
  *y = g.rows - cell / g.cols - 0.5;
}

}  // namespace

plot::Plot grid_value_plot(const GridLayout& layout, const std::vector<double>& state_values, const std::string& title,
                           const std::string& value_label, Colormap colormap, double vmin, double vmax) {
  plot::Plot p;
  p.title = title;
  p.x = {"column", plot::Scale::Linear, 0.0, static_cast<double>(layout.cols)};
  p.y = {"row", plot::Scale::Linear, 0.0, static_cast<double>(layout.rows)};
  p.x.clip_outliers = p.y.clip_outliers = false;
  p.equal_aspect = true;
  plot::Heatmap h;
  h.nx = layout.cols;
  h.ny = layout.rows;
  h.x0 = 0, h.x1 = layout.cols, h.y0 = 0, h.y1 = layout.rows;
  h.vmin = vmin, h.vmax = vmax;
  h.colormap = colormap;
  h.label = value_label;
  h.smooth = false;
  for (int j = 0; j < layout.rows; ++j) {  // from the bottom row up
    const int row = layout.rows - 1 - j;
    for (int c = 0; c < layout.cols; ++c) {
      const int s = layout.state_of_cell[static_cast<size_t>(row * layout.cols + c)];
      h.values.push_back(s < 0 ? kNan : static_cast<float>(state_values[static_cast<size_t>(s)]));
    }
  }
  p.heatmaps.push_back(std::move(h));
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
