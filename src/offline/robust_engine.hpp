// Batched offline.robust learners as flat arrays: the CUDA engine (src/offline/engine.cu, one GPU
// thread per (run, learner)) and its host twin run the very same KLAB_INLINE code as the CPU engine
// (RobustExperiment::run): robust_learner_outcome below → ridge regressions, backward passes and the
// exact evaluations of robust_core.hpp. Everything a run computes per learner runs here: the dataset
// draw (each thread draws its run's dataset from the run's stream, as the CPU engine draws it once
// for all learners, and keeps only the ridge statistics), the fit at λ and at every λ of the sweep,
// and the exact return of each policy in every evaluation model (the models are built once per job
// on the host, as tabular CSR). Only planner_worst_case, which does not depend on the data, is the
// host's (once per job and learner). Every method runs: pevi, r2pvi_kl, r2pvi_chi2, r2pvi_tv.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "mdp/world_csr.hpp"
#include "offline/robust_core.hpp"

namespace klab::offline {

constexpr int kMaxRobustSeries = 4;         // pevi, r2pvi_kl, r2pvi_chi2, r2pvi_tv
constexpr int kMaxRobustPerturbations = 41;  // the q grid (the parameter's range)
constexpr int kMaxRobustSweep = 20;          // the λ sweep (the parameter's range)

// Everything a run needs except the models' arrays, as plain data (copied to the GPU as it is).
struct RobustBatchConfig {
  LinearMdp world;
  int n_series = 0;
  PviSettings settings[kMaxRobustSeries];  // each learner at the demo's λ (the ridge is the same for all)
  int episodes = 0;                        // K
  uint32_t stream = 0;                     // the dataset's draws: Rng(seed, run, stream)
  int n_perturbations = 0;                 // the q grid
  int n_sweep = 0;
  double sweep[kMaxRobustSweep] = {};      // λ of the worst-case-vs-λ curve
  double discount = 1.0;                   // γ of the models (1: the finite-horizon return)
  mdp::WorldCsr models[1 + kMaxRobustPerturbations];  // [0] the nominal model, [1 + k] perturbation q_k

