// Claim 5 of the optim chapter (issue 8): Halpern's residual meets its bound at every iteration;
// VR-Halpern's oracle calls to a residual ε grow like √n while deterministic Halpern's grow like n.
// Through the Experiment the user runs (`klab run optim.halpern --set components=n --set epsilon=0.03
// --set passes=400 --runs 4 --seed 51`, and seed 52), fixed seeds, fitted log-log slopes with stated intervals.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
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
}
