// Bandit indices and samplers against independent references: KL-UCB against a plain bisection of
// the kl inverse, UCB1/MOSS against values worked out by hand, the fast argmax against the brute
// force one, Thompson's posterior choice probabilities against closed forms, and Cheng's beta
// sampler against core's gamma-ratio sampler.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

#include "bandits/arms.hpp"
#include "bandits/beta_sampler.hpp"
#include "bandits/policies.hpp"

namespace {

using namespace klab::bandits;

// max{q ∈ [p, 1]: n·kl(p, q) ≤ level} by 200 halvings, from the definition only.
double kl_inverse_by_bisection(double p, double n, double level) {
  double lo = p, hi = 1.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double kl = (p > 0 ? p * std::log(p / mid) : 0.0) + (p < 1 ? (1 - p) * std::log((1 - p) / (1 - mid)) : 0.0);
    (n * kl <= level ? lo : hi) = mid;
  }
  return lo;
}

ArmModel bernoulli() { return ArmModel{}; }
ArmModel gaussian(double sigma) {
  ArmModel m;
  m.dist = ArmDist::Gaussian;
  m.sigma = sigma;
  return m;
}

// Random statistics (every arm pulled) for argmax checks.
ArmStats random_stats(klab::Rng& rng, int k, bool bounded) {
  ArmStats s;
  stats_reset(s, k);
  for (int a = 0; a < k; ++a) {
    const int n = 1 + static_cast<int>(rng.below(300));
    const double mu = rng.uniform();
    for (int i = 0; i < n; ++i) stats_add(s, a, bounded ? (rng.uniform() < mu ? 1.0 : 0.0) : mu + klab::sample_normal(rng), true, bounded);
  }
  return s;
}

// The argmax of `index` with ties to the lowest arm, and whether the maximum is (nearly) tied.
template <class Index>
int brute_argmax(int k, Index index, bool* near_tie) {
  int best = 0;
  for (int a = 1; a < k; ++a)
    if (index(a) > index(best)) best = a;
  *near_tie = false;
  for (int a = 0; a < k; ++a)
    if (a != best && std::fabs(index(a) - index(best)) < 1e-12) *near_tie = true;
  return best;
}

// P(X1 > X2), X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), integer a1: Σ_{i<a1} B(a2+i, b1+b2) / ((b1+i) B(1+i, b1) B(a2, b2)).
double prob_beta_greater(int a1, int b1, int a2, int b2) {
  auto lbeta = [](double x, double y) { return std::lgamma(x) + std::lgamma(y) - std::lgamma(x + y); };
  double total = 0.0;
  for (int i = 0; i < a1; ++i) total += std::exp(lbeta(a2 + i, b1 + b2) - std::log(b1 + i) - lbeta(1 + i, b1) - lbeta(a2, b2));
  return total;
}

}  // namespace

TEST_CASE("KL-UCB index solves N·kl(μ̂, U) = ln t + c ln ln t (Bernoulli) and is closed-form for Gaussians") {
  for (double p : {0.0, 0.05, 0.3, 0.5, 0.77, 0.99, 1.0})
    for (double n : {1.0, 7.0, 50.0, 3000.0})
      for (double t : {10.0, 1e3, 1e6}) {
        CAPTURE(p);
        CAPTURE(n);
        CAPTURE(t);
        const double level = std::log(t) + 3.0 * std::log(std::log(t));
        const double u = klucb_index(bernoulli(), p, n, t, 3.0);
        // (the bisection's own accuracy is ~1e-8 where the level is tiny: kl is flat at q = p)
        CHECK(std::fabs(u - kl_inverse_by_bisection(p, n, level)) < 1e-7);
        CHECK(u >= p);
        // KL-UCB+ uses the level ln(t/N) + c ln ln(t/N) (0 when t ≤ N).
        const double x = std::log(t / n), level_plus = x > 0 ? x + 3.0 * (x > 1 ? std::log(x) : 0.0) : 0.0;
        CHECK(std::fabs(klucb_plus_index(bernoulli(), p, n, t, 3.0) - kl_inverse_by_bisection(p, n, level_plus)) < 1e-7);
      }
  // Gaussian: N (q - μ̂)² / (2σ²) = ℓ  ⇒  q = μ̂ + σ √(2ℓ/N).
  CHECK(klucb_index(gaussian(2.0), 0.3, 8.0, 1000.0, 0.0) == doctest::Approx(0.3 + 2.0 * std::sqrt(2.0 * std::log(1000.0) / 8.0)));
  CHECK(kl_level(1.0, 0.0) == 0.0);
  CHECK(kl_level(2.0, 5.0) == doctest::Approx(std::log(2.0)));  // ln ln 2 < 0 is not added
}