  // A learner's outcome: the returns at each q, the worst case, the nominal return, the first
  // action's load on the perturbed factor, the worst case at each λ of the sweep.
  KLAB_INLINE size_t outcome_stride() const { return static_cast<size_t>(n_perturbations) + 3 + static_cast<size_t>(n_sweep); }
};

// Where the outcome's entries sit (robust_learner_outcome's order).
KLAB_INLINE size_t robust_worst_at(const RobustBatchConfig& c) { return static_cast<size_t>(c.n_perturbations); }
KLAB_INLINE size_t robust_nominal_at(const RobustBatchConfig& c) { return static_cast<size_t>(c.n_perturbations) + 1; }
KLAB_INLINE size_t robust_load_at(const RobustBatchConfig& c) { return static_cast<size_t>(c.n_perturbations) + 2; }
KLAB_INLINE size_t robust_sweep_at(const RobustBatchConfig& c) { return static_cast<size_t>(c.n_perturbations) + 3; }

// The models' CSR arrays (ints, reals) wherever they live (host or device).
struct RobustPoolView {
  const int* ints;
  const double* reals;
};

KLAB_INLINE mdp::MdpView robust_model(const RobustBatchConfig& c, const RobustPoolView& pool, int k) {
  return mdp::csr_view(c.models[k], pool.ints, pool.reals, c.discount, c.world.horizon);
}

// The worst return over the q grid of the stage policy `actions` (std::min_element's value); the
// return at each q goes to returns (or nowhere: null).
KLAB_INLINE double robust_policy_worst(const RobustBatchConfig& c, const RobustPoolView& pool, const int* actions, double* returns) {
  double worst = 0.0;
  for (int k = 0; k < c.n_perturbations; ++k) {
    const double r = stage_policy_return(robust_model(c, pool, 1 + k), actions, c.world.horizon, c.world.start);
    if (returns) returns[k] = r;
    worst = k == 0 || r < worst ? r : worst;
  }
  return worst;
}

// The same for the policy learned with settings s on the ridge regressions `fit` (actions: H·S scratch).
KLAB_INLINE double robust_worst_case(const RobustBatchConfig& c, const RobustPoolView& pool, const RidgeFit& fit, const PviSettings& s, int* actions,
                                     double* returns) {
  pvi_backward(c.world, s, fit.estimate[0], kLinearDim * kLinearStates, fit.inverse[0], actions, nullptr);
  return robust_policy_worst(c, pool, actions, returns);
}

// Learner `series` on a run's ridge regressions: its outcome (outcome_stride doubles, the order above).
KLAB_INLINE void robust_learner_outcome(const RobustBatchConfig& c, const RobustPoolView& pool, const RidgeFit& fit, int series, double* out) {
  const LinearMdp& m = c.world;
  const PviSettings& s = c.settings[series];
  int actions[kLinearHorizon * kLinearStates];
  const double worst = robust_worst_case(c, pool, fit, s, actions, out);
  out[robust_worst_at(c)] = worst;
  out[robust_nominal_at(c)] = stage_policy_return(robust_model(c, pool, 0), actions, m.horizon, m.start);
  out[robust_load_at(c)] = m.feature(m.start * m.actions + actions[m.start], m.perturbed_factor);
  // PEVI ignores λ: one fit fills its whole λ curve.
  for (int k = 0; k < c.n_sweep; ++k) {
    PviSettings at = s;
    at.lambda = c.sweep[k];
    out[robust_sweep_at(c) + static_cast<size_t>(k)] = s.divergence == Divergence::None ? worst : robust_worst_case(c, pool, fit, at, actions, nullptr);
  }
}

// Learner `series` of run `run`: its dataset drawn from (seed, run, c.stream) exactly as
// collect_uniform draws it (K trajectories of H steps from s₁ in the nominal model), folded into
// the ridge statistics step by step, then its outcome.
KLAB_INLINE void robust_learner_run(const RobustBatchConfig& c, const RobustPoolView& pool, int series, uint64_t seed, uint32_t run, double* out) {
  const LinearMdp& m = c.world;
  const mdp::MdpView nominal = robust_model(c, pool, 0);
  RidgeFit fit;
  ridge_begin(m, c.settings[series].ridge, fit);
  Rng rng(seed, run, c.stream);
  for (int k = 0; k < c.episodes; ++k) {
    int s = m.start;
    for (int h = 0; h < m.horizon; ++h) {
      const LinearStep t = draw_linear_step(m, nominal, h, s, rng);
      ridge_add(m, t, fit);
      s = t.next;
    }
  }
  ridge_finish(m, fit);
  robust_learner_outcome(c, pool, fit, series, out);
}

// Outcomes are run-major: run first_run + r, series s at (r·n_series + s)·outcome_stride.

// The host twin: the same learners on this CPU, one after another.
void run_robust_batch_host(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed,
                           uint32_t first_run, uint32_t runs, std::vector<double>* out);

// One chunk of GPU outcomes (layout above, r counted from first_run), readable during the
// consumer's call only.
struct RobustChunk {
  uint32_t first_run = 0, runs = 0;
  const double* outcome = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct RobustCudaStats : CudaJobStats {
  double fits = 0.0;         // backward passes of all threads (each with its exact evaluations)
  double transitions = 0.0;  // dataset transitions drawn by all threads: runs·n_series·K·H
};

// Runs first_run .. first_run + runs − 1 of every learner on the GPU in chunks (at most half the
// free device memory, and 4 GiB, of outcomes each) and hands each chunk to `consume` in run order.
// An error (no device, a CUDA failure, a build without CUDA) comes back as a Status naming it.
Status run_robust_cuda(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed, uint32_t first_run,
                       uint32_t runs, const std::function<void(const RobustChunk&)>& consume, RobustCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_robust_batch_cuda(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed,
                             uint32_t first_run, uint32_t runs, std::vector<double>* out, RobustCudaStats* stats = nullptr);

}  // namespace klab::offline
