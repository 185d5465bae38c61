// optim.halpern's Runs figure and residual monitor do less work with the same numbers (src/optim/halpern_experiment.cpp):
// the figure draws run 1's iterates from what the batch's run 1 kept (core/first_run_memo.hpp) instead of running it again,
// and after ε the monitor measures the residual only where the curves or the final residual read it.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"

using namespace klab;
using namespace klab::optim;

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

Settings small(const std::string& problem, const std::string& oracle, const std::string& passes = "60") {
  return {{"problem", problem}, {"mu", "0"}, {"components", "16"}, {"size", "8"}, {"passes", passes}, {"epsilon", "0.1"},
          {"oracle", oracle}, {"methods", "vr_halpern_inexact,eag,eg,vr_eg"}};
}

}  // namespace

TEST_CASE("optim.halpern: the figure draws run 1 as the batch ran it, the same points as running run 1 again") {
  for (const std::pair<std::string, std::string>& c : std::vector<std::pair<std::string, std::string>>{
           {"plane", "dense"}, {"dro_least_squares", "dense"}, {"dro_least_squares", "sparse"}, {"wdro_logistic", "sparse"},
           {"matrix_game", "dense"}}) {
    const std::string &problem = c.first, &oracle = c.second;
    CAPTURE(problem);
    CAPTURE(oracle);
    HalpernExperiment batch, again;
    const BatchResult r = test::run_batch(batch, small(problem, oracle), 11, 2);
    const std::shared_ptr<const HalpernFirstRun> kept = batch.kept_first_run(11);
    REQUIRE(static_cast<bool>(kept));               // run 1 of the batch (on a clone) kept its paths
    CHECK(!batch.kept_first_run(12));               // another seed's run 1 is not this one
    REQUIRE(again.params().set_texts(small(problem, oracle)).ok());
    REQUIRE(!again.kept_first_run(11));             // a fresh experiment has nothing kept: it runs run 1 again
    const std::shared_ptr<const HalpernFirstRun> rerun = again.first_run(11);
    CHECK(kept->start_residual == rerun->start_residual);
    REQUIRE(kept->x.size() == 4);
    for (size_t s = 0; s < kept->x.size(); ++s) {
      CHECK(kept->x[s].size() > 1);
      CHECK(kept->x[s] == rerun->x[s]);  // bit for bit
      CHECK(kept->y[s] == rerun->y[s]);
    }
    REQUIRE(batch.params().set_texts({{"passes", "61"}}).ok());
    CHECK(!batch.kept_first_run(11));  // other parameters' run 1 is not this one
  }
}

TEST_CASE("optim.halpern: the monitor records the residual of the iterate held at every checkpoint, as if measured every iteration") {
  // Reference: a HalpernRun whose every iterate's residual is measured; checkpoint c takes the residual of the iterate held
  // at c (calls before c, next step's calls after it), the end the last one, calls_to_eps the first iterate at ε.
  for (const std::string oracle : {"dense", "sparse"}) {
    CAPTURE(oracle);
    HalpernExperiment e;
    REQUIRE(e.params().set_texts(small("dro_least_squares", oracle, "200")).ok());
    const RunLayout layout = e.layout();
    RunRecord record(layout);
    e.run(5, 1, layout, record);
    HalpernRun run(e.p(), 5, 1);
    const std::vector<double>& cs = layout.axes[0].x;
    const double target = e.p().epsilon * run.residual(0);
    const int residual = layout.find_final("residual"), calls_to_eps = layout.find_final("calls_to_eps");
    std::vector<double> last(run.methods()), reached(run.methods(), -1.0);
    std::vector<size_t> next(run.methods(), 0);
    size_t recorded = 0;
    for (size_t s = 0; s < run.methods(); ++s) last[s] = run.residual(s);
    const auto check_until = [&](size_t s, double now, bool inclusive) {
      while (next[s] < cs.size() && (cs[next[s]] < now || (inclusive && cs[next[s]] <= now))) {
        CHECK(record.curves()[layout.curve_index(s, 0, next[s]++)] == last[s]);
        ++recorded;
      }
    };
    for (size_t s = 0; s < run.methods(); ++s) check_until(s, run.state(s).calls, false);
    for (;;) {
      std::vector<double> before(run.methods());
      for (size_t s = 0; s < run.methods(); ++s) before[s] = run.state(s).calls;
      if (!run.step()) break;
      for (size_t s = 0; s < run.methods(); ++s) {
        if (run.state(s).calls == before[s]) continue;
        check_until(s, run.state(s).calls, false);
        run.settle(s);
        last[s] = run.residual(s);
        if (reached[s] < 0 && last[s] <= target) reached[s] = run.state(s).calls;
      }
    }
    for (size_t s = 0; s < run.methods(); ++s) {
      check_until(s, run.state(s).calls, true);
      CHECK(record.finals()[layout.final_index(s, static_cast<size_t>(residual))] == last[s]);
      if (reached[s] >= 0) CHECK(record.finals()[layout.final_index(s, static_cast<size_t>(calls_to_eps))] == reached[s]);
    }
    CHECK(recorded == cs.size() * run.methods());
    CHECK(reached[2] >= 0);  // extragradient reaches ε (after 1280 of 3200 calls): measurements deferred after ε are exercised
    CHECK(reached[0] < 0);   // Algorithm 2 does not: its every iterate is measured (bound_excess)
  }
}

TEST_CASE("optim.halpern dro_least_squares: the monitor's lower bound (the x-block's residual) never exceeds the residual") {
  FiniteSumGame g;
  g.problem = HalpernProblem::DroLeastSquares;
  g.n = 32;
  g.mu = 0.0;
  g.prepare(4);
  klab::Rng rng(9, 0, 0);
  int tight = 0;
  for (int t = 0; t < 300; ++t) {
    VecZ z = g.start(12 * rng.uniform() - 6, 12 * rng.uniform() - 6);  // x up to outside the ball ‖x‖ ≤ 4.5
    for (size_t j = 2; j < z.size(); ++j) z[j] = t % 3 == 0 ? 1.0 : 5.0 * rng.uniform();
    if (t % 5 == 0) g.constrain(&z);
    const double bound = g.residual_lower_bound(z), r = g.residual(z);
    CHECK(bound <= r);  // bit for bit: the residual's sum of squares starts with the bound's two terms
    CHECK(bound >= 0.0);
    tight += bound >= 0.5 * r;
  }
  CHECK(tight > 30);  // and not vacuous: at least a tenth of these points are within a factor 2
}
