// The per-update code of offline.weighting's tabular CQL(H) learner (weighting.hpp: the equations and
// the paper) as KLAB_INLINE functions on plain arrays, so that the CPU learner (CqlLearner), the CUDA
// engine's kernel (engine.cu, one GPU thread per (run, share, learner)) and its host twin
// (engine_host.cpp) run the very same code. One update draws transition k by inversion of the
// cumulative draw probabilities (the first k with C_k > u·C_N, as std::upper_bound finds it), then
//   Q(s, a) += α_Q (r + γ max_a′ Q(s′, a′) − Q(s, a))                      (0 after a terminal s′)
//   Q(s, b) −= α_Q c (softmax_b Q(s, ·) − 1[b = a])   for every action b of s, the softmax at the old Q.
// max is written as std::max evaluates it (the first operand unless the second is larger), and exp is
// the lab's math::exp, so every engine computes the same bits (the strict build: on the GPU too).
#pragma once
#include <cstdint>

#include "core/lab_math.hpp"
#include "core/rng.hpp"
#include "offline/dataset.hpp"

namespace klab::offline {

struct CqlSettings {
  int updates = 20000;
  double step_size = 0.3;  // α_Q
  double weight = 1.0;     // c
};

// What a learner reads: the MDP's pair ranges and γ, the dataset's transitions and their cumulative
// draw probabilities (n_data ≥ 1 each).
struct CqlWorld {
  const int* first_pair;     // (S + 1) pairs of state s: [first_pair[s], first_pair[s + 1])
  double discount;           // γ
  const Transition* data;    // (N)
  const double* cumulative;  // (N) C_k = p_0 + … + p_k
  uint32_t n_data;           // N
};

// The first k with cumulative[k] > x (std::upper_bound's answer), n − 1 where none is.
KLAB_INLINE uint32_t cql_draw_index(const double* cumulative, uint32_t n, double x) {
  uint32_t first = 0, count = n;
  while (count > 0) {
    const uint32_t half = count / 2;
    if (!(x < cumulative[first + half])) {
      first += half + 1;
      count -= half + 1;
    } else {
      count = half;
    }
  }
  return first < n ? first : n - 1;
}

// One CQL(H) update of q (SA) on a transition drawn from rng; soft holds the largest action count of
// the world (doubles: the softmax's numerators).
KLAB_INLINE void cql_update(const CqlWorld& w, const CqlSettings& s, double* q, double* soft, Rng& rng) {
  const double x = rng.uniform() * w.cumulative[w.n_data - 1];
  const Transition& t = w.data[cql_draw_index(w.cumulative, w.n_data, x)];
  double next = 0.0;
  if (!t.terminal) {
    next = q[w.first_pair[t.next]];
    for (int j = w.first_pair[t.next] + 1; j < w.first_pair[t.next + 1]; ++j) next = next < q[j] ? q[j] : next;
  }
  const double td = t.reward + w.discount * next - q[t.pair];
  // CQL(H): the gradient of log Σ_b exp Q(s, b) − Q(s, a) is softmax(Q(s, ·)) − 1[b = a].
  const int begin = w.first_pair[t.state], end = w.first_pair[t.state + 1];
  double top = q[begin];
  for (int j = begin + 1; j < end; ++j) top = top < q[j] ? q[j] : top;
  double z = 0.0;
  for (int j = begin; j < end; ++j) z += soft[j - begin] = math::exp(q[j] - top);
  q[t.pair] += s.step_size * td;
  for (int j = begin; j < end; ++j) q[j] -= s.step_size * s.weight * (soft[j - begin] / z - (j == t.pair ? 1.0 : 0.0));
}

// `updates` updates, their draws from rng.
KLAB_INLINE void cql_train(const CqlWorld& w, const CqlSettings& s, int updates, double* q, double* soft, Rng& rng) {
  for (int u = 0; u < updates; ++u) cql_update(w, s, q, soft, rng);
}

}  // namespace klab::offline
