#include "core/plot_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

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
  bool empty() const { return !(lo <= hi); }
};

const char* kSuperscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};

std::string power_of_ten(int k) {
  std::string s = "10";
  if (k < 0) s += "⁻";
  const std::string digits = std::to_string(std::abs(k));
  for (char c : digits) s += kSuperscript[c - '0'];
  return s;
}

}  // namespace

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

Range data_range(const Plot& plot, bool x_axis) {
  Extent e;
  const Axis& axis = x_axis ? plot.x : plot.y;
  e.log = axis.scale == Scale::Log;
  for (const Line& l : plot.lines) {
    e.add_all(x_axis ? l.x : l.y);
    if (!x_axis) {
      e.add_all(l.lo);
      e.add_all(l.hi);
    }
  }
  for (const Points& p : plot.points) e.add_all(x_axis ? p.x : p.y);
  for (const Bars& b : plot.bars) {
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
  if (e.empty()) return e.log ? Range{1, 10} : Range{0, 1};
  if (e.lo == e.hi) {
    const double pad = e.log ? 0 : (e.lo == 0 ? 1 : 0.1 * std::fabs(e.lo));
    return e.log ? Range{e.lo / 2, e.hi * 2} : Range{e.lo - pad, e.hi + pad};
  }
  return {e.lo, e.hi};
}

Range view_range(const Plot& plot, bool x_axis) {
  const Axis& axis = x_axis ? plot.x : plot.y;
  Range r = data_range(plot, x_axis);
  const bool log = axis.scale == Scale::Log;
  // A 4% margin (in display units) unless bars or heatmaps fill the axis exactly.
  const bool tight = plot.frame == Frame::Simplex || !plot.heatmaps.empty() || (x_axis && !plot.bars.empty());
  if (!tight) {
    if (log) {
      const double f = std::pow(r.hi / r.lo, 0.04);
      r = {r.lo / f, r.hi * f};
    } else {
      const double pad = 0.04 * (r.hi - r.lo);
      r = {r.lo - pad, r.hi + pad};
    }
  }
  if (!std::isnan(axis.min) && (!log || axis.min > 0)) r.lo = axis.min;
  if (!std::isnan(axis.max) && (!log || axis.max > 0)) r.hi = axis.max;
  if (!(r.hi > r.lo)) r.hi = r.lo + (log ? r.lo : 1.0);
  return r;
}

double to_unit(double v, Range r, Scale s) {
  if (s == Scale::Log) return (std::log10(v) - std::log10(r.lo)) / (std::log10(r.hi) - std::log10(r.lo));
  return (v - r.lo) / (r.hi - r.lo);
}

double from_unit(double u, Range r, Scale s) {
  if (s == Scale::Log) return std::pow(10.0, std::log10(r.lo) + u * (std::log10(r.hi) - std::log10(r.lo)));
  return r.lo + u * (r.hi - r.lo);
}

std::vector<Tick> axis_ticks(const Axis& axis, Range range, int target) {
  if (axis.ticks.empty()) return make_ticks(range, axis.scale, target);
  std::vector<Tick> inside;
  for (const Tick& t : axis.ticks)
    if (t.value >= std::min(range.lo, range.hi) && t.value <= std::max(range.lo, range.hi)) inside.push_back(t);
  return inside;
}

std::vector<Tick> make_ticks(Range r, Scale s, int target) {
  std::vector<Tick> ticks;
  if (!(r.hi > r.lo) || !std::isfinite(r.lo) || !std::isfinite(r.hi)) return ticks;
  if (s == Scale::Log && r.lo > 0) {
    const int k0 = static_cast<int>(std::floor(std::log10(r.lo)));
    const int k1 = static_cast<int>(std::ceil(std::log10(r.hi)));
    const int decades = k1 - k0;
    const int every = std::max(1, decades / std::max(target, 1) + (decades % std::max(target, 1) ? 1 : 0));
    for (int k = k0; k <= k1; ++k) {
      for (int m = 1; m <= 9; ++m) {
        const double v = m * std::pow(10.0, k);
        if (v < r.lo * (1 - 1e-9) || v > r.hi * (1 + 1e-9)) continue;
        std::string label;
        if (m == 1 && (k - k0) % every == 0) label = power_of_ten(k);
        else if (decades <= 2 && (m == 2 || m == 5)) label = format_number(v);
        if (decades > 6 && m != 1) continue;  // too dense for minor ticks
        ticks.push_back({v, label});
      }
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
  return ticks;
}

}  // namespace klab::plot
