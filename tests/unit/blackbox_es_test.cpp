// DisOM and the (1+λ)/(1,λ) EAs (src/blackbox/disom.hpp): the flip-count law against the
// binomial closed form, the frozen noise (same point, same fitness; planted fraction ≈ p; mean
// height ≈ d), elitism of the plus strategy, and both strategies solving plain OneMax.
#include <doctest/doctest.h>

#include <cmath>

#include "blackbox/disom.hpp"
#include "blackbox/es_experiment.hpp"

using namespace klab;
using namespace klab::blackbox;

TEST_CASE("blackbox.es: the flip count is Bin(n, 1/n)") {
  for (int n : {8, 50, 1000}) {
    const std::vector<double> cdf = flip_count_cdf(n);
    const double q = 1.0 / n;
    double binom = 0.0;
    for (int k = 0; k <= 6; ++k) {
      double c = 1.0;  // C(n, k)
      for (int i = 0; i < k; ++i) c = c * (n - i) / (i + 1);
      binom += c * std::pow(q, k) * std::pow(1.0 - q, n - k);
      CHECK(cdf[static_cast<size_t>(k)] == doctest::Approx(binom).epsilon(1e-12));
    }
    CHECK(cdf.back() == doctest::Approx(1.0).epsilon(1e-13));
  }
}

TEST_CASE("blackbox.es: frozen noise: a point keeps its fitness; planted fraction ≈ p, mean height ≈ d") {
  Landscape l;
  l.n = 100;
  l.p = 0.1;
  l.heights = {HeightLaw::Exponential, 2.0, 0.0};
  l.seed = 3;
  const int draws = 40000;
  int planted = 0;
  double height = 0.0;
  Rng r(5, 0, 0);
  for (int i = 0; i < draws; ++i) {
    const uint64_t h = r.next_u64();
    const double d = distortion(l, h);
    CHECK(d == distortion(l, h));
    if (d != 0.0) ++planted, height += d;
  }
  const double frac = static_cast<double>(planted) / draws, se = std::sqrt(0.1 * 0.9 / draws);
  CHECK(std::fabs(frac - 0.1) < 4 * se);
  CHECK(std::fabs(height / planted - 2.0) < 4 * 2.0 / std::sqrt(planted));  // Exp: sd = mean
}

TEST_CASE("blackbox.es: the plus strategy never loses fitness; both solve OneMax without planted points") {
  for (Selection s : {Selection::Plus, Selection::Comma}) {
    Landscape l;
    l.n = 60;
    l.p = 0.0;
    const std::vector<uint64_t> keys = zobrist_keys(l);
    const std::vector<double> cdf = flip_count_cdf(l.n);
    EaRun st = ea_start(l, keys);
    Rng rng(1, 0, kMutationStream);
    const int lambda = static_cast<int>(std::ceil(1.2 * comma_threshold(l.n)));
    while (st.ones < l.n && st.generations < 100000) {
      const double before = st.f;
      ea_generation(l, keys, cdf, s, lambda, rng, st);
      if (s == Selection::Plus) CHECK(st.f >= before);
      int ones = 0;
      uint64_t hash = 0;
      for (int i = 0; i < l.n; ++i)
        if (st.x[static_cast<size_t>(i)]) ++ones, hash ^= keys[static_cast<size_t>(i)];
      REQUIRE(ones == st.ones);  // the incremental count and hash follow the string
      REQUIRE(hash == st.hash);
    }
    CHECK(st.ones == l.n);
    CHECK(st.evaluations == 1 + st.generations * lambda);
  }
}

TEST_CASE("blackbox.es: bad parameters are refused with the field named") {
  EsExperiment e;
  Status s = e.params().set_texts({{"n_min", "100"}, {"n_max", "50"}});
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("n_min") != std::string::npos);
  s = e.params().set_texts({{"target_gap", "30"}});
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("target_gap") != std::string::npos);
  CHECK(es_n_grid(e.p()) == std::vector<int>{20, 40, 80, 160});
}
