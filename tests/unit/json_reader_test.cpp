// Strict JSON input (core/json_reader.hpp): limits before parsing, duplicate keys named with their
// place, numbers kept as written.
#include <doctest/doctest.h>

#include <string>

#include "core/json_reader.hpp"
#include "test_util.hpp"

using klab::JsonValue;
using klab::test::contains;

TEST_CASE("numbers keep the text they were written as; strings, booleans, null and order are kept") {
  const auto doc = klab::read_json(
      R"({"a": 1e3, "b": 100000.0000000000001, "c": -0, "d": 18446744073709551615, "e": 1e-400, "f": [true, null, "x,y"]})");
  REQUIRE(doc.ok());
  const JsonValue& j = doc.value();
  REQUIRE(j.type == JsonValue::Type::Object);
  REQUIRE(j.members.size() == 6);
  const char* keys[] = {"a", "b", "c", "d", "e", "f"};
  const char* texts[] = {"1e3", "100000.0000000000001", "0", "18446744073709551615", "1e-400"};
  for (size_t i = 0; i < 5; ++i) {
    CAPTURE(keys[i]);
    CHECK(j.members[i].first == keys[i]);
    CHECK(j.members[i].second.type == JsonValue::Type::Number);
    CHECK(j.members[i].second.text == texts[i]);
  }
  const JsonValue& f = j.members[5].second;
  REQUIRE(f.items.size() == 3);
  CHECK(f.items[0].type == JsonValue::Type::Boolean);
  CHECK(f.items[0].text == "true");
  CHECK(f.items[1].type == JsonValue::Type::Null);
  CHECK(f.items[2].text == "x,y");
  CHECK(std::string(f.type_name()) == "array");
}

TEST_CASE("a key twice is an error naming the key and where it is") {
  const struct {
    const char* json;
    const char* says;
  } bad[] = {
      {R"({"seed": 1, "seed": 2})", "the key 'seed' appears twice in the same object"},
      {R"({"params": {"p": 1, "q": 2, "p": 3}})", "the key 'p' appears twice in the same object (in params)"},
      {R"({"a": [{"k": 1}, {"k": 1, "k": 2}]})", "(in a[1])"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.json);
    const auto doc = klab::read_json(b.json);
    REQUIRE_FALSE(doc.ok());
    CHECK(contains(doc.error(), b.says));
  }
  CHECK(klab::read_json(R"({"a": {"k": 1}, "b": {"k": 1}})").ok());  // the same key in two objects
}

TEST_CASE("size and depth are checked before parsing; brackets inside strings do not count") {
  const klab::JsonLimits limits{100, 4};
  CHECK(klab::read_json("[[[[1]]]]", limits).ok());
  auto doc = klab::read_json("[[[[[1]]]]]", limits);
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error() == "it nests deeper than 4 levels (at byte 4)");
  CHECK(klab::read_json(R"(["[[[[[[", "\"[[[[[["])", limits).ok());
  doc = klab::read_json("[" + std::string(200, ' ') + "]", limits);
  REQUIRE_FALSE(doc.ok());
  CHECK(contains(doc.error(), "the limit is"));
  // Unbalanced closing brackets are the parser's business (a syntax error), not a crash.
  doc = klab::read_json("]]]]][[", limits);
  REQUIRE_FALSE(doc.ok());
  CHECK(contains(doc.error(), "syntax error"));
  // Ten million levels: a message at once, no recursion.
  doc = klab::read_json(std::string(10000000, '['), {20000000, 32});
  REQUIRE_FALSE(doc.ok());
  CHECK(contains(doc.error(), "deeper than 32 levels"));
}
