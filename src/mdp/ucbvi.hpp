// UCBVI (Azar, Osband & Munos, "Minimax Regret Bounds for Reinforcement Learning", ICML 2017),
// its Hoeffding form UCBVI-CH, in the episodic setting of episodic.hpp (known rewards r̃ ∈ [0, 1],
// unknown stationary transitions):
//
//   P̂(s′|s, a) = N(s, a, s′)/N(s, a)                         (counts over all stages)
//   b(s, a)    = c · 7 H L √(1/N(s, a)),   L = ln(5 S A T/δ),  T = K·H
//   Q̄_h(s, a)  = min(V_max,h, r̃(s, a) + γ Σ P̂ V̄_{h+1} + b),   V̄_h = max_a Q̄_h,  V̄_H = 0
//   (unvisited pairs get V_max,h = Σ_{t<H−h} γ^t); act greedily in Q̄_h.
// The bonus is the paper's Algorithm 3 as recalled (the copies reachable here show only the
// abstract); c = 1 is the paper's constant, which keeps the bonus above H for thousands of visits
// per pair — the demos expose c (see src/mdp/README.md). The paper also takes the minimum with the
// previous episode's Q̄, which is left out here.
//
// The same backward recursion evaluates the optimistic policy, alone or switched to the baseline,
// pessimistically (for StepMix / EpsMix: the bonus subtracted), and, given the true model, exactly. Counts are stored per CSR entry of the true
// transitions (the learner can only ever observe those successors), which keeps them compact.
#pragma once
#include <cmath>

#include "mdp/episodic.hpp"

namespace klab::mdp {

// Counts of one learner: n_pair (SA) and n_entry (nnz, aligned with the Mdp's CSR entries).
struct ModelCounts {
  uint32_t* n_pair;
  uint32_t* n_entry;
};

KLAB_INLINE void counts_add(const MdpView& m, ModelCounts c, int pair, int next) {
  c.n_pair[pair] += 1;
  for (int e = m.first_next[pair]; e < m.first_next[pair + 1]; ++e)
    if (m.next_state[e] == next) {
      c.n_entry[e] += 1;
      return;
    }
}

// L = ln(5 S A T/δ) with T = episodes·H.
KLAB_INLINE double ucbvi_log_term(const EpisodicTask& t, double episodes, double delta) {
  const double sa = t.mdp.first_pair[t.mdp.states];
  return log(5.0 * sa * episodes * t.horizon / delta);
}

KLAB_INLINE double ucbvi_bonus(const EpisodicTask& t, double c, double log_term, uint32_t n) {
  return c * 7.0 * t.horizon * log_term / sqrt(static_cast<double>(n));
}

// Σ_{t < H − h} γ^t: the largest value from stage h with rewards in [0, 1].
KLAB_INLINE double max_value(const EpisodicTask& t, int h) {
  double v = 0.0, g = 1.0;
  for (int k = h; k < t.horizon; ++k) v += g, g *= t.gamma;
  return v;
}

// Optimistic planning: q (H·SA), v ((H+1)·S); greedy (H·S) receives a maximising action, ties
// broken uniformly at random (the cap makes ties common early on: a fixed order would keep
// replaying the first capped action).
KLAB_INLINE void ucbvi_plan(const EpisodicTask& t, ModelCounts c, double bonus_c, double log_term, double* q, double* v, int* greedy, Rng& rng) {
  const MdpView& m = t.mdp;
  const int n_s = m.states, n_sa = m.first_pair[n_s];
  for (int s = 0; s < n_s; ++s) v[static_cast<size_t>(t.horizon) * n_s + s] = 0.0;
  for (int h = t.horizon - 1; h >= 0; --h) {
    const double cap = max_value(t, h);
    const double* vn = &v[static_cast<size_t>(h + 1) * n_s];
    for (int s = 0; s < n_s; ++s) {
      double* qs = &q[static_cast<size_t>(h) * n_sa + m.first_pair[s]];
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        double value = cap;
        const uint32_t n = c.n_pair[i];
        if (n > 0) {
          double sum = 0.0;
          for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += c.n_entry[e] * vn[m.next_state[e]];
          value = scaled_reward(t, i) + t.gamma * sum / n + ucbvi_bonus(t, bonus_c, log_term, n);
          if (value > cap) value = cap;
        }
        qs[i - m.first_pair[s]] = value;
      }
      const int best = greedy_random_ties(qs, m.first_pair[s + 1] - m.first_pair[s], rng);
      greedy[static_cast<size_t>(h) * n_s + s] = best;
      v[static_cast<size_t>(h) * n_s + s] = qs[best];
    }
  }
}

