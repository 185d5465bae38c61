#include "core/plot_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

namespace klab::plot {
namespace {

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  bool log = false;
  void add(double v) {
    if (!std::isfinite(v) || (log && v <= 0.0)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void add_all(const std::vector<double>& vs) {
    for (double v : vs) add(v);
  }
  void add(const Extent& e) {
    if (e.empty()) return;
    lo = std::min(lo, e.lo);
    hi = std::max(hi, e.hi);
  }
  bool empty() const { return !(lo <= hi); }
  double span() const { return empty() ? 0.0 : hi - lo; }
};

const char* kSuperscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};

std::string power_of_ten(int k) {
  std::string s = "10";
  if (k < 0) s += "⁻";
  const std::string digits = std::to_string(std::abs(k));
  for (char c : digits) s += kSuperscript[c - '0'];
  return s;
}

std::string printf_g(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// Fixed-point text with `decimals` places (no exponent).
std::string printf_f(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::max(decimals, 0), v);
  return buf;
}

template <class Element>
bool is_hidden(const Element& e, const RangeRequest& req) {
  return req.hidden && !series_key(e).empty() && req.hidden(series_key(e));
}

// The extent of one line along an axis (its band too on y).
Extent line_extent(const Line& l, bool x_axis, bool log) {
  Extent e;
  e.log = log;
  e.add_all(x_axis ? l.x : l.y);
  if (!x_axis) {
    e.add_all(l.lo);
    e.add_all(l.hi);
  }
  return e;
}

// Everything but the lines: points, bars, heatmaps, guides, annotations and the cover values.
Extent fixed_extent(const Plot& plot, bool x_axis, bool log, const RangeRequest& req) {
  Extent e;
  e.log = log;
  const Axis& axis = x_axis ? plot.x : plot.y;
  e.add(axis.cover_lo);
  e.add(axis.cover_hi);
  for (const Points& p : plot.points)
    if (!is_hidden(p, req)) e.add_all(x_axis ? p.x : p.y);
  for (const Bars& b : plot.bars) {
    if (is_hidden(b, req)) continue;
    if (x_axis) {
      e.add_all(b.edges);
    } else {
      e.add_all(b.heights);
      if (!e.log) e.add(0.0);
    }
  }
  for (const Heatmap& h : plot.heatmaps) {
    e.add(x_axis ? h.x0 : h.y0);
    e.add(x_axis ? h.x1 : h.y1);
  }
  for (const Guide& g : plot.guides)
    if (g.vertical == x_axis) e.add(g.value);
  for (const Annotation& a : plot.annotations) e.add(x_axis ? a.x : a.y);
  if (req.extra_lines)
    for (const Line& l : *req.extra_lines) e.add(line_extent(l, x_axis, log));
  return e;
}

// Widens a degenerate extent (empty, a single value, or a span below kMinRelativeSpan of the
// magnitude) so that ticks can be drawn.
Range widen(Extent e) {
  if (e.empty()) return e.log ? Range{1, 10} : Range{0, 1};
  if (e.log) {
    if (e.hi / e.lo < 1.0 + 1e-3) return {std::sqrt(e.lo * e.hi) / 2, std::sqrt(e.lo * e.hi) * 2};
    return {e.lo, e.hi};
  }
  const double magnitude = std::max(std::fabs(e.lo), std::fabs(e.hi));
  if (e.hi - e.lo <= kMinRelativeSpan * magnitude || magnitude == 0.0) {
    const double mid = 0.5 * (e.lo + e.hi), pad = magnitude == 0.0 ? 1.0 : 0.1 * magnitude;
    return {mid - pad, mid + pad};
  }
  return {e.lo, e.hi};
}

}  // namespace

Axis category_axis(const std::string& label, const std::vector<std::string>& names, double first) {
  Axis a;
  a.label = label;
  a.min = first - 0.5;
  a.max = first + static_cast<double>(names.size()) - 0.5;
  for (size_t i = 0; i < names.size(); ++i) a.ticks.push_back({first + static_cast<double>(i), names[i]});
  return a;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "∞" : "-∞");
  if (v == 0.0) return "0";
  const double a = std::fabs(v);
  char buf[32];
  if (a >= 1e6 || a < 1e-4) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else if (a >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.4gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

std::string format_estimate(double mean, double half_width) {
  if (!std::isfinite(mean)) return format_number(mean);
  if (!std::isfinite(half_width)) return format_number(mean) + " ± ∞";
  half_width = std::fabs(half_width);
  if (half_width == 0.0 || half_width <= 1e-9 * std::fabs(mean)) {
    std::string s = printf_g(mean, 6);
    return (s == "-0" ? "0" : s) + " (exact)";
  }
  // The decimal place of the uncertainty's second significant digit.
  const int place = static_cast<int>(std::floor(std::log10(half_width))) - 1;
  const double unit = std::pow(10.0, place);
  const bool wide = half_width > std::fabs(mean);
  const bool scientific = std::max(std::fabs(mean), half_width) >= 1e6 || std::max(std::fabs(mean), half_width) < 1e-4;
  auto text = [&](double v) {
    const double r = std::round(v / unit) * unit;
    if (scientific) {
      // Both numbers in the exponent of the larger, with the uncertainty's precision.
      const int exp = static_cast<int>(std::floor(std::log10(std::max(std::fabs(mean), half_width))));
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.*fe%d", std::max(0, exp - place), r / std::pow(10.0, exp), exp);
      return std::string(buf);
    }
    std::string s = printf_f(r, -place);
    if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) s = printf_f(0.0, -place);
    return s;
  };
  if (wide) return "[" + text(mean - half_width) + ", " + text(mean + half_width) + "]";
  return text(mean) + " ± " + text(half_width);
}

double round_for_range(double value, double span, bool log_scale) {
  if (!std::isfinite(value)) return value;
  const double reference = log_scale ? std::fabs(value) : std::fabs(span);
  if (!(reference > 0.0)) return value;
  const double unit = std::pow(10.0, std::floor(std::log10(reference)) - 3);
  const double r = std::round(value / unit) * unit;
  // Print and re-read at 12 significant digits: 1.51 rather than 1.5100000000000002.
  return std::strtod(printf_g(r, 12).c_str(), nullptr);
}

double nice_ceil(double value) {
  if (!(value > 0.0) || !std::isfinite(value)) return value;
  const double unit = std::pow(10.0, std::floor(std::log10(value)));
  for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
    const double v = std::strtod(printf_g(m * unit, 12).c_str(), nullptr);  // 0.3, not 0.30000000000000004
    if (v >= value) return v;
  }
  return 10.0 * unit;
}

