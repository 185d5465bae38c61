// blackbox.private_gsd's pieces (src/blackbox/private_query.hpp, synthesizers.hpp): the zCDP
// conversion and budget split against their defining equations, the relaxed queries' gradients
// against finite differences, the exponential-mechanism picks, the genetic algorithm's elitism on
// the recomputed loss (its sparse updates are exact), and MWEM/RAP fitting noise-free answers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "blackbox/private_gsd_experiment.hpp"
#include "blackbox/private_query.hpp"
#include "blackbox/synthesizers.hpp"

using namespace klab;
using namespace klab::blackbox;

namespace {

// Noise-free measurements of the first `k` queries (answers of the real data).
Measurements exact_measurements(const std::vector<Query>& qs, const std::vector<Point2>& real, int k) {
  Measurements m;
  const std::vector<double> truth = query_answers(qs, real);
  for (int j = 0; j < k; ++j) m.index.push_back(j), m.noisy.push_back(truth[static_cast<size_t>(j)]);
  return m;
}

double loss_of_answers(const std::vector<double>& a, const Measurements& m) {
  double l = 0.0;
  for (size_t j = 0; j < m.index.size(); ++j) l += (a[static_cast<size_t>(m.index[j])] - m.noisy[j]) * (a[static_cast<size_t>(m.index[j])] - m.noisy[j]);
  return l;
}

}  // namespace

TEST_CASE("blackbox.private_gsd: ρ-zCDP ↔ (ε, δ): ρ + 2√(ρ ln 1/δ) = ε, and the release spends exactly ρ") {
  for (double eps : {0.01, 0.3, 1.0, 10.0})
    for (double delta : {1e-9, 1e-6, 1e-2}) {
      const double rho = zcdp_rho(eps, delta), l = std::log(1.0 / delta);
      CHECK(rho + 2.0 * std::sqrt(rho * l) == doctest::Approx(eps).epsilon(1e-12));
      for (int t : {1, 4}) {
        const int k = 8, n = 500;
        const ReleaseBudget b = release_budget(rho, t, k, n);
        // T·K picks at ε₀²/8 each and T·K Gaussian measurements at Δ²/(2σ²), Δ = 1/n.
        const double spent = t * k * (b.pick_epsilon * b.pick_epsilon / 8.0 + 1.0 / (2.0 * n * n * b.noise_sd * b.noise_sd));
        CHECK(spent == doctest::Approx(rho).epsilon(1e-12));
      }
    }
  CHECK(zcdp_rho(1.0, 1e-6) == doctest::Approx(0.017468904769123432).epsilon(1e-12).scale(0.0));  // (√(1 + ln 10⁶) − √(ln 10⁶))², Python
}

TEST_CASE("blackbox.private_gsd: relaxed queries: gradients match finite differences; steep slopes give the hard query") {
  Rng rng(3, 0, 0);
  for (QueryKind kind : {QueryKind::Halfspace, QueryKind::Prefix, QueryKind::Bump}) {
    const std::vector<Query> qs = make_queries(kind, 20, 0.15, rng);
    for (const Query& q : qs) {
      const Point2 p{rng.uniform(), rng.uniform()};
      Point2 g, unused;
      relaxed_value(q, p, 7.0, &g);
      const double h = 1e-6;
      const double dx = (relaxed_value(q, {p.x + h, p.y}, 7.0, &unused) - relaxed_value(q, {p.x - h, p.y}, 7.0, &unused)) / (2 * h);
      const double dy = (relaxed_value(q, {p.x, p.y + h}, 7.0, &unused) - relaxed_value(q, {p.x, p.y - h}, 7.0, &unused)) / (2 * h);
      CHECK(g.x == doctest::Approx(dx).epsilon(1e-6).scale(1e-3));
      CHECK(g.y == doctest::Approx(dy).epsilon(1e-6).scale(1e-3));
      CHECK(relaxed_value(q, p, 1e6, &unused) == doctest::Approx(query_value(q, p)).epsilon(1e-6));
    }
  }
}

