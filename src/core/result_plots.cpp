#include "core/result_plots.hpp"

#include <algorithm>
#include <cmath>

namespace klab::plot {
namespace {

// A 95% band is drawn only at points that at least this many runs reached: below it Student's t (12.7
// at 2 runs, 4.3 at 3) makes the band wider than the spread between the curves and it covers the plot
// (offline.robust's live view in its first runs, any Runs tab while its first runs come in, --runs 3).
constexpr uint64_t kMinBandRuns = 5;

}  // namespace

// The band's lo and hi are NaN (not drawn) where fewer than kMinBandRuns runs reached the point.
Line result_line(const BatchResult& r, size_t series, size_t metric, const std::string& name) {
  Line l;
  l.name = name.empty() ? r.layout.series[series] : name;
  l.color = palette(series);
  l.dash = series_dash(series);
  l.x = r.layout.axes[r.layout.curves[metric].axis].x;
  r.curve(series, metric, &l.y, &l.lo, &l.hi);
  for (size_t k = 0; k < l.y.size(); ++k)
    if (r.curve_stat(series, metric, k).count() < kMinBandRuns) l.lo[k] = l.hi[k] = NAN;
  return l;
}

std::vector<Line> result_lines(const BatchResult& r, const std::string& metric) {
  std::vector<Line> lines;
  const int m = r.layout.find_curve(metric);
  if (m < 0) return lines;
  for (size_t s = 0; s < r.layout.series.size(); ++s) lines.push_back(result_line(r, s, static_cast<size_t>(m)));
  return lines;
}

namespace {

// Whether two curves over the same points (min_points at least) differ nowhere by more than 1% of their largest |value|.
bool close_curves(const std::vector<double>& a, const std::vector<double>& b, size_t min_points) {
  if (a.size() < min_points || a.empty() || a.size() != b.size()) return false;
  double scale = 0.0, gap = 0.0;
  for (size_t i = 0; i < a.size(); ++i) scale = std::max({scale, std::fabs(a[i]), std::fabs(b[i])}), gap = std::max(gap, std::fabs(a[i] - b[i]));
  return gap <= 0.01 * scale;
}

}  // namespace

void mark_repeated_lines(std::vector<Line>& lines, size_t min_points) {
  int repeats = 0;
  for (size_t m = 0; m < lines.size(); ++m)
    for (size_t j = 0; j < m; ++j)
      if (close_curves(lines[m].y, lines[j].y, min_points)) {
        Line& l = lines[m];
        l.dash = ++repeats % 2 ? Dash::Dashed : Dash::Dotted;
        l.group = series_key(l);  // the same series while the name says so or not
        l.name += " (≈ " + series_key(lines[j]) + ")";
        break;
      }
}

Bars result_histogram(const BatchResult& r, size_t series, size_t metric) {
  Bars b;
  b.name = r.layout.series[series];
  b.color = palette(series);
  const std::vector<double>& c = r.layout.axes[r.layout.curves[metric].axis].x;
  const double w = c.size() > 1 ? c[1] - c[0] : 1.0;
  for (size_t k = 0; k < c.size(); ++k) {
    b.edges.push_back(c[k] - 0.5 * w);
    const RunningStat& s = r.curve_stat(series, metric, k);
    b.heights.push_back(s.count() ? s.mean() : 0.0);
  }
  if (!c.empty()) b.edges.push_back(c.back() + 0.5 * w);
  return b;
}

std::vector<double> log_spaced_counts(long long n, int count, long long lo) {
  std::vector<double> xs;
  if (n < 1) return xs;
  const double from = static_cast<double>(std::clamp(lo, 1LL, n));  // 1: the same bits as n^t
  for (int i = 0; i < count; ++i) {
    const double v = std::round(from * std::pow(static_cast<double>(n) / from, count > 1 ? static_cast<double>(i) / (count - 1) : 1.0));
    if (xs.empty() || v > xs.back()) xs.push_back(v);
  }
  if (xs.back() != static_cast<double>(n)) xs.push_back(static_cast<double>(n));
  return xs;
}

std::vector<int> log_spaced_range(int lo, int hi, int count) {
  std::vector<int> grid;
  for (int k = 0; k < count; ++k) {
    const double t = count == 1 ? 1.0 : static_cast<double>(k) / (count - 1);
    const int n = static_cast<int>(std::lround(lo * std::pow(static_cast<double>(hi) / lo, t)));
    if (grid.empty() || n > grid.back()) grid.push_back(n);
  }
  return grid;
}

std::vector<double> linear_points(double lo, double hi, int count) {
  std::vector<double> xs;
  for (int i = 0; i < count; ++i) xs.push_back(count > 1 ? lo + (hi - lo) * i / (count - 1) : lo);
  return xs;
}

std::vector<double> bin_centres(double lo, double hi, int bins) {
  std::vector<double> xs;
  const double w = (hi - lo) / bins;
  for (int i = 0; i < bins; ++i) xs.push_back(lo + (i + 0.5) * w);
  return xs;
}

}  // namespace klab::plot
