#include "mdp/world_editor_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "core/plot_scale.hpp"
#include "imgui_internal.h"  // GetActiveID: a slider being dragged keeps its own value until release
#include "mdp/mdp_json.hpp"
#include "ui/param_panel.hpp"
#include "ui/platform.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/theme.hpp"

namespace klab::mdp {
namespace {

// Cell colours of the canvas (one per cell character; reward and cost marks on top).
ImU32 cell_colour(char c) {
  switch (c) {
    case '#': return IM_COL32(118, 122, 132, 255);
    case 'S': return IM_COL32(58, 156, 92, 255);
    case 'G': return IM_COL32(226, 178, 40, 255);
    case 'H': return IM_COL32(196, 72, 60, 255);
    case 'C': return IM_COL32(130, 78, 168, 255);
    default: return IM_COL32(44, 49, 58, 255);
  }
}
constexpr ImU32 kRewardMark = IM_COL32(120, 220, 140, 255);
constexpr ImU32 kCostMark = IM_COL32(250, 150, 60, 255);

ImU32 brush_colour(Brush b) {
  switch (b) {
    case Brush::Free: return cell_colour('.');
    case Brush::Wall: return cell_colour('#');
    case Brush::Start: return cell_colour('S');
    case Brush::Goal: return cell_colour('G');
    case Brush::Hazard: return cell_colour('H');
    case Brush::Cliff: return cell_colour('C');
    case Brush::Reward: return kRewardMark;
    case Brush::Cost: return kCostMark;
  }
  return cell_colour('.');
}

const char* cell_name(char c) {
  switch (c) {
    case '#': return "wall";
    case 'S': return "start";
    case 'G': return "goal (absorbing)";
    case 'H': return "hazard (hazard_cost on entering)";
    case 'C': return "cliff (cliff_reward, back to a start)";
    default: return "free";
  }
}

std::string text_of(const ParamSet& ps, const char* key) {
  const int i = ps.find(key);
  return i < 0 ? std::string() : ps.text(static_cast<size_t>(i));
}

// The preset the `world` parameter names (by its id: a demo may offer only some presets, in another
// order); the random MDP for a demo without `world`.
Preset preset_of(const ParamSet& ps) {
  const int w = ps.find("world");
  if (w < 0) return Preset::Random;
  const std::string& id = ps.specs()[static_cast<size_t>(w)].choices[static_cast<size_t>(ps.get(static_cast<size_t>(w)).choice)];
  for (int p = 0; p < kPresetCount; ++p)
    if (id == kPresetIds[p]) return static_cast<Preset>(p);
  return Preset::Random;
}

// Whether the demo's `world` parameter offers preset p.
bool offers(const ParamSet& ps, int p) {
  const int w = ps.find("world");
  if (w < 0) return false;
  const std::vector<std::string>& ids = ps.specs()[static_cast<size_t>(w)].choices;
  return std::find(ids.begin(), ids.end(), kPresetIds[p]) != ids.end();
}

// The held grid fields (grid_edit.hpp) the demo has as parameters: `g`'s values as (key, text)
// changes, and `g` without them (at the GridSpec defaults, which grid_param_text leaves out).
std::vector<std::pair<std::string, std::string>> held_fields(const ParamSet& ps, GridSpec& g) {
  std::vector<std::pair<std::string, std::string>> out;
  const GridSpec d;
  for (const HeldGridField& f : kHeldGridFields)
    if (ps.find(f.key) >= 0) {
      out.emplace_back(f.key, f.read(g));
      (void)f.write(g, f.read(d));  // the default's own text: always written
    }
  return out;
}

double real_of(const ParamSet& ps, const char* key, double fallback) {
  const int i = ps.find(key);
  return i < 0 ? fallback : ps.get(static_cast<size_t>(i)).real;
}

std::string short_number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

// A slider for a Real or Integer world parameter, committed on release (a drag solves the world
// once). `held` keeps the dragged value while the slider is active.
void commit_slider(ParamSet& ps, const char* key, const char* label, float width, std::map<std::string, double>& held,
                   const std::function<void(const std::string&)>& commit) {
  const int i = ps.find(key);
  if (i < 0) return;
  const ParamSpec& s = ps.specs()[static_cast<size_t>(i)];
  double& v = held[key];
  if (ImGui::GetActiveID() != ImGui::GetID(label)) v = s.kind == ParamKind::Real ? ps.get(static_cast<size_t>(i)).real : static_cast<double>(ps.get(static_cast<size_t>(i)).integer);
  ImGui::SetNextItemWidth(width);
  const ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp | (s.log_scale ? ImGuiSliderFlags_Logarithmic : 0);
  if (s.kind == ParamKind::Real) {
    ImGui::SliderScalar(label, ImGuiDataType_Double, &v, &s.lo, &s.hi, "%.3g", flags);
  } else {
    long long n = std::llround(v);
    const long long lo = static_cast<long long>(s.lo), hi = static_cast<long long>(s.hi);
    ImGui::SliderScalar(label, ImGuiDataType_S64, &n, &lo, &hi, "%lld", flags);
    v = static_cast<double>(n);
  }
  ui::help_tooltip(s.help + "\n\n`" + s.key + "`: " + describe_range(s));
  if (ImGui::IsItemDeactivatedAfterEdit())
    commit(s.kind == ParamKind::Real ? format_real(std::clamp(plot::round_for_range(v, s.hi - s.lo, s.log_scale), s.lo, s.hi))
                                     : std::to_string(std::llround(v)));
}

}  // namespace

// [SECTION] state

void WorldEditor::sync(const ParamSet& params) {
  if (params.version() == seen_version_) return;
  seen_version_ = params.version();
  is_grid_ = false;
  const std::string grid = text_of(params, "grid");
  if (!grid.empty()) {
    Expected<GridSpec> spec = parse_grid_param(grid);
    if (!spec.ok()) {
      not_grid_ = spec.error();
      return;
    }
    committed_ = std::move(spec.value());
    is_grid_ = true;
    return;
  }
  if (!text_of(params, "mdp_file").empty()) {
    not_grid_ = "This world comes from the file " + text_of(params, "mdp_file") +
                " (mdp_file). Pick a preset or a new grid, or load a klab.gridworld file, to paint.";
    return;
  }
  if (params.find("world") < 0) {  // the demo's own default world (set_default_world)
    if (default_grid_) committed_ = *default_grid_, is_grid_ = true;
    else not_grid_ = default_note_;
    return;
  }
  const Preset preset = preset_of(params);
  if (!preset_is_grid(preset)) {
    not_grid_ = std::string("The ") + kPresetLabels[static_cast<int>(preset)] +
                " is not a grid. Pick a grid preset or a new grid to paint, or load a klab.gridworld file.";
    return;
  }
  committed_ = preset_grid(preset);
  is_grid_ = true;
}

void WorldEditor::set_default_world(std::optional<GridSpec> base, std::string note) {
  default_grid_ = std::move(base);
  default_note_ = std::move(note);
  seen_version_ = ~0ull;  // sync again
}

bool WorldEditor::apply(ParamSet& params, const std::vector<std::pair<std::string, std::string>>& changes) {
  std::vector<std::pair<size_t, ParamValue>> values;
  for (const auto& [key, text] : changes) {
    const int i = params.find(key);
    if (i < 0) continue;  // a demo without this world parameter
    Expected<ParamValue> v = parse_value(params.specs()[static_cast<size_t>(i)], text);
    if (!v.ok()) {
      say(v.error(), true);
      return false;
    }
    values.emplace_back(static_cast<size_t>(i), std::move(v.value()));
  }
  const Status s = params.assign(values);
  if (!s.ok()) {
    say(s.message(), true);
    return false;
  }
  message_.clear();
  return true;
}

void WorldEditor::say(const std::string& text, bool error) {
  message_ = text;
  message_error_ = error;
  // Errors also go to stderr (the browser console), where logs and the browser test see them.
  if (error) std::fprintf(stderr, "klab: %s\n", text.c_str());
}

// [SECTION] files

void WorldEditor::load_file(ParamSet& params, const ui::PickedFile& file) {
  const std::string& name = file.name;
  const Expected<WorldUpload> up = read_world_upload(name, file.bytes, file.size);
  if (!up.ok()) {
    say(up.error() + " (the world is unchanged)", true);
    return;
  }
  const WorldUpload& u = up.value();
  std::string note = "Loaded " + name;
  double discount = 0.0;
  int file_horizon = 0;
  if (u.is_grid) {
    GridSpec rest = u.spec;  // the grid without the fields the demo holds as parameters
    std::vector<std::pair<std::string, std::string>> changes = held_fields(params, rest);
    changes.insert(changes.end(), {{"grid", grid_param_text(rest)}, {"slip", format_real(u.spec.slip)}, {"wind", format_real(u.spec.wind)}, {"mdp_file", ""}});
    if (!apply(params, changes)) {
      message_ = name + ": " + message_ + " (the world is unchanged)";
      return;
    }
    open_ = true;
    note += " (" + std::to_string(u.spec.rows.size()) + " × " + std::to_string(u.spec.rows[0].size()) + ").";
    discount = u.spec.discount, file_horizon = u.spec.horizon;
  } else {
    // Any tabular MDP: the world parameter mdp_file names it (a browser upload: the copy this tab keeps).
    if (params.find("mdp_file") < 0) {
      say(name + ": a klab.mdp file (any tabular MDP); this demo's world must be a grid (it has no mdp_file parameter): "
          "load a klab.gridworld file (the world is unchanged)", true);
      return;
    }
    const Expected<std::string> path = file.path.empty() ? keep_uploaded_world(name, file.bytes) : Expected<std::string>(file.path);
    if (!path.ok()) {
      say(path.error() + " (the world is unchanged)", true);
      return;
    }
    if (!apply(params, {{"mdp_file", path.value()}, {"grid", ""}})) {
      message_ = name + ": " + message_ + " (the world is unchanged)";
      return;
    }
    note += ": a klab.mdp file with " + std::to_string(u.world.mdp.states) + " states, now the world (mdp_file).";
    if (file.path.empty())
      note += " The link names the copy this tab keeps (" + path.value() + "): in another tab or after a reload, upload the file again.";
    discount = u.world.mdp.discount, file_horizon = u.world.mdp.horizon;
  }
  // As with mdp_file, the demo's own discount and horizon replace the file's: say so when they differ.
  const double gamma = real_of(params, "gamma", discount);
  const int horizon = params.find("horizon") < 0 ? 0 : static_cast<int>(params.get(static_cast<size_t>(params.find("horizon"))).integer);
  if (gamma != discount) note += " Its discount " + short_number(discount) + " is replaced by the demo's γ = " + short_number(gamma) + ".";
  if (params.find("horizon") >= 0 && horizon != file_horizon)
    note += " Its horizon " + std::to_string(file_horizon) + " is replaced by the demo's H = " + std::to_string(horizon) + ".";
  say(note, false);
}

void WorldEditor::take_files(ParamSet& params) {
  ui::PickedFile file;
  while (ui::take_picked_file(&file)) load_file(params, file);
}

void WorldEditor::draw_files(ParamSet& params, const World* world) {
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("Files");
  if (ui::has_file_picker()) {
    ImGui::SameLine();
    if (ImGui::Button("Upload…")) ui::pick_file(".json,application/json", kMaxWorldFileBytes);
    ui::record_item("button:editor_upload");
    ui::help_tooltip("Load a klab.gridworld JSON file (what \"Download grid\" saves) or a klab.mdp file (any tabular MDP: what "
                     "\"Download MDP\" saves; formats in src/mdp/README.md). A file with an error changes nothing; the message names the field.");
  } else {
    ImGui::SameLine();
    char buf[kMaxPathLength + 1];
    const size_t n = std::min(path_.size(), sizeof buf - 1);
    std::copy(path_.begin(), path_.begin() + static_cast<long>(n), buf);
    buf[n] = '\0';
    ImGui::SetNextItemWidth(fs * 12);
    ImGui::InputTextWithHint("##path", "path/to/world.json", buf, sizeof buf);
    path_ = buf;
    ImGui::SameLine();
    if (ImGui::Button("Load")) {
      const Expected<std::string> bytes = read_world_file(path_);
      if (bytes.ok()) ui::offer_file({file_name(path_), bytes.value(), static_cast<long long>(bytes.value().size()), path_});
      else say(bytes.error(), true);
    }
    ui::help_tooltip("Load a klab.gridworld or klab.mdp JSON file from this path. A file with an error changes nothing; the message names the field.");
  }
  if (is_grid_) {
    ui::same_line_if_fits(fs * 8);
    if (ImGui::Button("Download grid")) {
      GridSpec g = committed_;
      g.slip = real_of(params, "slip", 0.0);
      g.wind = real_of(params, "wind", 0.0);
      Status held;
      for (const HeldGridField& f : kHeldGridFields)
        if (held.ok() && params.find(f.key) >= 0) held = f.write(g, text_of(params, f.key));
      if (world) g.discount = world->mdp.discount, g.horizon = world->mdp.horizon;
      else g.discount = real_of(params, "gamma", g.discount);  // mdp.safe_meta: no one world, its γ
      if (held.ok()) say(ui::save_file("gridworld.json", "application/json", gridworld_to_json(g)), false);
      else say(held.message(), true);
    }
    ui::record_item("button:editor_download_grid");
    ui::help_tooltip("Save this grid as a klab.gridworld file with the slip, wind and the demo's discount: `klab run <demo> --set mdp_file=PATH` runs it.");
  }
  if (world) {
    ui::same_line_if_fits(fs * 8);
    if (ImGui::Button("Download MDP")) say(ui::save_file("mdp.json", "application/json", mdp_to_json(world->mdp)), false);
    ui::record_item("button:editor_download_mdp");
    ui::help_tooltip("Save the world the demo runs (run 1's, for a new random MDP per run) as a klab.mdp file: states, actions, "
                     "transition probabilities, rewards and costs.");
  }
}

// [SECTION] toolbar

void WorldEditor::draw_brushes() {
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("Brush");
  for (int b = 0; b < kBrushCount; ++b) {
    const Brush brush = static_cast<Brush>(b);
    ui::same_line_if_fits(fs * 1.2f + ImGui::CalcTextSize(kBrushLabels[b]).x + ImGui::GetFrameHeight() + fs * 0.6f);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(fs * 0.8f, ImGui::GetFrameHeight()));
    const float y = at.y + 0.5f * (ImGui::GetFrameHeight() - fs * 0.8f);
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + fs * 0.8f, y + fs * 0.8f), brush_colour(brush), 2.0f);
    ImGui::SameLine(0, fs * 0.25f);
    if (ImGui::RadioButton(kBrushLabels[b], brush_ == brush)) brush_ = brush;
  }
  if (brush_ == Brush::Reward || brush_ == Brush::Cost) {
    double& value = brush_ == Brush::Reward ? reward_value_ : cost_value_;
    ui::same_line_if_fits(fs * 7);
    ImGui::SetNextItemWidth(fs * 5);
    double typed = value;
    // A value outside ±kMaxRewardMagnitude (mdp.hpp), which the grid would refuse, is not taken.
    if (ImGui::InputDouble("##value", &typed, 0.0, 0.0, "%.4g") && std::fabs(typed) <= kMaxRewardMagnitude) value = typed;
    ui::help_tooltip(brush_ == Brush::Reward ? "Extra reward paid on entering a painted cell (cell_rewards; 0 removes it; at most 1e12 in size)."
                                             : "Extra cost paid on entering a painted cell (cell_costs; 0 removes it; at most 1e12 in size).");
  }
}

