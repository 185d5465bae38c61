// Axis ranges, scales and ticks shared by the ImGui plot widget and the SVG writer.
//
// Linear ticks step by 1, 2 or 5 × 10^k (about `target` ticks); log ticks sit on decades with
// 2…9 × 10^k minor ticks, labelled with superscripts (10⁻³) and, over short spans, at 2 and 5 too.
#pragma once
#include <string>
#include <vector>

#include "core/figure.hpp"

namespace klab::plot {

struct Range {
  double lo = 0, hi = 1;
};

// The data extent of a plot along x or y (bands, points, bars, heatmaps, guides included);
// non-positive values are ignored on a log axis. Falls back to [0, 1] (or [1, 10]) when empty.
Range data_range(const Plot& plot, bool x_axis);
// The displayed range: the axis limits where set, otherwise the data range with a small margin.
Range view_range(const Plot& plot, bool x_axis);
std::vector<Tick> make_ticks(Range range, Scale scale, int target = 6);
// The axis' explicit ticks inside the range, or make_ticks().
std::vector<Tick> axis_ticks(const Axis& axis, Range range, int target);
// Position in [0, 1] along the axis (log10 on a log axis) and back.
double to_unit(double v, Range range, Scale scale);
double from_unit(double u, Range range, Scale scale);
// Compact number text for tick labels and read-outs ("0.25", "1.5k", "2e-05").
std::string format_number(double v);

}  // namespace klab::plot
