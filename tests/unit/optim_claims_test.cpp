// The optim chapter's claims (issue 8: claims 1, 2 (also on 2-D bumps) and 4), each through the Experiment the user runs
// (`klab run optim.mixture` / `optim.lion` with the same parameters), with fixed seeds and statistical margins
// (fitted log-log slopes on two seeds, means against standard errors, bounds that hold run by run).
// Run natively (the wasm test run skips the "claims" suite).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "claim_batch.hpp"
#include "core/batch.hpp"
#include "optim/lion_experiment.hpp"
#include "optim/mixture_experiment.hpp"

namespace {

using klab::BatchResult;
using klab::RunningStat;
using klab::test::final_of;
using Settings = std::vector<std::pair<std::string, std::string>>;

BatchResult run_mixture(const Settings& params, uint64_t seed, uint32_t runs) {
  klab::optim::MixtureExperiment e;
  const klab::Status s = e.params().set_texts(params);
  REQUIRE_MESSAGE(s.ok(), s.message());
  klab::BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  return job.result();
}

size_t series(const BatchResult& r, const std::string& id) {
  const int s = r.layout.find_series(id);
  REQUIRE(s >= 0);
  return static_cast<size_t>(s);
}

// Least-squares slope of ln(mean curve) against ln n over the checkpoints with n ≥ n_min.
double loglog_slope(const BatchResult& r, const std::string& id, const std::string& curve, double n_min) {
  const int m = r.layout.find_curve(curve);
  REQUIRE(m >= 0);
  double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;
  for (size_t i = 0; i < r.layout.axes[0].x.size(); ++i) {
    const double n = r.layout.axes[0].x[i];
    if (n < n_min) continue;
    const double x = std::log(n), y = std::log(r.curve_stat(series(r, id), static_cast<size_t>(m), i).mean());
    sx += x, sy += y, sxx += x * x, sxy += x * y, k += 1;
  }
  return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("claim 1: entropic SMD's KL on a categorical target with zero-probability categories decays like 1/n and stays finite; "
            "Euclidean SMD stalls on the floor of its lower bound") {
    // M = 10 categories, the last 3 with p_i = 0; δ = floor/M = 0.005 puts ≥ 3δ of mass off the support.
    const Settings settings = {{"target", "categorical"}, {"components", "10"}, {"zeros", "3"}, {"samples", "20000"},
                               {"methods", "smd_entropic,smd_euclidean,laplace"}, {"floor", "0.05"}};
    const double floor_kl = -std::log(1.0 - 3 * 0.005);  // KL(p‖w) ≥ −ln Σ_{p_i>0} w_i for every w ≥ δ
    for (uint64_t seed : {11u, 12u}) {
      const BatchResult r = run_mixture(settings, seed, 40);
      const double slope = loglog_slope(r, "smd_entropic", "kl", 200);
      const RunningStat &smd = final_of(r, "smd_entropic", "kl"), &euclid = final_of(r, "smd_euclidean", "kl"),
                        &laplace = final_of(r, "laplace", "kl");
      MESSAGE("seed " << seed << ": entropic SMD KL slope over n ∈ [200, 2e4] = " << slope << "; final KL " << smd.mean() << " ± " << smd.sem()
                      << " (SMD), " << euclid.mean() << " (Euclidean, floor " << floor_kl << "), " << laplace.mean() << " (add-one)");
      CHECK(slope >= -1.2);
      CHECK(slope <= -0.8);
      // Finite in every run (no lower bound needed): no run recorded KL = ∞.
      CHECK(smd.count() == 40);
      CHECK(final_of(r, "smd_entropic", "kl_infinite").mean() == 0.0);
      // The lower bound's floor holds run by run; entropic SMD is far below it.
      CHECK(euclid.mean() >= floor_kl);
      CHECK(smd.mean() + 3.0 * smd.sem() < 0.1 * floor_kl);
      CHECK(loglog_slope(r, "smd_euclidean", "kl", 5000) > -0.3);
      // Add-one also decays like 1/n, but pays Z/n for the Z zero categories: above SMD by many standard errors.
      CHECK(laplace.mean() - smd.mean() > 5.0 * std::sqrt(laplace.sem() * laplace.sem() + smd.sem() * smd.sem()));
    }
  }

  TEST_CASE("claim 2: SMD costs M evaluations per sample and its error is within a stated factor of batch EM's, which costs more per "
            "sample as n grows") {
    // Categorical: EM is the MLE c_i/n; SMD's ℓ₂ error within 5% of it.
    const BatchResult c = run_mixture({{"target", "categorical"}, {"components", "10"}, {"zeros", "3"}, {"samples", "10000"},
                                     {"methods", "smd_entropic,em"}},
                                    21, 40);
    const RunningStat &smd_l2 = final_of(c, "smd_entropic", "l2"), &em_l2 = final_of(c, "em", "l2");
    MESSAGE("categorical, n = 1e4: ℓ₂ error " << smd_l2.mean() << " (SMD), " << em_l2.mean() << " (EM)");
    CHECK(smd_l2.mean() <= 1.05 * em_l2.mean());
    CHECK(final_of(c, "smd_entropic", "evals_per_sample").mean() == 10.0);
    // Overlapping Gaussian bumps (M = 20, σ = 0.05) with the step c = 4: SMD's KL within a factor 4 of
    // EM's at equal n; EM's sweeps, and so its work per sample, grow with n.
    std::vector<double> em_work;
    for (const std::string n : {"500", "4000"}) {
      const BatchResult b = run_mixture({{"target", "bumps"}, {"components", "20"}, {"width", "0.05"}, {"samples", n},
                                       {"methods", "smd_entropic,em"}, {"entropic_step", "4"}},
                                      22, 12);
      const RunningStat &smd = final_of(b, "smd_entropic", "kl"), &em = final_of(b, "em", "kl");
      em_work.push_back(final_of(b, "em", "evals_per_sample").mean());
      MESSAGE("bumps, n = " << n << ": KL " << smd.mean() << " ± " << smd.sem() << " (SMD), " << em.mean() << " ± " << em.sem()
                            << " (EM); evaluations per sample " << final_of(b, "smd_entropic", "evals_per_sample").mean() << " (SMD), "
                            << em_work.back() << " (EM)");
      CHECK(final_of(b, "smd_entropic", "evals_per_sample").mean() == 20.0);
      CHECK(smd.mean() <= 4.0 * em.mean());
      CHECK(em_work.back() >= 10.0 * 20.0);
    }
    CHECK(em_work[1] > 1.1 * em_work[0]);  // measured: 147 → 178 sweeps (×1.21)
  }

  TEST_CASE("claim 2, 2-D: on 2-D bumps entropic SMD's KL decays faster than n^(−1/2) and is within a factor 2 of batch EM's at "
            "equal n, at M evaluations per sample") {
    // The ring and central peak on a 5 × 5 grid of bumps (M = 25, σ = 0.1), step c = 2 (the best of 1, 2, 4, 8 at n = 4000;
    // src/optim/README.md). The general SMD order for a convex objective is n^(−1/2); the 1/n order is not asserted: over
    // n ∈ [2e3, 2e4] n·KL rises (measured 8 → 14), the 1/t step's slow modes (README).
    const Settings settings = {{"target", "bumps2d"}, {"side", "5"}, {"width", "0.1"}, {"entropic_step", "2"}};
    for (uint64_t seed : {71u, 72u}) {
      Settings long_run = settings;
      long_run.insert(long_run.end(), {{"samples", "20000"}, {"methods", "smd_entropic"}});
      const BatchResult r = run_mixture(long_run, seed, 8);
      const double slope = loglog_slope(r, "smd_entropic", "kl", 200);
      const RunningStat& smd = final_of(r, "smd_entropic", "kl");
      MESSAGE("2-D, seed " << seed << ": entropic SMD KL slope over n ∈ [200, 2e4] = " << slope << "; KL(n = 2e4) = " << smd.mean() << " ± "
                           << smd.sem());
      CHECK(slope <= -0.6);
      CHECK(smd.count() == 8);  // finite in every run
    }
    Settings with_em = settings;
    with_em.insert(with_em.end(), {{"samples", "2000"}, {"methods", "smd_entropic,em"}});
    const BatchResult b = run_mixture(with_em, 73, 8);
    const RunningStat &smd = final_of(b, "smd_entropic", "kl"), &em = final_of(b, "em", "kl");
    MESSAGE("2-D, n = 2000: KL " << smd.mean() << " ± " << smd.sem() << " (SMD), " << em.mean() << " ± " << em.sem() << " (EM); evaluations per sample "
                                 << final_of(b, "smd_entropic", "evals_per_sample").mean() << " (SMD), " << final_of(b, "em", "evals_per_sample").mean()
                                 << " (EM)");
    CHECK(smd.mean() <= 2.0 * em.mean());
    CHECK(final_of(b, "smd_entropic", "evals_per_sample").mean() == 25.0);
    CHECK(final_of(b, "em", "evals_per_sample").mean() >= 10.0 * 25.0);
  }

  TEST_CASE("claim 2, 2-D, the lab's step rule (not the paper's): with a delay t₀ and iterate averaging entropic SMD keeps the 1/n "
            "order on the ring where the default step loses it") {
    // The ring of claim 2, 2-D. Default step c = 2 (t₀ = 0) against c = 8, t₀ = 1600 (η_t ≤ 0.005) and the polynomial-decay
    // average (ρ = 3) of the iterates (src/optim/README.md, "2-D bumps": large early steps drive the rarely hit weights
    // towards 0; a large c needs the average against its variance). Over n ∈ [1e4, 8e4]: the default's n·KL rises
    // (slope −0.63 / −0.69 on seeds 71 / 72, n·KL(8e4) 23 / 20), the averaged one's stays near 10 (slope −0.86 / −0.95).
    const Settings ring = {{"target", "bumps2d"}, {"side", "5"}, {"width", "0.1"}, {"samples", "80000"}};
    for (uint64_t seed : {71u, 72u}) {
      Settings plain = ring, averaged = ring;
      plain.insert(plain.end(), {{"entropic_step", "2"}, {"methods", "smd_entropic"}});
      averaged.insert(averaged.end(), {{"entropic_step", "8"}, {"entropic_delay", "1600"}, {"average_decay", "3"}, {"methods", "smd_entropic_avg"}});
      const BatchResult p = run_mixture(plain, seed, 12), a = run_mixture(averaged, seed, 12);
      const double slope_plain = loglog_slope(p, "smd_entropic", "kl", 1e4), slope_avg = loglog_slope(a, "smd_entropic_avg", "kl", 1e4);
      const RunningStat &kl_plain = final_of(p, "smd_entropic", "kl"), &kl_avg = final_of(a, "smd_entropic_avg", "kl");
      MESSAGE("ring, seed " << seed << ": KL slope over n ∈ [1e4, 8e4] " << slope_plain << " (c = 2) vs " << slope_avg
                            << " (c = 8, t₀ = 1600, averaged); n·KL(8e4) " << 8e4 * kl_plain.mean() << " vs " << 8e4 * kl_avg.mean());
      CHECK(slope_avg <= -0.8);
      CHECK(slope_avg <= slope_plain - 0.15);
      CHECK(kl_avg.mean() <= 0.7 * kl_plain.mean());
      CHECK(kl_avg.count() == 12);  // finite in every run
    }
  }
}

namespace {

BatchResult run_lion(const Settings& params, uint64_t seed, uint32_t runs) {
  klab::optim::LionExperiment e;
  const klab::Status s = e.params().set_texts(params);
  REQUIRE_MESSAGE(s.ok(), s.message());
  klab::BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  return job.result();
}

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("claim 4: Lion with weight decay λ enters the box ‖x‖∞ ≤ 1/λ, stays, ends at the box-constrained minimiser, and its "
            "Lyapunov function is non-increasing up to O(η²) per step") {
    for (const std::string objective : {"quadratic", "rosenbrock"}) {
      CAPTURE(objective);
      std::vector<double> increase;
      for (double lr : {0.01, 0.005}) {
        const Settings settings = {{"objective", objective}, {"lambda", objective == "quadratic" ? "1" : "1.5"},
                                   {"lr", std::to_string(lr)}, {"steps", std::to_string(static_cast<int>(40 / lr))},
                                   {"methods", "lion,signsgd"}};
        const BatchResult r = run_lion(settings, 41, 20);
        const RunningStat &distance = final_of(r, "lion", "distance"), &exit = final_of(r, "lion", "exit_violation"),
                          &entered = final_of(r, "lion", "steps_to_box"), &up = final_of(r, "lion", "lyapunov_increase");
        MESSAGE(objective << ", η = " << lr << ": inside after " << entered.mean() << " steps, final ‖x − x*_box‖ = " << distance.mean()
                          << " ± " << distance.sem() << ", largest step increase of Ĥ " << up.mean() << " (sd " << up.stddev()
                          << "); signSGD ends " << final_of(r, "signsgd", "box_violation").mean() << " outside the box");
        // Every run enters the box and never leaves it: the largest violation after entry is exactly 0 in all 20.
        CHECK(exit.count() == 20);
        CHECK(exit.mean() == 0.0);
        CHECK(entered.mean() < 40 / lr);
        // At the box-constrained minimiser up to the sign oscillation (of size η).
        CHECK(distance.mean() + 3.0 * distance.sem() <= lr);
        // Ĥ never rises by more than 10η² in a step (run by run: mean + 3 sd).
        CHECK(up.mean() + 3.0 * up.stddev() <= 10.0 * lr * lr);
        increase.push_back(up.mean());
        // Without the decay, signSGD heads for the unconstrained minimiser outside the box.
        CHECK(final_of(r, "signsgd", "box_violation").mean() > 0.5);
      }
      // The rises are discretisation error: halving η cuts them by more than half (O(η²): about 4×).
      CHECK(increase[1] < 0.5 * increase[0]);
    }
  }
}
