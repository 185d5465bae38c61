#include "mdp/world.hpp"

#include <algorithm>

#include "mdp/mdp_json.hpp"

namespace klab::mdp {
namespace {


Expected<World> preset_world(const WorldParams& w, uint64_t seed, uint32_t run) {
  World out;
  out.name = kPresetLabels[static_cast<int>(w.preset)];
  const auto grid = [&](GridSpec spec) -> Status {
    spec.slip = w.slip;
    spec.wind = w.wind;
    Expected<Grid> g = build_gridworld(spec);
    if (!g.ok()) return g.status();
    out.mdp = std::move(g.value().mdp);
    out.layout = std::move(g.value().layout);
    return {};
  };
  Status s;
  switch (w.preset) {
    case Preset::Cliff: s = grid(cliff_spec()); break;
    case Preset::FourRooms: s = grid(four_rooms_spec()); break;
    case Preset::HazardMaze: s = grid(hazard_maze_spec()); break;
    case Preset::RiverSwim:
      out.mdp = river_swim(w.size);
      out.name += " (n = " + std::to_string(w.size) + ")";
      break;
    case Preset::Chain:
      out.mdp = chain(w.size, w.slip);
      out.name += " (n = " + std::to_string(w.size) + ")";
      break;
    case Preset::Random: {
      Rng rng = w.vary_world ? Rng(seed, run, kWorldStream) : Rng(static_cast<uint64_t>(w.world_seed), 0, kWorldStream);
      out.mdp = random_mdp(w.size, w.actions, w.branching, rng, w.reward_levels);
      out.name += " (S = " + std::to_string(w.size) + ", A = " + std::to_string(w.actions) + ", b = " + std::to_string(std::min(w.branching, w.size)) +
                  (w.reward_levels > 0 ? ", rewards j/" + std::to_string(w.reward_levels) : "") + ")";
      break;
    }
  }
  if (!s.ok()) return s;
  return out;
}

// The editor's gridworld (`grid`) with the slip and wind parameters.
Expected<World> edited_world(const WorldParams& w) {
  Expected<GridSpec> spec = parse_grid_param(w.grid);
  if (!spec.ok()) return spec.status();
  spec.value().slip = w.slip;
  spec.value().wind = w.wind;
  Expected<Grid> g = build_gridworld(spec.value());
  if (!g.ok()) return Status::error("parameter 'grid': " + g.error());
  World out;
  out.name = world_label(w);
  out.mdp = std::move(g.value().mdp);
  out.layout = std::move(g.value().layout);
  return out;
}

}  // namespace

std::string world_label(const WorldParams& w) {
  if (!w.grid.empty()) {
    const Expected<GridSpec> spec = parse_grid_param(w.grid);
    if (!spec.ok()) return "edited gridworld";
    return "edited gridworld (" + std::to_string(spec.value().rows.size()) + " × " + std::to_string(spec.value().rows[0].size()) + ")";
  }
  if (!w.mdp_file.empty()) return "file " + file_name(w.mdp_file);
  std::string s = kPresetLabels[static_cast<int>(w.preset)];
  switch (w.preset) {
    case Preset::RiverSwim:
    case Preset::Chain: return s + " (n = " + std::to_string(w.size) + ")";
    case Preset::Random:
      return s + " (S = " + std::to_string(w.size) + ", A = " + std::to_string(w.actions) + ", b = " + std::to_string(std::min(w.branching, w.size)) +
             (w.reward_levels > 0 ? ", rewards j/" + std::to_string(w.reward_levels) : "") + (w.vary_world ? ", one per run)" : ")");
    case Preset::Cliff:
    case Preset::FourRooms:
    case Preset::HazardMaze: break;
  }
  return s;
}

bool world_varies(const WorldParams& w) { return w.mdp_file.empty() && w.grid.empty() && w.preset == Preset::Random && w.vary_world; }

Expected<WorldSize> world_size(const WorldParams& w) {
  WorldSize z;
  if (w.mdp_file.empty() && w.grid.empty() && w.preset == Preset::Random) {
    z.states = w.size;
    z.pairs = static_cast<long long>(w.size) * w.actions;
    z.transitions = z.pairs * std::min(w.branching, w.size);
    return z;
  }
  const Expected<World> built = build_world(w, 0, 0);
  if (!built.ok()) return built.status();
  z.states = built.value().mdp.states;
  z.pairs = built.value().mdp.pairs();
  z.transitions = built.value().mdp.transitions();
  return z;
}

Status check_world(const WorldParams& w) {
  if (w.mdp_file.empty() && w.grid.empty() && w.preset == Preset::Random) {
    const long long t = static_cast<long long>(w.size) * w.actions * std::min(w.branching, w.size);
    if (t > kMaxTransitions)
      return Status::error("a random MDP with size " + std::to_string(w.size) + ", actions " + std::to_string(w.actions) + " and branching " +
                           std::to_string(w.branching) + " has " + std::to_string(t) + " transitions; the limit is " + std::to_string(kMaxTransitions));
    return {};
  }
  const Expected<World> built = build_world(w, 0, 0);
  return built.status();
}

Expected<World> build_world(const WorldParams& w, uint64_t seed, uint32_t run) {
  if (!w.mdp_file.empty() && !w.grid.empty())
    return Status::error("parameters 'mdp_file' and 'grid' are both set: a world comes from one of them (clear the other)");
  Expected<World> out = !w.grid.empty() ? edited_world(w) : !w.mdp_file.empty() ? load_world_file(w.mdp_file) : preset_world(w, seed, run);
  if (!out.ok() && w.grid.empty() && !w.mdp_file.empty()) return Status::error("parameter 'mdp_file': " + out.error());
  if (!out.ok()) return out;
  Mdp& m = out.value().mdp;
  m.discount = w.discount;
  m.horizon = w.horizon;
  const Status s = check_mdp(m);
  if (!s.ok()) return s;
  return out;
}

WorldCache::WorldCache(const WorldCache& other) {
  std::lock_guard<std::mutex> lock(other.mutex_);
  version_ = other.version_;
  world_ = other.world_;
}

WorldCache& WorldCache::operator=(const WorldCache& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  version_ = other.version_;
  world_ = other.world_;
  return *this;
}

Expected<std::shared_ptr<const World>> WorldCache::get(const WorldParams& w, uint64_t version, uint64_t seed, uint32_t run) const {
  if (world_varies(w)) {
    Expected<World> built = build_world(w, seed, run);
    if (!built.ok()) return built.status();
    return std::shared_ptr<const World>(std::make_shared<World>(std::move(built.value())));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!world_ || version_ != version) {
    Expected<World> built = build_world(w, seed, run);
    if (!built.ok()) return built.status();
    world_ = std::make_shared<World>(std::move(built.value()));
    version_ = version;
  }
  return world_;
}

}  // namespace klab::mdp
