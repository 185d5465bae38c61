#include "mdp/presets.hpp"

#include <algorithm>
#include <cmath>

namespace klab::mdp {

const char* const kPresetIds[kPresetCount] = {"cliff", "four_rooms", "riverswim", "chain", "hazard_maze", "random"};
const char* const kPresetLabels[kPresetCount] = {"cliff walk", "four rooms", "RiverSwim", "chain", "hazard maze", "random MDP"};
static_assert(sizeof(kPresetIds) / sizeof(kPresetIds[0]) == static_cast<size_t>(Preset::Random) + 1);

bool preset_is_grid(Preset p) { return p == Preset::Cliff || p == Preset::FourRooms || p == Preset::HazardMaze; }

GridSpec preset_grid(Preset p) {
  switch (p) {
    case Preset::Cliff: return cliff_spec();
    case Preset::FourRooms: return four_rooms_spec();
    case Preset::HazardMaze: return hazard_maze_spec();
    case Preset::RiverSwim:
    case Preset::Chain:
    case Preset::Random: break;
  }
  return {};
}

GridSpec cliff_spec() {
  GridSpec g;
  g.rows = {"............", "............", "............", "SCCCCCCCCCCG"};
  g.step_reward = -1.0;
  g.goal_reward = 0.0;
  g.cliff_reward = -100.0;
  return g;
}

GridSpec four_rooms_spec() {
  GridSpec g;
  g.rows = {"#############",  //
            "#S....#.....#",  //
            "#.....#.....#",  //
            "#...........#",  //
            "#.....#.....#",  //
            "#.....#.....#",  //
            "##.####.....#",  //
            "#.....###.###",  //
            "#.....#.....#",  //
            "#.....#.....#",  //
            "#...........#",  //
            "#.....#....G#",  //
            "#############"};
  g.goal_reward = 1.0;
  return g;
}

GridSpec hazard_maze_spec() {
  GridSpec g;
  g.rows = {"#########",  //
            "#S..H..G#",  //
            "#.#.H.#.#",  //
            "#.#...#.#",  //
            "#.#####.#",  //
            "#.......#",  //
            "#########"};
  g.goal_reward = 1.0;
  g.hazard_cost = 1.0;
  return g;
}

Mdp river_swim(int n) {
  MdpBuilder b;
  for (int s = 0; s < n; ++s) {
    b.add_state();
    // left: one step towards the bank (stays at 0), 0.005 at the left bank
    b.add_action(s == 0 ? 0.005 : 0.0);
    b.add_next(std::max(0, s - 1), 1.0);
    // right: against the current
    b.add_action(s == n - 1 ? 1.0 : 0.0);
    if (s == 0) {
      b.add_next(0, 0.4), b.add_next(1, 0.6);
    } else if (s == n - 1) {
      b.add_next(s - 1, 0.4), b.add_next(s, 0.6);
    } else {
      b.add_next(s - 1, 0.05), b.add_next(s, 0.6), b.add_next(s + 1, 0.35);
    }
  }
  std::vector<double> start(static_cast<size_t>(n), 0.0);
  start[0] = 1.0;
  return b.finish(std::move(start), 0.95, 0);
}

Mdp chain(int n, double slip) {
  MdpBuilder b;
  for (int s = 0; s < n; ++s) {
    b.add_state();
    const int forward = std::min(n - 1, s + 1);
    const double r_forward = s == n - 1 ? 1.0 : 0.0, r_back = 0.2;
    // The action that happens earns its own reward: r_forward on reaching `forward`, r_back on going
    // back to 0 (reward outcomes per transition, mdp.hpp; r(s, a) is their expectation).
    // (The probabilities are slip and 1 − slip as written, not 1 − (1 − slip): the same bits as before the outcomes.)
    for (const bool ahead : {true, false}) {  // forward, then back to the start (the other one with probability slip)
      const double p_forward = ahead ? 1.0 - slip : slip, p_back = ahead ? slip : 1.0 - slip;
      b.add_action(ahead ? p_forward * r_forward + p_back * r_back : p_back * r_back + p_forward * r_forward);
      if (forward == 0) {  // n = 1: both lead to 0, the reward tells which happened
        b.add_next(0, 1.0), b.add_reward_outcome(r_forward, p_forward), b.add_reward_outcome(r_back, p_back);
      } else if (ahead) {
        b.add_next(forward, p_forward), b.add_reward_outcome(r_forward, 1.0);
        b.add_next(0, p_back), b.add_reward_outcome(r_back, 1.0);
      } else {
        b.add_next(0, p_back), b.add_reward_outcome(r_back, 1.0);
        b.add_next(forward, p_forward), b.add_reward_outcome(r_forward, 1.0);
      }
    }
  }
  std::vector<double> start(static_cast<size_t>(n), 0.0);
  start[0] = 1.0;
  return b.finish(std::move(start), 0.95, 0);
}

Mdp random_mdp(int states, int actions, int branching, Rng& rng, int reward_levels) {
  branching = std::min(branching, states);
  MdpBuilder b;
  std::vector<int> stamp(static_cast<size_t>(states), -1), successors;
  std::vector<double> cuts;
  int pair = 0;
  for (int s = 0; s < states; ++s) {
    b.add_state();
    for (int a = 0; a < actions; ++a, ++pair) {
      const double u = rng.uniform(), c = rng.uniform();
      // On the lattice: j/k with j = ⌊u (k + 1)⌋ ∈ {0, …, k}, uniform (the same draw u as the continuous reward).
      const double r = reward_levels > 0 ? std::min(std::floor(u * (reward_levels + 1)), static_cast<double>(reward_levels)) / reward_levels : u;
      b.add_action(r, c);
      successors.clear();
      while (static_cast<int>(successors.size()) < branching) {
        const int t = static_cast<int>(rng.below(static_cast<uint32_t>(states)));
        if (stamp[static_cast<size_t>(t)] == pair) continue;
        stamp[static_cast<size_t>(t)] = pair;
        successors.push_back(t);
      }
      cuts.assign(1, 0.0);
      for (int k = 1; k < branching; ++k) cuts.push_back(rng.uniform());
      cuts.push_back(1.0);
      std::sort(cuts.begin(), cuts.end());
      for (int k = 0; k < branching; ++k) b.add_next(successors[static_cast<size_t>(k)], cuts[static_cast<size_t>(k) + 1] - cuts[static_cast<size_t>(k)]);
    }
  }
  return b.finish(std::vector<double>(static_cast<size_t>(states), 1.0 / states), 0.95, 0);
}

}  // namespace klab::mdp
