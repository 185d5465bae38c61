#include "diffusion/film_view.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "diffusion/figures.hpp"

namespace klab::diffusion {

FilmField film_field(const Marginal& p, const Box& box, const std::string& label) {
  return FilmField{density_heatmap(p, box, kFilmHeatCells, label), score_arrows(p, box, kScoreGrid, Rgba{1.0f, 1.0f, 1.0f, 0.8f})};
}

Particles path_state(const Paths& p, size_t i, double u) {
  const size_t states = p.states();
  Particles c;
  c.x.resize(p.count);
  c.y.resize(p.count);
  for (size_t j = 0; j < p.count; ++j) {
    const size_t a = j * states + i;
    const size_t b = i + 1 < states ? a + 1 : a;
    c.x[j] = (1 - u) * p.x[a] + u * p.x[b];
    c.y[j] = (1 - u) * p.y[a] + u * p.y[b];
  }
  return c;
}

plot::Line component_ellipses(const Mixture& m, double alpha, double sigma, const std::string& name, const Rgba& color) {
  plot::Line l;
  l.name = name;
  l.color = color;
  l.width = 1.0f;
  constexpr int kSegments = 48;
  constexpr double kTwoPi = 6.283185307179586, kQuarter = 1.5707963267948966;
  for (const Component& c : m.components) {
    // Cholesky factor L of C = α²Σ + σ²I: the ellipse is μ_t + 2 L (cos θ, sin θ).
    const double cxx = alpha * alpha * c.sxx + sigma * sigma, cxy = alpha * alpha * c.sxy, cyy = alpha * alpha * c.syy + sigma * sigma;
    const double l11 = std::sqrt(cxx), l21 = cxy / l11, l22 = std::sqrt(std::max(cyy - l21 * l21, 0.0));
    for (int i = 0; i <= kSegments; ++i) {
      const double th = kTwoPi * i / kSegments, u = math::cos(th), v = math::cos(th - kQuarter);
      l.x.push_back(alpha * c.mx + 2.0 * l11 * u);
      l.y.push_back(alpha * c.my + 2.0 * (l21 * u + l22 * v));
    }
    l.x.push_back(__builtin_nan(""));
    l.y.push_back(__builtin_nan(""));
  }
  return l;
}

namespace {

// The paths as one line, NaN between them.
plot::Line path_lines(const Paths& p, const std::string& name, size_t series) {
  plot::Line l;
  l.name = name;
  l.color = palette(series);
  l.color.a = 0.55f;
  l.width = 1.0f;
  const size_t states = p.states();
  for (size_t j = 0; j < std::min(kFilmTrajectories, p.count); ++j) {
    l.x.insert(l.x.end(), p.x.begin() + static_cast<long>(j * states), p.x.begin() + static_cast<long>((j + 1) * states));
    l.y.insert(l.y.end(), p.y.begin() + static_cast<long>(j * states), p.y.begin() + static_cast<long>((j + 1) * states));
    l.x.push_back(__builtin_nan(""));
    l.y.push_back(__builtin_nan(""));
  }
  return l;
}

// Weighted particles in three sizes by N·W (normalised weight × N): below ½, up to 2, above 2.
void weighted_points(const Particles& cloud, const std::vector<double>& log_w, const std::string& name, size_t series, plot::Plot& p) {
  const size_t n = std::min(cloud.size(), log_w.size());
  if (n == 0) return;
  const double top = *std::max_element(log_w.begin(), log_w.begin() + static_cast<long>(n));
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += math::exp(log_w[i] - top);
  const float radius[3] = {1.0f, 1.8f, 3.4f};
  plot::Points cls[3];
  for (int c = 0; c < 3; ++c) cls[c] = plot::Points{name, {}, {}, palette(series), radius[c], ""};
  for (size_t i = 0; i < std::min(n, kFilmParticles); ++i) {
    const double nw = static_cast<double>(n) * math::exp(log_w[i] - top) / s;
    const int c = nw < 0.5 ? 0 : nw <= 2.0 ? 1 : 2;
    cls[c].x.push_back(cloud.x[i]);
    cls[c].y.push_back(cloud.y[i]);
  }
  for (auto& c : cls) p.points.push_back(c);
}

}  // namespace

plot::Plot film_plot(const FilmField& field, const Box& box, const Particles& cloud, const std::string& title, const std::string& name,
                     size_t series, const FilmLayers& layers) {
  plot::Plot p = cloud_plot(field.heat, box, cloud, kFilmParticles, title, name, series);
  if (layers.log_w) {
    p.points.clear();
    weighted_points(cloud, *layers.log_w, name, series, p);
  }
  if (layers.paths) p.lines.push_back(path_lines(*layers.paths, name, series));
  if (layers.arrows) p.lines.push_back(*layers.arrows);
  return p;
}

}  // namespace klab::diffusion
