// SVG rendering of a Figure (CLI figure.svg and the browser's "Export SVG").
// Layout mirrors src/ui/plot.cpp: same ranges, ticks, colours and legend order.
#include "core/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "core/rich_text.hpp"

namespace klab::plot {
namespace {

constexpr double kCellHeight = 340, kLeft = 70, kRight = 16, kTop = 34, kBottom = 48;

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Marked-up text (core/rich_text.hpp) as SVG text content: sub/superscripts as shifted tspans.
std::string rich(const std::string& s) {
  std::string out;
  for (const text::Run& r : text::parse_inline(s)) {
    if (r.code) out += "<tspan font-family=\"DejaVu Sans Mono, monospace\">" + esc(r.text) + "</tspan>";
    else if (r.shift == text::Shift::Base) out += esc(r.text);
    else
      out += std::string("<tspan baseline-shift=\"") + (r.shift == text::Shift::Super ? "super" : "sub") +
             "\" font-size=\"70%\">" + esc(r.text) + "</tspan>";
  }
  return out;
}

const char* dasharray(Dash d) {
  switch (d) {
    case Dash::Solid: return "";
    case Dash::Dashed: return " stroke-dasharray=\"7,4\"";
    case Dash::Dotted: return " stroke-dasharray=\"2,3\"";
    case Dash::DashDot: return " stroke-dasharray=\"7,3,2,3\"";
  }
  return "";
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string color(Rgba c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(c.r * 255)),
                static_cast<int>(std::lround(c.g * 255)), static_cast<int>(std::lround(c.b * 255)));
  return buf;
}

struct Frame2D {
  double x0, y0, w, h;  // plot area in SVG pixels
  Range xr, yr;
  Scale xs, ys;
  bool ok(double x, double y) const {
    return std::isfinite(x) && std::isfinite(y) && (xs != Scale::Log || x > 0) && (ys != Scale::Log || y > 0);
  }
  double px(double x) const { return x0 + w * to_unit(x, xr, xs); }
  double py(double y) const { return y0 + h * (1.0 - to_unit(y, yr, ys)); }
};

// Path through the valid points, broken at NaN / non-positive-on-log values.
std::string polyline_path(const Frame2D& f, const std::vector<double>& x, const std::vector<double>& y) {
  std::string d;
  bool pen_down = false;
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (!f.ok(x[i], y[i])) {
      pen_down = false;
      continue;
    }
    d += (pen_down ? "L" : "M") + num(f.px(x[i])) + "," + num(f.py(y[i]));
    pen_down = true;
  }
  return d;
}

std::string band_path(const Frame2D& f, const Line& l) {
  std::string d;
  const size_t n = std::min({l.x.size(), l.lo.size(), l.hi.size()});
  size_t i = 0;
  while (i < n) {
    while (i < n && !(f.ok(l.x[i], l.lo[i]) && f.ok(l.x[i], l.hi[i]))) ++i;
    const size_t start = i;
    while (i < n && f.ok(l.x[i], l.lo[i]) && f.ok(l.x[i], l.hi[i])) ++i;
    if (i - start < 2) continue;
    for (size_t k = start; k < i; ++k) d += (k == start ? "M" : "L") + num(f.px(l.x[k])) + "," + num(f.py(l.hi[k]));
    for (size_t k = i; k-- > start;) d += "L" + num(f.px(l.x[k])) + "," + num(f.py(l.lo[k]));
    d += "Z";
  }
  return d;
}

