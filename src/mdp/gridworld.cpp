#include "mdp/gridworld.hpp"

#include <cmath>
#include <cstdio>

namespace klab::mdp {
namespace {

constexpr int kRowStep[4] = {-1, 0, 1, 0};  // north, east, south, west
constexpr int kColStep[4] = {0, 1, 0, -1};

bool is_cell_char(char c) { return c == '.' || c == '#' || c == 'S' || c == 'G' || c == 'H' || c == 'C'; }

std::string where(int r, int c) { return "grid row " + std::to_string(r) + ", column " + std::to_string(c); }

// A cell character as a message shows it: 'x' when it is printable ASCII, else its byte's value
// ("byte 0xC3": a row is a string of bytes, so a multi-byte UTF-8 character spans several columns,
// and one of its bytes alone would make the message invalid UTF-8; found by tests/fuzz/world_fuzz.cpp).
std::string shown(char ch) {
  const auto u = static_cast<unsigned char>(ch);
  if (u >= 0x20 && u < 0x7f) return "'" + std::string(1, ch) + "'";
  char b[16];
  std::snprintf(b, sizeof b, "byte 0x%02X", u);
  return b;
}

// A probability distribution over outcome cells, merged by cell.
struct Outcomes {
  std::vector<std::pair<int, double>> cells;
  void add(int cell, double p) {
    if (p == 0.0) return;
    for (auto& [c, q] : cells)
      if (c == cell) {
        q += p;
        return;
      }
    cells.emplace_back(cell, p);
  }
};

// Successor states with the distribution of the reward paid on the way (merged by state, then by
// reward; probabilities added in the order given, so the states' totals are those of Outcomes).
struct Successors {
  Outcomes states;
  std::vector<std::vector<std::pair<double, double>>> paid;  // per entry of states.cells: (reward, probability)
  void add(int state, double p, double reward) {
    if (p == 0.0) return;
    states.add(state, p);
    size_t k = 0;
    while (states.cells[k].first != state) ++k;
    if (paid.size() <= k) paid.resize(k + 1);
    for (auto& [r, q] : paid[k])
      if (r == reward) {
        q += p;
        return;
      }
    paid[k].emplace_back(reward, p);
  }
};

std::string magnitude_range() {
  char b[48];
  std::snprintf(b, sizeof b, "[%g, %g]", -kMaxRewardMagnitude, kMaxRewardMagnitude);
  return b;
}

Status check_values(const GridSpec& spec, const std::vector<CellValue>& values, const char* field, const std::vector<char>& cell, int cols) {
  for (size_t k = 0; k < values.size(); ++k) {
    const CellValue& v = values[k];
    const std::string name = std::string(field) + "[" + std::to_string(k) + "]";
    if (v.row < 0 || v.row >= static_cast<int>(spec.rows.size()) || v.col < 0 || v.col >= cols)
      return Status::error(name + ": cell (" + std::to_string(v.row) + ", " + std::to_string(v.col) + ") is outside the " +
                           std::to_string(spec.rows.size()) + " × " + std::to_string(cols) + " grid");
    if (!(std::fabs(v.value) <= kMaxRewardMagnitude)) return Status::error(name + ": the value must be a number in " + magnitude_range());
    if (cell[static_cast<size_t>(v.row * cols + v.col)] == '#') return Status::error(name + ": cell (" + std::to_string(v.row) + ", " + std::to_string(v.col) + ") is a wall");
  }
  return {};
}

}  // namespace

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::North: return "north";
    case Direction::East: return "east";
    case Direction::South: return "south";
    case Direction::West: return "west";
  }
  return "?";
}