TEST_CASE("UCB1 and MOSS indices, worked out by hand") {
  // UCB1: 0.5 + √(2 ln 100 / 10) = 0.5 + √0.92103404 = 1.45970520.
  CHECK(ucb1_index(0.5, 10, 100, 1.0) == doctest::Approx(1.4597052).epsilon(1e-7));
  // Gaussian σ = 0.5 uses the bonus scale 2σ = 1: the same number.
  CHECK(ucb1_index(0.5, 10, 100, bonus_scale(gaussian(0.5))) == doctest::Approx(1.4597052).epsilon(1e-7));
  // MOSS: T = 1000, K = 5, N = 10: 0.2 + √(ln 20 / 10) = 0.2 + √0.29957323 = 0.74733295.
  CHECK(moss_index(0.2, 10, 1000, 5, 1.0) == doctest::Approx(0.74733295).epsilon(1e-7));
  // ... and no bonus once N ≥ T/K.
  CHECK(moss_index(0.2, 300, 1000, 5, 1.0) == 0.2);
}

TEST_CASE("the fast argmax of every index policy equals the brute-force argmax of its exact indices") {
  klab::Rng rng(99, 0, 0);
  int checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const bool bounded = trial % 2 == 0;
    PolicyParams pp;
    pp.model = bounded ? bernoulli() : gaussian(0.7);
    pp.k = 2 + static_cast<int>(rng.below(20));
    pp.horizon = 100000;
    pp.c = trial % 3 == 0 ? 3.0 : 0.0;
    const ArmStats s = random_stats(rng, pp.k, bounded);
    uint64_t t = 0;
    for (int a = 0; a < pp.k; ++a) t += s.pulls[a];
    t += 1;
    const double td = static_cast<double>(t), sc = bonus_scale(pp.model);
    struct {
      Policy policy;
      std::function<double(int)> index;
    } cases[] = {
        {Policy::Ucb1, [&](int a) { return ucb1_index(s.mean[a], s.pulls[a], td, sc); }},
        {Policy::Moss, [&](int a) { return moss_index(s.mean[a], s.pulls[a], static_cast<double>(pp.horizon), pp.k, sc); }},
        {Policy::KlUcb, [&](int a) { return klucb_index(pp.model, s.mean[a], s.pulls[a], td, pp.c); }},
        {Policy::KlUcbPlus, [&](int a) { return klucb_plus_index(pp.model, s.mean[a], s.pulls[a], td, pp.c); }},
    };
    for (auto& c : cases) {
      CAPTURE(trial);
      CAPTURE(static_cast<int>(c.policy));
      bool near_tie;
      const int expected = brute_argmax(pp.k, c.index, &near_tie);
      int committed = -1;
      klab::Rng unused(0, 0, 0);
      const int got = choose_arm(c.policy, pp, s, t, unused, &committed);
      if (near_tie) continue;
      CHECK(got == expected);
      ++checked;
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE("Thompson sampling picks an arm with its posterior probability of being the best") {
  // Bernoulli: two arms with S/F counts; the posteriors are Beta(1 + S, 1 + F).
  PolicyParams pp;
  pp.k = 2;
  ArmStats s;
  stats_reset(s, 2);
  const int s1 = 6, f1 = 4, s2 = 3, f2 = 5;
  for (int i = 0; i < s1 + f1; ++i) stats_add(s, 0, i < s1 ? 1.0 : 0.0, false, false);
  for (int i = 0; i < s2 + f2; ++i) stats_add(s, 1, i < s2 ? 1.0 : 0.0, false, false);
  const double p_first = prob_beta_greater(1 + s1, 1 + f1, 1 + s2, 1 + f2);
  klab::Rng rng(5, 0, 0);
  const int draws = 200000;
  int first = 0, committed = -1;
  for (int i = 0; i < draws; ++i) first += choose_arm(Policy::Thompson, pp, s, 19, rng, &committed) == 0;
  const double se = std::sqrt(p_first * (1 - p_first) / draws);
  CHECK(std::fabs(first / static_cast<double>(draws) - p_first) < 5 * se);

  // Gaussian: posteriors N(μ̂_a, σ²/N_a); P(arm 0) = Φ((μ̂0 - μ̂1) / √(σ²/N0 + σ²/N1)).
  pp.model = gaussian(1.5);
  ArmStats g;
  stats_reset(g, 2);
  for (int i = 0; i < 4; ++i) stats_add(g, 0, i % 2 ? 1.0 : 0.2, false, false);  // mean 0.6, N = 4
  for (int i = 0; i < 9; ++i) stats_add(g, 1, 0.3, false, false);               // mean 0.3, N = 9
  const double z = (0.6 - 0.3) / std::sqrt(1.5 * 1.5 / 4 + 1.5 * 1.5 / 9), p_gauss = 0.5 * std::erfc(-z / std::sqrt(2.0));
  first = 0;
  for (int i = 0; i < draws; ++i) first += choose_arm(Policy::Thompson, pp, g, 14, rng, &committed) == 0;
  CHECK(std::fabs(first / static_cast<double>(draws) - p_gauss) < 5 * std::sqrt(p_gauss * (1 - p_gauss) / draws));
}

TEST_CASE("Cheng's beta sampler has the law of core's gamma-ratio sampler (two-sample Kolmogorov–Smirnov)") {
  const double shapes[][2] = {{1, 1}, {1, 7}, {9, 1}, {2, 3}, {1.5, 40}, {300, 700}, {0.5, 2}};
  for (const auto& ab : shapes) {
    CAPTURE(ab[0]);
    CAPTURE(ab[1]);
    klab::Rng r1(1, 0, 0), r2(2, 0, 0);
    const int n = 20000;
    std::vector<double> x(n), y(n);
    for (int i = 0; i < n; ++i) x[i] = sample_beta_fast(r1, ab[0], ab[1]), y[i] = klab::sample_beta(r2, ab[0], ab[1]);
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    double d = 0.0;
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] <= y[j]) ++i; else ++j;
      d = std::max(d, std::fabs(static_cast<double>(i) / n - static_cast<double>(j) / n));
    }
    CHECK(d < 1.95 * std::sqrt(2.0 / n));  // 0.1% level of the two-sample KS test
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n, expected = ab[0] / (ab[0] + ab[1]);
    const double sd = std::sqrt(ab[0] * ab[1] / ((ab[0] + ab[1]) * (ab[0] + ab[1]) * (ab[0] + ab[1] + 1)));
    CHECK(std::fabs(mean - expected) < 5 * sd / std::sqrt(n));
  }
}

