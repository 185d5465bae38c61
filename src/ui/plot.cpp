#include "ui/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include "core/colormap.hpp"
#include "core/rich_text.hpp"
#include "imgui_internal.h"  // ItemSize: keep the data area the last item while reserving the cell
#include "ui/heatmap.hpp"
#include "ui/plot_grid.hpp"
#include "ui/theme.hpp"
#include "ui/typeset.hpp"

namespace klab::ui {
namespace {

using plot::Range;
using plot::Scale;

PlotContext* g_context = nullptr;
std::vector<PlotRecord>* g_recorder = nullptr;

constexpr float kDimAlpha = 0.18f;    // series outside the reader's focus set
constexpr size_t kMarkerPoints = 16;  // a point series this small is markers, drawn over notes (clouds under)
constexpr float kGhostAlpha = 0.45f;  // a pinned run's curves
constexpr Rgba kGhostColor{0.62f, 0.64f, 0.70f, 1.0f};

ImU32 col(const Rgba& c, float alpha = 1.0f) { return to_imu32(c.r, c.g, c.b, c.a * alpha); }

bool same_color(const Rgba& a, const Rgba& b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
// Theory curves and guides are grey; they are never hidden to keep the default series count down.
// Theory, not a series: reference curves and exact optima (shown whatever the series limit).
bool reference(const Rgba& c) { return same_color(c, plot::kReferenceGrey) || same_color(c, plot::kOptimumGold); }

bool valid(const PlotFrame& f, double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && (f.xs != Scale::Log || x > 0) && (f.ys != Scale::Log || y > 0);
}

bool inside(ImVec2 p, ImVec2 a, ImVec2 b) { return p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y; }

Range sub_range(Range r, Scale s, float a, float b) { return {plot::from_unit(a, r, s), plot::from_unit(b, r, s)}; }

// The segment a–b clipped to the rectangle [lo, hi] (Liang–Barsky); false when it misses it.
bool clip_segment(ImVec2& a, ImVec2& b, ImVec2 lo, ImVec2 hi) {
  float t0 = 0, t1 = 1;
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float p[4] = {-dx, dx, -dy, dy}, q[4] = {a.x - lo.x, hi.x - a.x, a.y - lo.y, hi.y - a.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const float t = q[i] / p[i];
    if (p[i] < 0) t0 = std::max(t0, t);
    else t1 = std::min(t1, t);
  }
  if (t0 > t1) return false;
  const ImVec2 a0 = a;
  a = ImVec2(a0.x + t0 * dx, a0.y + t0 * dy);
  b = ImVec2(a0.x + t1 * dx, a0.y + t1 * dy);
  return true;
}

// Dash pattern lengths (on, off, on, off) in units of the line width scale.
void dash_pattern(plot::Dash d, float s, float out[4]) {
  switch (d) {
    case plot::Dash::Dashed: out[0] = 7 * s, out[1] = 4 * s, out[2] = 7 * s, out[3] = 4 * s; return;
    case plot::Dash::Dotted: out[0] = 1.6f * s, out[1] = 3 * s, out[2] = 1.6f * s, out[3] = 3 * s; return;
    case plot::Dash::DashDot: out[0] = 7 * s, out[1] = 3 * s, out[2] = 1.6f * s, out[3] = 3 * s; return;
    case plot::Dash::Solid: break;
  }
  out[0] = out[1] = out[2] = out[3] = 0;
}

// Dashes along pts, the pattern running on across vertices. Only the parts inside [lo, hi] (the
// plot area) are drawn: a line whose points lie far off screen (a clipped outlier, a zoomed-in view)
// would otherwise cost one AddLine per dash of its whole length; the parts outside only advance the
// pattern, so the dashes on screen are where they would be without the clipping.
void patterned_polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 c, float thickness, const float pattern[4], ImVec2 lo,
                        ImVec2 hi) {
  const float period = pattern[0] + pattern[1] + pattern[2] + pattern[3];
  if (period <= 0) return;
  int phase = 0;
  float left = pattern[0];
  // Walks `len` along the pattern from a towards dir, drawing the "on" parts when `draw`.
  const auto walk = [&](ImVec2 a, ImVec2 dir, float len, bool draw) {
    if (!draw) len = std::fmod(len, period);  // a whole period brings the pattern back to where it was
    while (len > 0) {
      const float seg = std::min(len, left);
      const ImVec2 e(a.x + dir.x * seg, a.y + dir.y * seg);
      if (draw && phase % 2 == 0) dl->AddLine(a, e, c, thickness);
      a = e;
      len -= seg;
      left -= seg;
      if (left <= 1e-3f) phase = (phase + 1) % 4, left = pattern[phase];
    }
  };
  const auto distance = [](ImVec2 a, ImVec2 b) { return std::sqrt((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)); };
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    const ImVec2 a = pts[i], b = pts[i + 1];
    const float len = distance(a, b);
    if (len <= 0) continue;
    const ImVec2 dir((b.x - a.x) / len, (b.y - a.y) / len);
    ImVec2 ca = a, cb = b;
    if (!clip_segment(ca, cb, lo, hi)) {
      walk(a, dir, len, false);
      continue;
    }
    walk(a, dir, distance(a, ca), false);
    walk(ca, dir, distance(ca, cb), true);
    walk(cb, dir, distance(cb, b), false);
  }
}

// Everywhere: the legend's samples (no plot area to clip to).
const ImVec2 kNoClipLo(-1e30f, -1e30f), kNoClipHi(1e30f, 1e30f);

void stroke(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 c, float width, plot::Dash dash, float scale, ImVec2 lo = kNoClipLo,
            ImVec2 hi = kNoClipHi) {
  if (pts.size() < 2) return;
  if (dash == plot::Dash::Solid) {
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), c, 0, width);
    return;
  }
  float pattern[4];
  dash_pattern(dash, scale, pattern);
  patterned_polyline(dl, pts, c, width, pattern, lo, hi);
}

// What draw_plot records for the tests.
struct Recording {
  PlotRecord* rec = nullptr;
  ImVec2 lo, hi;
  void segment(ImVec2 a, ImVec2 b) {
    if (rec && clip_segment(a, b, lo, hi)) rec->segments.push_back(ImVec4(a.x, a.y, b.x, b.y));
  }
  void point(ImVec2 p) {
    if (rec && inside(p, lo, hi)) rec->points.push_back(p);
  }
};

void draw_line(ImDrawList* dl, const PlotFrame& f, const plot::Line& l, float scale, ImU32 c, float width, Recording& r) {
  std::vector<ImVec2> run;
  auto flush = [&] {
    if (run.size() >= 2) {
      stroke(dl, run, c, width, l.dash, scale, f.min, f.max);
      for (size_t i = 0; i + 1 < run.size(); ++i) r.segment(run[i], run[i + 1]);
    } else if (run.size() == 1) {
      dl->AddCircleFilled(run[0], width, c);
      r.point(run[0]);
    }
    run.clear();
  };
  const size_t n = std::min(l.x.size(), l.y.size());
  for (size_t i = 0; i < n; ++i) {
    if (!valid(f, l.x[i], l.y[i])) {
      flush();
      continue;
    }
    run.push_back(f.to_screen(l.x[i], l.y[i]));
  }
  flush();
}

