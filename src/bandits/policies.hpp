// Index policies of the stochastic K-armed bandit, host/device code (KLAB_HD): the CPU engine,
// the live view, the wasm build and the CUDA engine all call these functions.
//
// Statistics after t pulls: N_a pulls of arm a, S_a sum of its observations, μ̂_a = S_a / N_a.
// Bounded families (Bernoulli, two-valued) are seen through 0/1 observations; "bonus scale" is
// then 1; for Gaussian arms it is 2σ (UCB1's √(2 ln t / N) is for rewards in [0, 1], i.e.
// ½-sub-Gaussian; a σ-sub-Gaussian reward needs 2σ times the radius).
//
//   uniform     round robin, a_t = t mod K
//   ε-greedy    ε_t = min(1, c·K / t): explore uniformly w.p. ε_t, else the empirical best
//               (Auer, Cesa-Bianchi & Fischer, Machine Learning 2002, "ε_n-greedy")
//   ETC         m pulls of every arm (round robin), then commit to the empirical best
//   UCB1        μ̂ + s·√(2 ln t / N)                              (Auer et al. 2002)
//   MOSS        μ̂ + s·√(max(0, ln(T / (K N))) / N)               (Audibert & Bubeck, COLT 2009)
//   KL-UCB      max{ q : N·KL(μ̂, q) ≤ ln t + c ln ln t }          (Garivier & Cappé, COLT 2011)
//               Bernoulli: kl(μ̂, ·) inverted numerically; Gaussian: μ̂ + σ√(2ℓ/N)
//   KL-UCB+     same with the level ln(t / N) + c ln ln(t / N)  (proposed by Garivier & Cappé 2011
//               as an empirically better variant; Honda, "A note on KL-UCB+ policy for the
//               stochastic bandit", 2019, proves its asymptotic optimality)
//   Thompson    θ_a ~ Beta(1 + S_a, 1 + N_a - S_a) (bounded, beta_sampler.hpp) or N(μ̂_a, σ²/N_a) (Gaussian),
//               pull argmax θ_a                                (Thompson 1933; Agrawal & Goyal 2012)
// Index policies start by pulling each arm once; ties go to the lowest arm index.
//
// Argmax without computing every index. An index U_a beats the running best value u iff
// (U_a > u). For KL-UCB with μ̂_a ≤ u this is N_a·kl(μ̂_a, u) < ℓ (kl(μ̂, ·) increases on [μ̂, 1]),
// one kl evaluation instead of a Newton solve; for UCB1/KL-UCB-Gaussian it is (u - μ̂)² N < r².
// Pinsker (kl ≥ 2(q - p)²) gives U_a ≤ μ̂_a + √(ℓ / (2N_a)), a cheap reject test. The exact index
// is solved only for an arm that beats the running best, so the choice equals the argmax of the
// exact indices (up to the root finder's 1e-15 tolerance at exact ties).
#pragma once
#include <cmath>
#include <cstdint>

#include "bandits/arms.hpp"
#include "bandits/beta_sampler.hpp"
#include "core/divergences.hpp"
#include "core/samplers.hpp"

