// The diffusion chapter's claims 2 to 8 (issue 13; claim 4 in the part that holds here), each through the Experiment the user runs
// (`klab run diffusion.samplers` with the same parameters), fixed seeds, statistical margins on
// means over runs (standard errors of the batch engine). Run natively (the wasm run skips "claims").
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "diffusion/constrained_experiment.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/kinetic.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/tsmc_experiment.hpp"
#include "diffusion/usf_plan_text.hpp"

namespace {

using klab::BatchResult;
using klab::RunningStat;
using Settings = std::vector<std::pair<std::string, std::string>>;

template <class E = klab::diffusion::SamplersExperiment>
BatchResult run_batch(const Settings& params, uint64_t seed, uint32_t runs) {
  E e;
  const klab::Status s = e.params().set_texts(params);
  REQUIRE_MESSAGE(s.ok(), s.message());
  klab::BatchJob job(e.clone(), seed, runs);
  job.run_all(0);
  return job.result();
}

const RunningStat& point(const BatchResult& r, const std::string& series, const std::string& metric, size_t k) {
  const int s = r.layout.find_series(series), m = r.layout.find_curve(metric);
  REQUIRE(s >= 0);
  REQUIRE(m >= 0);
  return r.curve_stat(static_cast<size_t>(s), static_cast<size_t>(m), k);
}

double se(const RunningStat& s) { return s.sem(); }

constexpr double kZ = 3.5;  // one-sided margins in standard errors (27 comparisons per test)

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("diffusion claim 2: every sampler converges to p_data as NFE grows (to the exact samples' noise floor)") {
    // NFE 6, 20, 200 on the ring; at 200 each sample metric is within the noise floor measured
    // between exact sample sets; the PF-ODE solvers' discretisation error falls at every step.
    const BatchResult r = run_batch({{"solvers", "ddpm,ddim,euler,heun,dpm_solver_1,dpm_solver_2,dpm_solver_3,dpmpp_2m,dpmpp_3m"},
                                     {"nfe", "6,20,200"},
                                     {"particles", "300"}},
                                    3, 8);
    const size_t last = 2;
    for (const std::string& s : r.layout.series) {
      if (s == "exact") continue;
      INFO("sampler " << s);
      for (const char* m : {"w2", "mmd", "kl"}) {
        const RunningStat &a = point(r, s, m, last), &f = point(r, "exact", m, last);
        INFO("metric " << m << ": " << a.mean() << " vs floor " << f.mean());
        CHECK(a.mean() <= f.mean() + kZ * std::hypot(se(a), se(f)));
      }
      const RunningStat &c = point(r, s, "coverage", last), &cf = point(r, "exact", "coverage", last);
      CHECK(c.mean() >= cf.mean() - kZ * std::hypot(se(c), se(cf)) - 1e-3);
      // The KDE-KL at 6 NFE is above its value at 200: the metric decreases with NFE.
      const RunningStat &k0 = point(r, s, "kl", 0), &k2 = point(r, s, "kl", last);
      CHECK(k0.mean() > k2.mean() + kZ * std::hypot(se(k0), se(k2)));
      if (s == "ddpm") continue;
      for (size_t k = 1; k <= last; ++k) {
        const RunningStat &hi = point(r, s, "disc_error", k - 1), &lo = point(r, s, "disc_error", k);
        CHECK(hi.mean() > lo.mean() + kZ * std::hypot(se(hi), se(lo)));
      }
    }
  }

  TEST_CASE("diffusion claim 3: with logSNR steps DDIM needs at least 3x the NFE of DPM-Solver++ 2M at 20 NFE (ring)") {
    // DDIM's discretisation error at 59 NFE (< 3 × 20) is still above DPM-Solver++ 2M's at 20 NFE,
    // by kZ standard errors; the error falls with NFE, so DDIM needs ≥ 60 NFE. The interpolated
    // ratio is reported (src/diffusion/README.md).
    const BatchResult r = run_batch({{"solvers", "ddim,dpmpp_2m"}, {"nfe", "20,30,40,50,59,80,100"}, {"particles", "300"}}, 5, 6);
    const RunningStat &dpm = point(r, "dpmpp_2m", "disc_error", 0), &ddim59 = point(r, "ddim", "disc_error", 4);
    INFO("DPM-Solver++ 2M at 20 NFE " << dpm.mean() << ", DDIM at 59 NFE " << ddim59.mean());
    CHECK(ddim59.mean() > dpm.mean() + kZ * std::hypot(se(dpm), se(ddim59)));
    const double n = klab::diffusion::matching_nfe(r, "dpmpp_2m", 20.0, "ddim", "disc_error");
    MESSAGE("claim 3: DDIM matches DPM-Solver++ 2M at 20 NFE with " << n << " NFE (ratio " << n / 20.0 << ")");
    CHECK(n / 20.0 >= 3.0);
  }

