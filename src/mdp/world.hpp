// The world a demo runs on, chosen by the same parameters in every mdp demo: a preset (presets.hpp)
// with its size, slip and wind; an edited gridworld (`grid`: the editor's klab.gridworld text, with
// the slip and wind parameters); or an MDP / gridworld JSON file (mdp_json.hpp). `grid` and
// `mdp_file` override the preset; at most one of them is set. The demo's own γ and horizon
// parameters replace the world's (file or preset) values.
//
// Random worlds are keyed by the lab's Rng: (world_seed) for one fixed world, or (seed, run) with
// vary_world, so a batch of runs solves a batch of random MDPs.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "core/params.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/presets.hpp"

namespace klab::mdp {

constexpr uint32_t kWorldStream = 0x3D0;  // Rng stream of random worlds (also mdp.robust's random nominal MDP)

struct World {
  std::string name;   // "hazard maze", "random MDP (S = 50, A = 4, b = 5)", "file maze.json"
  Mdp mdp;
  GridLayout layout;  // rows = 0 when the world is not a grid
};

struct WorldParams {
  Preset preset = Preset::HazardMaze;
  int size = 6;              // riverswim / chain length, random: S
  int actions = 4;           // random: A
  int branching = 5;         // random: successors per (s, a)
  double slip = 0.0;         // gridworlds and chain
  double wind = 0.0;         // gridworlds (north)
  long long world_seed = 1;  // random worlds without vary_world
  bool vary_world = true;    // random worlds: a new one per run, from (seed, run)
  std::string mdp_file;      // non-empty: load this file instead of the preset
  std::string grid;          // non-empty: this edited gridworld (mdp_json.hpp: grid_param_text) instead of the preset
  int reward_levels = 0;     // random: rewards uniform on {0, 1/k, …, 1}, k = reward_levels (mdp.risk); 0: uniform on [0, 1]
  double discount = 0.95;    // the demo's γ
  int horizon = 0;           // the demo's H (0: discounted)
};
// Every field (caches key on it: a field added above must be added here).
inline bool operator==(const WorldParams& a, const WorldParams& b) {
  return std::tie(a.preset, a.size, a.actions, a.branching, a.slip, a.wind, a.world_seed, a.vary_world, a.mdp_file, a.grid, a.reward_levels, a.discount, a.horizon) ==
         std::tie(b.preset, b.size, b.actions, b.branching, b.slip, b.wind, b.world_seed, b.vary_world, b.mdp_file, b.grid, b.reward_levels, b.discount, b.horizon);
}

constexpr int kMaxPathLength = 400;
// The longest `grid` text: a 64 × 64 grid takes about 4,400 characters; the URL hash, which
// percent-encodes '"', '#', '[' ..., then stays under about 3 × 8,192 ≈ 25,000.
constexpr int kMaxGridParamLength = 8192;

// Builds the world for run `run` of a batch with `seed` (the pair matters only for random worlds
// with vary_world). Messages name the parameter or the file's field.
Expected<World> build_world(const WorldParams& w, uint64_t seed, uint32_t run);
// The checks build_world would fail, without building big worlds: size bounds and the file.
Status check_world(const WorldParams& w);
// "hazard maze", "random MDP (S = 50, A = 4, b = 5, one per run)", "file maze.json", "edited gridworld
// (7 × 9)" (figure titles).
std::string world_label(const WorldParams& w);
// Whether runs of a batch see different worlds.
bool world_varies(const WorldParams& w);
// (states, pairs, transitions) of the world for bound checks (random: S, S·A, S·A·b).
struct WorldSize {
  long long states = 0, pairs = 0, transitions = 0;
};
Expected<WorldSize> world_size(const WorldParams& w);

// A demo's parameter struct P holds the WorldParams fields under the same names (preset → world);
// this declares them once for every demo, with the demo's defaults. A demo that takes only some of
// them (mdp.risk: no vary_world, its own slip and wind) declares the parts below it takes.
template <class P>
void declare_world_choice(ParamTable<P>& t, const WorldParams& d, int max_size) {  // world, size, actions, branching
  std::vector<std::string> ids(kPresetIds, kPresetIds + kPresetCount), labels(kPresetLabels, kPresetLabels + kPresetCount);
  t.choice("world", &P::world, d.preset, ids)
      .label("world")
      .choice_labels(labels)
      .help("The MDP: a gridworld preset, RiverSwim, the chain, or a random MDP (mdp_file overrides it).");
  t.integer("size", &P::size, d.size, 2, max_size).label("size n / S").log_scale().help("States of riverswim and chain, S of a random MDP.");
  t.integer("actions", &P::actions, d.actions, 1, kMaxActionsPerState).label("actions A").help("Actions per state of a random MDP.");
  t.integer("branching", &P::branching, d.branching, 1, 64).label("branching b").help("Successors of each (s, a) in a random MDP (at most S).");
}

template <class P>
void declare_world_seed(ParamTable<P>& t, const WorldParams& d) {
  t.integer("world_seed", &P::world_seed, d.world_seed, 0, 1000000000).label("world seed").help("Seed of the random MDP when the world does not vary per run.");
}

constexpr const char* kGridParamHelp =
    "A gridworld from the editor (mdp.planning's Live tab): klab.gridworld JSON on one line, without slip, wind, discount "
    "and horizon (the parameters of those names hold them). When set it replaces the world preset; empty: none.";
constexpr const char* kMdpFileParamHelp =
    "Path of a JSON MDP (format klab.mdp) or gridworld (klab.gridworld); when set it replaces the world preset (see src/mdp/README.md).";

template <class P>
void declare_world_files(ParamTable<P>& t, const std::string& mdp_file_help, const std::string& grid_help) {  // mdp_file, grid
  t.text("mdp_file", &P::mdp_file, "", kMaxPathLength).label("MDP file").help(mdp_file_help);
  t.text("grid", &P::grid, "", kMaxGridParamLength).label("edited grid").help(grid_help);
}

template <class P>
void declare_world_params(ParamTable<P>& t, const WorldParams& d, int max_size) {
  declare_world_choice(t, d, max_size);
  t.real("slip", &P::slip, d.slip, 0.0, 1.0).label("slip").help("Gridworlds: probability that a move goes in a uniformly random direction; chain: probability of the other action.");
  t.real("wind", &P::wind, d.wind, 0.0, 1.0).label("wind").help("Gridworlds: probability of being pushed one more cell north after a move.");
  declare_world_seed(t, d);
  t.boolean("vary_world", &P::vary_world, d.vary_world).label("new world per run").help("Random MDPs: each run draws its own MDP from (seed, run); off: every run uses the world seed's MDP.");
  declare_world_files(t, kMdpFileParamHelp, kGridParamHelp);
}

// reward_levels stays 0: no demo that calls this declares it (mdp.risk, which does, fills its own
// WorldParams: risk_world_params).
template <class P>
WorldParams world_params_of(const P& p) {
  WorldParams w;
  w.preset = p.world;
  w.size = p.size;
  w.actions = p.actions;
  w.branching = p.branching;
  w.slip = p.slip;
  w.wind = p.wind;
  w.world_seed = p.world_seed;
  w.vary_world = p.vary_world;
  w.mdp_file = p.mdp_file;
  w.grid = p.grid;
  w.discount = p.gamma;
  w.horizon = p.horizon;
  return w;
}

// The world of a fixed (non-varying) configuration, built once and shared by the runs of a batch
// (threads read it concurrently; the first caller builds it). Keyed by the parameters' version.
class WorldCache {
 public:
  WorldCache() = default;
  WorldCache(const WorldCache& other);
  WorldCache& operator=(const WorldCache& other);
  // The world for `run`: the cached one, or a fresh one when the world varies per run.
  Expected<std::shared_ptr<const World>> get(const WorldParams& w, uint64_t version, uint64_t seed, uint32_t run) const;

 private:
  mutable std::mutex mutex_;
  mutable uint64_t version_ = 0;
  mutable std::shared_ptr<const World> world_;
};

}  // namespace klab::mdp
