// Divergences of core/divergences.hpp, core/f_divergence.hpp and core/gaussian_kl.hpp: identities,
// hand-computed values, classical inequalities on random pairs, and the KL-UCB inverse levels.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <vector>

#include "core/divergences.hpp"
#include "core/f_divergence.hpp"
#include "core/gaussian_kl.hpp"
#include "core/samplers.hpp"

namespace {

using Vec = std::vector<double>;

// Random pairs p, q ~ Dirichlet(α) on k bins, for several α (corners to centre) and k.
template <class F>
void for_random_pairs(int pairs_per_setting, F check) {
  uint32_t stream = 0;
  for (double alpha : {0.1, 0.5, 1.0, 10.0})
    for (int k : {2, 3, 10}) {
      klab::Rng rng(2024, 0, stream++);
      Vec p(static_cast<size_t>(k)), q(static_cast<size_t>(k));
      for (int i = 0; i < pairs_per_setting; ++i) {
        klab::sample_dirichlet(rng, alpha, p.data(), p.size());
        klab::sample_dirichlet(rng, alpha, q.data(), q.size());
        check(p, q, alpha);
      }
    }
}

double kl(const Vec& p, const Vec& q) { return klab::kl_categorical(p.data(), q.data(), p.size()); }

}  // namespace

TEST_CASE("KL(p‖q) >= 0, = 0 when p = q, > 0 for any p != q") {
  int perturbed = 0;
  for_random_pairs(200, [&](const Vec& p, const Vec& q, double) {
    CHECK(kl(p, q) >= 0.0);
    CHECK(kl(p, p) == 0.0);
    // Move a small mass ε between two bins: KL ≈ ε²/2 (1/p_0 + 1/p_1) ≥ 5e-9, far above the
    // rounding error of the sum (~1e-16), when both bins hold at least 1%.
    if (std::min(p[0], p[1]) < 0.01) return;
    Vec r = p;
    const double eps = 1e-3 * std::min(p[0], p[1]);
    r[0] += eps;
    r[1] -= eps;
    CHECK(kl(r, p) > 0.0);
    CHECK(kl(p, r) > 0.0);
    ++perturbed;
  });
  CHECK(perturbed > 500);
  CHECK(klab::kl_bernoulli(0.3, 0.3) == 0.0);
  CHECK(klab::kl_bernoulli(0.3, 0.3 + 1e-6) > 0.0);
}

