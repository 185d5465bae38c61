#pragma once
// "Did you mean …?" for near-miss names: the one mechanism behind every refusal of an unknown demo id,
// command, option, parameter key or choice (CLI flags, config.json, URL hashes all reach it through
// ParamSet and the CLI's parser).
#include <string>
#include <string_view>
#include <vector>

namespace klab {

// Optimal string alignment distance between a and b, ignoring ASCII case: the fewest insertions,
// deletions, substitutions and swaps of two neighbouring characters (each costs 1) that turn a into b.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `got` most likely means, or "" when none is near enough or two are equally near. In
// this order: `got` is a candidate's part after its last dot ("regret" for "bandits.regret"); the
// start (three characters or more) of one candidate only ("bandits.reg"); or a typo of a candidate or
// of its part after the dot ("regert"), at most one edit per three characters of what it misspells
// (at least one, and some character left as it was: "x" suggests nothing for "c").
std::string nearest_name(std::string_view got, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" for nearest_name's x, or "" (ready to append to a refusal).
std::string did_you_mean(std::string_view got, const std::vector<std::string>& candidates);

}  // namespace klab
