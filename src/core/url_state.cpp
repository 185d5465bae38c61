#include "core/url_state.hpp"

#include <set>

namespace klab {
namespace {

// Characters written as they are: RFC 3986's unreserved ones, plus ',', '+', ':' and ';', which a
// fragment may hold literally and which the edited mixture of the diffusion demos uses as
// separators (w:mx:my:...;...: a 64-component mixture would grow by about 770 characters escaped).
bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ',' || c == '~' || c == '-' || c == '+' || c == ':' || c == ';';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    *out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (unreserved(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string encode_url_hash(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  std::string h = "#" + percent_encode(demo_id) + "?";
  for (size_t i = 0; i < params.specs().size(); ++i)
    h += percent_encode(params.specs()[i].key) + "=" + percent_encode(params.text(i)) + "&";
  h += "seed=" + std::to_string(settings.seed) + "&runs=" + std::to_string(settings.runs);
  return h;
}

Expected<UrlState> decode_url_hash(std::string_view hash) {
  if (!hash.empty() && hash[0] == '#') hash.remove_prefix(1);
  UrlState state;
  const size_t q = hash.find('?');
  if (!percent_decode(hash.substr(0, q), &state.demo)) return Status::error("the link's demo id is malformed");
  if (q == std::string_view::npos) return state;
  std::string_view rest = hash.substr(q + 1);
  std::set<std::string> seen;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      return Status::error("the link has '" + std::string(pair.substr(0, 40)) + "' without '=value'");
    std::string key, value;
    if (!percent_decode(pair.substr(0, eq), &key) || !percent_decode(pair.substr(eq + 1), &value))
      return Status::error("the link has a malformed %-escape near '" + std::string(pair.substr(0, 40)) + "'");
    // Strict: a key given twice or a setting without a value is an error, never "the last one
    // wins" or "as if absent". (An empty parameter value goes on to its parser: an empty list
    // may be valid.)
    if (key.empty()) return Status::error("the link has '=" + std::string(pair.substr(eq + 1, 40)) + "' without a key");
    if (!seen.insert(key).second) return Status::error("the link gives '" + key.substr(0, 40) + "' twice; give each key once");
    if ((key == "seed" || key == "runs") && value.empty())
      return Status::error("the link has '" + key + "=' without a value");
    if (key == "seed") state.seed = value;
    else if (key == "runs") state.runs = value;
    else state.params.emplace_back(std::move(key), std::move(value));
  }
  return state;
}

}  // namespace klab