  TEST_CASE("diffusion claim 4 (part): TRI-TSMC's residual log-weight variance falls along the trust-region iterations, the full step's grows") {
    // Rare-mode preset, reward at the rare mode, β = 0.5, 8 iterations of 300 particles. Holds:
    // the trust-region learner's variance falls and its ESS rises; the full step's variance grows;
    // TRI-TSMC is far closer to p* than best-of-n at the same budget. Not asserted because it does
    // not hold here: a lower KL than SMC with the base proposal (both sit at the KDE noise floor;
    // src/diffusion/README.md gives the measured numbers).
    using klab::diffusion::TsmcExperiment;
    const BatchResult r = run_batch<TsmcExperiment>({{"particles", "300"}}, 3, 12);
    const size_t last = r.layout.axes[0].x.size() - 1;
    const RunningStat &v0 = point(r, "tri_tsmc", "log_w_var", 0), &v1 = point(r, "tri_tsmc", "log_w_var", last);
    const RunningStat &f0 = point(r, "full_step", "log_w_var", 0), &f1 = point(r, "full_step", "log_w_var", last);
    INFO("TRI-TSMC Var log w " << v0.mean() << " -> " << v1.mean() << "; full step " << f0.mean() << " -> " << f1.mean());
    CHECK(v1.mean() < v0.mean() - kZ * std::hypot(se(v0), se(v1)));
    CHECK(f1.mean() > f0.mean() + kZ * std::hypot(se(f0), se(f1)));
    CHECK(f1.mean() > v1.mean() + kZ * std::hypot(se(f1), se(v1)));
    const RunningStat &e0 = point(r, "tri_tsmc", "ess", 0), &e1 = point(r, "tri_tsmc", "ess", last);
    CHECK(e1.mean() > e0.mean() + kZ * std::hypot(se(e0), se(e1)));
    auto final_of = [&](const std::string& s, const std::string& m) -> const RunningStat& {
      return r.final_stat(static_cast<size_t>(r.layout.find_series(s)), static_cast<size_t>(r.layout.find_final(m)));
    };
    const RunningStat &tri = final_of("tri_tsmc", "kl"), &best = final_of("best_of_n", "kl"), &smc = final_of("smc_base", "kl");
    CHECK(tri.mean() < best.mean() - kZ * std::hypot(se(tri), se(best)));
    MESSAGE("claim 4: KL(p*||p^) tri_tsmc " << tri.mean() << ", smc_base " << smc.mean() << ", best_of_n " << best.mean() << "; ESS tri_tsmc "
                                            << final_of("tri_tsmc", "ess").mean() << ", smc_base " << final_of("smc_base", "ess").mean());
  }

  TEST_CASE("diffusion claim 5: primal-dual training meets every constraint at the exact optimum; equal weights violate one") {
    // Defaults of diffusion.constrained (150 iterations of 400 samples, DPM-Solver++ 2M at 20 NFE), 4 runs
    // per problem. Tolerances: alignment, every E r_i within 0.05 of b_i (b = −1.5, −2.5) and KL(p‖q)
    // within 5% of the exact optimum; composition, every KL(p‖q_i) and the objective within 1% of u*.
    // Equal weights (alignment: the optimum's total weight split equally; composition: μ_i = 1/3)
    // exceed a constraint by more than 5 tolerances.
    using klab::diffusion::ConstrainedExperiment;
    for (const std::string problem : {"alignment", "composition"}) {
      const BatchResult r = run_batch<ConstrainedExperiment>({{"problem", problem}}, 7, 4);
      auto final_of = [&](const std::string& s, const std::string& m) -> const RunningStat& {
        return r.final_stat(static_cast<size_t>(r.layout.find_series(s)), static_cast<size_t>(r.layout.find_final(m)));
      };
      const double optimum = final_of("exact", "objective").mean();
      const double tol_violation = problem == "alignment" ? 0.05 : 0.01 * optimum;
      const double tol_gap = problem == "alignment" ? 0.05 * optimum : 0.01 * optimum;
      const RunningStat &v = final_of("primal_dual", "violation"), &gap = final_of("primal_dual", "gap");
      const RunningStat& equal = final_of("equal_weights", "violation");
      MESSAGE("claim 5 (" << problem << "): violation " << v.mean() << " ± " << se(v) << ", gap " << gap.mean() << " ± " << se(gap) << " (optimum " << optimum
                   << "); equal weights' violation " << equal.mean() << ")");
      CHECK(v.mean() + kZ * se(v) <= tol_violation);
      CHECK(std::fabs(gap.mean()) + kZ * se(gap) <= tol_gap);
      CHECK(equal.mean() > 5.0 * tol_violation);
      for (size_t i = 1; i <= 3; ++i) {
        const RunningStat &lambda = final_of("primal_dual", "dual_" + std::to_string(i)), &star = final_of("exact", "dual_" + std::to_string(i));
        if (std::isnan(star.mean())) continue;
        MESSAGE("claim 5 (" << problem << "): multiplier " << i << " " << lambda.mean() << " ± " << se(lambda) << ", exact " << star.mean());
      }
    }
  }

