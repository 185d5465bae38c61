// ParamSet versions: the live view, the parameter panel and the Runs tab rebuild when the version
// they saw differs, so a demo rebuilt from a link must never reuse its predecessor's version.
#include <doctest/doctest.h>

#include "kl/fit_experiment.hpp"

TEST_CASE("a parameter set rebuilt from a link never repeats the version of the one it replaces") {
  klab::kl::FitExperiment first, second;
  REQUIRE(first.params().set_texts({{"means", "-4,1"}}).ok());
  REQUIRE(second.params().set_texts({{"means", "3,6"}}).ok());
  CHECK(first.params().version() != second.params().version());
  const uint64_t before = second.params().version();
  REQUIRE(second.params().set_texts({{"means", "3,6"}}).ok());  // no change: same version
  CHECK(second.params().version() == before);
  second.params().reset_to_defaults();
  CHECK(second.params().version() != before);
}