// The CI band as raw triangles (no anti-aliasing fringes, so adjacent quads leave no seams).
void draw_band(ImDrawList* dl, const PlotFrame& f, const plot::Line& l, ImU32 c) {
  const size_t n = std::min({l.x.size(), l.lo.size(), l.hi.size()});
  const ImVec2 uv = ImGui::GetFontTexUvWhitePixel();
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!valid(f, l.x[i], l.lo[i]) || !valid(f, l.x[i], l.hi[i]) || !valid(f, l.x[i + 1], l.lo[i + 1]) ||
        !valid(f, l.x[i + 1], l.hi[i + 1]))
      continue;
    const ImVec2 a = f.to_screen(l.x[i], l.lo[i]), b = f.to_screen(l.x[i], l.hi[i]);
    const ImVec2 c2 = f.to_screen(l.x[i + 1], l.hi[i + 1]), d = f.to_screen(l.x[i + 1], l.lo[i + 1]);
    dl->PrimReserve(6, 4);
    const ImDrawIdx base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    dl->PrimWriteVtx(a, uv, c);
    dl->PrimWriteVtx(b, uv, c);
    dl->PrimWriteVtx(c2, uv, c);
    dl->PrimWriteVtx(d, uv, c);
    dl->PrimWriteIdx(base), dl->PrimWriteIdx(static_cast<ImDrawIdx>(base + 1)), dl->PrimWriteIdx(static_cast<ImDrawIdx>(base + 2));
    dl->PrimWriteIdx(base), dl->PrimWriteIdx(static_cast<ImDrawIdx>(base + 2)), dl->PrimWriteIdx(static_cast<ImDrawIdx>(base + 3));
  }
}

void heat_range(const plot::Heatmap& h, double* lo, double* hi) {
  *lo = h.vmin;
  *hi = h.vmax;
  if (!std::isnan(*lo) && !std::isnan(*hi)) return;
  double a = INFINITY, b = -INFINITY;
  for (float v : h.values)
    if (std::isfinite(v)) a = std::min(a, static_cast<double>(v)), b = std::max(b, static_cast<double>(v));
  if (std::isnan(*lo)) *lo = std::isfinite(a) ? a : 0.0;
  if (std::isnan(*hi)) *hi = std::isfinite(b) ? b : 1.0;
  if (*hi <= *lo) *hi = *lo + 1.0;
}

struct LegendItem {
  std::string name, key;
  Rgba color;
  plot::Dash dash;
  enum Kind { Line, Point, Bar } kind;
};

// One entry per series key (a method's second, unnamed curve shares its entry).
std::vector<LegendItem> legend_items(const plot::Plot& p) {
  std::vector<LegendItem> items;
  auto add = [&](const std::string& name, const std::string& key, Rgba c, plot::Dash d, LegendItem::Kind k) {
    if (name.empty()) return;
    for (const LegendItem& it : items)
      if (it.key == key) return;
    items.push_back({name, key, c, d, k});
  };
  for (const auto& l : p.lines) add(l.name, plot::series_key(l), l.color, l.dash, LegendItem::Line);
  for (const auto& s : p.points) add(s.name, plot::series_key(s), s.color, plot::Dash::Solid, LegendItem::Point);
  for (const auto& b : p.bars) add(b.name, plot::series_key(b), b.color, plot::Dash::Solid, LegendItem::Bar);
  return items;
}

// Nearest index to x in a line (x sorted ascending in practice; falls back to a scan).
size_t nearest_index(const std::vector<double>& xs, double x) {
  if (xs.empty()) return 0;
  if (std::is_sorted(xs.begin(), xs.end())) {
    const auto it = std::lower_bound(xs.begin(), xs.end(), x);
    if (it == xs.begin()) return 0;
    if (it == xs.end()) return xs.size() - 1;
    const size_t i = static_cast<size_t>(it - xs.begin());
    return (x - xs[i - 1] < xs[i] - x) ? i - 1 : i;
  }
  size_t best = 0;
  for (size_t i = 1; i < xs.size(); ++i)
    if (std::fabs(xs[i] - x) < std::fabs(xs[best] - x)) best = i;
  return best;
}

void readout(const plot::Plot& p, const PlotFrame& f, const PlotContext& ctx, ImDrawList* dl) {
  using text::plain;
  std::string out;
  char buf[160];
  if (p.frame == plot::Frame::Simplex) {
    const auto b = plot::simplex_barycentric(f.mouse_x, f.mouse_y);
    if (b[0] < 0 || b[1] < 0 || b[2] < 0) return;
    std::snprintf(buf, sizeof buf, "(%.3f, %.3f, %.3f)", b[0], b[1], b[2]);
    out = buf;
  } else {
    out = plain(p.x.label.empty() ? "x" : p.x.label) + " = " + plot::format_number(f.mouse_x);
    dl->AddLine(ImVec2(ImGui::GetIO().MousePos.x, f.min.y), ImVec2(ImGui::GetIO().MousePos.x, f.max.y), IM_COL32(255, 255, 255, 40));
  }
  for (const auto& l : p.lines) {
    // Read-outs at the cursor's x only make sense for curves y(x), not for paths in the plane.
    const bool function_of_x = std::is_sorted(l.x.begin(), l.x.end());
    if (ctx.hidden(plot::series_key(l)) || !function_of_x || l.name.empty() || l.x.empty() || p.frame != plot::Frame::Axes)
      continue;
    const size_t i = nearest_index(l.x, f.mouse_x);
    if (i < l.y.size() && std::isfinite(l.y[i])) {
      out += "\n" + plain(l.name) + ": " + plot::format_number(l.y[i]);
      if (i < l.lo.size() && i < l.hi.size() && std::isfinite(l.lo[i]))
        out += "  [" + plot::format_number(l.lo[i]) + ", " + plot::format_number(l.hi[i]) + "]";
      if (valid(f, l.x[i], l.y[i])) dl->AddCircleFilled(f.to_screen(l.x[i], l.y[i]), 3.5f, col(l.color));
    }
  }
  for (const auto& s : p.points) {
    if (ctx.hidden(plot::series_key(s))) continue;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!valid(f, s.x[i], s.y[i])) continue;
      const ImVec2 q = f.to_screen(s.x[i], s.y[i]), m = ImGui::GetIO().MousePos;
      if ((q.x - m.x) * (q.x - m.x) + (q.y - m.y) * (q.y - m.y) < 64.0f) {
        out += "\n" + (s.name.empty() ? std::string("point") : plain(s.name)) + ": (" + plot::format_number(s.x[i]) + ", " +
               plot::format_number(s.y[i]) + ")";
        break;
      }
    }
  }
  for (const auto& b : p.bars) {
    if (ctx.hidden(plot::series_key(b))) continue;
    for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i)
      if (f.mouse_x >= std::min(b.edges[i], b.edges[i + 1]) && f.mouse_x < std::max(b.edges[i], b.edges[i + 1]) &&
          b.heights[i] != 0.0) {
        out += "\n" + (b.name.empty() ? std::string("bar") : plain(b.name)) + ": " + plot::format_number(b.heights[i]);
        break;
      }
  }
  for (const auto& h : p.heatmaps) {
    const int i = static_cast<int>(std::floor((f.mouse_x - h.x0) / (h.x1 - h.x0) * h.nx));
    const int j = static_cast<int>(std::floor((f.mouse_y - h.y0) / (h.y1 - h.y0) * h.ny));
    if (i >= 0 && j >= 0 && i < h.nx && j < h.ny && static_cast<size_t>(j * h.nx + i) < h.values.size()) {
      const float v = h.values[static_cast<size_t>(j * h.nx + i)];
      if (std::isfinite(v)) out += "\n" + (h.label.empty() ? std::string("value") : plain(h.label)) + ": " + plot::format_number(v);
    }
  }
  if (p.frame == plot::Frame::Axes) out += "\n" + plain(p.y.label.empty() ? "y" : p.y.label) + " = " + plot::format_number(f.mouse_y);
  ImGui::SetTooltip("%s", out.c_str());
}