void heatmap_rects(std::string& out, const Frame2D& f, const Heatmap& h) {
  if (h.nx <= 0 || h.ny <= 0 || h.values.size() < static_cast<size_t>(h.nx * h.ny)) return;
  double lo = h.vmin, hi = h.vmax;
  if (std::isnan(lo) || std::isnan(hi)) {
    double a = INFINITY, b = -INFINITY;
    for (float v : h.values)
      if (std::isfinite(v)) a = std::min(a, static_cast<double>(v)), b = std::max(b, static_cast<double>(v));
    if (std::isnan(lo)) lo = a;
    if (std::isnan(hi)) hi = b;
  }
  const double cw = (h.x1 - h.x0) / h.nx, ch = (h.y1 - h.y0) / h.ny;
  for (int j = 0; j < h.ny; ++j) {
    for (int i = 0; i < h.nx; ++i) {
      const float v = h.values[static_cast<size_t>(j * h.nx + i)];
      if (!std::isfinite(v)) continue;
      const double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const double xa = f.px(h.x0 + i * cw), xb = f.px(h.x0 + (i + 1) * cw);
      const double ya = f.py(h.y0 + (j + 1) * ch), yb = f.py(h.y0 + j * ch);
      out += "<rect x=\"" + num(xa) + "\" y=\"" + num(ya) + "\" width=\"" + num(xb - xa + 0.3) + "\" height=\"" +
             num(yb - ya + 0.3) + "\" fill=\"" + color(colormap_at(h.colormap, t)) + "\"/>";
    }
  }
  out += "\n";
}

struct LegendItem {
  std::string name;
  Rgba c;
  Dash dash;
  bool point;
};

std::vector<LegendItem> legend_items(const Plot& p) {
  std::vector<LegendItem> items;
  if (!p.legend) return items;
  for (const Line& l : p.lines)
    if (!l.name.empty()) items.push_back({l.name, l.color, l.dash, false});
  for (const Points& s : p.points)
    if (!s.name.empty()) items.push_back({s.name, s.color, Dash::Solid, true});
  for (const Bars& b : p.bars)
    if (!b.name.empty()) items.push_back({b.name, b.color, Dash::Solid, true});
  return items;
}

constexpr double kLegendRow = 16, kCharWidth = 6.5;
double item_width(const LegendItem& it) { return 34 + kCharWidth * static_cast<double>(text::plain(it.name).size()) * 0.8; }

// The legend flows in rows above the plot area (never over the data): the rows it needs in `width`.
int legend_rows(const std::vector<LegendItem>& items, double width) {
  int rows = items.empty() ? 0 : 1;
  double x = 0;
  for (const LegendItem& it : items) {
    const double w = item_width(it);
    if (x > 0 && x + w > width) ++rows, x = 0;
    x += w;
  }
  return rows;
}

void legend(std::string& out, const std::vector<LegendItem>& items, double left, double top, double width) {
  double x = 0, y = 0;
  for (const LegendItem& it : items) {
    const double w = item_width(it);
    if (x > 0 && x + w > width) y += kLegendRow, x = 0;
    const double xx = left + x, yy = top + y + 8;
    if (it.point)
      out += "<circle cx=\"" + num(xx + 15) + "\" cy=\"" + num(yy) + "\" r=\"4\" fill=\"" + color(it.c) + "\"/>";
    else
      out += "<line x1=\"" + num(xx + 6) + "\" y1=\"" + num(yy) + "\" x2=\"" + num(xx + 24) + "\" y2=\"" + num(yy) +
             "\" stroke=\"" + color(it.c) + "\" stroke-width=\"2.5\"" + dasharray(it.dash) + "/>";
    out += "<text x=\"" + num(xx + 30) + "\" y=\"" + num(yy + 4) + "\" font-size=\"11\">" + rich(it.name) + "</text>\n";
    x += w;
  }
}

