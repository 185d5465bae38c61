#include "ui/heatmap.hpp"

#include <cmath>

#include "core/colormap.hpp"
#include "ui/theme.hpp"

namespace klab::ui {

void draw_heatmap(ImDrawList* list, ImVec2 min, ImVec2 max, const plot::Heatmap& h, double vmin, double vmax) {
  if (HeatmapRenderer* gpu = services().heatmaps) {
    gpu->queue(list, min, max, h, vmin, vmax);
    return;
  }
  if (h.nx <= 0 || h.ny <= 0 || h.values.size() < static_cast<size_t>(h.nx * h.ny)) return;
  const float cw = (max.x - min.x) / h.nx, ch = (max.y - min.y) / h.ny;
  for (int j = 0; j < h.ny; ++j)
    for (int i = 0; i < h.nx; ++i) {
      const float v = h.values[static_cast<size_t>(j * h.nx + i)];
      if (!std::isfinite(v)) continue;
      const Rgba c = colormap_at(h.colormap, vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5);
      const float x = min.x + i * cw, y = max.y - (j + 1) * ch;  // row 0 at the bottom
      list->AddRectFilled(ImVec2(x, y), ImVec2(x + cw + 0.5f, y + ch + 0.5f), to_imu32(c.r, c.g, c.b));
    }
}

}  // namespace klab::ui
