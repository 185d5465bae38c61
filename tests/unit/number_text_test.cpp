// Strict number text (core/number_text.hpp) and the parsers built on it: no text changes meaning
// on its way in (issue 12, failures 6 and 7). Undefined behaviour, where the old parsers had it,
// shows under the native-asan preset (UBSan: float-cast-overflow).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "app/catalog.hpp"
#include "core/number_text.hpp"
#include "core/params.hpp"
#include "core/run_settings.hpp"
#include "test_util.hpp"

using klab::NumberProblem;
using klab::test::contains;

TEST_CASE("integers are read from their digits: exact values, exact ranges, no conversion before the check") {
  long long v = -7;
  const struct {
    const char* text;
    long long value;
  } good[] = {{"0", 0},           {"-0", 0},          {"+12", 12},       {"1e5", 100000},        {"1E5", 100000},
              {"2.50e1", 25},     {"100000.000", 100000}, {"0.5e1", 5},  {"12300e-2", 123},  {"000123", 123},
              {"-9223372036854775808", INT64_MIN}, {"9223372036854775807", INT64_MAX}, {"0e999999999999999999999", 0}};
  for (const auto& g : good) {
    const std::string text = g.text;
    CAPTURE(text);
    REQUIRE(klab::parse_integer_text(text, INT64_MIN, INT64_MAX, &v) == NumberProblem::None);
    CHECK(v == g.value);
  }
  // Not a whole number, although a double rounds it to one.
  for (const char* text : {"100000.0000000000001", "2.5", "12345e-2", "1e-1", "1e-400", "-1e-400", "9007199254740993.5"}) {
    CAPTURE(text);
    CHECK(klab::parse_integer_text(text, INT64_MIN, INT64_MAX, &v) == NumberProblem::NotInteger);
  }
  // Out of range, decided on the digits (a cast of 1e300 to an integer is undefined behaviour).
  for (const char* text : {"1e300", "20E020", "18446744073709551615", "9223372036854775808", "-9223372036854775809",
                           "1e99999999999999999999999", "123456789012345678901234567890"}) {
    CAPTURE(text);
    CHECK(klab::parse_integer_text(text, INT64_MIN, INT64_MAX, &v) == NumberProblem::OutOfRange);
  }
  for (const char* text : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "0x10", "inf", "nan", "1,5", "--1"}) {
    CAPTURE(text);
    CHECK(klab::parse_integer_text(text, INT64_MIN, INT64_MAX, &v) == NumberProblem::Syntax);
  }
  uint64_t u = 0;
  REQUIRE(klab::parse_unsigned_text("18446744073709551615", UINT64_MAX, &u) == NumberProblem::None);
  CHECK(u == UINT64_MAX);
  CHECK(klab::parse_unsigned_text("18446744073709551616", UINT64_MAX, &u) == NumberProblem::OutOfRange);
  CHECK(klab::parse_unsigned_text("-1", UINT64_MAX, &u) == NumberProblem::OutOfRange);
}

TEST_CASE("reals: nearest double, any length, but no silent zero and no infinity") {
  double x = -7.0;
  // A valid real longer than 64 characters (the old parser refused it with a range message).
  const std::string long_real = "0." + std::string(80, '3');
  REQUIRE(klab::parse_real_text(long_real, &x) == NumberProblem::None);
  CHECK(x == 1.0 / 3.0);
  const std::string long_one = "1." + std::string(300, '0') + "1";
  REQUIRE(klab::parse_real_text(long_one, &x) == NumberProblem::None);
  CHECK(x == 1.0);
  x = -7.0;
  CHECK(klab::parse_real_text("1e-400", &x) == NumberProblem::Underflow);
  CHECK(klab::parse_real_text("-1e-400", &x) == NumberProblem::Underflow);
  CHECK(klab::parse_real_text("0." + std::string(400, '0') + "1", &x) == NumberProblem::Underflow);
  CHECK(klab::parse_real_text("1e400", &x) == NumberProblem::Overflow);
  CHECK(klab::parse_real_text("-1e400", &x) == NumberProblem::Overflow);
  CHECK(x == -7.0);  // untouched by the refused texts
  REQUIRE(klab::parse_real_text("4.9406564584124654e-324", &x) == NumberProblem::None);  // the smallest subnormal is not zero
  CHECK(x > 0.0);
  for (const char* zero : {"-0", "-0.0", "0e-999", "-0e5", "+0"}) {
    CAPTURE(zero);
    REQUIRE(klab::parse_real_text(zero, &x) == NumberProblem::None);
    CHECK(x == 0.0);
    CHECK_FALSE(std::signbit(x));  // every zero is +0: one value, one canonical text
  }
}

TEST_CASE("the parameter parser explains refusals that the range alone does not") {
  auto e = klab::make_catalog().find("kl.bernoulli")->make();
  const klab::ParamSpec& p_hat = e->params().specs()[static_cast<size_t>(e->params().find("p_hat"))];
  const klab::ParamSpec& n = e->params().specs()[static_cast<size_t>(e->params().find("n"))];
  std::string m = klab::parse_value(p_hat, "1e-400").error();
  CHECK(contains(m, "parameter 'p_hat' must be a real number in [0, 1] (got '1e-400', which is not zero but rounds to zero"));
  m = klab::parse_value(p_hat, "-1e-400").error();
  CHECK(contains(m, "rounds to zero"));
  m = klab::parse_value(n, "100000.0000000000001").error();
  CHECK(contains(m, "parameter 'n' must be an integer in [1, 100000] (got '100000.0000000000001', which is not a whole number)"));
  m = klab::parse_value(p_hat, "").error();
  CHECK(contains(m, "(got an empty value)"));
  // A long valid real in range is accepted; out of range, the message is the range.
  CHECK(klab::parse_value(p_hat, "0." + std::string(70, '3')).ok());
  m = klab::parse_value(p_hat, "1." + std::string(70, '3')).error();
  CHECK(contains(m, "must be a real number in [0, 1]"));
  // List elements.
  auto fr = klab::make_catalog().find("kl.forward_reverse")->make();
  CHECK(contains(fr->params().set_texts({{"means", "1,1e-400"}}).message(), "element 2 '1e-400' is not zero but rounds to zero"));
}

TEST_CASE("runs, seed and threads: range-checked on the digits, every refusal with a message") {
  uint32_t runs = 5;
  for (const char* text : {"1e300", "18446744073709551615", "20E020", "1e10", "0", "-1", "1e-400", "2.5",
                           "100000.0000000000001", "", "abc"}) {
    CAPTURE(text);
    const klab::Status s = klab::parse_runs(text, &runs);
    REQUIRE_FALSE(s.ok());
    CHECK(contains(s.message(), "runs must be an integer in [1, 10000000]"));
  }
  CHECK(runs == 5);
  CHECK(contains(klab::parse_runs("100000.0000000000001", &runs).message(), "which is not a whole number"));
  CHECK(contains(klab::parse_runs("", &runs).message(), "(got an empty value)"));
  REQUIRE(klab::parse_runs("1e3", &runs).ok());
  CHECK(runs == 1000);
  REQUIRE(klab::parse_runs("10000000", &runs).ok());
  uint64_t seed = 0;
  REQUIRE(klab::parse_seed("1.8446744073709551615e19", &seed).ok());
  CHECK(seed == UINT64_MAX);
  CHECK_FALSE(klab::parse_seed("1.8446744073709551616e19", &seed).ok());
  CHECK_FALSE(klab::parse_seed("7.5", &seed).ok());
  int threads = 0;
  CHECK(contains(klab::parse_threads("1e300", &threads).message(), "threads must be an integer in [0, 1024]"));
}
