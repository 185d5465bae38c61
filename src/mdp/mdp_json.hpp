// JSON files of worlds: any tabular MDP (format "klab.mdp") or a gridworld ("klab.gridworld", what
// the browser editor saves). Loading validates every field and names it in the message
// ("maze.json: actions[3][1].next[0]: state 7 is outside [0, 5)"); nothing is silently changed.
//
// klab.mdp, version 1:
//   { "format": "klab.mdp", "version": 1,
//     "states": S,                               integer in [1, 100000]
//     "discount": γ,                             [0, 1), or [0, 1] with "horizon" ≥ 1
//     "horizon": H,                              optional integer in [0, 1000], 0 (default): discounted
//     "start": [[s, p], ...],                    ρ: distinct states, p ≥ 0, Σ p = 1 ± 1e-9
//     "actions": [                               one list per state (S lists), each with 1 to 64 actions
//        [ {"reward": r, "cost": c, "next": [[s′, p], ...]}, ... ],   cost optional (0); next: distinct s′, Σ p = 1 ± 1e-9
//        ... ] }
//   every reward and cost (here and in next_rewards) in [-1e12, 1e12] (kMaxRewardMagnitude, mdp.hpp)
//   optional per action (for every action or for none): the reward's distribution per successor,
//     "next_rewards": [ [[r, q], ...], ... ]   one list per entry of "next" (same order): reward r paid with
//                                              probability q given that successor, Σ q = 1 ± 1e-9, and
//                                              Σ_next p Σ q r = "reward" ± 1e-9·(1 + max |r|) (mdp.hpp: reward outcomes)
// klab.gridworld, version 1 (gridworld.hpp has the cell characters and the dynamics):
//   { "format": "klab.gridworld", "version": 1, "grid": ["#####", "#S.G#", "#####"],
//     optional: "slip", "wind" (probabilities), "wind_direction" ("north" | "east" | "south" | "west"),
//     "step_reward", "goal_reward", "cliff_reward", "hazard_cost" (numbers in [-1e12, 1e12]),
//     "cell_rewards", "cell_costs" ([[row, col, value], ...], values in [-1e12, 1e12]), "discount", "horizon" }
// Unknown fields are errors (they are usually typos). Files above kMaxWorldFileBytes are refused
// before they are read.
#pragma once
#include <string>
#include <vector>

#include "mdp/world.hpp"

namespace klab::mdp {

constexpr long long kMaxWorldFileBytes = 16LL * 1024 * 1024;

std::string mdp_to_json(const Mdp& m);
std::string gridworld_to_json(const GridSpec& g);

// The `grid` world parameter (world.hpp), what the gridworld editor writes: a klab.gridworld
// document on one line, without "slip" and "wind" (the world parameters of the same names hold
// them), "discount" and "horizon" (the demo's γ and H), and without fields at their defaults, so
// that links stay short (at most kMaxGridParamLength characters, world.hpp).
std::string grid_param_text(const GridSpec& g);
// The JSON checks of a klab.gridworld file (the cells are checked by build_gridworld), and the four
// fields above refused by name; messages start with "parameter 'grid': ". A demo that holds more of
// the grid's fields as parameters of the same name (mdp.risk: grid_edit.hpp's held_grid_keys())
// lists them in `held`: they are refused inside the grid too.
Expected<GridSpec> parse_grid_param(const std::string& text, const std::vector<std::string>& held = {});

// The "format" field of a JSON object ("klab.mdp", "klab.gridworld"); empty when there is none.
std::string world_file_format(const std::string& text);

// `source` prefixes the messages (the file name).
Expected<World> parse_world_json(const std::string& text, const std::string& source);
Expected<GridSpec> parse_gridworld_json(const std::string& text, const std::string& source);
Expected<World> load_world_file(const std::string& path);
// The file name of a path: what follows its last '/' (the whole path without one). Messages and labels name files by it.
std::string file_name(const std::string& path);
// The bytes of a world file (at most kMaxWorldFileBytes), for load_world_file and the editor.
Expected<std::string> read_world_file(const std::string& path);

// A klab.mdp file uploaded in the browser has no path, and a link can hold a path but not an MDP: the
// editor keeps a copy in the folder uploaded_world_dir() (in the browser the page's in-memory file
// system, which lives as long as the tab; natively $TMPDIR or /tmp) under the file's name and a
// digest of its bytes (a changed file gets a new path, so no cache mistakes it for the old one), and
// sets `mdp_file` to that path. Returns the path.
std::string uploaded_world_dir();
Expected<std::string> keep_uploaded_world(const std::string& name, const std::string& bytes);

}  // namespace klab::mdp
