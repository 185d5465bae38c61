#include "ui/readouts.hpp"

#include <algorithm>
#include <string>

#include "imgui.h"
#include "ui/typeset.hpp"

namespace klab::ui {

void readout_table(const char* id, const std::vector<std::pair<std::string, std::string>>& rows, int columns) {
  // As many "name value" pairs per row as fit (about 19 em each), at most `columns`.
  const float fs = ImGui::GetFontSize();
  columns = std::clamp(static_cast<int>(ImGui::GetContentRegionAvail().x / (fs * 19.0f)), 1, std::max(columns, 1));
  // On a phone a long list would push the plots below the fold: it folds away, one tap to open.
  if (columns == 1 && rows.size() > 4 && !ImGui::CollapsingHeader((std::string("Numbers##") + id).c_str())) return;
  if (rows.empty() || !ImGui::BeginTable(id, columns * 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) return;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % static_cast<size_t>(columns) == 0) ImGui::TableNextRow();
    ImGui::TableNextColumn();
    rich_text(rows[i].first, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    ImGui::TableNextColumn();
    rich_text(rows[i].second);
  }
  ImGui::EndTable();
}

}  // namespace klab::ui
