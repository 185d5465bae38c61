// The live batch (src/core/live_batch.hpp) that the Live tabs of bandits.bai, bandits.streaming and
// bandits.judges draw their headline from: after n finished runs its statistics are the Runs tab's
// (BatchJob over runs 0..n−1 with the same seed), bit for bit, whatever the slicing into view steps;
// past kBlockRuns runs the block merge is exercised too. Small instances: the test stays cheap.
#include <doctest/doctest.h>

#include <cstring>

#include "bandits/bai_experiment.hpp"
#include "bandits/judges_experiment.hpp"
#include "bandits/streaming_experiment.hpp"
#include "core/batch.hpp"
#include "core/live_batch.hpp"

using namespace klab;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void check_same_stats(const std::vector<RunningStat>& live, const std::vector<RunningStat>& runs) {
  REQUIRE(live.size() == runs.size());
  for (size_t i = 0; i < live.size(); ++i) {
    CAPTURE(i);
    CHECK(live[i].count() == runs[i].count());
    if (runs[i].count() == 0) continue;
    CHECK(same_bits(live[i].mean(), runs[i].mean()));
    CHECK(same_bits(live[i].ci95(), runs[i].ci95()));
  }
}

// Steps the live batch of `runs` runs one view step at a time; at each of `checks` finished runs its
// result equals BatchJob's of that many runs.
void check_live_equals_runs(const Experiment& e, uint64_t seed, uint32_t runs, int steps_per_run, std::vector<uint32_t> checks) {
  LiveBatch live;
  live.reset(e, seed, runs, steps_per_run);
  CHECK(live.result().runs_done == 0);
  size_t next = 0;
  long long steps = 0;
  bool sliced = false;  // some run took more than one step
  uint32_t done_before = 0;
  while (!live.finished()) {
    live.advance(1);
    ++steps;
    if (live.runs_done() == done_before) sliced = true;
    done_before = live.runs_done();
    if (next < checks.size() && live.runs_done() == checks[next]) {
      CAPTURE(checks[next]);
      BatchJob job(e.clone(), seed, checks[next]);
      job.run_all(1);
      const BatchResult r = job.result();
      CHECK(live.result().runs_done == r.runs_done);
      check_same_stats(live.result().stats.curves, r.stats.curves);
      check_same_stats(live.result().stats.finals, r.stats.finals);
      ++next;
    }
  }
  CHECK(next == checks.size());
  CHECK(live.runs_done() == runs);
  CHECK(live.steps_done() == static_cast<double>(steps));
  CHECK(live.steps_done() == live.steps_total());  // these cursors slice every run alike
  if (steps_per_run > 1) CHECK(sliced);  // the runs were cut into steps, and the statistics did not notice
}

}  // namespace

TEST_CASE("live batch of bandits.bai, bandits.streaming and bandits.judges: after n runs, the Runs tab's statistics of n runs, bit for bit") {
  constexpr uint32_t kRuns = kBlockRuns + 4;  // one merged block and an open one
  const std::vector<uint32_t> checks = {1, 5, kBlockRuns, kRuns};
  SUBCASE("bandits.bai") {
    bandits::BaiExperiment e;
    REQUIRE(e.params().set_texts({{"budget", "300"}}).ok());
    check_live_equals_runs(e, 13, kRuns, 4, checks);
  }
  SUBCASE("bandits.streaming") {
    bandits::StreamingExperiment e;
    REQUIRE(e.params().set_texts({{"k", "12"}, {"t_max", "3000"}, {"decades", "1"}, {"points", "3"}}).ok());
    check_live_equals_runs(e, 5, kRuns, 8, checks);
  }
  SUBCASE("bandits.judges") {
    bandits::JudgesExperiment e;
    REQUIRE(e.params().set_texts({{"items", "4"}, {"budget", "400"}}).ok());
    check_live_equals_runs(e, 1, kRuns, 3, checks);
  }
}
