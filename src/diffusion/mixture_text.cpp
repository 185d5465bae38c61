#include "diffusion/mixture_text.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/params.hpp"

namespace klab::diffusion {
namespace {

constexpr const char* kFieldNames[] = {"w", "mx", "my", "sxx", "sxy", "syy"};
constexpr size_t kFields = std::size(kFieldNames);

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string shown(std::string_view s) { return "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...'" : "'"); }

}  // namespace

std::string format_mixture(const Mixture& m) {
  std::string s;
  for (size_t k = 0; k < m.components.size(); ++k) {
    const Component& c = m.components[k];
    const double fields[kFields] = {c.weight, c.mx, c.my, c.sxx, c.sxy, c.syy};
    if (k) s += ';';
    for (size_t f = 0; f < kFields; ++f) s += (f ? ":" : "") + format_real(fields[f]);
  }
  return s;
}

Expected<Mixture> parse_mixture(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ';');
  if (parts.size() > static_cast<size_t>(kMaxComponents))
    return Status::error("at most " + std::to_string(kMaxComponents) + " components (got " + std::to_string(parts.size()) + ")");
  Mixture m;
  for (size_t k = 0; k < parts.size(); ++k) {
    const std::string who = "component " + std::to_string(k + 1);
    const std::vector<std::string_view> fields = split(parts[k], ':');
    if (fields.size() != kFields)
      return Status::error(who + " has " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s") + " (" + shown(parts[k]) +
                           "); each component is w:mx:my:sxx:sxy:syy, components separated by ';'");
    double v[kFields];
    for (size_t f = 0; f < kFields; ++f)
      if (!parse_real(trim(fields[f]), &v[f]))
        return Status::error(who + ", field '" + kFieldNames[f] + "' must be a real number (got " + shown(fields[f]) + ")");
    m.components.push_back(Component{v[0], v[1], v[2], v[3], v[4], v[5]});
  }
  return m;
}

Status check_mixture_text(const std::string& text) {
  if (text.empty()) return {};
  const Expected<Mixture> m = parse_mixture(text);
  const Status s = m.ok() ? check_mixture(m.value()) : m.status();
  return s.ok() ? Status() : Status::error("parameter 'mixture': " + s.message());
}

Mixture world_mixture(Preset preset, double width, const std::string& text) {
  if (text.empty()) return make_preset(preset, width);
  const Status s = check_mixture_text(text);
  if (!s.ok()) {
    std::fprintf(stderr, "world_mixture: an unchecked mixture text reached the experiment: %s\n", s.message().c_str());
    std::abort();
  }
  Mixture m = parse_mixture(text).value();
  normalise(m);
  return m;
}

}  // namespace klab::diffusion
