// The per-learner code of the rollout learners (rollout_learner.hpp: MBPO/MOPO, RAVL, full-horizon
// rollouts in the TRUE dynamics) as KLAB_INLINE functions on plain arrays, so that the CPU learner
// (RolloutLearner), the CUDA engine's kernel (engine.cu, one GPU thread per (run, learner)) and its
// host twin (engine_host.cpp) run the very same code:
//   Q̂(s, a) = min_j Q_j(s, a),   y = r + γ max_a′ Q̂(s′, a′)  (y = r after a terminal s′),
//   Q_j(s, a) += α (y − Q_j(s, a))   for every member j.
// min and max are written as std::min / std::max evaluate them (the first operand on ties), so
// signed zeros come out the same on every engine.
#pragma once
#include <cstdint>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "mdp/mdp.hpp"
#include "offline/dataset.hpp"

namespace klab::offline {

struct RolloutSettings {
  int ensemble = 1;                  // N Q-tables (1: MBPO/MOPO; RAVL: N ≥ 2)
  int rollout_length = 5;            // k
  int rollouts_per_iteration = 25;   // rollouts started per iteration, from uniformly drawn dataset states
  int updates_per_iteration = 250;   // Q updates per iteration
  double real_fraction = 0.05;       // share of real (dataset) transitions in the updates (MBPO: 5 %)
  double step_size = 0.3;            // α
  double epsilon = 0.2;              // rollout policy: ε-greedy in Q̂
  double init_scale = 0.5;           // σ of the initial values
  int buffer_capacity = 20000;       // rollout transitions kept (first in, first out)
};

// What a learner reads: the true dynamics (with γ as its discount), the absorbing states (S) and
// the dataset's transitions (n_data).
struct RolloutWorld {
  mdp::MdpView mdp;
  const char* absorbing;
  const Transition* data;
  uint32_t n_data;
};

// What a learner writes: its Q-tables (N·SA, member j at offset j·SA), their minimum (SA), and the
// rollout buffer, a ring of (pair, s′) (2·buffer_capacity ints; r(s, a) and the terminal flag
// follow from them), of which `size` are filled and `at` is the next to overwrite once full.
struct RolloutTables {
  double* q;
  double* q_min;
  int* buffer;
  int size, at;
};

// The initial tables: σ·N(0, 1) per (s, a) and member j from stream (seed, run, init_stream + j)
// (shared by every learner of a run), 0 at absorbing states; an empty buffer.
KLAB_INLINE void rollout_init(const RolloutWorld& w, const RolloutSettings& s, uint64_t seed, uint32_t run, uint32_t init_stream, RolloutTables& t) {
  const int pairs = w.mdp.first_pair[w.mdp.states];
  for (int j = 0; j < s.ensemble; ++j) {
    Rng init(seed, run, init_stream + static_cast<uint32_t>(j));
    for (int i = 0; i < pairs; ++i) t.q[static_cast<size_t>(j) * pairs + i] = s.init_scale * sample_normal(init);
  }
  for (int st = 0; st < w.mdp.states; ++st)  // an absorbing state's value is known: 0
    if (w.absorbing[st])
      for (int j = 0; j < s.ensemble; ++j) t.q[static_cast<size_t>(j) * pairs + w.mdp.first_pair[st]] = 0.0;
  for (int i = 0; i < pairs; ++i) {
    double v = t.q[i];
    for (int j = 1; j < s.ensemble; ++j) {
      const double x = t.q[static_cast<size_t>(j) * pairs + i];
      v = x < v ? x : v;
    }
    t.q_min[i] = v;
  }
  t.size = 0;
  t.at = 0;
}

// argmax_a Q̂(s, a), the first among ties.
KLAB_INLINE int rollout_greedy_action(const mdp::MdpView& m, const double* q_min, int s) {
  const int begin = m.first_pair[s], end = m.first_pair[s + 1];
  int best = begin;
  for (int i = begin + 1; i < end; ++i)
    if (q_min[i] > q_min[best]) best = i;
  return best - begin;
}

// One update of every member on the transition (pair, r, s′, terminal).
KLAB_INLINE void rollout_update(const RolloutWorld& w, const RolloutSettings& s, RolloutTables& t, int pair, double reward, int next, bool terminal) {
  double y = reward;
  if (!terminal) {
    const int begin = w.mdp.first_pair[next], end = w.mdp.first_pair[next + 1];
    double best = t.q_min[begin];
    for (int i = begin + 1; i < end; ++i) best = best < t.q_min[i] ? t.q_min[i] : best;
    y = reward + w.mdp.discount * best;
  }
  const int pairs = w.mdp.first_pair[w.mdp.states], members = s.ensemble;
  const double alpha = s.step_size;  // (locals: the stores below cannot be assumed not to alias them)
  double* q = t.q + pair;
  double lowest = 0.0;
  for (int j = 0; j < members; ++j, q += pairs) {
    *q += alpha * (y - *q);
    lowest = j == 0 ? *q : (*q < lowest ? *q : lowest);
  }
  t.q_min[pair] = lowest;
}

// One iteration: rollouts_per_iteration ε-greedy rollouts of rollout_length steps from uniformly
// drawn dataset states into the ring, then updates_per_iteration updates on transitions drawn from
// the dataset with probability real_fraction (always while the ring is empty), else from the ring.
KLAB_INLINE void rollout_iterate(const RolloutWorld& w, const RolloutSettings& s, RolloutTables& t, Rng& rng) {
  for (int r = 0; r < s.rollouts_per_iteration; ++r) {
    int st = w.data[rng.below(w.n_data)].state;
    for (int k = 0; k < s.rollout_length && !w.absorbing[st]; ++k) {
      const int n = w.mdp.first_pair[st + 1] - w.mdp.first_pair[st];
      const int a = rng.uniform() < s.epsilon ? static_cast<int>(rng.below(static_cast<uint32_t>(n))) : rollout_greedy_action(w.mdp, t.q_min, st);
      const int pair = w.mdp.first_pair[st] + a;
      const int next = mdp::sample_next(w.mdp, pair, rng.uniform());
      int* slot = t.buffer + 2 * (t.size < s.buffer_capacity ? t.size : t.at);
      slot[0] = pair;
      slot[1] = next;
      if (t.size < s.buffer_capacity) ++t.size;
      else t.at = (t.at + 1) % t.size;
      st = next;
    }
  }
  for (int u = 0; u < s.updates_per_iteration; ++u) {
    const bool real = t.size == 0 || rng.uniform() < s.real_fraction;
    if (real) {
      const Transition& d = w.data[rng.below(w.n_data)];
      rollout_update(w, s, t, d.pair, d.reward, d.next, d.terminal);
    } else {
      const int* slot = t.buffer + 2 * rng.below(static_cast<uint32_t>(t.size));
      rollout_update(w, s, t, slot[0], w.mdp.reward[slot[0]], slot[1], w.absorbing[slot[1]] != 0);
    }
  }
}

}  // namespace klab::offline
