// The mdp chapter's worlds: gridworld dynamics with known transition probabilities (walls, slip,
// wind, cliff, goal), the presets' structure, the random generator, JSON round trips of any MDP and
// of gridworlds, and one validation message per kind of bad file (each names its field).
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <string>

#include "mdp/mdp_json.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/presets.hpp"
#include "mdp/world.hpp"
#include "unit/test_util.hpp"

namespace {

using namespace klab::mdp;
using klab::test::contains;

// P(· | s, a) as a map s′ → p.
std::map<int, double> next_of(const Mdp& m, int s, int a) {
  std::map<int, double> out;
  const int i = m.first_pair[s] + a;
  for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) out[m.next_state[e]] += m.next_prob[e];
  return out;
}

int state_at(const Grid& g, int r, int c) { return g.layout.state_of_cell[static_cast<size_t>(r * g.layout.cols + c)]; }

std::string error_of(const std::string& text) {
  const klab::Expected<World> w = parse_world_json(text, "t.json");
  return w.ok() ? std::string("(no error)") : w.error();
}

const char* kGoodMdp = R"({"format": "klab.mdp", "version": 1, "states": 2, "discount": 0.9,
  "start": [[0, 1]],
  "actions": [[{"reward": 1, "next": [[0, 0.5], [1, 0.5]]}, {"reward": 0, "cost": 1, "next": [[1, 1]]}],
              [{"reward": 2, "next": [[1, 1]]}]]})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("gridworld: walls block, slip spreads over four directions, wind pushes, the cliff returns to the start") {
  GridSpec spec;
  spec.rows = {"S..", ".#.", "..G"};
  spec.step_reward = -1.0;
  const Grid g = build_gridworld(spec).value();
  CHECK(g.mdp.states == 8);  // nine cells minus one wall
  const int s00 = state_at(g, 0, 0), s01 = state_at(g, 0, 1), s10 = state_at(g, 1, 0);
  CHECK(next_of(g.mdp, s00, static_cast<int>(Direction::North)) == std::map<int, double>{{s00, 1.0}});  // border
  CHECK(next_of(g.mdp, s01, static_cast<int>(Direction::South)) == std::map<int, double>{{s01, 1.0}});  // wall
  CHECK(g.mdp.reward[static_cast<size_t>(g.mdp.first_pair[s00])] == -1.0);
  const int goal = state_at(g, 2, 2);
  CHECK(g.mdp.actions(goal) == 1);  // absorbing
  CHECK(g.mdp.reward[static_cast<size_t>(g.mdp.first_pair[state_at(g, 1, 2)] + static_cast<int>(Direction::South))] == doctest::Approx(-1.0 + 1.0));
  spec.slip = 0.4;
  spec.wind = 0.5;
  spec.wind_direction = Direction::South;
  const Grid w = build_gridworld(spec).value();
  // From (0,0) east: intended (0,1) w.p. 0.6 + 0.1, north/west blocked (stay) 0.2, south (1,0) 0.1;
  // then wind south w.p. 0.5: (0,1) is above the wall (stays), (0,0) → (1,0), (1,0) → (2,0).
  const auto p = next_of(w.mdp, s00, static_cast<int>(Direction::East));
  CHECK(p.at(s01) == doctest::Approx(0.7));
  CHECK(p.at(s00) == doctest::Approx(0.1));
  CHECK(p.at(s10) == doctest::Approx(0.1 + 0.05));
  CHECK(p.at(state_at(w, 2, 0)) == doctest::Approx(0.05));
  // Cliff walk: east from the start enters the cliff: −1 − 100 and back to the start.
  const Grid cliff = build_gridworld(cliff_spec()).value();
  const int start = state_at(cliff, 3, 0);
  CHECK(cliff.mdp.states == 38);  // 48 cells minus 10 cliff cells
  CHECK(cliff.mdp.reward[static_cast<size_t>(cliff.mdp.first_pair[start] + static_cast<int>(Direction::East))] == -101.0);
  CHECK(next_of(cliff.mdp, start, static_cast<int>(Direction::East)) == std::map<int, double>{{start, 1.0}});
  // Its optimum walks along the cliff: 13 steps of −1, so V*(start) = −Σ_{t<13} γ^t.
  const double g95 = 0.95;
  CHECK(solve_optimal(cliff.mdp).v[start] == doctest::Approx(-(1 - std::pow(g95, 13)) / (1 - g95)).epsilon(1e-12));
}