  TEST_CASE("diffusion claim 6: federated sampling matches centralised sampling without DP; its error grows as ε shrinks") {
    // 3 clients on the ring (width 0.1), n = 300 synthetic points, annealed ULA 100 × 4, ε ∈ {2, 8, 64}, 4 runs.
    // Tolerance (stated, about the noise floor's size at n = 300): the no-DP federated MMD to the pooled
    // mixture is within 0.02 of centralised sampling's (DPM-Solver++ 2M on the pooled model) and of the
    // exact draws' floor, by 3.5 standard errors; the MMD at ε = 2 exceeds that at ε = 8, which exceeds
    // that at ε = 64, each by 3.5 standard errors.
    using klab::diffusion::FederatedExperiment;
    const BatchResult r = run_batch<FederatedExperiment>({{"particles", "300"}, {"epsilons", "2,8,64"}}, 11, 4);
    auto final_of = [&](const std::string& s, const std::string& m) -> const RunningStat& {
      return r.final_stat(static_cast<size_t>(r.layout.find_series(s)), static_cast<size_t>(r.layout.find_final(m)));
    };
    const RunningStat &fed = final_of("federated", "mmd"), &central = final_of("centralised", "mmd"), &floor = final_of("exact", "mmd");
    MESSAGE("claim 6: MMD federated (no DP) " << fed.mean() << " ± " << se(fed) << ", centralised " << central.mean() << " ± " << se(central)
                                             << ", exact floor " << floor.mean() << " ± " << se(floor));
    constexpr double kTolerance = 0.02;
    CHECK(fed.mean() - central.mean() + kZ * std::hypot(se(fed), se(central)) <= kTolerance);
    CHECK(fed.mean() - floor.mean() + kZ * std::hypot(se(fed), se(floor)) <= kTolerance);
    for (size_t k = 1; k < 3; ++k) {
      const RunningStat &lo = point(r, "federated", "mmd", k - 1), &hi = point(r, "federated", "mmd", k);
      MESSAGE("claim 6: MMD at ε index " << k - 1 << " " << lo.mean() << " ± " << se(lo) << " > at index " << k << " " << hi.mean());
      CHECK(lo.mean() > hi.mean() + kZ * std::hypot(se(lo), se(hi)));
    }
    // The accountant's totals in the batch output (`eps_total`, the federated series only): a client's
    // n·L·M = 300·100·4 messages at each ε, the same in every run.
    klab::diffusion::FederatedParams p;
    p.particles = 300;
    const double eps[] = {2, 8, 64};
    for (size_t k = 0; k < 3; ++k) {
      const RunningStat& total = point(r, "federated", "eps_total", k);
      CHECK(total.mean() == doctest::Approx(klab::diffusion::federated_account(p, eps[k]).epsilon).epsilon(1e-12));
      CHECK(point(r, "centralised", "eps_total", k).count() == 0);
    }
    MESSAGE("claim 6: total ε per client (RDP, δ = 1e-5, 1.2e5 messages) at ε = 2, 8, 64: " << point(r, "federated", "eps_total", 0).mean() << ", "
                                                                                         << point(r, "federated", "eps_total", 1).mean() << ", "
                                                                                         << point(r, "federated", "eps_total", 2).mean());
  }

