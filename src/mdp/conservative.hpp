// Conservative exploration under an episode-wise constraint (Li, Huang, Shen & Yang, "Near-optimal
// Conservative Exploration in Reinforcement Learning under Episode-wise Constraints", ICML 2023),
// in the episodic setting of episodic.hpp. A known baseline policy π_b (with known value V^{π_b})
// is safe; every episode's policy π_k must keep V^{π_k}_0(ρ) ≥ (1 − α) V^{π_b}_0(ρ) with high
// probability, while the regret stays near UCBVI's.
//
// What the paper fixes (abstract): StepMix plays "a mixture policy that adaptively and smoothly
// interpolates between the baseline policy and the optimistic policy"; EpsMix is
// "randomization-based". Our reading (the paper's exact rules could not be read here; the
// abstract's wording is all the stored copies show):
//   known         π_b and its values V^{π_b}_h(s) for every stage and state (the safe baseline)
//   optimistic    π̄_k = UCBVI's greedy policy (ucbvi.hpp)
//   pessimistic   V̲: the same recursion with the bonus subtracted (ucbvi.hpp switching_value)
//   StepMix   follow π̄_k for the first τ_k steps, then π_b; at step ⌊τ_k⌋ take π̄_k's action with
//             probability τ_k − ⌊τ_k⌋, so the policy moves smoothly from π_b (τ = 0) to π̄_k (τ = H).
//             τ_k: the largest whole step j with V̲(j) ≥ (1 − α) V^{π_b}_0(ρ) (j = 0, the baseline,
//             always qualifies), then the fraction f at step j by linear interpolation between V̲(j)
//             and V̲(j + 1), halved until V̲(j + f) qualifies too.
//   EpsMix    play π̄_k for the whole episode with probability ε_k, else π_b, with ε_k the largest ε
//             for which ε V̲^{π̄_k} + (1 − ε) V^{π_b} ≥ (1 − α) V^{π_b}.
// An episode's performance is the exact expected value of the policy it plays (for EpsMix the
// expectation includes the coin), computed with the true model for regret and violations.
#pragma once
#include "mdp/ucbvi.hpp"

namespace klab::mdp {

enum class ConservativeMethod { StepMix, EpsMix, Ucbvi, Baseline };

struct ConservativeTask {
  const double* baseline;    // (H·SA) π_b
  const double* baseline_v;  // ((H+1)·S) V^{π_b}_h, known
  double baseline_value;     // V^{π_b}_0(ρ)
  double threshold;          // (1 − α) V^{π_b}_0(ρ)
  double bonus_c, log_term;  // UCBVI bonus (ucbvi.hpp)
};

struct ConservativeScratch {
  double* q;    // (H·SA)
  double* v;    // ((H+1)·S)
  int* greedy;  // (H·S)
};

// StepMix's switching step τ (see above); w.v is scratch.
KLAB_INLINE double stepmix_switch(const EpisodicTask& t, const ConservativeTask& c, const ModelCounts& counts, ConservativeScratch w) {
  const auto lower = [&](double tau) { return switching_value(t, &counts, c.bonus_c, c.log_term, c.baseline_v, w.greedy, tau, w.v); };
  int j = t.horizon;
  double at_j = lower(j), above = at_j;
  while (j > 0 && at_j < c.threshold) {
    above = at_j;
    at_j = lower(--j);
  }
  if (j == t.horizon || at_j < c.threshold) return j;
  double f = at_j > above ? (at_j - c.threshold) / (at_j - above) : 0.0;
  for (int halvings = 0; halvings < 8 && f > 1e-3; ++halvings, f *= 0.5)
    if (lower(j + f) >= c.threshold) return j + f;
  return j;
}

// Plays episode `episode` of `method` (counts and visits updated); returns the exact value of the
// policy the episode played.
KLAB_INLINE double conservative_episode(const EpisodicTask& t, ConservativeMethod method, const ConservativeTask& c, ModelCounts counts,
                                        uint32_t* visits, uint32_t episode, ConservativeScratch w, Rng& rng, uint64_t seed, uint32_t run) {
  double tau = 0.0, value = c.baseline_value;
  if (method != ConservativeMethod::Baseline) {
    ucbvi_plan(t, counts, c.bonus_c, c.log_term, w.q, w.v, w.greedy, rng);
    const double full = static_cast<double>(t.horizon);
    switch (method) {
      case ConservativeMethod::Ucbvi:
        tau = full;
        value = switching_value(t, nullptr, 0.0, 0.0, c.baseline_v, w.greedy, tau, w.v);
        break;
      case ConservativeMethod::StepMix:
        tau = stepmix_switch(t, c, counts, w);
        value = tau > 0.0 ? switching_value(t, nullptr, 0.0, 0.0, c.baseline_v, w.greedy, tau, w.v) : c.baseline_value;
        break;
      case ConservativeMethod::EpsMix: {
        const double pessimistic = switching_value(t, &counts, c.bonus_c, c.log_term, c.baseline_v, w.greedy, full, w.v);
        double eps = 1.0;
        if (pessimistic < c.threshold) {
          eps = (c.baseline_value - c.threshold) / (c.baseline_value - pessimistic);
          eps = eps < 0.0 ? 0.0 : (eps > 1.0 ? 1.0 : eps);
        }
        const double optimistic_value = switching_value(t, nullptr, 0.0, 0.0, c.baseline_v, w.greedy, full, w.v);
        value = eps * optimistic_value + (1.0 - eps) * c.baseline_value;
        tau = rng.uniform() < eps ? full : 0.0;
        break;
      }
      case ConservativeMethod::Baseline: break;
    }
  }
  int state = episode_start(t, seed, run, episode);
  for (int h = 0; h < t.horizon; ++h) {
    const int a = switching_action(t, c.baseline, w.greedy, tau, h, state, rng);
    const int pair = t.mdp.first_pair[state] + a;
    const int next = env_step(t, pair, visits, seed, run);
    counts_add(t.mdp, counts, pair, next);
    state = next;
  }
  return value;
}

}  // namespace klab::mdp