Expected<Grid> build_gridworld(const GridSpec& spec) {
  const int rows = static_cast<int>(spec.rows.size());
  if (rows < 1 || rows > kMaxGridSide) return Status::error("grid must have 1 to " + std::to_string(kMaxGridSide) + " rows (got " + std::to_string(rows) + ")");
  const int cols = static_cast<int>(spec.rows[0].size());
  if (cols < 1 || cols > kMaxGridSide) return Status::error("grid rows must have 1 to " + std::to_string(kMaxGridSide) + " cells (row 0 has " + std::to_string(cols) + ")");
  std::vector<char> cell(static_cast<size_t>(rows * cols));
  for (int r = 0; r < rows; ++r) {
    if (static_cast<int>(spec.rows[static_cast<size_t>(r)].size()) != cols)
      return Status::error("grid row " + std::to_string(r) + " has " + std::to_string(spec.rows[static_cast<size_t>(r)].size()) + " cells, row 0 has " + std::to_string(cols));
    for (int c = 0; c < cols; ++c) {
      const char ch = spec.rows[static_cast<size_t>(r)][static_cast<size_t>(c)];
      if (!is_cell_char(ch)) return Status::error(where(r, c) + ": unknown cell " + shown(ch) + " (allowed: . # S G H C)");
      cell[static_cast<size_t>(r * cols + c)] = ch;
    }
  }
  const auto check01 = [](double x, const char* name) {
    return x >= 0.0 && x <= 1.0 ? Status() : Status::error(std::string(name) + " must be a probability in [0, 1]");
  };
  for (const auto& [x, name] : {std::pair{spec.slip, "slip"}, std::pair{spec.wind, "wind"}}) {
    const Status s = check01(x, name);
    if (!s.ok()) return s;
  }
  for (const auto& [x, name] : {std::pair{spec.step_reward, "step_reward"}, std::pair{spec.goal_reward, "goal_reward"},
                                std::pair{spec.cliff_reward, "cliff_reward"}, std::pair{spec.hazard_cost, "hazard_cost"}})
    if (!(std::fabs(x) <= kMaxRewardMagnitude)) return Status::error(std::string(name) + " must be a number in " + magnitude_range());
  Status s = check_values(spec, spec.cell_rewards, "cell_rewards", cell, cols);
  if (!s.ok()) return s;
  s = check_values(spec, spec.cell_costs, "cell_costs", cell, cols);
  if (!s.ok()) return s;

  Grid g;
  GridLayout& L = g.layout;
  L.rows = rows, L.cols = cols, L.cell = cell;
  L.state_of_cell.assign(static_cast<size_t>(rows * cols), -1);
  std::vector<int> starts;
  for (int k = 0; k < rows * cols; ++k) {
    if (cell[static_cast<size_t>(k)] == '#' || cell[static_cast<size_t>(k)] == 'C') continue;
    L.state_of_cell[static_cast<size_t>(k)] = static_cast<int>(L.cell_of_state.size());
    L.cell_of_state.push_back(k);
    if (cell[static_cast<size_t>(k)] == 'S') starts.push_back(k);
  }
  if (starts.empty()) return Status::error("grid has no start cell 'S'");
  std::vector<double> extra_reward(static_cast<size_t>(rows * cols), 0.0), extra_cost(static_cast<size_t>(rows * cols), 0.0);
  for (const CellValue& v : spec.cell_rewards) extra_reward[static_cast<size_t>(v.row * cols + v.col)] += v.value;
  for (const CellValue& v : spec.cell_costs) extra_cost[static_cast<size_t>(v.row * cols + v.col)] += v.value;

  const auto blocked = [&](int r, int c) { return r < 0 || r >= rows || c < 0 || c >= cols || cell[static_cast<size_t>(r * cols + c)] == '#'; };
  const auto step = [&](int from, int d) {
    const int r = from / cols + kRowStep[d], c = from % cols + kColStep[d];
    return blocked(r, c) ? from : r * cols + c;
  };
  const int wind_d = static_cast<int>(spec.wind_direction);
  std::vector<double> start(L.cell_of_state.size(), 0.0);
  for (int k : starts) start[static_cast<size_t>(L.state_of_cell[static_cast<size_t>(k)])] = 1.0 / static_cast<double>(starts.size());

  MdpBuilder b;
  for (int from : L.cell_of_state) {
    b.add_state();
    if (cell[static_cast<size_t>(from)] == 'G') {  // absorbing goal: one action, no reward
      b.add_action(0.0, 0.0);
      b.add_next(L.state_of_cell[static_cast<size_t>(from)], 1.0);
      b.add_reward_outcome(0.0, 1.0);
      continue;
    }
    for (int a = 0; a < 4; ++a) {
      Outcomes moved;
      for (int d = 0; d < 4; ++d) moved.add(step(from, d), (d == a ? 1.0 - spec.slip : 0.0) + spec.slip / 4.0);
      Outcomes landed;
      for (const auto& [x, p] : moved.cells) {
        const char ch = cell[static_cast<size_t>(x)];
        if (ch == 'G' || ch == 'C' || spec.wind == 0.0) {
          landed.add(x, p);
        } else {
          landed.add(x, p * (1.0 - spec.wind));
          landed.add(step(x, wind_d), p * spec.wind);
        }
      }
      double reward = spec.step_reward, cost = 0.0;
      Successors next;  // over states, with the reward of each outcome cell
      for (const auto& [x, p] : landed.cells) {
        const char ch = cell[static_cast<size_t>(x)];
        const double entered = (ch == 'G' ? spec.goal_reward : 0.0) + (ch == 'C' ? spec.cliff_reward : 0.0) + extra_reward[static_cast<size_t>(x)];
        reward += p * entered;  // r(s, a): the expectation, summed as before the reward outcomes existed
        cost += p * ((ch == 'H' ? spec.hazard_cost : 0.0) + extra_cost[static_cast<size_t>(x)]);
        if (ch == 'C') {
          for (int k : starts) next.add(L.state_of_cell[static_cast<size_t>(k)], p / static_cast<double>(starts.size()), spec.step_reward + entered);
        } else {
          next.add(L.state_of_cell[static_cast<size_t>(x)], p, spec.step_reward + entered);
        }
      }
      b.add_action(reward, cost);
      for (size_t k = 0; k < next.states.cells.size(); ++k) {
        const auto& [t, p] = next.states.cells[k];
        b.add_next(t, p);
        for (const auto& [r, q] : next.paid[k]) b.add_reward_outcome(r, q / p);
      }
    }
  }
  g.mdp = b.finish(std::move(start), spec.discount, spec.horizon);
  s = check_mdp(g.mdp);
  if (!s.ok()) return s;
  return g;
}

}  // namespace klab::mdp