// One UCBVI episode (the CPU learner, the CUDA kernel and its host twin all run this): plan
// optimistically on the counts so far (q, v, greedy as in ucbvi_plan), then act greedily for H
// steps from s_0 ~ ρ, counting each transition; visits (SA) are the environment's visit counters,
// path (H+1) receives s_0 .. s_H when not null. Returns the episode's return Σ_h γ^h r̃_h.
KLAB_INLINE double ucbvi_episode(const EpisodicTask& t, ModelCounts c, double bonus_c, double log_term, double* q, double* v, int* greedy,
                                 uint32_t* visits, Rng& rng, uint64_t seed, uint32_t run, uint32_t episode, int* path = nullptr) {
  ucbvi_plan(t, c, bonus_c, log_term, q, v, greedy, rng);
  int state = episode_start(t, seed, run, episode);
  double ret = 0.0, discount = 1.0;
  for (int h = 0; h < t.horizon; ++h) {
    const int pair = t.mdp.first_pair[state] + greedy[static_cast<size_t>(h) * t.mdp.states + state];
    ret += discount * scaled_reward(t, pair);
    discount *= t.gamma;
    const int next = env_step(t, pair, visits, seed, run);
    counts_add(t.mdp, c, pair, next);
    if (path) path[h] = state, path[h + 1] = next;
    state = next;
  }
  return ret;
}

// V_0(ρ) of the switching policy "π̄ (greedy, H·S) before step τ, π_b from then on", τ ∈ [0, H]
// real: at step ⌊τ⌋ the optimistic action is taken with probability τ − ⌊τ⌋. From the switching
// step on, the baseline's known values V^{π_b}_h (base_v, (H+1)·S) apply, so with f = τ − ⌊τ⌋
//   W_h = V^{π_b}_h                           h > ⌊τ⌋ (and h = ⌊τ⌋ when f = 0)
//   W_h(s) = (1 − f) V^{π_b}_h(s) + f B_h(s)  h = ⌊τ⌋
//   W_h(s) = B_h(s)                           h < ⌊τ⌋,   B_h(s) = backup of (s, π̄_h(s)) with W_{h+1}
// where the backup is pessimistic with counts (r̃ + γ Σ P̂ W_{h+1} − b, clipped at 0; 0 if unvisited)
// or exact with c null. τ = H is π̄ throughout, τ = 0 the baseline. v ((H+1)·S) receives W.
KLAB_INLINE double switching_value(const EpisodicTask& t, const ModelCounts* c, double bonus_c, double log_term, const double* base_v, const int* greedy,
                                   double tau, double* v) {
  const MdpView& m = t.mdp;
  const int n_s = m.states;
  const int switch_step = static_cast<int>(tau);
  const double f = tau - switch_step;
  for (int s = 0; s < n_s; ++s) v[static_cast<size_t>(t.horizon) * n_s + s] = 0.0;
  for (int h = t.horizon - 1; h >= 0; --h) {
    double* vh = &v[static_cast<size_t>(h) * n_s];
    const double* known = &base_v[static_cast<size_t>(h) * n_s];
    if (h > switch_step || (h == switch_step && f == 0.0)) {
      for (int s = 0; s < n_s; ++s) vh[s] = known[s];
      continue;
    }
    const double* vn = &v[static_cast<size_t>(h + 1) * n_s];
    for (int s = 0; s < n_s; ++s) {
      const int i = m.first_pair[s] + greedy[static_cast<size_t>(h) * n_s + s];
      double backup = 0.0;
      if (!c) {
        double sum = 0.0;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += m.next_prob[e] * vn[m.next_state[e]];
        backup = scaled_reward(t, i) + t.gamma * sum;
      } else if (c->n_pair[i] > 0) {
        const uint32_t n = c->n_pair[i];
        double sum = 0.0;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += c->n_entry[e] * vn[m.next_state[e]];
        backup = scaled_reward(t, i) + t.gamma * sum / n - ucbvi_bonus(t, bonus_c, log_term, n);
        if (backup < 0.0) backup = 0.0;
      }
      vh[s] = h == switch_step ? (1.0 - f) * known[s] + f * backup : backup;
    }
  }
  double start = 0.0;
  for (int s = 0; s < n_s; ++s) start += m.start[s] * v[s];
  return start;
}

// The action of the switching policy at step h in state s (base: π_b, H·SA).
KLAB_INLINE int switching_action(const EpisodicTask& t, const double* base, const int* greedy, double tau, int h, int s, Rng& rng) {
  const MdpView& m = t.mdp;
  const int n_s = m.states, n_sa = m.first_pair[n_s];
  const int switch_step = static_cast<int>(tau);
  if (h < switch_step || (h == switch_step && rng.uniform() < tau - switch_step)) return greedy[static_cast<size_t>(h) * n_s + s];
  const double* p = &base[static_cast<size_t>(h) * n_sa + m.first_pair[s]];
  const int n = m.first_pair[s + 1] - m.first_pair[s];
  double u = rng.uniform();
  int last = 0;
  for (int a = 0; a < n; ++a) {
    if (p[a] <= 0.0) continue;
    if (u < p[a]) return a;
    u -= p[a];
    last = a;
  }
  return last;
}

}  // namespace klab::mdp
