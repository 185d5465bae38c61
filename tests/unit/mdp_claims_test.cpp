// The mdp chapter's claims (issue 7: claims 1 to 11), each through the Experiment the
// user runs (`klab run mdp.<demo>` with the same parameters), with fixed seeds and statistical
// margins (differences of means against standard errors, bounds that must hold in every run).
// Run natively (the wasm test run skips the "claims" suite). Claim 1's independent SciPy
// reference is in tests/unit/mdp_reference_test.cpp (suite "reference").
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "claim_batch.hpp"
#include "core/batch.hpp"
#include "mdp/constrained_experiment.hpp"
#include "mdp/irl_experiment.hpp"
#include "mdp/learning_experiment.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/risk.hpp"
#include "mdp/risk_experiment.hpp"
#include "mdp/risk_learning.hpp"
#include "mdp/robust_experiment.hpp"
#include "mdp/safe_meta_experiment.hpp"
#include "mdp/value_iteration.hpp"

namespace {

using klab::BatchResult;
using klab::RunningStat;
using klab::test::final_of;
using klab::test::run_batch;

// (mean_a − mean_b)/√(se_a² + se_b²).
double z_of_difference(const RunningStat& a, const RunningStat& b) {
  return (a.mean() - b.mean()) / std::sqrt(a.sem() * a.sem() + b.sem() * b.sem() + 1e-300);
}

}  // namespace

