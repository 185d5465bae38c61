// Tabular temporal-difference control in the episodic setting (episodic.hpp), stage-indexed as in
// Jin, Allen-Zhu, Bubeck & Jordan, "Is Q-learning provably efficient?", NeurIPS 2018:
//
//   Q-learning (Watkins & Dayan 1992)   y = r̃ + γ max_a′ Q_{h+1}(s′, a′)
//   SARSA (Rummery & Niranjan 1994)     y = r̃ + γ Q_{h+1}(s′, a′),  a′ the next action taken
//   expected SARSA (van Seijen et al. 2009)  y = r̃ + γ Σ_a′ π_ε(a′|s′) Q_{h+1}(s′, a′)
//   Q_h(s, a) ← (1 − α_n) Q_h(s, a) + α_n y,   Q_H ≡ 0,  n = visits of (h, s, a)
// Step sizes α_n: (H + 1)/(H + n) (Jin et al.: the rate that keeps finite-horizon Q-learning's
// error from growing exponentially in H), 1/n^ω, or a constant α. Behaviour: ε-greedy in Q_h with
// random ties; ε_k by episode: constant, linear from ε₀ to ε_min over the first `eps_decay`
// fraction of the episodes, or ε₀/√(k + 1) floored at ε_min (GLIE: SARSA then converges to Q*).
// Q_h is only updated at step h, so the policy of episode k is fixed at its start.
#pragma once
#include <cmath>

#include "core/lab_math.hpp"
#include "mdp/episodic.hpp"

namespace klab::mdp {

enum class TdMethod { QLearning, Sarsa, ExpectedSarsa };
enum class EpsilonSchedule { Constant, Linear, InverseSqrt };
enum class StepRule { RescaledLinear, Polynomial, Constant };

struct TdSettings {
  EpsilonSchedule schedule = EpsilonSchedule::Linear;
  double eps0 = 1.0, eps_min = 0.05;
  double eps_decay = 0.5;    // Linear: fraction of the episodes over which ε decays
  StepRule step = StepRule::RescaledLinear;
  double alpha = 0.1;        // Constant
  double omega = 0.8;        // Polynomial
};

KLAB_INLINE double td_epsilon(const TdSettings& s, uint32_t episode, uint32_t episodes) {
  switch (s.schedule) {
    case EpsilonSchedule::Constant: return s.eps0;
    case EpsilonSchedule::Linear: {
      const double span = s.eps_decay * episodes;
      const double f = span > 0 ? episode / span : 1.0;
      return f >= 1.0 ? s.eps_min : s.eps0 + (s.eps_min - s.eps0) * f;
    }
    case EpsilonSchedule::InverseSqrt: {
      const double e = s.eps0 / sqrt(episode + 1.0);
      return e > s.eps_min ? e : s.eps_min;
    }
  }
  return s.eps0;
}

KLAB_INLINE double td_step_size(const TdSettings& s, int horizon, uint32_t n) {
  switch (s.step) {
    case StepRule::RescaledLinear: return (horizon + 1.0) / (horizon + static_cast<double>(n));
    case StepRule::Polynomial: return math::pow(static_cast<double>(n), -s.omega);  // the lab's pow: CPU = GPU in a strict build
    case StepRule::Constant: return s.alpha;
  }
  return s.alpha;
}

// One episode of `method`; q and counts are (H·SA), visits (SA) the environment's visit counters,
// path (H+1) receives s_0 .. s_H when not null (the live view's agent). Returns the episode's
// return Σ_h γ^h r̃_h.
KLAB_INLINE double td_episode(const EpisodicTask& t, TdMethod method, const TdSettings& s, double eps, uint32_t episode, double* q,
                              uint32_t* counts, uint32_t* visits, Rng& rng, uint64_t seed, uint32_t run, int* path = nullptr) {
  const int n_sa = t.mdp.first_pair[t.mdp.states];
  int state = episode_start(t, seed, run, episode);
  int action = epsilon_greedy(&q[t.mdp.first_pair[state]], t.mdp.first_pair[state + 1] - t.mdp.first_pair[state], eps, rng);
  double ret = 0.0, discount = 1.0;
  for (int h = 0; h < t.horizon; ++h) {
    const int pair = t.mdp.first_pair[state] + action;
    const double r = scaled_reward(t, pair);
    ret += discount * r;
    discount *= t.gamma;
    const int next = env_step(t, pair, visits, seed, run);
    if (path) path[h] = state, path[h + 1] = next;
    const int first = t.mdp.first_pair[next], n = t.mdp.first_pair[next + 1] - first;
    int next_action = 0;
    double target = r;
    if (h + 1 < t.horizon) {
      const double* qn = &q[static_cast<size_t>(h + 1) * n_sa + first];
      next_action = epsilon_greedy(qn, n, eps, rng);
      switch (method) {
        case TdMethod::QLearning: target += t.gamma * epsilon_greedy_value(qn, n, 0.0); break;
        case TdMethod::Sarsa: target += t.gamma * qn[next_action]; break;
        case TdMethod::ExpectedSarsa: target += t.gamma * epsilon_greedy_value(qn, n, eps); break;
      }
    }
    const size_t at = static_cast<size_t>(h) * n_sa + pair;
    counts[at] += 1;
    const double alpha = td_step_size(s, t.horizon, counts[at]);
    q[at] += alpha * (target - q[at]);
    state = next;
    action = next_action;
  }
  return ret;
}

}  // namespace klab::mdp
