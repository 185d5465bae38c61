// Strict JSON input (the files `klab run --config` reads).
//
// - Limits first: the byte size and the bracket depth are checked by a scan of the text before
//   anything is built, so a huge or deeply nested file gets a message, not a crash.
// - A key given twice in one object is an error naming the key (a parser that keeps the last
//   value would silently change what the file says).
// - Every number keeps the text it was written as. The lab's one number parser
//   (core/number_text.hpp) then reads it exactly as it reads a flag or a link: "runs": 1e3 is
//   1000, and 100000.0000000000001 is not an integer, although a double cannot tell it from 100000.
// The document is built by nlohmann's SAX parser (iterative, no recursion on the input's depth).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace klab {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // a config.json is a few hundred bytes; a 128-arm one about 3 KB
  int max_depth = 32;          // a config.json nests 3 deep (object, params, a list)
};

struct JsonValue {
  enum class Type { Null, Boolean, Number, String, Array, Object };
  Type type = Type::Null;
  std::string text;                                        // Number: as written; String: its value; Boolean: true/false
  std::vector<JsonValue> items;                            // Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Object, in document order, keys distinct

  const char* type_name() const;  // "number", "string", "object", ...
};

// Errors: "it is 2 MiB; the limit is 1 MiB", "it nests deeper than 32 levels (at byte 40)",
// "the key 'seed' appears twice in the same object", "syntax error at line 1, column 5: ...".
Expected<JsonValue> read_json(std::string_view text, const JsonLimits& limits = {});

}  // namespace klab
