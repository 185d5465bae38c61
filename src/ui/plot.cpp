#include "ui/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ui/heatmap.hpp"
#include "ui/theme.hpp"

namespace klab::ui {
namespace {

using plot::Range;
using plot::Scale;

ImU32 col(const Rgba& c, float alpha = 1.0f) { return to_imu32(c.r, c.g, c.b, c.a * alpha); }

bool valid(const PlotFrame& f, double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && (f.xs != Scale::Log || x > 0) && (f.ys != Scale::Log || y > 0);
}

// Persistent per-plot view state in the window's ImGui storage: zoom window in unit coordinates
// of the automatic range, and a bit mask of hidden series.
struct ViewState {
  ImGuiStorage* store;
  ImGuiID id;
  float* u0() { return store->GetFloatRef(id + 1, 0.0f); }
  float* u1() { return store->GetFloatRef(id + 2, 1.0f); }
  float* v0() { return store->GetFloatRef(id + 3, 0.0f); }
  float* v1() { return store->GetFloatRef(id + 4, 1.0f); }
  int* hidden() { return store->GetIntRef(id + 5, 0); }
  bool is_hidden(size_t i) { return i < 31 && (*hidden() >> i) & 1; }
  void reset() { *u0() = 0, *u1() = 1, *v0() = 0, *v1() = 1; }
};

Range sub_range(Range r, Scale s, float a, float b) {
  return {plot::from_unit(a, r, s), plot::from_unit(b, r, s)};
}

void dashed_polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 c, float thickness, float dash, float gap) {
  float carry = 0.0f;
  bool on = true;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    ImVec2 a = pts[i];
    const ImVec2 b = pts[i + 1];
    float len = std::sqrt((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y));
    const ImVec2 dir = len > 0 ? ImVec2((b.x - a.x) / len, (b.y - a.y) / len) : ImVec2(0, 0);
    while (len > 0) {
      const float seg = std::min(len, (on ? dash : gap) - carry);
      const ImVec2 e(a.x + dir.x * seg, a.y + dir.y * seg);
      if (on) dl->AddLine(a, e, c, thickness);
      a = e;
      len -= seg;
      carry += seg;
      if (carry >= (on ? dash : gap) - 1e-3f) carry = 0, on = !on;
    }
  }
}

