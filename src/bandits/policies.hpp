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
// Index policies start by pulling each arm once.
//
// Ties: the lowest arm index wins among equal indices, decided on exact quantities so that the
// last bit of a logarithm (glibc, musl and CUDA differ there) cannot change a choice:
//   * an index is a function of (N_a, S_a) and of quantities common to all arms, computed by the
//     same operations for every arm, so arms with equal (N_a, S_a) have bit-identical indices;
//   * the argmax scans the arms in index order and a later arm replaces the running best only if
//     its index is strictly larger (U_a > u); an earlier arm wins an exact tie;
//   * the cheap pre-filters below only decide which arms are worth an exact index, and a choice
//     is made on exact indices only (the KL-UCB argmax also skips outright an arm with the
//     running best's (N_a, S_a): its index equals u exactly).
// What remains sensitive to the last bit are genuine near-ties between arms with different
// statistics, whose indices differ by a few ulps only by coincidence (tests/unit_perturbed:
// every pull of every policy is unchanged when each transcendental result moves by ±1 ulp).
//
// Argmax without computing every index. An index U_a beats the running best value u iff
// U_a > u. For KL-UCB with μ̂_a < u < 1 this is N_a·kl(μ̂_a, u) < ℓ (kl(μ̂, ·) increases on [μ̂, 1]),
// one kl evaluation (two multiplications with negentropy(μ̂_a) cached and ln u, ln(1 - u) shared)
// instead of a Newton solve; for UCB1/MOSS/KL-UCB-Gaussian it is (u - μ̂)² N < r². The KL-UCB
// argmax solves the empirical best arm's index u, screens every other arm against it, and is
// done when no arm passes (the empirical best wins) or one passes (it wins); only when two or
// more pass are they solved, in one shared Newton loop (see argmax_kl_bernoulli). The choice
// equals the argmax of the exact indices (tests/unit/bandits_policies_test.cpp).
#pragma once
#include <cmath>
#include <cstdint>

#include "bandits/arms.hpp"
#include "bandits/beta_sampler.hpp"
#include "core/divergences.hpp"
#include "core/lab_math.hpp"
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
// arm's entries change, so each is computed once per pull instead of once per arm and pull), for
// up to KCap arms: the CUDA engine sizes it to K (a GPU thread's state lives in local memory).
template <int KCap>
struct ArmStatsOf {
  static constexpr int kCapacity = KCap;
  uint32_t pulls[KCap];
  double sum[KCap];
  double mean[KCap];         // μ̂_a = S_a / N_a
  double log_pulls[KCap];    // ln N_a (MOSS, KL-UCB+)
  double neg_entropy[KCap];  // μ̂ ln μ̂ + (1-μ̂) ln(1-μ̂) (bounded KL-UCB: kl(μ̂, u) without ln μ̂)
};
using ArmStats = ArmStatsOf<kMaxArms>;

// Which cached quantities a policy reads.
KLAB_INLINE bool uses_log_pulls(Policy policy) { return policy == Policy::Moss || policy == Policy::KlUcbPlus; }
KLAB_INLINE bool uses_neg_entropy(Policy policy, const ArmModel& m) {
  return m.dist != ArmDist::Gaussian && (policy == Policy::KlUcb || policy == Policy::KlUcbPlus);
}

template <class Stats>
KLAB_INLINE void stats_reset(Stats& s, int k) {
  for (int a = 0; a < k; ++a) {
    s.pulls[a] = 0;
    s.sum[a] = s.mean[a] = s.log_pulls[a] = s.neg_entropy[a] = 0.0;
  }
}

template <class Stats>
KLAB_INLINE void stats_add(Stats& s, int a, double observation, bool log_pulls, bool neg_entropy) {
  s.pulls[a] += 1;
  s.sum[a] += observation;
  const double n = static_cast<double>(s.pulls[a]), m = s.sum[a] / n;
  s.mean[a] = m;
  if (log_pulls) s.log_pulls[a] = math::log(n);
  if (neg_entropy) s.neg_entropy[a] = bernoulli_negentropy(m);
}

// Arms a and b have the same statistics, hence bit-identical indices.
template <class Stats>
KLAB_INLINE bool same_stats(const Stats& s, int a, int b) {
  return s.pulls[a] == s.pulls[b] && s.sum[a] == s.sum[b];
}

KLAB_INLINE double bonus_scale(const ArmModel& m) { return m.dist == ArmDist::Gaussian ? 2.0 * m.sigma : 1.0; }

// ---- The indices themselves (also used by the tests and the live view) ------------------------

KLAB_INLINE double ucb1_index(double mean, double n, double t, double scale) {
  return mean + scale * sqrt(2.0 * (t > 1.0 ? math::log(t) : 0.0) / n);
}

KLAB_INLINE double moss_index(double mean, double n, double horizon, int k, double scale) {
  const double l = math::log(horizon / (k * n));
  return mean + scale * sqrt((l > 0.0 ? l : 0.0) / n);
}

