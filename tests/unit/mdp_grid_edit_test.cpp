// The gridworld editor's operations (grid_edit.hpp) and the `grid` world parameter: what each
// brush does to a cell; edit → save → load gives the identical world (through the parameter, the
// URL hash, the CLI command and a klab.gridworld file); bad grids and bad uploads are refused with
// the field named and nothing changed.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/run_output.hpp"
#include "core/url_state.hpp"
#include "mdp/grid_edit.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/presets.hpp"
#include "unit/test_util.hpp"

namespace {

using namespace klab::mdp;

char editor_cell(const GridSpec& g, int r, int c) { return g.rows[static_cast<size_t>(r)][static_cast<size_t>(c)]; }

// The hazard maze with one of each edit the editor makes.
GridSpec edited_maze() {
  GridSpec g = hazard_maze_spec();
  paint(g, 5, 3, Brush::Wall, 0.0);
  paint(g, 3, 3, Brush::Reward, 0.25);
  paint(g, 3, 5, Brush::Cost, 2.0);
  paint(g, 5, 1, Brush::Cliff, 0.0);
  paint(g, 1, 7, Brush::Free, 0.0);  // the old goal ...
  paint(g, 5, 7, Brush::Goal, 0.0);  // ... moved
  g.goal_reward = 3.0;
  g.wind_direction = Direction::East;
  return g;
}

// The world a demo's parameters describe, as klab.mdp text (every probability, reward and cost).
std::string planning_world_json(const PlanningExperiment& e) {
  const klab::Expected<std::shared_ptr<const World>> w = e.world_for(1, 0);
  REQUIRE(w.ok());
  return mdp_to_json(w.value()->mdp);
}

}  // namespace

TEST_CASE("grid editor: each brush paints what it says, walls drop a cell's reward and cost, outside cells change nothing") {
  GridSpec g = blank_grid(3, 4);
  CHECK(g.rows == std::vector<std::string>{"S...", "....", "...G"});
  CHECK(blank_grid(1, 100).rows.size() == static_cast<size_t>(kMinEditorSide));
  CHECK(blank_grid(1, 100).rows[0].size() == static_cast<size_t>(kMaxGridSide));
  const struct {
    Brush brush;
    char cell;
  } types[] = {{Brush::Wall, '#'}, {Brush::Start, 'S'}, {Brush::Goal, 'G'}, {Brush::Hazard, 'H'}, {Brush::Cliff, 'C'}, {Brush::Free, '.'}};
  for (const auto& t : types) {
    CAPTURE(kBrushLabels[static_cast<int>(t.brush)]);
    CHECK(paint(g, 1, 1, t.brush, 0.0));
    CHECK(editor_cell(g, 1, 1) == t.cell);
    CHECK_FALSE(paint(g, 1, 1, t.brush, 0.0));  // the same stroke again changes nothing
  }
  // Reward and cost: one entry per cell, replaced, removed by 0; a wall becomes free.
  CHECK(paint(g, 1, 2, Brush::Reward, 0.5));
  CHECK(paint(g, 1, 2, Brush::Reward, -2.0));
  CHECK(g.cell_rewards.size() == 1);
  CHECK(cell_extra(g.cell_rewards, 1, 2) == -2.0);
  CHECK(paint(g, 1, 2, Brush::Cost, 1.5));
  CHECK(paint(g, 1, 2, Brush::Hazard, 0.0));  // a type keeps the extras
  CHECK(cell_extra(g.cell_costs, 1, 2) == 1.5);
  CHECK(paint(g, 1, 2, Brush::Wall, 0.0));  // a wall drops them (the builder refuses extras on walls)
  CHECK(g.cell_rewards.empty());
  CHECK(g.cell_costs.empty());
  CHECK(paint(g, 1, 2, Brush::Reward, 1.0));
  CHECK(editor_cell(g, 1, 2) == '.');
  CHECK(paint(g, 1, 2, Brush::Reward, 0.0));
  CHECK(g.cell_rewards.empty());
  const GridSpec before = g;
  for (const auto& [r, c] : {std::pair{-1, 0}, std::pair{3, 0}, std::pair{0, -1}, std::pair{0, 4}}) CHECK_FALSE(paint(g, r, c, Brush::Wall, 0.0));
  CHECK(g.rows == before.rows);
  CHECK(build_gridworld(g).ok());
}