TEST_CASE("gridworld specs: each mistake is named") {
  const auto error = [](GridSpec s) { return build_gridworld(s).error(); };
  GridSpec s;
  s.rows = {"S.", "..."};
  CHECK(contains(error(s), "grid row 1 has 3 cells, row 0 has 2"));
  s.rows = {"S.x"};
  CHECK(contains(error(s), "grid row 0, column 2: unknown cell 'x'"));
  s.rows = {"..G"};
  CHECK(contains(error(s), "no start cell 'S'"));
  s.rows = {"S.G"};
  s.slip = 1.5;
  CHECK(contains(error(s), "slip must be a probability in [0, 1]"));
  s.slip = 0.0;
  s.cell_rewards = {{0, 7, 1.0}};
  CHECK(contains(error(s), "cell_rewards[0]: cell (0, 7) is outside the 1 × 3 grid"));
  s.rows = {"S#G"};
  s.cell_rewards = {{0, 1, 1.0}};
  CHECK(contains(error(s), "cell_rewards[0]: cell (0, 1) is a wall"));
  // Rewards and costs within ±kMaxRewardMagnitude (tests/fuzz/world_fuzz.cpp found sums of finite rewards
  // that overflowed); a non-ASCII byte is named by its value, so the message stays valid UTF-8.
  s.rows = {"SG"};
  s.cell_rewards = {{0, 1, 1e13}};
  CHECK(contains(error(s), "cell_rewards[0]: the value must be a number in [-1e+12, 1e+12]"));
  s.cell_rewards = {};
  s.step_reward = -1e300;
  CHECK(contains(error(s), "step_reward must be a number in [-1e+12, 1e+12]"));
  s.step_reward = 0.0;
  s.rows = {"S\x01G"};
  CHECK(contains(error(s), "grid row 0, column 1: unknown cell byte 0x01"));
}

TEST_CASE("presets: RiverSwim's optimum swims right, the chain's goes forward, random MDPs are valid and reproducible") {
  Mdp rs = river_swim(6);
  rs.discount = 0.95;
  REQUIRE(check_mdp(rs).ok());
  const Optimum o = solve_optimal(rs);
  for (int s = 0; s < 6; ++s) CHECK(o.actions[static_cast<size_t>(s)] == 1);
  Mdp ch = chain(5, 0.2);
  ch.discount = 0.95;
  REQUIRE(check_mdp(ch).ok());
  CHECK(solve_optimal(ch).actions[0] == 0);
  klab::Rng a(5, 1, 2), b(5, 1, 2);
  const Mdp r1 = random_mdp(40, 3, 5, a), r2 = random_mdp(40, 3, 5, b);
  REQUIRE(check_mdp(r1).ok());
  CHECK(r1.next_state == r2.next_state);
  CHECK(r1.next_prob == r2.next_prob);
  CHECK(r1.transitions() == 40 * 3 * 5);
  for (const GridSpec& g : {four_rooms_spec(), hazard_maze_spec(), cliff_spec()}) CHECK(build_gridworld(g).ok());
}

TEST_CASE("JSON: any MDP and any gridworld survive a round trip exactly") {
  klab::Rng rng(8, 0, 0);
  Mdp m = random_mdp(25, 3, 4, rng);
  m.horizon = 7;
  m.discount = 1.0;
  const klab::Expected<World> back = parse_world_json(mdp_to_json(m), "round.json");
  REQUIRE_MESSAGE(back.ok(), back.error());
  const Mdp& n = back.value().mdp;
  CHECK(n.states == m.states);
  CHECK(n.first_pair == m.first_pair);
  CHECK(n.first_next == m.first_next);
  CHECK(n.next_state == m.next_state);
  CHECK(n.next_prob == m.next_prob);  // shortest round-trip digits: exact
  CHECK(n.reward == m.reward);
  CHECK(n.cost == m.cost);
  CHECK(n.start == m.start);
  CHECK(n.horizon == 7);
  CHECK(n.discount == 1.0);
  GridSpec g = hazard_maze_spec();
  g.slip = 0.15, g.wind = 0.05, g.wind_direction = Direction::East;
  g.cell_rewards = {{5, 3, 0.25}};
  g.cell_costs = {{3, 3, 2.0}};
  const klab::Expected<GridSpec> gb = parse_gridworld_json(gridworld_to_json(g), "g.json");
  REQUIRE_MESSAGE(gb.ok(), gb.error());
  CHECK(gridworld_to_json(gb.value()) == gridworld_to_json(g));
  const klab::Expected<World> gw = parse_world_json(gridworld_to_json(g), "g.json");
  REQUIRE(gw.ok());
  CHECK(gw.value().mdp.next_prob == build_gridworld(g).value().mdp.next_prob);
  CHECK(gw.value().layout.rows == 7);
}