void WorldEditor::draw_worlds(ParamSet& params) {
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("World");
  for (int p = 0; p < kPresetCount; ++p) {
    if (!offers(params, p)) continue;
    ui::same_line_if_fits(ImGui::CalcTextSize(kPresetLabels[p]).x + fs);
    if (ImGui::SmallButton(kPresetLabels[p])) apply(params, {{"world", kPresetIds[p]}, {"grid", ""}, {"mdp_file", ""}});
  }
  ui::same_line_if_fits(fs * 13);
  ImGui::SetNextItemWidth(fs * 3.5f);
  ImGui::DragInt("##rows", &new_rows_, 0.2f, kMinEditorSide, kMaxGridSide, "%d", ImGuiSliderFlags_AlwaysClamp);
  ui::help_tooltip("Rows of a new grid (" + std::to_string(kMinEditorSide) + " to " + std::to_string(kMaxGridSide) + ")");
  ImGui::SameLine(0, fs * 0.2f);
  ImGui::TextUnformatted("×");
  ImGui::SameLine(0, fs * 0.2f);
  ImGui::SetNextItemWidth(fs * 3.5f);
  ImGui::DragInt("##cols", &new_cols_, 0.2f, kMinEditorSide, kMaxGridSide, "%d", ImGuiSliderFlags_AlwaysClamp);
  ui::help_tooltip("Columns of a new grid (" + std::to_string(kMinEditorSide) + " to " + std::to_string(kMaxGridSide) + ")");
  ImGui::SameLine();
  if (ImGui::SmallButton("New grid")) apply(params, {{"grid", grid_param_text(blank_grid(new_rows_, new_cols_))}, {"mdp_file", ""}});
  ui::help_tooltip("An empty grid of this size: start top left, goal bottom right.");
}

