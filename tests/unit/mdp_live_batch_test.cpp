// mdp.learning's live batch (src/mdp/learning_live.hpp), what the live view's learning curves draw:
// after each episode k its mean and 95% band are the Runs tab's (BatchJob over the same R runs) at
// every checkpoint k, bit for bit; and the batch is cut on worlds where R runs would slow the play.
#include <doctest/doctest.h>

#include <cstring>

#include "core/batch.hpp"
#include "mdp/learning_live.hpp"
#include "mdp/world.hpp"

using namespace klab;
using namespace klab::mdp;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The live batch stepped K episodes, recording after each, against BatchJob's curves of R runs.
void check_live_equals_runs(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t runs) {
  LearningExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  LearningLiveBatch live(e, seed, runs);
  REQUIRE(live.runs() == runs);
  for (long long k = 0; k < e.p().episodes; ++k) {
    live.run_episode();
    live.record();
  }
  BatchJob job(e.clone(), seed, runs);
  job.run_all(1);
  const BatchResult r = job.result();
  const std::vector<double>& ks = r.layout.axes[0].x;
  size_t control = 0, evaluator = 0;
  for (size_t s = 0; s < e.p().methods.size(); ++s) {
    const bool is_control = std::holds_alternative<ControlMethod>(learning_method(e.p().methods[s]));
    const LiveBand& band = is_control ? live.regret()[control++] : live.ope_error()[evaluator++];
    std::vector<double> mean, lo, hi;
    r.curve(s, is_control ? kLearningCurveRegret : kLearningCurveOpeError, &mean, &lo, &hi);
    for (size_t k = 0; k < ks.size(); ++k) {
      const size_t at = static_cast<size_t>(ks[k]) - 1;  // the record after episode ks[k]
      CAPTURE(e.p().methods[s]);
      CAPTURE(ks[k]);
      CHECK(live.recorded_episodes()[at] == ks[k]);
      CHECK(same_bits(band.mean[at], mean[k]));
      CHECK(same_bits(band.lo[at], lo[k]));
      CHECK(same_bits(band.hi[at], hi[k]));
      CHECK(band.hi[at] > band.lo[at]);  // R > 1 runs that differ: a band, not a line
    }
  }
}

}  // namespace

TEST_CASE("mdp.learning live batch: its mean and 95% band are the Runs tab's of the same runs, bit for bit") {
  // RiverSwim (one world for all runs): TD, UCBVI and two evaluators at a λ off the sweep's grid.
  check_live_equals_runs({{"methods", "q_learning,ucbvi,retrace,rbis"}, {"episodes", "60"}, {"lambda", "0.8"}}, 11, 5);
  // Random MDPs, a new one per run (the live runs must meet the Runs tab's worlds), γ < 1.
  check_live_equals_runs({{"methods", "expected_sarsa,tree_backup"}, {"world", "random"}, {"size", "7"}, {"actions", "3"},
                          {"episodes", "40"}, {"horizon", "6"}, {"gamma", "0.9"}},
                         3, 4);
}

TEST_CASE("mdp.learning live batch: fewer runs where R runs would slow the play") {
  WorldParams w;
  w.preset = Preset::Random;
  w.size = 200, w.actions = 4, w.branching = 5;
  const Expected<World> world = build_world(w, 1, 0);
  REQUIRE(world.ok());
  const EpisodicProblem problem(world.value().mdp, 100, 1.0);
  // TD learners: 2·H steps a run per view step, 2·H·SA = 1.6·10⁵ table entries a run: the batch asked for.
  CHECK(live_batch_runs(problem, 2, false, 0, 8) == 8);
  CHECK(live_batch_runs(problem, 2, false, 0, 100) == kBlockRuns);  // at most one block (the Runs tab's arithmetic)
  // UCBVI plans over H·(nnz + SA) = 4.8·10⁵ entries per episode: a single run.
  CHECK(live_batch_runs(problem, 2, true, 0, 8) == 1);
}