void draw_line(ImDrawList* dl, const PlotFrame& f, const plot::Line& l, float scale) {
  std::vector<ImVec2> run;
  const ImU32 c = col(l.color);
  const float w = l.width * scale;
  auto flush = [&] {
    if (run.size() >= 2) {
      if (l.dashed) dashed_polyline(dl, run, c, w, 7.0f * scale, 4.0f * scale);
      else dl->AddPolyline(run.data(), static_cast<int>(run.size()), c, 0, w);
    } else if (run.size() == 1) {
      dl->AddCircleFilled(run[0], w, c);
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
void draw_band(ImDrawList* dl, const PlotFrame& f, const plot::Line& l) {
  const size_t n = std::min({l.x.size(), l.lo.size(), l.hi.size()});
  const ImU32 c = col(l.color, 0.22f);
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
  std::string name;
  Rgba color;
  bool dashed, point;
  size_t index;  // series index for hiding
};

std::vector<LegendItem> legend_items(const plot::Plot& p) {
  std::vector<LegendItem> items;
  size_t k = 0;
  for (const auto& l : p.lines) {
    if (!l.name.empty()) items.push_back({l.name, l.color, l.dashed, false, k});
    ++k;
  }
  for (const auto& s : p.points) {
    if (!s.name.empty()) items.push_back({s.name, s.color, false, true, k});
    ++k;
  }
  for (const auto& b : p.bars) {
    if (!b.name.empty()) items.push_back({b.name, b.color, false, true, k});
    ++k;
  }
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

void readout(const plot::Plot& p, const PlotFrame& f, ViewState& vs, ImDrawList* dl) {
  std::string text;
  char buf[160];
  if (p.frame == plot::Frame::Simplex) {
    const auto b = plot::simplex_barycentric(f.mouse_x, f.mouse_y);
    if (b[0] < 0 || b[1] < 0 || b[2] < 0) return;
    std::snprintf(buf, sizeof buf, "(%.3f, %.3f, %.3f)", b[0], b[1], b[2]);
    text = buf;
  } else {
    text = p.x.label.empty() ? "x" : p.x.label;
    text += " = " + plot::format_number(f.mouse_x);
    dl->AddLine(ImVec2(ImGui::GetIO().MousePos.x, f.min.y), ImVec2(ImGui::GetIO().MousePos.x, f.max.y),
                IM_COL32(255, 255, 255, 40));
  }
  size_t k = 0;
  for (const auto& l : p.lines) {
    // Read-outs at the cursor's x only make sense for curves y(x), not for paths in the plane.
    const bool function_of_x = std::is_sorted(l.x.begin(), l.x.end());
    if (!vs.is_hidden(k++) && function_of_x && !l.name.empty() && !l.x.empty() && p.frame == plot::Frame::Axes) {
      const size_t i = nearest_index(l.x, f.mouse_x);
      if (i < l.y.size() && std::isfinite(l.y[i])) {
        text += "\n" + l.name + ": " + plot::format_number(l.y[i]);
        if (i < l.lo.size() && i < l.hi.size() && std::isfinite(l.lo[i]))
          text += "  [" + plot::format_number(l.lo[i]) + ", " + plot::format_number(l.hi[i]) + "]";
        dl->AddCircleFilled(f.to_screen(l.x[i], l.y[i]), 3.5f, col(l.color));
      }
    }
  }
  for (const auto& s : p.points) {
    ++k;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      const ImVec2 q = f.to_screen(s.x[i], s.y[i]), m = ImGui::GetIO().MousePos;
      if ((q.x - m.x) * (q.x - m.x) + (q.y - m.y) * (q.y - m.y) < 64.0f) {
        text += "\n" + (s.name.empty() ? std::string("point") : s.name) + ": (" + plot::format_number(s.x[i]) + ", " +
                plot::format_number(s.y[i]) + ")";
        break;
      }
    }
  }
  for (const auto& b : p.bars) {
    if (vs.is_hidden(k++)) continue;
    for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i)
      if (f.mouse_x >= std::min(b.edges[i], b.edges[i + 1]) && f.mouse_x < std::max(b.edges[i], b.edges[i + 1]) &&
          b.heights[i] != 0.0) {
        text += "\n" + (b.name.empty() ? std::string("bar") : b.name) + ": " + plot::format_number(b.heights[i]);
        break;
      }
  }
  for (const auto& h : p.heatmaps) {
    const int i = static_cast<int>((f.mouse_x - h.x0) / (h.x1 - h.x0) * h.nx);
    const int j = static_cast<int>((f.mouse_y - h.y0) / (h.y1 - h.y0) * h.ny);
    if (i >= 0 && j >= 0 && i < h.nx && j < h.ny && static_cast<size_t>(j * h.nx + i) < h.values.size()) {
      const float v = h.values[static_cast<size_t>(j * h.nx + i)];
      if (std::isfinite(v)) text += "\n" + (h.label.empty() ? std::string("value") : h.label) + ": " + plot::format_number(v);
    }
  }
  if (p.frame == plot::Frame::Axes) text += "\n" + (p.y.label.empty() ? std::string("y") : p.y.label) + " = " + plot::format_number(f.mouse_y);
  ImGui::SetTooltip("%s", text.c_str());
}

// `text` cut to at most `width` pixels, ending in "…" when cut (at UTF-8 character boundaries).
std::string fit_text(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  size_t end = text.size();
  while (end > 0) {
    do --end;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80);  // back to a character's first byte
    const std::string cut = text.substr(0, end) + "…";
    if (ImGui::CalcTextSize(cut.c_str()).x <= width) return cut;
  }
  return "";
}

// Text rotated 90° counter-clockwise (reading upwards), left edge at centre.x, centred on
// centre.y. ImGui has no rotated text: draw it inside the clip rectangle (AddText culls glyphs
// outside it), then rotate its vertices about the drawing origin.
void vertical_text(ImDrawList* dl, ImVec2 centre, ImU32 colour, const std::string& text) {
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  const int first = dl->VtxBuffer.Size;
  dl->AddText(centre, colour, text.c_str());
  for (int i = first; i < dl->VtxBuffer.Size; ++i) {
    ImVec2& pos = dl->VtxBuffer[i].pos;
    const float dx = pos.x - centre.x, dy = pos.y - centre.y;
    pos = ImVec2(centre.x + dy, centre.y + size.x * 0.5f - dx);
  }
}

}  // namespace