TEST_SUITE("claims") {
  TEST_CASE("claim 1: VI and PI reach the same optimum and greedy policy; VI's residual stays under γ^(k−1)·residual₁") {
    klab::mdp::PlanningExperiment e;
    const uint32_t runs = 24;
    const BatchResult r = run_batch(e, {{"methods", "vi,pi"}, {"world", "random"}, {"size", "40"}, {"actions", "4"}, {"branching", "5"},
                                        {"gamma", "0.9"}, {"iterations", "400"}}, 101, runs);
    const RunningStat &vi = final_of(r, "vi", "suboptimality"), &pi = final_of(r, "pi", "suboptimality");
    MESSAGE("after 400 iterations on " << runs << " random MDPs: V*(ρ) − V(ρ; π) = " << vi.mean() << " (VI), " << pi.mean() << " (PI)");
    CHECK(vi.mean() <= 1e-9);  // a mean of non-negative gaps: every run is below runs·1e-9
    CHECK(pi.mean() <= 1e-9);
    // The residual bound of a contraction, at every checkpoint (it holds run by run, hence for the means).
    const size_t vi_slot = static_cast<size_t>(r.layout.find_series("vi"));
    const int residual = r.layout.find_curve("residual");
    const double first = r.curve_stat(vi_slot, static_cast<size_t>(residual), 0).mean();
    for (size_t k = 0; k < r.layout.axes[0].x.size(); ++k) {
      const double it = r.layout.axes[0].x[k], res = r.curve_stat(vi_slot, static_cast<size_t>(residual), k).mean();
      CAPTURE(it);
      CHECK(res <= std::pow(0.9, it - 1.0) * first * (1.0 + 1e-9) + 1e-12);
    }
    // Run by run, on the experiment's own worlds: VI's values to 1e-8 and the same greedy policy as PI.
    for (uint32_t run = 0; run < runs; ++run) {
      const auto w = e.world_for(101, run);
      REQUIRE(w.ok());
      const klab::mdp::Mdp& m = w.value()->mdp;
      const klab::mdp::Optimum o = klab::mdp::solve_optimal(m);
      const Eigen::VectorXd v = klab::mdp::value_iteration(m, 1e-13, 100000);
      CHECK((v - o.v).lpNorm<Eigen::Infinity>() <= 1e-8);
      CHECK(klab::mdp::greedy_actions(m, klab::mdp::q_from_v(m, v, m.reward)) == klab::mdp::greedy_actions(m, o.q));
    }
  }

  TEST_CASE("claim 2: exact MDPO converges; with huge steps it takes policy iteration's iteration count on the chain; softmax PG is far slower") {
    klab::mdp::PlanningExperiment e;
    const std::vector<std::pair<std::string, std::string>> chain = {
        {"world", "chain"}, {"size", "5"}, {"slip", "0.2"}, {"gamma", "0.95"}, {"iterations", "300"}, {"tolerance", "1e-6"}};
    auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
      extra.insert(extra.begin(), chain.begin(), chain.end());
      return extra;
    };
    // The chain is deterministic: one run is the whole answer.
    const BatchResult r = run_batch(e, with({{"methods", "pi,mdpo,softmax_pg"}}), 5, 1);
    const double pi_it = final_of(r, "pi", "iterations").mean(), mdpo_it = final_of(r, "mdpo", "iterations").mean(),
                 pg_it = final_of(r, "softmax_pg", "iterations").mean();
    MESSAGE("chain: iterations to ε-optimality: PI " << pi_it << ", MDPO (geometric t_k) " << mdpo_it << ", softmax PG " << pg_it
                                                       << " (301 = not within 300); PG's final gap " << final_of(r, "softmax_pg", "suboptimality").mean());
    CHECK(final_of(r, "mdpo", "suboptimality").mean() <= 1e-9);
    CHECK(mdpo_it <= 300);
    CHECK(pg_it >= 5 * mdpo_it);
    CHECK(final_of(r, "softmax_pg", "suboptimality").mean() >= 1e3 * std::max(1e-12, final_of(r, "mdpo", "suboptimality").mean()));
    const BatchResult big = run_batch(e, with({{"methods", "pi,mdpo"}, {"mdpo_step", "1e5"}, {"mdpo_schedule", "constant"}}), 5, 1);
    CHECK(final_of(big, "mdpo", "iterations").mean() == final_of(big, "pi", "iterations").mean());
    // On random MDPs huge constant steps make MDPO far faster than small steps, but not exactly PI:
    // its logits keep the history Σ_j t Q^{π_j} (measured in the README, not asserted).
    const std::vector<std::pair<std::string, std::string>> random = {{"world", "random"}, {"size", "30"}, {"mdpo_schedule", "constant"}, {"iterations", "300"}};
    auto random_with = [&](std::vector<std::pair<std::string, std::string>> extra) {
      extra.insert(extra.begin(), random.begin(), random.end());
      return extra;
    };
    const BatchResult huge = run_batch(e, random_with({{"methods", "pi,mdpo"}, {"mdpo_step", "1e5"}}), 9, 32);
    const BatchResult small = run_batch(e, random_with({{"methods", "mdpo"}, {"mdpo_step", "1"}}), 9, 32);
    const RunningStat &pi_r = final_of(huge, "pi", "iterations"), &mdpo_huge = final_of(huge, "mdpo", "iterations"),
                      &mdpo_small = final_of(small, "mdpo", "iterations");
    MESSAGE("32 random MDPs, iterations to ε-optimality: PI " << pi_r.mean() << " ± " << pi_r.sem() << ", MDPO t = 1e5 " << mdpo_huge.mean() << " ± "
                                                               << mdpo_huge.sem() << ", MDPO t = 1 " << mdpo_small.mean() << " ± " << mdpo_small.sem());
    CHECK(z_of_difference(mdpo_small, mdpo_huge) > 10.0);
  }

  TEST_CASE("claim 3: the averaged primal-dual policy meets the budget near the LP optimum; the last iterate's λ oscillates more than PID's") {
    klab::mdp::ConstrainedExperiment e;
    const BatchResult r = run_batch(e, {{"methods", "primal_dual,primal_dual_avg,pid"}}, 17, 24);
    const auto w = e.world_for(17, 0);
    REQUIRE(w.ok());
    const klab::mdp::CmdpReference ref = e.reference(*w.value());
    REQUIRE(ref.ok);
    const RunningStat &gap = final_of(r, "primal_dual_avg", "reward_gap"), &violation = final_of(r, "primal_dual_avg", "constraint_violation");
    const RunningStat &osc_last = final_of(r, "primal_dual", "lambda_oscillation"), &osc_pid = final_of(r, "pid", "lambda_oscillation");
    MESSAGE("LP optimum " << ref.reward << " at budget " << ref.budget << " (λ* = " << ref.lambda << "); averaged iterate: reward gap " << gap.mean()
                          << " ± " << gap.sem() << ", budget excess " << violation.mean() << "; λ std over the last half: last iterate "
                          << osc_last.mean() << " ± " << osc_last.sem() << ", PID " << osc_pid.mean() << " ± " << osc_pid.sem());
    CHECK(violation.mean() <= 0.01 * ref.budget);            // meets the budget within 1%
    CHECK(gap.mean() + 3 * gap.sem() <= 0.02 * ref.reward);  // within 2% of the LP optimum
    CHECK(gap.mean() - 3 * gap.sem() >= -0.01 * ref.reward);  // and not above it beyond noise
    CHECK(z_of_difference(osc_last, osc_pid) > 10.0);
    CHECK(osc_last.mean() > 1.5 * osc_pid.mean());
  }

  TEST_CASE("claim 4: StepMix and EpsMix keep every episode above the threshold in all but a δ fraction of runs, UCBVI does not; regret within 2× UCBVI's") {
    klab::mdp::ConstrainedExperiment e;
    const uint32_t runs = 40;
    const BatchResult r = run_batch(e, {{"methods", "stepmix,epsmix,ucbvi"}, {"episodes", "3000"}, {"delta", "0.05"}}, 23, runs);
    const RunningStat &ucb = final_of(r, "ucbvi", "regret");
    for (const char* m : {"stepmix", "epsmix"}) {
      const RunningStat &any = final_of(r, m, "any_violation"), &regret = final_of(r, m, "regret");
      MESSAGE(std::string(m) << ": runs with a violating episode " << any.mean() << ", regret " << regret.mean() << " ± " << regret.sem() << " (UCBVI "
                << ucb.mean() << " ± " << ucb.sem() << ")");
      CHECK(any.mean() <= 0.05);
      CHECK(regret.mean() + 3 * regret.sem() <= 2.0 * (ucb.mean() - 3 * ucb.sem()));
    }
    MESSAGE("UCBVI: runs with a violating episode " << final_of(r, "ucbvi", "any_violation").mean() << ", violating episodes "
                                                      << final_of(r, "ucbvi", "violation_rate").mean());
    CHECK(final_of(r, "ucbvi", "any_violation").mean() >= 0.9);
  }

  TEST_CASE("claim 5: safe adaptation from the safe meta-policy never breaks an unseen task's constraint; the unconstrained step does; meta-training beats the uniform start") {
    // Defaults of mdp.safe_meta: 6 × 6 grid, 4 hazards, γ = 0.8, b = 0.1, 10 training and 16 unseen tasks per run, K = 10 steps.
    klab::mdp::SafeMetaExperiment e;
    const uint32_t runs = 24;
    const BatchResult r = run_batch(e, {}, 31, runs);
    const RunningStat &safe_from_feasible = final_of(r, "meta_safe", "unsafe_from_feasible"), &safe_start = final_of(r, "meta_safe", "start_violation"),
                      &safe_any = final_of(r, "meta_safe", "anytime_violation");
    const RunningStat &free_final = final_of(r, "meta_unconstrained", "final_violation"), &free_any = final_of(r, "meta_unconstrained", "anytime_violation");
    const RunningStat &safe_reward = final_of(r, "meta_safe", "reward"), &uniform_reward = final_of(r, "uniform_safe", "reward");
    const RunningStat &safe_one = final_of(r, "meta_safe", "one_step_reward"), &uniform_one = final_of(r, "uniform_safe", "one_step_reward");
    const RunningStat &optimum = final_of(r, "meta_safe", "optimum"), &pd_any = final_of(r, "meta_primal_dual", "anytime_violation"),
                      &pd_final = final_of(r, "meta_primal_dual", "final_violation"), &pd_match = final_of(r, "meta_primal_dual", "pd_match_iterations");
    MESSAGE(runs << " runs × 16 unseen tasks: meta + safe step: tasks over budget at some step " << safe_any.mean() << " (meta-policy infeasible at the start "
                 << safe_start.mean() << ", broken after a feasible start " << safe_from_feasible.mean() << "); unconstrained step: over budget after K steps "
                 << free_final.mean() << " ± " << free_final.sem() << ", at some step " << free_any.mean() << "; primal-dual: at some step " << pd_any.mean()
                 << ", after K " << pd_final.mean() << ", iterations to match the one-step safe policy " << pd_match.mean());
    MESSAGE("reward after 1 / K safe steps: from the meta-policy " << safe_one.mean() << " / " << safe_reward.mean() << " ± " << safe_reward.sem()
                 << ", from the uniform policy " << uniform_one.mean() << " / " << uniform_reward.mean() << " ± " << uniform_reward.sem() << "; CMDP optimum "
                 << optimum.mean());
    // Anytime safety (a theorem of the certified step): no unseen task whose start was feasible goes over budget, in any run.
    CHECK(safe_from_feasible.mean() == 0.0);
    // The safe meta-policy itself is feasible on (almost) every unseen task: its training constraint generalises.
    CHECK(safe_start.mean() <= 0.02);
    // The unconstrained step breaks the constraint on a stated fraction: at least 5% of the unseen tasks after K steps
    // (three standard errors below the mean over runs; measured about 16%).
    CHECK(free_final.mean() - 3 * free_final.sem() >= 0.05);
    // Meta-training pays: far more reward after one and after K safe steps than from the uniform start.
    CHECK(z_of_difference(safe_one, uniform_one) > 10.0);
    CHECK(z_of_difference(safe_reward, uniform_reward) > 10.0);
    // Outcome quality at equal compute (one evaluation per step): primal-dual ends near budget but is not anytime safe.
    CHECK(pd_final.mean() <= 0.05);
    CHECK(pd_any.mean() - 3 * pd_any.sem() >= 0.05);
  }

  TEST_CASE("claim 6: IWOCS reaches robust VI's static worst case (or better) in a few worst-case searches; ρᵀV_rect bounds robust VI's and IWOCS's static worst cases") {
    // Deterministic worlds: one run each, exact values, tolerances for rounding only. The cliff walk
    // with the wind towards the cliff (the demo's default) and both other grids under every wind.
    struct Case {
      std::vector<std::pair<std::string, std::string>> params;
    };
    std::vector<Case> cases{{{}}};
    for (const char* grid : {"four_rooms", "hazard_maze"})
      for (const char* wind : {"north", "east", "south", "west"})
        cases.push_back({{{"grid", grid}, {"wind_direction", wind}, {"slip_max", "0.5"}, {"wind_max", "0.5"}, {"points", "5"}}});
    for (const Case& c : cases) {
      klab::mdp::RobustExperiment e;
      const BatchResult r = run_batch(e, c.params, 1, 1);
      std::string config;
      for (const auto& kv : c.params) config += kv.first + "=" + kv.second + " ";
      CAPTURE(config);
      const double iwocs = final_of(r, "iwocs", "worst_case").mean(), rvi = final_of(r, "robust_vi", "worst_case").mean();
      const double rect = final_of(r, "robust_vi", "rectangular_value").mean(), tol = 1e-9 * (1.0 + std::fabs(rvi));
      CHECK(iwocs >= rvi - tol);
      CHECK(final_of(r, "iwocs", "models").mean() <= 4);  // the nominal model and at most three searches
      // min_static V^π ≥ min_dynamic V^π for any π, and the dynamic worst case of robust VI's policy is ρᵀV_rect.
      CHECK(rect <= rvi + tol);
      CHECK(rect <= iwocs + tol);
    }
    // The cliff walk: the nominal policy walks the edge and falls in windy models.
    klab::mdp::RobustExperiment e;
    const BatchResult r = run_batch(e, {}, 1, 1);
    MESSAGE("cliff walk, worst cases: nominal " << final_of(r, "nominal", "worst_case").mean() << ", IWOCS " << final_of(r, "iwocs", "worst_case").mean()
                                                << ", robust VI " << final_of(r, "robust_vi", "worst_case").mean());
    CHECK(final_of(r, "nominal", "worst_case").mean() < final_of(r, "iwocs", "worst_case").mean() - 100.0);
  }

  TEST_CASE("claim 7: on the slippery cliff walk the CVaR-optimal policy has a higher CVaR_α and a lower mean return than the risk-neutral policy") {
    // mdp.risk defaults: slip 0.1, H = 25, α = 0.1. Exact values (return distributions pushed forward over
    // (state, stock)) with margins, and the Monte Carlo estimates of the runs (10,000 episodes each,
    // 8 runs) showing the same ordering at z > 3.
    klab::mdp::RiskExperiment e;
    const uint32_t runs = 8;
    const BatchResult r = run_batch(e, {{"methods", "risk_neutral,cvar"}, {"episodes", "10000"}}, 7, runs);
    const double cvar_rn = final_of(r, "risk_neutral", "cvar").mean(), cvar_opt = final_of(r, "cvar", "cvar").mean();
    const double mean_rn = final_of(r, "risk_neutral", "mean").mean(), mean_opt = final_of(r, "cvar", "mean").mean();
    const RunningStat &mc_cvar_rn = final_of(r, "risk_neutral", "mc_cvar"), &mc_cvar_opt = final_of(r, "cvar", "mc_cvar");
    const RunningStat &mc_mean_rn = final_of(r, "risk_neutral", "mc_mean"), &mc_mean_opt = final_of(r, "cvar", "mc_mean");
    MESSAGE("exact CVaR_0.1: risk-neutral " << cvar_rn << ", CVaR policy " << cvar_opt << "; exact mean: " << mean_rn << ", " << mean_opt
                                             << "; Monte Carlo CVaR " << mc_cvar_rn.mean() << " ± " << mc_cvar_rn.sem() << ", " << mc_cvar_opt.mean() << " ± "
                                             << mc_cvar_opt.sem() << "; mean " << mc_mean_rn.mean() << " ± " << mc_mean_rn.sem() << ", " << mc_mean_opt.mean()
                                             << " ± " << mc_mean_opt.sem());
    CHECK(cvar_opt > cvar_rn + 2.0);  // measured 5.1
    CHECK(mean_opt < mean_rn - 0.5);  // measured 1.2
    // The DP's optimum is the exact CVaR of the policy it returns.
    const std::shared_ptr<const klab::mdp::RiskSolution> sol = e.solution();
    REQUIRE(sol);
    CHECK(std::fabs(sol->cvar.cvar - cvar_opt) <= 1e-9 * (1.0 + std::fabs(cvar_opt)));
    CHECK(z_of_difference(mc_cvar_opt, mc_cvar_rn) > 3.0);
    CHECK(z_of_difference(mc_mean_rn, mc_mean_opt) > 3.0);
  }

  TEST_CASE("claim 8: well-specified maximum-likelihood IRL: the fitted log-log slope of trajectory KL against n lies in [−1.2, −0.8]") {
    // Defaults of mdp.irl: 5 × 5 deterministic grid, H = 10, d = 4 features, n from 20 to 2000 (10 points), θ* scale 0.5.
    klab::mdp::IrlExperiment e;
    const uint32_t runs = 40;
    const BatchResult r = run_batch(e, {{"methods", "mle,bc"}}, 37, runs);  // feature matching (also a default) has no KL
    const RunningStat &slope = final_of(r, "mle", "kl_slope"), &param = final_of(r, "mle", "param_slope"), &kl = final_of(r, "mle", "excess_kl"),
                      &bc = final_of(r, "bc", "excess_kl"), &bc_slope = final_of(r, "bc", "kl_slope");
    MESSAGE(runs << " runs: fitted slope of KL(P_θ* ‖ P_θ̂) against n " << slope.mean() << " ± " << slope.sem() << ", of ‖θ̂ − θ*‖²_H " << param.mean()
                 << " ± " << param.sem() << "; KL at n = 2000: IRL " << kl.mean() << " ± " << kl.sem() << " (d/(2n) = 0.001), behaviour cloning " << bc.mean()
                 << " ± " << bc.sem() << " (slope " << bc_slope.mean() << ")");
    CHECK(slope.mean() - 1.96 * slope.sem() >= -1.2);
    CHECK(slope.mean() + 1.96 * slope.sem() <= -0.8);
    CHECK(param.mean() - 1.96 * param.sem() >= -1.2);
    CHECK(param.mean() + 1.96 * param.sem() <= -0.8);
    CHECK(z_of_difference(bc, kl) > 10.0);
  }

  TEST_CASE("claim 9: Q-learning converges to Q* on small random MDPs (max error below 1% of H = 5, across seeds)") {
    klab::mdp::LearningExperiment e;
    const std::vector<std::pair<std::string, std::string>> params = {
        {"methods", "q_learning"}, {"world", "random"}, {"size", "5"}, {"actions", "2"}, {"branching", "5"}, {"horizon", "5"},
        {"eps_schedule", "constant"}, {"eps0", "1"}, {"episodes", "20000"}};
    const BatchResult r = run_batch(e, params, 29, 40);
    const RunningStat& err = final_of(r, "q_learning", "q_error");
    const int curve = r.layout.find_curve("q_error");
    const size_t last = r.layout.axes[0].x.size() - 1;
    const RunningStat& early = r.curve_stat(0, static_cast<size_t>(curve), last - 20);
    MESSAGE("max |Q_h − Q*_h| after " << r.layout.axes[0].x[last - 20] << " episodes: " << early.mean() << " ± " << early.sem() << "; after 20000: "
                                      << err.mean() << " ± " << err.sem() << " (40 random MDPs)");
    CHECK(err.mean() + 3 * err.sem() <= 0.05);
    CHECK(z_of_difference(early, err) > 8.0);
  }

  TEST_CASE("claim 10: learning exponential-utility values on the cliff walk: the Itakura–Saito loss converges towards Q* where the exponential MSE diverges at the same steps") {
    // mdp.risk defaults (slip 0.1, H = 25, β = 0.02, η_k = 0.5/(k + 1)^0.7, 500 synchronous sweeps), 4 runs.
    klab::mdp::RiskExperiment e;
    const uint32_t runs = 4;
    const BatchResult r = run_batch(e, {{"methods", "entropic"}, {"episodes", "10"}}, 11, runs);
    const RunningStat &is = final_of(r, "is_loss", "q_error"), &sq = final_of(r, "sq_loss", "q_error");
    const RunningStat &is_div = final_of(r, "is_loss", "diverged"), &emse_div = final_of(r, "emse", "diverged");
    const int curve = r.layout.find_curve("q_error");
    const RunningStat& is_early = r.curve_stat(static_cast<size_t>(r.layout.find_series("is_loss")), static_cast<size_t>(curve), 0);
    MESSAGE("max |Q̂ − Q*| after " << r.layout.axes[2].x[0] << " sweeps: IS " << is_early.mean() << " ± " << is_early.sem() << "; after 500: IS " << is.mean()
                                   << " ± " << is.sem() << ", squared loss " << sq.mean() << " ± " << sq.sem() << "; diverged: IS " << is_div.mean() * runs
                                   << ", EMSE " << emse_div.mean() * runs << " of " << runs << "; greedy CE_β: IS "
                                   << final_of(r, "is_loss", "certainty_equivalent").mean() << ", optimum " << final_of(r, "entropic", "certainty_equivalent").mean());
    CHECK(is_div.mean() == 0.0);
    CHECK(emse_div.mean() == 1.0);
    CHECK(is.mean() < 0.5 * is_early.mean());
    CHECK(is.mean() + 3 * is.sem() < sq.mean() - 3 * sq.sem());
  }

  TEST_CASE("claim 11: on the cliff walk (targets with falls, not Gaussian) the softplus loss's fixed point is not Q*, and its learner's greedy policy falls short of the entropic optimum; the Itakura–Saito loss's fixed point is Q*") {
    // mdp.risk defaults (slip 0.1, H = 25, β = 0.02, η_k = 0.5/(k + 1)^0.7): the exact fixed points of the
    // learners' expected steps, then the softplus learner, 2 runs of 4,000 sweeps.
    klab::mdp::RiskExperiment e;
    const uint32_t runs = 2;
    const BatchResult r = run_batch(e, {{"methods", "entropic"}, {"episodes", "10"}, {"learners", "softplus"}, {"sweeps", "4000"}}, 11, runs);
    const auto sol = e.solution();
    REQUIRE(sol);
    const klab::mdp::Mdp& m = sol->world.mdp;
    const klab::mdp::StockLattice& lattice = sol->lattice;
    const std::vector<double> is_fixed = klab::mdp::loss_fixed_point(m, lattice, klab::mdp::EntropicLoss::ItakuraSaito, 0.02);
    const std::vector<double> sp_fixed = klab::mdp::loss_fixed_point(m, lattice, klab::mdp::EntropicLoss::Softplus, 0.02);
    const double sp_fixed_ce =
        klab::mdp::certainty_equivalent(klab::mdp::return_distribution(m, lattice, klab::mdp::greedy_markov_policy(m, lattice.horizon, sp_fixed)), 0.02);
    const double optimum = final_of(r, "entropic", "certainty_equivalent").mean();
    const RunningStat &error = final_of(r, "softplus", "q_error"), &ce = final_of(r, "softplus", "certainty_equivalent");
    MESSAGE("fixed points: max |Q − Q*| IS " << klab::mdp::max_abs_error(is_fixed, sol->entropic_q) << ", softplus " << klab::mdp::max_abs_error(sp_fixed, sol->entropic_q)
                                             << " (its greedy policy's CE_β " << sp_fixed_ce << ", optimum " << optimum << "); the softplus learner after 4,000 sweeps: max |Q̂ − Q*| "
                                             << error.mean() << " ± " << error.sem() << ", greedy CE_β " << ce.mean() << " ± " << ce.sem());
    CHECK(klab::mdp::max_abs_error(is_fixed, sol->entropic_q) < 1e-9);
    CHECK(klab::mdp::max_abs_error(sp_fixed, sol->entropic_q) > 5.0);
    CHECK(sp_fixed_ce < optimum - 0.5);
    CHECK(error.mean() - 3 * error.sem() > 5.0);
    CHECK(ce.mean() + 3 * ce.sem() < optimum - 0.5);
  }
}