AxisRange axis_range(const Plot& plot, bool x_axis, const RangeRequest& req) {
  const Axis& axis = x_axis ? plot.x : plot.y;
  const bool log = req.scale == Scale::Log;
  AxisRange out;
  Extent fixed = fixed_extent(plot, x_axis, log, req);
  // Per line extents (visible lines only); named lines can be clipped as outliers.
  std::vector<Extent> lines(plot.lines.size());
  std::vector<bool> counted(plot.lines.size(), false);
  for (size_t i = 0; i < plot.lines.size(); ++i) {
    if (is_hidden(plot.lines[i], req)) continue;
    lines[i] = line_extent(plot.lines[i], x_axis, log);
    counted[i] = !lines[i].empty();
  }
  const bool limits_fixed = !std::isnan(axis.min) && !std::isnan(axis.max);
  if (!x_axis && !log && req.clip_outliers && axis.clip_outliers && !limits_fixed && plot.frame == Frame::Axes) {
    // Trim the series whose excursion dwarfs the span of all the rest, one at a time, at most
    // half of the named series, from the top and from the bottom.
    size_t named = 0;
    for (size_t i = 0; i < lines.size(); ++i) named += counted[i] && !plot.lines[i].name.empty();
    auto rest_without = [&](size_t skip) {
      Extent e = fixed;
      for (size_t i = 0; i < lines.size(); ++i)
        if (counted[i] && i != skip) e.add(lines[i]);
      return e;
    };
    for (size_t trimmed = 0; 2 * (trimmed + 1) <= named;) {
      size_t top = SIZE_MAX, bottom = SIZE_MAX;
      for (size_t i = 0; i < lines.size(); ++i) {
        if (!counted[i] || plot.lines[i].name.empty()) continue;
        if (top == SIZE_MAX || lines[i].hi > lines[top].hi) top = i;
        if (bottom == SIZE_MAX || lines[i].lo < lines[bottom].lo) bottom = i;
      }
      if (top == SIZE_MAX) break;
      const Extent without_top = rest_without(top), without_bottom = rest_without(bottom);
      const double up = without_top.empty() ? 0 : (lines[top].hi - without_top.lo) / std::max(without_top.span(), 1e-300);
      const double down =
          without_bottom.empty() ? 0 : (without_bottom.hi - lines[bottom].lo) / std::max(without_bottom.span(), 1e-300);
      if (std::max(up, down) < kOutlierFactor || without_top.span() <= 0 || without_bottom.span() <= 0) break;
      const size_t cut = up >= down ? top : bottom;
      (up >= down ? out.above : out.below).push_back(cut);
      counted[cut] = false;
      ++trimmed;
    }
  }
  Extent e = fixed;
  for (size_t i = 0; i < lines.size(); ++i)
    if (counted[i]) e.add(lines[i]);
  Range r = widen(e);
  // A 4% margin (in display units) unless bars or heatmaps fill the axis exactly.
  const bool tight = plot.frame == Frame::Simplex || !plot.heatmaps.empty() || (x_axis && !plot.bars.empty());
  if (!tight) {
    if (log) {
      const double f = std::pow(r.hi / r.lo, 0.04);
      r = {r.lo / f, r.hi * f};
    } else {
      const double pad = 0.04 * (r.hi - r.lo);
      r = {r.lo - (out.below.empty() ? pad : 2 * pad), r.hi + (out.above.empty() ? pad : 2 * pad)};
    }
  }
  if (!std::isnan(axis.min) && (!log || axis.min > 0)) r.lo = axis.min;
  if (!std::isnan(axis.max) && (!log || axis.max > 0)) r.hi = axis.max;
  if (!(r.hi > r.lo)) r.hi = r.lo + (log ? r.lo : 1.0);
  out.range = r;
  return out;
}

