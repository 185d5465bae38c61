#include "diffusion/figures.hpp"

#include <algorithm>
#include <cmath>

#include "core/colormap.hpp"
#include "core/plot_scale.hpp"
#include "core/lab_math.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

Box view_box(const Mixture& m) {
  Box b = bounding_box(m, 3.5);
  const double cx = 0.5 * (b.x0 + b.x1), cy = 0.5 * (b.y0 + b.y1), r = 0.5 * std::max(b.x1 - b.x0, b.y1 - b.y0);
  return Box{cx - r, cx + r, cy - r, cy + r};
}

plot::Heatmap density_heatmap(const Mixture& m, const Box& box, int cells, const std::string& label) {
  return density_heatmap(data_marginal(m), box, cells, label);
}

plot::Heatmap density_heatmap(const Marginal& p, const Box& box, int cells, const std::string& label) {
  plot::Heatmap h;
  h.nx = h.ny = cells;
  h.x0 = box.x0, h.x1 = box.x1, h.y0 = box.y0, h.y1 = box.y1;
  h.label = label;
  h.vmin = 0.0;
  for (int j = 0; j < cells; ++j)
    for (int i = 0; i < cells; ++i) {
      double gx, gy;
      const double x = box.x0 + (i + 0.5) * (box.x1 - box.x0) / cells, y = box.y0 + (j + 0.5) * (box.y1 - box.y0) / cells;
      h.values.push_back(static_cast<float>(math::exp(score(p, x, y, &gx, &gy))));
    }
  return h;
}

plot::Line score_arrows(const Marginal& p, const Box& box, int grid, const Rgba& color) {
  const double cell = (box.x1 - box.x0) / grid;
  std::vector<double> px, py, gx(static_cast<size_t>(grid * grid)), gy(gx.size()), norm(gx.size());
  for (int j = 0; j < grid; ++j)
    for (int i = 0; i < grid; ++i) {
      const size_t q = static_cast<size_t>(j * grid + i);
      px.push_back(box.x0 + (i + 0.5) * cell);
      py.push_back(box.y0 + (j + 0.5) * (box.y1 - box.y0) / grid);
      score(p, px[q], py[q], &gx[q], &gy[q]);
      norm[q] = std::sqrt(gx[q] * gx[q] + gy[q] * gy[q]);
    }
  std::vector<double> sorted = norm;
  const size_t q90 = sorted.size() * 9 / 10;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(q90), sorted.end());
  const double longest = 0.8 * cell, unit = sorted[q90] > 0 ? longest / sorted[q90] : 0.0;
  plot::Line l;
  l.color = color;
  l.width = 1.2f;
  const double nan = __builtin_nan("");
  for (size_t q = 0; q < norm.size(); ++q) {
    if (!(norm[q] > 0)) continue;
    const double len = std::min(longest, unit * norm[q]), ux = gx[q] / norm[q], uy = gy[q] / norm[q];
    const double tx = px[q] + len * ux, ty = py[q] + len * uy, head = 0.3 * len;
    // Shaft from the lattice point, then the head: two strokes back from the tip at ±30° (cos, sin of 30°).
    const double c = 0.8660254037844386, s = 0.5;
    l.x.insert(l.x.end(), {px[q], tx, nan, tx - head * (c * ux - s * uy), tx, tx - head * (c * ux + s * uy), nan});
    l.y.insert(l.y.end(), {py[q], ty, nan, ty - head * (s * ux + c * uy), ty, ty - head * (c * uy - s * ux), nan});
  }
  return l;
}

plot::Plot cloud_plot(const plot::Heatmap& density, const Box& box, const Particles& samples, size_t max_points, const std::string& title,
                      const std::string& name, size_t series) {
  plot::Plot p;
  p.title = title;
  p.x = plot::Axis{"x₁", plot::Scale::Linear, box.x0, box.x1};
  p.y = plot::Axis{"x₂", plot::Scale::Linear, box.y0, box.y1};
  p.equal_aspect = true;
  p.heatmaps.push_back(density);
  plot::Points pts;
  pts.name = name;
  pts.color = palette(series);
  pts.radius = 1.6f;
  const size_t n = std::min(samples.size(), max_points);
  pts.x.assign(samples.x.begin(), samples.x.begin() + static_cast<long>(n));
  pts.y.assign(samples.y.begin(), samples.y.begin() + static_cast<long>(n));
  p.points.push_back(pts);
  p.legend = false;
  return p;
}

