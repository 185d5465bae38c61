// The per-learner code of offline.dice's value learners (dice.hpp: semi-gradient, true-gradient and
// orthogonal-gradient DICE, the IQL-style expectile) as KLAB_INLINE functions on plain arrays, so
// that the CPU learner (DiceLearner), the CUDA engine's kernel (engine.cu, one GPU thread per
// (run, learner)) and its host twin (engine_host.cpp) run the very same code. The equations and the
// readings: dice.hpp. With δ = c·r + γθᵀφ(s′) − θᵀφ(s) and w = f*′(δ) = max(0, 1 + δ/2), one
// transition adds to the batch gradient
//   base += (1 − λ)φ(s)/B,   g→ −= λ w φ(s)/B,   g← += λγ w φ(s′)/B   (nothing after a terminal s′),
// or for the expectile g→ −= 2|τ − 1(δ < 0)| δ φ(s)/B; then θ ← θ − α g with the rule's g.
// max is written as std::max evaluates it (the first operand unless the second is larger), so
// signed zeros and NaNs come out the same on every engine.
#pragma once
#include <cstdint>

#include "core/rng.hpp"
#include "offline/dataset.hpp"

namespace klab::offline {

enum class DiceUpdate { Semi, True, Orthogonal, Expectile };

struct DiceSettings {
  DiceUpdate update = DiceUpdate::Orthogonal;
  double lambda = 0.7;     // λ of the objective
  double eta = 1.0;        // η of the orthogonal update
  double tau = 0.7;        // the expectile (IQL-style)
  double step_size = 0.5;  // α
  int batch = 64;          // transitions per gradient
  double reward_scale = 1.0;  // c: the learner sees rewards c·r (the f* curvature acts on δ in reward units)
};

// Features φ(s) as a learner reads them: S × dim row-major, state s's non-zero columns are
// nonzero[first_nonzero[s] .. first_nonzero[s + 1]).
struct DiceFeatureView {
  int dim;
  const double* phi;
  const int* first_nonzero;
  const int* nonzero;
};

// What a learner reads: its features, the dataset's transitions (n_data) and γ.
struct DiceWorld {
  DiceFeatureView f;
  const Transition* data;
  uint32_t n_data;
  double discount;
};

// Pearson χ²: f*′(y) = max(0, 1 + y/2).
KLAB_INLINE double pearson_conjugate_slope(double y) {
  const double x = 1.0 + 0.5 * y;
  return 0.0 < x ? x : 0.0;
}

// θᵀφ(s) over the non-zeros.
KLAB_INLINE double dice_value(const DiceFeatureView& f, const double* theta, int s) {
  const double* row = f.phi + static_cast<size_t>(s) * f.dim;
  double v = 0.0;
  for (int k = f.first_nonzero[s]; k < f.first_nonzero[s + 1]; ++k) v += theta[f.nonzero[k]] * row[f.nonzero[k]];
  return v;
}

// to += c φ(s) over the non-zeros.
KLAB_INLINE void dice_add(const DiceFeatureView& f, double* to, int s, double c) {
  const double* row = f.phi + static_cast<size_t>(s) * f.dim;
  for (int k = f.first_nonzero[s]; k < f.first_nonzero[s + 1]; ++k) to[f.nonzero[k]] += c * row[f.nonzero[k]];
}

KLAB_INLINE double dice_dot(const double* a, const double* b, int n) {
  double t = 0.0;
  for (int i = 0; i < n; ++i) t += a[i] * b[i];
  return t;
}

// Transition t's share (scale = 1/B) of the batch gradient's parts at θ.
KLAB_INLINE void dice_accumulate(const DiceWorld& w, const DiceSettings& s, const double* theta, const Transition& t, double scale, double* base,
                                 double* forward, double* backward) {
  const double next_value = t.terminal ? 0.0 : dice_value(w.f, theta, t.next);
  const double delta = s.reward_scale * t.reward + w.discount * next_value - dice_value(w.f, theta, t.state);
  if (s.update == DiceUpdate::Expectile) {
    // ∂/∂θ of |τ − 1(δ < 0)| δ² with V(s′) held fixed: −2|τ − 1(δ < 0)| δ φ(s).
    const double weight = delta < 0.0 ? 1.0 - s.tau : s.tau;
    dice_add(w.f, forward, t.state, -scale * 2.0 * weight * delta);
    return;
  }
  const double slope = pearson_conjugate_slope(delta);
  dice_add(w.f, base, t.state, scale * (1.0 - s.lambda));
  dice_add(w.f, forward, t.state, -scale * s.lambda * slope);
  if (!t.terminal) dice_add(w.f, backward, t.next, scale * s.lambda * w.discount * slope);
}

// g←'s component along g→, g→ᵀg← / ‖g→‖² (the authors' code guards ‖g→‖² with 1e-10, as here).
KLAB_INLINE double dice_along(const double* forward, const double* backward, int n) {
  const double ff = dice_dot(forward, forward, n);
  return dice_dot(forward, backward, n) / (ff < 1e-10 ? 1e-10 : ff);
}

// The `along` that dice_direction reads: only the orthogonal rule uses it, so the others skip the two dots.
KLAB_INLINE double dice_rule_along(const DiceSettings& s, const double* forward, const double* backward, int n) {
  return s.update == DiceUpdate::Orthogonal ? dice_along(forward, backward, n) : 0.0;
}

// Coordinate i of the rule's update direction g.
KLAB_INLINE double dice_direction(const DiceSettings& s, const double* base, const double* forward, const double* backward, double along, int i) {
  switch (s.update) {
    case DiceUpdate::Semi:
      return base[i] + forward[i];
    case DiceUpdate::Expectile:
      return forward[i];
    case DiceUpdate::True:
      return base[i] + forward[i] + backward[i];
    case DiceUpdate::Orthogonal:
      break;
  }
  return base[i] + forward[i] + s.eta * (backward[i] - along * forward[i]);
}

// One gradient step: s.batch transitions drawn uniformly from `rng`, the batch gradient's parts
// into base, forward, backward (dim each, overwritten: the last batch's), θ ← θ − α g.
KLAB_INLINE void dice_step(const DiceWorld& w, const DiceSettings& s, double* theta, double* base, double* forward, double* backward, Rng& rng) {
  const int n = w.f.dim;
  for (int i = 0; i < n; ++i) base[i] = forward[i] = backward[i] = 0.0;
  const double scale = 1.0 / static_cast<double>(s.batch);
  for (int b = 0; b < s.batch; ++b) dice_accumulate(w, s, theta, w.data[rng.below(w.n_data)], scale, base, forward, backward);
  const double along = dice_rule_along(s, forward, backward, n);
  for (int i = 0; i < n; ++i) theta[i] -= s.step_size * dice_direction(s, base, forward, backward, along, i);
}

}  // namespace klab::offline
