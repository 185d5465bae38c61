#include "diffusion/film_controls.hpp"

#include "diffusion/film_view.hpp"
#include "imgui.h"
#include "ui/plot_grid.hpp"

namespace klab::diffusion {

void film_toggles(FilmToggles* t, const char* paths_tip) {
  const float fs = ImGui::GetFontSize();
  ui::same_line_if_fits(fs * 8);
  ImGui::Checkbox("trajectories", &t->paths);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", paths_tip);
  ui::same_line_if_fits(fs * 8);
  ImGui::Checkbox("score field", &t->score);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("∇log p_t(x) at t as arrows on a %d × %d grid (lengths scaled within this t, capped)", kScoreGrid, kScoreGrid);
}

}  // namespace klab::diffusion
