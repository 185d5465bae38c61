#include "mdp/mdp_json.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fnv1a.hpp"

namespace klab::mdp {
namespace {

using nlohmann::json;

// The DOM parser of nlohmann::json, remembering where and why a parse failed (no exceptions: the
// wasm build has none).
struct PositionedParser : nlohmann::detail::json_sax_dom_parser<json> {
  explicit PositionedParser(json& out) : nlohmann::detail::json_sax_dom_parser<json>(out, false) {}
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
    at = position;
    what = ex.what();
    return nlohmann::detail::json_sax_dom_parser<json>::parse_error(position, token, ex);
  }
  std::size_t at = 0;
  std::string what;
};

// The parser's message quotes the bytes it last read ("last read: '\"\xC3'"), which may be a
// broken UTF-8 sequence or control characters: those bytes become \xNN, so that the message stays
// valid UTF-8 wherever it is shown or written (found by tests/fuzz/world_fuzz.cpp).
std::string escaped_bytes(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02X", u);
      out += b;
    }
  }
  return out;
}

Expected<json> parse_text(const std::string& text, const std::string& source) {
  if (static_cast<long long>(text.size()) > kMaxWorldFileBytes)
    return Status::error(source + ": " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(kMaxWorldFileBytes) + " bytes");
  json out;
  PositionedParser parser(out);
  if (!json::sax_parse(text, &parser) || parser.is_errored()) {
    std::string why = parser.what;
    const size_t tag = why.find("] ");
    if (tag != std::string::npos) why = why.substr(tag + 2);  // drop "[json.exception.parse_error.101] "
    why = escaped_bytes(why);
    return Status::error(source + ": not valid JSON near byte " + std::to_string(parser.at) + " (" + why + ")");
  }
  return out;
}

// Field access with the field's path in every message.
class Fields {
 public:
  Fields(const std::string& source) : source_(source) {}
  Status error(const std::string& path, const std::string& what) const { return Status::error(source_ + ": " + path + ": " + what); }

  Status only(const json& object, const std::string& path, const std::set<std::string>& allowed) const {
    if (!object.is_object()) return error(path.empty() ? "the file" : path, "must be a JSON object");
    for (auto it = object.begin(); it != object.end(); ++it)
      if (!allowed.count(it.key())) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return error(join(path, it.key()), "unknown field (allowed: " + list + ")");
      }
    return {};
  }
  Status number(const json& j, const std::string& path, double lo, double hi, double* out) const {
    if (!j.is_number()) return error(path, "must be a number in " + interval(lo, hi) + " (got " + type_of(j) + ")");
    *out = j.get<double>();
    if (!std::isfinite(*out) || *out < lo || *out > hi) return error(path, "must be a number in " + interval(lo, hi) + " (got " + j.dump() + ")");
    return {};
  }
  Status integer(const json& j, const std::string& path, long long lo, long long hi, long long* out) const {
    if (!j.is_number_integer()) return error(path, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " + (j.is_number() ? j.dump() : type_of(j)) + ")");
    if (j.is_number_unsigned() && j.get<unsigned long long>() > static_cast<unsigned long long>(hi))
      return error(path, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " + j.dump() + ")");
    *out = j.get<long long>();
    if (*out < lo || *out > hi) return error(path, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " + j.dump() + ")");
    return {};
  }
  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static std::string index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

 private:
  static std::string interval(double lo, double hi) {
    const auto f = [](double x) {
      if (std::isinf(x)) return std::string(x < 0 ? "−∞" : "∞");
      char b[32];
      std::snprintf(b, sizeof b, "%g", x);
      return std::string(b);
    };
    return "[" + f(lo) + ", " + f(hi) + "]";
  }
  static std::string type_of(const json& j) { return std::string("a JSON ") + j.type_name(); }
  std::string source_;
};

Status check_header(const Fields& f, const json& j, const char* format) {
  if (!j.is_object()) return f.error("the file", "must be a JSON object");
  if (!j.contains("format") || !j["format"].is_string()) return f.error("format", std::string("missing: must be \"") + format + "\"");
  if (j["format"].get<std::string>() != format) return f.error("format", std::string("must be \"") + format + "\" (got " + j["format"].dump() + ")");
  if (!j.contains("version")) return f.error("version", "missing: must be 1");
  long long version = 0;
  return f.integer(j["version"], "version", 1, 1, &version);
}

