// A solver search at a fixed NFE in the spirit of S³ (Liu, Ning, Yang, Wang, "A Unified Sampling
// Framework for Solver Searching of Diffusion Probabilistic Models", ICLR 2024): USF lets every step
// of an exponential-integrator solver choose its strategy; S³ searches that space by evolution guided
// by a cheap performance predictor because the true metric (FID) is expensive. Here the score is exact
// and the true metric is cheap, so the search uses it directly (no predictor): the mean distance
// ‖x̂ − x*‖ between the candidate's samples and the converged PF-ODE solution from the same noise, on
// a search batch of its own noise.
//
// Search space (UsfPlan, solver_plan.hpp), N = nfe steps of one evaluation each:
//   time grid   blend ∈ {0, ¼, ½, ¾, 1} (t-uniform … λ-uniform), power ∈ {0.5, 0.75, 1, 1.25, 1.5, 2}
//   per step    order ∈ {1, 2, 3} (capped at the step's index) × prediction ∈ {x̂₀, ε̂};
//               derivative estimation ∈ {DPM-Solver's rule, Taylor, low-order}; corrector ∈ {no, yes}
//               (never on the last step). The steps are split into min(N, 8) contiguous blocks of
//               equal size (±1); each block shares one strategy, one derivative choice, one corrector choice
// Method (`usf_search` = coordinate, the default): coordinate descent from DPM-Solver++ 2M on the demo's step schedule; each round visits
// the coordinates (blend, power, then per block its strategy, derivatives and corrector) in an order
// drawn from the Rng, tries every value of the coordinate and keeps a strictly better one; at most
// kUsfRounds rounds, stopping early after a round without improvement. Deterministic given (seed,
// run, stream): tested. The other method, `usf_search` = evolution, is the authors' released code's
// evolutionary search on the same space and metric (usf_evolution.hpp).
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

// The search method of the samplers demo's `usf_search` parameter.
enum class UsfMethod { Coordinate, Evolution };

constexpr int kUsfRounds = 3;
constexpr int kUsfBlocks = 8;
const std::vector<double>& usf_blends();
const std::vector<double>& usf_powers();

struct UsfSearch {
  UsfPlan plan;             // the best plan found (orders as run: each ≤ its step's index)
  double start_error = 0;   // DPM-Solver++ 2M's error on the search batch (the starting point)
  double error = 0;         // the found plan's error on the search batch
  int candidates = 0;       // plans evaluated
};

// Mean ‖a_j − b_j‖ (sqrt, not hypot: the same bits natively and in wasm, so the search's
// comparisons agree); +∞ when a sample is not finite.
double usf_batch_error(const Particles& a, const Particles& b);

// The search objective: plan u's mean ‖x̂ − x*‖ from the batch `start` against its converged solutions.
double usf_plan_error(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u, const Particles& start, const Particles& reference);

// Searches the plans of `nfe` steps on the batch `start` (x_T) whose converged solutions are
// `reference`; the coordinates' order comes from `rng`.
UsfSearch usf_search(const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, const Particles& start,
                     const Particles& reference, Rng& rng);

// At most the score evaluations of usf_search on n particles at `nfe` (kUsfRounds full rounds):
// the progress bar's and the throughput's work unit.
double usf_search_work(int nfe, double n);

// Runs plan u on particles p in place (the CPU engine's advance_particle, one after another).
void run_usf_plan(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u, Particles& p);

}  // namespace klab::diffusion