TEST_CASE("grid editor: edit → save → load gives the identical world, through the parameter, the link, the CLI and a file") {
  const GridSpec edited = edited_maze();
  const std::string text = grid_param_text(edited);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find("slip") == std::string::npos);  // held by the slip parameter
  CHECK(text.find("step_reward") == std::string::npos);  // at its default: left out
  const klab::Expected<GridSpec> back = parse_grid_param(text);
  REQUIRE(back.ok());
  CHECK(back.value().rows == edited.rows);
  CHECK(back.value().goal_reward == 3.0);
  CHECK(back.value().wind_direction == Direction::East);
  CHECK(grid_param_text(back.value()) == text);

  // The demo's parameters: the world built from `grid` with slip and wind is the spec's world.
  PlanningExperiment e;
  REQUIRE(e.params().set_texts({{"grid", text}, {"slip", "0.1"}, {"wind", "0.05"}, {"gamma", "0.9"}}).ok());
  GridSpec expected = edited;
  expected.slip = 0.1, expected.wind = 0.05, expected.discount = 0.9;
  const std::string world = planning_world_json(e);
  CHECK(world == mdp_to_json(build_gridworld(expected).value().mdp));
  CHECK(world_label(e.world()) == "edited gridworld (7 × 9)");

  // The link and the CLI command carry it.
  const std::string hash = klab::encode_url_hash("mdp.planning", e.params(), klab::RunSettings{});
  const klab::Expected<klab::UrlState> decoded = klab::decode_url_hash(hash);
  REQUIRE(decoded.ok());
  PlanningExperiment from_link;
  REQUIRE(from_link.params().set_texts(decoded.value().params).ok());
  CHECK(planning_world_json(from_link) == world);
  CHECK(klab::test::contains(klab::cli_command("mdp.planning", e.params(), klab::RunSettings{}), "grid="));

  // Download (a klab.gridworld file) and upload give the same grid, slip and wind; mdp_file runs it.
  const std::string file = gridworld_to_json(expected);
  const klab::Expected<WorldUpload> up = read_world_upload("maze.json", file, static_cast<long long>(file.size()));
  REQUIRE(up.ok());
  CHECK(up.value().is_grid);
  CHECK(up.value().grid == text);
  CHECK(up.value().spec.slip == 0.1);
  CHECK(up.value().spec.wind == 0.05);
  const std::string path = klab::test::tmp_dir() + "/grid_edit_maze.json";
  klab::test::write_text(path, file);
  PlanningExperiment from_file;
  REQUIRE(from_file.params().set_texts({{"mdp_file", path}, {"gamma", "0.9"}}).ok());
  CHECK(planning_world_json(from_file) == world);
}

TEST_CASE("grid editor: bad grids and bad uploads are refused with the field named, and nothing changes") {
  PlanningExperiment e;
  klab::ParamSet& ps = e.params();
  const std::string good = grid_param_text(hazard_maze_spec());
  REQUIRE(ps.set_texts({{"grid", good}}).ok());
  const uint64_t version = ps.version();
  const auto refused = [&](const std::string& grid, const std::string& says) {
    CAPTURE(grid.substr(0, 120));
    const klab::Status s = ps.set_texts({{"grid", grid}});
    CHECK_FALSE(s.ok());
    CHECK(klab::test::contains(s.message(), says));
    CHECK(ps.version() == version);
    CHECK(ps.text(static_cast<size_t>(ps.find("grid"))) == good);
  };
  GridSpec no_start = hazard_maze_spec();
  paint(no_start, 1, 1, Brush::Free, 0.0);
  refused(grid_param_text(no_start), "parameter 'grid': grid has no start cell 'S'");
  refused(R"({"format":"klab.gridworld","version":1,"grid":["S.x"]})", "grid row 0, column 2: unknown cell 'x'");
  refused(R"({"format":"klab.gridworld","version":1,"grid":["S.G"],"slip":0.2})", "parameter 'grid': slip: is set by the parameter 'slip'");
  refused(R"({"format":"klab.gridworld","version":1,"grid":["S.G"],"discount":0.5})", "discount: is set by the demo's discount parameter");
  refused(R"({"format":"klab.gridworld","version":1,"grid":["S.G"],"cell_rewards":[[0,5,1]]})", "cell_rewards[0]: cell (0, 5) is outside the 1 × 3 grid");
  refused(R"({"format":"klab.gridworld")", "parameter 'grid': not valid JSON near byte");
  refused(std::string(kMaxGridParamLength + 1, '.'), "at most 8192 printable characters (got 8193 characters)");
  CHECK(klab::test::contains(ps.set_texts({{"mdp_file", "/some/world.json"}}).message(), "'mdp_file' and 'grid' are both set"));

  // Uploads: the file validator's messages, with the file's name.
  const auto upload_error = [](const std::string& text) {
    const klab::Expected<WorldUpload> u = read_world_upload("w.json", text, static_cast<long long>(text.size()));
    return u.ok() ? std::string("(no error)") : u.error();
  };
  CHECK(klab::test::contains(upload_error(R"({"format":"klab.gridworld","version":1,"grid":["S.G"],"slip":1.5})"), "w.json: slip: must be a number in [0, 1] (got 1.5)"));
  CHECK(klab::test::contains(upload_error(R"({"format":"klab.gridworld","version":1,"grid":["S..", "G"]})"), "w.json: grid row 1 has 1 cells, row 0 has 3"));
  CHECK(klab::test::contains(upload_error(R"({"format":"klab.gridworld","version":2,"grid":["S.G"]})"), "w.json: version: must be an integer in [1, 1]"));
  CHECK(klab::test::contains(upload_error(R"({"format":"klab.mdp","version":1,"states":2})"), "w.json: discount: missing"));
  CHECK(klab::test::contains(read_world_upload("big.json", "", kMaxWorldFileBytes + 1).error(), "big.json: 16777217 bytes; the limit is 16777216 bytes"));
  GridSpec crowded = blank_grid(64, 64);
  for (int r = 0; r < 64; ++r)
    for (int c = 0; c < 20; ++c) paint(crowded, r, c, Brush::Reward, 0.123456789);
  const std::string crowded_file = gridworld_to_json(crowded);
  CHECK(klab::test::contains(upload_error(crowded_file), "as the parameter 'grid'; the limit is 8192"));
}

