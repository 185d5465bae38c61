// USF's evolutionary search as the authors' released code runs it (Liu, Ning, Yang, Wang, ICLR 2024;
// github.com/thu-nics/USF, codebases/edm/search.py, utils/search_utils.py, configs/evo_search.yml: read,
// not copied), with the lab's true metric — the mean ‖x̂ − x*‖ on the search batch (usf_plan_error) —
// where the code scores each candidate by FID on 1,000 samples. S³'s performance predictor is not
// built: it is not in the released code (the paper's text could not be read here).
//
// The released loop is steady-state, with no generations: the population is every plan scored so far
// at the target NFE, sorted by score; each iteration
//   1. with probability 0.3 (crossover.prob) draws two distinct parents uniformly from the best 15
//      (parents.rank_bar; rank_prob = 1, so the "absolute" mode is never used) and crosses them
//      (usf_crossover), otherwise draws one parent from the best 15;
//   2. mutates the result (usf_mutate, always);
//   3. scores it and adds it to the population (duplicates too: the code does not check).
// It runs until stopped; here until `evaluations` plans are scored. The initial population is the
// baseline solvers' own decisions (the code's initialize.py: DPM-Solver, ++, UniPC, …), here the lab's
// fixed multistep solvers on the demo's grid (usf_initial_population).
//
// Mapping of the code's decisions onto the lab's space (UsfPlan), the parts the lab does not hold
// being left out (README, "USF solver search"): no dpmsolver_v3 prediction (its probability 0.4 is
// spread evenly over x̂₀ and ε̂), Taylor order ≤ 3 (a drawn 4 is capped at 3, as the code caps at i),
// no implicit corrector (its probability in the config is 0), no analytical first step, no skip
// coefficients, and the time grid is the lab's
// two-parameter family, so the code's per-timestep Gaussian mutation becomes a move of the grid's
// blend and power (below). Step insertion and deletion (0.2 each) change the NFE and move the child to
// another NFE's population; the lab searches one NFE at a time, so they are not built.
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "diffusion/usf_search.hpp"

namespace klab::diffusion {

// evo_search.yml's numbers (EDM / CIFAR-10), the ones the lab's space uses.
struct UsfEvoConfig {
  double crossover = 0.3;       // crossover.prob
  double deep_crossover = 0.5;  // crossover.deep_crossover_prob: also mix (order, derivatives, prediction) per step
  int rank_bar = 15;            // parents.rank_bar: parents drawn uniformly among the best 15
  double grid = 0.3;            // timesteps.evo_prob, here per grid parameter (a reading: the grid is not free)
  double order = 0.3;           // taylor_orders.evo_prob, the order from {1: .2, 2: .4, 3: .3, 4: .1} (4 → 3)
  double prediction = 0.3;      // prediction_types.evo_prob, then x̂₀ or ε̂ with probability ½ each
  double relaxation = 0.3;      // derivative_relaxation.evo_prob: m′'s relaxation set to 'linear', then (again 0.3) c += N(0, relax_sd)
  double relax_sd = 0.03;       // derivative_relaxation.evo_sigma
  double estimation = 0.3;      // derivative_estimation_order.evo_prob, m′'s active points from {1: .5, 2: .5}
  double corrector = 0.3;       // corrector.evo_prob, then pseudo or none with probability ½ each
};

// The starting population at `nfe` steps on the grid of `schedule`: DDIM (order 1), DPM-Solver++ 2M
// and 3M (x̂₀), multistep DPM-Solver 2 and 3 (ε̂), and ++2M with the pseudo corrector on every step
// but the last (UniPC's idea in USF's form); each step normalised.
std::vector<UsfPlan> usf_initial_population(StepSchedule schedule, int nfe);

// The code's crossover of two plans of equal length: each field — the time grid, the orders (with
// their derivative estimations and relaxations, as the code ties derivative_types to orders), the predictions, the
// correctors — is taken whole from a or b, both parents represented; then with probability
// deep_crossover each step takes (order, derivatives with relaxation, prediction) from a or b with probability ½.
UsfPlan usf_crossover(const UsfPlan& a, const UsfPlan& b, const UsfEvoConfig& c, Rng& rng);

// The code's mutation, per step i = 1..N, each with its probability (UsfEvoConfig):
//   order       redrawn from {1: .2, 2: .4, 3: .3, 4: .1}, capped at min(3, i); when it changes the step's
//               derivatives become plain Taylor differences, c = 0 (the code resets derivative_types, no relaxation)
//   prediction  redrawn
//   relaxation  (order > 1) m′'s relaxation becomes 'linear', m′ × (1 + c·h) (UsfStep::relax): DPM-Solver's
//               rule, whose m′ carries the 'dpmsolver-2' relaxation, becomes Taylor; then with probability
//               `relaxation` again c += N(0, 0.03) (clamped to ±kUsfMaxRelax)
//   estimation  (order 3) m′ from 1 or 2 active points: 1 → low-order m′, 2 → Taylor (DPM-Solver's rule
//               already uses 2)
//   corrector   redrawn (pseudo or none)
// and, first, for the grid: blend and power each moved with probability `grid` to a neighbouring value
// of usf_blends() / usf_powers(), up or down with probability ½, the move rejected at the ends (as the
// code rejects a timestep leaving [t_end, T]). The last step never has a corrector; steps normalised.
UsfPlan usf_mutate(const UsfPlan& u, const UsfEvoConfig& c, Rng& rng);

// The steady-state loop above until `evaluations` plans (the initial population included) are
// scored on the batch `start` against its converged solutions `reference`. start_error is
// DPM-Solver++ 2M's error (a member of the initial population).
UsfSearch usf_evolution(const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, const Particles& start,
                        const Particles& reference, int evaluations, Rng& rng, const UsfEvoConfig& c = {});

}  // namespace klab::diffusion