TEST_CASE("KL is asymmetric: a hand-computed pair") {
  // KL(p‖q) = ½ ln(0.5/0.9) + ½ ln(0.5/0.1) = ½ ln(25/9) = ln(5/3);
  // KL(q‖p) = 0.9 ln 1.8 + 0.1 ln 0.2 = 0.36806420716849706…
  const Vec p{0.5, 0.5}, q{0.9, 0.1};
  CHECK(kl(p, q) == doctest::Approx(0.5108256237659907).epsilon(1e-14));
  CHECK(kl(q, p) == doctest::Approx(0.3680642071684971).epsilon(1e-14));
  CHECK(klab::kl_bernoulli(0.5, 0.9) == doctest::Approx(0.5108256237659907).epsilon(1e-14));
  // A zero in q where p has mass: infinite one way, ln 2 the other.
  const Vec point{1.0, 0.0};
  CHECK(kl(p, point) == klab::kInf);
  CHECK(kl(point, p) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  // kl(0, q) = -ln(1-q) and kl(1, q) = -ln q.
  CHECK(klab::kl_bernoulli(0.0, 0.25) == doctest::Approx(-std::log(0.75)).epsilon(1e-15));
  CHECK(klab::kl_bernoulli(1.0, 0.25) == doctest::Approx(std::log(4.0)).epsilon(1e-15));
  CHECK(klab::kl_bernoulli(0.5, 0.0) == klab::kInf);
}

TEST_CASE("kl_gaussian: closed form, and agreement with kl_gaussian_mv") {
  // KL(N(1, 4)‖N(0, 1)) = ½ ln(1/4) + (4 + 1)/2 - ½ = 2 - ln 2.
  CHECK(klab::kl_gaussian(1.0, 4.0, 0.0, 1.0) == doctest::Approx(1.3068528194400546).epsilon(1e-14));
  // KL(N(0, 1)‖N(1, 4)) = ½ ln 4 + (1 + 1)/8 - ½ = ln 2 - ¼.
  CHECK(klab::kl_gaussian(0.0, 1.0, 1.0, 4.0) == doctest::Approx(std::log(2.0) - 0.25).epsilon(1e-14));
  CHECK(klab::kl_gaussian(0.7, 2.5, 0.7, 2.5) == 0.0);

  using Mat = Eigen::MatrixXd;
  using EVec = Eigen::VectorXd;
  klab::Rng rng(5, 0, 0);
  for (int trial = 0; trial < 50; ++trial) {
    const int k = 1 + trial % 4;
    EVec mu0(k), mu1(k), var0(k), var1(k);
    double diagonal_sum = 0.0;
    for (int i = 0; i < k; ++i) {
      mu0(i) = klab::sample_normal(rng);
      mu1(i) = klab::sample_normal(rng);
      var0(i) = 0.1 + 3.0 * rng.uniform();
      var1(i) = 0.1 + 3.0 * rng.uniform();
      diagonal_sum += klab::kl_gaussian(mu0(i), var0(i), mu1(i), var1(i));
    }
    const Mat cov0 = var0.asDiagonal(), cov1 = var1.asDiagonal();
    CAPTURE(trial);
    // Independent coordinates: the KLs add.
    CHECK(klab::kl_gaussian_mv(mu0, cov0, mu1, cov1) == doctest::Approx(diagonal_sum).epsilon(1e-12));
    // Full covariances: KL is invariant under an invertible affine map x ↦ A x + b, so mapping
    // both diagonal Gaussians by a random A (a shifted well-conditioned matrix) keeps the value.
    Mat a(k, k);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) a(i, j) = (i == j ? 2.0 : 0.0) + klab::sample_normal(rng, 0.0, 0.4);
    EVec b(k);
    for (int i = 0; i < k; ++i) b(i) = klab::sample_normal(rng);
    const Mat full0 = a * cov0 * a.transpose(), full1 = a * cov1 * a.transpose();
    const EVec m0 = a * mu0 + b, m1 = a * mu1 + b;
    CHECK(klab::kl_gaussian_mv(m0, full0, m1, full1) == doctest::Approx(diagonal_sum).epsilon(1e-9));
  }
  // A covariance that is not positive definite gives NaN.
  Eigen::Matrix2d good = Eigen::Matrix2d::Identity(), bad;
  bad << 1.0, 2.0, 2.0, 1.0;
  const Eigen::Vector2d zero = Eigen::Vector2d::Zero();
  CHECK(std::isnan(klab::kl_gaussian_mv(zero, bad, zero, good)));
  CHECK(std::isnan(klab::kl_gaussian_mv(zero, good, zero, bad)));
}

TEST_CASE("Pinsker TV <= sqrt(KL/2) and Le Cam H² <= TV <= √2·H on random Dirichlet pairs") {
  int checked = 0;
  for_random_pairs(250, [&](const Vec& p, const Vec& q, double) {
    const size_t n = p.size();
    const double k = kl(p, q), tv = klab::total_variation(p.data(), q.data(), n);
    const double h = klab::hellinger(p.data(), q.data(), n), chi2 = klab::chi_squared(p.data(), q.data(), n);
    // Sums of n terms near 1 carry an absolute rounding error below kRound; H = sqrt(1 - Σ sqrt(p q))
    // inherits it under the square root, so it is compared as H² + kRound.
    const double kRound = 1e-14;
    CHECK(tv <= std::sqrt(0.5 * (k + kRound)));
    CHECK(h * h <= tv + kRound);
    CHECK(tv <= std::sqrt(2.0 * (h * h + kRound)));
    CHECK(tv <= 1.0);
    CHECK(h <= 1.0);
    CHECK(k <= std::log1p(chi2) + kRound);  // KL ≤ ln(1 + χ²) (Jensen)
    ++checked;
  });
  CHECK(checked == 3000);
  // Hand values: p = (½, ½), q = (0.9, 0.1).
  const Vec p{0.5, 0.5}, q{0.9, 0.1};
  CHECK(klab::total_variation(p.data(), q.data(), 2) == doctest::Approx(0.4).epsilon(1e-15));
  CHECK(klab::chi_squared(p.data(), q.data(), 2) == doctest::Approx(0.16 / 0.9 + 0.16 / 0.1).epsilon(1e-15));
  const double h2 = 1.0 - (std::sqrt(0.45) + std::sqrt(0.05));
  CHECK(klab::hellinger(p.data(), q.data(), 2) == doctest::Approx(std::sqrt(h2)).epsilon(1e-14));
  CHECK(klab::chi_squared(p.data(), Vec{1.0, 0.0}.data(), 2) == klab::kInf);
  CHECK(klab::hellinger(p.data(), p.data(), 2) == 0.0);
}