// Text rotated 90° counter-clockwise (reading upwards), left edge at centre.x, centred on
// centre.y. ImGui has no rotated text: draw it horizontally where the clip rectangle holds it
// (AddText culls glyphs outside the clip rectangle), then rotate and move its vertices.
void vertical_text(ImDrawList* dl, ImVec2 centre, ImU32 colour, const std::string& s, float max_len) {
  const std::string str = text::plain(s);
  const ImVec2 at(dl->GetClipRectMin().x, centre.y);
  const int first = dl->VtxBuffer.Size;
  TextLayout one;
  const bool cut = rich_draw_fit(dl, at, colour, str, max_len, one);
  const float len = cut ? max_len : ImGui::CalcTextSize(str.c_str()).x;
  for (int i = first; i < dl->VtxBuffer.Size; ++i) {
    ImVec2& pos = dl->VtxBuffer[i].pos;
    const float dx = pos.x - at.x, dy = pos.y - at.y;
    pos = ImVec2(centre.x + dy, centre.y + len * 0.5f - dx);
  }
}

// A small toggle in the title bar; returns true when clicked.
bool title_button(const char* id, const char* label, ImVec2 at, bool on, const char* tip) {
  const ImVec2 ts = ImGui::CalcTextSize(label);
  const ImVec2 pad(ImGui::GetFontSize() * 0.35f, ImGui::GetFontSize() * 0.08f);
  const ImVec2 size(ts.x + 2 * pad.x, ts.y + 2 * pad.y);
  ImGui::SetCursorScreenPos(at);
  const bool clicked = ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y),
                    on ? IM_COL32(76, 155, 232, 150) : hovered ? IM_COL32(80, 88, 104, 255) : IM_COL32(46, 52, 62, 255), 3.0f);
  dl->AddText(ImVec2(at.x + pad.x, at.y + pad.y), on ? color::kText : color::kAxisText, label);
  if (hovered) ImGui::SetTooltip("%s", tip);
  return clicked;
}

float title_button_width(const char* label) { return ImGui::CalcTextSize(label).x + ImGui::GetFontSize() * 0.7f; }

struct Layout {
  bool top_legend = true;    // a row (or rows) above the data area; otherwise a column at its right
  int rows = 0;              // legend rows (top) or entries (column)
  size_t shown = 0;          // entries drawn; the rest behind "+N more"
  float column_w = 0;
};

float entry_width(const LegendItem& it) { return rich_size(it.name).x + ImGui::GetFontSize() * 2.3f; }

std::string more_text(size_t hidden_entries) { return "+" + std::to_string(hidden_entries) + " more…"; }
float more_width(size_t hidden_entries) { return ImGui::CalcTextSize(more_text(hidden_entries).c_str()).x + ImGui::GetFontSize(); }

// The legend's placement: one or two rows above the plot when they fit; else a column to the
// right of a wide plot; else rows above with the overflow behind a "+N more" entry.
Layout legend_layout(const std::vector<LegendItem>& items, ImVec2 size, float area_w) {
  Layout l;
  if (items.empty()) return l;
  const float fs = ImGui::GetFontSize(), row = fs * 1.3f;
  std::vector<float> widths;
  for (const LegendItem& it : items) widths.push_back(entry_width(it));
  auto rows_for = [&](size_t n, float width, bool with_more) {
    const float more = more_width(items.size() - n);
    int rows = 1;
    float x = 0;
    for (size_t i = 0; i < n; ++i) {
      const float w = std::min(widths[i], width);
      if (x > 0 && x + w > width) ++rows, x = 0;
      x += w;
    }
    if (with_more && x + more > width) ++rows;
    return rows;
  };
  const int max_rows = std::max(2, static_cast<int>(size.y * 0.26f / row));
  const int all_rows = rows_for(items.size(), area_w, false);
  if (all_rows <= std::min(2, max_rows)) {
    l.rows = all_rows;
    l.shown = items.size();
    return l;
  }
  const float widest = *std::max_element(widths.begin(), widths.end());
  const int column_rows = static_cast<int>((size.y - fs * 5) / row);
  if (size.x >= fs * 40 && widest <= size.x * 0.26f && column_rows >= 3) {
    l.top_legend = false;
    l.column_w = widest;
    l.shown = std::min(items.size(), static_cast<size_t>(column_rows - (static_cast<int>(items.size()) > column_rows ? 1 : 0)));
    l.rows = static_cast<int>(l.shown) + (l.shown < items.size() ? 1 : 0);
    return l;
  }
  size_t shown = items.size();
  while (shown > 0 && rows_for(shown, area_w, shown < items.size()) > max_rows) --shown;
  l.shown = shown;
  l.rows = rows_for(shown, area_w, shown < items.size());
  return l;
}

void draw_swatch(ImDrawList* dl, const LegendItem& it, ImVec2 at, float fs, float alpha) {
  const ImU32 c = col(it.color, alpha);
  const float y = at.y + fs * 0.5f;
  if (it.kind == LegendItem::Point) {
    dl->AddCircleFilled(ImVec2(at.x + fs * 0.8f, y), fs * 0.3f, c);
  } else if (it.kind == LegendItem::Bar) {
    dl->AddRectFilled(ImVec2(at.x + fs * 0.45f, y - fs * 0.32f), ImVec2(at.x + fs * 1.15f, y + fs * 0.32f), c, 2.0f);
  } else {
    const float s = fs / 15.0f;
    stroke(dl, {ImVec2(at.x + 3, y), ImVec2(at.x + fs * 1.6f, y)}, c, 2.5f * s, it.dash, s);
  }
}

}  // namespace

void PlotContext::toggle_focus(const std::string& series) {
  if (!focused_.erase(series)) focused_.insert(series);
}

void PlotContext::toggle_hidden(const std::string& series) {
  if (!hidden_.erase(series)) hidden_.insert(series), focused_.erase(series);
}

void set_plot_context(PlotContext* context) { g_context = context; }

PlotContext& plot_context() {
  static PlotContext fallback;  // plots drawn outside a demo (none in the lab; kept for safety)
  return g_context ? *g_context : fallback;
}

void set_plot_recorder(std::vector<PlotRecord>* records) { g_recorder = records; }

// Callers name their buttons "button:<what>", so that the checks of plots can leave them out.
void record_item(const char* id) {
  if (!g_recorder) return;
  PlotRecord r;
  r.id = id;
  r.cell_min = r.area_min = ImGui::GetItemRectMin();
  r.cell_max = r.area_max = ImGui::GetItemRectMax();
  r.xr = {r.area_min.x, r.area_max.x};  // the "axes" are screen pixels
  r.yr = {r.area_min.y, r.area_max.y};
  g_recorder->push_back(std::move(r));
}

ImVec2 PlotFrame::to_screen(double x, double y) const {
  const double u = plot::to_unit(x, xr, xs), v = plot::to_unit(y, yr, ys);
  return ImVec2(static_cast<float>(min.x + u * (max.x - min.x)), static_cast<float>(max.y - v * (max.y - min.y)));
}

