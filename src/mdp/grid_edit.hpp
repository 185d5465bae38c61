// The gridworld editor's operations on a GridSpec (gridworld.hpp): painting cells with a brush and
// starting a blank grid. The editor's view (world_editor.cpp, the browser and the native GUI) calls
// only these, so the tests check what a click does; the edited world travels as the `grid` world
// parameter (mdp_json.hpp: grid_param_text, parse_grid_param).
//
// The editor keeps one extra-reward and one extra-cost entry per cell (a file may list a cell
// twice: the builder adds them up; painting such a cell replaces them by one entry).
#pragma once
#include <string>
#include <vector>

#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {

enum class Brush { Free, Wall, Start, Goal, Hazard, Cliff, Reward, Cost };
constexpr int kBrushCount = 8;
extern const char* const kBrushLabels[kBrushCount];  // "free", "wall", ... in Brush order

// Smallest and largest side of a blank grid (the builder takes up to kMaxGridSide).
constexpr int kMinEditorSide = 2;

// Paints cell (row, col) (row 0 at the top); returns whether the spec changed.
//   Free            the cell becomes '.', its extra reward and cost are removed;
//   Wall            '#', extra reward and cost removed (the builder refuses them on walls);
//   Start ... Cliff 'S', 'G', 'H', 'C' (extra reward and cost kept);
//   Reward, Cost    the cell's extra reward / cost becomes `value` (0 removes it); a wall becomes '.'.
// A cell outside the grid changes nothing.
bool paint(GridSpec& g, int row, int col, Brush brush, double value);

// rows × cols free cells, the start in the top-left corner and the goal in the bottom-right one,
// goal reward 1, everything else at the GridSpec defaults. Sides are clamped to
// [kMinEditorSide, kMaxGridSide].
GridSpec blank_grid(int rows, int cols);

// The cell's extra reward / cost (0 when it has none): what the editor shows on the cell.
double cell_extra(const std::vector<CellValue>& values, int row, int col);

// The grid fields a demo may hold as world parameters of the same names (mdp.risk holds both; the
// other demos keep them in the grid). The editor's upload moves a file's values of them into those
// parameters and "Download grid" writes the parameters back into the file (world_editor_panel.cpp);
// a demo that holds them refuses them inside its `grid` (parse_grid_param's `held`: held_grid_keys()).
struct HeldGridField {
  const char* key;                                        // the grid field and the parameter
  std::string (*read)(const GridSpec& g);                 // g's value as the parameter's text
  Status (*write)(GridSpec& g, const std::string& text);  // the parameter's text into g (a message names the field)
};
constexpr int kHeldGridFieldCount = 2;
extern const HeldGridField kHeldGridFields[kHeldGridFieldCount];  // wind_direction, cliff_reward
const std::vector<std::string>& held_grid_keys();                 // their keys, in that order

// A file given to the editor (an upload, or a path natively) of `size` bytes (`bytes` empty when
// it was too large to read), checked by the file validator (mdp_json.hpp): a klab.gridworld file,
// also checked by build_gridworld, whose grid fits the `grid` parameter; or a klab.mdp file (any
// tabular MDP, which a `grid` cannot hold: the editor points `mdp_file` at it). Messages start with
// the file's name and name the field.
struct WorldUpload {
  bool is_grid = true;
  GridSpec spec;     // a grid: as in the file (slip, wind, discount and horizon included)
  std::string grid;  // a grid: the `grid` parameter's text of it (grid_param_text)
  World world;       // a klab.mdp file: its world
};
Expected<WorldUpload> read_world_upload(const std::string& name, const std::string& bytes, long long size);

}  // namespace klab::mdp