  TEST_CASE("diffusion claim 7: at 5 to 10 NFE the USF-searched solver's held-out error is below every fixed solver's (ring, logSNR)") {
    // The search (usf_search.hpp) minimises ‖x̂ − x*‖ on its own batch (32 particles of other
    // noise); the cells measure it on the run's 300 particles. At each budget, the searched
    // solver's mean error plus kZ standard errors is below the best fixed ODE solver's mean (7
    // fixed solvers, 6 runs). The search's own batch error against the held-out error is printed.
    const BatchResult r = run_batch({{"solvers", "ddim,euler,heun,dpm_solver_2,dpm_solver_3,dpmpp_2m,dpmpp_3m,usf"}, {"nfe", "5,6,8,10"}, {"particles", "300"}},
                                    13, 6);
    for (size_t k = 0; k < 4; ++k) {
      const RunningStat& usf = point(r, "usf", "disc_error", k);
      std::string best;
      for (const std::string& s : r.layout.series)
        if (s != "usf" && s != "exact" && (best.empty() || point(r, s, "disc_error", k).mean() < point(r, best, "disc_error", k).mean())) best = s;
      const RunningStat& fixed = point(r, best, "disc_error", k);
      MESSAGE("claim 7: at " << r.layout.axes[0].x[k] << " NFE, USF " << usf.mean() << " ± " << se(usf) << ", best fixed (" << best << ") "
                             << fixed.mean() << " ± " << se(fixed) << ": ×" << fixed.mean() / usf.mean());
      CHECK(usf.mean() + kZ * std::hypot(se(usf), se(fixed)) < fixed.mean());
    }
    // Search batch vs held-out (run 0 of the same seed): the objective the search saw and the error it generalised to.
    klab::diffusion::SamplersParams p;
    p.solvers = {"usf"};
    p.nfe = {5, 6, 8, 10};
    p.particles = 300;
    klab::diffusion::SamplersRun run(p, 13, 0);
    while (!run.done()) run.step();
    for (size_t k = 0; k < 4; ++k) {
      const klab::diffusion::UsfSearch& u = run.usf(k);
      MESSAGE("claim 7, run 0, " << p.nfe[k] << " NFE: search batch " << u.error << " (from ++2M's " << u.start_error << "), held out "
                                 << run.metric(0, k, klab::diffusion::kDiscError) << "; plan " << klab::diffusion::format_usf_plan(u.plan));
    }
  }

  TEST_CASE("diffusion claim 8: on the ring KE(KO) < KE(cond-OT) < KE(VP), and with time-uniform steps Euler's error at 4, 6 and 10 NFE is ordered the same way") {
    // Shaul et al. 2023: the kinetic-optimal path has the least kinetic energy (here by construction,
    // a geodesic) and is easier to sample at low NFE. The energies are deterministic (quadrature,
    // kinetic.hpp): asserted with a 10% margin, far above their discretisation error. Euler on the
    // three paths between VP's end points from the same noise (same seed), 6 runs of 300 particles:
    // each ordering holds by kZ standard errors. The effect needs t-uniform steps: with logSNR steps
    // Euler on KO is within 10 % of VP and cond-OT is the worst (README); DDIM and the
    // DPM-Solvers are the same on every path there (tests/unit/diffusion_kinetic_test.cpp).
    using namespace klab::diffusion;
    const GaussianPaths g = gaussian_paths(make_preset(Preset::Ring, 0.1), NoiseSchedule{});
    MESSAGE("claim 8: kinetic energy VP " << g.kinetic_energy[0] << ", cond-OT " << g.kinetic_energy[1] << ", KO " << g.kinetic_energy[2]);
    CHECK(g.kinetic_energy[2] < 0.9 * g.kinetic_energy[1]);
    CHECK(g.kinetic_energy[1] < 0.9 * g.kinetic_energy[0]);
    std::vector<BatchResult> r;
    for (const char* path : {"process", "cond_ot", "ko"})  // ko_sep: its own clock near noise (README, "Probability paths")
      r.push_back(run_batch({{"solvers", "euler"}, {"schedule", "time"}, {"nfe", "4,6,10"}, {"particles", "300"}, {"path", path}}, 17, 6));
    // The experiment records the path's energy (final metric kinetic_energy, on cond-OT and KO runs).
    for (int kind : {1, 2}) {
      const BatchResult& b = r[static_cast<size_t>(kind)];
      CHECK(b.final_stat(0, static_cast<size_t>(b.layout.find_final("kinetic_energy"))).mean() == doctest::Approx(g.kinetic_energy[kind]));
    }
    for (size_t k = 0; k < 3; ++k) {
      const RunningStat &vp = point(r[0], "euler", "disc_error", k), &ot = point(r[1], "euler", "disc_error", k), &ko = point(r[2], "euler", "disc_error", k);
      MESSAGE("claim 8: Euler at " << r[0].layout.axes[0].x[k] << " NFE (t-uniform): VP " << vp.mean() << " ± " << se(vp) << ", cond-OT " << ot.mean() << " ± "
                                   << se(ot) << ", KO " << ko.mean() << " ± " << se(ko));
      CHECK(ko.mean() + kZ * std::hypot(se(ko), se(ot)) < ot.mean());
      CHECK(ot.mean() + kZ * std::hypot(se(ot), se(vp)) < vp.mean());
    }
  }
}
