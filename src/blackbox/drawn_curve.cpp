#include "blackbox/drawn_curve.hpp"

#include <algorithm>
#include <cmath>

#include "core/params.hpp"

namespace klab::blackbox {
namespace {

std::string_view drawn_trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string drawn_quoted(std::string_view s) { return "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...'" : "'"); }

int drawn_sign(double v) { return (v > 0.0) - (v < 0.0); }

// PCHIP's end slope (Moler's pchipend): the three-point formula, kept shape-preserving.
double drawn_end_slope(double h1, double h2, double d1, double d2) {
  const double d = ((2.0 * h1 + h2) * d1 - h1 * d2) / (h1 + h2);
  if (drawn_sign(d) != drawn_sign(d1)) return 0.0;
  if (drawn_sign(d1) != drawn_sign(d2) && std::fabs(d) > std::fabs(3.0 * d1)) return 3.0 * d1;
  return d;
}

}  // namespace

DrawnCurve make_drawn_curve(std::vector<double> x, std::vector<double> y) {
  DrawnCurve c;
  const size_t n = x.size();
  c.slope.assign(n, 0.0);
  std::vector<double> h(n - 1), delta(n - 1);  // (n − 1) widths and secants of the pieces
  for (size_t k = 0; k + 1 < n; ++k) h[k] = x[k + 1] - x[k], delta[k] = (y[k + 1] - y[k]) / h[k];
  if (n == 2) {
    c.slope[0] = c.slope[1] = delta[0];
  } else {
    for (size_t k = 1; k + 1 < n; ++k) {
      if (delta[k - 1] * delta[k] <= 0.0) continue;  // an extremum or a flat piece: d_k = 0
      const double w1 = 2.0 * h[k] + h[k - 1], w2 = h[k] + 2.0 * h[k - 1];
      c.slope[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
    }
    c.slope[0] = drawn_end_slope(h[0], h[1], delta[0], delta[1]);
    c.slope[n - 1] = drawn_end_slope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  }
  c.x = std::move(x);
  c.y = std::move(y);
  return c;
}

Status check_drawn_points(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < static_cast<size_t>(kDrawnMinPoints) || n > static_cast<size_t>(kDrawnMaxPoints))
    return Status::error("needs " + std::to_string(kDrawnMinPoints) + " to " + std::to_string(kDrawnMaxPoints) + " points x:y separated by ',' (got " +
                         std::to_string(n) + ")");
  for (size_t k = 0; k < n; ++k) {
    const std::string who = "point " + std::to_string(k + 1);
    if (!(x[k] >= 0.0 && x[k] <= 1.0)) return Status::error(who + ": x must be in [0, 1] (got " + format_real(x[k]) + ")");
    if (k > 0 && !(x[k] - x[k - 1] >= kDrawnMinGap))
      return Status::error(who + ": x must be at least " + format_real(kDrawnMinGap) + " above point " + std::to_string(k) + "'s x = " + format_real(x[k - 1]) +
                           " (x strictly increasing in [0, 1]; got " + format_real(x[k]) + ")");
    if (!(y[k] >= kDrawnYMin && y[k] <= kDrawnYMax))
      return Status::error(who + ": y must be in [" + format_real(kDrawnYMin) + ", " + format_real(kDrawnYMax) + "] (got " + format_real(y[k]) + ")");
  }
  return {};
}

