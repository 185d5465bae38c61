#include "alignment/figures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "alignment/closed_form.hpp"
#include "alignment/softmax.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"

namespace klab::alignment {

Rgba series_color(size_t i) { return palette(i); }

std::vector<long long> step_checkpoints(long long steps, int max_points) {
  std::vector<long long> out;
  const long long n = std::max<long long>(1, std::min<long long>(steps, max_points));
  for (long long i = 0; i <= n; ++i) {
    const long long c = static_cast<long long>(std::llround(static_cast<double>(steps) * i / n));
    if (out.empty() || c > out.back()) out.push_back(c);
  }
  return out;
}

plot::Plot curves_plot(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& ylabel,
                       plot::Scale yscale) {
  plot::Plot p;
  p.title = title;
  const int m = r.layout.find_curve(metric);
  p.x = {m >= 0 ? r.layout.axes[r.layout.curves[static_cast<size_t>(m)].axis].label : "step"};
  p.y = {ylabel, yscale};
  p.lines = plot::result_lines(r, metric);
  return p;
}

plot::Plot reward_kl_frontier(const World& world, double beta) {
  plot::Plot p;
  p.title = "Reward–KL frontier: π*_b ∝ π_ref·exp(r*/b)";
  p.x = {"KL(π‖π_ref)"};
  p.y = {"gold reward E_π[r*]"};
  plot::Line l = plot::reference_line("π*_b frontier");
  l.color = kReferenceColor;
  for (int i = 0; i <= 60; ++i) {
    const double b = std::exp(std::log(50.0) + (std::log(0.02) - std::log(50.0)) * i / 60.0);
    const MatrixXd lp = tilted_logp(world.ref_logp, world.gold, b);
    l.x.push_back(mean_kl(lp, world.ref_logp));
    l.y.push_back(mean_expectation(lp, world.gold));
  }
  p.lines.push_back(l);
  const MatrixXd opt = tilted_logp(world.ref_logp, world.gold, beta);
  add_optimum_marker(p, "π*_β", mean_kl(opt, world.ref_logp), mean_expectation(opt, world.gold));
  p.points.push_back({"π_ref", {0.0}, {mean_expectation(world.ref_logp, world.gold)}, kReferenceColor, 5.0f});
  return p;
}

plot::Plot simplex_frame(const World& world, int x, const std::string& title) {
  plot::Plot s;
  s.title = title;
  s.frame = plot::Frame::Simplex;
  s.x = {"", plot::Scale::Linear, 0.0, 1.0};
  s.y = {"", plot::Scale::Linear, 0.0, 0.8660254037844386};
  for (int y = 0; y < 3 && y < world.K; ++y) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "y%d (r* %s)", y + 1, plot::format_number(world.gold(x, y)).c_str());
    s.corners[static_cast<size_t>(y)] = buf;
  }
  return s;
}

plot::Line simplex_path(const std::string& name, const std::vector<Eigen::Vector3d>& path, Rgba color) {
  plot::Line l;
  l.name = name;
  l.color = color;
  l.width = 2.0f;
  for (const Eigen::Vector3d& p : path) {
    const auto xy = plot::simplex_xy(p[0], p[1], p[2]);
    l.x.push_back(xy[0]);
    l.y.push_back(xy[1]);
  }
  return l;
}

plot::Points simplex_point(const std::string& name, const Eigen::Vector3d& p, Rgba color, float radius) {
  const auto xy = plot::simplex_xy(p[0], p[1], p[2]);
  return {name, {xy[0]}, {xy[1]}, color, radius};
}

void add_optimum_marker(plot::Plot& plot, const std::string& name, double x, double y) {
  plot.points.push_back({"", {x}, {y}, {0.1f, 0.1f, 0.1f, 1.0f}, 9.5f});  // dark ring: legible on any background
  plot.points.push_back({name, {x}, {y}, kOptimumColor, 6.5f});
}

