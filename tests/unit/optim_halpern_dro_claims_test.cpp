// Claim 5 of the optim chapter (issue 8) on the constrained problem (problem dro_least_squares, μ = 0, λ = 1): what this
// toy shows, through the Experiment the user runs (`klab run optim.halpern --set problem=dro_least_squares --set mu=0
// --set components=n --set epsilon=0.03 --set passes=200 --set methods=vr_halpern_inexact,eg,vr_eg --runs 4 --seed 61`,
// and seed 62). Variance reduction pays for extragradient: at n = 64 VR extragradient needs fewer calls to ε than
// extragradient. Algorithm 2's natural residual stays under the exact resolvent's bound 2‖z₀ − z*‖/(ηk) (bound_excess < 0),
// but its O(1/k) is slower here than the extragradient methods' linear rate (this DRO is strongly monotone in x, and the
// anchor carries ‖z₀ − z*‖): it does not reach ε within 200 passes. The paper's advantage of VR-Halpern over the
// extragradient methods is NOT shown on this problem (README, "DRO least squares"); its advantage over the deterministic
// Halpern-type method is: at n = 256 Algorithm 2 reaches ε within 1600 passes and the extra-anchored gradient does not
// (`... --set components=256 --set passes=1600 --set methods=vr_halpern_inexact,eag --runs 2 --seed 61`).
#include <doctest/doctest.h>

#include <string>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"
#include "test_util.hpp"

TEST_SUITE("claims") {
  TEST_CASE("claim 5, DRO least squares (μ = 0, λ = 1, n = 64): VR extragradient needs fewer calls to ε than extragradient; "
            "Algorithm 2 stays under its exact-resolvent bound but does not reach ε within 200 passes") {
    // Measured (4 runs each): VR extragradient 4606 ± 140 / 4564 ± 120 calls against extragradient's 7168 / 6016 (seeds
    // 61 / 62); Algorithm 2's bound_excess −0.27 ± 0.01 / −0.28 ± 0.01 and its residual at the budget 0.80 / 1.25 (against
    // extragradient's 0.023 / 0.024). Asserted with margin: ≤ 0.9× extragradient's calls, excess ≤ −0.1.
    using klab::test::final_of;
    for (uint64_t seed : {61u, 62u}) {
      CAPTURE(seed);
      klab::optim::HalpernExperiment e;
      const klab::BatchResult r = klab::test::run_batch(e,
                                                        {{"problem", "dro_least_squares"}, {"mu", "0"}, {"penalty", "1"}, {"components", "64"},
                                                         {"epsilon", "0.03"}, {"passes", "200"}, {"methods", "vr_halpern_inexact,eg,vr_eg"}},
                                                        seed, 4);
      CHECK(final_of(r, "eg", "reached").mean() == 1.0);
      CHECK(final_of(r, "vr_eg", "reached").mean() == 1.0);
      CHECK(final_of(r, "vr_eg", "calls_to_eps").mean() <= 0.9 * final_of(r, "eg", "calls_to_eps").mean());
      CHECK(final_of(r, "vr_halpern_inexact", "bound_excess").mean() <= -0.1);
      CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 0.0);
      MESSAGE("seed " << seed << ": calls to ε = 0.03: vr_eg " << final_of(r, "vr_eg", "calls_to_eps").mean() << " ± "
                      << final_of(r, "vr_eg", "calls_to_eps").sem() << ", eg " << final_of(r, "eg", "calls_to_eps").mean()
                      << "; Algorithm 2's bound_excess " << final_of(r, "vr_halpern_inexact", "bound_excess").mean() << ", residual "
                      << final_of(r, "vr_halpern_inexact", "residual").mean());
    }
  }

  TEST_CASE("claim 5, DRO least squares (μ = 0, λ = 1, n = 256): Algorithm 2 reaches ε within 1600 passes, the extra-anchored "
            "gradient does not") {
    // Measured (2 runs, 3000 passes): Algorithm 2 287 800 ± 5 800 / 299 700 ± 4 500 calls (seeds 61 / 62), the extra-anchored
    // gradient 749 600 / 709 600; the budget 1600 · 256 = 409 600 is 1.4× Algorithm 2's and 0.55× the anchored gradient's.
    using klab::test::final_of;
    klab::optim::HalpernExperiment e;
    const klab::BatchResult r = klab::test::run_batch(e,
                                                      {{"problem", "dro_least_squares"}, {"mu", "0"}, {"penalty", "1"}, {"components", "256"},
                                                       {"epsilon", "0.03"}, {"passes", "1600"}, {"methods", "vr_halpern_inexact,eag"}},
                                                      61, 2);
    CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 1.0);
    CHECK(final_of(r, "eag", "reached").mean() == 0.0);
    MESSAGE("Algorithm 2 reaches ε = 0.03 after " << final_of(r, "vr_halpern_inexact", "calls_to_eps").mean()
                                                  << " calls; the extra-anchored gradient's residual at the budget "
                                                  << final_of(r, "eag", "residual").mean());
  }
}
