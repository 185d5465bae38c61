// One policy facing one bandit instance for T pulls: the simulation loop shared by the CPU engine
// (bandits.regret's run() and RunCursor), the live view and the CUDA engine (one GPU thread per
// run), all through these KLAB_HD functions.
//
// Regret is the pseudo-regret R_t = Σ_{s ≤ t} Δ_{A_s}, Δ_a = μ* - μ_a (Lattimore & Szepesvári,
// "Bandit Algorithms", §4.5): it depends on the choices only, so its variance is not inflated by
// reward noise, and E[R_t] equals the expected regret.
#pragma once
#include <cstdint>

#include "bandits/arms.hpp"
#include "bandits/policies.hpp"

namespace klab::bandits {

constexpr int kMaxCheckpoints = 64;

// Everything a run needs, as plain data (copied to the GPU as a kernel argument).
struct RegretConfig {
  PolicyParams policy;               // model, K, T, c, ε-greedy and ETC settings
  double theta[kMaxArms];            // arm parameters (success probability or Gaussian mean)
  double gap[kMaxArms];              // Δ_a in reward units (0 for the best arms)
  int n_checkpoints = 0;
  uint32_t checkpoints[kMaxCheckpoints];  // increasing pull counts; the last is T
  int n_policies = 0;
  int policies[kPolicyCount];        // the compared policies (Policy ids), in series order
};

// One policy's state within one run, for up to KCap arms.
template <int KCap>
struct PolicyRunOf {
  ArmStatsOf<KCap> stats;
  uint64_t t = 0;         // pulls done
  double regret = 0.0;    // pseudo-regret so far
  uint64_t best_pulls = 0;
  int committed = -1;     // ETC's arm
  int next_checkpoint = 0;
  Policy policy = Policy::Uniform;
  Rng rng{0, 0, 0};
};
using PolicyRun = PolicyRunOf<kMaxArms>;

// The policy's own randomness is keyed by its id (not its position in the list), so a policy's
// run does not depend on which other policies are compared.
template <class Run>
KLAB_INLINE void policy_run_start(Run& r, const RegretConfig& cfg, Policy policy, uint64_t seed, uint32_t run) {
  stats_reset(r.stats, cfg.policy.k);
  r.t = 0;
  r.regret = 0.0;
  r.best_pulls = 0;
  r.committed = -1;
  r.next_checkpoint = 0;
  r.policy = policy;
  r.rng = Rng(seed, run, kPolicyStream + static_cast<uint32_t>(policy));
}

// One pull; returns the arm. The observation of the n-th pull of arm a is common to all policies.
template <class Run>
KLAB_INLINE int policy_run_step(Run& r, const RegretConfig& cfg, uint64_t seed, uint32_t run) {
  const int a = choose_arm(r.policy, cfg.policy, r.stats, r.t + 1, r.rng, &r.committed);
  const double x = draw_observation(cfg.policy.model, cfg.theta[a], seed, run, a, r.stats.pulls[a]);
  stats_add(r.stats, a, x, uses_log_pulls(r.policy), uses_neg_entropy(r.policy, cfg.policy.model));
  r.t += 1;
  r.regret += cfg.gap[a];
  r.best_pulls += cfg.gap[a] == 0.0 ? 1u : 0u;
  return a;
}

// Pulls until t = `until` (at most T), writing R_t at each checkpoint passed into
// regret_at[checkpoint index].
template <class Run>
KLAB_INLINE void policy_run_advance(Run& r, const RegretConfig& cfg, uint64_t seed, uint32_t run, uint64_t until,
                                    double* regret_at) {
  if (until > cfg.policy.horizon) until = cfg.policy.horizon;
  while (r.t < until) {
    policy_run_step(r, cfg, seed, run);
    while (r.next_checkpoint < cfg.n_checkpoints && r.t == cfg.checkpoints[r.next_checkpoint])
      regret_at[r.next_checkpoint++] = r.regret;
  }
}

template <class Run>
KLAB_INLINE bool policy_run_done(const Run& r, const RegretConfig& cfg) { return r.t >= cfg.policy.horizon; }

}  // namespace klab::bandits
