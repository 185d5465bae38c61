// Fuzz target: the world files and the `grid` parameter (mdp/mdp_json.hpp, mdp/grid_edit.hpp), what
// every demo with an `mdp_file` or `grid` parameter loads and what the browser's world editor
// uploads, downloads and puts in the URL hash. The input is the file's text, read by every reader:
//   parse_world_json (klab.mdp or klab.gridworld, compiled), parse_gridworld_json + build_gridworld,
//   parse_grid_param (plain, and with mdp.risk's held keys) + build_gridworld, build_world with the
//   text as the `grid` parameter (four slip / wind pairs, a discounted and a finite-horizon γ),
//   read_world_upload.
// Checks:
//   - a refusal starts with its source ("w.json: ", "parameter 'grid': ") and names a field of the
//     format (names_field below), in valid UTF-8 (messages reach JSON and the page);
//   - a world that loads satisfies what the solvers rely on (check_invariants: indices in range,
//     every row and ρ a distribution within kProbabilityTolerance, rewards, costs and reward outcomes
//     finite, γ and H in range, a grid's layout a bijection of cells and states);
//   - round trips: written back (mdp_to_json, gridworld_to_json, grid_param_text) it reads as the
//     same world, exactly (every array of the Mdp, γ, H; every field of the GridSpec), and writing
//     is a fixed point (the text written from the re-read equals the text written);
//   - small worlds (S ≤ 400, transitions·sweeps ≤ 4·10⁵) are solved (value iteration, or backward
//     induction with a horizon): every value is finite.
// No crash, no sanitizer report, no hang (libFuzzer -timeout).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "mdp/grid_edit.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/value_iteration.hpp"
#include "mdp/world.hpp"

using namespace klab;
using namespace klab::mdp;

namespace {

// Top-level fields of the two formats (mdp_json.hpp), and what build_gridworld names.
const char* const kFields[] = {"format",      "version",      "states",       "discount",    "horizon",      "start",       "actions", "grid",
                               "slip",        "wind",         "wind_direction", "step_reward", "goal_reward", "cliff_reward", "hazard_cost",
                               "cell_rewards", "cell_costs"};

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

// "SOURCE: FIELD...": the source, then a field of the format followed by its path or its message
// ("actions[3][1].next[0]: ...", "grid row 2, column 5: ...", "slip must be ..."), an unknown
// field ("colour: unknown field (allowed: ...)"), or the whole file ("the file", "not valid JSON near byte ...", the size limit).
bool names_field(const std::string& message, const std::string& source) {
  if (message.compare(0, source.size() + 2, source + ": ") != 0) return false;
  const std::string rest = message.substr(source.size() + 2);
  for (const char* whole : {"the file", "not valid JSON near byte"})
    if (rest.compare(0, std::string(whole).size(), whole) == 0) return true;
  if (rest.find(" bytes; the limit is ") != std::string::npos) return true;
  if (rest.find(": unknown field (allowed: ") != std::string::npos) return true;  // the unknown field itself
  for (const char* f : kFields) {
    const std::string key = f;
    if (rest.compare(0, key.size(), key) == 0 && rest.size() > key.size() && std::string(" :[.").find(rest[key.size()]) != std::string::npos) return true;
  }
  return false;
}

void check_refusal(const Status& s, const std::string& source, const std::string& reader) {
  KLAB_FUZZ_CHECK(valid_utf8(s.message()), reader + ": the message is valid UTF-8: " + s.message());
  KLAB_FUZZ_CHECK(names_field(s.message(), source), reader + ": the message names a field: " + s.message());
}

bool finite(double x) { return std::isfinite(x); }

void check_invariants(const Mdp& m, const std::string& what) {
  KLAB_FUZZ_CHECK(m.states >= 1 && m.states <= kMaxStates, what + ": S in range");
  KLAB_FUZZ_CHECK(m.first_pair.size() == static_cast<size_t>(m.states) + 1 && m.first_pair[0] == 0, what + ": first_pair");
  KLAB_FUZZ_CHECK(m.first_next.size() == static_cast<size_t>(m.pairs()) + 1 && m.first_next[0] == 0, what + ": first_next");
  KLAB_FUZZ_CHECK(m.next_state.size() == static_cast<size_t>(m.transitions()) && m.next_prob.size() == m.next_state.size(), what + ": transitions");
  KLAB_FUZZ_CHECK(m.reward.size() == static_cast<size_t>(m.pairs()) && m.cost.size() == m.reward.size(), what + ": rewards and costs");
  KLAB_FUZZ_CHECK(m.start.size() == static_cast<size_t>(m.states), what + ": start");
  KLAB_FUZZ_CHECK(m.horizon >= 0 && m.horizon <= kMaxHorizon, what + ": H in range");
  KLAB_FUZZ_CHECK(m.discount >= 0.0 && (m.horizon > 0 ? m.discount <= 1.0 : m.discount < 1.0), what + ": γ in range");
  for (int s = 0; s < m.states; ++s) {
    KLAB_FUZZ_CHECK(m.actions(s) >= 1 && m.actions(s) <= kMaxActionsPerState, what + ": actions of a state");
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      KLAB_FUZZ_CHECK(finite(m.reward[i]) && finite(m.cost[i]), what + ": finite reward and cost");
      KLAB_FUZZ_CHECK(m.first_next[i + 1] > m.first_next[i], what + ": a pair has successors");
      double total = 0.0;
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
        KLAB_FUZZ_CHECK(m.next_state[e] >= 0 && m.next_state[e] < m.states, what + ": successor in range");
        KLAB_FUZZ_CHECK(m.next_prob[e] >= 0.0 && m.next_prob[e] <= 1.0, what + ": probability in [0, 1]");
        total += m.next_prob[e];
      }
      KLAB_FUZZ_CHECK(std::fabs(total - 1.0) <= kProbabilityTolerance, what + ": a row sums to 1");
    }
  }
  double total = 0.0;
  for (double p : m.start) {
    KLAB_FUZZ_CHECK(p >= 0.0 && p <= 1.0, what + ": ρ in [0, 1]");
    total += p;
  }
  KLAB_FUZZ_CHECK(std::fabs(total - 1.0) <= kProbabilityTolerance, what + ": ρ sums to 1");
  if (m.has_reward_outcomes()) {
    KLAB_FUZZ_CHECK(m.first_outcome.size() == static_cast<size_t>(m.transitions()) + 1, what + ": first_outcome");
    for (size_t k = 0; k < m.outcome_reward.size(); ++k)
      KLAB_FUZZ_CHECK(finite(m.outcome_reward[k]) && m.outcome_prob[k] >= 0.0 && m.outcome_prob[k] <= 1.0, what + ": reward outcomes");
  }
}