// Off-scale markers: a triangle at the edge where a clipped series peaks, with its extreme value.
void off_scale_markers(std::string& out, const Frame2D& f, const Plot& p, const AxisRange& yr) {
  for (int side = 0; side < 2; ++side) {
    for (size_t i : side == 0 ? yr.above : yr.below) {
      const Line& l = p.lines[i];
      size_t best = SIZE_MAX;
      for (size_t k = 0; k < l.x.size() && k < l.y.size(); ++k)
        if (std::isfinite(l.y[k]) && (best == SIZE_MAX || (side == 0 ? l.y[k] > l.y[best] : l.y[k] < l.y[best]))) best = k;
      if (best == SIZE_MAX || !f.ok(l.x[best], f.yr.lo)) continue;
      const double x = std::clamp(f.px(l.x[best]), f.x0 + 8, f.x0 + f.w - 8), y = side == 0 ? f.y0 + 2 : f.y0 + f.h - 2;
      const double d = side == 0 ? 7 : -7;
      out += "<path d=\"M" + num(x) + "," + num(y) + "L" + num(x - 5) + "," + num(y + d) + "L" + num(x + 5) + "," +
             num(y + d) + "Z\" fill=\"" + color(l.color) + "\"/>";
      const bool right = x > f.x0 + 0.6 * f.w;
      out += "<text x=\"" + num(right ? x - 8 : x + 8) + "\" y=\"" + num(y + (side == 0 ? 11 : -4)) +
             "\" font-size=\"10\" fill=\"" + color(l.color) + "\"" + (right ? " text-anchor=\"end\"" : "") + ">" +
             rich(l.name) + " " + (side == 0 ? "↑ " : "↓ ") + esc(format_number(l.y[best])) + "</text>\n";
    }
  }
}

// An annotation: its text offset towards the plot's centre, with a leader line to the point.
void annotation(std::string& out, const Frame2D& f, const Annotation& a) {
  if (!f.ok(a.x, a.y)) return;
  const double px = f.px(a.x), py = f.py(a.y);
  const bool left = px > f.x0 + 0.5 * f.w, up = py > f.y0 + 0.5 * f.h;
  const double tx = px + (left ? -30 : 30), ty = py + (up ? -26 : 26);
  out += "<line x1=\"" + num(px) + "\" y1=\"" + num(py) + "\" x2=\"" + num(tx) + "\" y2=\"" + num(ty) +
         "\" stroke=\"#555555\" stroke-width=\"1\"/><circle cx=\"" + num(px) + "\" cy=\"" + num(py) +
         "\" r=\"3\" fill=\"none\" stroke=\"#555555\"/>";
  out += "<text x=\"" + num(tx + (left ? -3 : 3)) + "\" y=\"" + num(ty + 4) + "\" font-size=\"11\" font-style=\"italic\"" +
         (left ? " text-anchor=\"end\"" : "") + ">" + rich(a.text) + "</text>\n";
}

