// The per-state and per-pair Bellman backups of the mdp chapter's solvers as KLAB_INLINE code on
// an MdpView: the CPU solvers (value_iteration.hpp's sweep, evaluation.cpp's q_from_v), the batched
// value iteration engine's CUDA kernel and its host twin (vi_engine.hpp) all run these, so they
// compute the same bits. No Eigen here: .cu files include it.
#pragma once
#include "mdp/mdp.hpp"

namespace klab::mdp {

// signal(i) + γ Σ_e p_e v[s′_e]: pair i of q_from_v, the sum over successors in storage order.
KLAB_INLINE double pair_backup(const MdpView& m, const double* signal, const double* v, int i) {
  double sum = 0.0;
  for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) sum += m.next_prob[e] * v[m.next_state[e]];
  return signal[i] + m.discount * sum;
}

// Σ_e p_e v[s′_e] over e ∈ [begin, end), in four interleaved partial sums.
KLAB_INLINE double expected_next(const MdpView& m, const double* v, int begin, int end) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int e = begin;
  for (; e + 3 < end; e += 4) {
    s0 += m.next_prob[e] * v[m.next_state[e]];
    s1 += m.next_prob[e + 1] * v[m.next_state[e + 1]];
    s2 += m.next_prob[e + 2] * v[m.next_state[e + 2]];
    s3 += m.next_prob[e + 3] * v[m.next_state[e + 3]];
  }
  for (; e < end; ++e) s0 += m.next_prob[e] * v[m.next_state[e]];
  return (s0 + s1) + (s2 + s3);
}

// (T v)(s) by the fused sum (expected_next): the per-state backup of bellman_sweep, which the
// batched CUDA engine of mdp.planning (vi_engine.hpp) runs one state per thread; the first
// maximising action into *greedy when non-null.
KLAB_INLINE double bellman_state(const MdpView& m, const double* v, int s, int* greedy) {
  double best = 0.0;
  int best_a = 0;
  for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
    const double q = m.reward[i] + m.discount * expected_next(m, v, m.first_next[i], m.first_next[i + 1]);
    if (i == m.first_pair[s] || q > best) best = q, best_a = i - m.first_pair[s];
  }
  if (greedy) *greedy = best_a;
  return best;
}

// max_a Q(s, a) of Q = q_from_v(m, v, r) (the literal sums, bit for bit) and its first maximising
// action into *action: per state, what greedy_actions(q_from_v(…)) and bellman_backup_reference
// compute (the greedy policy and the Bellman residual that mdp.planning records for VI).
KLAB_INLINE double reference_state(const MdpView& m, const double* v, int s, int* action) {
  double best = 0.0;
  int best_a = 0;
  for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
    const double q = pair_backup(m, m.reward, v, i);
    if (i == m.first_pair[s] || q > best) best = q, best_a = i - m.first_pair[s];
  }
  *action = best_a;
  return best;
}

}  // namespace klab::mdp
