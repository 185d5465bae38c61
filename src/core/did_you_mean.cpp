#include "core/did_you_mean.hpp"

#include <algorithm>
#include <cstdint>

namespace klab {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Ids and keys are ASCII; a longer `got` is someone's text, not a misspelt name.
constexpr size_t kMaxSuggestedLength = 128;

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between a's first i and b's first j characters (three rolling rows).
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) && ascii_lower(a[i - 2]) == ascii_lower(b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);  // two neighbours swapped
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_name(std::string_view got, const std::vector<std::string>& candidates) {
  if (got.empty() || got.size() > kMaxSuggestedLength) return "";
  auto equal_ci = [](std::string_view x, std::string_view y) { return x.size() == y.size() && edit_distance(x, y) == 0; };
  // 1. The part after a candidate's last dot ("regret" for "bandits.regret").
  std::string found;
  int hits = 0;
  for (const std::string& c : candidates) {
    const size_t dot = c.rfind('.');
    if (dot != std::string::npos && equal_ci(std::string_view(c).substr(dot + 1), got)) found = c, ++hits;
  }
  if (hits == 1) return found;
  // 2. The start of exactly one candidate ("bandits.reg"), at least three characters long.
  hits = 0;
  if (got.size() >= 3)
    for (const std::string& c : candidates)
      if (c.size() > got.size() && equal_ci(std::string_view(c).substr(0, got.size()), got)) found = c, ++hits;
  if (hits == 1) return found;
  // 3. A typo of a candidate or of its part after the dot ("regert" for "bandits.regret"): the nearest
  // within one edit per three characters, if it is the only candidate that near.
  size_t best = SIZE_MAX;
  hits = 0;
  for (const std::string& c : candidates) {
    const size_t dot = c.rfind('.');
    size_t d = SIZE_MAX;
    for (std::string_view text : {std::string_view(c), dot == std::string::npos ? std::string_view() : std::string_view(c).substr(dot + 1)}) {
      if (text.empty()) continue;
      const size_t e = edit_distance(got, text);
      if (e <= std::max<size_t>(1, text.size() / 3) && e < text.size() && e < got.size()) d = std::min(d, e);  // keeps a character
    }
    if (d == SIZE_MAX) continue;
    if (d < best) best = d, found = c, hits = 1;
    else if (d == best && c != found) ++hits;
  }
  return hits == 1 ? found : "";
}

std::string did_you_mean(std::string_view got, const std::vector<std::string>& candidates) {
  const std::string n = nearest_name(got, candidates);
  return n.empty() ? "" : "; did you mean '" + n + "'?";
}

}  // namespace klab
