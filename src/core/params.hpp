// One declaration per parameter drives everything.
//
// A demo declares each parameter once in a ParamTable<P>: key, bound struct field, default,
// allowed range or choices, UI label and one line of help. From that table come
//   - the ImGui widgets with help tooltips (src/ui/param_widgets.cpp),
//   - the URL hash codec (core/url_state.cpp),
//   - the CLI flags `--set key=value` and `klab run <id> --help` (src/app/cli.cpp),
//   - the `params` object of config.json / summary.json (core/run_output.cpp).
// Text is the common currency: every value has one canonical text form (format_value) and one
// strict parser (parse_value) whose errors name the parameter and its allowed range.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace klab {

enum class ParamKind {
  Real,         // double in [lo, hi]
  Integer,      // integer in [lo, hi]; text may use exponent notation when exact (1e5)
  Boolean,      // true / false
  Choice,       // one of `choices` (ids)
  RealList,     // comma-separated reals, each in [lo, hi], length in [min_len, max_len]
  MultiChoice,  // comma-separated distinct ids from `choices`, length in [min_len, max_len]
  Text,         // free text (a file path) of at most max_len printable characters
};

struct ParamValue {
  double real = 0.0;
  long long integer = 0;
  bool boolean = false;
  int choice = 0;             // index into ParamSpec::choices
  std::vector<double> list;   // RealList
  std::vector<int> picks;     // MultiChoice: indices into ParamSpec::choices, in order
  std::string text;           // Text
  bool operator==(const ParamValue& o) const {
    return real == o.real && integer == o.integer && boolean == o.boolean && choice == o.choice &&
           list == o.list && picks == o.picks && text == o.text;
  }
  bool operator!=(const ParamValue& o) const { return !(*this == o); }
};

struct ParamSpec {
  ParamKind kind = ParamKind::Real;
  std::string key;    // [a-z0-9_]+ : the name in the CLI, the URL hash and JSON
  std::string label;  // shown in the UI (may use Unicode, e.g. "p̂")
  std::string help;   // one line, shown as tooltip and in --help
  double lo = 0.0, hi = 0.0;  // Real, Integer and RealList elements
  bool log_scale = false;     // widget scale for Real / Integer
  std::vector<std::string> choices;        // ids (Choice, MultiChoice)
  std::vector<std::string> choice_labels;  // display names, same order as choices
  int min_len = 1, max_len = 1;            // RealList, MultiChoice; Text: max_len characters
  ParamValue def;
};

// "[0, 1]", "one of a, b, c", "1 to 8 reals in [0, 1]" ...
std::string describe_range(const ParamSpec& spec);
std::string kind_name(ParamKind kind);

// Canonical text (shortest round-trip for reals, ids for choices, comma-joined lists).
std::string format_value(const ParamSpec& spec, const ParamValue& value);
// Strict parse plus range check (numbers by core/number_text.hpp: exact integers, no underflow to
// zero). Errors: "parameter 'p_hat' must be a real number in [0, 1] (got '1.5')".
Expected<ParamValue> parse_value(const ParamSpec& spec, std::string_view text);
// Range/length/choice check of a value that did not come from text (widgets, JSON).
Status check_value(const ParamSpec& spec, const ParamValue& value);
// Shortest decimal text that parses back to exactly `x` (identical in native and wasm builds).
std::string format_real(double x);
// Strict real parser (core/number_text.hpp): the whole text must be a number whose nearest double
// is finite and, unless the text is zero, not zero.
bool parse_real(std::string_view text, double* out);

// The type-erased view of a demo's parameters used by the UI, URL codec, CLI and JSON.
class ParamSet {
 public:
  virtual ~ParamSet() = default;
  virtual const std::vector<ParamSpec>& specs() const = 0;
  virtual ParamValue get(size_t i) const = 0;
  // Cross-field rules (e.g. lists of equal length); empty Status when consistent.
  virtual Status check_consistency() const = 0;

