// blackbox.bo's drawn objective: a 1-D function the user sketches in the live view (or types), given
// by control points and stored as ONE parameter text, so that the URL hash, `klab run --set drawn=…`,
// config.json and the Runs tab run exactly what was drawn (core/params.hpp: text is the common currency).
//
//   drawn = x:y,x:y,...      2 to kDrawnMaxPoints points, 0 ≤ x_1 < x_2 < … ≤ 1 (each x at least
//                            kDrawnMinGap above the previous), every y in [−1, 1]
//
// The points are joined by the monotone piecewise-cubic Hermite interpolant (PCHIP: Fritsch &
// Carlson, SIAM J. Numer. Anal. 17(2), 1980, with the slopes of Fritsch & Butland, SIAM J. Sci.
// Stat. Comput. 5(2), 1984, as in Moler's pchip): on [x_k, x_{k+1}], h = x_{k+1} − x_k, t = (x − x_k)/h,
//   f(x) = (1 + 2t)(1 − t)² y_k + t(1 − t)² h d_k + t²(3 − 2t) y_{k+1} + t²(t − 1) h d_{k+1},
// with the secants δ_k = (y_{k+1} − y_k)/h_k and the slopes
//   d_k = 0 where δ_{k−1}δ_k ≤ 0 (a local extremum of the data, or a flat piece), else the weighted harmonic mean
//   d_k = (w₁ + w₂)/(w₁/δ_{k−1} + w₂/δ_k), w₁ = 2h_k + h_{k−1}, w₂ = h_k + 2h_{k−1};
//   the end slopes d_1 = ((2h_1 + h_2)δ_1 − h_1δ_2)/(h_1 + h_2), set to 0 if its sign differs from δ_1's
//   and to 3δ_1 if δ_1, δ_2 differ in sign and |d_1| > 3|δ_1| (likewise at the right end); two points: a line.
// Then 0 ≤ d_k/δ_k ≤ 3 on both ends of every piece, inside Fritsch & Carlson's monotonicity region:
// f is monotone between neighbouring points and never overshoots them, so its minimum over [0, 1]
// is exactly min_i y_i (the regret's f*; the value is clamped to [y_k, y_{k+1}]'s range, a no-op but
// for rounding; tests "blackbox.bo drawn: ..." in tests/unit/blackbox_bo_test.cpp, and against SciPy's
// PchipInterpolator in blackbox_reference_test.cpp). Outside [x_1, x_n] f is constant (y_1 to the
// left, y_n to the right). Everything is + − × ÷ and comparisons: native and wasm agree bit for bit.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace klab::blackbox {

constexpr int kDrawnMinPoints = 2, kDrawnMaxPoints = 64;
constexpr double kDrawnMinGap = 1e-3;         // least step between neighbouring x (keeps the slopes ≤ 2000)
constexpr double kDrawnYMin = -1.0, kDrawnYMax = 1.0;
constexpr int kDrawnTextMaxChars = 4000;      // 64 points of two 17-digit reals with exponents fit
constexpr int kDrawnSketchPoints = 21;        // a sketch is resampled to this many evenly spaced points
// The default curve: a shallow minimum at x = 0.1 (−0.35), a deep one at x = 0.8 (−0.7), bumps between.
constexpr const char* kDefaultDrawnText = "0:0.3,0.1:-0.35,0.2:0.1,0.3:0.55,0.4:0.2,0.5:0.45,0.6:0.8,0.7:0.1,0.8:-0.7,0.9:0.05,1:0.4";

struct DrawnCurve {
  std::vector<double> x, y;   // (n) control points, x strictly increasing in [0, 1], y in [−1, 1]
  std::vector<double> slope;  // (n) PCHIP derivatives d_k at the control points
};

// The curve through valid points (check_drawn_points), slopes computed.
DrawnCurve make_drawn_curve(std::vector<double> x, std::vector<double> y);
// Count, domain, order and range checks. Errors name the point (from 1) and the field:
// "point 3: x must be at least 0.001 above point 2's x = 0.4 (x strictly increasing in [0, 1]; got 0.4)".
Status check_drawn_points(const std::vector<double>& x, const std::vector<double>& y);
// Parses and checks the text form; errors as above.
Expected<DrawnCurve> parse_drawn_curve(std::string_view text);
// Shortest round-trip text of the points (parse_drawn_curve(format_drawn_curve(c)) == c exactly).
std::string format_drawn_curve(const DrawnCurve& c);
// The parameter rule: errors begin "parameter 'drawn': ".
Status check_drawn_text(const std::string& text);

// f(x) (PCHIP inside [x_1, x_n], constant outside).
double drawn_value(const DrawnCurve& c, double x);
// min over [0, 1] of f = min_i y_i (PCHIP does not overshoot).
double drawn_minimum(const DrawnCurve& c);

// A sketch (mouse positions in data units, in the order drawn, possibly going back and forth)
// redraws the curve over the x span it covers: the result has kDrawnSketchPoints evenly spaced
// points on [0, 1]; a point inside the sketch's span takes the y of the last stroke segment that
// crosses its x (later strokes overwrite earlier ones), a point outside keeps the old curve's f(x);
// y clamped to [−1, 1] and rounded to 0.001 (a short link). A sketch that spans no point leaves
// `old` as it was.
DrawnCurve redraw_with_sketch(const DrawnCurve& old, const std::vector<double>& sketch_x, const std::vector<double>& sketch_y);

}  // namespace klab::blackbox