TEST_CASE("Lai–Robbins constant: Σ Δa / KL(ν_a, ν*) by hand") {
  // Bernoulli (0.9, 0.8): Δ = 0.1, kl(0.8, 0.9) = 0.8 ln(8/9) + 0.2 ln 2 = 0.0444184...
  const double theta[2] = {0.9, 0.8};
  const double kl = 0.8 * std::log(0.8 / 0.9) + 0.2 * std::log(0.2 / 0.1);
  CHECK(lai_robbins_constant(ArmModel{}, theta, 2) == doctest::Approx(0.1 / kl));
  // Gaussian σ: Δ / (Δ²/2σ²) = 2σ²/Δ.
  CHECK(lai_robbins_constant(gaussian(0.5), theta, 2) == doctest::Approx(2 * 0.25 / 0.1));
  // Two-valued {0.2, 0.6}: the parameters are success probabilities, Δ is in reward units.
  ArmModel two;
  two.dist = ArmDist::TwoValued;
  two.lo = 0.2, two.hi = 0.6;
  CHECK(lai_robbins_constant(two, theta, 2) == doctest::Approx(0.4 * 0.1 / kl));
  CHECK(arm_param(two, 0.9) == 1.0);  // means above `high` are clamped
  CHECK(arm_mean(two, arm_param(two, 0.5)) == doctest::Approx(0.5));
}
