// The gridworld editor, in the browser and the native window (the same ImGui code): a brush
// palette (free, wall, start, goal, hazard, cliff, reward and cost cells), the presets, a blank
// grid of any size up to 64 × 64, the random-MDP generator's S, A and branching, slip and wind,
// and files (upload or a typed path, download of the grid as klab.gridworld and of any world as
// klab.mdp).
//
// The world it edits is the demo's world parameters (world.hpp): a painted grid becomes the `grid`
// parameter (the klab.gridworld text of mdp_json.hpp's grid_param_text), so the URL hash and "Copy
// CLI command" reproduce it. Every edit goes through ParamSet::assign (ranges, the world's
// validation); a rejected edit changes nothing and its message shows under the toolbar. A stroke
// of the brush is one edit, committed when the button is released (the demo then solves the new
// world once, not once per painted cell). Cell operations: grid_edit.hpp.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/params.hpp"
#include "imgui.h"
#include "mdp/grid_edit.hpp"
#include "mdp/world.hpp"
#include "ui/platform.hpp"

namespace klab::mdp {

class WorldEditor {
 public:
  bool open() const { return open_; }
  void set_open(bool on) { open_ = on; }
  // A demo without the `world` parameter (mdp.safe_meta, mdp.irl): what the canvas shows while `grid`
  // is empty — `base`, its default world as a grid to paint on (the first stroke sets `grid`), or
  // without one `note`, why its default world is not a grid.
  void set_default_world(std::optional<GridSpec> base, std::string note);
  // The side of "New grid" until the reader changes it (12 by default; demos that take only small
  // grids start lower, so the button gives a grid they take).
  void set_new_grid_side(int side) { new_rows_ = new_cols_ = side; }

  // Files picked (browser) or offered (a typed path) since the last frame: a valid klab.gridworld
  // file replaces the world (grid, slip and wind from the file, mdp_file cleared) and opens the
  // editor; a valid klab.mdp file becomes the world through `mdp_file` (its typed path, or in the
  // browser the copy keep_uploaded_world makes); any other file changes nothing and the message
  // names the file's field.
  void take_files(ParamSet& params);
  // Brushes, presets, sizes, slip and wind, files: rows that wrap to the available width.
  // `world` is the world the demo runs (null when it has none): what "Download MDP" saves.
  void draw_toolbar(ParamSet& params, const World* world);
  // The grid in a cell of `size`: the left button paints with the current brush.
  void draw_canvas(ParamSet& params, ImVec2 size);

 private:
  void sync(const ParamSet& params);
  // Applies `changes` (key, text) atomically; on failure nothing changes and the message shows.
  bool apply(ParamSet& params, const std::vector<std::pair<std::string, std::string>>& changes);
  void say(const std::string& text, bool error);
  void load_file(ParamSet& params, const ui::PickedFile& file);
  void draw_brushes();
  void draw_worlds(ParamSet& params);
  void draw_dynamics(ParamSet& params);
  void draw_files(ParamSet& params, const World* world);

  bool open_ = false;
  uint64_t seen_version_ = ~0ull;
  bool is_grid_ = false;       // the world is a grid the editor can paint (a grid preset or `grid`)
  std::string not_grid_;       // why it is not
  GridSpec committed_;         // the grid the parameters hold
  GridSpec draft_;             // during a stroke: committed_ with the stroke's cells painted
  bool stroke_ = false;
  Brush brush_ = Brush::Wall;
  double reward_value_ = 1.0, cost_value_ = 1.0;  // what the reward and cost brushes put on a cell
  int new_rows_ = 12, new_cols_ = 12;
  std::map<std::string, double> held_;  // sliders being dragged: their values until release
  std::string path_;           // native: the file to load
  std::string message_;
  bool message_error_ = false;
  std::optional<GridSpec> default_grid_;  // set_default_world
  std::string default_note_;
};

// The "Edit the world" button of a live view (mdp.planning, mdp.learning, mdp.constrained, mdp.risk, mdp.safe_meta, mdp.irl): a link that
// carries an edited grid opens the editor until the reader closes it (`dismissed`); takes the files
// picked since the last frame. The caller then draws the toolbar when the editor is open.
void draw_edit_world_button(WorldEditor& editor, bool& dismissed, ParamSet& params);

}  // namespace klab::mdp