// ℓ = ln x + c ln ln x (the ln ln term only where ln x > 1 and c ≠ 0), never negative.
KLAB_INLINE double kl_level(double x, double c) {
  const double lx = x > 1.0 ? math::log(x) : 0.0;
  return c != 0.0 && lx > 1.0 ? lx + c * math::log(lx) : lx;
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
template <class Stats>
KLAB_INLINE int first_unpulled(const Stats& s, int k) {
  for (int a = 0; a < k; ++a)
    if (s.pulls[a] == 0) return a;
  return -1;
}

// The lowest-index arm of largest empirical mean.
template <class Stats>
KLAB_INLINE int empirical_best(const Stats& s, int k) {
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
template <class Stats, class R2>
KLAB_HD int argmax_sqrt_index(const Stats& s, int k, R2 r2) {
  int best = -1;
  double u = -kInf;
  for (int a = 0; a < k; ++a) {
    const double n = s.pulls[a], mean = s.mean[a], num = r2(a);
    const double d = u - mean;
    if (d >= 0.0 && d * d * n >= num) continue;  // μ̂ + √(num/n) ≤ u
    const double ua = mean + sqrt(num / n);
    if (ua > u) u = ua, best = a;  // equal statistics give a bit-identical index: the lower arm keeps it
  }
  return best;
}

// Whether arm a may have a KL-UCB index above u (at least u if it wins ties), from
// U_a > u ⟺ N_a·kl(μ̂_a, u) < ℓ_a for μ̂_a < u < 1, with kl(μ̂, u) = negentropy(μ̂) - μ̂ ln u -
// (1 - μ̂) ln(1 - u). No index exceeds 1, so nothing beats u = 1.
template <class Stats>
KLAB_INLINE bool kl_may_beat(const Stats& s, int a, double level, double u, double log_u, double log_1mu, bool wins_ties) {
  if (u >= 1.0) return false;
  const double p = s.mean[a];
  if (p >= u) return true;
  const double n_kl = s.pulls[a] * (s.neg_entropy[a] - (p > 0.0 ? p * log_u : 0.0) - (1.0 - p) * log_1mu);
  return wins_ties ? n_kl <= level : n_kl < level;
}

template <class Stats>
KLAB_INLINE KlUpperSolve kl_index_start(const Stats& s, int a, double level) {
  return kl_upper_start(s.mean[a], s.neg_entropy[a], level / s.pulls[a]);
}

// argmax_a of the KL index with per-arm level ℓ_a (functor a -> ℓ_a), bounded families.
//   1. u = U_first, the index of the empirical best arm `first` (usually the argmax or close).
//   2. Screen every other arm against u (kl_may_beat). None passes: `first`. One passes: it.
//   3. Two or more: scan from the first candidate, re-screening against the running best and
//      solving the arms that pass; the largest exact index wins, the lower arm on exact ties.
// Every Newton solve (step 1 and step 3) advances in the same loop, one kl_upper_step per
// iteration, so that the threads of a GPU warp, each at its own arm, execute that step together.
template <class Stats, class Level>
KLAB_HD int argmax_kl_bernoulli(const Stats& s, int k, Level level_of) {
  const int first = empirical_best(s, k);
  KlUpperSolve solve = kl_index_start(s, first, level_of(first));
  int best = first, solving = -1;  // solving: the arm whose index `solve` computes (-1: `first`)
  double u = 0.0, log_u = 0.0, log_1mu = 0.0;
  for (;;) {
    if (!solve.root.done) {
      kl_upper_step(solve);
      continue;
    }
    const double index = solve.root.x;
    int next = k;  // the next arm to solve, k when none
    if (solving < 0) {
      u = index;
      log_u = math::log(u);
      log_1mu = math::log(1.0 - u);
      int passing = 0;
      for (int a = 0; a < k; ++a) {
        if (a == first || same_stats(s, a, first) || !kl_may_beat(s, a, level_of(a), u, log_u, log_1mu, a < first)) continue;
        if (passing++ == 0) next = a;
      }
      if (passing == 0) return first;
      if (passing == 1) return next;
    } else {
      if (index > u || (index == u && solving < best)) {
        u = index;
        log_u = math::log(u);
        log_1mu = math::log(1.0 - u);
        best = solving;
      }
      next = solving + 1;
      while (next < k && (next == best || same_stats(s, next, best) ||
                          !kl_may_beat(s, next, level_of(next), u, log_u, log_1mu, next < best)))
        ++next;
    }
    if (next >= k) return best;
    solving = next;
    solve = kl_index_start(s, solving, level_of(solving));
  }
}

// The arm policy `policy` pulls at time t (t = pulls so far + 1). `rng` is the policy's own
// stream (ε-greedy and Thompson draw from it); `committed` is ETC's arm once chosen (-1 before).
template <class Stats>
KLAB_HD inline int choose_arm(Policy policy, const PolicyParams& p, const Stats& s, uint64_t t, Rng& rng, int* committed) {
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
      const double sc = bonus_scale(p.model), r2 = sc * sc * 2.0 * (td > 1.0 ? math::log(td) : 0.0);
      return argmax_sqrt_index(s, k, [r2](int) { return r2; });
    }
    case Policy::Moss: {
      const double sc = bonus_scale(p.model), base = math::log(static_cast<double>(p.horizon) / k);
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
      const double lt = math::log(td), c = p.c;
      auto level = [&s, lt, c](int a) {
        const double x = lt - s.log_pulls[a];  // ln(t / N_a)
        if (!(x > 0.0)) return 0.0;
        return c != 0.0 && x > 1.0 ? x + c * math::log(x) : x;
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