TEST_CASE("f_divergence reproduces KL, reverse KL, TV, χ² and squared Hellinger") {
  auto close = [](double a, double b) {
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b));
  };
  auto check_all = [&](const Vec& p, const Vec& q) {
    const size_t n = p.size();
    const double h = klab::hellinger(p.data(), q.data(), n);
    CHECK(close(klab::f_divergence(p.data(), q.data(), n, klab::kFKl), kl(p, q)));
    CHECK(close(klab::f_divergence(p.data(), q.data(), n, klab::kFReverseKl), kl(q, p)));
    CHECK(close(klab::f_divergence(p.data(), q.data(), n, klab::kFTv), klab::total_variation(p.data(), q.data(), n)));
    CHECK(close(klab::f_divergence(p.data(), q.data(), n, klab::kFChi2), klab::chi_squared(p.data(), q.data(), n)));
    CHECK(close(klab::f_divergence(p.data(), q.data(), n, klab::kFSquaredHellinger), h * h));
  };
  for_random_pairs(100, [&](const Vec& p, const Vec& q, double) { check_all(p, q); });
  // Disjoint and partly disjoint supports exercise the q_i = 0 < p_i terms (p_i·f'(∞)).
  check_all({0.5, 0.5, 0.0}, {0.0, 0.5, 0.5});
  check_all({1.0, 0.0}, {0.0, 1.0});
  check_all({0.2, 0.8, 0.0}, {0.1, 0.6, 0.3});
  CHECK(klab::f_divergence(Vec{1, 0}.data(), Vec{0, 1}.data(), 2, klab::kFTv) == doctest::Approx(1.0));
  CHECK(klab::f_divergence(Vec{1, 0}.data(), Vec{0, 1}.data(), 2, klab::kFSquaredHellinger) == doctest::Approx(1.0));
}

TEST_CASE("Itakura–Saito: hand example, zero on equal inputs, infinite with a zero") {
  // p = (½, ½), q = (¼, ¾): ratios 2 and 2/3, IS = (2 - ln 2 - 1) + (2/3 - ln(2/3) - 1) = 2/3 + ln(3/4).
  const Vec p{0.5, 0.5}, q{0.25, 0.75};
  CHECK(klab::itakura_saito(p.data(), q.data(), 2) == doctest::Approx(0.37898459421488573).epsilon(1e-14));
  CHECK(klab::itakura_saito(q.data(), p.data(), 2) == doctest::Approx(0.5 - std::log(0.5) - 1 + 1.5 - std::log(1.5) - 1).epsilon(1e-14));
  CHECK(klab::itakura_saito(p.data(), p.data(), 2) == 0.0);
  CHECK(klab::itakura_saito(p.data(), Vec{1.0, 0.0}.data(), 2) == klab::kInf);
  CHECK(klab::itakura_saito(Vec{1.0, 0.0}.data(), p.data(), 2) == klab::kInf);
}

namespace {
// Whether b is a root of kl(p, ·) = level to the resolution that doubles allow: moving b by d, the
// q-step that changes kl by 1e-9·level, plus 16 ulps of the representation (lower bounds are
// computed as 1 - upper(1 - p), so their spacing is that of 1 - b), brackets the level, up to
// kl's own evaluation error (~1e-16 absolute, taken as 1e-15).
bool brackets_level(double p, double b, double level) {
  const double slope = std::fabs(klab::kl_bernoulli_dq(p, b));
  const double spacing = std::max(std::nextafter(b, 2.0) - b, std::nextafter(1.0 - b, 2.0) - (1.0 - b));
  const double d = 16.0 * spacing + (slope > 0 ? 1e-9 * level / slope : 0.0);
  const double inner = b > p ? std::max(p, b - d) : std::min(p, b + d);
  const double outer = b > p ? std::min(1.0, b + d) : std::max(0.0, b - d);
  return klab::kl_bernoulli(p, inner) <= level + 1e-15 && klab::kl_bernoulli(p, outer) >= level - 1e-15;
}
}  // namespace