// discount / horizon pair, with the rule that γ = 1 needs a finite horizon.
Status read_discount(const Fields& f, const json& j, bool required, double* discount, int* horizon) {
  long long h = *horizon;
  if (j.contains("horizon")) {
    const Status s = f.integer(j["horizon"], "horizon", 0, kMaxHorizon, &h);
    if (!s.ok()) return s;
  }
  *horizon = static_cast<int>(h);
  if (!j.contains("discount")) return required ? f.error("discount", "missing: must be a number in [0, 1)") : Status();
  const json& d = j["discount"];
  if (!d.is_number()) return f.error("discount", "must be a number in [0, 1) (got a JSON " + std::string(d.type_name()) + ")");
  const double g = d.get<double>();
  if (!(g >= 0.0) || g > 1.0 || (g == 1.0 && h == 0))
    return f.error("discount", std::string(h == 0 ? "must be in [0, 1) (1 only with a finite horizon ≥ 1)" : "must be in [0, 1]") + " (got " + d.dump() + ")");
  *discount = g;
  return {};
}

// [[state, probability], ...] into (states, probabilities), distinct states in [0, S), sum 1.
Status read_distribution(const Fields& f, const json& j, const std::string& path, int states, std::vector<std::pair<int, double>>* pairs,
                         std::vector<double>* dense) {
  if (!j.is_array() || j.empty()) return f.error(path, "must be a non-empty list of [state, probability] pairs");
  std::set<long long> seen;
  double total = 0.0;
  for (size_t k = 0; k < j.size(); ++k) {
    const std::string at = Fields::index(path, k);
    const json& e = j[k];
    if (!e.is_array() || e.size() != 2) return f.error(at, "must be a [state, probability] pair");
    long long s = 0;
    if (!e[0].is_number_integer()) return f.error(at, "the state must be an integer in [0, " + std::to_string(states) + ") (got " + e[0].dump() + ")");
    s = e[0].get<long long>();
    if (s < 0 || s >= states) return f.error(at, "state " + e[0].dump() + " is outside [0, " + std::to_string(states) + ")");
    if (!seen.insert(s).second) return f.error(at, "state " + std::to_string(s) + " is listed twice");
    double p = 0.0;
    Status st = f.number(e[1], at + "[1]", 0.0, 1.0, &p);
    if (!st.ok()) return st;
    total += p;
    if (pairs) pairs->emplace_back(static_cast<int>(s), p);
    if (dense) (*dense)[static_cast<size_t>(s)] = p;
  }
  if (std::fabs(total - 1.0) > kProbabilityTolerance) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", total);
    return f.error(path, std::string("probabilities sum to ") + buf + ", not 1 (tolerance 1e-9)");
  }
  return {};
}

// "next_rewards" of an action: per successor of "next", the rewards paid with their probabilities
// given the successor ([[reward, probability], ...], summing to 1), averaging to the action's reward.
Status read_next_rewards(const Fields& f, const json& j, const std::string& path, size_t successors, const std::vector<std::pair<int, double>>& next,
                         double reward, std::vector<std::vector<std::pair<double, double>>>* out) {
  if (!j.is_array() || j.size() != successors)
    return f.error(path, "must be a list with one list of [reward, probability] pairs per successor in \"next\" (" + std::to_string(successors) + ")");
  double expected = 0.0, largest = 0.0;
  for (size_t k = 0; k < j.size(); ++k) {
    const std::string at = Fields::index(path, k);
    if (!j[k].is_array() || j[k].empty()) return f.error(at, "must be a non-empty list of [reward, probability] pairs");
    std::vector<std::pair<double, double>> paid;
    double total = 0.0, mean = 0.0;
    for (size_t m = 0; m < j[k].size(); ++m) {
      const std::string om = Fields::index(at, m);
      const json& e = j[k][m];
      if (!e.is_array() || e.size() != 2) return f.error(om, "must be a [reward, probability] pair");
      double r = 0.0, q = 0.0;
      Status s = f.number(e[0], om + "[0]", -kMaxRewardMagnitude, kMaxRewardMagnitude, &r);
      if (s.ok()) s = f.number(e[1], om + "[1]", 0.0, 1.0, &q);
      if (!s.ok()) return s;
      paid.emplace_back(r, q);
      total += q;
      mean += q * r;
      largest = std::max(largest, std::fabs(r));
    }
    if (std::fabs(total - 1.0) > kProbabilityTolerance) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.12g", total);
      return f.error(at, std::string("probabilities sum to ") + buf + ", not 1 (tolerance 1e-9)");
    }
    expected += next[k].second * mean;
    out->push_back(std::move(paid));
  }
  if (std::fabs(expected - reward) > kRewardTolerance * (1.0 + largest)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "the rewards average %.12g, but \"reward\" is %.12g", expected, reward);
    return f.error(path, std::string(buf) + " (tolerance 1e-9·(1 + max |reward|))");
  }
  return {};
}

