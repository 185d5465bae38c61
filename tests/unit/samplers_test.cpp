// The samplers of core/samplers.hpp against their distributions.
//
// Moments: the sample mean, variance and skewness of N draws are compared with the exact values
// within kSigmas standard errors, the standard errors derived from the exact central moments
// μ2..μ6 (delta method, Kendall & Stuart §10.5):
//   se(x̄)  = sqrt(μ2/N)
//   se(s²) = sqrt((μ4 - μ2²(N-3)/(N-1))/N)   (exact for the unbiased sample variance s²)
//   se(g1) with g1 = m3/m2^{3/2}: Var(m3) ≈ (μ6 - μ3² - 6μ4μ2 + 9μ2³)/N, Cov(m2, m3) ≈ (μ5 - 4μ2μ3)/N,
//          Var(g1) ≈ a² Var(m3) + b² Var(m2) + 2ab Cov(m2, m3), a = μ2^{-3/2}, b = -3/2 μ3 μ2^{-5/2}.
// Distribution shape: Kolmogorov–Smirnov D_N = sup |F_N - F| against the exact CDF, rejected at
// significance 0.001 when sqrt(N)·D_N > 1.9495 (= sqrt(ln(2/0.001)/2), the asymptotic critical value).
// Seeds are fixed, so every outcome is reproducible; a wrong sampler moves these statistics by
// many standard errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <vector>

#include "core/samplers.hpp"

