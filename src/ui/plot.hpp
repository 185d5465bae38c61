// The plot widget: draws a klab::plot::Plot with ImDrawList (ImPlot is not available here).
//
// Lines with shaded CI bands, linear/log axes with the ticks of core/plot_scale, scatter, bars,
// heatmaps (with a colour bar), guides, annotations and the probability simplex. Reading aids:
//  - the legend sits outside the data area (a row above it, or a column to its right) and never
//    covers data; clicking a name highlights that series in every plot of the demo (the others
//    are greyed), shift-click hides it everywhere; at most kMaxDefaultSeries series show at first;
//  - a series far off the others is clipped at the edge with an off-scale marker (the title bar's
//    "all" button shows everything); the "log"/"lin" button switches the y scale;
//  - axes are frozen while a handle is dragged, so the picture does not move under the cursor;
//  - the mouse wheel zooms around the cursor, dragging pans (right button where the left one
//    edits), a double-click resets the view; hovering reads the values out;
//  - a pinned run's curves are drawn as grey ghosts under the current ones.
#pragma once
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/figure.hpp"
#include "core/plot_scale.hpp"
#include "imgui.h"

namespace klab::ui {

constexpr size_t kMaxDefaultSeries = 6;  // series shown before the reader asks for more

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

// What the plots of one demo share: which series the reader highlighted or hid, each plot's view
// (zoom, scale, clipping), and the ghost of a pinned run. The shell keeps one per demo and makes
// it current (set_plot_context) before the demo's plots are drawn.
class PlotContext {
 public:
  bool hidden(const std::string& series) const { return hidden_.count(series) > 0; }
  bool dimmed(const std::string& series) const { return !focused_.empty() && !series.empty() && !focused_.count(series); }
  bool focused(const std::string& series) const { return focused_.count(series) > 0; }
  void toggle_focus(const std::string& series);
  void toggle_hidden(const std::string& series);
  // Hides a series the first time the demo's plots meet it (the reader can show it from the legend),
  // like the series past kMaxDefaultSeries: for a view whose default run draws more than its story needs.
  void hide_at_first(const std::string& series) {
    if (seen_.insert(series).second) hidden_.insert(series);
  }
  // Keeps the curves drawn in the next frame as grey ghosts (pin), or drops them.
  void pin() { pin_requested_ = true; }
  void unpin() { ghosts_.clear(); }
  bool pinned() const { return !ghosts_.empty(); }

  struct View {
    float u0 = 0, u1 = 1, v0 = 0, v1 = 1;  // zoom window, in units of the automatic range
    bool log_y_set = false, log_y = false;  // the reader's scale choice for y
    bool show_all = false;                  // no off-scale clipping
    bool frozen = false;                    // axes held while a handle is dragged
    plot::Range fx, fy;
  };
  struct Ghost {
    std::vector<plot::Line> lines;
    std::vector<plot::Points> points;
  };

 private:
  friend PlotFrame draw_plot(const char*, const plot::Plot&, ImVec2, const PlotOptions&);
  std::set<std::string> focused_, hidden_, seen_;
  std::unordered_map<ImGuiID, View> views_;
  std::unordered_map<ImGuiID, Ghost> ghosts_;
  bool pin_requested_ = false, capture_ = false;

 public:
  // Called by the shell after each frame: a pin request is served by the whole next frame.
  void end_frame() {
    capture_ = pin_requested_;
    if (capture_) ghosts_.clear();
    pin_requested_ = false;
  }
};

void set_plot_context(PlotContext* context);
PlotContext& plot_context();

// Draws `plot` at the cursor, `size` logical pixels (<= 0: fill the available width/height).
PlotFrame draw_plot(const char* id, const plot::Plot& plot, ImVec2 size, const PlotOptions& options = {});
// Draws every plot of `figure` (the headline larger) in the remaining region (see PlotGrid).
void draw_figure(const char* id, const plot::Figure& figure);

// For the headless UI tests: the geometry of every plot drawn while a recorder is set.
struct PlotRecord {
  std::string id, title;
  ImVec2 cell_min, cell_max;               // the whole widget
  ImVec2 area_min, area_max;               // the data area
  std::vector<ImVec4> legend;              // legend entry rectangles (x0, y0, x1, y1)
  std::vector<ImVec4> tick_labels;         // tick label rectangles
  ImVec4 colour_bar{}, colour_bar_label{};  // a heatmap's colour bar and its (vertical) label; zero: none
  std::vector<ImVec2> points;              // drawn data points (line vertices, markers)
  std::vector<ImVec4> segments;            // drawn line segments (x0, y0, x1, y1), clipped to the area
  std::vector<ImVec4> notes;               // annotation boxes (x0, y0, x1, y1), background included
  std::vector<ImVec2> note_points;         // the point each note is anchored to (notes[i] ↔ note_points[i])
  std::vector<ImVec4> guide_labels;        // guides' label boxes (x0, y0, x1, y1)
  plot::Range xr, yr;
  plot::Scale xs = plot::Scale::Linear, ys = plot::Scale::Linear;
};
void set_plot_recorder(std::vector<PlotRecord>* records);
// Records the last ImGui item (a button the browser test clicks) as a record named `id` whose
// cell, area and ranges are the item's rectangle in screen pixels, while a recorder is set.
void record_item(const char* id);

}  // namespace klab::ui
