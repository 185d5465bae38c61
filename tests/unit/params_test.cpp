// The parameter-table mechanism (core/params.hpp): canonical text, strict parsing, range and
// cross-field checks, atomic assignment, and messages that name the parameter and its range.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/rng.hpp"
#include "test_util.hpp"

namespace {

using klab::test::contains;

enum class Mode { Fast, Slow, Exact };

struct ToyParams {
  double rate = 0;
  long long count = 0;
  long long big = 0;
  bool flag = false;
  Mode mode = Mode::Fast;
  std::vector<double> xs, ys;
  std::vector<std::string> algos;
};

// One parameter of every kind, and a rule tying two lists together.
std::shared_ptr<const klab::ParamTable<ToyParams>> toy_table() {
  auto t = std::make_shared<klab::ParamTable<ToyParams>>();
  using P = ToyParams;
  t->real("rate", &P::rate, 0.5, 0.0, 1.0).help("a rate");
  t->integer("count", &P::count, 100, 1, 1000000);
  t->integer("big", &P::big, 0, 0, 4611686018427387904LL);  // [0, 2^62]
  t->boolean("flag", &P::flag, false);
  t->choice("mode", &P::mode, Mode::Fast, {"fast", "slow", "exact"});
  t->real_list("xs", &P::xs, {1.0, 2.0}, -5.0, 5.0, 1, 4);
  t->real_list("ys", &P::ys, {0.0, 0.0}, 0.0, 10.0, 1, 4);
  t->multi_choice("algos", &P::algos, {"ucb"}, {"ucb", "ts", "eps"}, 1);
  t->rule([](const P& p) -> klab::Status {
    if (p.xs.size() != p.ys.size()) return klab::Status::error("xs and ys must have the same length");
    return {};
  });
  return t;
}

using Toy = klab::ParamsOf<ToyParams>;

const klab::ParamSpec& spec(const klab::ParamSet& s, const char* key) {
  const int i = s.find(key);
  REQUIRE(i >= 0);
  return s.specs()[static_cast<size_t>(i)];
}

std::string parse_error(const klab::ParamSet& s, const char* key, const std::string& text) {
  const klab::Expected<klab::ParamValue> v = klab::parse_value(spec(s, key), text);
  return v.ok() ? std::string() : v.error();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("format_real gives the shortest text that parses back exactly") {
  CHECK(klab::format_real(0.1) == "0.1");
  CHECK(klab::format_real(0.5) == "0.5");
  CHECK(klab::format_real(-2.5) == "-2.5");
  CHECK(klab::format_real(1.0 / 3.0) == "0.3333333333333333");
  CHECK(klab::format_real(2.0 / 3.0) == "0.6666666666666666");
  CHECK(klab::format_real(0.1 + 0.2) == "0.30000000000000004");
  CHECK(klab::format_real(100.0) == "100");  // integers below 1e15 are written as integers
  CHECK(klab::format_real(-4e14) == "-400000000000000");
  CHECK(klab::format_real(1e15) == "1e+15");
  CHECK(klab::format_real(123.0) == "123");
  CHECK(klab::format_real(5e-324) == "5e-324");
  CHECK(klab::format_real(-0.0) == "0");
  std::vector<double> xs = {0.1, 1.0 / 3.0, 1e-300, 2.2250738585072014e-308, 4.9406564584124654e-324,
                            1.7976931348623157e308, -1.7976931348623157e308, 123456789.123456789, -7e-5, 1e23};
  klab::Rng rng(8, 0, 0);
  while (xs.size() < 5000) {  // random bit patterns: every exponent and sign, subnormals included
    const uint64_t bits = rng.next_u64();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) xs.push_back(x);
  }
  for (double x : xs) {
    const std::string text = klab::format_real(x);
    double back = 0.0;
    CAPTURE(text);
    REQUIRE(klab::parse_real(text, &back));
    CHECK(same_bits(back, x == 0.0 ? 0.0 : x));
    // Shortest: one significant digit fewer no longer gives x (and never more than 17 digits).
    // An integer's trailing zeros are not significant ("400" has one significant digit).
    std::string mantissa = text.substr(0, text.find_first_of("eE"));
    if (mantissa.find('.') == std::string::npos && text.find_first_of("eE") == std::string::npos)
      while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
    int digits = 0;
    bool leading = true;
    for (char c : mantissa) {
      if (c < '0' || c > '9' || (leading && c == '0')) continue;
      leading = false;
      ++digits;
    }
    CHECK(digits >= 1);
    CHECK(digits <= 17);
    if (digits > 1) {
      char shorter[400];
      std::snprintf(shorter, sizeof shorter, "%.*g", digits - 1, x);
      CHECK(std::strtod(shorter, nullptr) != x);
    }
  }
}

TEST_CASE("parse_real is strict") {
  double x = -1.0;
  for (const std::string bad : {"", " 1", "1 ", "1.5x", "nan", "NaN", "inf", "-inf", "infinity", "0x10", "1e400", "-1e400",
                          "1,5", "e5", "1e", "--1", "+-1", "1..2", "."}) {
    CAPTURE(bad);
    CHECK_FALSE(klab::parse_real(bad, &x));
  }
  CHECK(x == -1.0);  // untouched by the rejected texts
  const struct {
    const char* text;
    double value;
  } good[] = {{"1", 1.0}, {"-1.5", -1.5}, {"+2", 2.0}, {".5", 0.5}, {"5.", 5.0}, {"1e-3", 1e-3}, {"1E3", 1000.0},
              {"0", 0.0}, {"-0", 0.0},  {"1.7976931348623157e308", 1.7976931348623157e308}};
  for (const auto& g : good) {
    const std::string text = g.text;
    CAPTURE(text);
    REQUIRE(klab::parse_real(text, &x));
    CHECK(x == g.value);
  }
}

TEST_CASE("integer parameters accept exact integers, also with an exponent, and nothing else") {
  Toy toy(toy_table());
  const klab::ParamSpec& count = spec(toy, "count");
  const klab::ParamSpec& big = spec(toy, "big");
  CHECK(klab::parse_value(count, "100000").value().integer == 100000);
  CHECK(klab::parse_value(count, "1e5").value().integer == 100000);
  CHECK(klab::parse_value(count, "1000000").value().integer == 1000000);
  CHECK(klab::parse_value(big, "9007199254740991").value().integer == 9007199254740991LL);  // 2^53 - 1
  for (const std::string bad : {"2.5", "1e-1", "abc", "", "1e6x", "0", "1000001", "-3"}) {
    CAPTURE(bad);
    CHECK_FALSE(klab::parse_value(count, bad).ok());
  }
  // Integers are read from their digits, never through a double: beyond 2^53, where doubles skip
  // integers, "2^53 + 1" is still exactly 2^53 + 1, and the range is checked exactly.
  CHECK(klab::parse_value(big, "9007199254740993").value().integer == 9007199254740993LL);
  CHECK(klab::parse_value(big, "1e16").value().integer == 10000000000000000LL);
  CHECK(klab::parse_value(big, "4611686018427387904").value().integer == 4611686018427387904LL);  // 2^62, the bound
  for (const std::string bad : {"4611686018427387905", "1e19", "18446744073709551616", "1e300", "-1"}) {
    CAPTURE(bad);
    CHECK_FALSE(klab::parse_value(big, bad).ok());
  }
}

TEST_CASE("booleans") {
  Toy toy(toy_table());
  const klab::ParamSpec& flag = spec(toy, "flag");
  for (const char* t : {"true", "1", "yes", "on"}) CHECK(klab::parse_value(flag, t).value().boolean);
  for (const char* t : {"false", "0", "no", "off"}) {
    const auto v = klab::parse_value(flag, t);
    REQUIRE(v.ok());
    CHECK_FALSE(v.value().boolean);
  }
  for (const std::string t : {"TRUE", "maybe", "", "2", "yes "}) {
    CAPTURE(t);
    CHECK_FALSE(klab::parse_value(flag, t).ok());
  }
  REQUIRE(toy.set_texts({{"flag", "on"}}).ok());
  CHECK(toy.value().flag);
  CHECK(toy.text(static_cast<size_t>(toy.find("flag"))) == "true");
}

TEST_CASE("choices, lists and multi-choices: values and errors") {
  Toy toy(toy_table());
  CHECK(klab::describe_range(spec(toy, "rate")) == "a real number in [0, 1]");
  CHECK(klab::describe_range(spec(toy, "count")) == "an integer in [1, 1000000]");
  CHECK(klab::describe_range(spec(toy, "flag")) == "true or false");
  CHECK(klab::describe_range(spec(toy, "mode")) == "one of fast, slow, exact");
  CHECK(klab::describe_range(spec(toy, "xs")) == "a comma-separated list of 1 to 4 real numbers in [-5, 5]");
  CHECK(klab::describe_range(spec(toy, "algos")) == "a comma-separated list of 1 to 3 distinct ids from ucb, ts, eps");

  CHECK(klab::parse_value(spec(toy, "mode"), "exact").value().choice == 2);
  CHECK(parse_error(toy, "mode", "medium") == "parameter 'mode' must be one of fast, slow, exact (got 'medium')");

  const auto xs = klab::parse_value(spec(toy, "xs"), "1,-2.5,5");
  REQUIRE(xs.ok());
  CHECK(xs.value().list == std::vector<double>{1.0, -2.5, 5.0});
  CHECK(contains(parse_error(toy, "xs", "1,abc,3"), "element 2 'abc'"));
  CHECK(contains(parse_error(toy, "xs", "1,2,9"), "element 3 '9'"));
  CHECK(contains(parse_error(toy, "xs", "1,,2"), "element 2 ''"));
  CHECK(contains(parse_error(toy, "xs", "1,2,3,4,5"), "(got 5 elements)"));
  CHECK(contains(parse_error(toy, "xs", ""), "(got 0 elements)"));

  const auto algos = klab::parse_value(spec(toy, "algos"), "eps,ucb");
  REQUIRE(algos.ok());
  CHECK(algos.value().picks == std::vector<int>{2, 0});
  CHECK(contains(parse_error(toy, "algos", "ucb,ucb"), "'ucb' twice"));
  CHECK(contains(parse_error(toy, "algos", "ucb,foo"), "unknown id 'foo'"));
  CHECK_FALSE(parse_error(toy, "algos", "").empty());

  REQUIRE(toy.set_texts({{"algos", "ts,eps"}, {"mode", "slow"}, {"xs", "0.25"}, {"ys", "3"}}).ok());
  CHECK(toy.value().algos == std::vector<std::string>{"ts", "eps"});
  CHECK(toy.value().mode == Mode::Slow);
  CHECK(toy.text(static_cast<size_t>(toy.find("algos"))) == "ts,eps");
  CHECK(toy.text(static_cast<size_t>(toy.find("xs"))) == "0.25");
}

TEST_CASE("every error message names the parameter and its range text") {
  Toy toy(toy_table());
  const std::vector<std::pair<const char*, std::vector<std::string>>> bad = {
      {"rate", {"x", "2", "-0.1", "nan", "1e400"}},
      {"count", {"2.5", "0", "abc", "1e400", "2000000"}},
      {"big", {"-1", "1e19"}},
      {"flag", {"maybe", "TRUE"}},
      {"mode", {"medium", ""}},
      {"xs", {"1,x", "9", "", "1,2,3,4,5", "nan"}},
      {"algos", {"foo", "ucb,ucb", "", "ucb,ts,eps,ucb"}},
  };
  for (const auto& [key, texts] : bad) {
    const klab::ParamSpec& s = spec(toy, key);
    for (const std::string& text : texts) {
      const std::string message = parse_error(toy, key, text);
      CAPTURE(message);
      CHECK(contains(message, "'" + std::string(key) + "'"));
      CHECK(contains(message, klab::describe_range(s)));
    }
  }
  // Values that did not come from text (widgets, JSON) are checked the same way.
  klab::ParamValue v = spec(toy, "rate").def;
  v.real = 1.5;
  const klab::Status s = klab::check_value(spec(toy, "rate"), v);
  CHECK(contains(s.message(), "'rate'"));
  CHECK(contains(s.message(), "a real number in [0, 1]"));
  v = spec(toy, "algos").def;
  v.picks = {1, 1};
  CHECK(contains(klab::check_value(spec(toy, "algos"), v).message(), klab::describe_range(spec(toy, "algos"))));
}

TEST_CASE("ParamSet::assign is atomic and version() is renewed exactly on real changes") {
  Toy toy(toy_table());
  const size_t rate = static_cast<size_t>(toy.find("rate")), xs = static_cast<size_t>(toy.find("xs"));
  const size_t ys = static_cast<size_t>(toy.find("ys")), count = static_cast<size_t>(toy.find("count"));
  const uint64_t v0 = toy.version();
  auto value_of = [&](size_t i, const char* text) { return klab::parse_value(toy.specs()[i], text).value(); };

  // A range error in the second change: nothing changes.
  klab::ParamValue bad_rate = toy.get(rate);
  bad_rate.real = 2.0;
  klab::Status s = toy.assign({{count, value_of(count, "7")}, {rate, bad_rate}});
  CHECK_FALSE(s.ok());
  CHECK(toy.value().count == 100);
  CHECK(toy.version() == v0);

  // Each change valid alone, but the result breaks the rule (xs and ys lengths): every change rolled back.
  s = toy.assign({{rate, value_of(rate, "0.75")}, {count, value_of(count, "7")}, {xs, value_of(xs, "1,2,3")}});
  CHECK(s.message() == "xs and ys must have the same length");
  CHECK(toy.value().rate == 0.5);
  CHECK(toy.value().count == 100);
  CHECK(toy.value().xs == std::vector<double>{1.0, 2.0});
  CHECK(toy.version() == v0);

  // Both lists together satisfy the rule.
  REQUIRE(toy.assign({{xs, value_of(xs, "1,2,3")}, {ys, value_of(ys, "4,5,6")}, {rate, value_of(rate, "0.75")}}).ok());
  CHECK(toy.value().xs.size() == 3);
  CHECK(toy.value().rate == 0.75);
  const uint64_t v1 = toy.version();
  CHECK(v1 != v0);

  // Assigning the values it already has is not a change.
  REQUIRE(toy.assign({{rate, value_of(rate, "0.75")}, {ys, value_of(ys, "4,5,6")}}).ok());
  CHECK(toy.version() == v1);
  REQUIRE(toy.set(rate, value_of(rate, "0.25")).ok());
  const uint64_t v2 = toy.version();
  CHECK(v2 != v1);
  CHECK(v2 != v0);

  // set_texts: an unknown key lists the known ones and changes nothing.
  s = toy.set_texts({{"rate", "0.5"}, {"nope", "1"}});
  CHECK(s.message() == "unknown parameter 'nope' (this demo has: rate, count, big, flag, mode, xs, ys, algos)");
  CHECK(toy.value().rate == 0.25);
  s = toy.set_texts({{"rate", "0.5"}, {"count", "0"}});
  CHECK(contains(s.message(), "'count'"));
  CHECK(toy.value().rate == 0.25);
  CHECK(toy.version() == v2);
  // A key given twice (--set twice, a link's key twice) is refused, not "the last one wins".
  s = toy.set_texts({{"rate", "0.3"}, {"count", "5"}, {"rate", "0.9"}});
  CHECK(s.message() == "parameter 'rate' is given twice ('0.3' and '0.9'); give each parameter once");
  CHECK(toy.value().rate == 0.25);
  CHECK(toy.version() == v2);

  toy.reset_to_defaults();
  CHECK(toy.value().xs == std::vector<double>{1.0, 2.0});
  CHECK(toy.value().rate == 0.5);
  CHECK(toy.value().algos == std::vector<std::string>{"ucb"});
  CHECK(toy.version() != v2);
  // Versions are unique across sets: a copy or another set never shares a stamp.
  const Toy copy = toy;
  Toy other(toy_table());
  CHECK(copy.version() != toy.version());
  CHECK(other.version() != toy.version());
  CHECK(other.version() != copy.version());
}
