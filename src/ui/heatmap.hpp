// Heatmaps in ImGui: on the GPU through shaders/heatmap.frag when a GL context exists
// (HeatmapRenderer, created by the GUI's main), otherwise as coloured cells on the draw list
// (headless tests). Both colour through core/colormap's lookup table.
#pragma once
#include <memory>

#include "core/figure.hpp"
#include "imgui.h"

namespace klab::ui {

class HeatmapRenderer {
 public:
  virtual ~HeatmapRenderer() = default;
  // Queues `h` to be drawn into [min, max] of `list` when ImGui renders (a draw-list callback).
  virtual void queue(ImDrawList* list, ImVec2 min, ImVec2 max, const plot::Heatmap& h, double vmin, double vmax) = 0;
  // Drops last frame's queued data; call once per frame before drawing.
  virtual void new_frame() = 0;
};

// Creates the GL renderer (compiles the embedded shaders); null with a message if it cannot.
std::unique_ptr<HeatmapRenderer> make_gl_heatmap_renderer(std::string* error);

// Draws through services().heatmaps when set, else on the CPU.
void draw_heatmap(ImDrawList* list, ImVec2 min, ImVec2 max, const plot::Heatmap& h, double vmin, double vmax);

}  // namespace klab::ui