void WorldEditor::draw_dynamics(ParamSet& params) {
  const float fs = ImGui::GetFontSize();
  const auto commit = [&](const char* key) { return [this, &params, key](const std::string& text) { apply(params, {{key, text}}); }; };
  const Preset preset = preset_of(params);
  const bool preset_world = text_of(params, "grid").empty() && text_of(params, "mdp_file").empty();
  if (is_grid_ || (preset_world && preset == Preset::Chain)) {
    ImGui::TextUnformatted("slip");
    ImGui::SameLine();
    commit_slider(params, "slip", "##slip", fs * 7, held_, commit("slip"));
  }
  if (is_grid_) {  // every demo with the editor has wind
    ui::same_line_if_fits(fs * 10);
    ImGui::TextUnformatted("wind");
    ImGui::SameLine();
    commit_slider(params, "wind", "##wind", fs * 7, held_, commit("wind"));
  }
  if (preset_world && !preset_is_grid(preset)) {
    if (is_grid_ || preset == Preset::Chain) ui::same_line_if_fits(fs * 10);
    ImGui::TextUnformatted(preset == Preset::Random ? "S" : "n");
    ImGui::SameLine();
    commit_slider(params, "size", "##size", fs * 7, held_, commit("size"));
  }
  if (preset_world && preset == Preset::Random) {
    for (const auto& [key, label] : {std::pair{"actions", "A"}, std::pair{"branching", "b"}}) {
      ui::same_line_if_fits(fs * 10);
      ImGui::TextUnformatted(label);
      ImGui::SameLine();
      commit_slider(params, key, (std::string("##") + key).c_str(), fs * 7, held_, commit(key));
    }
  }
}

