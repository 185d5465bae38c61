// The plot widget: draws a klab::plot::Plot with ImDrawList (ImPlot is not available here).
//
// Lines with shaded CI bands, linear/log axes with the ticks of core/plot_scale, legends (click
// an entry to hide or show its series), hover read-out, scatter, bars, heatmaps, guides and the
// probability simplex. Mouse wheel zooms around the cursor, dragging pans (unless the caller
// uses the left button for its own handles), double-click resets the view.
#pragma once
#include "core/figure.hpp"
#include "core/plot_scale.hpp"
#include "imgui.h"

namespace klab::ui {

// The drawn plot's coordinate mapping, returned so callers can add interactive handles.
struct PlotFrame {
  ImVec2 min, max;  // plot area on screen
  plot::Range xr, yr;
  plot::Scale xs = plot::Scale::Linear, ys = plot::Scale::Linear;
  bool hovered = false;             // the mouse is over the plot area
  double mouse_x = 0, mouse_y = 0;  // the mouse position in data coordinates
  ImVec2 to_screen(double x, double y) const;
  void to_data(ImVec2 p, double* x, double* y) const;
};

struct PlotOptions {
  bool left_drag_pans = true;  // false when the caller drags handles with the left button
  bool hover_readout = true;
};
// For plots whose left button edits data (drag handles); they pan with the right button.
inline const PlotOptions kWithHandles{false, true};

// Draws `plot` at the cursor, `size` logical pixels (<= 0: fill the available width/height).
PlotFrame draw_plot(const char* id, const plot::Plot& plot, ImVec2 size, const PlotOptions& options = {});
// Draws every plot of `figure` in a grid filling `size`.
void draw_figure(const char* id, const plot::Figure& figure, ImVec2 size);

}  // namespace klab::ui
