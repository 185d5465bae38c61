// Figure pieces drawn from aggregated results: mean curves with 95% CI bands, histograms.
#pragma once
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/figure.hpp"

namespace klab::plot {

// The mean of curve `metric` for `series`, with its 95% confidence band, coloured palette(series).
Line result_line(const BatchResult& r, size_t series, size_t metric, const std::string& name = "");
// Every series' curve `metric` (by name) as lines, in series order.
std::vector<Line> result_lines(const BatchResult& r, const std::string& metric);
// A line within 1% (of the larger |value|) of an earlier one at every point (min_points at least, the
// same count: 8 by default for curves, not the first steps, where every curve is near 0) would hide
// under it: it is drawn dashed (then dotted, alternating) and named "name (≈ earlier)", grouped as its
// series still. Exact per-item counts (one point per arm) can ask for fewer points.
void mark_repeated_lines(std::vector<Line>& lines, size_t min_points = 8);
// A histogram curve (see CurveMetric) as bars over the axis bins.
Bars result_histogram(const BatchResult& r, size_t series, size_t metric);
// log-spaced integers in [lo, n] (about `count` distinct values, always including lo and n; 1 ≤ lo ≤ n).
std::vector<double> log_spaced_counts(long long n, int count, long long lo = 1);
// Log-spaced integers from lo to hi (lo ≥ 1): round(lo·(hi/lo)^(i/(count − 1))), i < count, repeats
// dropped (count = 1: just hi). The n grids of the experiments that sweep a problem size.
std::vector<int> log_spaced_range(int lo, int hi, int count);
// `count` evenly spaced values from lo to hi inclusive.
std::vector<double> linear_points(double lo, double hi, int count);
// Centres of `bins` equal bins over [lo, hi].
std::vector<double> bin_centres(double lo, double hi, int bins);

}  // namespace klab::plot
