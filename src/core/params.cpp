#include "core/params.hpp"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/did_you_mean.hpp"
#include "core/number_text.hpp"

namespace klab {
namespace {

std::string quote(std::string_view text) {
  std::string s = "'";
  s.append(text.substr(0, 80));
  if (text.size() > 80) s += "...";
  return s + "'";
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::string format_integer(long long v) { return std::to_string(v); }

// Integer ranges are declared as long long and stored as doubles in the spec: exact for every
// range a demo declares (|bounds| < 2^53); the clamp keeps the conversion defined regardless.
long long integer_bound(double x) {
  if (x >= 9.2e18) return INT64_MAX;
  if (x <= -9.2e18) return INT64_MIN;
  return static_cast<long long>(x);
}

bool parse_bool(std::string_view t, bool* out) {
  if (t == "true" || t == "1" || t == "yes" || t == "on") return *out = true, true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return *out = false, true;
  return false;
}

int find_choice(const ParamSpec& spec, std::string_view id) {
  for (size_t i = 0; i < spec.choices.size(); ++i)
    if (spec.choices[i] == id) return static_cast<int>(i);
  return -1;
}

std::string join_choices(const ParamSpec& spec) {
  std::string s;
  for (size_t i = 0; i < spec.choices.size(); ++i) s += (i ? ", " : "") + spec.choices[i];
  return s;
}

std::string interval(const ParamSpec& spec) {
  if (spec.kind == ParamKind::Integer)
    return "[" + format_integer(integer_bound(spec.lo)) + ", " + format_integer(integer_bound(spec.hi)) + "]";
  return "[" + format_real(spec.lo) + ", " + format_real(spec.hi) + "]";
}

bool in_range(const ParamSpec& spec, double x) { return std::isfinite(x) && x >= spec.lo && x <= spec.hi; }
bool integer_in_range(const ParamSpec& spec, long long v) { return v >= integer_bound(spec.lo) && v <= integer_bound(spec.hi); }

// "(got '1e-400', which is not zero but rounds to zero ...)": the text and, where the range alone
// does not explain the refusal, why.
Status range_error(const ParamSpec& spec, std::string_view got, NumberProblem problem = NumberProblem::None) {
  if (got.empty())
    return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got an empty value)");
  const std::string why = number_problem_note(problem);
  return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got " + quote(got) +
                       (why.empty() ? "" : ", which " + why) + ")");
}

}  // namespace

std::string kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::Real: return "real";
    case ParamKind::Integer: return "integer";
    case ParamKind::Boolean: return "boolean";
    case ParamKind::Choice: return "choice";
    case ParamKind::RealList: return "list of reals";
    case ParamKind::MultiChoice: return "list of choices";
    case ParamKind::Text: return "text";
  }
  return "?";
}

std::string describe_range(const ParamSpec& spec) {
  const std::string lengths = spec.min_len == spec.max_len
                                  ? std::to_string(spec.min_len)
                                  : std::to_string(spec.min_len) + " to " + std::to_string(spec.max_len);
  switch (spec.kind) {
    case ParamKind::Real: return "a real number in " + interval(spec);
    case ParamKind::Integer: return "an integer in " + interval(spec);
    case ParamKind::Boolean: return "true or false";
    case ParamKind::Choice: return "one of " + join_choices(spec);
    case ParamKind::RealList: return "a comma-separated list of " + lengths + " real numbers in " + interval(spec);
    case ParamKind::MultiChoice: return "a comma-separated list of " + lengths + " distinct ids from " + join_choices(spec);
    case ParamKind::Text: return "a text of at most " + std::to_string(spec.max_len) + " printable characters";
  }
  return "?";
}

std::string format_real(double x) {
  if (x == 0.0) return "0";  // also folds -0 to 0
  char buf[40];
  if (x == std::floor(x) && std::fabs(x) < 1e15) {  // integers as integers: 100, not 1e+02
    std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

bool parse_real(std::string_view text, double* out) { return parse_real_text(text, out) == NumberProblem::None; }

std::string format_value(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.kind) {
    case ParamKind::Real: return format_real(v.real);
    case ParamKind::Integer: return format_integer(v.integer);
    case ParamKind::Boolean: return v.boolean ? "true" : "false";
    case ParamKind::Choice:
      return v.choice >= 0 && static_cast<size_t>(v.choice) < spec.choices.size() ? spec.choices[static_cast<size_t>(v.choice)] : "?";
    case ParamKind::RealList: {
      std::string s;
      for (size_t i = 0; i < v.list.size(); ++i) s += (i ? "," : "") + format_real(v.list[i]);
      return s;
    }
    case ParamKind::MultiChoice: {
      std::string s;
      for (size_t i = 0; i < v.picks.size(); ++i) s += (i ? "," : "") + spec.choices[static_cast<size_t>(v.picks[i])];
      return s;
    }
    case ParamKind::Text: return v.text;
  }
  return "";
}

Expected<ParamValue> parse_value(const ParamSpec& spec, std::string_view text) {
  ParamValue v = spec.def;
  switch (spec.kind) {
    case ParamKind::Real: {
      const NumberProblem p = parse_real_text(text, &v.real);
      if (p != NumberProblem::None || !in_range(spec, v.real)) return range_error(spec, text, p);
      return v;
    }
    case ParamKind::Integer: {
      const NumberProblem p = parse_integer_text(text, integer_bound(spec.lo), integer_bound(spec.hi), &v.integer);
      if (p != NumberProblem::None) return range_error(spec, text, p);
      return v;
    }
    case ParamKind::Boolean:
      if (!parse_bool(text, &v.boolean)) return range_error(spec, text);
      return v;
    case ParamKind::Choice:
      v.choice = find_choice(spec, text);
      if (v.choice < 0) return Status::error(range_error(spec, text).message() + did_you_mean(text, spec.choices));
      return v;
    case ParamKind::RealList: {
      v.list.clear();
      for (std::string_view part : split_commas(text)) {
        double x = 0.0;
        const NumberProblem p = parse_real_text(part, &x);
        if (p != NumberProblem::None || !in_range(spec, x))
          return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + ": element " +
                               std::to_string(v.list.size() + 1) + " " + quote(part) + " " +
                               (p == NumberProblem::Underflow || p == NumberProblem::Overflow ? number_problem_note(p) : "is not"));
        v.list.push_back(x);
      }
      const Status s = check_value(spec, v);
      if (!s.ok()) return s;
      return v;
    }
    case ParamKind::MultiChoice: {
      v.picks.clear();
      for (std::string_view part : split_commas(text)) {
        const int i = find_choice(spec, part);
        if (i < 0)
          return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + ": unknown id " +
                               quote(part) + did_you_mean(part, spec.choices));
        v.picks.push_back(i);
      }
      const Status s = check_value(spec, v);
      if (!s.ok()) return s;
      return v;
    }
    case ParamKind::Text: {
      v.text = std::string(text);
      const Status s = check_value(spec, v);
      if (!s.ok()) return s;
      return v;
    }
  }
  return range_error(spec, text);
}