void check_layout(const World& w, const std::string& what) {
  const GridLayout& L = w.layout;
  if (L.rows == 0) return;
  KLAB_FUZZ_CHECK(L.cell_of_state.size() == static_cast<size_t>(w.mdp.states), what + ": one cell per state");
  for (int s = 0; s < w.mdp.states; ++s) {
    const int c = L.cell_of_state[static_cast<size_t>(s)];
    KLAB_FUZZ_CHECK(c >= 0 && c < L.rows * L.cols && L.state_of_cell[static_cast<size_t>(c)] == s, what + ": layout is a bijection");
  }
}

bool same(const Mdp& a, const Mdp& b) {
  return a.states == b.states && a.first_pair == b.first_pair && a.first_next == b.first_next && a.next_state == b.next_state &&
         a.next_prob == b.next_prob && a.reward == b.reward && a.cost == b.cost && a.start == b.start && a.first_outcome == b.first_outcome &&
         a.outcome_reward == b.outcome_reward && a.outcome_prob == b.outcome_prob && a.discount == b.discount && a.horizon == b.horizon;
}

bool same_cells(const std::vector<CellValue>& a, const std::vector<CellValue>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k].row != b[k].row || a[k].col != b[k].col || a[k].value != b[k].value) return false;
  return true;
}

bool same(const GridSpec& a, const GridSpec& b) {
  return a.rows == b.rows && a.slip == b.slip && a.wind == b.wind && a.wind_direction == b.wind_direction && a.step_reward == b.step_reward &&
         a.goal_reward == b.goal_reward && a.cliff_reward == b.cliff_reward && a.hazard_cost == b.hazard_cost && same_cells(a.cell_rewards, b.cell_rewards) &&
         same_cells(a.cell_costs, b.cell_costs) && a.discount == b.discount && a.horizon == b.horizon;
}

// Small worlds: value iteration (at most 100 sweeps) or backward induction; every value finite.
void check_solved(const Mdp& m, const std::string& what) {
  const long long sweeps = m.horizon > 0 ? m.horizon : 100;
  if (m.states > 400 || sweeps * m.transitions() > 400000) return;
  if (m.horizon > 0) {
    const FiniteValues f = solve_finite(m, m.reward);
    for (double v : f.v) KLAB_FUZZ_CHECK(finite(v), what + ": backward induction's values are finite");
  } else {
    const Eigen::VectorXd v = value_iteration(m, 1e-9, 100);
    KLAB_FUZZ_CHECK(v.allFinite(), what + ": value iteration's values are finite");
  }
}

// A loaded MDP: invariants, solved, and mdp_to_json reads back as the same MDP (a fixed point).
void check_mdp_world(const World& w, const std::string& what) {
  check_invariants(w.mdp, what);
  check_layout(w, what);
  check_solved(w.mdp, what);
  const std::string text = mdp_to_json(w.mdp);
  const Expected<World> back = parse_world_json(text, "back.json");
  KLAB_FUZZ_CHECK(back.ok(), what + ": mdp_to_json reads back: " + back.error());
  KLAB_FUZZ_CHECK(same(back.value().mdp, w.mdp), what + ": mdp_to_json reads back as the same MDP");
  KLAB_FUZZ_CHECK(mdp_to_json(back.value().mdp) == text, what + ": mdp_to_json is a fixed point");
}

