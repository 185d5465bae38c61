// The bandits chapter's claims, each an experiment with a fixed seed whose effect is asserted with
// a statistical margin (differences of means against standard errors, fitted slopes against a
// range). Run natively (the wasm test run skips the "claims" suite).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bandits/bai_experiment.hpp"
#include "bandits/free_experiment.hpp"
#include "bandits/judges_experiment.hpp"
#include "bandits/regret_experiment.hpp"
#include "bandits/streaming_experiment.hpp"
#include "claim_batch.hpp"
#include "core/batch.hpp"

namespace {

using klab::BatchResult;
using klab::RunningStat;
using klab::test::final_of;
using klab::test::run_batch;

// (mean_a - mean_b) / √(se_a² + se_b²): conservative for positively correlated (paired) runs.
double z_of_difference(const RunningStat& a, const RunningStat& b) {
  return (a.mean() - b.mean()) / std::sqrt(a.sem() * a.sem() + b.sem() * b.sem());
}

// The checkpoint of curve `metric` closest to x.
size_t point_near(const BatchResult& r, const std::string& metric, double x) {
  const std::vector<double>& xs = r.layout.axes[r.layout.curves[static_cast<size_t>(r.layout.find_curve(metric))].axis].x;
  size_t best = 0;
  for (size_t i = 1; i < xs.size(); ++i)
    if (std::fabs(std::log(xs[i] / x)) < std::fabs(std::log(xs[best] / x))) best = i;
  return best;
}

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("9-arm Bernoulli, T = 10^4: KL-UCB and Thompson have lower regret than UCB1 by many standard errors") {
    klab::bandits::RegretExperiment e;
    const BatchResult r = run_batch(e, {{"policies", "ucb1,klucb,thompson"}, {"horizon", "10000"}}, 2024, 256);
    const RunningStat &ucb = final_of(r, "ucb1", "regret"), &kl = final_of(r, "klucb", "regret"), &ts = final_of(r, "thompson", "regret");
    MESSAGE("regret at T = 10^4 (256 runs): UCB1 " << ucb.mean() << " ± " << ucb.sem() << ", KL-UCB " << kl.mean() << " ± " << kl.sem()
                                                   << ", Thompson " << ts.mean() << " ± " << ts.sem());
    CHECK(z_of_difference(ucb, kl) > 10.0);
    CHECK(z_of_difference(ucb, ts) > 10.0);
  }

  TEST_CASE("KL-UCB: R_T / ln T approaches the Lai–Robbins constant over T = 10^3 … 10^5") {
    klab::bandits::RegretExperiment e;
    const BatchResult r = run_batch(e, {{"policies", "klucb"}, {"horizon", "100000"}}, 7, 200);
    const double c = e.lai_robbins();
    double previous_gap = 1e300, previous_se = 0.0;
    for (double t : {1e3, 1e4, 1e5}) {
      const size_t i = point_near(r, "regret", t);
      const double tt = r.layout.axes[0].x[i];
      const RunningStat& s = r.curve_stat(0, 0, i);
      const double ratio = s.mean() / std::log(tt), se = s.sem() / std::log(tt), gap = std::fabs(ratio - c);
      MESSAGE("t = " << tt << ": R_t / ln t = " << ratio << " ± " << se << "  (Lai–Robbins C = " << c << ")");
      CHECK(gap + 3.0 * std::sqrt(se * se + previous_se * previous_se) < previous_gap);  // the gap shrinks significantly
      previous_gap = gap, previous_se = se;
    }
    CHECK(previous_gap < 0.1 * c);  // within 10% of C at T = 10^5
  }

  TEST_CASE("free exploration saves regret; UFE saves more than uniform free exploration; the saving has a kink in c_free") {
    klab::bandits::FreeExperiment e;
    const BatchResult r = run_batch(e, {{"sweep", "5"}}, 31, 120);  // default instance: one hard arm among easy ones
    const RunningStat &uniform = final_of(r, "uniform_free", "saved"), &ufe = final_of(r, "ufe", "saved");
    const RunningStat& gain = final_of(r, "ufe", "gain_over_uniform");
    MESSAGE("regret saved at c_free = 20: uniform " << uniform.mean() << " ± " << uniform.sem() << ", UFE " << ufe.mean() << " ± "
                                                    << ufe.sem() << "; UFE - uniform " << gain.mean() << " ± " << gain.sem());
    CHECK(uniform.mean() > 5.0 * uniform.sem());
    CHECK(ufe.mean() > 5.0 * ufe.sem());
    CHECK(gain.mean() > 5.0 * gain.sem());  // paired on the same draws
    // Phase transition: the saving rises steeply until the easy arms are covered, then slowly.
    const int curve = r.layout.find_curve("saved_vs_c");
    const std::vector<double>& cs = r.layout.axes[1].x;
    for (size_t s = 1; s < 3; ++s) {
      const RunningStat &s0 = r.curve_stat(s, curve, 0), &s1 = r.curve_stat(s, curve, 1), &s3 = r.curve_stat(s, curve, 3),
                        &s4 = r.curve_stat(s, curve, 4);
      const double first = (s1.mean() - s0.mean()) / (cs[1] - cs[0]), last = (s4.mean() - s3.mean()) / (cs[4] - cs[3]);
      const double last_se = std::sqrt(s4.sem() * s4.sem() + s3.sem() * s3.sem()) / (cs[4] - cs[3]);
      MESSAGE(r.layout.series[s] << ": saving slope " << first << " per unit c_free below c = " << cs[1] << ", " << last << " ± " << last_se
                                 << " above c = " << cs[3]);
      CHECK(first > 5.0 * (last + 3.0 * last_se));
    }
  }