Expected<World> mdp_from_json(const json& j, const Fields& f) {
  Status s = f.only(j, "", {"format", "version", "states", "discount", "horizon", "start", "actions"});
  if (!s.ok()) return s;
  if (!j.contains("states")) return f.error("states", "missing: must be an integer in [1, " + std::to_string(kMaxStates) + "]");
  long long states = 0;
  s = f.integer(j["states"], "states", 1, kMaxStates, &states);
  if (!s.ok()) return s;
  double discount = 0.95;
  int horizon = 0;
  s = read_discount(f, j, true, &discount, &horizon);
  if (!s.ok()) return s;
  if (!j.contains("start")) return f.error("start", "missing: must list [state, probability] pairs");
  std::vector<double> start(static_cast<size_t>(states), 0.0);
  s = read_distribution(f, j["start"], "start", static_cast<int>(states), nullptr, &start);
  if (!s.ok()) return s;
  if (!j.contains("actions")) return f.error("actions", "missing: must hold one list of actions per state");
  const json& actions = j["actions"];
  if (!actions.is_array() || static_cast<long long>(actions.size()) != states)
    return f.error("actions", "must be a list of " + std::to_string(states) + " lists (one per state; got " +
                                  (actions.is_array() ? std::to_string(actions.size()) + " lists" : std::string("a JSON ") + actions.type_name()) + ")");
  MdpBuilder b;
  long long transitions = 0;
  bool outcomes = false;  // the file gives next_rewards
  for (size_t st = 0; st < actions.size(); ++st) {
    b.add_state();
    const std::string sp = Fields::index("actions", st);
    const json& list = actions[st];
    if (!list.is_array() || list.empty())
      return f.error(sp, "state " + std::to_string(st) + " has no actions (each state needs 1 to " + std::to_string(kMaxActionsPerState) + ")");
    if (list.size() > static_cast<size_t>(kMaxActionsPerState)) return f.error(sp, "more than " + std::to_string(kMaxActionsPerState) + " actions");
    for (size_t a = 0; a < list.size(); ++a) {
      const std::string ap = Fields::index(sp, a);
      const json& act = list[a];
      s = f.only(act, ap, {"reward", "cost", "next", "next_rewards"});
      if (!s.ok()) return s;
      double r = 0.0, c = 0.0;
      if (!act.contains("reward")) return f.error(Fields::join(ap, "reward"), "missing: must be a number in [-1e+12, 1e+12]");
      s = f.number(act["reward"], Fields::join(ap, "reward"), -kMaxRewardMagnitude, kMaxRewardMagnitude, &r);
      if (!s.ok()) return s;
      if (act.contains("cost")) {
        s = f.number(act["cost"], Fields::join(ap, "cost"), -kMaxRewardMagnitude, kMaxRewardMagnitude, &c);
        if (!s.ok()) return s;
      }
      b.add_action(r, c);
      if (!act.contains("next")) return f.error(Fields::join(ap, "next"), "missing: must list [state, probability] pairs");
      transitions += static_cast<long long>(act["next"].is_array() ? act["next"].size() : 0);
      if (transitions > kMaxTransitions) return f.error(Fields::join(ap, "next"), "more than " + std::to_string(kMaxTransitions) + " transitions in the file");
      std::vector<std::pair<int, double>> next;
      s = read_distribution(f, act["next"], Fields::join(ap, "next"), static_cast<int>(states), &next, nullptr);
      if (!s.ok()) return s;
      // Reward outcomes: for every action or for none (the first action decides).
      const bool has = act.contains("next_rewards");
      if (st == 0 && a == 0) outcomes = has;
      if (has != outcomes)
        return f.error(Fields::join(ap, "next_rewards"), std::string(has ? "given, but actions[0][0] has none" : "missing, but actions[0][0] has it") +
                                                             " (give next_rewards for every action or for none)");
      std::vector<std::vector<std::pair<double, double>>> paid;
      if (has) {
        s = read_next_rewards(f, act["next_rewards"], Fields::join(ap, "next_rewards"), next.size(), next, r, &paid);
        if (!s.ok()) return s;
      }
      for (size_t k = 0; k < next.size(); ++k) {
        b.add_next(next[k].first, next[k].second);
        if (has)
          for (const auto& [reward, q] : paid[k]) b.add_reward_outcome(reward, q);
      }
    }
  }
  World w;
  w.mdp = b.finish(std::move(start), discount, horizon);
  s = check_mdp(w.mdp);
  if (!s.ok()) return s;
  return w;
}

