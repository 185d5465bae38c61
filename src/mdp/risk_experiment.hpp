// mdp.risk: the return distribution on a slippery cliff walk, or another world whose rewards lie on a
// lattice (risk_world.hpp: four rooms, the hazard maze, a grid painted in the editor, RiverSwim, the
// chain, a random MDP with rewards j/k, a klab.mdp file; finite horizon, undiscounted) — the
// CVaR_α-optimal policy of stock-augmented DP (Ávila Pires et al., "Optimizing Return Distributions
// with Distributional Dynamic Programming", 2025) against risk-neutral backward induction and the
// exponential-utility optimum (Udovichenko et al., "Risk-Averse RL with Itakura-Saito Loss", 2025).
// Every policy's return distribution is exact (risk.hpp); each run estimates mean and CVaR_α from
// its own Monte Carlo episodes, so the Runs tab shows the estimates' 95% intervals around the exact values.
// Each run also learns the exponential-utility action values from samples with the Itakura–Saito loss
// and its baselines (risk_learning.hpp): ‖Q̂ − Q*‖∞ per sweep, divergence, and the greedy policy's exact
// mean, CVaR_α and CE_β (series after the policies).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/versioned_cache.hpp"
#include "mdp/evaluation.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/risk.hpp"
#include "mdp/risk_learning.hpp"
#include "mdp/risk_world.hpp"

