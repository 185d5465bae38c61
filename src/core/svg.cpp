// SVG rendering of a Figure (CLI figure.svg and the browser's "Export SVG").
// Layout mirrors src/ui/plot.cpp: same ranges, ticks, colours and legend order.
#include "core/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"

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

void legend(std::string& out, const Plot& p, double right, double top, double plot_h) {
  struct Item {
    std::string name;
    Rgba c;
    bool dashed, point;
  };
  std::vector<Item> items;
  for (const Line& l : p.lines)
    if (!l.name.empty()) items.push_back({l.name, l.color, l.dashed, false});
  for (const Points& s : p.points)
    if (!s.name.empty()) items.push_back({s.name, s.color, false, true});
  for (const Bars& b : p.bars)
    if (!b.name.empty()) items.push_back({b.name, b.color, false, true});
  if (!p.legend || items.empty()) return;
  // As in the ImGui plot: as many columns as keep the legend under ~45% of the plot's height.
  size_t longest = 0;
  for (const Item& it : items) longest = std::max(longest, it.name.size());
  const size_t rows_max = std::max<size_t>(3, static_cast<size_t>(0.45 * plot_h / 16.0));
  const size_t cols = (items.size() + rows_max - 1) / rows_max, rows = (items.size() + cols - 1) / cols;
  const double col_w = 34 + 6.5 * static_cast<double>(longest);
  const double w = col_w * static_cast<double>(cols), h = 8 + 16.0 * static_cast<double>(rows);
  const double x = right - w - 6, y = top + 6;
  out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const double xx = x + col_w * static_cast<double>(i / rows), yy = y + 12 + 16.0 * static_cast<double>(i % rows);
    const Item& it = items[i];
    if (it.point)
      out += "<circle cx=\"" + num(xx + 15) + "\" cy=\"" + num(yy) + "\" r=\"4\" fill=\"" + color(it.c) + "\"/>";
    else
      out += "<line x1=\"" + num(xx + 6) + "\" y1=\"" + num(yy) + "\" x2=\"" + num(xx + 24) + "\" y2=\"" + num(yy) +
             "\" stroke=\"" + color(it.c) + "\" stroke-width=\"2.5\"" + (it.dashed ? " stroke-dasharray=\"5,3\"" : "") + "/>";
    out += "<text x=\"" + num(xx + 30) + "\" y=\"" + num(yy + 4) + "\" font-size=\"11\">" + esc(it.name) + "</text>\n";
  }
}