Status read_cells(const Fields& f, const json& j, const std::string& path, std::vector<CellValue>* out) {
  if (!j.is_array()) return f.error(path, "must be a list of [row, column, value] triples");
  for (size_t k = 0; k < j.size(); ++k) {
    const std::string at = Fields::index(path, k);
    const json& e = j[k];
    if (!e.is_array() || e.size() != 3) return f.error(at, "must be a [row, column, value] triple");
    long long r = 0, c = 0;
    double v = 0.0;
    Status s = f.integer(e[0], at + "[0]", 0, kMaxGridSide - 1, &r);
    if (s.ok()) s = f.integer(e[1], at + "[1]", 0, kMaxGridSide - 1, &c);
    if (s.ok()) s = f.number(e[2], at + "[2]", -kMaxRewardMagnitude, kMaxRewardMagnitude, &v);
    if (!s.ok()) return s;
    out->push_back({static_cast<int>(r), static_cast<int>(c), v});
  }
  return {};
}

Expected<GridSpec> grid_from_json(const json& j, const Fields& f) {
  Status s = f.only(j, "", {"format", "version", "grid", "slip", "wind", "wind_direction", "step_reward", "goal_reward", "cliff_reward",
                            "hazard_cost", "cell_rewards", "cell_costs", "discount", "horizon"});
  if (!s.ok()) return s;
  GridSpec g;
  if (!j.contains("grid") || !j["grid"].is_array() || j["grid"].empty()) return f.error("grid", "must be a non-empty list of row strings");
  for (size_t r = 0; r < j["grid"].size(); ++r) {
    if (!j["grid"][r].is_string()) return f.error(Fields::index("grid", r), "must be a string of cell characters");
    g.rows.push_back(j["grid"][r].get<std::string>());
  }
  const struct {
    const char* key;
    double* field;
    double lo, hi;
  } numbers[] = {{"slip", &g.slip, 0.0, 1.0},          {"wind", &g.wind, 0.0, 1.0},
                 {"step_reward", &g.step_reward, -kMaxRewardMagnitude, kMaxRewardMagnitude}, {"goal_reward", &g.goal_reward, -kMaxRewardMagnitude, kMaxRewardMagnitude},
                 {"cliff_reward", &g.cliff_reward, -kMaxRewardMagnitude, kMaxRewardMagnitude}, {"hazard_cost", &g.hazard_cost, -kMaxRewardMagnitude, kMaxRewardMagnitude}};
  for (const auto& n : numbers)
    if (j.contains(n.key)) {
      s = f.number(j[n.key], n.key, n.lo, n.hi, n.field);
      if (!s.ok()) return s;
    }
  if (j.contains("wind_direction")) {
    const json& d = j["wind_direction"];
    bool found = false;
    for (int k = 0; k < 4 && d.is_string(); ++k)
      if (d.get<std::string>() == direction_name(static_cast<Direction>(k))) g.wind_direction = static_cast<Direction>(k), found = true;
    if (!found) return f.error("wind_direction", "must be one of \"north\", \"east\", \"south\", \"west\" (got " + d.dump() + ")");
  }
  if (j.contains("cell_rewards")) s = read_cells(f, j["cell_rewards"], "cell_rewards", &g.cell_rewards);
  if (s.ok() && j.contains("cell_costs")) s = read_cells(f, j["cell_costs"], "cell_costs", &g.cell_costs);
  if (s.ok()) s = read_discount(f, j, false, &g.discount, &g.horizon);
  if (!s.ok()) return s;
  return g;
}

}  // namespace

