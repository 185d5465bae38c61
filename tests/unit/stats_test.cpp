// RunningStat (Welford, Chan et al. merge, sem, Student-t ci95) against two-pass formulas, and the
// coverage of its 95% confidence interval.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/samplers.hpp"
#include "core/stats.hpp"

namespace {

struct TwoPass {
  double mean, variance;
};

TwoPass two_pass(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v;
  const double mean = s / static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, x.size() > 1 ? ss / static_cast<double>(x.size() - 1) : 0.0};
}

bool rel_close(double a, double b, double tol) { return std::fabs(a - b) <= tol * std::max(std::fabs(b), 1e-300); }

}  // namespace

TEST_CASE("RunningStat agrees with the two-pass mean and variance") {
  klab::Rng rng(3, 0, 0);
  // A large offset makes the naive Σx² - n·mean² formula lose every digit; Welford must not.
  for (double offset : {0.0, 1e3, 1e8}) {
    for (int n : {2, 3, 10, 1000}) {
      std::vector<double> x;
      klab::RunningStat s;
      for (int i = 0; i < n; ++i) {
        x.push_back(offset + klab::sample_normal(rng, 0.0, 2.0));
        s.push(x.back());
      }
      const TwoPass ref = two_pass(x);
      CAPTURE(offset);
      CAPTURE(n);
      CHECK(s.count() == static_cast<uint64_t>(n));
      CHECK(rel_close(s.mean(), ref.mean, 1e-14));
      CHECK(rel_close(s.variance(), ref.variance, offset > 1e6 ? 1e-7 : 1e-11));
      CHECK(rel_close(s.stddev(), std::sqrt(ref.variance), offset > 1e6 ? 1e-7 : 1e-11));
      CHECK(rel_close(s.sem(), std::sqrt(ref.variance / n), offset > 1e6 ? 1e-7 : 1e-11));
    }
  }
}

TEST_CASE("RunningStat on 0 and 1 values; hand-computed small sample") {
  klab::RunningStat empty;
  CHECK(empty.count() == 0u);
  CHECK(std::isnan(empty.mean()));
  CHECK(empty.variance() == 0.0);
  CHECK(empty.sem() == 0.0);
  CHECK(empty.ci95() == 0.0);
  klab::RunningStat one;
  one.push(4.5);
  CHECK(one.mean() == 4.5);
  CHECK(one.variance() == 0.0);
  CHECK(one.ci95() == 0.0);
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, Σ(x - 5)² = 32, variance 32/7.
  klab::RunningStat s;
  for (double v : {2, 4, 4, 4, 5, 5, 7, 9}) s.push(v);
  CHECK(s.mean() == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(s.variance() == doctest::Approx(32.0 / 7.0).epsilon(1e-15));
  CHECK(s.sem() == doctest::Approx(std::sqrt(32.0 / 7.0 / 8.0)).epsilon(1e-15));
}

TEST_CASE("merge of partial stats equals sequential push (to 1e-12)") {
  klab::Rng rng(4, 0, 0);
  std::vector<double> x;
  for (int i = 0; i < 500; ++i) x.push_back(10.0 + klab::sample_exponential(rng));
  klab::RunningStat all;
  for (double v : x) all.push(v);
  // Split into parts at these cut points (empty parts included) and merge left to right.
  const std::vector<std::vector<size_t>> cuts = {{0, 500}, {0, 0, 500}, {0, 1, 500}, {0, 250, 500},
                                                 {0, 16, 32, 33, 200, 499, 500}, {0, 500, 500}};
  for (const auto& c : cuts) {
    klab::RunningStat merged;
    for (size_t k = 0; k + 1 < c.size(); ++k) {
      klab::RunningStat part;
      for (size_t i = c[k]; i < c[k + 1]; ++i) part.push(x[i]);
      merged.merge(part);
    }
    CHECK(merged.count() == all.count());
    CHECK(rel_close(merged.mean(), all.mean(), 1e-12));
    CHECK(rel_close(merged.variance(), all.variance(), 1e-12));
  }
  // Merging into an empty stat copies; merging an empty stat changes nothing.
  klab::RunningStat a, none;
  a.merge(all);
  CHECK(a.mean() == all.mean());
  a.merge(none);
  CHECK(a.count() == all.count());
  CHECK(a.variance() == all.variance());
}

TEST_CASE("ci95 is t_{0.975, n-1} times the standard error") {
  // Student-t quantiles (scipy.stats.t.ppf(0.975, df)): 12.7062 (1), 2.22814 (10), 2.093024 (19),
  // 1.9842170 (99).
  const struct {
    int n;
    double t;
  } cases[] = {{2, 12.706205}, {11, 2.228139}, {20, 2.093024}, {100, 1.984217}};
  klab::Rng rng(5, 0, 0);
  for (const auto& c : cases) {
    klab::RunningStat s;
    for (int i = 0; i < c.n; ++i) s.push(klab::sample_normal(rng));
    CAPTURE(c.n);
    CHECK(s.ci95() / s.sem() == doctest::Approx(c.t).epsilon(5e-5));
    CHECK(klab::student_t_975(c.n - 1) == doctest::Approx(c.t).epsilon(5e-5));
  }
  CHECK(std::isnan(klab::student_t_975(0.5)));
  // Decreasing in df towards z = 1.959964.
  double prev = 1e9;
  for (double df : {1.0, 2.0, 5.0, 30.0, 31.0, 100.0, 1e4, 1e8}) {
    CHECK(klab::student_t_975(df) < prev);
    CHECK(klab::student_t_975(df) > 1.959963984);
    prev = klab::student_t_975(df);
  }
}

TEST_SUITE("claims") {
  TEST_CASE("the 95% CI of the mean of 20 N(0,1) draws covers 0 in 95% of 4000 repetitions") {
    // Coverage is exact (Student), so the count of covering intervals is Binomial(4000, 0.95):
    // standard error sqrt(0.95·0.05/4000) = 0.00345; margin 4 standard errors = 0.0138.
    // With z = 1.96 instead of t_{0.975,19} = 2.093 the coverage would be 0.935, outside it.
    const int reps = 4000, n = 20;
    int covered = 0;
    for (int r = 0; r < reps; ++r) {
      klab::Rng rng(6, static_cast<uint32_t>(r), 0);
      klab::RunningStat s;
      for (int i = 0; i < n; ++i) s.push(klab::sample_normal(rng));
      covered += std::fabs(s.mean()) <= s.ci95();
    }
    const double coverage = static_cast<double>(covered) / reps;
    const double se = std::sqrt(0.95 * 0.05 / reps);
    CAPTURE(coverage);
    CHECK(std::fabs(coverage - 0.95) < 4.0 * se);
  }
}
