// Claim 5 of the optim chapter (issue 8) on the paper's own policeman-and-burglar matrix game (problem matrix_game, built as
// the authors' script builds it: src/optim/halpern_matrix_game.hpp), through the Experiment the user runs: the paper's
// Algorithm 2 (inexact Halpern with a VR-FoRB resolvent) reaches a residual with fewer component-oracle calls than the
// deterministic Halpern-type method (the extra-anchored gradient). What the toy does NOT show (README, "The paper's matrix
// game"): Algorithm 2 beating the extragradient methods (they converge faster here), or its advantage growing with n.
// With the authors' scripts' steps (steps=script) the script's Algorithm 1 needs fewer calls than both deterministic methods
// at n = 64 (second test).
#include <doctest/doctest.h>

#include <string>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"
#include "test_util.hpp"

TEST_SUITE("claims") {
  TEST_CASE("claim 5, the paper's matrix game (n = 64): Algorithm 2 needs at most half the extra-anchored gradient's calls to ε") {
    // `klab run optim.halpern --set problem=matrix_game --set size=64 --set methods=vr_halpern_inexact,eag
    //  --set epsilon=0.4 --set passes=2000 --runs 2 --seed S` (S = 61, 62; the seed draws the wealths w_j, so the two seeds are two
    // games; 2 runs, as below). Measured: Algorithm 2 14 790 ± 500 / 55 440 ± 20 calls (± the standard error over the 2 runs;
    // `--runs 4`: 14 490 ± 460 / 54 980 ± 270); the extra-anchored gradient 52 480 / not within the budget of 128 000 (0.28×, < 0.44×). Asserted: Algorithm 2 reaches ε in every run and needs ≤ 0.5× the anchored gradient's
    // calls (its budget where it does not reach ε).
    using klab::test::final_of;
    for (uint64_t seed : {61u, 62u}) {
      CAPTURE(seed);
      klab::optim::HalpernExperiment e;
      const klab::BatchResult r = klab::test::run_batch(e,
                                                        {{"problem", "matrix_game"}, {"size", "64"}, {"epsilon", "0.4"},
                                                         {"passes", "2000"}, {"methods", "vr_halpern_inexact,eag"}},
                                                        seed, 2);
      CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 1.0);
      const double eag = final_of(r, "eag", "reached").mean() == 1.0 ? final_of(r, "eag", "calls_to_eps").mean() : 2000.0 * 64.0;
      CHECK(final_of(r, "vr_halpern_inexact", "calls_to_eps").mean() <= 0.5 * eag);
      MESSAGE("seed " << seed << ": calls to ε = 0.4: Algorithm 2 " << final_of(r, "vr_halpern_inexact", "calls_to_eps").mean()
                      << ", the extra-anchored gradient " << eag);
    }
  }

  TEST_CASE("claim 5 with the authors' scripts' steps (steps=script): Algorithm 1 needs fewer calls than EAG and, at n = 64, EG") {
    // `klab run optim.halpern --set problem=matrix_game --set size=n --set steps=script --set methods=vr_halpern,eag,eg
    //  --set epsilon=0.1 --set passes=400 --runs 2 --seed S` (n = 16, 64; S = 61, 62, two games). Every method steps as
    // matrix_game.py does, and Algorithm 1 (vr_halpern) runs as the script runs it, although F is not cocoercive.
    // Measured, calls to ε (Algorithm 1 ± the standard error over 2 runs / EAG / EG): n = 64: 4 280 ± 24 / 11 140 / 5 760 and
    // 8 080 ± 290 / 21 760 / 11 140 (0.38×, 0.37× EAG's; 0.74×, 0.73× EG's); n = 16: 364 ± 12 / 608 / 352 and 624 ± 8 / 1 056 / 544
    // (1.03×, 1.15× EG's). Asserted: at n = 64 Algorithm 1 reaches ε in every run with ≤ 0.5× EAG's and ≤ 0.85× EG's calls,
    // and its ratio to EG's calls falls by at least 0.15 from n = 16 to n = 64 (the deterministic methods' calls grow like n).
    using klab::test::final_of;
    for (uint64_t seed : {61u, 62u}) {
      CAPTURE(seed);
      double ratio_eg[2] = {0, 0};
      for (int size : {16, 64}) {
        CAPTURE(size);
        klab::optim::HalpernExperiment e;
        const klab::BatchResult r = klab::test::run_batch(e,
                                                          {{"problem", "matrix_game"}, {"size", std::to_string(size)}, {"steps", "script"},
                                                           {"epsilon", "0.1"}, {"passes", "400"}, {"methods", "vr_halpern,eag,eg"}},
                                                          seed, 2);
        REQUIRE(final_of(r, "vr_halpern", "reached").mean() == 1.0);
        REQUIRE(final_of(r, "eag", "reached").mean() == 1.0);
        REQUIRE(final_of(r, "eg", "reached").mean() == 1.0);
        const double alg1 = final_of(r, "vr_halpern", "calls_to_eps").mean(), eag = final_of(r, "eag", "calls_to_eps").mean();
        const double eg = final_of(r, "eg", "calls_to_eps").mean();
        ratio_eg[size == 64] = alg1 / eg;
        MESSAGE("seed " << seed << ", n = " << size << ": calls to ε = 0.1: Algorithm 1 " << alg1 << ", EAG " << eag << ", EG " << eg);
        if (size == 64) {
          CHECK(alg1 <= 0.5 * eag);
          CHECK(alg1 <= 0.85 * eg);
        }
      }
      CHECK(ratio_eg[1] <= ratio_eg[0] - 0.15);
    }
  }
}
