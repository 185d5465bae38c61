// blackbox.private_gsd's pieces (src/blackbox/private_query.hpp, synthesizers.hpp): the zCDP
// conversion and budget split against their defining equations, the relaxed queries' gradients
// against finite differences, the exponential-mechanism picks, the genetic algorithm's elitism on
// the recomputed loss (its sparse updates are exact), MWEM/RAP fitting noise-free answers, and the
// d-dimensional queries, data and MWEM grid against brute force.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "blackbox/categorical.hpp"
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

// `generations` generations of the genetic algorithm, the loss recomputed from its rows after each
// never increasing (elitism on the true loss: the sparse updates track it exactly); returns
// {the starting loss, the last}.
std::pair<double, double> run_elitist(Synthesizer& gsd, const std::vector<Query>& qs, const Measurements& m, int generations) {
  gsd.measured(qs, m);
  const double start = measured_loss(qs, m, gsd.data().points);
  double last = start;
  for (int g = 0; g < generations; ++g) {
    gsd.fit_step(qs, m);
    const double now = measured_loss(qs, m, gsd.data().points);
    REQUIRE(now <= last + 1e-12);
    last = now;
  }
  return {start, last};
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
  const auto [start, last] = run_elitist(*gsd, qs, m, 1500);
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

// ---------------------------------------------------------------------------------------------
// Categorical data and k-way marginals (src/blackbox/categorical.hpp)

TEST_CASE("blackbox.private_gsd categorical: the workload is every cell of every k-way marginal; answers against a brute-force count; each marginal sums to 1") {
  const int d = 5;
  const std::vector<int> levels = categorical_levels(d);
  for (int s : levels) CHECK((s >= 2 && s <= 8));
  CHECK(levels == std::vector<int>{8, 4, 7, 3, 6});
  CHECK(categorical_domain_cells(levels) == 8.0 * 4 * 7 * 3 * 6);
  Rng data(10, 0, 1);
  const Rows real = make_real_data(RealData::Categorical, 500, d, data);
  REQUIRE(real.size() == 500);
  for (size_t i = 0; i < real.size(); ++i)
    for (int a = 0; a < d; ++a) CHECK((real[i][a] == std::floor(real[i][a]) && real[i][a] >= 0 && real[i][a] < levels[static_cast<size_t>(a)]));
  for (int k = 1; k <= 3; ++k) {
    const std::vector<Query> qs = make_marginal_queries(levels, k);
    double cells = 0.0;  // Σ over the k-subsets (bit masks) of Π s_a
    for (int mask = 0; mask < (1 << d); ++mask) {
      if (__builtin_popcount(static_cast<unsigned>(mask)) != k) continue;
      double product = 1.0;
      for (int a = 0; a < d; ++a)
        if (mask >> a & 1) product *= levels[static_cast<size_t>(a)];
      cells += product;
    }
    CHECK(static_cast<double>(qs.size()) == cells);
    CHECK(marginal_cell_count(levels, k) == cells);
    const std::vector<double> answers = query_answers(qs, real);
    double marginal_sum = 0.0;
    size_t start = 0;
    for (size_t j = 0; j < qs.size(); ++j) {
      const Query& q = qs[j];
      REQUIRE(q.attributes.size() == static_cast<size_t>(k));
      double count = 0.0;
      for (size_t i = 0; i < real.size(); ++i) {
        bool in = true;
        for (int t = 0; t < k; ++t) in = in && real[i][q.attributes[static_cast<size_t>(t)]] == q.values[static_cast<size_t>(t)];
        count += in ? 1.0 : 0.0;
      }
      CHECK(answers[j] == count / 500.0);
      marginal_sum += answers[j];
      if (j + 1 == qs.size() || qs[j + 1].attributes != q.attributes) {  // the marginal's last cell
        CHECK(marginal_sum == doctest::Approx(1.0).epsilon(1e-12));
        CHECK(static_cast<double>(j + 1 - start) == categorical_domain_cells([&] {
          std::vector<int> sizes;
          for (int a : q.attributes) sizes.push_back(levels[static_cast<size_t>(a)]);
          return sizes;
        }()));
        marginal_sum = 0.0, start = j + 1;
      }
    }
  }
}

TEST_CASE("blackbox.private_gsd categorical: the latent classes make attributes 1 and 2 dependent") {
  Rng data(11, 0, 1);
  const int n = 20000;
  const Rows real = make_real_data(RealData::Categorical, n, 3, data);
  const std::vector<int> levels = categorical_levels(3);
  const std::vector<double> joint = query_answers(marginal_cells(levels, {0, 1}), real);
  const std::vector<double> first = query_answers(marginal_cells(levels, {0}), real), second = query_answers(marginal_cells(levels, {1}), real);
  double distance = 0.0;  // Σ |P(x₁, x₂) − P(x₁)P(x₂)|: twice the total variation from independence
  for (int v2 = 0; v2 < levels[1]; ++v2)
    for (int v1 = 0; v1 < levels[0]; ++v1)
      distance += std::fabs(joint[static_cast<size_t>(v1 + levels[0] * v2)] - first[static_cast<size_t>(v1)] * second[static_cast<size_t>(v2)]);
  // Sampling alone gives about Σ √(p(1 − p)/n) ≤ √(32/n) ≈ 0.04 at n = 2·10⁴.
  CHECK(distance > 0.15);
}

TEST_CASE("blackbox.private_gsd categorical: the genetic algorithm keeps categories and never loses its loss; RAP's relaxed rows and MWEM's records fit exact marginals") {
  const int d = 4;
  const std::vector<int> levels = categorical_levels(d);
  Rng data(12, 0, 1);
  const Rows real = make_real_data(RealData::Categorical, 400, d, data);
  const std::vector<Query> qs = make_marginal_queries(levels, 2);
  const int k = 60;
  const Measurements m = exact_measurements(qs, real, k);
  GsdSettings gs;
  gs.dims = d, gs.levels = levels, gs.rows = 50, gs.population = 10, gs.elite = 3;
  auto gsd = make_gsd(gs, Rng(12, 0, 3));
  const auto [start, last] = run_elitist(*gsd, qs, m, 600);
  CHECK(last < 0.1 * start);
  const Rows& rows = gsd->data().points;
  for (size_t i = 0; i < rows.size(); ++i)
    for (int a = 0; a < d; ++a) CHECK((rows[i][a] == std::floor(rows[i][a]) && rows[i][a] >= 0 && rows[i][a] < levels[static_cast<size_t>(a)]));
  RapSettings rs;
  rs.dims = d, rs.rows = 50, rs.learning_rate = 0.05;
  auto rap = make_rap_categorical(rs, levels, Rng(12, 0, 4));
  rap->measured(qs, m);
  const double rap_start = loss_of_answers(rap->answers(qs), m);
  for (int i = 0; i < 300; ++i) rap->fit_step(qs, m);
  CHECK(loss_of_answers(rap->answers(qs), m) < 0.05 * rap_start);
  // The relaxed rows are distributions: every marginal of RAP's answers sums to 1.
  const std::vector<double> rap_first = rap->answers(marginal_cells(levels, {2}));
  CHECK(std::accumulate(rap_first.begin(), rap_first.end(), 0.0) == doctest::Approx(1.0).epsilon(1e-12));
  MwemSettings ms;
  ms.dims = d, ms.levels = levels;
  auto mwem = make_mwem(ms);
  const std::vector<double> uniform = mwem->answers(qs);  // the uniform start: a cell of A has 1/(s_a s_b)
  for (size_t j = 0; j < qs.size(); ++j)
    CHECK(uniform[j] == doctest::Approx(1.0 / (levels[static_cast<size_t>(qs[j].attributes[0])] * levels[static_cast<size_t>(qs[j].attributes[1])])).epsilon(1e-12));
  mwem->measured(qs, m);
  const double mwem_start = loss_of_answers(uniform, m);
  for (int i = 0; i < 100; ++i) mwem->fit_step(qs, m);
  CHECK(loss_of_answers(mwem->answers(qs), m) < 0.05 * mwem_start);
}

TEST_CASE("blackbox.private_gsd categorical: RAP's relaxed loss: its gradient in the logits matches central differences; the relaxed rows are distributions") {
  const std::vector<int> levels{3, 4, 2};
  std::vector<Query> qs = make_marginal_queries(levels, 2);
  const std::vector<Query> three = make_marginal_queries(levels, 3);
  qs.insert(qs.end(), three.begin(), three.end());
  Rng rng(13, 0, 1);
  Measurements m;
  for (size_t j = 0; j < qs.size(); j += 2) m.index.push_back(static_cast<int>(j)), m.noisy.push_back(0.3 * rng.uniform());
  const size_t rows = 4, width = 9;
  std::vector<double> z(rows * width);
  for (double& v : z) v = 2.0 * rng.uniform() - 1.0;
  const std::vector<double> p = relaxed_rows(levels, z);
  for (size_t i = 0; i < rows; ++i) {
    CHECK(p[i * width + 0] + p[i * width + 1] + p[i * width + 2] == doctest::Approx(1.0).epsilon(1e-14));
    CHECK(p[i * width + 7] + p[i * width + 8] == doctest::Approx(1.0).epsilon(1e-14));
  }
  std::vector<double> gradient, unused;
  relaxed_marginal_loss(levels, p, qs, m, &gradient);
  REQUIRE(gradient.size() == z.size());
  CHECK(std::fabs(*std::max_element(gradient.begin(), gradient.end(), [](double l, double r) { return std::fabs(l) < std::fabs(r); })) > 1e-3);  // not flat here
  const double h = 1e-6;
  for (size_t c = 0; c < z.size(); ++c) {
    std::vector<double> up = z, down = z;
    up[c] += h, down[c] -= h;
    const double numeric = (relaxed_marginal_loss(levels, relaxed_rows(levels, up), qs, m, &unused) -
                            relaxed_marginal_loss(levels, relaxed_rows(levels, down), qs, m, &unused)) / (2.0 * h);
    CAPTURE(c);
    CHECK(gradient[c] == doctest::Approx(numeric).epsilon(1e-6).scale(1e-3));
  }
}

TEST_CASE("blackbox.private_gsd categorical: the parameters: the defaults run at d = 2 (32 cells); k > d, too many cells, T·K > m and MWEM alone on too many records are refused by name") {
  PgsdExperiment e;
  REQUIRE(e.params().set_texts({{"data", "categorical"}}).ok());
  CHECK(pgsd_query_total(e.p()) == 32.0);
  CHECK(pgsd_mwem_feasible(e.p()));
  Status s = e.params().set_texts({{"marginal_k", "3"}});
  CHECK(!s.ok());
  CHECK(s.message().find("marginal_k") != std::string::npos);
  s = e.params().set_texts({{"dims", "64"}, {"marginal_k", "3"}});
  CHECK(!s.ok());
  CHECK(s.message().find("'dims'") != std::string::npos);
  CHECK(e.params().set_texts({{"dims", "2"}, {"marginal_k", "1"}, {"per_round", "2"}}).ok());  // 12 one-way cells, T·K = 8
  s = e.params().set_texts({{"per_round", "4"}});
  CHECK(!s.ok());
  CHECK(s.message().find("per_round") != std::string::npos);
  CHECK(s.message().find("marginal cells") != std::string::npos);
  s = e.params().set_texts({{"series", "mwem"}, {"dims", "8"}, {"marginal_k", "2"}, {"per_round", "8"}});  // 322560 records
  CHECK(!s.ok());
  CHECK(s.message().find("series") != std::string::npos);
  CHECK(e.params().set_texts({{"series", "gsd,rap,mwem"}, {"dims", "7"}, {"marginal_k", "2"}, {"per_round", "8"}}).ok());  // 40320 records
  CHECK(pgsd_mwem_feasible(e.p()));
}

TEST_CASE("blackbox.private_gsd categorical: a random subset of the marginals: M distinct sets in lexicographic order, uniform over the C(d, k), fixed by (seed, run); the error is also measured on every cell") {
  const std::vector<std::vector<int>> all = marginal_sets(5, 2);
  REQUIRE(all.size() == 10);
  CHECK(all.front() == std::vector<int>{0, 1});
  CHECK(all.back() == std::vector<int>{3, 4});
  CHECK(marginal_set_count(5, 2) == 10.0);
  CHECK(marginal_set_count(64, 3) == 41664.0);
  // levels 8, 4, 7, 3, 6: Σ of the 10 pairwise products = 305
  CHECK(static_cast<double>(make_marginal_queries(categorical_levels(5), 2).size()) == marginal_cell_count(categorical_levels(5), 2));
  CHECK(marginal_cell_count(categorical_levels(5), 2) == 305.0);
  std::vector<int> hits(all.size(), 0);
  Rng rng(20, 0, 1);
  const int draws = 2000;
  for (int draw = 0; draw < draws; ++draw) {
    const std::vector<std::vector<int>> sets = sample_marginal_sets(5, 2, 3, rng);
    REQUIRE(sets.size() == 3);
    for (size_t i = 0; i < sets.size(); ++i) {
      const size_t at = static_cast<size_t>(std::find(all.begin(), all.end(), sets[i]) - all.begin());
      REQUIRE(at < all.size());
      ++hits[at];
      if (i > 0) CHECK(sets[i - 1] < sets[i]);  // lexicographic, hence distinct
    }
  }
  // Each set is in a draw with probability 3/10: 600 of 2000 expected, standard deviation √(2000·0.3·0.7) ≈ 20.5.
  for (int h : hits) CHECK(std::abs(h - 600) < 5 * 20.5);
  CHECK(sample_marginal_sets(5, 2, 10, rng) == all);
  CHECK(fewest_marginal_cells(categorical_levels(5), 2, 2) == 3.0 * 4 + 3.0 * 6);  // levels 8, 4, 7, 3, 6: the two smallest pairs

  PgsdExperiment e;
  REQUIRE(e.params().set_texts({{"data", "categorical"}, {"dims", "5"}, {"real_size", "300"}}).ok());
  const auto whole = make_private_problem(e.p(), 7, 0);
  CHECK(whole->asked_sets.empty());
  CHECK(whole->all_queries.empty());
  CHECK(static_cast<double>(whole->queries.size()) == marginal_cell_count(categorical_levels(5), 2));
  REQUIRE(e.params().set_texts({{"marginals", "3"}}).ok());
  const auto a = make_private_problem(e.p(), 7, 0), b = make_private_problem(e.p(), 7, 0);
  CHECK(a->asked_sets == b->asked_sets);
  CHECK(a->real.v == whole->real.v);  // the data stream is untouched by the draw
  REQUIRE(a->asked_sets.size() == 3);
  size_t asked_cells = 0;  // Σ over the asked sets of Π_{a∈A} s_a
  for (const std::vector<int>& set : a->asked_sets) asked_cells += static_cast<size_t>(a->levels[static_cast<size_t>(set[0])] * a->levels[static_cast<size_t>(set[1])]);
  CHECK(a->queries.size() == asked_cells);
  CHECK(a->truth.size() == asked_cells);
  CHECK(a->all_truth == whole->truth);
  for (size_t j = 0; j < a->queries.size(); ++j) {  // every asked cell is a cell of the whole workload, with the same real answer
    const Query& q = a->queries[j];
    const auto at = std::find_if(a->all_queries.begin(), a->all_queries.end(), [&](const Query& c) { return c.attributes == q.attributes && c.values == q.values; });
    REQUIRE(at != a->all_queries.end());
    CHECK(a->truth[j] == a->all_truth[static_cast<size_t>(at - a->all_queries.begin())]);
  }
  bool differs = false;  // other runs draw other sets (C(5, 2) = 10: 120 possible triples)
  for (uint32_t run = 1; run <= 4; ++run) differs = differs || make_private_problem(e.p(), 7, run)->asked_sets != a->asked_sets;
  CHECK(differs);

  // The run reports both errors; the max over all cells bounds the max over the asked ones from above.
  REQUIRE(e.params().set_texts({{"eps_points", "2"}, {"generations", "20"}, {"gradient_steps", "10"}, {"sweeps", "5"}}).ok());
  const RunLayout layout = e.layout();
  REQUIRE(layout.find_curve("max_error_all") >= 0);
  REQUIRE(layout.find_final("mean_error_all_at_eps_max") >= 0);
  RunRecord record(layout);
  e.run(7, 0, layout, record);
  const size_t asked = static_cast<size_t>(layout.find_final("max_error_at_eps_max")), every = static_cast<size_t>(layout.find_final("max_error_all_at_eps_max"));
  for (size_t s = 0; s < layout.series.size(); ++s) {
    const double on_asked = record.finals()[layout.final_index(s, asked)], on_all = record.finals()[layout.final_index(s, every)];
    CAPTURE(layout.series[s]);
    CHECK(std::isfinite(on_asked));
    CHECK(on_all >= on_asked);
  }
}

TEST_CASE("blackbox.private_gsd categorical: the marginals asked: more than C(d, k) and T·K above the fewest cells they can have are refused by name") {
  PgsdExperiment e;
  REQUIRE(e.params().set_texts({{"data", "categorical"}, {"dims", "4"}}).ok());  // C(4, 2) = 6 marginals
  CHECK(e.layout().find_curve("max_error_all") < 0);                            // all asked: no second error
  Status s = e.params().set_texts({{"marginals", "7"}});
  CHECK(!s.ok());
  CHECK(s.message().find("'marginals'") != std::string::npos);
  CHECK(e.params().set_texts({{"marginals", "6"}}).ok());
  s = e.params().set_texts({{"marginals", "1"}});  // the smallest pair has 4·3 = 12 cells < T·K = 32
  CHECK(!s.ok());
  CHECK(s.message().find("per_round") != std::string::npos);
  CHECK(s.message().find("1 random marginals") != std::string::npos);
  CHECK(e.params().set_texts({{"marginals", "1"}, {"per_round", "3"}}).ok());
  CHECK(e.params().set_texts({{"data", "blobs"}, {"marginals", "1"}, {"per_round", "8"}}).ok());  // real-valued data: unused
  CHECK(e.layout().find_curve("max_error_all") < 0);
}
