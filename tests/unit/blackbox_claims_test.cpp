// The blackbox chapter's claims (issue 9), each through the Experiment the user runs
// (`klab run blackbox.es` with the same parameters), with fixed seeds and statistical margins.
// Run natively (the wasm test run skips the "claims" suite).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "blackbox/es_experiment.hpp"
#include "core/batch.hpp"

namespace {

using klab::BatchResult;

BatchResult run_es(uint64_t seed, uint32_t runs) {
  klab::blackbox::EsExperiment e;  // the demo's defaults: n = 20, 40, 80, 160, p = 1/n, d = 1, budget 30·n²
  klab::BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  return job.result();
}

const klab::RunningStat& stuck(const BatchResult& r, const std::string& series, size_t point) {
  const int s = r.layout.find_series(series), m = r.layout.find_curve("stuck");
  REQUIRE(s >= 0);
  REQUIRE(m >= 0);
  return r.curve_stat(static_cast<size_t>(s), static_cast<size_t>(m), point);
}

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("claim 4: on planted optima of random height (1,λ) reaches the optimum in every run within the budget 30·n², "
            "(1+λ) is stuck in a fraction that grows with n; with equal heights neither is stuck") {
    {
      const BatchResult r = run_es(11, 80);
      const size_t last = r.layout.axes[0].x.size() - 1;
      for (size_t k = 0; k <= last; ++k) {
        CHECK(stuck(r, "comma_random", k).mean() == 0.0);
        CHECK(stuck(r, "comma_equal", k).mean() == 0.0);
        CHECK(stuck(r, "plus_equal", k).mean() == 0.0);
      }
      // (1+λ) on random heights at n = 160: the lower end of the 95% interval above 0.3.
      const klab::RunningStat& big = stuck(r, "plus_random", last);
      const klab::RunningStat& small = stuck(r, "plus_random", 0);
      CHECK(big.mean() - big.ci95() > 0.3);
      // ... and more often stuck at n = 160 than at n = 20, by two standard errors of the difference.
      const double se = std::hypot(big.sem(), small.sem());
      CHECK(big.mean() - small.mean() > 2.0 * se);
      MESSAGE("(1+λ) on random heights stuck at n = 20: " << small.mean() << " ± " << small.sem() << ", at n = 160: " << big.mean() << " ± "
                                                          << big.sem());
    }
  }
}
