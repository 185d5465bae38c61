// The checkpoint text (core/checkpoint.hpp): an exact round trip of every statistic's bits, damage
// caught by the checksum and the strict reading, identities compared field by field with the
// difference named.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "app/catalog.hpp"
#include "core/checkpoint.hpp"

namespace {

klab::BlockPrefix some_prefix(const klab::RunLayout& layout) {
  klab::BlockPrefix p{3, klab::SlotStats(layout), 1.25};
  double x = 0.1;
  for (klab::RunningStat& s : p.stats.finals)
    for (int k = 0; k < 5; ++k) s.push(x = std::fmod(x * 7.77 + 0.3, 1.0));
  for (size_t i = 0; i < p.stats.curves.size(); i += 3) p.stats.curves[i].push(1.0 / (1.0 + static_cast<double>(i)));
  return p;
}

bool same_bits(const klab::RunningStat& a, const klab::RunningStat& b) {
  const auto x = a.state(), y = b.state();
  return x.n == y.n && std::memcmp(&x.mean, &y.mean, 8) == 0 && std::memcmp(&x.m2, &y.m2, 8) == 0;
}

}  // namespace

TEST_CASE("a checkpoint's text reads back to the same bits, and damage is caught") {
  const klab::Registry catalog = klab::make_catalog();
  const auto experiment = catalog.find("bandits.regret")->make();
  const klab::RunLayout layout = experiment->layout();
  const klab::Checkpoint saved{nlohmann::json{{"demo", "bandits.regret"}, {"seed", 1}}, {some_prefix(layout)}};
  const std::string text = klab::checkpoint_text(saved);
  klab::Expected<klab::Checkpoint> read = klab::parse_checkpoint(text, {layout});
  REQUIRE(read.ok());
  CHECK(read.value().identity == saved.identity);
  CHECK(read.value().points[0].blocks == 3);
  for (size_t i = 0; i < layout.final_slots(); ++i) CHECK(same_bits(read.value().points[0].stats.finals[i], saved.points[0].stats.finals[i]));
  for (size_t i = 0; i < layout.curve_slots(); ++i) CHECK(same_bits(read.value().points[0].stats.curves[i], saved.points[0].stats.curves[i]));

  // One changed hex digit, a truncated file, another layout, nonsense: each refused with a reason.
  std::string flipped = text;
  const size_t at = flipped.find("\"slots\":\"") + 20;
  flipped[at] = flipped[at] == '0' ? '1' : '0';
  CHECK(klab::parse_checkpoint(flipped, {layout}).error().find("checksum does not match") != std::string::npos);
  CHECK(klab::parse_checkpoint(text.substr(0, text.size() / 2), {layout}).error().find("not a JSON object") != std::string::npos);
  klab::RunLayout other = layout;
  other.final_metrics.push_back("extra");
  CHECK(klab::parse_checkpoint(text, {other}).error().find("another layout") != std::string::npos);
  CHECK(klab::parse_checkpoint(text, {layout, layout}).error().find("holds 1 points, this job has 2") != std::string::npos);
  CHECK(klab::parse_checkpoint("{}", {layout}).error().find("format") != std::string::npos);
  // The identity reads without the layouts (--resume compares it first: another job's checkpoint, e.g.
  // with another number of solvers, is refused as another job's, not as damaged), and checks the checksum.
  REQUIRE(klab::checkpoint_identity(text).ok());
  CHECK(klab::checkpoint_identity(text).value() == saved.identity);
  CHECK(klab::checkpoint_identity(flipped).error().find("checksum does not match") != std::string::npos);
}

TEST_CASE("identities are compared field by field, the first difference named") {
  const nlohmann::json here = {{"demo", "bandits.regret"}, {"runs", 1000}, {"seed", 1}, {"params", {{"horizon", 500}, {"c", 0.0}}}};
  CHECK(klab::identity_difference(here, here).empty());
  nlohmann::json other = here;
  other["runs"] = 2000;
  CHECK(klab::identity_difference(other, here) == "runs is 2000 in the checkpoint, 1000 here");
  other = here;
  other["params"]["horizon"] = 800;
  CHECK(klab::identity_difference(other, here) == "params.horizon is 800 in the checkpoint, 500 here");
  other = here;
  other["demo"] = "kl.bernoulli";
  CHECK(klab::identity_difference(other, here) == "demo is kl.bernoulli in the checkpoint, bandits.regret here");
}