TEST_CASE("JSON validation: every bad file gets a message naming the field and the allowed range") {
  REQUIRE(parse_world_json(kGoodMdp, "t.json").ok());
  const struct {
    std::string text;
    std::vector<std::string> says;
  } cases[] = {
      {replaced(kGoodMdp, "[[0, 0.5], [1, 0.5]]", "[[0, 0.5], [1, 0.4]]"), {"t.json: actions[0][0].next: probabilities sum to 0.9, not 1 (tolerance 1e-9)"}},
      {replaced(kGoodMdp, "[[1, 1]]}]]", "[[2, 1]]}]]"), {"actions[1][0].next[0]: state 2 is outside [0, 2)"}},
      {replaced(kGoodMdp, "[[1, 1]]}]]", "[[-1, 1]]}]]"), {"actions[1][0].next[0]: state -1 is outside [0, 2)"}},
      {replaced(kGoodMdp, "[[1, 1]]}]]", "[[\"b\", 1]]}]]"), {"actions[1][0].next[0]: the state must be an integer in [0, 2)"}},
      {replaced(kGoodMdp, "[[0, 0.5], [1, 0.5]]", "[[1, 0.5], [1, 0.5]]"), {"actions[0][0].next[1]: state 1 is listed twice"}},
      {replaced(kGoodMdp, "\"discount\": 0.9", "\"discount\": -0.1"), {"t.json: discount: must be in [0, 1)", "(got -0.1)"}},
      {replaced(kGoodMdp, "\"discount\": 0.9", "\"discount\": 1"), {"discount: must be in [0, 1) (1 only with a finite horizon ≥ 1)"}},
      {replaced(kGoodMdp, "\"discount\": 0.9", "\"discount\": 1.5, \"horizon\": 4"), {"discount: must be in [0, 1] (got 1.5)"}},
      {replaced(kGoodMdp, "\"reward\": 2", "\"reward\": NaN"), {"t.json: not valid JSON near byte"}},
      {replaced(kGoodMdp, "\"reward\": 2", "\"reward\": 1e999"), {"not valid JSON", "number overflow"}},
      {replaced(kGoodMdp, "\"reward\": 2", "\"reward\": \"2\""), {"actions[1][0].reward: must be a number", "(got a JSON string)"}},
      {replaced(kGoodMdp, "[{\"reward\": 2, \"next\": [[1, 1]]}]", "[]"), {"actions[1]: state 1 has no actions (each state needs 1 to 64)"}},
      {replaced(kGoodMdp, "\"states\": 2", "\"states\": 3"), {"actions: must be a list of 3 lists (one per state; got 2 lists)"}},
      {replaced(kGoodMdp, "\"states\": 2", "\"states\": 0"), {"states: must be an integer in [1, 100000] (got 0)"}},
      {replaced(kGoodMdp, "\"start\": [[0, 1]]", "\"start\": [[0, 0.7]]"), {"start: probabilities sum to 0.7, not 1"}},
      {replaced(kGoodMdp, "\"start\": [[0, 1]],", ""), {"start: missing"}},
      {replaced(kGoodMdp, "\"cost\": 1,", "\"cots\": 1,"), {"actions[0][1].cots: unknown field (allowed: cost, next, next_rewards, reward)"}},
      {replaced(kGoodMdp, "\"version\": 1", "\"version\": 2"), {"version: must be an integer in [1, 1] (got 2)"}},
      {replaced(kGoodMdp, "klab.mdp", "klab.mpd"), {"format: must be \"klab.mdp\" (got \"klab.mpd\")"}},
      {"[1, 2, 3]", {"t.json: the file: must be a JSON object"}},
      {"{\"format\": \"klab.mdp\"", {"not valid JSON near byte"}},
      {R"({"format": "klab.gridworld", "version": 1, "grid": ["S.x"]})", {"t.json: grid row 0, column 2: unknown cell 'x'"}},
      {R"({"format": "klab.gridworld", "version": 1, "grid": ["S.G"], "wind_direction": "up"})", {"wind_direction: must be one of"}},
      {R"({"format": "klab.gridworld", "version": 1, "grid": ["S.G"], "slip": 2})", {"slip: must be a number in [0, 1] (got 2)"}},
      {R"({"format": "klab.gridworld", "version": 1, "grid": ["S.G"], "cell_costs": [[0, 1]]})", {"cell_costs[0]: must be a [row, column, value] triple"}},
      // Found by tests/fuzz/world_fuzz.cpp: rewards and costs are bounded (kMaxRewardMagnitude), so values
      // and a grid's sums of rewards stay finite; messages stay valid UTF-8.
      {replaced(kGoodMdp, "\"reward\": 2", "\"reward\": 1e308"), {"actions[1][0].reward: must be a number in [-1e+12, 1e+12] (got 1e+308)"}},
      {replaced(kGoodMdp, "\"cost\": 1,", "\"cost\": -2e12,"), {"actions[0][1].cost: must be a number in [-1e+12, 1e+12]"}},
      {R"({"format": "klab.gridworld", "version": 1, "grid": ["SG"], "goal_reward": 1e308, "cell_rewards": [[0, 1, 1e308]]})",
       {"t.json: goal_reward: must be a number in [-1e+12, 1e+12] (got 1e+308)"}},
      {"{\"format\": \"klab.gridworld\", \"version\": 1, \"grid\": [\"S\xc3\xa9G\"]}", {"t.json: grid row 0, column 1: unknown cell byte 0xC3 (allowed: . # S G H C)"}},
      {"{\"format\": \"\xc3", {"t.json: not valid JSON near byte", "ill-formed UTF-8 byte; last read: '\"\\xC3'"}},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.text);
    CAPTURE(e);
    for (const std::string& s : c.says) CHECK(contains(e, s));
  }
  CHECK(contains(error_of(replaced(kGoodMdp, "\"discount\": 0.9", "\"discount\": 0.9, \"horizon\": 5000")), "horizon: must be an integer in [0, 1000] (got 5000)"));
  // Too large: refused before parsing, as text and as a file.
  CHECK(contains(error_of(std::string(static_cast<size_t>(kMaxWorldFileBytes) + 1, ' ')), "t.json: 16777217 bytes; the limit is 16777216 bytes"));
  const std::string dir = klab::test::fresh_dir("mdp_world_files");
  const std::string big = dir + "/big.json";
  FILE* f = std::fopen(big.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fseek(f, kMaxWorldFileBytes + 10, SEEK_SET);
  std::fputc(' ', f);
  std::fclose(f);
  CHECK(contains(load_world_file(big).error(), "has 16777227 bytes; the limit is 16777216 bytes"));
  std::remove(big.c_str());
  CHECK(contains(load_world_file(dir + "/missing.json").error(), "cannot read the MDP file"));
  const std::string good = dir + "/good.json";
  f = std::fopen(good.c_str(), "wb");
  std::fputs(kGoodMdp, f);
  std::fclose(f);
  const klab::Expected<World> w = load_world_file(good);
  REQUIRE(w.ok());
  CHECK(w.value().name == "file good.json");
}