std::string mdp_to_json(const Mdp& m) {
  json j;
  j["format"] = "klab.mdp";
  j["version"] = 1;
  j["states"] = m.states;
  j["discount"] = m.discount;
  j["horizon"] = m.horizon;
  json start = json::array();
  for (int s = 0; s < m.states; ++s)
    if (m.start[static_cast<size_t>(s)] > 0.0) start.push_back(json::array({s, m.start[static_cast<size_t>(s)]}));
  j["start"] = start;
  json actions = json::array();
  for (int s = 0; s < m.states; ++s) {
    json list = json::array();
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      json next = json::array();
      json paid = json::array();
      for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
        next.push_back(json::array({m.next_state[e], m.next_prob[e]}));
        if (!m.has_reward_outcomes()) continue;
        json outcomes = json::array();
        for (int k = m.first_outcome[static_cast<size_t>(e)]; k < m.first_outcome[static_cast<size_t>(e) + 1]; ++k)
          outcomes.push_back(json::array({m.outcome_reward[static_cast<size_t>(k)], m.outcome_prob[static_cast<size_t>(k)]}));
        paid.push_back(outcomes);
      }
      json action{{"reward", m.reward[static_cast<size_t>(i)]}, {"cost", m.cost[static_cast<size_t>(i)]}, {"next", next}};
      if (m.has_reward_outcomes()) action["next_rewards"] = paid;
      list.push_back(action);
    }
    actions.push_back(list);
  }
  j["actions"] = actions;
  return j.dump(1) + "\n";
}

namespace {
// [[row, col, value], ...]; gridworld files keep their fields in the order of the format's
// description (ordered_json), "format" first.
nlohmann::ordered_json cells_json(const std::vector<CellValue>& v) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const CellValue& c : v) out.push_back(nlohmann::ordered_json::array({c.row, c.col, c.value}));
  return out;
}
}  // namespace

std::string gridworld_to_json(const GridSpec& g) {
  nlohmann::ordered_json j;
  j["format"] = "klab.gridworld";
  j["version"] = 1;
  j["grid"] = g.rows;
  j["slip"] = g.slip;
  j["wind"] = g.wind;
  j["wind_direction"] = direction_name(g.wind_direction);
  j["step_reward"] = g.step_reward;
  j["goal_reward"] = g.goal_reward;
  j["cliff_reward"] = g.cliff_reward;
  j["hazard_cost"] = g.hazard_cost;
  j["cell_rewards"] = cells_json(g.cell_rewards);
  j["cell_costs"] = cells_json(g.cell_costs);
  j["discount"] = g.discount;
  j["horizon"] = g.horizon;
  return j.dump(1) + "\n";
}

std::string world_file_format(const std::string& text) {
  const Expected<json> j = parse_text(text, "");
  if (!j.ok() || !j.value().is_object() || !j.value().contains("format") || !j.value()["format"].is_string()) return "";
  return j.value()["format"].get<std::string>();
}

std::string grid_param_text(const GridSpec& g) {
  const GridSpec d;  // the defaults, left out
  nlohmann::ordered_json j;
  j["format"] = "klab.gridworld";
  j["version"] = 1;
  j["grid"] = g.rows;
  if (g.wind_direction != d.wind_direction) j["wind_direction"] = direction_name(g.wind_direction);
  const struct {
    const char* key;
    double value, fallback;
  } numbers[] = {{"step_reward", g.step_reward, d.step_reward},
                 {"goal_reward", g.goal_reward, d.goal_reward},
                 {"cliff_reward", g.cliff_reward, d.cliff_reward},
                 {"hazard_cost", g.hazard_cost, d.hazard_cost}};
  for (const auto& n : numbers)
    if (n.value != n.fallback) j[n.key] = n.value;
  if (!g.cell_rewards.empty()) j["cell_rewards"] = cells_json(g.cell_rewards);
  if (!g.cell_costs.empty()) j["cell_costs"] = cells_json(g.cell_costs);
  return j.dump();
}

