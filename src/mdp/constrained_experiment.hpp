// mdp.constrained: safety as a constraint, two ways.
//   CMDP (discounted): maximise V_r^π(ρ) subject to V_c^π(ρ) ≤ b. The exact optimum is the LP over
//     occupancy measures (lp.hpp; randomised where the budget binds). Lagrangian primal-dual
//     learning from sampled models (primal_dual.hpp): the last iterate and its λ oscillate, the
//     averaged iterate converges, PID damps λ.
//   Conservative exploration (episodic, rewards in [0, 1]): every episode must keep the value of its
//     policy above (1 − α) V^{π_b}; StepMix and EpsMix (conservative.hpp) against unconstrained
//     UCBVI and the baseline alone.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/versioned_cache.hpp"
#include "mdp/primal_dual.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {

struct ConstrainedParams {
  std::vector<std::string> methods;
  Preset world = Preset::Random;
  int size = 10, actions = 3, branching = 3;
  double slip = 0.0, wind = 0.0;
  long long world_seed = 1;
  bool vary_world = false;
  std::string mdp_file;
  std::string grid;  // the edited gridworld (world.hpp)
  double gamma = 0.95;
  int horizon = 10;              // conservative exploration: episode length H
  double budget_position = 0.5;  // b = c_min + q·(c(π*_r) − c_min)
  int iterations = 300;
  double policy_step = 1.0, dual_step = 0.5, kp = 1.0, kd = 1.0;
  int samples = 100;
  long long episodes = 2000;
  double conservatism = 0.2;     // α
  double baseline_noise = 0.5;   // π_b = (1 − u) π* + u · uniform
  double bonus_scale = 0.002, delta = 0.05;
};

const std::vector<std::string>& constrained_method_ids();  // primal_dual, primal_dual_avg, pid, stepmix, epsmix, ucbvi, baseline

// The exact CMDP reference of a world: the cost range and the budget, the LP optimum.
struct CmdpReference {
  double min_cost = 0.0, free_cost = 0.0, budget = 0.0;
  double reward = 0.0, cost = 0.0, lambda = 0.0;  // LP optimum
  int randomised_states = 0;
  bool ok = false;
};
CmdpReference cmdp_reference(const Mdp& m, double budget_position);

// The Lagrangian learners' settings from the parameters (PID: its gains; otherwise K_P = K_D = 0).
PrimalDualSettings lagrangian_settings(const ConstrainedParams& p, bool pid);
// One iteration k of a Lagrangian learner as every run makes it: P̂_k drawn from the run's model
// stream (the same for every learner), the primal-dual step, then the new policy's exact values.
struct LagrangianIterate {
  double reward = 0.0, cost = 0.0;  // V_r^{π_{k+1}}(ρ), V_c^{π_{k+1}}(ρ) in the true world
  Eigen::VectorXd cost_values;      // (S) V_c^{π_{k+1}}(s): the live view's cost map
};
LagrangianIterate lagrangian_iteration(PrimalDual& learner, const Mdp& world, int samples, uint64_t seed, uint32_t run, uint32_t k);

class ConstrainedExperiment final : public ExperimentOf<ConstrainedParams, ConstrainedExperiment> {
 public:
  ConstrainedExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;

  WorldParams world() const { return world_params_of(p()); }
  // The exact CMDP reference of `w` (cached for a fixed world).
  CmdpReference reference(const World& w) const;
  Expected<std::shared_ptr<const World>> world_for(uint64_t seed, uint32_t run) const {
    return cache_.get(world(), static_cast<const Experiment&>(*this).params().version(), seed, run);
  }

 private:
  WorldCache cache_;
  VersionedCache<CmdpReference> reference_;  // the figure's LP optimum, budget and λ*
  VersionedCache<double> threshold_;         // the figure's (1 − α) V^{π_b}
};

DemoInfo constrained_demo();

}  // namespace klab::mdp