TEST_CASE("world parameters: presets, random worlds per run, files, and the size bound") {
  WorldParams w;
  w.preset = Preset::Random;
  w.size = 30, w.actions = 3, w.branching = 4;
  w.discount = 0.9;
  CHECK(world_varies(w));
  const World a = build_world(w, 7, 0).value(), b = build_world(w, 7, 1).value(), a2 = build_world(w, 7, 0).value();
  CHECK(a.mdp.next_prob == a2.mdp.next_prob);
  CHECK(a.mdp.next_prob != b.mdp.next_prob);
  CHECK(a.mdp.discount == 0.9);
  w.size = 100000, w.actions = 64, w.branching = 64;
  CHECK(contains(check_world(w).message(), "transitions; the limit is 4000000"));
  w.preset = Preset::HazardMaze;
  CHECK(check_world(w).ok());
  w.mdp_file = "/nonexistent/m.json";
  CHECK(contains(check_world(w).message(), "cannot read the MDP file '/nonexistent/m.json'"));
  WorldCache cache;
  w.mdp_file.clear();
  const auto first = cache.get(w, 3, 1, 0), again = cache.get(w, 3, 1, 5);
  REQUIRE(first.ok());
  CHECK(first.value().get() == again.value().get());  // built once for a fixed world
  CHECK(cache.get(w, 4, 1, 0).value().get() != first.value().get());  // rebuilt for new parameters
}
