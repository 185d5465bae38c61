#include "core/json_reader.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace klab {
namespace {

std::string mebibytes(size_t bytes) {
  const double mib = static_cast<double>(bytes) / (1 << 20);
  char buf[32];
  std::snprintf(buf, sizeof buf, mib >= 1 ? "%.3g MiB" : "%.3g KiB", mib >= 1 ? mib : mib * 1024);
  return buf;
}

// Byte size and bracket depth, before any parsing. Brackets inside strings do not count.
Status check_limits(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    return Status::error("it is " + mebibytes(text.size()) + "; the limit is " + mebibytes(limits.max_bytes));
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth)
        return Status::error("it nests deeper than " + std::to_string(limits.max_depth) + " levels (at byte " +
                             std::to_string(i) + ")");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return {};
}

// Builds a JsonValue from nlohmann's SAX events. `open_` holds the arrays and objects being
// filled (each is the last element of its parent, so the pointers stay valid while it is open).
class Builder {
 public:
  using json = nlohmann::json;

  bool null() { return add(JsonValue{}); }
  bool boolean(bool v) { return add(scalar(JsonValue::Type::Boolean, v ? "true" : "false")); }
  bool number_integer(json::number_integer_t v) { return add(scalar(JsonValue::Type::Number, std::to_string(v))); }
  bool number_unsigned(json::number_unsigned_t v) { return add(scalar(JsonValue::Type::Number, std::to_string(v))); }
  bool number_float(json::number_float_t, const std::string& text) { return add(scalar(JsonValue::Type::Number, text)); }
  bool string(std::string& v) { return add(scalar(JsonValue::Type::String, std::move(v))); }
  bool binary(json::binary_t&) { return fail("binary values are not JSON text"); }
  bool start_object(std::size_t) { return open(JsonValue::Type::Object); }
  bool start_array(std::size_t) { return open(JsonValue::Type::Array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    if (!keys_.back().insert(k).second)
      return fail("the key '" + k.substr(0, 60) + "' appears twice in the same object" + where());
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 1, ..."
    const size_t bracket = what.find("] ");
    return fail(bracket == std::string::npos ? what : what.substr(bracket + 2));
  }

  JsonValue& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  static JsonValue scalar(JsonValue::Type type, std::string text) {
    JsonValue v;
    v.type = type;
    v.text = std::move(text);
    return v;
  }
  // Appends v to the open container (or makes it the root) and returns where it now lives.
  JsonValue* place(JsonValue v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    JsonValue& parent = *open_.back();
    if (parent.type == JsonValue::Type::Array) {
      parent.items.push_back(std::move(v));
      return &parent.items.back();
    }
    parent.members.emplace_back(std::move(key_), std::move(v));
    return &parent.members.back().second;
  }
  bool add(JsonValue v) {
    place(std::move(v));
    return true;
  }
  bool open(JsonValue::Type type) {
    JsonValue v;
    v.type = type;
    path_.push_back(open_.empty() ? std::string() : open_.back()->type == JsonValue::Type::Array
                                                        ? "[" + std::to_string(open_.back()->items.size()) + "]"
                                                        : key_.substr(0, 60));
    open_.push_back(place(std::move(v)));
    keys_.emplace_back();
    return true;
  }
  bool close() {
    open_.pop_back();
    keys_.pop_back();
    path_.pop_back();
    return true;
  }
  // " (in params)" for the member of a nested object.
  std::string where() const {
    std::string p;
    for (size_t i = 1; i < path_.size(); ++i) p += (p.empty() || path_[i][0] == '[' ? "" : ".") + path_[i];
    return p.empty() ? "" : " (in " + p + ")";
  }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  JsonValue root_;
  std::vector<JsonValue*> open_;
  std::vector<std::set<std::string>> keys_;  // the keys seen so far in each open object
  std::vector<std::string> path_;            // how each open container is reached from the root
  std::string key_;                          // the key of the member that comes next
  std::string error_;
};

}  // namespace

const char* JsonValue::type_name() const {
  switch (type) {
    case Type::Null: return "null";
    case Type::Boolean: return "boolean";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

Expected<JsonValue> read_json(std::string_view text, const JsonLimits& limits) {
  Status s = check_limits(text, limits);
  if (!s.ok()) return s;
  Builder builder;
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &builder)) return Status::error(builder.error());
  return std::move(builder.root());
}

}  // namespace klab
