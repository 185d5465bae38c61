// Claim 5 of the optim chapter (issue 8) on the ill-conditioned merely monotone game (problem ill_conditioned, μ = 0,
// κ = 100): the paper's Algorithm 2 (inexact Halpern with a VR-FoRB resolvent) needs oracle calls to ε that grow like
// √n (the interval [0.35, 0.65] for the fitted slope); within its budget neither extragradient nor the
// extra-anchored gradient reaches ε at any n, nor VR extragradient at n = 16 and 64. Through the Experiment the user runs
// (`klab run optim.halpern --set problem=ill_conditioned --set mu=0 --set components=n --set epsilon=0.003
// --set passes=P --set methods=vr_halpern_inexact,eg,vr_eg,eag --runs 4 --seed 55`, and seed 56).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "claim_batch.hpp"
#include "optim/halpern_experiment.hpp"
#include "test_util.hpp"

TEST_SUITE("claims") {
  TEST_CASE("claim 5, ill-conditioned (κ = 100, μ = 0): Algorithm 2's calls to ε grow like √n; within its budget the "
            "extragradient methods and the extra-anchored gradient do not reach ε") {
    // Budgets P·n: 1.23× (n = 256) to 1.29× (n = 16) the largest calls Algorithm 2 needed in 32 runs (seeds 51 … 58). The
    // others need more (10 runs, seed 3, README): extragradient 103 521 iterations and the extra-anchored gradient 4257
    // (1.2× Algorithm 2's budget at n = 16), whatever n; VR extragradient's calls are heavy-tailed and hardly depend on n
    // (means 0.72·10⁶ … 1.03·10⁶), so it is checked only at n = 16 and 64, where in 40 runs of its streams here (seeds 55
    // and 56, 20 runs each) none reached ε in fewer than 1.4× Algorithm 2's budget; at n = 4096 the two are level.
    using klab::test::final_of;
    for (uint64_t seed : {55u, 56u}) {
      CAPTURE(seed);
      std::vector<double> ns, calls;
      for (const auto& point : std::vector<std::pair<long long, std::string>>{{16, "7000"}, {64, "3000"}, {256, "1300"}, {1024, "600"}}) {
        const long long n = point.first;  // (not a structured binding: clang 14 cannot capture one in CAPTURE's lambda)
        const std::string& passes = point.second;
        CAPTURE(n);
        const bool with_vr_eg = n <= 64;
        klab::optim::HalpernExperiment e;
        const klab::BatchResult r = klab::test::run_batch(e,
                                                          {{"problem", "ill_conditioned"}, {"condition", "100"}, {"mu", "0"},
                                                           {"components", std::to_string(n)}, {"epsilon", "0.003"}, {"passes", passes},
                                                           {"methods", with_vr_eg ? "vr_halpern_inexact,eg,vr_eg,eag" : "vr_halpern_inexact,eg,eag"}},
                                                          seed, 4);
        CHECK(final_of(r, "vr_halpern_inexact", "reached").mean() == 1.0);
        CHECK(final_of(r, "eg", "reached").mean() == 0.0);
        CHECK(final_of(r, "eag", "reached").mean() == 0.0);
        if (with_vr_eg) CHECK(final_of(r, "vr_eg", "reached").mean() == 0.0);
        ns.push_back(static_cast<double>(n));
        calls.push_back(final_of(r, "vr_halpern_inexact", "calls_to_eps").mean());
        MESSAGE("seed " << seed << ", n = " << n << ": Algorithm 2 reaches ε = 0.003 after " << calls.back() << " ± "
                        << final_of(r, "vr_halpern_inexact", "calls_to_eps").sem() << " calls; residual at the budget: eg "
                        << final_of(r, "eg", "residual").mean() << ", eag " << final_of(r, "eag", "residual").mean());
      }
      const double slope = klab::test::log_log_slope(ns, calls);
      MESSAGE("fitted slope of Algorithm 2's calls in n: " << slope);
      CHECK(slope >= 0.35);
      CHECK(slope <= 0.65);
    }
  }
}