namespace klab::bandits {

enum class Policy : int { Uniform = 0, EpsGreedy, Etc, Ucb1, Moss, KlUcb, KlUcbPlus, Thompson, kCount };
constexpr int kPolicyCount = static_cast<int>(Policy::kCount);

struct PolicyParams {
  ArmModel model;
  int k = 2;
  uint64_t horizon = 1000;  // MOSS and ETC need T
  double c = 0.0;           // KL-UCB(+) coefficient of ln ln t
  double eps_c = 5.0;       // ε-greedy: ε_t = min(1, eps_c·K / t)
  uint32_t etc_m = 50;      // ETC: pulls of each arm before committing
};

// Per-arm statistics plus the per-arm quantities the indices reuse between pulls (only the pulled
// arm's entries change, so each is computed once per pull instead of once per arm and pull).
struct ArmStats {
  uint32_t pulls[kMaxArms];
  double sum[kMaxArms];
  double mean[kMaxArms];       // μ̂_a = S_a / N_a
  double log_pulls[kMaxArms];  // ln N_a (MOSS, KL-UCB+)
  double neg_entropy[kMaxArms];  // μ̂ ln μ̂ + (1-μ̂) ln(1-μ̂) (bounded KL-UCB: kl(μ̂, u) without ln μ̂)
};

// Which cached quantities a policy reads.
KLAB_INLINE bool uses_log_pulls(Policy policy) { return policy == Policy::Moss || policy == Policy::KlUcbPlus; }
KLAB_INLINE bool uses_neg_entropy(Policy policy, const ArmModel& m) {
  return m.dist != ArmDist::Gaussian && (policy == Policy::KlUcb || policy == Policy::KlUcbPlus);
}

KLAB_INLINE void stats_reset(ArmStats& s, int k) {
  for (int a = 0; a < k; ++a) {
    s.pulls[a] = 0;
    s.sum[a] = s.mean[a] = s.log_pulls[a] = s.neg_entropy[a] = 0.0;
  }
}

KLAB_INLINE void stats_add(ArmStats& s, int a, double observation, bool log_pulls, bool neg_entropy) {
  s.pulls[a] += 1;
  s.sum[a] += observation;
  const double n = static_cast<double>(s.pulls[a]), m = s.sum[a] / n;
  s.mean[a] = m;
  if (log_pulls) s.log_pulls[a] = log(n);
  if (neg_entropy) s.neg_entropy[a] = x_log_x_over_y(m, 1.0) + x_log_x_over_y(1.0 - m, 1.0);
}

KLAB_INLINE double bonus_scale(const ArmModel& m) { return m.dist == ArmDist::Gaussian ? 2.0 * m.sigma : 1.0; }

// ---- The indices themselves (also used by the tests and the live view) ------------------------

KLAB_INLINE double ucb1_index(double mean, double n, double t, double scale) {
  return mean + scale * sqrt(2.0 * (t > 1.0 ? log(t) : 0.0) / n);
}

KLAB_INLINE double moss_index(double mean, double n, double horizon, int k, double scale) {
  const double l = log(horizon / (k * n));
  return mean + scale * sqrt((l > 0.0 ? l : 0.0) / n);
}

// ℓ = ln x + c ln ln x (the ln ln term only where ln x > 1), never negative.
KLAB_INLINE double kl_level(double x, double c) {
  const double lx = x > 1.0 ? log(x) : 0.0;
  return lx + c * (lx > 1.0 ? log(lx) : 0.0);
}

// max{ q : N·KL(μ̂, q) ≤ level } in the model's parameter (0/1 scale for bounded families).
KLAB_INLINE double kl_index(const ArmModel& m, double mean, double n, double level) {
  if (m.dist == ArmDist::Gaussian) return mean + m.sigma * sqrt(2.0 * level / n);
  return kl_bernoulli_upper(mean, level / n);
}

KLAB_INLINE double klucb_index(const ArmModel& m, double mean, double n, double t, double c) {
  return kl_index(m, mean, n, kl_level(t, c));
}

KLAB_INLINE double klucb_plus_index(const ArmModel& m, double mean, double n, double t, double c) {
  return kl_index(m, mean, n, kl_level(t / n, c));
}

// ---- Choosing an arm -------------------------------------------------------------------------

// The first arm never pulled, or -1.
KLAB_INLINE int first_unpulled(const ArmStats& s, int k) {
  for (int a = 0; a < k; ++a)
    if (s.pulls[a] == 0) return a;
  return -1;
}

KLAB_INLINE int empirical_best(const ArmStats& s, int k) {
  int best = 0;
  double best_mean = -kInf;
  for (int a = 0; a < k; ++a) {
    const double m = s.pulls[a] ? s.mean[a] : -kInf;
    if (m > best_mean) best_mean = m, best = a;
  }
  return best;
}

// argmax_a μ̂_a + √(r2_a / N_a) where r2_a = radius² · N_a is given per arm by `r2` (a functor
// a -> squared radius numerator), comparing squares so that only winners take a square root.
template <class R2>
KLAB_HD int argmax_sqrt_index(const ArmStats& s, int k, R2 r2) {
  int best = -1;
  double u = -kInf;
  for (int a = 0; a < k; ++a) {
    const double n = s.pulls[a], mean = s.mean[a], num = r2(a);
    const double d = u - mean;
    if (d >= 0.0 && d * d * n >= num) continue;  // μ̂ + √(num/n) ≤ u
    u = mean + sqrt(num / n);
    best = a;
  }
  return best;
}

// argmax_a KL index with per-arm level ℓ_a (functor), for the bounded families. The scan starts
// from the empirical best arm, whose index is usually the largest or close to it. Against the
// running best u, kl(μ̂_a, u) = negentropy(μ̂_a) - μ̂_a ln u - (1 - μ̂_a) ln(1 - u) costs two
// multiplications (negentropy is cached per arm, ln u and ln(1 - u) once per new u); only arms
// that pass are solved exactly. Ties go to the lowest arm index.
template <class Level>
KLAB_HD int argmax_kl_bernoulli(const ArmStats& s, int k, Level level_of) {
  const int first = empirical_best(s, k);
  int best = first;
  double u = kl_bernoulli_upper(s.mean[first], level_of(first) / s.pulls[first]);
  double log_u = log(u), log_1mu = log1p(-u);
  for (int a = 0; a < k; ++a) {
    if (a == first) continue;
    const double p = s.mean[a], l = level_of(a) / s.pulls[a];
    const bool wins_ties = a < best;  // an equal index wins only from a lower arm index
    if (u >= p) {
      if (u >= 1.0) {
        if (!(wins_ties && p >= 1.0)) continue;
      } else {
        const double kl = s.neg_entropy[a] - (p > 0.0 ? p * log_u : 0.0) - (p < 1.0 ? (1.0 - p) * log_1mu : 0.0);
        if (wins_ties ? kl > l : kl >= l) continue;  // U_a ≤ u (kl(p, ·) increases on [p, 1])
      }
    }
    const double ua = kl_bernoulli_upper(p, l);
    if (ua < u || (ua == u && !wins_ties)) continue;  // the root finder's last digits decide
    u = ua;
    log_u = log(u);
    log_1mu = log1p(-u);
    best = a;
  }
  return best;
}

// The arm policy `policy` pulls at time t (t = pulls so far + 1). `rng` is the policy's own
// stream (ε-greedy and Thompson draw from it); `committed` is ETC's arm once chosen (-1 before).
KLAB_HD inline int choose_arm(Policy policy, const PolicyParams& p, const ArmStats& s, uint64_t t, Rng& rng, int* committed) {
  const int k = p.k;
  if (policy == Policy::Uniform) return static_cast<int>((t - 1) % static_cast<uint64_t>(k));
  if (policy == Policy::Etc) {
    if (t <= static_cast<uint64_t>(p.etc_m) * k) return static_cast<int>((t - 1) % static_cast<uint64_t>(k));
    if (*committed < 0) *committed = empirical_best(s, k);
    return *committed;
  }
  const bool bounded = p.model.dist != ArmDist::Gaussian;
  if (policy == Policy::Thompson && bounded) {
    int best = 0;
    double top = -1.0;
    for (int a = 0; a < k; ++a) {
      const double successes = s.sum[a];
      const double theta = sample_beta_fast(rng, 1.0 + successes, 1.0 + s.pulls[a] - successes);
      if (theta > top) top = theta, best = a;
    }
    return best;
  }
  const int fresh = first_unpulled(s, k);
  if (fresh >= 0) return fresh;
  const double td = static_cast<double>(t);
  switch (policy) {
    case Policy::EpsGreedy: {
      const double eps = p.eps_c * k / td;
      if (rng.uniform() < eps) return static_cast<int>(rng.below(static_cast<uint32_t>(k)));
      return empirical_best(s, k);
    }
    case Policy::Ucb1: {
      const double sc = bonus_scale(p.model), r2 = sc * sc * 2.0 * (td > 1.0 ? log(td) : 0.0);
      return argmax_sqrt_index(s, k, [r2](int) { return r2; });
    }
    case Policy::Moss: {
      const double sc = bonus_scale(p.model), base = log(static_cast<double>(p.horizon) / k);
      return argmax_sqrt_index(s, k, [&s, sc, base](int a) {
        const double l = base - s.log_pulls[a];
        return sc * sc * (l > 0.0 ? l : 0.0);
      });
    }
    case Policy::KlUcb: {
      const double level = kl_level(td, p.c);
      if (!bounded) {
        const double r2 = 2.0 * p.model.sigma * p.model.sigma * level;
        return argmax_sqrt_index(s, k, [r2](int) { return r2; });
      }
      return argmax_kl_bernoulli(s, k, [level](int) { return level; });
    }
    case Policy::KlUcbPlus: {
      const double lt = log(td), c = p.c;
      auto level = [&s, lt, c](int a) {
        const double x = lt - s.log_pulls[a];  // ln(t / N_a)
        return x > 0.0 ? x + c * (x > 1.0 ? log(x) : 0.0) : 0.0;
      };
      if (!bounded) {
        const double two_var = 2.0 * p.model.sigma * p.model.sigma;
        return argmax_sqrt_index(s, k, [two_var, level](int a) { return two_var * level(a); });
      }
      return argmax_kl_bernoulli(s, k, level);
    }
    case Policy::Thompson: {  // Gaussian posterior with a flat prior: N(μ̂, σ²/N)
      int best = 0;
      double top = -kInf;
      for (int a = 0; a < k; ++a) {
        const double n = s.pulls[a];
        const double theta = sample_normal(rng, s.mean[a], p.model.sigma / sqrt(n));
        if (theta > top) top = theta, best = a;
      }
      return best;
    }
    default:
      return 0;
  }
}

}  // namespace klab::bandits