TEST_CASE("kl_bernoulli_upper/lower solve kl(p, bound) = level") {
  const double ps[] = {1e-9, 1e-4, 0.01, 0.1, 0.25, 0.5, 0.7, 0.9, 0.99, 0.9999};
  const double levels[] = {1e-12, 1e-8, 1e-5, 1e-3, 0.01, 0.1, 0.5, 1.0, 3.0, 10.0};
  int resolved = 0;
  for (double p : ps)
    for (double level : levels) {
      CAPTURE(p);
      CAPTURE(level);
      const double u = klab::kl_bernoulli_upper(p, level), l = klab::kl_bernoulli_lower(p, level);
      REQUIRE(u >= p);
      REQUIRE(u <= 1.0);
      REQUIRE(l <= p);
      REQUIRE(l >= 0.0);
      CHECK(brackets_level(p, u, level));
      CHECK(brackets_level(p, l, level));
      // Where the root is well resolved (q's spacing moves kl by < 1e-10·level, and the level
      // dwarfs kl's evaluation error), kl(p, bound) equals the level to 1e-9 relative.
      for (double b : {u, l}) {
        const double spacing = std::max(std::nextafter(b, 2.0) - b, std::nextafter(1.0 - b, 2.0) - (1.0 - b));
        if (level < 1e-5 || 16.0 * spacing * std::fabs(klab::kl_bernoulli_dq(p, b)) > 1e-10 * level) continue;
        CHECK(std::fabs(klab::kl_bernoulli(p, b) - level) <= 1e-9 * level);
        ++resolved;
      }
    }
  CHECK(resolved >= 100);
}

TEST_CASE("kl_bernoulli_upper/lower are monotone and never looser than Hoeffding") {
  const int np = 60, nl = 40;
  for (int i = 0; i <= np; ++i) {
    const double p = static_cast<double>(i) / np;
    double prev_u = -1.0, prev_l = 2.0;
    for (int j = 0; j <= nl; ++j) {
      const double level = 1e-6 * std::pow(10.0, 7.0 * j / nl);  // 1e-6 … 10
      const double u = klab::kl_bernoulli_upper(p, level), l = klab::kl_bernoulli_lower(p, level);
      CAPTURE(p);
      CAPTURE(level);
      // The root finder stops at a bracket of 1e-15: monotone to that resolution.
      CHECK(u >= prev_u - 2e-15);  // wider with the level
      CHECK(l <= prev_l + 2e-15);
      prev_u = u;
      prev_l = l;
      const double radius = std::sqrt(0.5 * level);
      CHECK(u <= std::min(1.0, p + radius) + 1e-15);
      CHECK(l >= std::max(0.0, p - radius) - 1e-15);
    }
  }
  for (double level : {1e-4, 0.05, 1.0}) {
    double prev_u = -1.0, prev_l = -1.0;
    for (int i = 0; i <= 200; ++i) {
      const double p = i / 200.0;
      const double u = klab::kl_bernoulli_upper(p, level), l = klab::kl_bernoulli_lower(p, level);
      CAPTURE(p);
      CAPTURE(level);
      CHECK(u >= prev_u - 2e-15);  // both bounds move up with p
      CHECK(l >= prev_l - 2e-15);
      prev_u = u;
      prev_l = l;
    }
  }
}

TEST_CASE("kl_bernoulli_upper/lower edge cases: p = 0, p = 1, level 0, level ∞") {
  for (double level : {1e-6, 0.1, 1.0, 5.0}) {
    CAPTURE(level);
    // kl(0, q) = -ln(1 - q) = ℓ ⇒ q = 1 - e^{-ℓ};  kl(1, q) = -ln q = ℓ ⇒ q = e^{-ℓ}.
    CHECK(klab::kl_bernoulli_upper(0.0, level) == doctest::Approx(-std::expm1(-level)).epsilon(1e-12));
    CHECK(klab::kl_bernoulli_lower(0.0, level) == 0.0);
    CHECK(klab::kl_bernoulli_upper(1.0, level) == 1.0);
    CHECK(klab::kl_bernoulli_lower(1.0, level) == doctest::Approx(std::exp(-level)).epsilon(1e-12));
  }
  for (double p : {0.0, 0.2, 0.5, 1.0}) {
    CAPTURE(p);
    CHECK(klab::kl_bernoulli_upper(p, 0.0) == p);
    CHECK(std::fabs(klab::kl_bernoulli_lower(p, 0.0) - p) <= 0x1p-53);  // computed as 1 - (1 - p)
    CHECK(klab::kl_bernoulli_upper(p, -1.0) == p);  // a negative level is treated as 0
    CHECK(klab::kl_bernoulli_upper(p, klab::kInf) == 1.0);
    CHECK(klab::kl_bernoulli_lower(p, klab::kInf) == 0.0);
    CHECK(klab::kl_bernoulli_upper(p, std::numeric_limits<double>::quiet_NaN()) == 1.0);
    CHECK(klab::kl_bernoulli_lower(p, std::numeric_limits<double>::quiet_NaN()) == 0.0);
  }
}