void plot_cell(std::string& out, const Plot& p, double cx, double cy, double cw, double ch, int index) {
  Frame2D f;
  f.xs = p.x.scale;
  f.ys = p.y.scale;
  f.xr = view_range(p, true);
  f.yr = view_range(p, false);
  f.x0 = cx + kLeft;
  f.y0 = cy + kTop;
  f.w = cw - kLeft - kRight;
  f.h = ch - kTop - kBottom;
  if (p.frame == Frame::Simplex) {  // equal aspect: fit the triangle in the cell
    const double side = std::min(f.w, f.h / 0.8660254037844386);
    f.x0 += 0.5 * (f.w - side);
    f.w = side;
    f.h = side * (f.yr.hi - f.yr.lo) / (f.xr.hi - f.xr.lo);
  }
  const std::string clip = "clip" + std::to_string(index);
  out += "<clipPath id=\"" + clip + "\"><rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0) + "\" width=\"" + num(f.w) +
         "\" height=\"" + num(f.h) + "\"/></clipPath>\n";
  out += "<text x=\"" + num(cx + cw / 2) + "\" y=\"" + num(cy + 20) +
         "\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" + esc(p.title) + "</text>\n";

  if (p.frame == Frame::Axes) {
    out += "<rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0) + "\" width=\"" + num(f.w) + "\" height=\"" + num(f.h) +
           "\" fill=\"#ffffff\" stroke=\"#888888\"/>\n";
    for (const Tick& t : axis_ticks(p.x, f.xr, 7)) {
      const double x = f.px(t.value);
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(f.y0) + "\" x2=\"" + num(x) + "\" y2=\"" + num(f.y0 + f.h) +
             "\" stroke=\"" + (t.label.empty() ? "#f2f2f2" : "#e2e2e2") + "\"/>";
      if (!t.label.empty())
        out += "<text x=\"" + num(x) + "\" y=\"" + num(f.y0 + f.h + 16) + "\" text-anchor=\"middle\" font-size=\"11\">" +
               esc(t.label) + "</text>";
    }
    for (const Tick& t : axis_ticks(p.y, f.yr, 6)) {
      const double y = f.py(t.value);
      out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.x0 + f.w) + "\" y2=\"" + num(y) +
             "\" stroke=\"" + (t.label.empty() ? "#f2f2f2" : "#e2e2e2") + "\"/>";
      if (!t.label.empty())
        out += "<text x=\"" + num(f.x0 - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\" font-size=\"11\">" +
               esc(t.label) + "</text>";
    }
    out += "\n<text x=\"" + num(f.x0 + f.w / 2) + "\" y=\"" + num(f.y0 + f.h + 36) +
           "\" text-anchor=\"middle\" font-size=\"12\">" + esc(p.x.label) + "</text>";
    out += "<text transform=\"translate(" + num(cx + 16) + "," + num(f.y0 + f.h / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">" + esc(p.y.label) + "</text>\n";
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
  for (const Line& l : p.lines)
    if (!l.lo.empty() && !l.hi.empty())
      out += "<path d=\"" + band_path(f, l) + "\" fill=\"" + color(l.color) + "\" fill-opacity=\"0.2\" stroke=\"none\"/>\n";
  int vertical_labels = 0;
  for (const Guide& g : p.guides) {
    const bool inside = g.vertical ? f.ok(g.value, f.yr.lo) : f.ok(f.xr.lo, g.value);
    if (!inside) continue;
    const std::string dash = g.dashed ? " stroke-dasharray=\"6,4\"" : "";
    if (g.vertical) {
      const double x = f.px(g.value);
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(f.y0) + "\" x2=\"" + num(x) + "\" y2=\"" + num(f.y0 + f.h) +
             "\" stroke=\"" + color(g.color) + "\" stroke-width=\"1.5\"" + dash + "/>";
      // Staggered up from the bottom, as in the ImGui plot (the legend sits top right).
      const double label_y = f.y0 + f.h - 6 - 14.0 * (vertical_labels++ % 5);
      const bool right_edge = x + 6.5 * static_cast<double>(g.label.size()) > f.x0 + f.w;  // label on the left there
      out += "<text x=\"" + num(right_edge ? x - 4 : x + 4) + "\" y=\"" + num(label_y) + "\" font-size=\"11\" fill=\"" +
             color(g.color) + "\"" + (right_edge ? " text-anchor=\"end\"" : "") + ">" + esc(g.label) + "</text>\n";
    } else {
      const double y = f.py(g.value);
      out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.x0 + f.w) + "\" y2=\"" + num(y) +
             "\" stroke=\"" + color(g.color) + "\" stroke-width=\"1.5\"" + dash + "/>";
      out += "<text x=\"" + num(f.x0 + 6) + "\" y=\"" + num(y - 4) + "\" font-size=\"11\" fill=\"" + color(g.color) +
             "\">" + esc(g.label) + "</text>\n";
    }
  }
  for (const Line& l : p.lines)
    out += "<path d=\"" + polyline_path(f, l.x, l.y) + "\" fill=\"none\" stroke=\"" + color(l.color) +
           "\" stroke-width=\"" + num(l.width) + "\"" + (l.dashed ? " stroke-dasharray=\"7,4\"" : "") +
           " stroke-linejoin=\"round\"/>\n";
  for (const Points& s : p.points) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (f.ok(s.x[i], s.y[i]))
        out += "<circle cx=\"" + num(f.px(s.x[i])) + "\" cy=\"" + num(f.py(s.y[i])) + "\" r=\"" + num(s.radius) +
               "\" fill=\"" + color(s.color) + "\"/>";
    out += "\n";
  }
  out += "</g>\n";

  if (p.frame == Frame::Simplex) {
    const auto a = simplex_xy(1, 0, 0), b = simplex_xy(0, 1, 0), c = simplex_xy(0, 0, 1);
    out += "<path d=\"M" + num(f.px(a[0])) + "," + num(f.py(a[1])) + "L" + num(f.px(b[0])) + "," + num(f.py(b[1])) + "L" +
           num(f.px(c[0])) + "," + num(f.py(c[1])) + "Z\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.5\"/>\n";
    out += "<text x=\"" + num(f.px(a[0]) - 4) + "\" y=\"" + num(f.py(a[1]) + 16) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           esc(p.corners[0]) + "</text>";
    out += "<text x=\"" + num(f.px(b[0]) + 4) + "\" y=\"" + num(f.py(b[1]) + 16) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           esc(p.corners[1]) + "</text>";
    out += "<text x=\"" + num(f.px(c[0])) + "\" y=\"" + num(f.py(c[1]) - 6) + "\" text-anchor=\"middle\" font-size=\"12\">" +
           esc(p.corners[2]) + "</text>\n";
  }
  legend(out, p, f.x0 + f.w, f.y0, f.h);
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
