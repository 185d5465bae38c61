#include "mdp/grid_edit.hpp"

#include <algorithm>

#include "core/number_text.hpp"
#include "core/params.hpp"
#include "mdp/mdp_json.hpp"

namespace klab::mdp {
namespace {

bool at(const CellValue& v, int row, int col) { return v.row == row && v.col == col; }

// Removes the cell's entries; returns whether there were any.
bool erase_cell(std::vector<CellValue>& values, int row, int col) {
  const size_t before = values.size();
  values.erase(std::remove_if(values.begin(), values.end(), [&](const CellValue& v) { return at(v, row, col); }), values.end());
  return values.size() != before;
}

// One entry `value` for the cell (none for 0); returns whether the list changed.
bool set_cell(std::vector<CellValue>& values, int row, int col, double value) {
  int entries = 0;
  bool same = true;
  for (const CellValue& v : values)
    if (at(v, row, col)) ++entries, same = same && v.value == value;
  if (value == 0.0) return erase_cell(values, row, col);
  if (entries == 1 && same) return false;
  erase_cell(values, row, col);
  values.push_back({row, col, value});
  return true;
}

Status write_wind_direction(GridSpec& g, const std::string& text) {
  for (int d = 0; d < 4; ++d)
    if (text == direction_name(static_cast<Direction>(d))) {
      g.wind_direction = static_cast<Direction>(d);
      return {};
    }
  return Status::error("wind_direction: must be one of north, east, south, west (got '" + text + "')");
}

Status write_cliff_reward(GridSpec& g, const std::string& text) {
  double v = 0.0;
  if (parse_real_text(text, &v) != NumberProblem::None) return Status::error("cliff_reward: must be a number (got '" + text + "')");
  g.cliff_reward = v;
  return {};
}

}  // namespace

const HeldGridField kHeldGridFields[kHeldGridFieldCount] = {
    {"wind_direction", [](const GridSpec& g) { return std::string(direction_name(g.wind_direction)); }, write_wind_direction},
    {"cliff_reward", [](const GridSpec& g) { return format_real(g.cliff_reward); }, write_cliff_reward},
};

const std::vector<std::string>& held_grid_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const HeldGridField& f : kHeldGridFields) k.push_back(f.key);
    return k;
  }();
  return keys;
}

const char* const kBrushLabels[kBrushCount] = {"free", "wall", "start", "goal", "hazard", "cliff", "reward", "cost"};
static_assert(sizeof(kBrushLabels) / sizeof(kBrushLabels[0]) == static_cast<size_t>(Brush::Cost) + 1);

bool paint(GridSpec& g, int row, int col, Brush brush, double value) {
  if (row < 0 || row >= static_cast<int>(g.rows.size()) || col < 0 || col >= static_cast<int>(g.rows[static_cast<size_t>(row)].size())) return false;
  char& cell = g.rows[static_cast<size_t>(row)][static_cast<size_t>(col)];
  const auto set_type = [&cell](char c) {
    const bool changed = cell != c;
    cell = c;
    return changed;
  };
  switch (brush) {
    case Brush::Free:
    case Brush::Wall: {
      bool changed = set_type(brush == Brush::Wall ? '#' : '.');
      changed = erase_cell(g.cell_rewards, row, col) || changed;
      return erase_cell(g.cell_costs, row, col) || changed;
    }
    case Brush::Start: return set_type('S');
    case Brush::Goal: return set_type('G');
    case Brush::Hazard: return set_type('H');
    case Brush::Cliff: return set_type('C');
    case Brush::Reward:
    case Brush::Cost: {
      const bool unwalled = cell == '#' && value != 0.0 && set_type('.');
      return set_cell(brush == Brush::Reward ? g.cell_rewards : g.cell_costs, row, col, value) || unwalled;
    }
  }
  return false;
}

GridSpec blank_grid(int rows, int cols) {
  rows = std::clamp(rows, kMinEditorSide, kMaxGridSide);
  cols = std::clamp(cols, kMinEditorSide, kMaxGridSide);
  GridSpec g;
  g.rows.assign(static_cast<size_t>(rows), std::string(static_cast<size_t>(cols), '.'));
  g.rows.front().front() = 'S';
  g.rows.back().back() = 'G';
  return g;
}

double cell_extra(const std::vector<CellValue>& values, int row, int col) {
  double total = 0.0;
  for (const CellValue& v : values)
    if (at(v, row, col)) total += v.value;
  return total;
}

Expected<WorldUpload> read_world_upload(const std::string& name, const std::string& bytes, long long size) {
  if (size > kMaxWorldFileBytes || static_cast<long long>(bytes.size()) != size)
    return Status::error(name + ": " + std::to_string(size) + " bytes; the limit is " + std::to_string(kMaxWorldFileBytes) + " bytes");
  WorldUpload out;
  if (world_file_format(bytes) == "klab.mdp") {
    Expected<World> any = parse_world_json(bytes, name);
    if (!any.ok()) return any.status();
    out.is_grid = false;
    out.world = std::move(any.value());
    return out;
  }
  Expected<GridSpec> spec = parse_gridworld_json(bytes, name);
  if (!spec.ok()) return spec.status();
  const Expected<Grid> built = build_gridworld(spec.value());
  if (!built.ok()) return Status::error(name + ": " + built.error());
  out.spec = std::move(spec.value());
  out.grid = grid_param_text(out.spec);
  if (static_cast<int>(out.grid.size()) > kMaxGridParamLength)
    return Status::error(name + ": this grid takes " + std::to_string(out.grid.size()) + " characters as the parameter 'grid'; the limit is " +
                         std::to_string(kMaxGridParamLength) + " (links must stay short: fewer cell_rewards / cell_costs entries, or run it with --set mdp_file=PATH)");
  return out;
}

}  // namespace klab::mdp