Status check_value(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.kind) {
    case ParamKind::Real:
      return in_range(spec, v.real) ? Status() : range_error(spec, format_real(v.real));
    case ParamKind::Integer:
      return integer_in_range(spec, v.integer) ? Status() : range_error(spec, format_integer(v.integer));
    case ParamKind::Boolean: return {};
    case ParamKind::Choice:
      return v.choice >= 0 && static_cast<size_t>(v.choice) < spec.choices.size() ? Status()
                                                                                  : range_error(spec, std::to_string(v.choice));
    case ParamKind::RealList: {
      const int n = static_cast<int>(v.list.size());
      if (n < spec.min_len || n > spec.max_len)
        return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got " +
                             std::to_string(n) + " elements)");
      for (double x : v.list)
        if (!in_range(spec, x)) return range_error(spec, format_value(spec, v));
      return {};
    }
    case ParamKind::MultiChoice: {
      const int n = static_cast<int>(v.picks.size());
      if (n < spec.min_len || n > spec.max_len)
        return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got " +
                             std::to_string(n) + ")");
      for (size_t i = 0; i < v.picks.size(); ++i) {
        if (v.picks[i] < 0 || static_cast<size_t>(v.picks[i]) >= spec.choices.size())
          return range_error(spec, std::to_string(v.picks[i]));
        for (size_t j = 0; j < i; ++j)
          if (v.picks[j] == v.picks[i])
            return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + ": it lists '" +
                                 spec.choices[static_cast<size_t>(v.picks[i])] + "' twice");
      }
      return {};
    }
    case ParamKind::Text: {
      if (static_cast<long long>(v.text.size()) > spec.max_len)
        return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got " + std::to_string(v.text.size()) + " characters)");
      bool printable = true;
      for (char c : v.text) printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
      return printable ? Status() : range_error(spec, v.text);
    }
  }
  return {};
}

uint64_t ParamSet::next_version() {
  static std::atomic<uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

int ParamSet::find(std::string_view key) const {
  const auto& s = specs();
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].key == key) return static_cast<int>(i);
  return -1;
}

Status ParamSet::assign(const std::vector<std::pair<size_t, ParamValue>>& changes) {
  for (const auto& [i, v] : changes) {
    Status s = check_value(specs()[i], v);
    if (!s.ok()) return s;
  }
  std::vector<ParamValue> old;
  bool changed = false;
  for (const auto& [i, v] : changes) {
    old.push_back(get(i));
    changed = changed || old.back() != v;
    store(i, v);
  }
  Status s = check_consistency();
  if (!s.ok()) {
    for (size_t k = changes.size(); k-- > 0;) store(changes[k].first, old[k]);
    return s;
  }
  if (changed) version_ = next_version();
  return {};
}

Status ParamSet::set(size_t i, const ParamValue& v) { return assign({{i, v}}); }

Status ParamSet::set_texts(const std::vector<std::pair<std::string, std::string>>& key_values) {
  std::vector<std::pair<size_t, ParamValue>> changes;
  for (size_t k = 0; k < key_values.size(); ++k) {
    const auto& [key, text] = key_values[k];
    for (size_t j = 0; j < k; ++j)
      if (key_values[j].first == key)
        return Status::error("parameter " + quote(key) + " is given twice (" + quote(key_values[j].second) + " and " +
                             quote(text) + "); give each parameter once");
    const int i = find(key);
    if (i < 0) {
      std::string known;
      std::vector<std::string> keys;
      for (const auto& s : specs()) known += (known.empty() ? "" : ", ") + s.key, keys.push_back(s.key);
      return Status::error("unknown parameter " + quote(key) + did_you_mean(key, keys) + " (this demo has: " + known + ")");
    }
    Expected<ParamValue> v = parse_value(specs()[static_cast<size_t>(i)], text);
    if (!v.ok()) return v.status();
    changes.emplace_back(static_cast<size_t>(i), v.value());
  }
  return assign(changes);
}

void ParamSet::reset_to_defaults() {
  for (size_t i = 0; i < specs().size(); ++i) store(i, specs()[i].def);
  version_ = next_version();
}

}  // namespace klab
