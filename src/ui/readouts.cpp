#include "ui/readouts.hpp"

#include <algorithm>
#include <string>

#include "imgui.h"
#include "ui/typeset.hpp"

namespace klab::ui {

void readout_table(const char* id, const std::vector<std::pair<std::string, std::string>>& rows, int columns,
                   const std::vector<std::string>& tips) {
  // As many "name value" pairs per row as fit (about 19 em each), at most `columns`.
  const float fs = ImGui::GetFontSize();
  columns = std::clamp(static_cast<int>(ImGui::GetContentRegionAvail().x / (fs * 19.0f)), 1, std::max(columns, 1));
  // On a phone a long list would push the plots below the fold: it folds away, one tap to open.
  if (columns == 1 && rows.size() > 4 && !ImGui::CollapsingHeader((std::string("Numbers##") + id).c_str())) return;
  if (rows.empty() || !ImGui::BeginTable(id, columns * 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg)) return;
  // Fixed proportions (a name 1.2 times as wide as its value), not proportional to the contents, and
  // values on one line (cut with "…", whole in a tooltip): a value changing from "–" to a number, or
  // by a digit, must not reflow the table and move what is drawn below it (a gridworld canvas under
  // a brush stroke). Only the names wrap, and they do not change as the view plays.
  for (int c = 0; c < columns; ++c) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % static_cast<size_t>(columns) == 0) ImGui::TableNextRow();
    ImGui::TableNextColumn();
    rich_text(rows[i].first, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    ImGui::TableNextColumn();
    rich_text_fit(rows[i].second);
    if (i < tips.size() && !tips[i].empty() && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      rich_text(tips[i], 0, fs * 26.0f);
      ImGui::EndTooltip();
    }
  }
  ImGui::EndTable();
}

}  // namespace klab::ui
