#include "ui/readouts.hpp"

#include <algorithm>
#include <string>

#include "imgui.h"
#include "ui/typeset.hpp"

namespace klab::ui {
namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

// Rows [begin, end) as one table, `columns` pairs per row.
void draw_rows(const std::string& id, const Rows& rows, size_t begin, size_t end, int columns,
               const std::vector<std::string>& tips) {
  if (begin >= end || !ImGui::BeginTable(id.c_str(), columns * 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg)) return;
  // Fixed proportions (a name 1.2 times as wide as its value), not proportional to the contents, and
  // values on one line (cut with "…", whole in a tooltip): a value changing from "–" to a number, or
  // by a digit, must not reflow the table and move what is drawn below it (a gridworld canvas under
  // a brush stroke). Only the names wrap, and they do not change as the view plays.
  for (int c = 0; c < columns; ++c) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  }
  const float fs = ImGui::GetFontSize();
  for (size_t i = begin; i < end; ++i) {
    if ((i - begin) % static_cast<size_t>(columns) == 0) ImGui::TableNextRow();
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

}  // namespace

void readout_table(const char* id, const Rows& rows, int columns, const std::vector<std::string>& tips, size_t shown) {
  // As many "name value" pairs per row as fit (about 19 em each), at most `columns`.
  const float fs = ImGui::GetFontSize();
  columns = std::clamp(static_cast<int>(ImGui::GetContentRegionAvail().x / (fs * 19.0f)), 1, std::max(columns, 1));
  const std::string numbers = std::string("Numbers##") + id;
  if (shown < rows.size()) {  // the first rows in view, the rest one click away
    draw_rows(id, rows, 0, shown, columns, tips);
    if (ImGui::CollapsingHeader(numbers.c_str())) draw_rows(std::string(id) + "_more", rows, shown, rows.size(), columns, tips);
    return;
  }
  // On a phone a long list would push the plots below the fold: it folds away, one tap to open.
  if (columns == 1 && rows.size() > 4 && !ImGui::CollapsingHeader(numbers.c_str())) return;
  draw_rows(id, rows, 0, rows.size(), columns, tips);
}

}  // namespace klab::ui