void PlotFrame::to_data(ImVec2 p, double* x, double* y) const {
  *x = plot::from_unit((p.x - min.x) / (max.x - min.x), xr, xs);
  *y = plot::from_unit((max.y - p.y) / (max.y - min.y), yr, ys);
}

PlotFrame draw_plot(const char* id, const plot::Plot& p, ImVec2 size, const PlotOptions& options) {
  PlotContext& ctx = plot_context();
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x, 120.0f);
  if (size.y <= 0) size.y = std::max(avail.y, 100.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 cell_max(origin.x + size.x, origin.y + size.y);
  const ImGuiID view_id = ImGui::GetID("##view");
  PlotContext::View& view = ctx.views_[view_id];
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize(), scale = fs / 15.0f;
  const bool axes = p.frame == plot::Frame::Axes;

  PlotRecord* rec = nullptr;
  if (g_recorder) {
    g_recorder->push_back(PlotRecord{});
    rec = &g_recorder->back();
    rec->id = id;
    rec->title = p.title;
    rec->cell_min = origin;
    rec->cell_max = cell_max;
  }

  // Series the reader sees by default: the first kMaxDefaultSeries (theory curves and optima aside).
  const std::vector<LegendItem> items = legend_items(p);
  {
    size_t visible = 0;
    for (const LegendItem& it : items) {
      const bool ref = reference(it.color);
      if (!ctx.seen_.count(it.key)) {
        ctx.seen_.insert(it.key);
        if (!ref && visible >= kMaxDefaultSeries) ctx.hidden_.insert(it.key);
      }
      if (!ref && !ctx.hidden(it.key)) ++visible;
    }
  }
  // A pin request: this plot's curves become its ghost.
  if (ctx.capture_) {
    PlotContext::Ghost& g = ctx.ghosts_[view_id];
    g = {};
    for (const plot::Line& l : p.lines)
      if (!ctx.hidden(plot::series_key(l))) {
        plot::Line copy = l;
        copy.lo.clear(), copy.hi.clear();
        g.lines.push_back(std::move(copy));
      }
    for (const plot::Points& s : p.points)
      if (!ctx.hidden(plot::series_key(s))) g.points.push_back(s);
  }
  const auto ghost_it = ctx.ghosts_.find(view_id);
  const PlotContext::Ghost* ghost = ghost_it != ctx.ghosts_.end() && !ctx.capture_ ? &ghost_it->second : nullptr;

  // Ranges: the automatic ones (hidden series left out, far-off ones clipped unless the reader
  // asked for everything), zoomed; held fixed while a handle is dragged.
  PlotFrame f;
  f.xs = p.x.scale;
  const bool can_log_y = axes && (p.y.scale == Scale::Log || plot::log_possible(p, false));
  f.ys = view.log_y_set && can_log_y ? (view.log_y ? Scale::Log : Scale::Linear) : p.y.scale;
  plot::RangeRequest req;
  req.hidden = [&ctx](const std::string& k) { return ctx.hidden(k); };
  req.extra_lines = ghost ? &ghost->lines : nullptr;
  req.clip_outliers = !view.show_all;
  req.scale = f.xs;
  const Range auto_x = plot::axis_range(p, true, req).range;
  req.scale = f.ys;
  const plot::AxisRange auto_y = plot::axis_range(p, false, req);
  f.xr = sub_range(auto_x, f.xs, view.u0, view.u1);
  f.yr = sub_range(auto_y.range, f.ys, view.v0, view.v1);
  if (view.frozen) f.xr = view.fx, f.yr = view.fy;

  // Layout: title bar (title, buttons), legend, tick labels, axis labels, colour bar.
  const bool clipped = !auto_y.above.empty() || !auto_y.below.empty();
  const char* log_label = "log y";
  const char* all_label = view.show_all ? "clip" : "show all";
  float buttons_w = 0;
  if (can_log_y) buttons_w += title_button_width(log_label) + 4;
  if (clipped || view.show_all) buttons_w += title_button_width(all_label) + 4;
  const float title_h = (p.title.empty() && buttons_w == 0) ? fs * 0.4f : fs * 1.45f;
  const float bar_label_x = fs * 0.4f, bar_x = bar_label_x + fs * 1.25f, bar_w = fs * 0.7f;  // from the data area's right edge
  const plot::Heatmap* bar_map = nullptr;
  for (const auto& h : p.heatmaps)
    if (!h.label.empty()) bar_map = &h;
  double heat_lo = 0, heat_hi = 1;
  if (bar_map) heat_range(*bar_map, &heat_lo, &heat_hi);
  // The colour bar's column, left to right: its label (vertical, between the data and the bar, so
  // that it never reads as the y label of the plot to the right), the bar, the range's ends.
  const float colour_bar_w =
      bar_map ? bar_x + bar_w + fs * 0.25f +
                    std::max(ImGui::CalcTextSize(plot::format_number(heat_lo).c_str()).x,
                             ImGui::CalcTextSize(plot::format_number(heat_hi).c_str()).x) + fs * 0.3f
              : 0.0f;
  const float bottom = axes ? fs * (p.x.label.empty() ? 1.5f : 2.8f) : fs * 1.6f;
  const float right_pad = fs * 0.6f + colour_bar_w;
  // y ticks for the label width: the target depends on the height, about the same either way.
  const float approx_h = size.y - title_h - bottom;
  const int y_target = std::max(2, static_cast<int>(approx_h / (fs * 5.0f)));
  const std::vector<plot::Tick> y_ticks = axes ? plot::axis_ticks(p.y, f.yr, y_target, f.ys) : std::vector<plot::Tick>{};
  float label_w = 0;
  for (const auto& t : y_ticks)
    if (!t.label.empty()) label_w = std::max(label_w, rich_size(t.label).x);
  const float left = axes ? label_w + fs * (p.y.label.empty() ? 0.7f : 1.9f) : fs * 0.8f;
  // Legend rows span the plot's width (over a colour bar's column too: they sit above it).
  const float legend_row_w = std::max(size.x - left - fs * 0.6f, fs * 6);
  const Layout legend = p.legend ? legend_layout(items, size, legend_row_w) : Layout{};
  const float row_h = fs * 1.3f;
  const float legend_h = legend.top_legend && legend.rows > 0 ? row_h * static_cast<float>(legend.rows) + fs * 0.25f : 0.0f;
  const float legend_col = legend.top_legend ? 0.0f : legend.column_w + fs * 0.5f;

  f.min = ImVec2(origin.x + left, origin.y + title_h + legend_h);
  f.max = ImVec2(cell_max.x - right_pad - legend_col, cell_max.y - bottom);
  if (p.frame == plot::Frame::Simplex) {  // room for the corner labels
    f.min.x += fs * 2.0f;
    f.max.x -= fs * 2.0f;
    f.max.y -= fs * 0.4f;
    f.min.y += fs * 0.6f;
  }
  if (p.frame == plot::Frame::Simplex || p.equal_aspect) {  // one unit of x as long as one of y
    const float w = f.max.x - f.min.x, h = f.max.y - f.min.y;
    const float aspect = static_cast<float>((f.yr.hi - f.yr.lo) / (f.xr.hi - f.xr.lo));
    const float side = std::min(w, h / aspect);
    f.min.x += 0.5f * (w - side);
    f.max.x = f.min.x + side;
    f.min.y += 0.5f * (h - side * aspect);
    f.max.y = f.min.y + side * aspect;
  }
  const bool drawable = f.max.x - f.min.x >= 10 && f.max.y - f.min.y >= 10;

  // Title and its buttons.
  {
    float bx = cell_max.x - buttons_w;
    if (can_log_y) {
      if (title_button("##log", log_label, ImVec2(bx, origin.y + 1), f.ys == Scale::Log,
                       "Logarithmic y axis (click to switch between log and linear)")) {
        view.log_y_set = true;
        view.log_y = f.ys != Scale::Log;
        view.v0 = 0, view.v1 = 1;
      }
      bx += title_button_width(log_label) + 4;
    }
    if (clipped || view.show_all) {
      if (title_button("##all", all_label, ImVec2(bx, origin.y + 1), false,
                       view.show_all ? "Clip far-off series again (off-scale markers) so the others are readable"
                                     : "A series far off the others is clipped (▲/▼ markers): show every series in full"))
        view.show_all = !view.show_all;
    }
    if (!p.title.empty()) {
      const float width = size.x - buttons_w - fs * 0.3f;
      const float tw = rich_size(p.title).x;
      const float x = std::clamp(0.5f * (size.x - tw), std::min(left, std::max(0.0f, width - tw)), std::max(0.0f, width - tw));
      const ImVec2 at(origin.x + x, origin.y + 2);
      const bool cut = rich_draw_fit(dl, at, color::kText, p.title, width);
      if (cut && ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + title_h))) {
        ImGui::BeginTooltip();
        rich_text(p.title, 0, fs * 26);
        ImGui::EndTooltip();
      }
    }
  }

  // Legend entries: click to highlight the series in every plot, shift-click to hide it.
  if (!items.empty() && p.legend) {
    float x = 0;
    int row = 0;
    // The rows span the width they were laid out for (the data area before any aspect fitting).
    const float legend_x0 = legend.top_legend ? origin.x + left : f.max.x + colour_bar_w + fs * 0.5f;
    const float legend_w = legend.top_legend ? legend_row_w : legend.column_w;
    const float legend_y0 = legend.top_legend ? origin.y + title_h : f.min.y;
    for (size_t i = 0; i <= legend.shown && i <= items.size(); ++i) {
      const bool more = i == legend.shown;
      if (more && legend.shown == items.size()) break;
      const size_t rest = items.size() - legend.shown;
      float w = more ? more_width(rest) : std::min(entry_width(items[i]), legend_w);
      if (legend.top_legend) {
        if (x > 0 && x + w > legend_w) ++row, x = 0;
      } else {
        x = 0, row = static_cast<int>(i), w = legend_w;
      }
      const ImVec2 a(legend_x0 + x, legend_y0 + row_h * static_cast<float>(row));
      const ImVec2 b(a.x + w, a.y + row_h);
      x += w;
      ImGui::SetCursorScreenPos(a);
      ImGui::PushID(static_cast<int>(i));
      const bool clicked = ImGui::InvisibleButton("##entry", ImVec2(std::max(w, 1.0f), row_h));
      const bool hovered = ImGui::IsItemHovered();
      ImGui::PopID();
      if (rec) rec->legend.push_back(ImVec4(a.x, a.y, b.x, b.y));
      if (hovered) dl->AddRectFilled(a, b, IM_COL32(255, 255, 255, 18), 3.0f);
      if (more) {
        dl->AddText(ImVec2(a.x + fs * 0.3f, a.y + (row_h - fs) * 0.5f), color::kAccent, more_text(rest).c_str());
        if (clicked) ImGui::OpenPopup("##legend_more");
        if (hovered) ImGui::SetTooltip("More series: click to choose which are shown");
        continue;
      }
      const LegendItem& it = items[i];
      const bool hidden = ctx.hidden(it.key), dim = ctx.dimmed(it.key);
      const ImVec2 ta(a.x, a.y + (row_h - fs) * 0.5f);
      draw_swatch(dl, it, ta, fs, hidden ? 0.25f : dim ? 0.45f : 1.0f);
      const bool cut = rich_draw_fit(dl, ImVec2(ta.x + fs * 1.9f, ta.y), hidden ? color::kMuted : dim ? color::kMuted : color::kText,
                                     it.name, w - fs * 2.0f);
      if (hidden) dl->AddLine(ImVec2(ta.x + fs * 1.9f, ta.y + fs * 0.55f), ImVec2(b.x - fs * 0.2f, ta.y + fs * 0.55f), color::kMuted);
      if (ctx.focused(it.key)) dl->AddRect(a, b, col(it.color, 0.8f), 3.0f);
      if (clicked) {
        if (ImGui::GetIO().KeyShift || hidden) ctx.toggle_hidden(it.key);
        else ctx.toggle_focus(it.key);
      }
      if (hovered)
        ImGui::SetTooltip("%s%s", cut ? (text::plain(it.name) + "\n").c_str() : "",
                          hidden ? "hidden: click to show it again"
                                 : "click: highlight in every plot (again: undo) · shift-click: hide everywhere");
    }
    if (ImGui::BeginPopup("##legend_more")) {
      ImGui::TextDisabled("Series shown in every plot of this demo");
      for (const LegendItem& it : items) {
        bool shown = !ctx.hidden(it.key);
        if (ImGui::Checkbox(text::plain(it.name).c_str(), &shown)) ctx.toggle_hidden(it.key);
      }
      ImGui::EndPopup();
    }
  }

  // The data area: the one item callers query (IsItemActive, IsItemClicked) after draw_plot.
  ImGui::SetCursorScreenPos(f.min);
  ImGui::InvisibleButton("##plot", ImVec2(std::max(f.max.x - f.min.x, 1.0f), std::max(f.max.y - f.min.y, 1.0f)),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool item_hovered = ImGui::IsItemHovered();
  const bool item_active = ImGui::IsItemActive();
  // Handles dragged with the left button hold the axes still until release.
  if (!options.left_drag_pans && ImGui::IsItemActivated() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    view.frozen = true;
    view.fx = f.xr, view.fy = f.yr;
  }
  if (!item_active) view.frozen = false;

  if (rec) {
    rec->area_min = f.min;
    rec->area_max = f.max;
    rec->xr = f.xr, rec->yr = f.yr;
    rec->xs = f.xs, rec->ys = f.ys;
  }
  Recording recording{rec, f.min, f.max};

  if (drawable && axes) {
    dl->AddRectFilled(f.min, f.max, color::kPlotBackground, 3.0f);
    // x ticks: labels placed left to right, one that would touch the previous is left out.
    std::vector<plot::Tick> x_ticks;
    const float label_room = f.xs == Scale::Log ? fs * 3.2f : fs * 5.5f;  // "10⁻³" is short
    for (int target = std::max(2, static_cast<int>((f.max.x - f.min.x) / label_room));; --target) {
      x_ticks = plot::axis_ticks(p.x, f.xr, target, f.xs);
      float last = -1e9f;
      bool overlap = false;
      for (const auto& t : x_ticks) {
        if (t.label.empty()) continue;
        const float x = f.to_screen(t.value, f.yr.lo).x, w = rich_size(t.label).x;
        if (x - w * 0.5f < last + fs * 0.6f) overlap = true;
        last = x + w * 0.5f;
      }
      if (!overlap || target <= 2 || !p.x.ticks.empty() || f.xs == Scale::Log) break;
    }
    float last_right = -1e9f;
    for (const auto& t : x_ticks) {
      const float x = f.to_screen(t.value, f.yr.lo).x;
      dl->AddLine(ImVec2(x, f.min.y), ImVec2(x, f.max.y), t.label.empty() ? color::kGridMinor : color::kGridMajor);
      if (t.label.empty()) continue;
      const ImVec2 ts = rich_size(t.label);
      const float lx = std::clamp(x - ts.x * 0.5f, origin.x, cell_max.x - ts.x);
      if (lx < last_right + fs * 0.5f) continue;  // would overprint its neighbour
      last_right = lx + ts.x;
      const ImVec2 at(lx, f.max.y + fs * 0.25f);
      rich_draw(dl, at, color::kAxisText, t.label);
      if (rec) rec->tick_labels.push_back(ImVec4(at.x, at.y, at.x + ts.x, at.y + ts.y));
    }
    float last_top = 1e9f;
    for (auto it = y_ticks.begin(); it != y_ticks.end(); ++it) {
      const plot::Tick& t = *it;
      const float y = f.to_screen(f.xr.lo, t.value).y;
      if (y < f.min.y - 0.5f || y > f.max.y + 0.5f) continue;
      dl->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), t.label.empty() ? color::kGridMinor : color::kGridMajor);
      if (t.label.empty()) continue;
      const ImVec2 ts = rich_size(t.label);
      const float ly = std::clamp(y - ts.y * 0.5f, origin.y, cell_max.y - ts.y);
      if (ly + ts.y > last_top - fs * 0.1f) continue;  // ticks go upwards: keep clear of the one below
      last_top = ly;
      const ImVec2 at(f.min.x - ts.x - fs * 0.4f, ly);
      rich_draw(dl, at, color::kAxisText, t.label);
      if (rec) rec->tick_labels.push_back(ImVec4(at.x, at.y, at.x + ts.x, at.y + ts.y));
    }
    if (!p.x.label.empty()) {
      const float w = rich_size(p.x.label).x, room = f.max.x - f.min.x;
      rich_draw_fit(dl, ImVec2(std::max(f.min.x, 0.5f * (f.min.x + f.max.x - w)), f.max.y + fs * 1.45f), color::kMuted, p.x.label,
                    room);
    }
    if (!p.y.label.empty())
      vertical_text(dl, ImVec2(origin.x + fs * 0.1f, 0.5f * (f.min.y + f.max.y)), color::kMuted, p.y.label, f.max.y - f.min.y);
  }

  if (drawable) {
    dl->PushClipRect(f.min, f.max, true);
    for (const auto& h : p.heatmaps) {
      double lo, hi;
      heat_range(h, &lo, &hi);
      draw_heatmap(dl, f.to_screen(h.x0, h.y1), f.to_screen(h.x1, h.y0), h, lo, hi);
    }
    if (ghost) {  // the pinned run, under everything else
      const ImU32 gc = col(kGhostColor, kGhostAlpha);
      for (const auto& l : ghost->lines) {
        Recording none;
        draw_line(dl, f, l, scale, gc, 1.6f * scale, none);
      }
      for (const auto& s : ghost->points)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
          if (valid(f, s.x[i], s.y[i])) dl->AddCircle(f.to_screen(s.x[i], s.y[i]), s.radius * scale, gc, 0, 1.5f);
    }
    for (const auto& b : p.bars) {
      const std::string& key = plot::series_key(b);
      if (ctx.hidden(key)) continue;
      const float alpha = ctx.dimmed(key) ? kDimAlpha : 0.8f;
      const double base = f.ys == Scale::Log ? f.yr.lo : 0.0;
      for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i) {
        if (!valid(f, b.edges[i], b.heights[i]) || b.heights[i] == 0.0) continue;
        ImVec2 a = f.to_screen(b.edges[i], b.heights[i]), c = f.to_screen(b.edges[i + 1], base);
        if (a.x > c.x) std::swap(a.x, c.x);
        if (a.y > c.y) std::swap(a.y, c.y);
        dl->AddRectFilled(ImVec2(a.x + 0.5f, a.y), ImVec2(c.x - 0.5f, c.y), col(b.color, alpha));
        recording.point(ImVec2(0.5f * (a.x + c.x), a.y));
      }
    }
    for (const auto& l : p.lines) {
      const std::string& key = plot::series_key(l);
      if (ctx.hidden(key) || l.lo.empty() || l.hi.empty()) continue;
      draw_band(dl, f, l, col(l.color, ctx.dimmed(key) ? 0.06f : 0.22f));
    }
    int vertical_labels = 0;
    std::vector<ImVec4> side_labels;  // horizontal guides' label boxes (x0, y0, x1, y1)
    // The shown curves sampled every half font size on screen, for placing guides' labels where they
    // cover the fewest (a label across the curves hides the data it explains).
    std::vector<ImVec2> curve_samples;
    if (std::any_of(p.guides.begin(), p.guides.end(), [](const plot::Guide& g) { return !g.label.empty(); }))
      for (const auto& l : p.lines) {
        if (ctx.hidden(plot::series_key(l))) continue;
        for (size_t i = 0; i + 1 < l.x.size() && i + 1 < l.y.size(); ++i) {
          if (!valid(f, l.x[i], l.y[i]) || !valid(f, l.x[i + 1], l.y[i + 1])) continue;
          const ImVec2 a = f.to_screen(l.x[i], l.y[i]), b = f.to_screen(l.x[i + 1], l.y[i + 1]);
          const int n = 1 + static_cast<int>(std::hypot(b.x - a.x, b.y - a.y) / (fs * 0.5f));
          for (int j = 0; j <= n; ++j) {
            const float u = static_cast<float>(j) / static_cast<float>(n);
            curve_samples.emplace_back(a.x + u * (b.x - a.x), a.y + u * (b.y - a.y));
          }
        }
      }
    for (const auto& g : p.guides) {
      const ImU32 c = col(g.color, 0.9f);
      std::vector<ImVec2> seg;
      if (g.vertical) {
        if (!valid(f, g.value, f.yr.lo)) continue;
        const float x = f.to_screen(g.value, f.yr.lo).x;
        seg = {ImVec2(x, f.min.y), ImVec2(x, f.max.y)};
      } else {
        if (!valid(f, f.xr.lo, g.value)) continue;
        const float y = f.to_screen(f.xr.lo, g.value).y;
        seg = {ImVec2(f.min.x, y), ImVec2(f.max.x, y)};
      }
      stroke(dl, seg, c, 1.3f * scale, g.dashed ? plot::Dash::Dashed : plot::Dash::Solid, scale * 0.9f);
      if (!g.label.empty()) {
        // Vertical guides' labels are staggered down from the top (or up from the bottom, right or left
        // of the guide: whichever fitting place covers the fewest curve samples, top right first);
        // horizontal ones sit at the right.
        const float w = rich_size(g.label).x;
        ImVec2 at = g.vertical ? ImVec2(seg[0].x + 4, f.min.y + 2 + fs * 1.15f * static_cast<float>(vertical_labels % 5))
                               : ImVec2(f.max.x - w - 6, seg[0].y - fs * 1.15f);
        if (g.vertical && at.x + w > f.max.x) at.x = seg[0].x - 4 - w;  // near the right edge: label on the left
        if (g.vertical) {
          size_t best = SIZE_MAX;
          for (int k = 0; k < 4; ++k) {
            const bool left = k & 1, bottom = k & 2;
            const float slot = fs * 1.15f * static_cast<float>(vertical_labels % 5);
            const ImVec2 c(left ? seg[0].x - 4 - w : seg[0].x + 4, bottom ? f.max.y - 2 - fs * 1.15f - slot : f.min.y + 2 + slot);
            if (c.x < f.min.x || c.x + w > f.max.x) continue;
            size_t covered = 0;
            for (const ImVec2& q : curve_samples) covered += q.x >= c.x - 2 && q.x <= c.x + w + 2 && q.y >= c.y - 2 && q.y <= c.y + fs * 1.15f + 2;
            if (covered < best) best = covered, at = c;
          }
          ++vertical_labels;
        }
        if (!g.vertical && at.y < f.min.y) at.y = seg[0].y + 2;
        if (!g.vertical) {
          // Above or below the line, at the right or the left edge: the box that covers the fewest drawn
          // curve points (a floor the curves approach from above at the right, say), never another
          // guide's label; ties keep the order right-above, right-below, left-above, left-below.
          const float h = fs * 1.15f;
          uint64_t best = UINT64_MAX;
          const ImVec2 right = at;
          for (int k = 0; k < 4; ++k) {
            ImVec2 c(k < 2 ? right.x : f.min.x + 6, k % 2 == 0 ? seg[0].y - h : seg[0].y + 2);
            if (c.y < f.min.y) c.y = seg[0].y + 2;
            if (c.y + h > f.max.y) c.y = seg[0].y - h;
            const bool taken = std::any_of(side_labels.begin(), side_labels.end(), [&](const ImVec4& r) {
              return c.x < r.z && c.x + w > r.x && c.y < r.w && c.y + h > r.y;
            });
            uint64_t covered = 0;
            for (const ImVec2& pt : curve_samples) covered += pt.x >= c.x - 4 && pt.x <= c.x + w + 4 && pt.y >= c.y - 2 && pt.y <= c.y + h + 2;
            const uint64_t score = (taken ? uint64_t{1} << 40 : 0) + 4 * covered + static_cast<uint64_t>(k);
            if (score < best) best = score, at = c;
          }
          side_labels.emplace_back(at.x, at.y, at.x + w, at.y + h);
        }
        if (rec) rec->guide_labels.emplace_back(at.x, at.y, at.x + w, at.y + fs * 1.15f);
        rich_draw(dl, at, c, g.label);
      }
    }
    // Lines outside the focus set first (greyed), then the others on top.
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& l : p.lines) {
        const std::string& key = plot::series_key(l);
        const bool dim = ctx.dimmed(key);
        if (ctx.hidden(key) || dim != (pass == 0)) continue;
        const float width = l.width * scale * (ctx.focused(key) ? 1.4f : 1.0f);
        draw_line(dl, f, l, scale, col(l.color, dim ? kDimAlpha : 1.0f), width, recording);
      }
    // Point series: clouds (more than kMarkerPoints points) under the notes, so a note stays legible
    // over a scatter; markers (an optimum, a stop, a run's latest record) over them.
    const auto draw_points = [&](bool markers) {
      for (const auto& s : p.points) {
        const std::string& key = plot::series_key(s);
        if (ctx.hidden(key) || (s.x.size() <= kMarkerPoints) != markers) continue;
        const float alpha = ctx.dimmed(key) ? kDimAlpha : 1.0f;
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
          if (valid(f, s.x[i], s.y[i])) {
            const ImVec2 c = f.to_screen(s.x[i], s.y[i]);
            dl->AddCircleFilled(c, s.radius * scale, col(s.color, alpha));
            dl->AddCircle(c, s.radius * scale, IM_COL32(0, 0, 0, static_cast<int>(140 * alpha)), 0, 1.0f);
            recording.point(c);
          }
      }
    };
    draw_points(false);
    // Off-scale markers: where a clipped series peaks, a triangle at the edge and its value.
    for (int side = 0; side < 2; ++side) {
      int k = 0;
      for (size_t i : side == 0 ? auto_y.above : auto_y.below) {
        const plot::Line& l = p.lines[i];
        if (ctx.hidden(plot::series_key(l))) continue;
        size_t best = SIZE_MAX;
        for (size_t j = 0; j < l.x.size() && j < l.y.size(); ++j)
          if (std::isfinite(l.y[j]) && (best == SIZE_MAX || (side == 0 ? l.y[j] > l.y[best] : l.y[j] < l.y[best]))) best = j;
        if (best == SIZE_MAX || !valid(f, l.x[best], f.yr.lo)) continue;
        const float x = std::clamp(f.to_screen(l.x[best], f.yr.lo).x, f.min.x + fs * 0.5f, f.max.x - fs * 0.5f);
        const float y = side == 0 ? f.min.y + 1 : f.max.y - 1, d = side == 0 ? fs * 0.55f : -fs * 0.55f;
        dl->AddTriangleFilled(ImVec2(x, y), ImVec2(x - fs * 0.35f, y + d), ImVec2(x + fs * 0.35f, y + d), col(l.color));
        const std::string label = text::plain(l.name) + (side == 0 ? " ↑ " : " ↓ ") + plot::format_number(l.y[best]);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        const float lx = x + fs * 0.5f + w > f.max.x ? x - fs * 0.5f - w : x + fs * 0.5f;
        const float ly = side == 0 ? f.min.y + 2 + fs * 1.05f * static_cast<float>(k) : f.max.y - fs * 1.1f * static_cast<float>(k + 1);
        dl->AddText(ImVec2(lx, ly), col(l.color), label.c_str());
        ++k;
      }
    }
    // Annotations: a ring on the point, a leader line and the note, placed in whichever of the
    // four diagonal directions covers the fewest drawn points of the curves and markers. A box never
    // sits on its own point: near a frame corner the clamped boxes can land there (a ★ under its own
    // note), so a box within a marker's reach of the point loses to any other.
    std::vector<ImVec2> curve_points;
    if (!p.annotations.empty()) {
      for (const auto& l : p.lines)
        if (!ctx.hidden(plot::series_key(l)))
          for (size_t i = 0; i < l.x.size() && i < l.y.size(); ++i)
            if (valid(f, l.x[i], l.y[i])) curve_points.push_back(f.to_screen(l.x[i], l.y[i]));
      for (const auto& s : p.points)
        if (!ctx.hidden(plot::series_key(s)))
          for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (valid(f, s.x[i], s.y[i])) curve_points.push_back(f.to_screen(s.x[i], s.y[i]));
    }
    // The ring (0.45 fs) and a marker drawn on the point (a simplex's ★, 5% of the side in radius: 16 px
    // on a 1280 × 800 desktop); under the 2 fs offset of the unclamped boxes, which always pass.
    const float reach = fs * 1.5f;
    for (const auto& a : p.annotations) {
      if (!valid(f, a.x, a.y)) continue;
      const ImVec2 q = f.to_screen(a.x, a.y);
      const float wrap = std::min(fs * 16, (f.max.x - f.min.x) * 0.5f);
      TextLayout layout;
      layout.wrap = wrap;
      const ImVec2 ts = rich_size(a.text, layout);
      ImVec2 at;
      uint64_t best = UINT64_MAX;  // 64 bits on wasm32 too, where size_t{1} << 40 would overflow
      // Candidates 0–3: the four diagonals from the point, clamped into the frame. 4–7: the frame's
      // corners, only where every diagonal lands on the point (a point near a corner of a small
      // plot, e.g. a grid map's cell, whose clamped boxes all fold back over it).
      for (int k = 0; k < 8; ++k) {
        const bool left = k & 1, up = k & 2, corner = k & 4;
        ImVec2 c = corner ? ImVec2(left ? f.min.x + 4 : f.max.x - ts.x - 4, up ? f.min.y + 4 : f.max.y - ts.y - 4)
                          : ImVec2(left ? q.x - fs * 2 - ts.x : q.x + fs * 2, up ? q.y - fs * 2.2f - ts.y : q.y + fs * 2.2f);
        c.x = std::clamp(c.x, f.min.x + 4, std::max(f.min.x + 4, f.max.x - ts.x - 4));
        c.y = std::clamp(c.y, f.min.y + 4, std::max(f.min.y + 4, f.max.y - ts.y - 4));
        size_t covered = 0;
        for (const ImVec2& pt : curve_points)
          covered += pt.x >= c.x - 4 && pt.x <= c.x + ts.x + 4 && pt.y >= c.y - 3 && pt.y <= c.y + ts.y + 3;
        const bool on_point = q.x > c.x - 4 - reach && q.x < c.x + ts.x + 4 + reach && q.y > c.y - 3 - reach && q.y < c.y + ts.y + 3 + reach;
        // Ties: towards the plot's centre.
        const bool towards_centre = left == (q.x > 0.5f * (f.min.x + f.max.x)) && up == (q.y > 0.5f * (f.min.y + f.max.y));
        const uint64_t score = (on_point ? uint64_t{1} << 40 : 0) + (corner ? uint64_t{1} << 30 : 0) + 2 * uint64_t{covered} + (towards_centre ? 0 : 1);
        if (score < best) best = score, at = c;
      }
      const ImVec2 anchor(std::clamp(q.x, at.x, at.x + ts.x), std::clamp(q.y, at.y, at.y + ts.y));
      const ImVec4 box(at.x - 4, at.y - 3, at.x + ts.x + 4, at.y + ts.y + 3);
      dl->AddLine(q, anchor, IM_COL32(235, 235, 235, 170), 1.0f);
      dl->AddCircle(q, fs * 0.45f, IM_COL32(235, 235, 235, 220), 0, 1.5f);
      dl->AddRectFilled(ImVec2(box.x, box.y), ImVec2(box.z, box.w), IM_COL32(14, 16, 20, 215), 4.0f);
      rich_draw(dl, at, IM_COL32(245, 220, 150, 255), a.text, layout);
      if (rec) rec->notes.push_back(box), rec->note_points.push_back(q);
    }
    draw_points(true);  // markers over the notes: a point a note is anchored near stays visible
    dl->PopClipRect();

    if (axes) {
      dl->AddRect(f.min, f.max, color::kPlotBorder, 3.0f);
    } else {
      const ImVec2 a = f.to_screen(0, 0), b = f.to_screen(1, 0), c = f.to_screen(0.5, 0.8660254037844386);
      dl->AddTriangle(a, b, c, color::kAxisText, 1.5f * scale);
      const ImVec2 s0 = rich_size(p.corners[0]), s1 = rich_size(p.corners[1]), s2 = rich_size(p.corners[2]);
      rich_draw(dl, ImVec2(std::max(origin.x, a.x - s0.x * 0.5f), a.y + 4), color::kText, p.corners[0]);
      rich_draw(dl, ImVec2(std::min(cell_max.x - s1.x, b.x - s1.x * 0.5f), b.y + 4), color::kText, p.corners[1]);
      rich_draw(dl, ImVec2(c.x - s2.x * 0.5f, std::max(origin.y + title_h + legend_h, c.y - s2.y - 3)), color::kText, p.corners[2]);
    }

    // The colour bar of the (last labelled) heatmap: what the colours mean.
    if (bar_map) {
      const float x0 = f.max.x + bar_x, x1 = x0 + bar_w;
      constexpr int kSteps = 32;
      const float h = (f.max.y - f.min.y) / kSteps;
      for (int i = 0; i < kSteps; ++i) {
        const Rgba c = colormap_at(bar_map->colormap, (i + 0.5) / kSteps);
        dl->AddRectFilled(ImVec2(x0, f.max.y - (i + 1) * h), ImVec2(x1, f.max.y - i * h + 0.5f), col(c));
      }
      dl->AddRect(ImVec2(x0, f.min.y), ImVec2(x1, f.max.y), color::kPlotBorder);
      const std::string hi = plot::format_number(heat_hi), lo = plot::format_number(heat_lo);
      dl->AddText(ImVec2(x1 + fs * 0.25f, f.min.y), color::kAxisText, hi.c_str());
      dl->AddText(ImVec2(x1 + fs * 0.25f, f.max.y - fs), color::kAxisText, lo.c_str());
      // vertical_text's x is the left edge of the turned line (one font size wide).
      const ImVec2 label_at(f.max.x + bar_label_x, 0.5f * (f.min.y + f.max.y));
      vertical_text(dl, label_at, color::kMuted, bar_map->label, f.max.y - f.min.y);
      if (rec) {
        rec->colour_bar = ImVec4(x0, f.min.y, x1, f.max.y);
        rec->colour_bar_label = ImVec4(label_at.x, f.min.y, label_at.x + fs, f.max.y);
      }
    }
  }

  // Interaction: hover read-out, wheel zoom, drag pan, double-click reset.
  const ImVec2 m = ImGui::GetIO().MousePos;
  f.hovered = item_hovered && inside(m, f.min, f.max);
  if (drawable) f.to_data(m, &f.mouse_x, &f.mouse_y);
  if (f.hovered && drawable) {
    const float wheel = ImGui::GetIO().MouseWheel;
    if (wheel != 0.0f) {
      const float factor = wheel > 0 ? 0.8f : 1.25f;
      const float ux = (m.x - f.min.x) / (f.max.x - f.min.x), uy = (f.max.y - m.y) / (f.max.y - f.min.y);
      const float cx = view.u0 + ux * (view.u1 - view.u0), cy = view.v0 + uy * (view.v1 - view.v0);
      view.u0 = cx - (cx - view.u0) * factor, view.u1 = cx + (view.u1 - cx) * factor;
      if (axes) view.v0 = cy - (cy - view.v0) * factor, view.v1 = cy + (view.v1 - cy) * factor;
    }
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) view.u0 = 0, view.u1 = 1, view.v0 = 0, view.v1 = 1;
    if (options.hover_readout && !item_active) readout(p, f, ctx, dl);
  }
  const bool panning = item_active && !view.frozen &&
                       (ImGui::IsMouseDragging(ImGuiMouseButton_Right) ||
                        (options.left_drag_pans && ImGui::IsMouseDragging(ImGuiMouseButton_Left)));
  if (panning && drawable) {
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    const float du = -d.x / (f.max.x - f.min.x) * (view.u1 - view.u0);
    const float dv = d.y / (f.max.y - f.min.y) * (view.v1 - view.v0);
    view.u0 += du, view.u1 += du;
    if (axes) view.v0 += dv, view.v1 += dv;
  }
  // Reserve the whole cell for the layout; the data area stays the last item.
  ImGui::SetCursorScreenPos(origin);
  ImGui::ItemSize(size);
  ImGui::PopID();
  return f;
}

void draw_figure(const char* id, const plot::Figure& figure) {
  const int n = static_cast<int>(figure.plots.size());
  if (n == 0) return;
  ImGui::PushID(id);
  PlotGrid grid(n, figure.headline);
  for (int i = 0; i < n; ++i) draw_plot(std::to_string(i).c_str(), figure.plots[static_cast<size_t>(i)], grid.cell(i));
  grid.end();
  ImGui::PopID();
}

}  // namespace klab::ui
