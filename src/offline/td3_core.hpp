// One TD3 learner of offline.prdc (td3.hpp: the equations and the papers) as KLAB_INLINE code on plain
// arrays: its six networks, three Adam optimisers and step count in one flat state, its batch's work in
// one flat scratch. The CPU class Td3Learner, offline.prdc's CUDA kernel (prdc_engine.cu, one GPU thread
// per (run, learner)) and its host twin (prdc_engine_host.cpp) run this very code, so they compute the
// same bits (on the GPU in the strict build: no fused multiply-add, the lab's own exp, log and cos).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "core/elementary.hpp"
#include "core/rng.hpp"
#include "offline/kd_tree.hpp"
#include "offline/mlp_core.hpp"
#include "offline/point_mass.hpp"

namespace klab::offline {

enum class ActorRegulariser { None, DatasetAction, NearestNeighbour, CloneOnly };  // td3, td3_bc, prdc, bc

struct Td3Settings {
  ActorRegulariser regulariser = ActorRegulariser::NearestNeighbour;
  double alpha = 2.5;         // α of λ = α / mean|Q|
  double gamma = 0.9;
  double tau = 0.005;
  double policy_noise = 0.2;  // σ of the target policy smoothing
  double noise_clip = 0.5;    // c
  int policy_delay = 2;
  int batch = 64;
  int hidden = 32;
  double actor_lr = 3e-4, critic_lr = 3e-4;
};

constexpr int kTd3S = 2, kTd3A = 2;  // state and action dimensions

// tanh with the lab's own exp: the same bits on every target.
KLAB_INLINE double portable_tanh(double z) { return 1.0 - 2.0 / (elementary::exp(2.0 * z) + 1.0); }

// The dataset as a learner reads it (Td3Data's arrays wherever they live): normalised s and s′.
struct Td3DataView {
  const double *s, *a, *r, *s2;  // (N × 2), (N × 2), (N), (N × 2)
  int n;
  double mean[2], sd[2];         // the state normalisation s ↦ (s − μ)/σ
  double beta;                   // PRDC's key (β s, a)
  KdTreeView tree;               // over the keys
};

// Where each part of a learner's flat state lies (doubles), for networks of `hidden` units.
struct Td3Layout {
  int actor[4], critic[4];  // sizes: {2, h, h, 2}, {4, h, h, 1}
  size_t actor_params, critic_params;
  size_t actor_at, actor_target_at, critic_at[2], critic_target_at[2];
  size_t actor_m, actor_v, critic_m[2], critic_v[2];
  size_t powers_at;  // β₁ᵗ, β₂ᵗ of the actor's, critic 1's and critic 2's Adam (6)
  size_t size;
};

KLAB_INLINE Td3Layout td3_layout(int hidden) {
  Td3Layout l;
  const int actor[4] = {kTd3S, hidden, hidden, kTd3A}, critic[4] = {kTd3S + kTd3A, hidden, hidden, 1};
  for (int k = 0; k < 4; ++k) l.actor[k] = actor[k], l.critic[k] = critic[k];
  l.actor_params = mlp_parameter_count(l.actor, 4);
  l.critic_params = mlp_parameter_count(l.critic, 4);
  size_t at = 0;
  const auto take = [&at](size_t n) { const size_t here = at; at += n; return here; };
  l.actor_at = take(l.actor_params), l.actor_target_at = take(l.actor_params);
  for (int j = 0; j < 2; ++j) l.critic_at[j] = take(l.critic_params), l.critic_target_at[j] = take(l.critic_params);
  l.actor_m = take(l.actor_params), l.actor_v = take(l.actor_params);
  for (int j = 0; j < 2; ++j) l.critic_m[j] = take(l.critic_params), l.critic_v[j] = take(l.critic_params);
  l.powers_at = take(6);
  l.size = at;
  return l;
}

// A step's working arrays, carved in order out of one block of doubles (the block's size: carve on null).
struct Td3Scratch {
  double *x, *sa, *sa2, *pi, *dpi, *y, *dq, *grad, *back, *tape_a, *tape_q[2];
  size_t size;
};

KLAB_INLINE Td3Scratch td3_scratch(const Td3Layout& l, int batch, double* base) {
  Td3Scratch s;
  size_t at = 0;
  const size_t b = static_cast<size_t>(batch);
  const auto take = [&at, base](size_t n) { double* p = base ? base + at : nullptr; at += n; return p; };
  s.x = take(kTd3S * b), s.sa = take((kTd3S + kTd3A) * b), s.sa2 = take((kTd3S + kTd3A) * b);
  s.pi = take(kTd3A * b), s.dpi = take(kTd3A * b), s.y = take(b), s.dq = take(b);
  s.grad = take(l.actor_params > l.critic_params ? l.actor_params : l.critic_params);
  s.back = take(mlp_backward_scratch(l.critic, 4, batch) > mlp_backward_scratch(l.actor, 4, batch) ? mlp_backward_scratch(l.critic, 4, batch)
                                                                                                   : mlp_backward_scratch(l.actor, 4, batch));
  s.tape_a = take(mlp_tape_size(l.actor, 4, batch));
  for (int j = 0; j < 2; ++j) s.tape_q[j] = take(mlp_tape_size(l.critic, 4, batch));
  s.size = at;
  return s;
}

// The networks drawn from `init` (actor, critic 1, critic 2, in that order), the targets their copies,
// the moments 0 and every β₁ᵗ, β₂ᵗ 1.
KLAB_INLINE void td3_init(const Td3Layout& l, double* state, Rng init) {
  mlp_init(l.actor, 4, state + l.actor_at, init);
  for (int j = 0; j < 2; ++j) mlp_init(l.critic, 4, state + l.critic_at[j], init);
  for (size_t k = 0; k < l.actor_params; ++k) state[l.actor_target_at + k] = state[l.actor_at + k];
  for (int j = 0; j < 2; ++j)
    for (size_t k = 0; k < l.critic_params; ++k) state[l.critic_target_at[j] + k] = state[l.critic_at[j] + k];
  for (size_t k = l.actor_m; k < l.powers_at; ++k) state[k] = 0.0;
  for (int k = 0; k < 6; ++k) state[l.powers_at + k] = 1.0;
}

KLAB_INLINE double* td3_tape_output(const int* sizes, double* tape, int batch) { return tape + mlp_tape_offset(sizes, 3, batch); }

// π = tanh(actor(x)) for `batch` normalised states x; the actor's tape in sc.tape_a.
KLAB_INLINE void td3_actions(const Td3Layout& l, const double* actor, const double* x, int batch, const Td3Scratch& sc, double* pi) {
  mlp_forward(l.actor, 4, actor, x, batch, sc.tape_a);
  const double* z = td3_tape_output(l.actor, sc.tape_a, batch);
  for (int k = 0; k < batch * kTd3A; ++k) pi[k] = portable_tanh(z[k]);
}

// An Adam step (lr) of n parameters on grad; powers: their β₁ᵗ, β₂ᵗ.
KLAB_INLINE void td3_adam(double lr, size_t n, double* theta, double* m, double* v, double* powers, const double* grad) {
  AdamSettings a;
  a.lr = lr;
  adam_update(a, n, theta, grad, m, v, powers[0], powers[1]);
}

// y = r + γ min(Q′₁, Q′₂)(s′, ã′), ã′ = clip(π′(s′) + clip(ε, −c, c), −1, 1); then L(Q_j) = mean (Q_j − y)² for j = 1, 2.
KLAB_INLINE void td3_critic_step(const Td3Settings& set, const Td3Layout& l, const Td3DataView& d, double* state, const int* idx, const Td3Scratch& sc,
                                 Rng& rng) {
  const int b = set.batch;
  constexpr int kSA = kTd3S + kTd3A;
  double* s2 = sc.x;
  for (int n = 0; n < b; ++n) {
    const size_t i = static_cast<size_t>(idx[n]);
    for (int k = 0; k < kTd3S; ++k) {
      s2[static_cast<size_t>(n) * kTd3S + k] = d.s2[i * kTd3S + k];
      sc.sa[static_cast<size_t>(n) * kSA + k] = d.s[i * kTd3S + k];
    }
    for (int k = 0; k < kTd3A; ++k) sc.sa[static_cast<size_t>(n) * kSA + kTd3S + k] = d.a[i * kTd3A + k];
  }
  td3_actions(l, state + l.actor_target_at, s2, b, sc, sc.pi);
  for (int n = 0; n < b; ++n) {
    for (int k = 0; k < kTd3S; ++k) sc.sa2[static_cast<size_t>(n) * kSA + k] = s2[static_cast<size_t>(n) * kTd3S + k];
    for (int k = 0; k < kTd3A; ++k) {
      const double eps = point_clip(set.policy_noise * portable_normal(rng), -set.noise_clip, set.noise_clip);
      sc.sa2[static_cast<size_t>(n) * kSA + kTd3S + k] = point_clip(sc.pi[static_cast<size_t>(n) * kTd3A + k] + eps, -1.0, 1.0);
    }
  }
  for (int j = 0; j < 2; ++j) mlp_forward(l.critic, 4, state + l.critic_target_at[j], sc.sa2, b, sc.tape_q[j]);
  const double* q1t = td3_tape_output(l.critic, sc.tape_q[0], b);
  const double* q2t = td3_tape_output(l.critic, sc.tape_q[1], b);
  for (int n = 0; n < b; ++n) sc.y[n] = d.r[static_cast<size_t>(idx[n])] + set.gamma * (q2t[n] < q1t[n] ? q2t[n] : q1t[n]);  // std::min's order
  // L(Q_j) = mean (Q_j − y)²: ∂L/∂Q_j = 2(Q_j − y)/B.
  for (int j = 0; j < 2; ++j) {
    double* critic = state + l.critic_at[j];
    mlp_forward(l.critic, 4, critic, sc.sa, b, sc.tape_q[0]);
    const double* q = td3_tape_output(l.critic, sc.tape_q[0], b);
    for (int n = 0; n < b; ++n) sc.dq[n] = 2.0 * (q[n] - sc.y[n]) / b;
    for (size_t k = 0; k < l.critic_params; ++k) sc.grad[k] = 0.0;
    mlp_backward(l.critic, 4, critic, sc.tape_q[0], b, sc.dq, sc.grad, nullptr, sc.back);
    td3_adam(set.critic_lr, l.critic_params, critic, state + l.critic_m[j], state + l.critic_v[j], state + l.powers_at + 2 + 2 * j, sc.grad);
  }
}

// The actor's loss (td3.hpp): −λ mean Q₁(s, π(s)) and/or mean ‖π(s) − â‖²/|A|, through tanh to the actor's parameters.
KLAB_INLINE void td3_actor_step(const Td3Settings& set, const Td3Layout& l, const Td3DataView& d, double* state, const int* idx, const Td3Scratch& sc) {
  const int b = set.batch;
  constexpr int kSA = kTd3S + kTd3A;
  double* s = sc.x;
  for (int n = 0; n < b; ++n)
    for (int k = 0; k < kTd3S; ++k) s[static_cast<size_t>(n) * kTd3S + k] = d.s[static_cast<size_t>(idx[n]) * kTd3S + k];
  double* actor = state + l.actor_at;
  td3_actions(l, actor, s, b, sc, sc.pi);
  const double* pi = sc.pi;
  double* dpi = sc.dpi;  // ∂L/∂π (B × A)
  for (int k = 0; k < b * kTd3A; ++k) dpi[k] = 0.0;

  const ActorRegulariser reg = set.regulariser;
  if (reg != ActorRegulariser::CloneOnly) {
    // −λ mean Q₁(s, π(s)): ∂/∂π = −(λ/B) ∂Q₁/∂a.
    for (int n = 0; n < b; ++n) {
      for (int k = 0; k < kTd3S; ++k) sc.sa[static_cast<size_t>(n) * kSA + k] = s[static_cast<size_t>(n) * kTd3S + k];
      for (int k = 0; k < kTd3A; ++k) sc.sa[static_cast<size_t>(n) * kSA + kTd3S + k] = pi[static_cast<size_t>(n) * kTd3A + k];
    }
    const double* critic = state + l.critic_at[0];
    mlp_forward(l.critic, 4, critic, sc.sa, b, sc.tape_q[0]);
    const double* q = td3_tape_output(l.critic, sc.tape_q[0], b);
    double lambda = 1.0;
    if (reg != ActorRegulariser::None) {
      double mean_abs = 0.0;
      for (int n = 0; n < b; ++n) mean_abs += std::fabs(q[n]);
      mean_abs /= b;
      lambda = mean_abs > 0.0 ? set.alpha / mean_abs : 0.0;  // Q₁ ≡ 0 (α = 0 or an untrained critic at exactly 0): no value term
    }
    for (int n = 0; n < b; ++n) sc.dq[n] = -lambda / b;
    double* dsa = sc.sa2;
    mlp_backward(l.critic, 4, critic, sc.tape_q[0], b, sc.dq, nullptr, dsa, sc.back);
    for (int n = 0; n < b; ++n)
      for (int k = 0; k < kTd3A; ++k) dpi[static_cast<size_t>(n) * kTd3A + k] = dsa[static_cast<size_t>(n) * kSA + kTd3S + k];
  }
  if (reg != ActorRegulariser::None) {
    // mean over B × A of (π − â)²: ∂/∂π = 2(π − â)/(B·A); â the sample's own action or PRDC's nearest neighbour's.
    for (int n = 0; n < b; ++n) {
      const size_t i = static_cast<size_t>(idx[n]);
      const double* target = d.a + i * kTd3A;
      if (reg == ActorRegulariser::NearestNeighbour) {
        const double key[4] = {d.beta * s[static_cast<size_t>(n) * kTd3S], d.beta * s[static_cast<size_t>(n) * kTd3S + 1], pi[static_cast<size_t>(n) * kTd3A],
                               pi[static_cast<size_t>(n) * kTd3A + 1]};
        const int near = kd_nearest(d.tree, key);  // −1 only for a NaN key (a diverged actor): then the sample's own action
        if (near >= 0) target = d.a + static_cast<size_t>(near) * kTd3A;
      }
      for (int k = 0; k < kTd3A; ++k)
        dpi[static_cast<size_t>(n) * kTd3A + k] += 2.0 * (pi[static_cast<size_t>(n) * kTd3A + k] - target[k]) / (static_cast<double>(b) * kTd3A);
    }
  }
  // Through tanh: ∂π/∂z = 1 − π².
  for (int k = 0; k < b * kTd3A; ++k) dpi[k] *= 1.0 - pi[k] * pi[k];
  for (size_t k = 0; k < l.actor_params; ++k) sc.grad[k] = 0.0;
  mlp_backward(l.actor, 4, actor, sc.tape_a, b, dpi, sc.grad, nullptr, sc.back);
  td3_adam(set.actor_lr, l.actor_params, actor, state + l.actor_m, state + l.actor_v, state + l.powers_at, sc.grad);
}

// One training step: a minibatch of `batch` indices drawn uniformly from rng, the critic step and, every
// policy_delay-th step, the actor step and the soft target updates θ′ ← τθ + (1 − τ)θ′ (behaviour
// cloning: an actor step every step, no critic). steps counts the steps done.
KLAB_INLINE void td3_step(const Td3Settings& set, const Td3Layout& l, const Td3DataView& d, double* state, int& steps, double* scratch, int* idx,
                          Rng& rng) {
  const Td3Scratch sc = td3_scratch(l, set.batch, scratch);
  for (int n = 0; n < set.batch; ++n) idx[n] = static_cast<int>(rng.below(static_cast<uint32_t>(d.n)));
  ++steps;
  if (set.regulariser == ActorRegulariser::CloneOnly) {
    td3_actor_step(set, l, d, state, idx, sc);
    return;
  }
  td3_critic_step(set, l, d, state, idx, sc, rng);
  if (steps % set.policy_delay == 0) {
    td3_actor_step(set, l, d, state, idx, sc);
    soft_update(l.actor_params, state + l.actor_at, set.tau, state + l.actor_target_at);
    for (int j = 0; j < 2; ++j) soft_update(l.critic_params, state + l.critic_at[j], set.tau, state + l.critic_target_at[j]);
  }
}

// ---- a trained learner on the true world (tape: mlp_tape_size(critic, 1) doubles) ----

KLAB_INLINE Point2 td3_normalise(const Td3DataView& d, const Point2& x) { return {(x[0] - d.mean[0]) / d.sd[0], (x[1] - d.mean[1]) / d.sd[1]}; }

// π(s), raw state.
KLAB_INLINE Point2 td3_act(const Td3Layout& l, const Td3DataView& d, const double* state, const Point2& state_raw, double* tape) {
  const Point2 sn = td3_normalise(d, state_raw);
  const double x[kTd3S] = {sn[0], sn[1]};
  mlp_forward(l.actor, 4, state + l.actor_at, x, 1, tape);
  const double* z = td3_tape_output(l.actor, tape, 1);
  return {portable_tanh(z[0]), portable_tanh(z[1])};
}

// Q̂₁(s, a), raw state.
KLAB_INLINE double td3_q(const Td3Layout& l, const Td3DataView& d, const double* state, const Point2& state_raw, const Point2& a, double* tape) {
  const Point2 sn = td3_normalise(d, state_raw);
  const double x[kTd3S + kTd3A] = {sn[0], sn[1], a[0], a[1]};
  mlp_forward(l.critic, 4, state + l.critic_at[0], x, 1, tape);
  return td3_tape_output(l.critic, tape, 1)[0];
}

// Σ over the starts of the undiscounted return Σ_{t<horizon} r_t of π (deterministic world and policy: one rollout each).
KLAB_INLINE double td3_return_total(const PointMassWorld& w, const Td3Layout& l, const Td3DataView& d, const double* state, const Point2* starts,
                                    int n_starts, int horizon, double* tape) {
  double total = 0.0;
  for (int k = 0; k < n_starts; ++k) {
    Point2 s = starts[k];
    for (int t = 0; t < horizon; ++t) {
      const PointStep st = point_mass_step(w, s, td3_act(l, d, state, s, tape));
      total += st.reward;
      s = st.next;
    }
  }
  return total;
}

// Q^π(s, a) = Σ_{t<length} γ^t r_t: a first, then π.
KLAB_INLINE double td3_rollout_q(const PointMassWorld& w, const Td3Layout& l, const Td3DataView& d, const double* state, const Point2& s0, const Point2& a0,
                                 int length, double* tape) {
  double value = 0.0, discount = 1.0;
  Point2 s = s0, a = a0;
  for (int t = 0; t < length; ++t) {
    const PointStep st = point_mass_step(w, s, a);
    value += discount * st.reward;
    discount *= w.gamma;
    s = st.next;
    a = td3_act(l, d, state, s, tape);
  }
  return value;
}

// offline.prdc's check of one learner (prdc_experiment.hpp): the mean return from the starts, and at the evaluation states
// the mean Q̂₁(s, π(s)) (NaN without a critic), the mean Q^π(s, π(s)) by rollouts of rollout_length steps, their difference.
struct Td3Check {
  double ret = 0;             // mean return Σ_{t<H} r_t of π from the evaluation starts
  double q_estimate = 0;      // mean over evaluation states of Q̂₁(s, π(s))   (NaN for BC: no critic)
  double q_true = 0;          // mean of Q^π(s, π(s)) by rollout
  double overestimation = 0;  // their difference
};

KLAB_INLINE Td3Check td3_check(const PointMassWorld& w, const Td3Layout& l, const Td3DataView& d, const double* state, bool has_critic, const Point2* starts,
                               int n_starts, int horizon, const Point2* eval_states, int n_eval, int rollout_length, double* tape) {
  Td3Check c;
  c.ret = n_starts > 0 ? td3_return_total(w, l, d, state, starts, n_starts, horizon, tape) / static_cast<double>(n_starts) : 0.0;
  double est = 0.0, truth = 0.0;
  for (int k = 0; k < n_eval; ++k) {
    const Point2& s = eval_states[k];
    const Point2 a = td3_act(l, d, state, s, tape);
    if (has_critic) est += td3_q(l, d, state, s, a, tape);
    truth += td3_rollout_q(w, l, d, state, s, a, rollout_length, tape);
  }
  c.q_true = truth / n_eval;
  c.q_estimate = has_critic ? est / n_eval : std::numeric_limits<double>::quiet_NaN();
  c.overestimation = c.q_estimate - c.q_true;
  return c;
}

}  // namespace klab::offline
