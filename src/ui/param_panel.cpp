#include "ui/param_panel.hpp"

#include <algorithm>
#include <vector>

#include "core/plot_scale.hpp"
#include "core/rich_text.hpp"
#include "imgui.h"
#include "imgui_internal.h"  // TempInputIsActive: typed values are kept exactly, dragged ones rounded
#include "ui/theme.hpp"
#include "ui/typeset.hpp"

namespace klab::ui {

void help_tooltip(const std::string& text) {
  if (text.empty() || !ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  // Paragraphs separated by blank lines, each typeset (sub/superscripts, `names`).
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.empty()) ImGui::Spacing();
    else rich_text(line, 0, ImGui::GetFontSize() * 26.0f);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ImGui::EndTooltip();
}

bool ParamPanel::draw(ParamSet& params) {
  const auto& specs = params.specs();
  if (buffers_.size() != specs.size() || seen_version_ != params.version()) {
    buffers_.assign(specs.size(), "");
    for (size_t i = 0; i < specs.size(); ++i) buffers_[i] = params.text(i);
    if (errors_.size() != specs.size()) errors_.assign(specs.size(), "");
    seen_version_ = params.version();
  }
  bool changed = false;
  if (!ImGui::BeginTable("##params", 2, ImGuiTableFlags_SizingStretchProp)) return false;
  ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 0.42f);
  ImGui::TableSetupColumn("widget", ImGuiTableColumnFlags_WidthStretch, 0.58f);
  for (size_t i = 0; i < specs.size(); ++i) {
    const ParamSpec& s = specs[i];
    ParamValue v = params.get(i);
    bool edited = false;
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    // Labels wrap inside their column: never cut off (first line level with the widget's text).
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetStyle().FramePadding.y);
    rich_text(s.label, 0, ImGui::GetContentRegionAvail().x);
    help_tooltip(s.help + "\n\n`" + s.key + "`: " + describe_range(s) + "; default " + format_value(s, s.def));
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    const ImGuiSliderFlags log = s.log_scale ? ImGuiSliderFlags_Logarithmic : 0;
    switch (s.kind) {
      case ParamKind::Real:
        edited = ImGui::SliderScalar("##w", ImGuiDataType_Double, &v.real, &s.lo, &s.hi, "%.4g",
                                     log | ImGuiSliderFlags_AlwaysClamp);
        // A dragged slider lands on arbitrary doubles: keep four significant digits of the range
        // (a value typed after ctrl-click is kept exactly).
        if (edited && !ImGui::TempInputIsActive(ImGui::GetItemID()))
          v.real = std::clamp(plot::round_for_range(v.real, s.hi - s.lo, s.log_scale), s.lo, s.hi);
        break;
      case ParamKind::Integer: {
        const long long lo = static_cast<long long>(s.lo), hi = static_cast<long long>(s.hi);
        edited = ImGui::SliderScalar("##w", ImGuiDataType_S64, &v.integer, &lo, &hi, "%lld", log | ImGuiSliderFlags_AlwaysClamp);
        break;
      }
      case ParamKind::Boolean:
        edited = ImGui::Checkbox("##w", &v.boolean);
        break;
      case ParamKind::Choice: {
        const auto& names = s.choice_labels.size() == s.choices.size() ? s.choice_labels : s.choices;
        if (ImGui::BeginCombo("##w", text::plain(names[static_cast<size_t>(v.choice)]).c_str())) {
          for (size_t c = 0; c < names.size(); ++c)
            if (ImGui::Selectable(text::plain(names[c]).c_str(), static_cast<int>(c) == v.choice)) {
              v.choice = static_cast<int>(c);
              edited = true;
            }
          ImGui::EndCombo();
        }
        break;
      }
      case ParamKind::RealList:
      case ParamKind::Text: {  // edited as text, parsed when the field loses focus
        // Room for the longest valid value (a Text's max_len: an edited grid, a diffusion mixture) and a little more,
        // so that an over-long entry reaches the parser and its message.
        std::vector<char> buf(std::max<size_t>(512, static_cast<size_t>(s.max_len) + 2), '\0');
        const size_t n = std::min(buffers_[i].size(), buf.size() - 1);
        std::copy(buffers_[i].begin(), buffers_[i].begin() + static_cast<long>(n), buf.begin());
        ImGui::InputText("##w", buf.data(), buf.size());
        buffers_[i] = buf.data();
        if (ImGui::IsItemDeactivatedAfterEdit()) {
          Expected<ParamValue> parsed = parse_value(s, buffers_[i]);
          if (parsed.ok()) {
            v = parsed.value();
            edited = true;
          } else {
            errors_[i] = parsed.error();
            buffers_[i] = params.text(i);
          }
        }
        break;
      }
      case ParamKind::MultiChoice: {
        const auto& names = s.choice_labels.size() == s.choices.size() ? s.choice_labels : s.choices;
        for (size_t c = 0; c < s.choices.size(); ++c) {
          bool on = std::find(v.picks.begin(), v.picks.end(), static_cast<int>(c)) != v.picks.end();
          if (ImGui::Checkbox(text::plain(names[c]).c_str(), &on)) {
            if (on) v.picks.push_back(static_cast<int>(c));
            else v.picks.erase(std::remove(v.picks.begin(), v.picks.end(), static_cast<int>(c)), v.picks.end());
            edited = true;
          }
        }
        break;
      }
    }
    if (edited) {
      const Status st = params.set(i, v);
      errors_[i] = st.ok() ? "" : st.message();
      changed = changed || st.ok();
    }
    if (!errors_[i].empty()) error_text(errors_[i]);
    ImGui::PopID();
  }
  ImGui::EndTable();
  return changed;
}

}  // namespace klab::ui