Expected<DrawnCurve> parse_drawn_curve(std::string_view text) {
  std::vector<double> x, y;
  size_t start = 0;
  for (size_t k = 1;; ++k) {
    if (k > static_cast<size_t>(kDrawnMaxPoints)) return Status::error("at most " + std::to_string(kDrawnMaxPoints) + " points x:y");
    const size_t end = text.find(',', start);
    const std::string_view point = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const std::string who = "point " + std::to_string(k);
    const size_t colon = point.find(':');
    if (colon == std::string_view::npos || point.find(':', colon + 1) != std::string_view::npos)
      return Status::error(who + " must be x:y, points separated by ',' (got " + drawn_quoted(point) + ")");
    double v[2];
    const std::string_view fields[2] = {drawn_trim(point.substr(0, colon)), drawn_trim(point.substr(colon + 1))};
    for (int f = 0; f < 2; ++f)
      if (!parse_real(fields[f], &v[f])) return Status::error(who + ": " + (f ? "y" : "x") + " must be a real number (got " + drawn_quoted(fields[f]) + ")");
    x.push_back(v[0]), y.push_back(v[1]);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const Status s = check_drawn_points(x, y);
  if (!s.ok()) return s;
  return make_drawn_curve(std::move(x), std::move(y));
}

std::string format_drawn_curve(const DrawnCurve& c) {
  std::string s;
  for (size_t k = 0; k < c.x.size(); ++k) s += (k ? "," : "") + format_real(c.x[k]) + ":" + format_real(c.y[k]);
  return s;
}

Status check_drawn_text(const std::string& text) {
  const Expected<DrawnCurve> c = parse_drawn_curve(text);
  return c.ok() ? Status() : Status::error("parameter 'drawn': " + c.error());
}

double drawn_value(const DrawnCurve& c, double x) {
  const size_t n = c.x.size();
  if (!(x > c.x[0])) return c.y[0];  // (a NaN x too: no out-of-range piece)
  if (x >= c.x[n - 1]) return c.y[n - 1];
  const size_t k = static_cast<size_t>(std::upper_bound(c.x.begin(), c.x.end(), x) - c.x.begin()) - 1;  // x_k ≤ x < x_{k+1}
  const double h = c.x[k + 1] - c.x[k], t = (x - c.x[k]) / h, s = 1.0 - t;
  const double f = (1.0 + 2.0 * t) * s * s * c.y[k] + t * s * s * h * c.slope[k] + t * t * (3.0 - 2.0 * t) * c.y[k + 1] - t * t * s * h * c.slope[k + 1];
  // f lies between y_k and y_{k+1} (monotone piece); the clamp only removes rounding (an ulp below
  // min y on a flat piece would make the regret negative).
  return std::clamp(f, std::min(c.y[k], c.y[k + 1]), std::max(c.y[k], c.y[k + 1]));
}

double drawn_minimum(const DrawnCurve& c) { return *std::min_element(c.y.begin(), c.y.end()); }

DrawnCurve redraw_with_sketch(const DrawnCurve& old, const std::vector<double>& sketch_x, const std::vector<double>& sketch_y) {
  if (sketch_x.empty()) return old;
  const double lo = *std::min_element(sketch_x.begin(), sketch_x.end()), hi = *std::max_element(sketch_x.begin(), sketch_x.end());
  std::vector<double> x(kDrawnSketchPoints), y(kDrawnSketchPoints);
  bool spans = false;
  for (int k = 0; k < kDrawnSketchPoints; ++k) {
    const double xk = static_cast<double>(k) / (kDrawnSketchPoints - 1);
    double yk = drawn_value(old, xk);
    if (xk >= lo && xk <= hi) {
      spans = true;
      // The last stroke segment [j, j + 1] whose x range holds xk (a single sample: itself).
      for (size_t j = sketch_x.size(); j-- > 0;) {
        const size_t i = j + 1 < sketch_x.size() ? j + 1 : j;
        const double a = std::min(sketch_x[j], sketch_x[i]), b = std::max(sketch_x[j], sketch_x[i]);
        if (xk < a || xk > b) continue;
        yk = b > a ? sketch_y[j] + (sketch_y[i] - sketch_y[j]) * (xk - sketch_x[j]) / (sketch_x[i] - sketch_x[j]) : sketch_y[i];
        break;
      }
    }
    x[static_cast<size_t>(k)] = xk;
    y[static_cast<size_t>(k)] = std::round(std::clamp(yk, kDrawnYMin, kDrawnYMax) * 1000.0) / 1000.0;
  }
  return spans ? make_drawn_curve(std::move(x), std::move(y)) : old;
}

}  // namespace klab::blackbox