void add_optimum_star(plot::Plot& plot, const std::string& name, double x, double y) {
  constexpr double kOuter = 0.05, kInner = 0.4 * kOuter, kPi = 3.14159265358979323846;
  plot::Line casing{"", {}, {}, {}, {}, {1.0f, 1.0f, 1.0f, 1.0f}, 5.0f};
  casing.group = name;  // highlighted and hidden with the star
  for (int k = 0; k <= 10; ++k) {  // the 5 tips and the 5 inner corners, the first tip straight up, closed
    const double r = k % 2 ? kInner : kOuter, a = kPi / 2 + k * kPi / 5;
    casing.x.push_back(x + r * std::cos(a));
    casing.y.push_back(y + r * std::sin(a));
  }
  plot::Line star = casing;
  star.color = kOptimumColor;
  star.width = 2.5f;
  plot.lines.push_back(std::move(casing));
  plot.lines.push_back(std::move(star));
  plot.points.push_back({name, {x}, {y}, kOptimumColor, 3.0f});  // the optimum itself: its legend entry and hover value
}

plot::Line simplex_field(const std::function<Eigen::Vector3d(const Eigen::Vector3d&)>& field, int resolution, Rgba color) {
  struct Arrow {
    double x, y, vx, vy, norm;
  };
  std::vector<Arrow> arrows;
  double vmax = 0.0;
  for (int i = 1; i < resolution; ++i)
    for (int j = 1; i + j < resolution; ++j) {
      Eigen::Vector3d p(static_cast<double>(resolution - i - j), static_cast<double>(i), static_cast<double>(j));
      p /= resolution;
      const Eigen::Vector3d v = field(p);
      if (!v.allFinite()) continue;
      const auto a = plot::simplex_xy(p[0], p[1], p[2]);
      // The plane map is linear: the velocity maps with the same coefficients.
      const double vx = v[1] + 0.5 * v[2], vy = 0.8660254037844386 * v[2];
      const double n = std::hypot(vx, vy);
      vmax = std::max(vmax, n);
      arrows.push_back({a[0], a[1], vx, vy, n});
    }
  plot::Line l;
  l.name = "-∇ flow";
  l.color = color;
  l.width = 1.2f;
  const double nan = std::nan("");
  const double base = 0.6 / resolution;
  for (const Arrow& a : arrows) {
    if (!(a.norm > 0) || !(vmax > 0)) continue;
    const double len = base * std::sqrt(a.norm / vmax), ux = a.vx / a.norm, uy = a.vy / a.norm;
    const double tx = a.x + len * ux, ty = a.y + len * uy, head = 0.35 * len;
    // shaft, then the two barbs of the head (±150° from the direction)
    const double c = std::cos(2.618), s = std::sin(2.618);
    l.x.insert(l.x.end(), {a.x, tx, tx + head * (c * ux - s * uy), nan, tx, tx + head * (c * ux + s * uy), nan});
    l.y.insert(l.y.end(), {a.y, ty, ty + head * (s * ux + c * uy), nan, ty, ty + head * (-s * ux + c * uy), nan});
  }
  return l;
}

plot::Heatmap simplex_heatmap(const std::function<double(const Eigen::Vector3d&)>& value, int nx, int ny,
                              const std::string& label) {
  plot::Heatmap h;
  h.nx = nx;
  h.ny = ny;
  h.x0 = 0;
  h.x1 = 1;
  h.y0 = 0;
  h.y1 = 0.8660254037844386;
  h.label = label;
  std::vector<double> inside;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const auto b = plot::simplex_barycentric((i + 0.5) / nx, (j + 0.5) / ny * h.y1);
      float v = NAN;
      if (b[0] > 0 && b[1] > 0 && b[2] > 0) {
        const double f = value(Eigen::Vector3d(b[0], b[1], b[2]));
        if (std::isfinite(f)) {
          v = static_cast<float>(f);
          inside.push_back(f);
        }
      }
      h.values.push_back(v);
    }
  if (!inside.empty()) {
    std::sort(inside.begin(), inside.end());
    h.vmin = inside[inside.size() / 50];
    h.vmax = inside[inside.size() - 1 - inside.size() / 10];
    if (!(h.vmax > h.vmin)) h.vmax = h.vmin + 1.0;
  }
  return h;
}

Eigen::Vector3d row3(const MatrixXd& logp, int x) {
  return Eigen::Vector3d(std::exp(logp(x, 0)), std::exp(logp(x, 1)), std::exp(logp(x, 2)));
}

}  // namespace klab::alignment