Expected<GridSpec> parse_grid_param(const std::string& text, const std::vector<std::string>& held) {
  const std::string source = "parameter 'grid'";
  Expected<json> j = parse_text(text, source);
  if (!j.ok()) return j.status();
  const Fields f(source);
  const Status s = check_header(f, j.value(), "klab.gridworld");
  if (!s.ok()) return s;
  const struct {
    const char* key;
    const char* held_by;
  } elsewhere[] = {{"slip", "the parameter 'slip'"},
                   {"wind", "the parameter 'wind'"},
                   {"discount", "the demo's discount parameter"},
                   {"horizon", "the demo's horizon"}};
  for (const auto& e : elsewhere)
    if (j.value().contains(e.key)) return f.error(e.key, std::string("is set by ") + e.held_by + ", not inside the grid: remove it here");
  for (const std::string& key : held)
    if (j.value().contains(key)) return f.error(key, "is set by the parameter '" + key + "', not inside the grid: remove it here");
  return grid_from_json(j.value(), f);
}

Expected<GridSpec> parse_gridworld_json(const std::string& text, const std::string& source) {
  Expected<json> j = parse_text(text, source);
  if (!j.ok()) return j.status();
  const Fields f(source);
  const Status s = check_header(f, j.value(), "klab.gridworld");
  if (!s.ok()) return s;
  return grid_from_json(j.value(), f);
}

Expected<World> parse_world_json(const std::string& text, const std::string& source) {
  Expected<json> parsed = parse_text(text, source);
  if (!parsed.ok()) return parsed.status();
  const json& j = parsed.value();
  const Fields f(source);
  if (j.is_object() && j.contains("format") && j["format"] == "klab.gridworld") {
    Status s = check_header(f, j, "klab.gridworld");
    if (!s.ok()) return s;
    Expected<GridSpec> spec = grid_from_json(j, f);
    if (!spec.ok()) return spec.status();
    Expected<Grid> grid = build_gridworld(spec.value());
    if (!grid.ok()) return Status::error(source + ": " + grid.error());
    World w;
    w.mdp = std::move(grid.value().mdp);
    w.layout = std::move(grid.value().layout);
    return w;
  }
  const Status s = check_header(f, j, "klab.mdp");
  if (!s.ok()) return s;
  return mdp_from_json(j, f);
}

std::string uploaded_world_dir() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/klab-uploads";
}

Expected<std::string> keep_uploaded_world(const std::string& name, const std::string& bytes) {
  // The file's own name, cut to letters, digits, '.', '-' and '_', then the digest of its bytes.
  const bool json_ending = name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0;
  std::string stem = name.substr(0, json_ending ? name.size() - 5 : name.size());
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  if (stem.size() > 48) stem.resize(48);
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  const std::string dir = uploaded_world_dir();
  const std::string path = dir + "/" + (stem.empty() ? "world" : stem) + "-" + digest + ".json";
  mkdir(dir.c_str(), 0700);  // exists already, or the fopen below says why not
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return Status::error(name + ": cannot keep a copy at '" + path + "'");
  const size_t put = std::fwrite(bytes.data(), 1, bytes.size(), file);
  if (std::fclose(file) != 0 || put != bytes.size()) return Status::error(name + ": cannot keep a copy at '" + path + "'");
  return path;
}

Expected<std::string> read_world_file(const std::string& path) {
  struct stat st {};
  errno = 0;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (path.rfind(uploaded_world_dir() + "/", 0) == 0)
      return Status::error("cannot read the MDP file '" + path + "': an uploaded file, kept only in the browser tab that uploaded it "
                           "(a reload or another tab does not have it): upload it again (the world editor's Upload…)");
    const int error = errno;
    const std::string why = error == 0 || S_ISDIR(st.st_mode) ? "it is a directory" : std::strerror(error);
    return Status::error("cannot read the MDP file '" + path + "': " + why);
  }
  if (st.st_size > kMaxWorldFileBytes)
    return Status::error("the MDP file '" + path + "' has " + std::to_string(st.st_size) + " bytes; the limit is " + std::to_string(kMaxWorldFileBytes) + " bytes");
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::error("cannot read the MDP file '" + path + "'");
  std::string text(static_cast<size_t>(st.st_size), '\0');
  const size_t got = std::fread(text.data(), 1, text.size(), file);
  std::fclose(file);
  if (got != text.size()) return Status::error("cannot read the MDP file '" + path + "'");
  return text;
}

Expected<World> load_world_file(const std::string& path) {
  const Expected<std::string> text = read_world_file(path);
  if (!text.ok()) return text.status();
  Expected<World> w = parse_world_json(text.value(), file_name(path));
  if (w.ok()) w.value().name = "file " + file_name(path);
  return w;
}

std::string file_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace klab::mdp
