// "Did you mean …?" (core/did_you_mean.hpp): the edit distance against hand-counted cases, and which
// near misses get a suggestion and which do not. The refusals that carry it: cli_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/did_you_mean.hpp"


TEST_CASE("edit_distance counts insertions, deletions, substitutions and neighbour swaps, ignoring case") {
  using klab::edit_distance;
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "ab") == 2);
  CHECK(edit_distance("horizon", "horizon") == 0);
  CHECK(edit_distance("Horizon", "hORIZON") == 0);
  CHECK(edit_distance("hoizon", "horizon") == 1);    // a deletion
  CHECK(edit_distance("horizonn", "horizon") == 1);  // an insertion
  CHECK(edit_distance("horizan", "horizon") == 1);   // a substitution
  CHECK(edit_distance("hroizon", "horizon") == 1);   // a swap of neighbours (Levenshtein: 2)
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment: no edit of a swapped pair
}

TEST_CASE("nearest_name suggests one near candidate, a demo's short name or a unique prefix, and nothing else") {
  using klab::nearest_name;
  const std::vector<std::string> ids = {"bandits.regret", "bandits.bai", "mdp.risk", "mdp.robust", "offline.robust"};
  CHECK(nearest_name("bandits.regrt", ids) == "bandits.regret");
  CHECK(nearest_name("Bandits.Regret", ids) == "bandits.regret");
  CHECK(nearest_name("regret", ids) == "bandits.regret");  // the part after the dot
  CHECK(nearest_name("regert", ids) == "bandits.regret");  // a typo of it
  CHECK(nearest_name("robst", ids) == "");                 // a typo of two ids' short names
  CHECK(nearest_name("bandits.reg", ids) == "bandits.regret");  // a prefix of one id only
  CHECK(nearest_name("robust", ids) == "");                 // two ids end in it: no guess
  CHECK(nearest_name("bandits", ids) == "");                // a prefix of two
  CHECK(nearest_name("kl.nope", ids) == "");                // far from all
  CHECK(nearest_name("", ids) == "");
  CHECK(nearest_name(std::string(1000, 'a'), ids) == "");
  const std::vector<std::string> keys = {"arms", "dist", "sigma", "low", "high", "horizon", "c", "eps_c", "etc_m"};
  CHECK(nearest_name("hoizon", keys) == "horizon");
  CHECK(nearest_name("sigm", keys) == "sigma");
  CHECK(nearest_name("x", keys) == "");  // one edit from "c", but nothing of it kept
  CHECK(nearest_name("alpha", keys) == "");
  CHECK(nearest_name("eps_m", keys) == "eps_c");  // one edit from eps_c, two from etc_m
  CHECK(nearest_name("etc_c", keys) == "etc_m");  // one edit from etc_m, two from eps_c
  CHECK(nearest_name("--sed", {"--set", "--seed"}) == "");  // one edit from both: no guess
  CHECK(klab::did_you_mean("hoizon", keys) == "; did you mean 'horizon'?");
  CHECK(klab::did_you_mean("alpha", keys).empty());
}
