#include "core/checkpoint.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/fnv1a.hpp"

namespace klab {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "klab-checkpoint-1";
constexpr size_t kHexPerStat = 48;  // three 64-bit words

uint64_t bits_of(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
double double_of(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

void append_hex(std::string& out, uint64_t word) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, word);
  out.append(buf, 16);
}

bool read_hex(const std::string& text, size_t at, uint64_t* word) {
  uint64_t w = 0;
  for (size_t i = at; i < at + 16; ++i) {
    const char c = text[i];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    w = w << 4 | static_cast<uint64_t>(d);
  }
  *word = w;
  return true;
}

void append_stats(std::string& out, const std::vector<RunningStat>& stats) {
  for (const RunningStat& s : stats) {
    const RunningStat::State st = s.state();
    append_hex(out, st.n);
    append_hex(out, bits_of(st.mean));
    append_hex(out, bits_of(st.m2));
  }
}

bool read_stats(const std::string& text, size_t* at, std::vector<RunningStat>& stats) {
  for (RunningStat& s : stats) {
    uint64_t n, mean, m2;
    if (!read_hex(text, *at, &n) || !read_hex(text, *at + 16, &mean) || !read_hex(text, *at + 32, &m2)) return false;
    s = RunningStat::from_state(RunningStat::State{n, double_of(mean), double_of(m2)});
    *at += kHexPerStat;
  }
  return true;
}

// FNV-1a: enough to catch a damaged or hand-edited file (not an adversary).
std::string checksum(const std::string& text) {
  std::string out;
  append_hex(out, fnv1a64(text));
  return out;
}

json body_of(const Checkpoint& c) {
  json points = json::array();
  for (const BlockPrefix& p : c.points) {
    std::string slots;
    slots.reserve((p.stats.curves.size() + p.stats.finals.size()) * kHexPerStat);
    append_stats(slots, p.stats.curves);
    append_stats(slots, p.stats.finals);
    points.push_back(json{{"blocks", p.blocks}, {"seconds", p.seconds}, {"slots", slots}});
  }
  return json{{"identity", c.identity}, {"points", points}};
}

}  // namespace

std::string checkpoint_text(const Checkpoint& c) {
  const json body = body_of(c);
  json out = body;
  out["format"] = kFormat;
  out["checksum"] = checksum(body.dump());
  return out.dump() + "\n";
}

namespace {

Status damaged(const std::string& why) { return Status::error("the checkpoint is damaged (" + why + ")"); }

// The checkpoint's document once its format, fields and checksum are checked (its points are not read).
Expected<json> checked_document(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return damaged("not a JSON object");
  if (!doc.contains("format") || doc["format"] != kFormat) return damaged("no \"format\": \"" + std::string(kFormat) + "\"");
  for (const char* key : {"identity", "points", "checksum"})
    if (!doc.contains(key)) return damaged(std::string("no \"") + key + "\" field");
  if (!doc["checksum"].is_string() || !doc["points"].is_array()) return damaged("wrong field types");
  const json body = json{{"identity", doc["identity"]}, {"points", doc["points"]}};
  if (doc["checksum"].get<std::string>() != checksum(body.dump())) return damaged("its checksum does not match its content");
  return doc;
}

}  // namespace

Expected<json> checkpoint_identity(const std::string& text) {
  Expected<json> doc = checked_document(text);
  if (!doc.ok()) return doc.status();
  return json(doc.value()["identity"]);
}

Expected<Checkpoint> parse_checkpoint(const std::string& text, const std::vector<RunLayout>& layouts) {
  const Expected<json> checked = checked_document(text);
  if (!checked.ok()) return checked.status();
  const json& doc = checked.value();
  Checkpoint c;
  c.identity = doc["identity"];
  const json& points = doc["points"];
  if (points.size() != layouts.size())
    return damaged("it holds " + std::to_string(points.size()) + " points, this job has " + std::to_string(layouts.size()));
  for (size_t i = 0; i < points.size(); ++i) {
    const json& p = points[i];
    const std::string where = "point " + std::to_string(i + 1);
    if (!p.is_object() || !p.contains("blocks") || !p.contains("seconds") || !p.contains("slots") ||
        !p["blocks"].is_number_unsigned() || !p["seconds"].is_number() || !p["slots"].is_string())
      return damaged(where + " lacks blocks, seconds or slots");
    BlockPrefix prefix{p["blocks"].get<uint32_t>(), SlotStats(layouts[i]), p["seconds"].get<double>()};
    const std::string& slots = p["slots"].get_ref<const std::string&>();
    if (slots.size() != (prefix.stats.curves.size() + prefix.stats.finals.size()) * kHexPerStat)
      return damaged(where + " has statistics of another layout");
    size_t at = 0;
    if (!read_stats(slots, &at, prefix.stats.curves) || !read_stats(slots, &at, prefix.stats.finals))
      return damaged(where + " has a malformed statistic");
    c.points.push_back(std::move(prefix));
  }
  return c;
}

std::string identity_difference(const json& saved, const json& here) {
  if (saved == here) return "";
  if (!saved.is_object() || !here.is_object()) return "the checkpoint describes another kind of job";
  auto show = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  for (const auto& [key, value] : here.items()) {
    if (!saved.contains(key)) return key + " is missing from the checkpoint";
    const json& old = saved[key];
    if (old == value) continue;
    if (old.is_object() && value.is_object()) {
      for (const auto& [k, v] : value.items())
        if (!old.contains(k) || old[k] != v)
          return key + "." + k + " is " + (old.contains(k) ? show(old[k]) : "absent") + " in the checkpoint, " + show(v) + " here";
      return key + " has fields the command does not have";
    }
    return key + " is " + show(old) + " in the checkpoint, " + show(value) + " here";
  }
  return "the checkpoint has fields this job does not have";
}

}  // namespace klab