TEST_CASE("grid editor: the held fields' table reads a grid's value as the parameter's text and writes it back; bad text names the field") {
  // mdp.risk's parameters of these names take a file's values on upload and give them back on "Download grid".
  CHECK(held_grid_keys() == std::vector<std::string>{"wind_direction", "cliff_reward"});
  GridSpec from = edited_maze();
  from.cliff_reward = -37.5;
  for (const HeldGridField& f : kHeldGridFields) {
    CAPTURE(f.key);
    GridSpec to;
    REQUIRE(f.write(to, f.read(from)).ok());
    CHECK(f.read(to) == f.read(from));
    CHECK(f.read(to) != f.read(GridSpec()));
    CHECK(f.write(to, "sideways").message().find(std::string(f.key) + ": ") == 0);
    CHECK(f.read(to) == f.read(from));  // a refused text leaves the grid as it was
  }
}

// A klab.mdp upload (any tabular MDP) has no place in a link: the editor keeps a copy under a name
// with the digest of its bytes and points mdp_file at it; the world it runs is the file's.
TEST_CASE("a klab.mdp upload becomes the world through a kept copy that mdp_file names") {
  const std::string file = mdp_to_json(chain(4, 0.0));
  const klab::Expected<WorldUpload> up = read_world_upload("my chain.json", file, static_cast<long long>(file.size()));
  REQUIRE(up.ok());
  CHECK_FALSE(up.value().is_grid);
  CHECK(up.value().world.mdp.states == 4);
  const klab::Expected<std::string> kept = keep_uploaded_world("my chain.json", file);
  REQUIRE(kept.ok());
  CHECK(kept.value().rfind(uploaded_world_dir() + "/my_chain-", 0) == 0);
  CHECK(keep_uploaded_world("my chain.json", file).value() == kept.value());        // the same bytes: the same copy
  const std::string changed = keep_uploaded_world("my chain.json", file + " ").value();
  CHECK(changed != kept.value());  // changed bytes: a new one
  std::remove(changed.c_str());
  PlanningExperiment from_upload, from_text;
  REQUIRE(from_upload.params().set_texts({{"mdp_file", kept.value()}}).ok());
  const std::string path = klab::test::tmp_dir() + "/grid_edit_chain.json";
  klab::test::write_text(path, file);
  REQUIRE(from_text.params().set_texts({{"mdp_file", path}}).ok());
  CHECK(planning_world_json(from_upload) == planning_world_json(from_text));
  // A link naming a copy that this process does not have (another tab, a reload) says what to do.
  const klab::Expected<std::string> gone = read_world_file(uploaded_world_dir() + "/gone-0000000000000000.json");
  CHECK(klab::test::contains(gone.error(), "upload it again"));
  std::remove(kept.value().c_str());
}

