// The figure model: what a plot shows, independent of how it is drawn.
//
// Demos build Figures from their numbers; src/ui/plot.cpp draws them with ImGui (hover read-out,
// zoom, legend), core/svg.cpp writes them as SVG (CLI figure.svg, browser "Export SVG") and
// core/figure_csv.cpp writes their data as CSV. One model, so the picture on screen, the exported
// figure and the exported data always agree.
#pragma once
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/colormap.hpp"

namespace klab::plot {

constexpr double kAuto = __builtin_nan("");  // axis limit chosen from the data

enum class Scale { Linear, Log };

// Stroke patterns: with the 10 palette colours they tell up to 40 series apart, also in greyscale
// and for colour-blind readers (see series_style in core/result_plots.hpp).
enum class Dash { Solid, Dashed, Dotted, DashDot };

struct Tick {
  double value;
  std::string label;  // empty for minor ticks
};

struct Axis {
  std::string label;
  Scale scale = Scale::Linear;
  double min = kAuto, max = kAuto;
  std::vector<Tick> ticks;  // explicit ticks (e.g. category names); empty: automatic
  // Values the automatic range always covers, known before any data exist (the run's length, a
  // bound from theory), so that a plot never starts on a degenerate axis. NaN: none.
  double cover_lo = kAuto, cover_hi = kAuto;
  // Far-off series (a baseline 50× worse than the rest) are clipped at the edge with an off-scale
  // marker instead of squashing the others flat (linear axes; the reader can show all).
  bool clip_outliers = true;
};

// A categorical axis: names at positions first, first + 1, ... (ticks labelled by name).
Axis category_axis(const std::string& label, const std::vector<std::string>& names, double first = 1.0);

// A curve, optionally with a shaded band [lo, hi] (e.g. a 95% confidence interval).
// NaN values break the curve.
//
// `group` names the series an element belongs to when it differs from its legend name (an
// unnamed second curve of the same method): highlighting or hiding a series in a legend applies
// to every element of that group in every plot of the demo. Empty: the name.
struct Line {
  std::string name;
  std::vector<double> x, y, lo, hi;
  Rgba color;
  float width = 2.0f;
  Dash dash = Dash::Solid;
  std::string group;
};

struct Points {
  std::string name;
  std::vector<double> x, y;
  Rgba color;
  float radius = 3.5f;
  std::string group;
};

// Bars over bins [edges[i], edges[i+1]) with the given heights (histograms, bar charts).
struct Bars {
  std::string name;
  std::vector<double> edges, heights;
  Rgba color;
  std::string group;
};

// A short note pointing at (x, y) in data coordinates: what to look at in a plot.
struct Annotation {
  double x = 0, y = 0;
  std::string text;
};

// A scalar field on a regular nx × ny grid over [x0, x1] × [y0, y1], row-major from y0 upwards.
// NaN cells are transparent (e.g. outside a simplex). Drawn through shaders/heatmap.frag in the GUI.
struct Heatmap {
  int nx = 0, ny = 0;
  std::vector<float> values;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double vmin = kAuto, vmax = kAuto;
  Colormap colormap = Colormap::Viridis;
  std::string label;  // what the colour encodes, shown on the colour bar
  bool smooth = true;  // a field sampled on a grid (interpolated, iso-lines); false: discrete cells
};

// A reference line x = value (vertical) or y = value (horizontal): bounds, optima, thresholds.
struct Guide {
  bool vertical = true;
  double value = 0;
  std::string label;
  Rgba color{0.6f, 0.6f, 0.6f, 1.0f};
  bool dashed = true;
};

// Axes: a Cartesian plot. Simplex: the probability triangle; data are given in the plane
// coordinates of simplex_xy() and the corners are labelled instead of ticked axes.
enum class Frame { Axes, Simplex };

struct Plot {
  std::string title;
  Axis x, y;
  Frame frame = Frame::Axes;
  std::array<std::string, 3> corners;  // Simplex corner labels (bottom-left, bottom-right, top)
  std::vector<Line> lines;
  std::vector<Points> points;
  std::vector<Bars> bars;
  std::vector<Heatmap> heatmaps;
  std::vector<Guide> guides;
  std::vector<Annotation> annotations;
  bool legend = true;
  bool equal_aspect = false;  // one unit of x as long as one unit of y (geometry: circles stay round)
};

struct Figure {
  std::string title;
  std::vector<Plot> plots;
  int columns = 0;   // SVG export grid: 0: one column for a single plot, two otherwise (the UI uses ui::PlotGrid)
  int headline = 0;  // the plot drawn larger than the rest (the one that tells the story); -1: none
};

// Theory and reference objects (bounds, closed forms, optima' guides): one grey, legible on the
// dark UI and on the white SVG.
constexpr Rgba kReferenceGrey{0.62f, 0.62f, 0.62f, 1.0f};
// The exact optimum a method is measured against (π*_β, a Nash policy): a gold marker. Like the
// reference grey it is theory, not a series, so it never counts towards the series shown at first.
constexpr Rgba kOptimumGold{0.98f, 0.72f, 0.10f, 1.0f};

// A dashed grey curve for theory: a bound, a closed form, a predicted rate.
inline Line reference_line(const std::string& name, std::vector<double> x = {}, std::vector<double> y = {}) {
  Line l;
  l.name = name;
  l.x = std::move(x);
  l.y = std::move(y);
  l.color = kReferenceGrey;
  l.width = 1.5f;
  l.dash = Dash::Dashed;
  return l;
}

// Series i's stroke: solid for the first 10 (one palette colour each), then dashed, dotted and
// dash-dotted for the next tens.
inline Dash series_dash(size_t i) { return static_cast<Dash>((i / 10) % 4); }

// The name that groups an element's series (see Line).
template <class Element>
const std::string& series_key(const Element& e) {
  return e.group.empty() ? e.name : e.group;
}

// Barycentric (p0, p1, p2) -> plane: corners (0,0), (1,0), (½, √3/2).
inline std::array<double, 2> simplex_xy(double p0, double p1, double p2) {
  (void)p0;
  return {p1 + 0.5 * p2, 0.8660254037844386 * p2};
}
// Plane -> barycentric, the inverse of simplex_xy.
inline std::array<double, 3> simplex_barycentric(double x, double y) {
  const double p2 = y / 0.8660254037844386;
  const double p1 = x - 0.5 * p2;
  return {1.0 - p1 - p2, p1, p2};
}

}  // namespace klab::plot
