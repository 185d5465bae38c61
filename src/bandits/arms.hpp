// Reward models of stochastic K-armed bandits, with common random numbers.
//
// Three families, each a one-parameter exponential family so that KL-UCB and the Lai–Robbins
// bound have closed forms (Lai & Robbins, "Asymptotically efficient adaptive allocation rules",
// Adv. Appl. Math. 1985; Garivier & Cappé, COLT 2011):
//   Bernoulli(μ)              reward ∈ {0, 1}, mean μ
//   two-valued {lo, hi}       reward = hi with probability p, lo otherwise: mean lo + (hi - lo)·p.
//                             Rescaled by (x - lo)/(hi - lo) it is Bernoulli(p), and
//                             KL(ν_p ‖ ν_q) = kl(p, q) (same support), so KL-UCB and Thompson
//                             run on the rescaled observations exactly.
//   Gaussian N(μ, σ²), σ known: KL(N(μ1, σ²) ‖ N(μ2, σ²)) = (μ1 - μ2)² / (2σ²).
// Policies only see "observations": the rescaled 0/1 outcome for the bounded families, the raw
// reward for the Gaussian one.
//
// Common random numbers: the n-th pull (n = 0, 1, ...) of arm a in run r reads its randomness
// from Rng::substream(seed, r, kArmStream + a, n), so every compared policy that pulls arm a for
// the n-th time sees the same outcome, whatever it did before.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/divergences.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace klab::bandits {

constexpr int kMaxArms = 128;
constexpr uint32_t kArmStream = 1000;     // streams kArmStream + a: rewards of arm a
constexpr uint32_t kPolicyStream = 100;   // streams kPolicyStream + i: a policy's own randomness

enum class ArmDist : int { Bernoulli = 0, Gaussian = 1, TwoValued = 2 };

struct ArmModel {
  ArmDist dist = ArmDist::Bernoulli;
  double lo = 0.0, hi = 1.0;  // two-valued support
  double sigma = 1.0;         // Gaussian noise (known)
};

KLAB_INLINE double clamp01(double x) { return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x); }

// The distribution parameter behind a requested mean m: the success probability of the bounded
// families (two-valued means are clamped into [lo, hi]), the location of the Gaussian.
KLAB_INLINE double arm_param(const ArmModel& model, double m) {
  if (model.dist == ArmDist::TwoValued) return clamp01((m - model.lo) / (model.hi - model.lo));
  if (model.dist == ArmDist::Bernoulli) return clamp01(m);
  return m;
}

// The mean reward of an arm with parameter θ (what regret is measured in).
KLAB_INLINE double arm_mean(const ArmModel& model, double theta) {
  return model.dist == ArmDist::TwoValued ? model.lo + (model.hi - model.lo) * theta : theta;
}

// KL(ν_θa ‖ ν_θb) between two arms of the model, in parameters.
KLAB_INLINE double arm_kl(const ArmModel& model, double theta_a, double theta_b) {
  if (model.dist == ArmDist::Gaussian) {
    const double d = theta_a - theta_b;
    return d * d / (2.0 * model.sigma * model.sigma);
  }
  return kl_bernoulli(theta_a, theta_b);
}

// Observation of the n-th pull of `arm` with parameter θ: 0/1 for the bounded families, the
// reward for the Gaussian.
KLAB_INLINE double draw_observation(const ArmModel& model, double theta, uint64_t seed, uint32_t run, int arm, uint32_t n) {
  Rng rng = Rng::substream(seed, run, kArmStream + static_cast<uint32_t>(arm), n);
  if (model.dist == ArmDist::Gaussian) return sample_normal(rng, theta, model.sigma);
  return rng.uniform() < theta ? 1.0 : 0.0;
}

// Lai–Robbins: any uniformly efficient policy has
//   liminf E[R_T] / ln T ≥ C = Σ_{a: Δa > 0} Δa / KL(ν_a ‖ ν*)
// with Δa = μ* - μa in reward units. Arms whose KL is infinite (μ* = 1 for Bernoulli) add 0.
KLAB_INLINE double lai_robbins_constant(const ArmModel& model, const double* theta, int k) {
  double best = theta[0];
  for (int a = 1; a < k; ++a) best = theta[a] > best ? theta[a] : best;
  const double mu_star = arm_mean(model, best);
  double c = 0.0;
  for (int a = 0; a < k; ++a) {
    const double gap = mu_star - arm_mean(model, theta[a]);
    if (!(gap > 0.0)) continue;
    const double kl = arm_kl(model, theta[a], best);
    if (kl < kInf) c += gap / kl;
  }
  return c;
}

}  // namespace klab::bandits