// A grid read from a file or the parameter: it compiles or the message names a field, and both of
// its texts read back as the same grid.
void check_grid(const GridSpec& g, const std::string& what) {
  const std::string file = gridworld_to_json(g);
  const Expected<GridSpec> back = parse_gridworld_json(file, "back.json");
  KLAB_FUZZ_CHECK(back.ok(), what + ": gridworld_to_json reads back: " + back.error());
  KLAB_FUZZ_CHECK(same(back.value(), g), what + ": gridworld_to_json reads back as the same grid");
  KLAB_FUZZ_CHECK(gridworld_to_json(back.value()) == file, what + ": gridworld_to_json is a fixed point");

  // The parameter leaves out slip, wind, γ and H (the demo's parameters hold them).
  GridSpec held = g;
  const GridSpec d;
  held.slip = d.slip, held.wind = d.wind, held.discount = d.discount, held.horizon = d.horizon;
  const std::string param = grid_param_text(g);
  const Expected<GridSpec> again = parse_grid_param(param);
  KLAB_FUZZ_CHECK(again.ok(), what + ": grid_param_text reads back: " + again.error());
  KLAB_FUZZ_CHECK(same(again.value(), held), what + ": grid_param_text reads back as the same grid");
  KLAB_FUZZ_CHECK(grid_param_text(again.value()) == param, what + ": grid_param_text is a fixed point");

  const Expected<Grid> built = build_gridworld(g);
  if (!built.ok()) {
    check_refusal(Status::error("g.json: " + built.error()), "g.json", what + ", build_gridworld");
    return;
  }
  World w;
  w.mdp = built.value().mdp;
  w.layout = built.value().layout;
  check_mdp_world(w, what + ", compiled");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  const Expected<World> world = parse_world_json(text, "w.json");
  if (world.ok())
    check_mdp_world(world.value(), "parse_world_json");
  else
    check_refusal(world.status(), "w.json", "parse_world_json");

  const Expected<GridSpec> grid = parse_gridworld_json(text, "g.json");
  if (grid.ok())
    check_grid(grid.value(), "parse_gridworld_json");
  else
    check_refusal(grid.status(), "g.json", "parse_gridworld_json");

  const Expected<GridSpec> param = parse_grid_param(text);
  if (param.ok())
    check_grid(param.value(), "parse_grid_param");
  else
    check_refusal(param.status(), "parameter 'grid'", "parse_grid_param");
  // mdp.risk's reading, which refuses its held keys inside the grid: the same grid, or a refusal.
  const Expected<GridSpec> risk = parse_grid_param(text, held_grid_keys());
  if (risk.ok())
    KLAB_FUZZ_CHECK(param.ok() && same(risk.value(), param.value()), "parse_grid_param with held keys reads the same grid");
  else
    check_refusal(risk.status(), "parameter 'grid'", "parse_grid_param (held keys)");

  // The demos' way (world.hpp: build_world): the text as the `grid` parameter, with slip and wind
  // parameters (one of four pairs, by the input's length) and the demo's γ and H.
  if (!text.empty() && text.size() <= static_cast<size_t>(kMaxGridParamLength)) {
    const double pairs[4][2] = {{0.0, 0.0}, {0.1, 0.3}, {1.0, 1.0}, {0.75, 0.0}};
    WorldParams wp;
    wp.grid = text;
    wp.slip = pairs[size % 4][0], wp.wind = pairs[size % 4][1];
    wp.discount = size % 2 ? 0.99 : 1.0, wp.horizon = size % 2 ? 0 : 20;
    const Expected<World> built = build_world(wp, 1, 0);
    if (built.ok()) {
      KLAB_FUZZ_CHECK(param.ok(), "build_world took a grid that parse_grid_param refuses");
      KLAB_FUZZ_CHECK(world_label(wp).rfind("edited gridworld (", 0) == 0, "build_world: the label gives the grid's size");
      check_invariants(built.value().mdp, "build_world");
      check_layout(built.value(), "build_world");
      check_solved(built.value().mdp, "build_world");
    } else {
      check_refusal(built.status(), "parameter 'grid'", "build_world");
    }
  }

  const Expected<WorldUpload> upload = read_world_upload("u.json", text, static_cast<long long>(text.size()));
  if (!upload.ok()) {
    // The one refusal that names no field: the grid is too long for the parameter (it names the parameter).
    if (upload.error().find("as the parameter 'grid'; the limit is") == std::string::npos) check_refusal(upload.status(), "u.json", "read_world_upload");
  } else if (upload.value().is_grid) {
    const Expected<GridSpec> param = parse_grid_param(upload.value().grid);
    KLAB_FUZZ_CHECK(param.ok() && grid_param_text(param.value()) == upload.value().grid, "read_world_upload: its grid parameter reads back");
  }
  return 0;
}