  int find(std::string_view key) const;  // -1 when unknown
  // Validated, atomic change of several values: range checks, then the cross-field rules on the
  // result; on any error nothing changes and the message names the parameter and its range.
  Status assign(const std::vector<std::pair<size_t, ParamValue>>& changes);
  Status set(size_t i, const ParamValue& v);
  // key=value pairs as text (CLI --set, URL hash); unknown keys are errors that list the known ones.
  Status set_texts(const std::vector<std::pair<std::string, std::string>>& key_values);
  std::string text(size_t i) const { return format_value(specs()[i], get(i)); }
  void reset_to_defaults();
  // A process-wide unique stamp, renewed on every successful change (and for every new or copied
  // set), so a view that cached work for one stamp never mistakes another set's state for it.
  uint64_t version() const { return version_; }

 protected:
  ParamSet() : version_(next_version()) {}
  ParamSet(const ParamSet&) : version_(next_version()) {}
  ParamSet& operator=(const ParamSet&) {
    version_ = next_version();
    return *this;
  }
  virtual void store(size_t i, const ParamValue& v) = 0;

 private:
  static uint64_t next_version();
  uint64_t version_;
};

// A ParamTable<P> binds specs to the fields of a plain parameter struct P.
// An Entry refers into the table only while the declaring statement runs (fluent setters).
template <class P>
class ParamTable {
 public:
  ParamTable() = default;
  ParamTable(const ParamTable&) = delete;
  ParamTable& operator=(const ParamTable&) = delete;

  class Entry {
   public:
    explicit Entry(ParamSpec& spec) : spec_(spec) {}
    Entry& label(std::string s) { spec_.label = std::move(s); return *this; }
    Entry& help(std::string s) { spec_.help = std::move(s); return *this; }
    Entry& log_scale() { spec_.log_scale = true; return *this; }
    Entry& choice_labels(std::vector<std::string> l) { spec_.choice_labels = std::move(l); return *this; }

   private:
    ParamSpec& spec_;
  };

  Entry real(std::string key, double P::*field, double def, double lo, double hi) {
    ParamSpec& s = add(ParamKind::Real, std::move(key), lo, hi);
    s.def.real = def;
    bind([field](const P& p, ParamValue& v) { v.real = p.*field; },
         [field](P& p, const ParamValue& v) { p.*field = v.real; });
    return Entry(s);
  }

  template <class I>
  Entry integer(std::string key, I P::*field, long long def, long long lo, long long hi) {
    static_assert(std::is_integral_v<I>, "integer parameters bind integral fields");
    ParamSpec& s = add(ParamKind::Integer, std::move(key), static_cast<double>(lo), static_cast<double>(hi));
    s.def.integer = def;
    bind([field](const P& p, ParamValue& v) { v.integer = static_cast<long long>(p.*field); },
         [field](P& p, const ParamValue& v) { p.*field = static_cast<I>(v.integer); });
    return Entry(s);
  }

  Entry boolean(std::string key, bool P::*field, bool def) {
    ParamSpec& s = add(ParamKind::Boolean, std::move(key), 0, 1);
    s.def.boolean = def;
    bind([field](const P& p, ParamValue& v) { v.boolean = p.*field; },
         [field](P& p, const ParamValue& v) { p.*field = v.boolean; });
    return Entry(s);
  }

  // E is an enum (or integer) whose values are 0..choices-1 in the order given.
  template <class E>
  Entry choice(std::string key, E P::*field, E def, std::vector<std::string> ids) {
    ParamSpec& s = add(ParamKind::Choice, std::move(key), 0, static_cast<double>(ids.size()) - 1);
    s.choices = std::move(ids);
    s.def.choice = static_cast<int>(def);
    bind([field](const P& p, ParamValue& v) { v.choice = static_cast<int>(p.*field); },
         [field](P& p, const ParamValue& v) { p.*field = static_cast<E>(v.choice); });
    return Entry(s);
  }

  Entry real_list(std::string key, std::vector<double> P::*field, std::vector<double> def, double lo, double hi,
                  int min_len, int max_len) {
    ParamSpec& s = add(ParamKind::RealList, std::move(key), lo, hi);
    s.def.list = std::move(def);
    s.min_len = min_len;
    s.max_len = max_len;
    bind([field](const P& p, ParamValue& v) { v.list = p.*field; },
         [field](P& p, const ParamValue& v) { p.*field = v.list; });
    return Entry(s);
  }

