#include "core/figure_csv.hpp"

#include "core/params.hpp"

namespace klab::plot {
namespace {

std::string v(double x) { return std::isnan(x) ? "" : format_real(x); }

void row(std::string& out, const std::string& plot, const std::string& series, const char* kind, double x, double y,
         double lo, double hi) {
  out += csv_field(plot) + "," + csv_field(series) + "," + kind + "," + v(x) + "," + v(y) + "," + v(lo) + "," + v(hi) + "\n";
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string figure_csv(const Figure& fig) {
  const double nan = kAuto;
  std::string out = "plot,series,kind,x,y,lo,hi\n";
  for (const Plot& p : fig.plots) {
    for (const Line& l : p.lines)
      for (size_t i = 0; i < l.x.size() && i < l.y.size(); ++i)
        row(out, p.title, l.name, "line", l.x[i], l.y[i], i < l.lo.size() ? l.lo[i] : nan, i < l.hi.size() ? l.hi[i] : nan);
    for (const Points& s : p.points)
      for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) row(out, p.title, s.name, "points", s.x[i], s.y[i], nan, nan);
    for (const Bars& b : p.bars)
      for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i)
        row(out, p.title, b.name, "bars", 0.5 * (b.edges[i] + b.edges[i + 1]), b.heights[i], b.edges[i], b.edges[i + 1]);
    for (const Heatmap& h : p.heatmaps) {
      const double cw = (h.x1 - h.x0) / h.nx, ch = (h.y1 - h.y0) / h.ny;
      for (int j = 0; j < h.ny; ++j)
        for (int i = 0; i < h.nx; ++i)
          row(out, p.title, h.label, "heatmap", h.x0 + (i + 0.5) * cw, h.y0 + (j + 0.5) * ch,
              h.values[static_cast<size_t>(j * h.nx + i)], nan);
    }
    for (const Guide& g : p.guides)
      row(out, p.title, g.label, "guide", g.vertical ? g.value : nan, g.vertical ? nan : g.value, nan, nan);
  }
  return out;
}

}  // namespace klab::plot