void WorldEditor::draw_toolbar(ParamSet& params, const World* world) {
  sync(params);
  draw_brushes();
  draw_worlds(params);
  draw_dynamics(params);
  draw_files(params, world);
  if (!text_of(params, "grid").empty() && is_grid_) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(("Edited grid " + std::to_string(committed_.rows.size()) + " × " + std::to_string(committed_.rows[0].size()) +
                            ": the parameter `grid` (in the link and the CLI command); the " +
                            (params.find("world") >= 0 ? "world preset" : "demo's default world") + " is not used.")
                               .c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  if (!message_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(message_error_ ? ui::color::kError : ui::color::kText));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(message_.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
}

// [SECTION] the button of the live views

void draw_edit_world_button(WorldEditor& editor, bool& dismissed, ParamSet& params) {
  editor.take_files(params);
  if (ImGui::SmallButton(editor.open() ? "Close the world editor" : "Edit the world")) {
    editor.set_open(!editor.open());
    dismissed = !editor.open();
  }
  ui::record_item("button:edit_world");
  ui::help_tooltip("Paint walls, start, goal, hazard, cliff, reward and cost cells; presets, a new grid, slip and wind; upload and "
                   "download the world as JSON. The edited grid is a parameter: the link and the CLI command reproduce it.");
}

// [SECTION] canvas

void WorldEditor::draw_canvas(ParamSet& params, ImVec2 size) {
  sync(params);
  if (!is_grid_) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + size.x);
    ImGui::TextUnformatted(not_grid_.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  const GridSpec& shown = stroke_ ? draft_ : committed_;
  const int rows = static_cast<int>(shown.rows.size()), cols = static_cast<int>(shown.rows[0].size());
  plot::Plot p;
  p.title = "World editor: the left button paints " + std::string(kBrushLabels[static_cast<int>(brush_)]) + " cells";
  p.x = {"column", plot::Scale::Linear, 0.0, static_cast<double>(cols)};
  p.y = {"row (from the bottom)", plot::Scale::Linear, 0.0, static_cast<double>(rows)};
  p.x.clip_outliers = p.y.clip_outliers = false;
  p.equal_aspect = true;
  p.legend = false;
  const ui::PlotFrame f = ui::draw_plot("world_editor", p, size, ui::PlotOptions{false, false});
  const int col = static_cast<int>(std::floor(f.mouse_x)), row = rows - 1 - static_cast<int>(std::floor(f.mouse_y));
  const bool inside = f.hovered && row >= 0 && row < rows && col >= 0 && col < cols;
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    if (!stroke_) draft_ = committed_, stroke_ = true;
    if (inside) paint(draft_, row, col, brush_, brush_ == Brush::Cost ? cost_value_ : reward_value_);
  } else if (stroke_) {
    stroke_ = false;
    const std::string text = grid_param_text(draft_);
    // On failure the committed grid stays (and the message says why).
    if (text != text_of(params, "grid") && apply(params, {{"grid", text}, {"mdp_file", ""}})) committed_ = draft_;
  }
  const GridSpec& g = stroke_ ? draft_ : committed_;
  if (static_cast<int>(g.rows.size()) != rows) return;  // a new grid arrives next frame
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(f.min, f.max, true);
  const ImVec2 one = f.to_screen(1.0, 0.0), origin = f.to_screen(0.0, 0.0);
  const float side = std::fabs(one.x - origin.x);  // a cell's side in pixels
  const float fs = ImGui::GetFontSize();
  const float gap = side >= 6.0f ? 1.0f : 0.0f;
  std::vector<char> marked(static_cast<size_t>(rows * cols), 0);  // bit 1: extra reward, bit 2: extra cost
  for (const CellValue& v : g.cell_rewards)
    if (v.row >= 0 && v.row < rows && v.col >= 0 && v.col < cols && v.value != 0.0) marked[static_cast<size_t>(v.row * cols + v.col)] |= 1;
  for (const CellValue& v : g.cell_costs)
    if (v.row >= 0 && v.row < rows && v.col >= 0 && v.col < cols && v.value != 0.0) marked[static_cast<size_t>(v.row * cols + v.col)] |= 2;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const ImVec2 a = f.to_screen(c, rows - r), b = f.to_screen(c + 1, rows - r - 1);
      const char ch = g.rows[static_cast<size_t>(r)][static_cast<size_t>(c)];
      dl->AddRectFilled(ImVec2(a.x + gap, a.y + gap), ImVec2(b.x, b.y), cell_colour(ch));
      if (ch != '.' && ch != '#' && side >= fs * 0.9f) {
        const char letter[2] = {ch, '\0'};
        const ImVec2 t = ImGui::CalcTextSize(letter);
        dl->AddText(ImVec2(0.5f * (a.x + b.x - t.x), 0.5f * (a.y + b.y - t.y)), IM_COL32(20, 22, 26, 255), letter);
      }
      // Extra reward (top-left corner) and cost (bottom-right corner) as triangles.
      const float k = side * 0.42f;
      if (marked[static_cast<size_t>(r * cols + c)] & 1) dl->AddTriangleFilled(ImVec2(a.x + gap, a.y + gap), ImVec2(a.x + gap + k, a.y + gap), ImVec2(a.x + gap, a.y + gap + k), kRewardMark);
      if (marked[static_cast<size_t>(r * cols + c)] & 2) dl->AddTriangleFilled(b, ImVec2(b.x - k, b.y), ImVec2(b.x, b.y - k), kCostMark);
    }
  dl->PopClipRect();
  if (inside && !ImGui::IsItemActive()) {
    const char ch = g.rows[static_cast<size_t>(row)][static_cast<size_t>(col)];
    std::string tip = "row " + std::to_string(row) + ", column " + std::to_string(col) + ": " + cell_name(ch);
    if (const double r = cell_extra(g.cell_rewards, row, col); r != 0.0) tip += "\nextra reward " + short_number(r);
    if (const double c = cell_extra(g.cell_costs, row, col); c != 0.0) tip += "\nextra cost " + short_number(c);
    ImGui::SetTooltip("%s", tip.c_str());
  }
}

}  // namespace klab::mdp