  TEST_CASE("streaming: regret grows like T^{2/3} (log-log slope in [0.6, 0.75]); the tower cuts uniform exploration's regret") {
    klab::bandits::StreamingExperiment e;
    const BatchResult r = run_batch(e, {}, 5, 100);  // K = 50, uniform means, T = 10^4 … 10^7
    for (size_t s = 0; s < r.layout.series.size(); ++s) {
      std::vector<double> mean, lo, hi;
      r.curve(s, 0, &mean, &lo, &hi);
      const double slope = klab::bandits::loglog_slope(r.layout.axes[0].x, mean);
      MESSAGE(r.layout.series[s] << ": fitted log-log slope " << slope);
      CHECK(slope >= 0.6);
      CHECK(slope <= 0.75);
    }
    const RunningStat &uniform = final_of(r, "uniform", "regret"), &saved = final_of(r, "tower", "saved_vs_uniform");
    MESSAGE("at T = 10^7 the tower's regret is " << 100.0 * saved.mean() / uniform.mean() << "% below uniform exploration's ("
                                                 << saved.mean() << " ± " << saved.sem() << ")");
    CHECK(saved.mean() > 5.0 * saved.sem());
  }

  TEST_CASE("judges: EST-IVWE is within a factor 1.15 of oracle IVWE and below uniform allocation at B = 10^5") {
    klab::bandits::JudgesExperiment e;
    const BatchResult r = run_batch(e, {}, 3, 100);
    const RunningStat &oracle = final_of(r, "oracle", "error"), &est = final_of(r, "est_ivwe", "error"), &uniform = final_of(r, "uniform", "error");
    const RunningStat& gain = final_of(r, "est_ivwe", "gain_over_uniform");
    MESSAGE("ℓ_2 error at B = 10^5: oracle " << oracle.mean() << " ± " << oracle.sem() << ", EST-IVWE " << est.mean() << " ± " << est.sem()
                                           << ", uniform " << uniform.mean() << " ± " << uniform.sem());
    CHECK(est.mean() + 3.0 * est.sem() < 1.15 * oracle.mean());
    CHECK(gain.mean() > 5.0 * gain.sem());
  }

  TEST_CASE("BAI: Sequential Halving's error decays exponentially in T; DP-BAI's error grows as ε shrinks and stays below noisy SH's") {
    klab::bandits::BaiExperiment e;
    const BatchResult r = run_batch(e, {}, 13, 3000);  // 7 arms on the quarter circle, T = 1000 … 8000
    // Weighted least squares of ln P(error) on T over the budgets with at least 10 errors.
    const int sh = r.layout.find_series("sh");
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    int used = 0;
    for (size_t i = 0; i < r.layout.axes[0].x.size(); ++i) {
      const RunningStat& s = r.curve_stat(static_cast<size_t>(sh), 0, i);
      if (s.mean() * s.count() < 10) continue;
      const double x = r.layout.axes[0].x[i], y = std::log(s.mean()), w = s.mean() * s.count();  // Var ln p̂ ≈ 1/(n p)
      sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y, ++used;
    }
    REQUIRE(used >= 4);
    const double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx), slope_se = std::sqrt(sw / (sw * sxx - sx * sx));
    MESSAGE("SH: ln P(error) ≈ a + b·T with b = " << slope << " ± " << slope_se << " per pull (" << used << " budgets)");
    CHECK(slope + 5.0 * slope_se < 0.0);
    // DP-BAI at T = 8000 over ε = 0.01 … 10: more privacy, more errors.
    const int dp = r.layout.find_series("dp_bai"), curve = r.layout.find_curve("error_vs_eps");
    const std::vector<double>& eps = r.layout.axes[1].x;
    const RunningStat &tight = r.curve_stat(static_cast<size_t>(dp), curve, 0), &mid = r.curve_stat(static_cast<size_t>(dp), curve, 2),
                      &loose = r.curve_stat(static_cast<size_t>(dp), curve, eps.size() - 1);
    MESSAGE("DP-BAI P(error): ε = " << eps[0] << ": " << tight.mean() << ", ε = " << eps[2] << ": " << mid.mean() << ", ε = " << eps.back()
                                    << ": " << loose.mean());
    CHECK(z_of_difference(tight, mid) > 5.0);
    CHECK(z_of_difference(mid, loose) > 3.0);
    // DP-BAI pays less for privacy than Laplace-noised SH where the privacy term dominates (ε = 0.01:
    // what the Live tab's headline shows within a hundred runs).
    const int dp_sh = r.layout.find_series("dp_sh");
    const RunningStat& noisy_sh = r.curve_stat(static_cast<size_t>(dp_sh), curve, 0);
    MESSAGE("P(error) at ε = " << eps[0] << ": dp_sh " << noisy_sh.mean() << ", dp_bai " << tight.mean());
    CHECK(z_of_difference(noisy_sh, tight) > 5.0);
  }
}