void plot_cell(std::string& out, const Plot& p, double cx, double cy, double cw, double ch, int index) {
  Frame2D f;
  f.xs = p.x.scale;
  f.ys = p.y.scale;
  RangeRequest req;
  req.scale = p.x.scale;
  f.xr = axis_range(p, true, req).range;
  req.scale = p.y.scale;
  const AxisRange yr = axis_range(p, false, req);
  f.yr = yr.range;
  const std::vector<LegendItem> items = legend_items(p);
  const int rows = legend_rows(items, cw - kLeft - kRight);
  f.x0 = cx + kLeft;
  f.y0 = cy + kTop + kLegendRow * rows;
  f.w = cw - kLeft - kRight;
  f.h = ch - kTop - kBottom - kLegendRow * rows;
  if (p.frame == Frame::Simplex || p.equal_aspect) {  // equal aspect: shrink to fit the cell, centred
    const double aspect = (f.yr.hi - f.yr.lo) / (f.xr.hi - f.xr.lo);
    const double w = std::min(f.w, f.h / aspect);
    f.x0 += 0.5 * (f.w - w);
    f.w = w;
    f.h = w * aspect;
  }
  const std::string clip = "clip" + std::to_string(index);
  out += "<clipPath id=\"" + clip + "\"><rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0) + "\" width=\"" + num(f.w) +
         "\" height=\"" + num(f.h) + "\"/></clipPath>\n";
  out += "<text x=\"" + num(cx + cw / 2) + "\" y=\"" + num(cy + 20) +
         "\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" + rich(p.title) + "</text>\n";

  if (p.frame == Frame::Axes) {
    out += "<rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0) + "\" width=\"" + num(f.w) + "\" height=\"" + num(f.h) +
           "\" fill=\"#ffffff\" stroke=\"#888888\"/>\n";
    for (const Tick& t : axis_ticks(p.x, f.xr, 7)) {
      const double x = f.px(t.value);
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(f.y0) + "\" x2=\"" + num(x) + "\" y2=\"" + num(f.y0 + f.h) +
             "\" stroke=\"" + (t.label.empty() ? "#f2f2f2" : "#e2e2e2") + "\"/>";
      if (!t.label.empty())
        out += "<text x=\"" + num(x) + "\" y=\"" + num(f.y0 + f.h + 16) + "\" text-anchor=\"middle\" font-size=\"11\">" +
               rich(t.label) + "</text>";
    }
    for (const Tick& t : axis_ticks(p.y, f.yr, 6)) {
      const double y = f.py(t.value);
      out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.x0 + f.w) + "\" y2=\"" + num(y) +
             "\" stroke=\"" + (t.label.empty() ? "#f2f2f2" : "#e2e2e2") + "\"/>";
      if (!t.label.empty())
        out += "<text x=\"" + num(f.x0 - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\" font-size=\"11\">" +
               rich(t.label) + "</text>";
    }
    out += "\n<text x=\"" + num(f.x0 + f.w / 2) + "\" y=\"" + num(f.y0 + f.h + 36) +
           "\" text-anchor=\"middle\" font-size=\"12\">" + rich(p.x.label) + "</text>";
    out += "<text transform=\"translate(" + num(cx + 16) + "," + num(f.y0 + f.h / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">" + rich(p.y.label) + "</text>\n";
  }

  out += "<g clip-path=\"url(#" + clip + ")\">\n";
  for (const Heatmap& h : p.heatmaps) heatmap_rects(out, f, h);
  for (const Bars& b : p.bars) {
    for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i) {
      const double base = f.ys == Scale::Log ? f.yr.lo : 0.0;
      if (!f.ok(b.edges[i], b.heights[i])) continue;
      const double xa = f.px(b.edges[i]), xb = f.px(b.edges[i + 1]);
      const double ya = f.py(b.heights[i]), yb = f.py(base);
      out += "<rect x=\"" + num(std::min(xa, xb)) + "\" y=\"" + num(std::min(ya, yb)) + "\" width=\"" +
             num(std::fabs(xb - xa)) + "\" height=\"" + num(std::fabs(yb - ya)) + "\" fill=\"" + color(b.color) +
             "\" fill-opacity=\"0.75\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>";
    }
    out += "\n";
  }
  for (const Line& l : p.lines) {
    const std::string band = l.lo.empty() || l.hi.empty() ? "" : band_path(f, l);  // empty: no point has a band
    if (!band.empty()) out += "<path d=\"" + band + "\" fill=\"" + color(l.color) + "\" fill-opacity=\"0.2\" stroke=\"none\"/>\n";
  }
  int vertical_labels = 0;
  for (const Guide& g : p.guides) {
    const bool inside = g.vertical ? f.ok(g.value, f.yr.lo) : f.ok(f.xr.lo, g.value);
    if (!inside) continue;
    const std::string dash = g.dashed ? " stroke-dasharray=\"6,4\"" : "";
    if (g.vertical) {
      const double x = f.px(g.value);
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(f.y0) + "\" x2=\"" + num(x) + "\" y2=\"" + num(f.y0 + f.h) +
             "\" stroke=\"" + color(g.color) + "\" stroke-width=\"1.5\"" + dash + "/>";
      // Staggered down from the top, as in the ImGui plot.
      const double label_y = f.y0 + 12 + 14.0 * (vertical_labels++ % 5);
      const bool right_edge = x + kCharWidth * static_cast<double>(text::plain(g.label).size()) > f.x0 + f.w;
      out += "<text x=\"" + num(right_edge ? x - 4 : x + 4) + "\" y=\"" + num(label_y) + "\" font-size=\"11\" fill=\"" +
             color(g.color) + "\"" + (right_edge ? " text-anchor=\"end\"" : "") + ">" + rich(g.label) + "</text>\n";
    } else {
      const double y = f.py(g.value);
      out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.x0 + f.w) + "\" y2=\"" + num(y) +
             "\" stroke=\"" + color(g.color) + "\" stroke-width=\"1.5\"" + dash + "/>";
      out += "<text x=\"" + num(f.x0 + f.w - 4) + "\" y=\"" + num(y - 4) + "\" font-size=\"11\" text-anchor=\"end\" fill=\"" +
             color(g.color) + "\">" + rich(g.label) + "</text>\n";
    }
  }
  for (const Line& l : p.lines)
    out += "<path d=\"" + polyline_path(f, l.x, l.y) + "\" fill=\"none\" stroke=\"" + color(l.color) +
           "\" stroke-width=\"" + num(l.width) + "\"" + dasharray(l.dash) + " stroke-linejoin=\"round\"/>\n";
  for (const Points& s : p.points) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (f.ok(s.x[i], s.y[i]))
        out += "<circle cx=\"" + num(f.px(s.x[i])) + "\" cy=\"" + num(f.py(s.y[i])) + "\" r=\"" + num(s.radius) +
               "\" fill=\"" + color(s.color) + "\"/>";
    out += "\n";
  }
  out += "</g>\n";
  off_scale_markers(out, f, p, yr);
  for (const Annotation& a : p.annotations) annotation(out, f, a);

  if (p.frame == Frame::Simplex) {
    const auto a = simplex_xy(1, 0, 0), b = simplex_xy(0, 1, 0), c = simplex_xy(0, 0, 1);
    out += "<path d=\"M" + num(f.px(a[0])) + "," + num(f.py(a[1])) + "L" + num(f.px(b[0])) + "," + num(f.py(b[1])) + "L" +
           num(f.px(c[0])) + "," + num(f.py(c[1])) + "Z\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.5\"/>\n";
    out += "<text x=\"" + num(f.px(a[0]) - 4) + "\" y=\"" + num(f.py(a[1]) + 16) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           rich(p.corners[0]) + "</text>";
    out += "<text x=\"" + num(f.px(b[0]) + 4) + "\" y=\"" + num(f.py(b[1]) + 16) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           rich(p.corners[1]) + "</text>";
    out += "<text x=\"" + num(f.px(c[0])) + "\" y=\"" + num(f.py(c[1]) - 6) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           rich(p.corners[2]) + "</text>\n";
  }
  legend(out, items, cx + kLeft, cy + kTop - 4, cw - kLeft - kRight);
}

}  // namespace

std::string render_svg(const Figure& fig, double width) {
  const int n = static_cast<int>(fig.plots.size());
  const int cols = fig.columns > 0 ? fig.columns : (n <= 1 ? 1 : 2);
  const int rows = (n + cols - 1) / std::max(cols, 1);
  const double title_h = fig.title.empty() ? 0 : 30;
  const double cell_w = width / cols;
  const double height = title_h + kCellHeight * std::max(rows, 1);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                    "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" fill=\"#222222\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (!fig.title.empty())
    out += "<text x=\"" + num(width / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" +
           esc(fig.title) + "</text>\n";
  for (int i = 0; i < n; ++i)
    plot_cell(out, fig.plots[static_cast<size_t>(i)], cell_w * (i % cols), title_h + kCellHeight * (i / cols), cell_w,
              kCellHeight, i);
  out += "</svg>\n";
  return out;
}

}  // namespace klab::plot
