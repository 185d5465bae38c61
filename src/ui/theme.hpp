// Look and feel: the embedded DejaVu fonts (crisp at any HiDPI scale), the colour theme, and
// the shared UI services (heatmap renderer) reachable from any widget through ImGuiIO::UserData.
#pragma once
#include <string>
#include "imgui.h"

namespace klab::ui {

class HeatmapRenderer;

struct UiServices {
  HeatmapRenderer* heatmaps = nullptr;  // GPU heatmaps (null: CPU fallback, e.g. headless tests)
  ImFont* body = nullptr;
  ImFont* mono = nullptr;
  ImFont* title = nullptr;
  float font_size = 15.0f;  // logical pixels
};

UiServices& services();  // the instance attached to the current ImGui context

// (Re)builds the font atlas for `font_size` logical pixels rendered at `pixel_scale` device
// pixels per logical pixel (glyphs are rasterised at full resolution, FontGlobalScale undoes it).
// The caller re-uploads the atlas texture afterwards.
void build_fonts(float font_size, float pixel_scale);
void apply_theme();

namespace color {
constexpr ImU32 kPlotBackground = IM_COL32(22, 25, 31, 255);
constexpr ImU32 kPlotBorder = IM_COL32(70, 76, 88, 255);
constexpr ImU32 kGridMajor = IM_COL32(52, 58, 68, 255);
constexpr ImU32 kGridMinor = IM_COL32(36, 40, 48, 255);
constexpr ImU32 kAxisText = IM_COL32(170, 176, 188, 255);
constexpr ImU32 kText = IM_COL32(222, 226, 232, 255);
constexpr ImU32 kMuted = IM_COL32(140, 146, 158, 255);
constexpr ImU32 kAccent = IM_COL32(76, 155, 232, 255);
constexpr ImU32 kWarning = IM_COL32(240, 180, 70, 255);
constexpr ImU32 kError = IM_COL32(235, 95, 95, 255);
}  // namespace color

ImU32 to_imu32(float r, float g, float b, float a = 1.0f);

// A refusal or error message in the error colour, wrapped at the window's edge.
void error_text(const std::string& message);

}  // namespace klab::ui
