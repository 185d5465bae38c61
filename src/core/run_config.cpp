#include "core/run_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <vector>

#include "core/did_you_mean.hpp"

namespace klab {
namespace {

const std::vector<std::string> kFields = {"demo", "params", "runs", "seed", "threads", "backend", "command"};

Status wrong_type(const char* field, const char* want, const JsonValue& got) {
  return Status::error(std::string("\"") + field + "\" must be " + want + " (got a JSON " + got.type_name() + ")");
}

// A setting written as a JSON number, read by its command-line parser: "runs must be ..." becomes
// "\"runs\" must be ...".
template <class T>
Status read_number(const char* field, const JsonValue& v, Status (*parse)(const std::string&, T*), std::optional<T>* out) {
  if (v.type != JsonValue::Type::Number) return wrong_type(field, "a number", v);
  T value{};
  const Status s = parse(v.text, &value);
  if (!s.ok()) return Status::error("\"" + std::string(field) + "\"" + s.message().substr(std::strlen(field)));
  *out = value;
  return {};
}

}  // namespace

Expected<RunConfig> parse_run_config(std::string_view text) {
  Expected<JsonValue> doc = read_json(text);
  if (!doc.ok()) return doc.status();
  const JsonValue& j = doc.value();
  if (j.type != JsonValue::Type::Object) return Status::error("it must be a JSON object (got a JSON " + std::string(j.type_name()) + ")");
  RunConfig config;
  config.params.type = JsonValue::Type::Object;
  bool has_demo = false;
  for (const auto& [field, v] : j.members) {
    Status s;
    if (field == "demo") {
      if (v.type != JsonValue::Type::String) return wrong_type("demo", "a demo id string", v);
      config.demo = v.text;
      has_demo = true;
    } else if (field == "params") {
      if (v.type != JsonValue::Type::Object) return wrong_type("params", "an object of parameter values", v);
      config.params = v;
    } else if (field == "runs") {
      s = read_number("runs", v, &parse_runs, &config.settings.runs);
    } else if (field == "seed") {
      s = read_number("seed", v, &parse_seed, &config.settings.seed);
    } else if (field == "threads") {
      s = read_number("threads", v, &parse_threads, &config.settings.threads);
    } else if (field == "backend") {
      if (v.type != JsonValue::Type::String) return wrong_type("backend", "\"cpu\" or \"cuda\"", v);
      Backend b;
      s = parse_backend(v.text, &b);
      if (!s.ok()) return Status::error("\"backend\"" + s.message().substr(7));
      config.settings.backend = b;
    } else if (field == "command") {
      if (v.type != JsonValue::Type::String) return wrong_type("command", "a string (it is informational)", v);
    } else {
      std::string fields;
      for (const std::string& f : kFields) fields += (fields.empty() ? "" : ", ") + f;
      return Status::error("unknown field '" + field.substr(0, 60) + "'" + did_you_mean(field, kFields) + " (a config holds " + fields + ")");
    }
    if (!s.ok()) return s;
  }
  if (!has_demo) return Status::error("missing \"demo\" (the demo id, e.g. \"kl.bernoulli\")");
  return config;
}

Expected<RunConfig> read_run_config(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::error(std::string("cannot read it: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::error("it is a directory (give the config.json inside it)");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(std::string("cannot read it: ") + std::strerror(errno));
  // One byte past the limit is enough for read_json to say that the file is too large.
  const size_t cap = JsonLimits{}.max_bytes + 1;
  std::string text;
  char buf[1 << 14];
  size_t n;
  while (text.size() < cap && (n = std::fread(buf, 1, std::min(sizeof buf, cap - text.size()), f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::error("reading it failed");
  if (text.size() >= cap) return Status::error("it is larger than the " + std::to_string(JsonLimits{}.max_bytes >> 10) + " KiB a config may be");
  return parse_run_config(text);
}

}  // namespace klab
