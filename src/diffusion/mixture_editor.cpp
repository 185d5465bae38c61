#include "diffusion/mixture_editor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/lab_math.hpp"
#include "core/plot_scale.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/mixture_text.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/theme.hpp"

namespace klab::diffusion {
namespace {

constexpr int kEditorCells = 96;         // heatmap resolution of the editor's plot
constexpr float kHandleRadius = 9.0f;    // logical pixels within which a mean is picked up
constexpr double kMaxCorrelation = 0.95; // |ρ| allowed by the slider (check_mixture allows < 1)
constexpr double kMinSd = 0.01, kMaxSd = 5.0;  // the sd sliders' range (and the axis handles' eigenvalues', squared)

// Four significant digits (printf's correctly rounded %.4g, read back): the values a slider or a
// drag can set, written compactly into the link.
double four_digits(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", x);
  return std::strtod(text, nullptr);
}

// A component's standard deviations and correlation, and back.
struct Shape {
  double sx, sy, rho;
};
Shape shape_of(const Component& c) {
  const double sx = std::sqrt(c.sxx), sy = std::sqrt(c.syy);
  return {sx, sy, c.sxy / (sx * sy)};
}
void set_shape(Component& c, const Shape& s) {
  c.sxx = s.sx * s.sx;
  c.syy = s.sy * s.sy;
  c.sxy = s.rho * s.sx * s.sy;
}

// Σ's principal axes: eigenvalues major ≥ minor, the major axis' unit vector (ux, uy).
struct EditorAxes {
  double major, minor, ux, uy;
};
EditorAxes principal_axes(const Component& c) {
  const double mid = 0.5 * (c.sxx + c.syy), half = std::hypot(0.5 * (c.sxx - c.syy), c.sxy);
  const double angle = 0.5 * std::atan2(2.0 * c.sxy, c.sxx - c.syy);
  return {mid + half, mid - half, std::cos(angle), std::sin(angle)};
}

// Σ = a·uuᵀ + b·vvᵀ (v ⊥ u), eigenvalues clamped to the sd sliders' range, then held to the sliders'
// sd and |ρ| ≤ kMaxCorrelation: what an axis handle sets, always positive definite.
void set_axes(Component& c, double a, double b, double ux, double uy) {
  a = std::clamp(a, kMinSd * kMinSd, kMaxSd * kMaxSd);
  b = std::clamp(b, kMinSd * kMinSd, kMaxSd * kMaxSd);
  c.sxx = a * ux * ux + b * uy * uy;
  c.syy = a * uy * uy + b * ux * ux;
  c.sxy = (a - b) * ux * uy;
  const Shape s = shape_of(c);
  set_shape(c, Shape{std::clamp(s.sx, kMinSd, kMaxSd), std::clamp(s.sy, kMinSd, kMaxSd), std::clamp(s.rho, -kMaxCorrelation, kMaxCorrelation)});
}

// Where a component's axis handle sits: the end of its major axis on the 2σ ellipse.
std::array<double, 2> axis_handle(const Component& c) {
  const EditorAxes a = principal_axes(c);
  const double r = 2.0 * std::sqrt(a.major);
  return {c.mx + r * a.ux, c.my + r * a.uy};
}

// The 2σ ellipse μ + 2L(cos a, sin a), Σ = LLᵀ (Cholesky), as a closed polyline.
plot::Line ellipse(const Component& c, bool selected) {
  plot::Line l;
  l.color = selected ? plot::kOptimumGold : Rgba{1.0f, 1.0f, 1.0f, 0.75f};
  l.width = selected ? 2.0f : 1.2f;
  const double a = std::sqrt(c.sxx), b = c.sxy / a, d = std::sqrt(std::max(c.syy - b * b, 0.0));
  for (int k = 0; k <= 48; ++k) {
    const double t = 2.0 * kPi * k / 48.0, u = 2.0 * std::cos(t), v = 2.0 * std::sin(t);
    l.x.push_back(c.mx + a * u);
    l.y.push_back(c.my + b * u + d * v);
  }
  return l;
}

}  // namespace

void MixtureEditor::load(const ParamSet& params) {
  const ParamValue preset = params.get(static_cast<size_t>(params.find("preset")));
  const ParamValue width = params.get(static_cast<size_t>(params.find("width")));
  const std::string text = params.get(static_cast<size_t>(params.find("mixture"))).text;
  draft_ = world_mixture(static_cast<Preset>(preset.choice), width.real, text);
  box_ = view_box(draft_);
  // A link that carries an edited mixture opens the editor (once: the reader may close it).
  if (!text.empty() && (!loaded_ || loaded_text_.empty())) open_ = true;
  loaded_ = true;
  loaded_text_ = text;
  loaded_version_ = params.version();
  heatmap_stale_ = true;
  selected_ = std::clamp(selected_, 0, static_cast<int>(draft_.components.size()) - 1);
}

void MixtureEditor::commit(ParamSet& params) {
  Mixture m = draft_;
  normalise(m);
  for (Component& c : m.components) {
    c.weight = four_digits(c.weight);
    c.mx = four_digits(c.mx), c.my = four_digits(c.my);
    c.sxx = four_digits(c.sxx), c.sxy = four_digits(c.sxy), c.syy = four_digits(c.syy);
  }
  const size_t i = static_cast<size_t>(params.find("mixture"));
  ParamValue v = params.get(i);
  v.text = format_mixture(m);
  const Status st = params.set(i, v);
  message_ = st.ok() ? "" : st.message();
  load(params);  // the committed (rounded) mixture, or back to the parameters' own
}

void MixtureEditor::refresh_heatmap() {
  if (!heatmap_stale_) return;
  Mixture m = draft_;
  normalise(m);
  heatmap_ = density_heatmap(m, box_, kEditorCells, "p_data(x)");
  heatmap_stale_ = false;
}

void MixtureEditor::draw(Experiment& experiment) {
  ParamSet& params = experiment.params();
  if (!editing_ && dragging_ < 0 && axis_dragging_ < 0 && (!loaded_ || params.version() != loaded_version_)) load(params);
  ImGui::PushID("mixture editor");
  draw_open(params);
  ImGui::PopID();
}

void MixtureEditor::draw_open(ParamSet& params) {
  if (ImGui::Button(open_ ? "Close the mixture editor" : "Edit the data mixture")) open_ = !open_;
  ui::same_line_if_fits(ImGui::GetFontSize() * 20);
  const size_t k = draft_.components.size();
  ImGui::PushTextWrapPos(0.0f);
  if (loaded_text_.empty())
    ImGui::TextDisabled("data: the preset (%zu components)", k);
  else
    ImGui::TextDisabled("data: an edited mixture of %zu components (%zu characters in the link)", k, loaded_text_.size());
  ImGui::PopTextWrapPos();
  if (!open_) return;

  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool side_by_side = avail.x >= 40 * fs;
  const float plot_h = std::clamp(avail.y * 0.5f, 15 * fs, 26 * fs);
  const float plot_w = side_by_side ? std::min(plot_h * 1.2f, avail.x * 0.5f) : avail.x;
  ImGui::BeginGroup();
  draw_plot_and_handles(plot_w, plot_h);
  ImGui::EndGroup();
  if (side_by_side) ImGui::SameLine();
  ImGui::BeginGroup();
  draw_controls(params);
  ImGui::EndGroup();
  ImGui::Separator();
}

void MixtureEditor::draw_plot_and_handles(float width, float height) {
  refresh_heatmap();
  plot::Plot p = cloud_plot(heatmap_, box_, Particles{}, 0, "p_data: drag a mean, or an axis end (square) to turn and stretch; rings at 2σ", "", 0);
  for (size_t c = 0; c < draft_.components.size(); ++c) p.lines.push_back(ellipse(draft_.components[c], static_cast<int>(c) == selected_));
  // Fixed 1-2-5 ticks (about 4 per axis): the editor's plot is small, and the widget's automatic ticks,
  // thinned to fit it, left one ("0") per axis.
  p.x.ticks = plot::make_ticks({box_.x0, box_.x1}, plot::Scale::Linear, 4);
  p.y.ticks = plot::make_ticks({box_.y0, box_.y1}, plot::Scale::Linear, 4);
  const ui::PlotFrame f = ui::draw_plot("mixture editor", p, ImVec2(width, height), ui::PlotOptions{false, false});
  const bool active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = kHandleRadius * ImGui::GetFontSize() / 15.0f;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  // The handle under the mouse: a mean first, else an axis end.
  int hovered = -1, hovered_axis = -1;
  float nearest = r * r, nearest_axis = r * r;
  dl->PushClipRect(f.min, f.max, true);
  for (size_t c = 0; c < draft_.components.size(); ++c) {
    const ImVec2 s = f.to_screen(draft_.components[c].mx, draft_.components[c].my);
    const std::array<double, 2> end = axis_handle(draft_.components[c]);
    const ImVec2 e = f.to_screen(end[0], end[1]);
    const float d2 = (mouse.x - s.x) * (mouse.x - s.x) + (mouse.y - s.y) * (mouse.y - s.y);
    const float e2 = (mouse.x - e.x) * (mouse.x - e.x) + (mouse.y - e.y) * (mouse.y - e.y);
    if (f.hovered && d2 < nearest) nearest = d2, hovered = static_cast<int>(c);
    if (f.hovered && e2 < nearest_axis) nearest_axis = e2, hovered_axis = static_cast<int>(c);
  }
  if (hovered >= 0) hovered_axis = -1;
  for (size_t c = 0; c < draft_.components.size(); ++c) {
    const ImVec2 s = f.to_screen(draft_.components[c].mx, draft_.components[c].my);
    const bool hot = static_cast<int>(c) == hovered || static_cast<int>(c) == dragging_;
    dl->AddCircleFilled(s, hot ? 0.75f * r : 0.55f * r, static_cast<int>(c) == selected_ ? IM_COL32(250, 184, 26, 255) : IM_COL32(235, 235, 235, 255));
    dl->AddCircle(s, 0.75f * r, IM_COL32(0, 0, 0, 170));
    const std::array<double, 2> end = axis_handle(draft_.components[c]);
    const ImVec2 e = f.to_screen(end[0], end[1]);
    const float h = (static_cast<int>(c) == hovered_axis || static_cast<int>(c) == axis_dragging_ ? 0.6f : 0.4f) * r;
    dl->AddRectFilled(ImVec2(e.x - h, e.y - h), ImVec2(e.x + h, e.y + h), IM_COL32(235, 235, 235, 230));
    dl->AddRect(ImVec2(e.x - h, e.y - h), ImVec2(e.x + h, e.y + h), IM_COL32(0, 0, 0, 170));
  }
  dl->PopClipRect();
  if (hovered >= 0 && dragging_ < 0 && axis_dragging_ < 0) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
    ImGui::SetTooltip("component %d: drag to move its mean", hovered + 1);
  } else if (hovered_axis >= 0 && dragging_ < 0 && axis_dragging_ < 0) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("component %d: drag its axis end to turn and stretch it (the other axis keeps its length)", hovered_axis + 1);
  }
  if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    if (hovered >= 0) {
      dragging_ = selected_ = hovered;
    } else if (hovered_axis >= 0) {
      axis_dragging_ = selected_ = hovered_axis;
      axis_minor_ = principal_axes(draft_.components[static_cast<size_t>(hovered_axis)]).minor;
    }
  }
  if (dragging_ >= 0 && static_cast<size_t>(dragging_) < draft_.components.size()) {
    Component& c = draft_.components[static_cast<size_t>(dragging_)];
    // Within the view, to the precision the view's span deserves (core/plot_scale.hpp).
    const double x = plot::round_for_range(std::clamp(f.mouse_x, box_.x0, box_.x1), box_.x1 - box_.x0, false);
    const double y = plot::round_for_range(std::clamp(f.mouse_y, box_.y0, box_.y1), box_.y1 - box_.y0, false);
    if (x != c.mx || y != c.my) c.mx = x, c.my = y, heatmap_stale_ = true;
  }
  if (axis_dragging_ >= 0 && static_cast<size_t>(axis_dragging_) < draft_.components.size()) {
    // The dragged axis end follows the mouse: that axis turns to it, 2σ long; the other axis keeps
    // the length it had when the drag began.
    Component& c = draft_.components[static_cast<size_t>(axis_dragging_)];
    const double dx = std::clamp(f.mouse_x, box_.x0, box_.x1) - c.mx, dy = std::clamp(f.mouse_y, box_.y0, box_.y1) - c.my;
    const double len = std::hypot(dx, dy);
    if (len > 0) {
      set_axes(c, 0.25 * len * len, axis_minor_, dx / len, dy / len);
      heatmap_stale_ = true;
    }
  }
}