plot::Plot run_quality_plot(const SamplersRun& run, const SamplersParams& p, SamplerMetric metric, const std::string& title,
                            const std::string& y_label) {
  const std::vector<double> budgets = nfe_budgets(p);
  plot::Plot q;
  q.title = title;
  q.x = plot::Axis{"NFE", plot::Scale::Log};
  q.y = plot::Axis{y_label, plot::Scale::Log};
  q.x.cover_lo = budgets.front();
  q.x.cover_hi = budgets.back();
  for (size_t s = 0; s < p.solvers.size(); ++s) {
    if (metric == kDiscError && !solver_is_ode(solver_of(p.solvers[s]))) continue;
    plot::Line l;
    l.name = p.solvers[s];
    l.color = palette(s);
    for (size_t k = 0; k < budgets.size(); ++k) {
      const double v = run.metric(s, k, metric);
      if (std::isnan(v)) continue;
      l.x.push_back(budgets[k]);
      l.y.push_back(v);
    }
    q.lines.push_back(l);
  }
  if (metric != kDiscError) {
    plot::Line floor = plot::reference_line("exact samples (noise floor)", {budgets.front(), budgets.back()},
                                            {run.floor(metric), run.floor(metric)});
    q.lines.push_back(floor);
  }
  return q;
}

namespace {

// VP grey (the reference), cond-OT olive, KO geodesic vermilion, KO by separation blue: apart from the film's
// Euler and Heun colours.
Rgba path_color(PathKind k) {
  switch (k) {
    case PathKind::Process: return plot::kReferenceGrey;
    case PathKind::CondOt: return palette(7);
    case PathKind::Ko: return palette(3);
    case PathKind::KoSep: return palette(6);
  }
  return plot::kReferenceGrey;
}

}  // namespace

plot::Plot paths_plot(const GaussianPaths& g, PathKind current, const std::string& title) {
  plot::Plot q;
  q.title = title;
  q.x = plot::Axis{"σ_t", plot::Scale::Linear, 0.0, 1.05};
  q.y = plot::Axis{"α_t", plot::Scale::Linear, 0.0, 1.05};
  q.equal_aspect = true;
  constexpr int kPoints = 200;  // equal steps in λ: the curves' shape, whatever their speed in t
  for (int k = 0; k < kPathKinds; ++k) {
    const NoiseSchedule& s = g.path[k];
    const double l0 = s.lambda(1.0), l1 = s.lambda(s.t_end);
    plot::Line l;
    l.name = path_labels()[static_cast<size_t>(k)];
    l.color = path_color(static_cast<PathKind>(k));
    if (k == 0) l.dash = plot::Dash::Dashed;  // the process: the reference the other three are compared with
    l.width = k == static_cast<int>(current) ? 3.0f : 1.5f;
    for (int i = 0; i <= kPoints; ++i) {
      const double u = i == 0 ? 1.0 : i == kPoints ? s.t_end : s.t_of_lambda(l0 + (l1 - l0) * i / kPoints);
      l.x.push_back(s.sigma(u));
      l.y.push_back(s.alpha(u));
    }
    q.lines.push_back(l);
  }
  return q;
}

void mark_path_time(plot::Plot& q, const GaussianPaths& g, PathKind current, double t) {
  const NoiseSchedule& s = g.path[static_cast<int>(current)];
  plot::Points dot;
  dot.name = "t = " + plot::format_number(t);
  dot.color = path_color(current);
  dot.radius = 5.0f;
  dot.x = {s.sigma(t)};
  dot.y = {s.alpha(t)};
  dot.group = "dot";
  q.points.push_back(dot);
}

}  // namespace klab::diffusion
