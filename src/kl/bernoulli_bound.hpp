// Confidence bounds for a Bernoulli mean: KL-UCB against Hoeffding / UCB1.
//
// Garivier & Cappé, "The KL-UCB Algorithm for Bounded Stochastic Bandits and Beyond", COLT 2011.
// After N samples with empirical mean p̂, at time t the KL-UCB upper confidence bound is
//   U_kl = max{ q ∈ [p̂, 1] : N·kl(p̂, q) ≤ ln t + c·ln ln t },
// i.e. the point where the convex curve q ↦ kl(p̂, q) crosses the level ℓ = (ln t + c ln ln t)/N.
// Pinsker's inequality kl(p̂, q) ≥ 2(q - p̂)² replaces the curve by a parabola, whose crossing is
// Hoeffding's bound U_H = p̂ + sqrt(ℓ/2) ≥ U_kl. UCB1 (Auer, Cesa-Bianchi & Fischer 2002) uses
// the larger radius sqrt(2 ln t / N). Near 0 and 1 the kl curve is much steeper than the parabola,
// which is where KL-UCB gains most.
#pragma once
#include <cmath>

#include "core/divergences.hpp"
#include "core/lab_math.hpp"

namespace klab::kl {

// ℓ = (ln t + c ln ln t) / N, with ln ln t taken as 0 while t < e (where it is negative or undefined).
KLAB_INLINE double klucb_level(double t, double c, double n) {
  const double lt = t > 1.0 ? math::log(t) : 0.0;
  const double llt = lt > 1.0 ? math::log(lt) : 0.0;
  return (lt + c * llt) / n;
}

KLAB_INLINE double klucb_upper(double p_hat, double t, double c, double n) {
  return kl_bernoulli_upper(p_hat, klucb_level(t, c, n));
}

KLAB_INLINE double klucb_lower(double p_hat, double t, double c, double n) {
  return kl_bernoulli_lower(p_hat, klucb_level(t, c, n));
}

// Hoeffding at the same level (the Pinsker relaxation of KL-UCB), capped at 1.
KLAB_INLINE double hoeffding_upper(double p_hat, double t, double c, double n) {
  const double u = p_hat + sqrt(0.5 * klucb_level(t, c, n));
  return u < 1.0 ? u : 1.0;
}

// UCB1's index p̂ + sqrt(2 ln t / N), capped at 1.
KLAB_INLINE double ucb1_upper(double p_hat, double t, double n) {
  const double u = p_hat + sqrt(2.0 * (t > 1.0 ? math::log(t) : 0.0) / n);
  return u < 1.0 ? u : 1.0;
}

}  // namespace klab::kl