ImVec2 PlotFrame::to_screen(double x, double y) const {
  const double u = plot::to_unit(x, xr, xs), v = plot::to_unit(y, yr, ys);
  return ImVec2(static_cast<float>(min.x + u * (max.x - min.x)), static_cast<float>(max.y - v * (max.y - min.y)));
}

void PlotFrame::to_data(ImVec2 p, double* x, double* y) const {
  *x = plot::from_unit((p.x - min.x) / (max.x - min.x), xr, xs);
  *y = plot::from_unit((max.y - p.y) / (max.y - min.y), yr, ys);
}

PlotFrame draw_plot(const char* id, const plot::Plot& p, ImVec2 size, const PlotOptions& options) {
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x, 120.0f);
  if (size.y <= 0) size.y = std::max(avail.y, 100.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool item_hovered = ImGui::IsItemHovered();
  const bool item_active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize(), scale = fs / 15.0f;

  ViewState vs{ImGui::GetStateStorage(), ImGui::GetID("##view")};
  PlotFrame f;
  f.xs = p.x.scale;
  f.ys = p.y.scale;
  const Range auto_x = plot::view_range(p, true), auto_y = plot::view_range(p, false);
  f.xr = sub_range(auto_x, f.xs, *vs.u0(), *vs.u1());
  f.yr = sub_range(auto_y, f.ys, *vs.v0(), *vs.v1());

  // Layout: title on top, tick labels left and below.
  const bool axes = p.frame == plot::Frame::Axes;
  const float title_h = p.title.empty() ? 4.0f : fs * 1.5f;
  float left = axes ? fs * 3.2f : fs * 0.8f;
  if (axes) {
    for (const auto& t : plot::axis_ticks(p.y, f.yr, 6))
      if (!t.label.empty()) left = std::max(left, ImGui::CalcTextSize(t.label.c_str()).x + fs * (p.y.label.empty() ? 0.8f : 2.1f));
  }
  const float bottom = axes ? fs * (p.x.label.empty() ? 1.6f : 2.8f) : fs * 1.6f;
  f.min = ImVec2(origin.x + left, origin.y + title_h);
  f.max = ImVec2(origin.x + size.x - fs * 0.6f, origin.y + size.y - bottom);
  if (p.frame == plot::Frame::Simplex) {  // equal aspect ratio for the triangle, room for corner labels
    f.min.x += fs * 2.0f;
    f.max.x -= fs * 2.0f;
    f.max.y -= fs * 0.4f;
    const float w = f.max.x - f.min.x, h = f.max.y - f.min.y;
    const float aspect = static_cast<float>((f.yr.hi - f.yr.lo) / (f.xr.hi - f.xr.lo));
    const float side = std::min(w, h / aspect);
    f.min.x += 0.5f * (w - side);
    f.max.x = f.min.x + side;
    f.min.y += 0.5f * (h - side * aspect);
    f.max.y = f.min.y + side * aspect;
  }
  if (f.max.x - f.min.x < 10 || f.max.y - f.min.y < 10) {
    ImGui::PopID();
    return f;
  }

  // Title.
  if (!p.title.empty()) {
    const std::string title = fit_text(p.title, size.x - 4);
    const ImVec2 ts = ImGui::CalcTextSize(title.c_str());
    const float x = std::min(std::max(left, 0.5f * (size.x - ts.x)), size.x - ts.x);
    dl->AddText(ImVec2(origin.x + std::max(0.0f, x), origin.y + 2), color::kText, title.c_str());
    if (title != p.title && ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + size.x, origin.y + title_h)))
      ImGui::SetTooltip("%s", p.title.c_str());
  }
  if (axes) {
    dl->AddRectFilled(f.min, f.max, color::kPlotBackground, 3.0f);
    for (const auto& t : plot::axis_ticks(p.x, f.xr, std::max(2, static_cast<int>((f.max.x - f.min.x) / (fs * 5.5f))))) {
      const float x = f.to_screen(t.value, f.yr.lo).x;
      dl->AddLine(ImVec2(x, f.min.y), ImVec2(x, f.max.y), t.label.empty() ? color::kGridMinor : color::kGridMajor);
      if (!t.label.empty()) {
        const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
        dl->AddText(ImVec2(x - ts.x * 0.5f, f.max.y + fs * 0.25f), color::kAxisText, t.label.c_str());
      }
    }
    for (const auto& t : plot::axis_ticks(p.y, f.yr, std::max(2, static_cast<int>((f.max.y - f.min.y) / (fs * 3.0f))))) {
      const float y = f.to_screen(f.xr.lo, t.value).y;
      dl->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), t.label.empty() ? color::kGridMinor : color::kGridMajor);
      if (!t.label.empty()) {
        const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
        dl->AddText(ImVec2(f.min.x - ts.x - fs * 0.4f, y - ts.y * 0.5f), color::kAxisText, t.label.c_str());
      }
    }
    if (!p.x.label.empty()) {
      const ImVec2 ts = ImGui::CalcTextSize(p.x.label.c_str());
      dl->AddText(ImVec2(0.5f * (f.min.x + f.max.x - ts.x), f.max.y + fs * 1.45f), color::kMuted, p.x.label.c_str());
    }
    if (!p.y.label.empty()) vertical_text(dl, ImVec2(origin.x + fs * 0.15f, 0.5f * (f.min.y + f.max.y)), color::kMuted, p.y.label);
  }

  dl->PushClipRect(f.min, f.max, true);
  for (const auto& h : p.heatmaps) {
    double lo, hi;
    heat_range(h, &lo, &hi);
    draw_heatmap(dl, f.to_screen(h.x0, h.y1), f.to_screen(h.x1, h.y0), h, lo, hi);
  }
  size_t k = p.lines.size() + p.points.size();
  for (const auto& b : p.bars) {
    if (vs.is_hidden(k++)) continue;
    const double base = f.ys == Scale::Log ? f.yr.lo : 0.0;
    for (size_t i = 0; i + 1 < b.edges.size() && i < b.heights.size(); ++i) {
      if (!valid(f, b.edges[i], b.heights[i]) || b.heights[i] == 0.0) continue;
      ImVec2 a = f.to_screen(b.edges[i], b.heights[i]), c = f.to_screen(b.edges[i + 1], base);
      if (a.x > c.x) std::swap(a.x, c.x);
      if (a.y > c.y) std::swap(a.y, c.y);
      dl->AddRectFilled(ImVec2(a.x + 0.5f, a.y), ImVec2(c.x - 0.5f, c.y), col(b.color, 0.8f));
    }
  }
  k = 0;
  for (const auto& l : p.lines)
    if (!vs.is_hidden(k++) && !l.lo.empty() && !l.hi.empty()) draw_band(dl, f, l);
  int vertical_labels = 0;
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
    if (g.dashed) dashed_polyline(dl, seg, c, 1.3f * scale, 6.0f * scale, 4.0f * scale);
    else dl->AddLine(seg[0], seg[1], c, 1.3f * scale);
    if (!g.label.empty()) {
      // Vertical guides' labels are staggered up from the bottom (the legend sits top right).
      ImVec2 at = g.vertical ? ImVec2(seg[0].x + 4, f.max.y - fs * 1.2f * static_cast<float>(1 + vertical_labels++ % 5))
                             : ImVec2(f.min.x + 6, seg[0].y - fs * 1.15f);
      const float w = ImGui::CalcTextSize(g.label.c_str()).x;
      if (g.vertical && at.x + w > f.max.x) at.x = seg[0].x - 4 - w;  // near the right edge: label on the left
      dl->AddText(at, c, g.label.c_str());
    }
  }
  k = 0;
  for (const auto& l : p.lines)
    if (!vs.is_hidden(k++)) draw_line(dl, f, l, scale);
  for (const auto& s : p.points) {
    if (vs.is_hidden(k++)) continue;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (valid(f, s.x[i], s.y[i])) {
        const ImVec2 c = f.to_screen(s.x[i], s.y[i]);
        dl->AddCircleFilled(c, s.radius * scale, col(s.color));
        dl->AddCircle(c, s.radius * scale, IM_COL32(0, 0, 0, 140), 0, 1.0f);
      }
  }
  dl->PopClipRect();

  if (axes) {
    dl->AddRect(f.min, f.max, color::kPlotBorder, 3.0f);
  } else {
    const ImVec2 a = f.to_screen(0, 0), b = f.to_screen(1, 0), c = f.to_screen(0.5, 0.8660254037844386);
    dl->AddTriangle(a, b, c, color::kAxisText, 1.5f * scale);
    const ImVec2 s0 = ImGui::CalcTextSize(p.corners[0].c_str()), s1 = ImGui::CalcTextSize(p.corners[1].c_str()),
                 s2 = ImGui::CalcTextSize(p.corners[2].c_str());
    dl->AddText(ImVec2(a.x - s0.x * 0.5f, a.y + 4), color::kText, p.corners[0].c_str());
    dl->AddText(ImVec2(b.x - s1.x * 0.5f, b.y + 4), color::kText, p.corners[1].c_str());
    dl->AddText(ImVec2(c.x - s2.x * 0.5f, c.y - s2.y - 3), color::kText, p.corners[2].c_str());
  }

  // Legend, top right, in as many columns as keep it under ~45% of the plot's height; click an
  // entry to hide or show its series.
  bool over_legend = false;
  const auto items = legend_items(p);
  if (p.legend && !items.empty()) {
    const float row = fs * 1.25f;
    const size_t rows_max = std::max<size_t>(3, static_cast<size_t>(0.45f * (f.max.y - f.min.y) / row));
    size_t cols = (items.size() + rows_max - 1) / rows_max;
    size_t rows = (items.size() + cols - 1) / cols;
    float col_w = 0;
    for (const auto& it : items) col_w = std::max(col_w, ImGui::CalcTextSize(it.name.c_str()).x);
    col_w += fs * 2.6f;
    if (cols > 1 && col_w * cols > f.max.x - f.min.x - 12) {  // too wide: fewer, longer columns
      cols = std::max<size_t>(1, static_cast<size_t>((f.max.x - f.min.x - 12) / col_w));
      rows = (items.size() + cols - 1) / cols;
    }
    const ImVec2 lmin(f.max.x - col_w * cols - 6, f.min.y + 6), lmax(f.max.x - 6, f.min.y + 6 + row * rows + 6);
    dl->AddRectFilled(lmin, lmax, IM_COL32(18, 20, 25, 190), 4.0f);
    const ImVec2 m = ImGui::GetIO().MousePos;
    over_legend = item_hovered && m.x >= lmin.x && m.x <= lmax.x && m.y >= lmin.y && m.y <= lmax.y;
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& it = items[i];
      const float x0 = lmin.x + col_w * static_cast<float>(i / rows);
      const float y = lmin.y + 3 + row * static_cast<float>(i % rows) + row * 0.5f;
      const bool hidden = vs.is_hidden(it.index);
      const ImU32 c = col(it.color, hidden ? 0.3f : 1.0f);
      if (it.point) dl->AddCircleFilled(ImVec2(x0 + fs * 0.9f, y), fs * 0.3f, c);
      else dl->AddLine(ImVec2(x0 + 5, y), ImVec2(x0 + fs * 1.6f, y), c, 2.5f * scale);
      dl->AddText(ImVec2(x0 + fs * 2.0f, y - fs * 0.5f), hidden ? color::kMuted : color::kText, it.name.c_str());
      if (over_legend && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && m.x >= x0 && m.x < x0 + col_w &&
          m.y >= y - row * 0.5f && m.y < y + row * 0.5f && it.index < 31)
        *vs.hidden() ^= 1 << it.index;
    }
  }

  // Interaction: hover read-out, wheel zoom, drag pan, double-click reset.
  const ImVec2 m = ImGui::GetIO().MousePos;
  f.hovered = item_hovered && m.x >= f.min.x && m.x <= f.max.x && m.y >= f.min.y && m.y <= f.max.y;
  f.to_data(m, &f.mouse_x, &f.mouse_y);
  if (f.hovered && !over_legend) {
    const float wheel = ImGui::GetIO().MouseWheel;
    if (wheel != 0.0f) {
      const float factor = wheel > 0 ? 0.8f : 1.25f;
      const float ux = (m.x - f.min.x) / (f.max.x - f.min.x), uy = (f.max.y - m.y) / (f.max.y - f.min.y);
      const float cx = *vs.u0() + ux * (*vs.u1() - *vs.u0()), cy = *vs.v0() + uy * (*vs.v1() - *vs.v0());
      *vs.u0() = cx - (cx - *vs.u0()) * factor, *vs.u1() = cx + (*vs.u1() - cx) * factor;
      if (axes) *vs.v0() = cy - (cy - *vs.v0()) * factor, *vs.v1() = cy + (*vs.v1() - cy) * factor;
    }
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) vs.reset();
    if (options.hover_readout && !item_active) readout(p, f, vs, dl);
  }
  const bool panning = item_active && (ImGui::IsMouseDragging(ImGuiMouseButton_Right) ||
                                       (options.left_drag_pans && ImGui::IsMouseDragging(ImGuiMouseButton_Left)));
  if (panning) {
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    const float du = -d.x / (f.max.x - f.min.x) * (*vs.u1() - *vs.u0());
    const float dv = d.y / (f.max.y - f.min.y) * (*vs.v1() - *vs.v0());
    *vs.u0() += du, *vs.u1() += du;
    if (axes) *vs.v0() += dv, *vs.v1() += dv;
  }
  ImGui::PopID();
  return f;
}

void draw_figure(const char* id, const plot::Figure& figure, ImVec2 size) {
  const int n = static_cast<int>(figure.plots.size());
  if (n == 0) return;
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x;
  if (size.y <= 0) size.y = avail.y;
  const int cols = figure.columns > 0 ? figure.columns : (n == 1 ? 1 : (size.x > 2.0f * 360.0f ? 2 : 1));
  const int rows = (n + cols - 1) / cols;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float w = (size.x - gap * (cols - 1)) / cols;
  const float h = std::max((size.y - gap * (rows - 1)) / rows, ImGui::GetFontSize() * 14.0f);
  for (int i = 0; i < n; ++i) {
    if (i % cols != 0) ImGui::SameLine(0, gap);
    draw_plot(std::to_string(i).c_str(), figure.plots[static_cast<size_t>(i)], ImVec2(w, h));
  }
  ImGui::PopID();
}

}  // namespace klab::ui