namespace {

constexpr double kSigmas = 5.0;
constexpr int kDraws = 200000;

// Central moments μ1 (= mean), μ2 … μ6 from raw moments E[X^r], r = 1..6.
std::array<double, 7> central_from_raw(const std::array<double, 7>& raw) {
  std::array<double, 7> mu{};
  const double m = raw[1];
  for (int k = 2; k <= 6; ++k) {
    double s = 0.0, binom = 1.0;
    for (int j = 0; j <= k; ++j) {
      s += binom * (j == 0 ? 1.0 : raw[j]) * std::pow(-m, k - j);
      binom = binom * (k - j) / (j + 1);
    }
    mu[k] = s;
  }
  mu[1] = m;
  return mu;
}

// E[X^r] of Gamma(k, 1): k (k+1) … (k+r-1).
std::array<double, 7> gamma_raw(double k) {
  std::array<double, 7> raw{};
  raw[0] = 1.0;
  for (int r = 1; r <= 6; ++r) raw[r] = raw[r - 1] * (k + r - 1);
  return raw;
}

// E[X^r] of Beta(a, b): Π_{i<r} (a+i)/(a+b+i).
std::array<double, 7> beta_raw(double a, double b) {
  std::array<double, 7> raw{};
  raw[0] = 1.0;
  for (int r = 1; r <= 6; ++r) raw[r] = raw[r - 1] * (a + r - 1) / (a + b + r - 1);
  return raw;
}

void check_moments(const std::vector<double>& x, const std::array<double, 7>& mu, bool check_skewness = true) {
  const double n = static_cast<double>(x.size());
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= n;
  double m2 = 0.0, m3 = 0.0;
  for (double v : x) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const double var = m2 / (n - 1);
  m2 /= n;
  m3 /= n;
  const double se_mean = std::sqrt(mu[2] / n);
  const double se_var = std::sqrt((mu[4] - mu[2] * mu[2] * (n - 3) / (n - 1)) / n);
  CAPTURE(mean);
  CAPTURE(mu[1]);
  CHECK(std::fabs(mean - mu[1]) < kSigmas * se_mean);
  CAPTURE(var);
  CAPTURE(mu[2]);
  CHECK(std::fabs(var - mu[2]) < kSigmas * se_var);
  if (!check_skewness) return;
  const double skew = m3 / std::pow(m2, 1.5), target = mu[3] / std::pow(mu[2], 1.5);
  const double var_m3 = (mu[6] - mu[3] * mu[3] - 6 * mu[4] * mu[2] + 9 * mu[2] * mu[2] * mu[2]) / n;
  const double var_m2 = (mu[4] - mu[2] * mu[2]) / n, cov = (mu[5] - 4 * mu[2] * mu[3]) / n;
  const double a = std::pow(mu[2], -1.5), b = -1.5 * mu[3] * std::pow(mu[2], -2.5);
  const double se_skew = std::sqrt(a * a * var_m3 + b * b * var_m2 + 2 * a * b * cov);
  CAPTURE(skew);
  CAPTURE(target);
  CAPTURE(se_skew);
  CHECK(std::fabs(skew - target) < kSigmas * se_skew);
}

std::vector<double> draw(int n, const std::function<double()>& sample) {
  std::vector<double> x(static_cast<size_t>(n));
  for (double& v : x) v = sample();
  return x;
}

// sqrt(N)·D_N for the sample against the CDF F.
double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, (static_cast<double>(i) + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return std::sqrt(n) * d;
}

constexpr double kKsCritical = 1.9495;  // α = 0.001
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("normal: mean 0, variance 1, skewness 0; shifted and scaled form") {
  klab::Rng rng(11, 0, 0);
  // N(0,1): μ2 = 1, μ3 = 0, μ4 = 3, μ5 = 0, μ6 = 15.
  check_moments(draw(kDraws, [&] { return klab::sample_normal(rng); }), {1, 0, 1, 0, 3, 0, 15});
  // N(3, 2²): μ_k scale by 2^k.
  check_moments(draw(kDraws, [&] { return klab::sample_normal(rng, 3.0, 2.0); }), {1, 3, 4, 0, 48, 0, 960});
}

TEST_CASE("exponential: the moments of Gamma(1)") {
  klab::Rng rng(12, 0, 0);
  check_moments(draw(kDraws, [&] { return klab::sample_exponential(rng); }), central_from_raw(gamma_raw(1.0)));
}

TEST_CASE("gamma: mean k, variance k, skewness 2/sqrt(k) for shapes 0.3, 1, 4.5") {
  for (double k : {0.3, 1.0, 4.5}) {
    CAPTURE(k);
    klab::Rng rng(13, 0, static_cast<uint32_t>(k * 10));
    const std::vector<double> x = draw(kDraws, [&] { return klab::sample_gamma(rng, k); });
    const std::array<double, 7> mu = central_from_raw(gamma_raw(k));
    REQUIRE(mu[1] == doctest::Approx(k));
    REQUIRE(mu[2] == doctest::Approx(k));
    REQUIRE(mu[3] / std::pow(mu[2], 1.5) == doctest::Approx(2.0 / std::sqrt(k)));
    CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
    check_moments(x, mu);
  }
}

TEST_CASE("beta(2, 3): mean 2/5, variance 1/25, skewness from the exact moments") {
  klab::Rng rng(14, 0, 0);
  const std::vector<double> x = draw(kDraws, [&] { return klab::sample_beta(rng, 2.0, 3.0); });
  const std::array<double, 7> mu = central_from_raw(beta_raw(2.0, 3.0));
  REQUIRE(mu[1] == doctest::Approx(0.4));
  REQUIRE(mu[2] == doctest::Approx(0.04));  // ab / ((a+b)²(a+b+1)) = 6/150
  CHECK(std::count_if(x.begin(), x.end(), [](double v) { return !(v > 0.0 && v < 1.0); }) == 0);
  check_moments(x, mu);
}

TEST_CASE("bernoulli: frequency p within 5 standard errors; p = 0 and p = 1 are certain") {
  klab::Rng rng(15, 0, 0);
  for (double p : {0.03, 0.3, 0.5, 0.9}) {
    CAPTURE(p);
    const std::vector<double> x = draw(kDraws, [&] { return klab::sample_bernoulli(rng, p) ? 1.0 : 0.0; });
    std::array<double, 7> raw;
    raw.fill(p);  // E[X^r] = p for a 0/1 variable
    raw[0] = 1.0;
    check_moments(x, central_from_raw(raw));
  }
  for (int i = 0; i < 1000; ++i) {
    REQUIRE_FALSE(klab::sample_bernoulli(rng, 0.0));
    REQUIRE(klab::sample_bernoulli(rng, 1.0));
  }
}

TEST_CASE("categorical: frequencies proportional to unnormalised weights (chi-square, α = 0.001)") {
  klab::Rng rng(16, 0, 0);
  const double weights[5] = {1.0, 2.0, 0.0, 3.0, 4.0};  // total 10; index 2 must never appear
  const int n = 100000;
  std::vector<double> counts(6);  // counts[5]: out of range
  for (int i = 0; i < n; ++i) counts[std::min<size_t>(klab::sample_categorical(rng, weights, 5), 5)] += 1;
  CHECK(counts[5] == 0.0);
  CHECK(counts[2] == 0.0);
  double x2 = 0.0;
  for (size_t k : {0, 1, 3, 4}) {
    const double expected = n * weights[k] / 10.0;
    x2 += (counts[k] - expected) * (counts[k] - expected) / expected;
  }
  CHECK(x2 < 16.266);  // χ²_{0.999}(3), scipy.stats.chi2.ppf(0.999, 3)
  // A single category and a last-only weight vector.
  const double one[1] = {0.7}, last[3] = {0.0, 0.0, 5.0};
  for (int i = 0; i < 100; ++i) {
    CHECK(klab::sample_categorical(rng, one, 1) == 0u);
    CHECK(klab::sample_categorical(rng, last, 3) == 2u);
  }
}

TEST_CASE("dirichlet: on the simplex, marginals Beta(α, (n-1)α)") {
  for (double alpha : {0.5, 2.0}) {
    CAPTURE(alpha);
    klab::Rng rng(17, 0, static_cast<uint32_t>(alpha * 10));
    const int n = 4, draws = 100000;
    std::vector<std::vector<double>> marginal(n);
    double v[4];
    int off_simplex = 0;
    for (int i = 0; i < draws; ++i) {
      klab::sample_dirichlet(rng, alpha, v, n);
      double sum = 0.0;
      for (int k = 0; k < n; ++k) {
        off_simplex += !(v[k] >= 0.0);
        sum += v[k];
        marginal[static_cast<size_t>(k)].push_back(v[k]);
      }
      off_simplex += !(std::fabs(sum - 1.0) < 1e-12);
    }
    CHECK(off_simplex == 0);
    const std::array<double, 7> mu = central_from_raw(beta_raw(alpha, (n - 1) * alpha));
    REQUIRE(mu[1] == doctest::Approx(0.25));
    for (int k = 0; k < n; ++k) check_moments(marginal[static_cast<size_t>(k)], mu, false);
  }
}

TEST_CASE("Kolmogorov–Smirnov against the exact CDF: uniform, normal, exponential") {
  const int n = 20000;
  klab::Rng rng(18, 0, 0);
  const std::vector<double> u = draw(n, [&] { return rng.uniform(); });
  const std::vector<double> z = draw(n, [&] { return klab::sample_normal(rng); });
  const std::vector<double> e = draw(n, [&] { return klab::sample_exponential(rng); });
  const std::vector<double> g1 = draw(n, [&] { return klab::sample_gamma(rng, 1.0); });
  const std::vector<double> s = draw(n, [&] { return klab::sample_uniform(rng, -2.0, 3.0); });
  CHECK(ks_statistic(u, [](double x) { return x; }) < kKsCritical);
  CHECK(ks_statistic(z, normal_cdf) < kKsCritical);
  CHECK(ks_statistic(e, [](double x) { return 1.0 - std::exp(-x); }) < kKsCritical);
  CHECK(ks_statistic(g1, [](double x) { return 1.0 - std::exp(-x); }) < kKsCritical);  // Gamma(1) = Exp(1)
  CHECK(ks_statistic(s, [](double x) { return (x + 2.0) / 5.0; }) < kKsCritical);
  // The statistic has the power to see a small error: N(0,1) draws against N(0.05, 1), where
  // sqrt(N)·D ≈ sqrt(20000)·0.02 ≈ 2.8.
  CHECK(ks_statistic(z, [](double x) { return normal_cdf(x - 0.05); }) > kKsCritical);
}
