// blackbox.private_gsd's pieces (src/blackbox/private_query.hpp, synthesizers.hpp): the zCDP
// conversion and budget split against their defining equations, the relaxed queries' gradients
// against finite differences, the exponential-mechanism picks, the genetic algorithm's elitism on
// the recomputed loss (its sparse updates are exact), MWEM/RAP fitting noise-free answers, and the
// d-dimensional queries, data and MWEM grid against brute force.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "blackbox/private_gsd_experiment.hpp"
#include "blackbox/private_query.hpp"
#include "blackbox/synthesizers.hpp"

using namespace klab;
using namespace klab::blackbox;

namespace {

// Noise-free measurements of the first `k` queries (answers of the real data).
Measurements exact_measurements(const std::vector<Query>& qs, const Rows& real, int k) {
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
  for (int d : {2, 5})
    for (QueryKind kind : {QueryKind::Halfspace, QueryKind::Prefix, QueryKind::Bump}) {
      const std::vector<Query> qs = make_queries(kind, 20, d, 0.15, rng);
      for (const Query& q : qs) {
        std::vector<double> x(static_cast<size_t>(d)), g(x.size()), unused(x.size());
        for (double& v : x) v = rng.uniform();
        relaxed_value(q, x.data(), d, 7.0, g.data());
        const double h = 1e-6;
        for (size_t k = 0; k < x.size(); ++k) {
          std::vector<double> up = x, down = x;
          up[k] += h, down[k] -= h;
          const double fd = (relaxed_value(q, up.data(), d, 7.0, unused.data()) - relaxed_value(q, down.data(), d, 7.0, unused.data())) / (2 * h);
          CHECK(g[k] == doctest::Approx(fd).epsilon(1e-6).scale(1e-3));
        }
        CHECK(relaxed_value(q, x.data(), d, 1e6, unused.data()) == doctest::Approx(query_value(q, x.data())).epsilon(1e-6));
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
  const Rows real = make_real_data(RealData::Moons, 400, 2, data);
  const std::vector<Query> qs = make_queries(QueryKind::Halfspace, 24, 2, 0.1, queries);
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
  const Rows real = make_real_data(RealData::Ring, 400, 2, data);
  const std::vector<Query> qs = make_queries(QueryKind::Bump, 16, 2, 0.12, queries);
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
  for (double v : rap->data().points.v) CHECK((v >= 0.0 && v <= 1.0));
}

TEST_CASE("blackbox.private_gsd: d-dimensional queries and data against brute force") {
  const int d = 7;
  Rng data(8, 0, 1), queries(8, 0, 2);
  const Rows real = make_real_data(RealData::Blobs, 300, d, data);
  REQUIRE(real.size() == 300);
  for (double v : real.v) CHECK((v >= 0.0 && v <= 1.0));
  for (QueryKind kind : {QueryKind::Halfspace, QueryKind::Prefix, QueryKind::Bump}) {
    const std::vector<Query> qs = make_queries(kind, 12, d, 0.2, queries);
    const std::vector<double> answers = query_answers(qs, real);
    for (size_t j = 0; j < qs.size(); ++j) {
      const Query& q = qs[j];
      double count = 0.0;
      for (size_t i = 0; i < real.size(); ++i) {
        std::vector<double> x(real[i], real[i] + d);
        if (kind == QueryKind::Halfspace) count += std::inner_product(x.begin(), x.end(), q.theta.begin(), 0.0) <= q.c ? 1.0 : 0.0;
        if (kind == QueryKind::Prefix) count += x[static_cast<size_t>(q.u)] <= q.a && x[static_cast<size_t>(q.v)] <= q.b ? 1.0 : 0.0;
        if (kind == QueryKind::Bump)
          count += std::exp(-(std::pow(x[static_cast<size_t>(q.u)] - q.a, 2) + std::pow(x[static_cast<size_t>(q.v)] - q.b, 2)) / (2 * 0.2 * 0.2));
      }
      CHECK(answers[j] == doctest::Approx(count / 300.0).epsilon(1e-12).scale(1e-12));
      if (kind == QueryKind::Halfspace) {
        REQUIRE(q.theta.size() == static_cast<size_t>(d));
        CHECK(std::inner_product(q.theta.begin(), q.theta.end(), q.theta.begin(), 0.0) == doctest::Approx(1.0).epsilon(1e-12));
      } else {
        CHECK((q.u != q.v && q.u >= 0 && q.u < d && q.v >= 0 && q.v < d));
      }
    }
  }
}

TEST_CASE("blackbox.private_gsd: MWEM on a 3-D grid: the uniform start answers the mean over the cell centres; after a sweep the view's marginal on attributes 1, 2 answers as the full grid") {
  Rng queries(9, 0, 2);
  const int g = 6, d = 3;
  const std::vector<Query> qs = make_queries(QueryKind::Halfspace, 5, d, 0.1, queries);
  MwemSettings ms;
  ms.grid = g, ms.dims = d;
  auto mwem = make_mwem(ms);
  const std::vector<double> a = mwem->answers(qs);
  for (size_t j = 0; j < qs.size(); ++j) {
    double sum = 0.0;
    for (int i0 = 0; i0 < g; ++i0)
      for (int i1 = 0; i1 < g; ++i1)
        for (int i2 = 0; i2 < g; ++i2) {
          const double x[3] = {(i0 + 0.5) / g, (i1 + 0.5) / g, (i2 + 0.5) / g};
          sum += query_value(qs[j], x);
        }
    CHECK(a[j] == doctest::Approx(sum / (g * g * g)).epsilon(1e-12));
  }
  // After a sweep the weights are no longer uniform; the view's marginal on attributes 1, 2 (planar
  // cell i₀ + i₁·g) answers a query on those two attributes as the full grid does.
  Query on_plane;
  on_plane.kind = QueryKind::Prefix;
  on_plane.u = 0, on_plane.v = 1, on_plane.a = 0.45, on_plane.b = 0.7;
  const std::vector<Query> fitted = {qs[0], on_plane};  // a halfspace over all three attributes, and the plane's prefix
  Measurements m;
  m.index = {0, 1};
  m.noisy = {0.9, 0.9};
  mwem->measured(fitted, m);
  mwem->fit_step(fitted, m);
  const SyntheticData view = mwem->data();
  REQUIRE(view.weights.size() == static_cast<size_t>(g * g));
  CHECK(std::accumulate(view.weights.begin(), view.weights.end(), 0.0) == doctest::Approx(1.0).epsilon(1e-12));
  double from_view = 0.0;
  for (int i1 = 0; i1 < g; ++i1)
    for (int i0 = 0; i0 < g; ++i0) {
      const double x[2] = {(i0 + 0.5) / g, (i1 + 0.5) / g};
      from_view += view.weights[static_cast<size_t>(i0 + i1 * g)] * query_value(on_plane, x);
    }
  CHECK(mwem->answers({on_plane})[0] != doctest::Approx(make_mwem(ms)->answers({on_plane})[0]).epsilon(1e-3));  // the sweep moved it
  CHECK(from_view == doctest::Approx(mwem->answers({on_plane})[0]).epsilon(1e-12));
  CHECK(mwem_cells(32, 3) == 32768.0);
  PgsdParams p;
  p.dims = 3;
  CHECK(pgsd_mwem_feasible(p));
  p.dims = 4;  // 32⁴ = 2^20 cells
  CHECK(!pgsd_mwem_feasible(p));
}

TEST_CASE("blackbox.private_gsd: the parameters reject T·K > m, ε_min > ε_max and MWEM alone above its largest grid by name") {
  PgsdExperiment e;
  Status s = e.params().set_texts({{"rounds", "5"}, {"per_round", "8"}});
  CHECK(!s.ok());
  CHECK(s.message().find("per_round") != std::string::npos);
  s = e.params().set_texts({{"eps_min", "3"}, {"eps_max", "1"}});
  CHECK(!s.ok());
  CHECK(s.message().find("eps_min") != std::string::npos);
  CHECK(e.params().set_texts({{"rounds", "2"}, {"per_round", "16"}}).ok());
  s = e.params().set_texts({{"series", "mwem"}, {"dims", "8"}});  // MWEM alone where its grid is too large
  CHECK(!s.ok());
  CHECK(s.message().find("series") != std::string::npos);
  CHECK(e.params().set_texts({{"series", "gsd,mwem"}, {"dims", "8"}}).ok());
}
