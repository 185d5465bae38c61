// The episodic setting of the learning demos, as plain data and KLAB_HD functions (the CPU engine,
// wasm and a CUDA kernel run the same code): episodes of H steps from s₀ ~ ρ in a tabular MDP,
// rewards rescaled to [0, 1] (UCBVI's confidence widths assume it), values stage-indexed:
//   V_h(s), Q_h(s, a) for h = 0..H−1, stored stage-major: q[h·SA + pair], V_H = 0.
//
// Common random numbers: the n-th visit of pair (s, a) leads to the same s′ for every compared
// learner (the draw is keyed by (seed, run, kEnvStream, pair, n)), and episode k starts in the same
// s₀ for all (keyed by (seed, run, kStartStream, k)); only the learners' own choices differ.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/rng.hpp"
#include "mdp/mdp.hpp"

namespace klab::mdp {

constexpr uint32_t kEnvStream = 0x3E0;
constexpr uint32_t kStartStream = 0x3E1;
constexpr uint32_t kLearnerStream = 0x3E2;  // + learner id: each learner's own randomness

struct EpisodicTask {
  MdpView mdp;
  int horizon = 1;           // H
  double gamma = 1.0;        // discount within an episode
  double reward_lo = 0.0;    // r̃ = (r − reward_lo)·reward_scale ∈ [0, 1]
  double reward_scale = 1.0;
};

KLAB_INLINE double scaled_reward(const EpisodicTask& t, int pair) { return (t.mdp.reward[pair] - t.reward_lo) * t.reward_scale; }

// s₀ of episode k.
KLAB_INLINE int episode_start(const EpisodicTask& t, uint64_t seed, uint32_t run, uint32_t episode) {
  Rng rng = Rng::substream(seed, run, kStartStream, episode);
  return sample_start(t.mdp, rng.uniform());
}

// s′ for the visits[pair]-th visit of `pair` (then counted).
KLAB_INLINE int env_step(const EpisodicTask& t, int pair, uint32_t* visits, uint64_t seed, uint32_t run) {
  Rng rng(seed, run, kEnvStream, (static_cast<uint64_t>(pair) << 32) | visits[pair]);
  visits[pair] += 1;
  return sample_next(t.mdp, pair, rng.uniform());
}

// The greedy action of q[0 .. n) with ties broken uniformly at random: the maximum and the number
// of actions reaching it without data-dependent branches, then, only when several tie, one draw
// picks among them (no randomness is read when the maximum is unique).
KLAB_INLINE int greedy_random_ties(const double* q, int n, Rng& rng) {
  double top = q[0];
  for (int a = 1; a < n; ++a) top = q[a] > top ? q[a] : top;
  int ties = 0, first = 0;
  for (int a = n - 1; a >= 0; --a) {
    const bool tie = q[a] == top;
    ties += tie ? 1 : 0;
    first = tie ? a : first;
  }
  if (ties == 1) return first;
  uint32_t pick = rng.below(static_cast<uint32_t>(ties));
  for (int a = first;; ++a)
    if (q[a] == top && pick-- == 0) return a;
}

// ε-greedy: uniform with probability ε, else greedy (random ties). The coin reads one 32-bit word
// (explore when u < ε·2³², so ε has a resolution of 2⁻³²).
KLAB_INLINE int epsilon_greedy(const double* q, int n, double eps, Rng& rng) {
  if (eps > 0.0 && static_cast<double>(rng.next_u32()) < eps * 4294967296.0) return static_cast<int>(rng.below(static_cast<uint32_t>(n)));
  return greedy_random_ties(q, n, rng);
}

// Σ_a π_ε(a|s) q(s, a) = ε·mean_a q + (1 − ε)·max_a q (random ties do not change the max).
KLAB_INLINE double epsilon_greedy_value(const double* q, int n, double eps) {
  double sum = 0.0, top = q[0];
  for (int a = 0; a < n; ++a) {
    sum += q[a];
    if (q[a] > top) top = q[a];
  }
  return eps * sum / n + (1.0 - eps) * top;
}

// π_ε(a|s) of action a for the ε-greedy policy of q (random ties split the greedy mass).
KLAB_INLINE double epsilon_greedy_prob(const double* q, int n, double eps, int a) {
  double top = q[0];
  for (int b = 1; b < n; ++b)
    if (q[b] > top) top = q[b];
  int ties = 0;
  for (int b = 0; b < n; ++b) ties += q[b] == top ? 1 : 0;
  return eps / n + (q[a] == top ? (1.0 - eps) / ties : 0.0);
}

// max over the stage-states (h, s) flagged in `reachable` (H·S) and all their actions a of
// |q_h(s, a) − reference_h(s, a)|, both (H·SA): the control learners' error to Q*.
KLAB_INLINE double stage_max_error(const EpisodicTask& t, const char* reachable, const double* q, const double* reference) {
  const int n_s = t.mdp.states, n_sa = t.mdp.first_pair[n_s];
  double worst = 0.0;
  for (int h = 0; h < t.horizon; ++h)
    for (int s = 0; s < n_s; ++s) {
      if (!reachable[static_cast<size_t>(h) * n_s + s]) continue;
      for (int i = t.mdp.first_pair[s]; i < t.mdp.first_pair[s + 1]; ++i) {
        const size_t at = static_cast<size_t>(h) * n_sa + i;
        const double e = fabs(q[at] - reference[at]);
        worst = worst < e ? e : worst;  // std::max(worst, e)
      }
    }
  return worst;
}

// Σ_s ρ(s) Σ_a π_0(a|s) q_0(s, a): the start value a stage-indexed estimate q (H·SA) implies for π
// (H·SA); the off-policy evaluators' error is its distance to V(ρ; π).
KLAB_INLINE double stage_start_estimate(const EpisodicTask& t, const double* q, const double* pi) {
  double total = 0.0;
  for (int s = 0; s < t.mdp.states; ++s)
    for (int i = t.mdp.first_pair[s]; i < t.mdp.first_pair[s + 1]; ++i) total += t.mdp.start[s] * pi[i] * q[i];
  return total;
}

}  // namespace klab::mdp
