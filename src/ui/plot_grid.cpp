#include "ui/plot_grid.hpp"

#include <algorithm>
#include <cmath>

#include "imgui_internal.h"  // ItemSize: reserve the grid's extent without adding an item

namespace klab::ui {
namespace {

constexpr float kHeadlineShare = 0.58f;  // of the width (side by side) or the height (stacked)

// A uniform grid of `count` cells in columns, rows filling `h` but never below `min_h`.
void uniform(std::vector<ImVec4>& cells, int first, int count, int cols, float x0, float y0, float w, float h, float gap,
             float min_h) {
  const int rows = (count + cols - 1) / cols;
  const float cw = (w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  const float ch = std::max(min_h, (h - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  for (int k = 0; k < count; ++k)
    cells[static_cast<size_t>(first + k)] =
        ImVec4(x0 + static_cast<float>(k % cols) * (cw + gap), y0 + static_cast<float>(k / cols) * (ch + gap), cw, ch);
}

}  // namespace

void same_line_if_fits(float width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

PlotGrid::PlotGrid(int count, int headline) {
  origin_ = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float fs = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemSpacing.x;
  const float min_w = kMinCellWidthEm * fs, min_h = kMinCellHeightEm * fs;
  const float w = std::max(avail.x, 8 * fs), h = std::max(avail.y, min_h);
  cells_.assign(static_cast<size_t>(std::max(count, 0)), ImVec4(0, 0, w, h));
  if (count <= 0) return;
  if (headline < 0 || headline >= count) headline = -1;

  if (w < 2 * min_w) {  // a phone: one plot per row, the headline taller
    float y = 0;
    for (int i = 0; i < count; ++i) {
      const float ch = i == headline || count == 1 ? std::clamp(w * 0.85f, 16 * fs, std::max(h, 16 * fs))
                                                    : std::clamp(w * 0.7f, min_h, 22 * fs);
      cells_[static_cast<size_t>(i)] = ImVec4(0, y, w, ch);
      y += ch + gap;
    }
  } else if (count == 1) {
    cells_[0] = ImVec4(0, 0, w, h);
  } else if (headline < 0) {
    uniform(cells_, 0, count, 2, 0, 0, w, h, gap, min_h);
  } else {
    // The other plots, in order, around the headline.
    std::vector<int> others;
    for (int i = 0; i < count; ++i)
      if (i != headline) others.push_back(i);
    const int n = static_cast<int>(others.size());
    std::vector<ImVec4> rest(static_cast<size_t>(n));
    const float side_w = w * (1 - kHeadlineShare) - gap;
    const bool side_by_side = (w / h >= 1.45f || n == 1) && side_w >= min_w &&
                              (h - gap * static_cast<float>(n - 1)) / static_cast<float>(n) >= min_h;
    if (side_by_side) {
      cells_[static_cast<size_t>(headline)] = ImVec4(0, 0, w * kHeadlineShare, h);
      uniform(rest, 0, n, 1, w * kHeadlineShare + gap, 0, side_w, h, gap, min_h);
    } else {
      const float top_h = std::max(min_h * 1.3f, h * kHeadlineShare);
      cells_[static_cast<size_t>(headline)] = ImVec4(0, 0, w, top_h);
      const int cols = std::max(1, std::min(n, static_cast<int>((w + gap) / (min_w + gap))));
      uniform(rest, 0, n, cols, 0, top_h + gap, w, h - top_h - gap, gap, min_h);
    }
    for (int k = 0; k < n; ++k) cells_[static_cast<size_t>(others[static_cast<size_t>(k)])] = rest[static_cast<size_t>(k)];
  }
  for (const ImVec4& c : cells_) extent_ = ImVec2(std::max(extent_.x, c.x + c.z), std::max(extent_.y, c.y + c.w));
}

ImVec2 PlotGrid::cell(int i) {
  const ImVec4& c = cells_[static_cast<size_t>(i)];
  ImGui::SetCursorScreenPos(ImVec2(origin_.x + c.x, origin_.y + c.y));
  return ImVec2(c.z, c.w);
}

void PlotGrid::end() {
  ImGui::SetCursorScreenPos(origin_);
  ImGui::ItemSize(extent_);
}

}  // namespace klab::ui
