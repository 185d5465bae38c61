#include "ui/readouts.hpp"

#include "imgui.h"

namespace klab::ui {

void readout_table(const char* id, const std::vector<std::pair<std::string, std::string>>& rows, int columns) {
  if (rows.empty() || !ImGui::BeginTable(id, columns * 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) return;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % static_cast<size_t>(columns) == 0) ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", rows[i].first.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(rows[i].second.c_str());
  }
  ImGui::EndTable();
}

}  // namespace klab::ui