Range view_range(const Plot& plot, bool x_axis) {
  RangeRequest req;
  req.scale = (x_axis ? plot.x : plot.y).scale;
  return axis_range(plot, x_axis, req).range;
}

bool log_possible(const Plot& plot, bool x_axis) {
  bool any = false, positive = true;
  auto check = [&](const std::vector<double>& vs) {
    for (double v : vs)
      if (std::isfinite(v)) any = true, positive = positive && v > 0;
  };
  for (const Line& l : plot.lines) check(x_axis ? l.x : l.y);
  for (const Points& p : plot.points) check(x_axis ? p.x : p.y);
  const Axis& axis = x_axis ? plot.x : plot.y;
  const bool from_zero = !std::isnan(axis.min) && axis.min <= 0;  // an axis meant to start at 0
  return any && positive && !from_zero && plot.frame == Frame::Axes && plot.heatmaps.empty() && plot.bars.empty() &&
         axis.ticks.empty();
}

double to_unit(double v, Range r, Scale s) {
  if (s == Scale::Log) return (std::log10(v) - std::log10(r.lo)) / (std::log10(r.hi) - std::log10(r.lo));
  return (v - r.lo) / (r.hi - r.lo);
}

double from_unit(double u, Range r, Scale s) {
  if (s == Scale::Log) return std::pow(10.0, std::log10(r.lo) + u * (std::log10(r.hi) - std::log10(r.lo)));
  return r.lo + u * (r.hi - r.lo);
}

