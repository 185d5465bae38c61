// Where the plots of a view go: one cell per plot in the remaining region, the headline plot (the
// one that tells the demo's story) larger than the rest, one plot per row on narrow screens (the
// view then scrolls) so that no plot is squeezed below a readable size.
//
//   ui::PlotGrid grid(4, 0);            // four plots, plot 0 is the headline
//   ui::draw_plot("a", a, grid.cell(0));  // places the cursor, returns the cell's size
//   ...
//   grid.end();                          // the cursor goes below the grid
#pragma once
#include <vector>

#include "imgui.h"

namespace klab::ui {

// Cells narrower or lower than these (logical pixels at the 15 px font) are not used: the grid
// falls back to fewer columns and scrolls.
constexpr float kMinCellWidthEm = 17.0f, kMinCellHeightEm = 15.0f;

// ImGui::SameLine() when an item `width` wide still fits on the current line; otherwise the next
// item starts a new line (toolbars that wrap on narrow screens).
void same_line_if_fits(float width);

class PlotGrid {
 public:
  PlotGrid(int count, int headline);
  // Moves the cursor to cell i's top-left corner and returns the cell's size.
  ImVec2 cell(int i);
  // Moves the cursor below the grid (the region's content size covers it, so it scrolls).
  void end();

 private:
  ImVec2 origin_, extent_;
  std::vector<ImVec4> cells_;  // x, y (relative to origin), width, height
};

}  // namespace klab::ui