  // The field holds the chosen ids, in order.
  Entry multi_choice(std::string key, std::vector<std::string> P::*field, std::vector<std::string> def,
                     std::vector<std::string> ids, int min_len) {
    ParamSpec& s = add(ParamKind::MultiChoice, std::move(key), 0, 0);
    s.min_len = min_len;
    s.max_len = static_cast<int>(ids.size());
    for (const auto& d : def) s.def.picks.push_back(index_of(ids, d));
    s.choices = ids;
    bind(
        [field, ids](const P& p, ParamValue& v) {
          v.picks.clear();
          for (const auto& id : p.*field) v.picks.push_back(index_of(ids, id));
        },
        [field, ids](P& p, const ParamValue& v) {
          (p.*field).clear();
          for (int i : v.picks) (p.*field).push_back(ids[static_cast<size_t>(i)]);
        });
    return Entry(s);
  }

  // Free text, e.g. a file path (validated by a rule when it must name something that exists).
  Entry text(std::string key, std::string P::*field, std::string def, int max_len) {
    ParamSpec& s = add(ParamKind::Text, std::move(key), 0, 0);
    s.def.text = std::move(def);
    s.min_len = 0;
    s.max_len = max_len;
    bind([field](const P& p, ParamValue& v) { v.text = p.*field; },
         [field](P& p, const ParamValue& v) { p.*field = v.text; });
    return Entry(s);
  }

  // A cross-field rule, checked after every change.
  void rule(std::function<Status(const P&)> check) { rules_.push_back(std::move(check)); }

  const std::vector<ParamSpec>& specs() const { return specs_; }
  ParamValue get(const P& p, size_t i) const {
    ParamValue v = specs_[i].def;
    getters_[i](p, v);
    return v;
  }
  void set(P& p, size_t i, const ParamValue& v) const { setters_[i](p, v); }
  Status check(const P& p) const {
    for (const auto& r : rules_) {
      Status s = r(p);
      if (!s.ok()) return s;
    }
    return {};
  }
  P defaults() const {
    P p{};
    for (size_t i = 0; i < specs_.size(); ++i) set(p, i, specs_[i].def);
    return p;
  }

 private:
  static int index_of(const std::vector<std::string>& ids, const std::string& id) {
    for (size_t i = 0; i < ids.size(); ++i)
      if (ids[i] == id) return static_cast<int>(i);
    return 0;
  }
  ParamSpec& add(ParamKind kind, std::string key, double lo, double hi) {
    ParamSpec spec;
    spec.kind = kind;
    spec.key = std::move(key);
    spec.label = spec.key;
    spec.lo = lo;
    spec.hi = hi;
    specs_.push_back(std::move(spec));
    return specs_.back();
  }
  void bind(std::function<void(const P&, ParamValue&)> g, std::function<void(P&, const ParamValue&)> s) {
    getters_.push_back(std::move(g));
    setters_.push_back(std::move(s));
  }

  std::vector<ParamSpec> specs_;
  std::vector<std::function<void(const P&, ParamValue&)>> getters_;
  std::vector<std::function<void(P&, const ParamValue&)>> setters_;
  std::vector<std::function<Status(const P&)>> rules_;
};

// Values of P together with their (shared, immutable) table. Copyable: a copy is a snapshot.
template <class P>
class ParamsOf final : public ParamSet {
 public:
  explicit ParamsOf(std::shared_ptr<const ParamTable<P>> table) : table_(std::move(table)), values_(table_->defaults()) {}
  const P& value() const { return values_; }
  const std::vector<ParamSpec>& specs() const override { return table_->specs(); }
  ParamValue get(size_t i) const override { return table_->get(values_, i); }
  Status check_consistency() const override { return table_->check(values_); }

 protected:
  void store(size_t i, const ParamValue& v) override { table_->set(values_, i, v); }

 private:
  std::shared_ptr<const ParamTable<P>> table_;
  P values_;
};

}  // namespace klab