namespace klab::mdp {

struct RiskParams {
  std::vector<std::string> methods;
  double alpha = 0.1;    // CVaR level
  double beta = 0.02;    // exponential-utility risk aversion
  // The world (world.hpp's parameters of these names; risk_world.hpp).
  Preset world = Preset::Cliff;
  int size = 6;            // riverswim / chain n, random S
  int actions = 4;         // random: A
  int branching = 5;       // random: successors per (s, a)
  int reward_levels = 10;  // random: rewards uniform on {0, 1/k, …, 1}
  long long world_seed = 1;
  std::string mdp_file;  // non-empty: this klab.mdp / klab.gridworld file instead of the preset
  std::string grid;      // non-empty: the editor's grid (world.hpp's `grid` parameter) instead of the preset
  int horizon = 25;      // H steps, γ = 1
  double slip = 0.1;
  double wind = 0.0;
  Direction wind_direction = Direction::South;
  int cliff_reward = -100;
  int episodes = 2000;   // Monte Carlo episodes per run and method
  // Learning the entropic action values from samples (risk_learning.hpp), at risk aversion β.
  std::vector<std::string> learners;
  int sweeps = 500;          // synchronous sweeps (samples per (h, s, a))
  double learn_rate = 0.5;   // η₀
  double learn_decay = 0.7;  // ω: η_k = η₀ / (k + 1)^ω
  EntropicStep learn_step = EntropicStep::Sgd;  // SGD or Adam (risk_learning.hpp)
  double learn_beta1 = AdamStep::kBeta1;       // Adam's β₁
  // The rest of the paper's recipe (risk_learning.hpp), each off by default.
  double learn_warmup = 0.0;                                  // linear warm-up over this fraction of the sweeps
  EntropicSchedule learn_schedule = EntropicSchedule::None;   // cosine: decay over the second half of the sweeps
  double learn_clip = 0.0;                                    // gradients clamped to [−c, c] (0: off)
};

// The world part of the parameters (risk_world.hpp).
RiskWorldParams risk_world_params(const RiskParams& p);

const std::vector<std::string>& risk_method_ids();   // risk_neutral, cvar, entropic
const std::vector<std::string>& risk_learner_ids();  // is_loss, emse, sq_loss, softplus (EntropicLoss order)

// Everything exact for one parameter set: the world, its stock lattice, every method's policy and
// return distribution (methods in risk_method_ids() order, whichever are shown).
struct RiskSolution {
  World world;                                // its layout has rows = 0 when it is not a grid
  StockLattice lattice;
  std::vector<StockPolicy> policies;          // (methods)
  std::vector<ReturnDistribution> returns;    // (methods) exact
  std::vector<std::vector<std::vector<double>>> occupancy;  // (methods) × (H + 1) × |R_h|: P(s_h = s, c_h = c) (stock_occupancy)
  CvarSolution cvar;                          // the CVaR search (its policy is policies[1])
  std::vector<double> entropic_q;             // (H × SA) Q*_h(s, a) of the exponential utility at β
  std::vector<double> risk_neutral_start;     // (S) W_0(s): the risk-neutral optimal value with H steps to go
  std::vector<double> return_bins;            // centres of the histogram bins (width bin_width) over every method's support
  double bin_width = 1.0;
};
RiskSolution solve_risk(const RiskParams& p, const RiskWorldBuild& world);  // world: build_risk_world(risk_world_params(p))

// The sweeps at which a run records its learners' errors (1 … sweeps, about 20 points).
std::vector<double> learner_checkpoints(int sweeps);
// The settings of learner `id` (one of risk_learner_ids()) under p.
EntropicLearnerSettings learner_settings(const RiskParams& p, const std::string& id);
// The Rng stream of learner `id` in every run (after the policies' streams): the Runs tab and the live view.
uint32_t learner_stream(const std::string& id);

// The most likely path of a stock-augmented policy from the (first) start state: the states visited,
// following each step's most likely outcome (tracking the stock), until a grid's goal or H steps.
std::vector<int> likely_path(const RiskSolution& sol, const StockPolicy& pi);
// The grid coloured by the risk-neutral E[G] from each cell, with the most likely path of each policy
// `ids[i]` in palette colour i (side by side where they coincide) and, when `rays` is set, its actions
// as rays: the Runs figure's map and the live view's, on a grid.
plot::Plot likely_paths_plot(const RiskSolution& sol, const std::vector<std::string>& ids, const Policy* rays, const std::string& title);

// Off a grid, the policy map: policy `id`'s action at step h on every (state, stock) it reaches with
// positive probability, x the stock c_h (the rewards so far), y the state, one point series per
// action (palette colour of the action). A Markov policy's rows are one colour; the CVaR policy's
// change along the stock: the Runs figure's second plot and the live view's, on worlds that are not grids.
plot::Plot stock_policy_plot(const RiskSolution& sol, const std::string& id, int h, const std::string& title);
// The step the figure shows: where the CVaR policy's action differs from the risk-neutral policy's on
// the most (state, stock) pairs the CVaR policy reaches (ties: the earliest; none: H / 2).
int stock_policy_step(const RiskSolution& sol);

// The histogram bin of return g (bins of width sol.bin_width centred on sol.return_bins; the ends
// take everything beyond them).
size_t risk_return_bin(const RiskSolution& sol, double g);
// The headline histogram (the Runs figure's exact one, the live view's Monte Carlo one): policy
// `ids[i]`'s mass per bin `masses[i]` as bars side by side in palette colour i, log scale; each
// policy's exact CVaR_α (dashed) and mean (solid) marked, and named in the legend.
plot::Plot return_histogram(const RiskSolution& sol, const std::vector<std::string>& ids, const std::vector<std::vector<double>>& masses, double alpha,
                            const std::string& title);

class RiskExperiment final : public ExperimentOf<RiskParams, RiskExperiment> {
 public:
  RiskExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The exact solution of the current parameters (kept while they stay the same); null when they
  // are invalid (the parameter rules give the message).
  std::shared_ptr<const RiskSolution> solution() const;

 private:
  explicit RiskExperiment(const RiskWorldCache& worlds);
  void run_learner(const RiskSolution& sol, uint64_t seed, uint32_t run, const RunLayout& layout, size_t slot, RunRecord& out) const;
  RiskWorldCache worlds_;  // shared with the parameter rule: the built world of the current parameters
  VersionedCache<std::shared_ptr<const RiskSolution>> cache_;
};

DemoInfo risk_demo();

}  // namespace klab::mdp