std::vector<Tick> axis_ticks(const Axis& axis, Range range, int target, Scale scale) {
  if (axis.ticks.empty()) return make_ticks(range, scale, target);
  std::vector<Tick> inside;
  for (const Tick& t : axis.ticks)
    if (t.value >= std::min(range.lo, range.hi) && t.value <= std::max(range.lo, range.hi)) inside.push_back(t);
  return inside;
}

std::vector<Tick> make_ticks(Range r, Scale s, int target) {
  std::vector<Tick> ticks;
  if (!(r.hi > r.lo) || !std::isfinite(r.lo) || !std::isfinite(r.hi)) return ticks;
  // A log axis spanning less than a decade gets the linear 1-2-5 ticks (placed logarithmically).
  if (s == Scale::Log && r.lo > 0 && r.hi / r.lo < 10.0) return make_ticks(r, Scale::Linear, std::max(2, target / 2));
  if (s == Scale::Log && r.lo > 0) {
    const int k0 = static_cast<int>(std::floor(std::log10(r.lo)));
    const int k1 = static_cast<int>(std::ceil(std::log10(r.hi)));
    const int decades = k1 - k0;
    const int every = std::max(1, decades / std::max(target, 1) + (decades % std::max(target, 1) ? 1 : 0));
    const int first = static_cast<int>(std::ceil(std::log10(r.lo) - 1e-9));  // labels count from the first decade shown
    std::vector<std::pair<int, int>> mk;  // each tick's (m, k) in m·10ᵏ
    for (int k = k0; k <= k1; ++k) {
      for (int m = 1; m <= 9; ++m) {
        const double v = m * std::pow(10.0, k);
        if (v < r.lo * (1 - 1e-9) || v > r.hi * (1 + 1e-9)) continue;
        if (decades > 6 && m != 1) continue;  // too dense for minor ticks
        ticks.push_back({v, m == 1 && (k - first) % every == 0 ? power_of_ten(k) : ""});
        mk.emplace_back(m, k);
      }
    }
    // Over two decades or fewer every decade, 2 and 5 is labelled, and so they are where the thinned
    // decades alone would give a single label. Then every label is written in one style: plain
    // numbers ("0.5, 1, 2, 5"), or m·10ᵏ where a plain number would need an exponent ("2e-05").
    size_t labelled = 0;
    for (const Tick& t : ticks) labelled += !t.label.empty();
    if (decades > 2 && labelled >= 2) return ticks;
    bool plain = true;
    for (size_t i = 0; i < ticks.size(); ++i) {
      if (mk[i].first == 1 || mk[i].first == 2 || mk[i].first == 5) ticks[i].label = "·";  // labelled; written below
      if (!ticks[i].label.empty()) plain = plain && ticks[i].value >= 1e-4 && ticks[i].value < 1e6;
    }
    for (size_t i = 0; i < ticks.size(); ++i) {
      Tick& t = ticks[i];
      const auto [m, k] = mk[i];
      if (!t.label.empty()) t.label = plain ? format_number(t.value) : (m == 1 ? "" : std::to_string(m) + "·") + power_of_ten(k);
    }
    return ticks;
  }
  const double raw = (r.hi - r.lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
  for (double v = std::ceil(r.lo / step) * step; v <= r.hi + 1e-9 * step; v += step) {
    const double snapped = std::fabs(v) < 1e-12 * step ? 0.0 : v;
    ticks.push_back({snapped, format_number(snapped)});
  }
  // Labels must tell neighbours apart: add significant digits until they do.
  for (int digits = 5; digits <= 12; ++digits) {
    bool distinct = true;
    for (size_t i = 1; i < ticks.size(); ++i) distinct = distinct && ticks[i].label != ticks[i - 1].label;
    if (distinct) break;
    for (Tick& t : ticks) t.label = t.value == 0.0 ? "0" : printf_g(t.value, digits);
  }
  return ticks;
}

}  // namespace klab::plot
