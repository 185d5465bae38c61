// Claim 5 of the optim chapter (issue 8) on Wasserstein DRO logistic regression in Yu et al.'s min-max form (problem
// wdro_logistic, ρ = 0.1, κ = 1; src/optim/halpern_wdro.hpp), through the Experiment the user runs. What this problem shows
// (README, "Wasserstein DRO logistic regression"): variance reduction pays for extragradient (VR extragradient needs fewer
// calls to ε than extragradient), and the paper's Algorithm 2 needs fewer than the deterministic Halpern-type method (the
// extra-anchored gradient). It does NOT show Algorithm 2 beating the extragradient methods, which converge linearly here.
#include <doctest/doctest.h>

#include <string>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"
#include "test_util.hpp"

TEST_SUITE("claims") {
  TEST_CASE("claim 5, Wasserstein DRO logistic regression (n = 64): VR extragradient needs fewer calls to ε than extragradient") {
    // `klab run optim.halpern --set problem=wdro_logistic --set components=64 --set epsilon=0.03 --set passes=300
    //  --set methods=eg,vr_eg --runs 4 --seed S` (S = 61, 62). Measured: VR extragradient 8 933 ± 170 / 7 952 ± 190 calls against
    // extragradient's 13 696 / 11 776 (0.65×, 0.68×). Asserted with margin: ≤ 0.85× extragradient's calls.
    using klab::test::final_of;
    for (uint64_t seed : {61u, 62u}) {
      CAPTURE(seed);
      klab::optim::HalpernExperiment e;
      const klab::BatchResult r = klab::test::run_batch(
          e, {{"problem", "wdro_logistic"}, {"components", "64"}, {"epsilon", "0.03"}, {"passes", "300"}, {"methods", "eg,vr_eg"}}, seed, 4);
      CHECK(final_of(r, "eg", "reached").mean() == 1.0);
      CHECK(final_of(r, "vr_eg", "reached").mean() == 1.0);
      CHECK(final_of(r, "vr_eg", "calls_to_eps").mean() <= 0.85 * final_of(r, "eg", "calls_to_eps").mean());
      MESSAGE("seed " << seed << ": calls to ε = 0.03: vr_eg " << final_of(r, "vr_eg", "calls_to_eps").mean() << " ± "
                      << final_of(r, "vr_eg", "calls_to_eps").sem() << ", eg " << final_of(r, "eg", "calls_to_eps").mean());
    }
  }

  TEST_CASE("claim 5, Wasserstein DRO logistic regression (n = 256): Algorithm 2 reaches ε within 120 passes, the extra-anchored "
            "gradient does not") {
    // `klab run optim.halpern --set problem=wdro_logistic --set components=256 --set epsilon=0.03 --set passes=120
    //  --set methods=vr_halpern_inexact,eag --runs 4 --seed 61`; the budget 120 · 256 = 30 720 calls. Measured: Algorithm 2
    // 13 150 ± 1 470 calls (largest of the 4 runs ≈ 17 500; seed 62, runs 0 and 1: 15 136, 12 886); the extra-anchored gradient
    // needs 52 224 (1.7× the budget; seed 62: 64 512), its residual at the budget 0.199 against the target 0.020.
    using klab::test::final_of;
    klab::optim::HalpernExperiment e;
    const klab::BatchResult r = klab::test::run_batch(e,
                                                      {{"problem", "wdro_logistic"}, {"components", "256"}, {"epsilon", "0.03"},
                                                       {"passes", "120"}, {"methods", "vr_halpern_inexact,eag"}},
                                                      61, 4);
    CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 1.0);
    CHECK(final_of(r, "eag", "reached").mean() == 0.0);
    MESSAGE("Algorithm 2 reaches ε = 0.03 after " << final_of(r, "vr_halpern_inexact", "calls_to_eps").mean() << " ± "
                                                  << final_of(r, "vr_halpern_inexact", "calls_to_eps").sem()
                                                  << " calls; the extra-anchored gradient's residual at the budget "
                                                  << final_of(r, "eag", "residual").mean());
  }
}
