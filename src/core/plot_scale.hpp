// Axis ranges, scales, ticks and number text shared by the ImGui plot widget and the SVG writer.
//
// Linear ticks step by 1, 2 or 5 × 10^k (about `target` ticks) and carry as many digits as it
// takes to tell neighbours apart; log ticks sit on decades with 2…9 × 10^k minor ticks, labelled
// with superscripts (10⁻³) and, over short spans, at 2 and 5 too.
//
// Automatic ranges never start degenerate: they cover the axis' `cover_lo/hi` (known before any
// data), and a span below 1e-6 of the values' magnitude is widened. On linear y axes a series far
// off the others (its excursion more than kOutlierFactor times the span of the rest) is clipped
// at the edge and reported, so the widget and the SVG draw an off-scale marker for it.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/figure.hpp"

namespace klab::plot {

struct Range {
  double lo = 0, hi = 1;
};

constexpr double kMinRelativeSpan = 1e-6;  // narrower automatic spans are widened
constexpr double kOutlierFactor = 6.0;      // an excursion this many times the rest's span is clipped

// How an axis range is wanted: which series count and whether far-off ones may be clipped.
struct RangeRequest {
  std::function<bool(const std::string& series)> hidden;  // series the reader has hidden (left out)
  const std::vector<Line>* extra_lines = nullptr;         // also covered: a pinned run's curves
  bool clip_outliers = true;                              // and the axis allows it (Axis::clip_outliers)
  Scale scale = Scale::Linear;                            // the scale as drawn (the reader may toggle it)
};

struct AxisRange {
  Range range;
  std::vector<size_t> above, below;  // indices into plot.lines running off the top / bottom
};

// The displayed range of the x (x_axis) or y axis: the axis limits where set, otherwise the data
// (bands, points, bars, heatmaps, guides, annotations, cover values) with a 4% margin.
AxisRange axis_range(const Plot& plot, bool x_axis, const RangeRequest& request);
// axis_range with every series counted, at the axis' own scale.
Range view_range(const Plot& plot, bool x_axis);

std::vector<Tick> make_ticks(Range range, Scale scale, int target = 6);
// The axis' explicit ticks inside the range, or make_ticks().
std::vector<Tick> axis_ticks(const Axis& axis, Range range, int target, Scale scale);
inline std::vector<Tick> axis_ticks(const Axis& axis, Range range, int target) {
  return axis_ticks(axis, range, target, axis.scale);
}
// Position in [0, 1] along the axis (log10 on a log axis) and back.
double to_unit(double v, Range range, Scale scale);
double from_unit(double u, Range range, Scale scale);
// Whether every value of the plot on this axis is positive (a log scale can show it).
bool log_possible(const Plot& plot, bool x_axis);

// Compact number text for tick labels and read-outs ("0.25", "1.5k", "2e-05").
std::string format_number(double v);
// An estimate with its uncertainty (a 95% half-width or a standard error), one format everywhere:
// the uncertainty to two significant digits and the estimate to the same decimal place
// ("0.118 ± 0.012"); "0.1175 (exact)" when the uncertainty is zero or below 1e-9 of the estimate;
// and, when the interval is wider than the estimate itself, the interval ("[-0.022, 0.046]").
std::string format_estimate(double mean, double half_width);
// `value` rounded to a precision that suits a range of width `span`: four significant digits of
// the span (a dragged mean in [-10, 10] becomes -1.51, not -1.51120102117318). On a log scale,
// four significant digits of the value itself.
double round_for_range(double value, double span, bool log_scale);
// The smallest 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k at or above `value` > 0 (a colour bar's
// upper end that reads as a number: 4 rather than 3.987); `value` itself when not positive and finite.
double nice_ceil(double value);

}  // namespace klab::plot