TEST_CASE("blackbox.private_gsd: picks are distinct, skip measured queries, follow the scores at large ε₀ and are uniform at ε₀ = 0") {
  const std::vector<double> real{0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
  const std::vector<double> synth{0.5, 0.1, 0.45, 0.9, 0.3, 0.5};  // errors 0, .4, .05, .4, .2, 0
  std::vector<char> measured{0, 0, 0, 1, 0, 0};
  Rng rng(11, 0, 0);
  const std::vector<int> sharp = pick_queries(real, synth, measured, 3, 1e9, 1000, rng);
  CHECK(sharp == std::vector<int>{1, 4, 2});
  measured.assign(6, 0);
  std::vector<int> first(6, 0);
  const int draws = 6000;
  for (int i = 0; i < draws; ++i) {
    const std::vector<int> p = pick_queries(real, synth, measured, 6, 0.0, 1000, rng);
    REQUIRE(p.size() == 6);
    std::vector<int> seen(6, 0);
    for (int j : p) ++seen[static_cast<size_t>(j)];
    CHECK(seen == std::vector<int>(6, 1));
    ++first[static_cast<size_t>(p.front())];
  }
  for (int c : first) CHECK(std::fabs(c - draws / 6.0) < 5.0 * std::sqrt(draws * (1.0 / 6) * (5.0 / 6)));  // 5 standard deviations
}

TEST_CASE("blackbox.private_gsd: the genetic algorithm never loses its best loss (recomputed from the rows) and fits exact answers") {
  Rng data(5, 0, 1), queries(5, 0, 2);
  const std::vector<Point2> real = make_real_data(RealData::Moons, 400, data);
  const std::vector<Query> qs = make_queries(QueryKind::Halfspace, 24, 0.1, queries);
  const Measurements m = exact_measurements(qs, real, 24);
  GsdSettings s;
  s.rows = 50, s.population = 10, s.elite = 3;
  auto gsd = make_gsd(s, Rng(5, 0, 3));
  gsd->measured(qs, m);
  const double start = measured_loss(qs, m, gsd->data().points);
  double last = start;
  for (int g = 0; g < 1500; ++g) {
    gsd->fit_step(qs, m);
    const double now = measured_loss(qs, m, gsd->data().points);
    REQUIRE(now <= last + 1e-12);  // elitism on the true loss: the sparse updates track it exactly
    last = now;
  }
  CHECK(last < 0.02 * start);
  CHECK(loss_of_answers(gsd->answers(qs), m) == doctest::Approx(last).epsilon(1e-12));
}

TEST_CASE("blackbox.private_gsd: MWEM keeps a distribution and RAP descends on exact smooth answers") {
  Rng data(6, 0, 1), queries(6, 0, 2);
  const std::vector<Point2> real = make_real_data(RealData::Ring, 400, data);
  const std::vector<Query> qs = make_queries(QueryKind::Bump, 16, 0.12, queries);
  const Measurements m = exact_measurements(qs, real, 16);
  MwemSettings ms;
  ms.grid = 16;
  auto mwem = make_mwem(ms);
  mwem->measured(qs, m);
  const double mwem_start = loss_of_answers(mwem->answers(qs), m);
  for (int i = 0; i < 400; ++i) mwem->fit_step(qs, m);
  double total = 0.0;
  double smallest = 1.0;
  for (double w : mwem->data().weights) total += w, smallest = std::min(smallest, w);
  CHECK(smallest > 0.0);
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(loss_of_answers(mwem->answers(qs), m) < 0.1 * mwem_start);
  RapSettings rs;
  rs.rows = 50;
  auto rap = make_rap(rs, Rng(6, 0, 3));
  rap->measured(qs, m);
  const double rap_start = loss_of_answers(rap->answers(qs), m);
  for (int i = 0; i < 300; ++i) rap->fit_step(qs, m);
  CHECK(loss_of_answers(rap->answers(qs), m) < 0.1 * rap_start);
  for (const Point2& p : rap->data().points) CHECK((p.x >= 0.0 && p.x <= 1.0 && p.y >= 0.0 && p.y <= 1.0));
}

TEST_CASE("blackbox.private_gsd: the parameters reject T·K > m and ε_min > ε_max by name") {
  PgsdExperiment e;
  Status s = e.params().set_texts({{"rounds", "5"}, {"per_round", "8"}});
  CHECK(!s.ok());
  CHECK(s.message().find("per_round") != std::string::npos);
  s = e.params().set_texts({{"eps_min", "3"}, {"eps_max", "1"}});
  CHECK(!s.ok());
  CHECK(s.message().find("eps_min") != std::string::npos);
  CHECK(e.params().set_texts({{"rounds", "2"}, {"per_round", "16"}}).ok());
}