void MixtureEditor::draw_controls(ParamSet& params) {
  const float fs = ImGui::GetFontSize();
  // Released after a drag: the new mean goes to the parameters (and so to the link).
  if ((dragging_ >= 0 || axis_dragging_ >= 0) && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    dragging_ = axis_dragging_ = -1;
    commit(params);
  }
  ImGui::TextUnformatted("Start from");
  const std::vector<std::string>& ids = preset_ids();
  // Buttons that wrap onto the next line where the row is full (a phone, a narrow panel).
  auto next_button = [](const char* label) {
    ui::same_line_if_fits(ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x);
    return ImGui::SmallButton(label);
  };
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string name = ids[i];
    std::replace(name.begin(), name.end(), '_', ' ');
    if (next_button(name.c_str())) {
      // The preset itself (exact, and a short link): `preset` set, the edited text cleared.
      ParamValue preset = params.get(static_cast<size_t>(params.find("preset")));
      ParamValue text = params.get(static_cast<size_t>(params.find("mixture")));
      preset.choice = static_cast<int>(i);
      text.text.clear();
      const Status st = params.assign({{static_cast<size_t>(params.find("preset")), preset}, {static_cast<size_t>(params.find("mixture")), text}});
      message_ = st.ok() ? "" : st.message();
      load(params);
    }
  }

  const int count = static_cast<int>(draft_.components.size());
  ImGui::SetNextItemWidth(8 * fs);
  char label[32];
  std::snprintf(label, sizeof label, "%d of %d", selected_ + 1, count);
  if (ImGui::BeginCombo("component", label)) {
    for (int c = 0; c < count; ++c) {
      std::snprintf(label, sizeof label, "%d", c + 1);
      if (ImGui::Selectable(label, c == selected_)) selected_ = c;
    }
    ImGui::EndCombo();
  }
  if (next_button("+ add") && count < kMaxComponents) {
    // A round component at the view's centre, a tenth of the view wide, with an average weight.
    const double span = box_.x1 - box_.x0, sd = 0.05 * span;
    draft_.components.push_back(Component{1.0 / count, 0.5 * (box_.x0 + box_.x1), 0.5 * (box_.y0 + box_.y1), sd * sd, 0.0, sd * sd});
    normalise(draft_);
    selected_ = count;
    commit(params);
    return;
  }
  if (next_button("- remove") && count > 1) {
    draft_.components.erase(draft_.components.begin() + selected_);
    selected_ = std::min(selected_, count - 2);
    commit(params);
    return;
  }
  if (count >= kMaxComponents) ImGui::TextDisabled("at most %d components", kMaxComponents);

  // The selected component: weight share, standard deviations, correlation (|ρ| ≤ 0.95 keeps Σ
  // positive definite).
  Component& c = draft_.components[static_cast<size_t>(selected_)];
  double total = 0.0;
  for (const Component& d : draft_.components) total += d.weight;
  float share = static_cast<float>(c.weight / total);
  Shape s = shape_of(c);
  float sx = static_cast<float>(s.sx), sy = static_cast<float>(s.sy), rho = static_cast<float>(s.rho);
  float mean[2] = {static_cast<float>(c.mx), static_cast<float>(c.my)};
  bool changed = false, released = false;
  auto slider = [&](const char* name, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags) {
    ImGui::SetNextItemWidth(12 * fs);
    changed |= ImGui::SliderFloat(name, v, lo, hi, format, flags | ImGuiSliderFlags_AlwaysClamp);
    released |= ImGui::IsItemDeactivatedAfterEdit();
    return ImGui::IsItemActive();
  };
  bool held = false;
  ImGui::BeginDisabled(count == 1);
  held |= slider("weight share", &share, 0.001f, 0.999f, "%.3f", ImGuiSliderFlags_Logarithmic);
  ImGui::EndDisabled();
  ImGui::SetNextItemWidth(12 * fs);
  changed |= ImGui::DragFloat2("mean (x, y)", mean, 0.01f, -static_cast<float>(kMaxMean), static_cast<float>(kMaxMean), "%.3g");
  released |= ImGui::IsItemDeactivatedAfterEdit();
  held |= ImGui::IsItemActive();
  held |= slider("sd x", &sx, static_cast<float>(kMinSd), static_cast<float>(kMaxSd), "%.3g", ImGuiSliderFlags_Logarithmic);
  held |= slider("sd y", &sy, static_cast<float>(kMinSd), static_cast<float>(kMaxSd), "%.3g", ImGuiSliderFlags_Logarithmic);
  held |= slider("correlation", &rho, -static_cast<float>(kMaxCorrelation), static_cast<float>(kMaxCorrelation), "%.2f", 0);
  editing_ = held;
  if (changed) {
    if (count > 1 && std::fabs(share - c.weight / total) > 1e-6) {
      // w_k = s/(1 − s) · Σ_{j≠k} w_j: the others keep their proportions.
      c.weight = share / (1.0 - share) * (total - c.weight);
    }
    c.mx = mean[0], c.my = mean[1];
    set_shape(c, Shape{sx, sy, std::clamp<double>(rho, -kMaxCorrelation, kMaxCorrelation)});
    heatmap_stale_ = true;
  }
  if (released) commit(params);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("mixture=w:mx:my:sxx:sxy:syy;... is a parameter: the link and the CLI command carry it");
  ImGui::PopTextWrapPos();
  if (!message_.empty()) ui::error_text(message_);
}

}  // namespace klab::diffusion
