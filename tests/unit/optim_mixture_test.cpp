// Known answers for the mixture-weight estimators (src/optim/mixture.hpp): the entropic step as the
// add-1/M estimator on point masses, the projection onto the truncated simplex, the bump recurrence
// against the Gaussian formula, the alias table's probabilities, EM's MLE on counts, the quadrature,
// the parameter rules, and the lazy O(support) entropic step against the dense one.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/divergences.hpp"
#include "optim/mixture.hpp"
#include "optim/mixture_experiment.hpp"
#include "optim/mixture_lazy.hpp"

namespace optim = klab::optim;

namespace {

// Entropic SMD (c, t₀ = 0) and its polynomial-decay average (ρ) from a non-uniform start, dense (entropic_step,
// polynomial_average) and lazy (LazyEntropic, fed f(x) on its support) on the same samples, `steps` of them; with
// window ≥ 0, f is truncated to the components within `window` of the sample's nearest centre (a truncated-bump
// dictionary, the sparse case the lazy step is for). Both must agree to 1e-12 relative.
void check_lazy_equals_dense(const optim::MixtureModel& m, int window, double c, double rho, long long fold_every, int steps,
                             long long min_folds) {
  const int k = m.components;
  const optim::AliasTable alias = optim::make_alias_table(m.target);
  klab::Rng rng(11, 0, optim::kMixtureSampleStream);
  std::vector<double> start(static_cast<size_t>(k)), f(static_cast<size_t>(k)), value, lazy_w, lazy_avg;
  double total = 0.0;
  for (int i = 0; i < k; ++i) total += start[static_cast<size_t>(i)] = 1.0 + i % 3;
  for (double& x : start) x /= total;
  std::vector<double> w = start, avg = start;
  std::vector<int> index;
  optim::LazyEntropic lazy(start, true, fold_every);
  for (int t = 0; t < steps; ++t) {
    const optim::MixturePoint x = optim::sample_target(m, alias, rng);
    optim::evaluate_components(m, x, f.data());
    const int centre = optim::nearest_centre(k, m.spacing(), x.x);
    index.clear();
    value.clear();
    for (int i = 0; i < k; ++i) {
      if (window >= 0 && std::abs(i - centre) > window) f[static_cast<size_t>(i)] = 0.0;
      if (f[static_cast<size_t>(i)] != 0.0) index.push_back(i), value.push_back(f[static_cast<size_t>(i)]);
    }
    const double eta = optim::entropic_eta(c, 0.0, t), a = (rho + 1.0) / (t + 1.0 + rho);
    REQUIRE(optim::entropic_step(w.data(), f.data(), k, eta));
    optim::polynomial_average(avg.data(), w.data(), k, a);
    REQUIRE(lazy.step(index.data(), value.data(), static_cast<int>(index.size()), eta, a));
  }
  lazy.weights(lazy_w);
  lazy.average(lazy_avg);
  double worst = 0.0;  // the largest relative difference, iterate or average
  for (size_t i = 0; i < w.size(); ++i) {
    CAPTURE(i);
    CHECK(std::fabs(lazy_w[i] - w[i]) <= 1e-12 * w[i]);
    CHECK(std::fabs(lazy_avg[i] - avg[i]) <= 1e-12 * avg[i]);
    worst = std::max({worst, std::fabs(lazy_w[i] / w[i] - 1.0), std::fabs(lazy_avg[i] / avg[i] - 1.0)});
  }
  MESSAGE("M = " << k << ", c = " << c << ", ρ = " << rho << ": lazy vs dense, largest relative difference " << worst << " after "
                 << lazy.folds() << " folds");
  CHECK(lazy.folds() >= min_folds);
}

}  // namespace

TEST_CASE("optim: entropic SMD with η_t = 1/(t+2) on point masses is the add-1/M estimator (c_i + 1/M)/(n + 1)") {
  const optim::MixtureModel m = optim::make_model(optim::Dictionary::Categorical, 7, 2, 0.05);
  const optim::AliasTable table = optim::make_alias_table(m.target);
  klab::Rng rng(3, 0, 0);
  std::vector<double> w(7, 1.0 / 7), f(7), counts(7, 0.0);
  for (int t = 0; t < 5000; ++t) {
    const optim::MixturePoint x = optim::sample_target(m, table, rng);
    optim::evaluate_components(m, x, f.data());
    REQUIRE(optim::entropic_step(w.data(), f.data(), 7, 1.0 / (t + 2.0)));
    counts[static_cast<size_t>(x.x)] += 1.0;
  }
  for (size_t i = 0; i < 7; ++i) CHECK(w[i] == doctest::Approx((counts[i] + 1.0 / 7) / 5001.0).epsilon(1e-11));
  CHECK(counts[5] == 0.0);  // the two zero-probability categories are never drawn
  CHECK(counts[6] == 0.0);
}

namespace {

// The sort-based projection (Held–Wolfe–Crowder 1974 / Duchi et al. 2008), the reference for
// Michelot's passes: sort v = w − δ descending, τ from the longest prefix whose last value exceeds it.
std::vector<double> sorted_projection(std::vector<double> w, double floor) {
  const int m = static_cast<int>(w.size());
  std::vector<double> v(w.size());
  for (size_t i = 0; i < w.size(); ++i) v[i] = w[i] - floor;
  std::sort(v.begin(), v.end(), [](double a, double b) { return a > b; });
  double cumulative = 0.0, tau = 0.0;
  for (int k = 0; k < m; ++k) {
    cumulative += v[static_cast<size_t>(k)];
    const double t = (cumulative - (1.0 - m * floor)) / (k + 1);
    if (v[static_cast<size_t>(k)] - t > 0.0) tau = t;
  }
  for (double& x : w) x = floor + std::max(0.0, x - floor - tau);
  return w;
}

}  // namespace

TEST_CASE("optim: projection onto the truncated simplex Δ_δ") {
  std::vector<double> w = {0.5, 0.5, 0.0};
  optim::project_truncated_simplex(w.data(), 3, 0.1);
  CHECK(w[0] == doctest::Approx(0.45));
  CHECK(w[1] == doctest::Approx(0.45));
  CHECK(w[2] == doctest::Approx(0.1));
  // A point off the simplex: the result is feasible and no feasible point on a fine grid is closer.
  std::vector<double> v = {0.9, 0.7, -0.2};
  std::vector<double> u = v;
  optim::project_truncated_simplex(u.data(), 3, 0.05);
  CHECK(u[0] + u[1] + u[2] == doctest::Approx(1.0));
  for (double x : u) CHECK(x >= 0.05 - 1e-15);
  auto dist2 = [&](double a, double b, double c) { return (a - v[0]) * (a - v[0]) + (b - v[1]) * (b - v[1]) + (c - v[2]) * (c - v[2]); };
  const double best = dist2(u[0], u[1], u[2]);
  for (int i = 0; i <= 400; ++i)
    for (int j = 0; i + j <= 400; ++j) {
      const double a = 0.05 + 0.85 * i / 400.0, b = 0.05 + 0.85 * j / 400.0, c = 1.0 - a - b;
      if (c >= 0.05) CHECK(dist2(a, b, c) >= best - 1e-12);
    }
}

TEST_CASE("optim: Michelot's chunked projection equals the sort-based one, across chunks") {
  // Random points off Δ_δ (a simplex point plus a nonnegative step, as the Euclidean SMD step makes,
  // and arbitrary signs), M from 3 to 1000 (4 chunks of kComponentChunk): equal to 1e-14 absolute.
  klab::Rng rng(17, 0, 0);
  for (int m : {3, 10, 256, 257, 1000}) {
    for (int trial = 0; trial < 6; ++trial) {
      const double floor = (trial % 3 == 0 ? 0.05 : 1e-3) / m;
      std::vector<double> w(static_cast<size_t>(m));
      for (double& x : w) x = trial < 3 ? floor + rng.uniform() * 2.0 / m : rng.uniform() * 3.0 / m - 1.0 / m;
      const double spike = 10.0 * rng.uniform();  // one large step on a few components
      for (int k = 0; k < 3; ++k) w[rng.below(static_cast<uint32_t>(m))] += spike / (k + 1);
      const std::vector<double> expected = sorted_projection(w, floor);
      optim::project_truncated_simplex(w.data(), m, floor);
      double total = 0.0;
      for (int i = 0; i < m; ++i) {
        CAPTURE(m);
        CAPTURE(trial);
        CHECK(std::fabs(w[static_cast<size_t>(i)] - expected[static_cast<size_t>(i)]) <= 1e-14);
        CHECK(w[static_cast<size_t>(i)] >= floor);
        total += w[static_cast<size_t>(i)];
      }
      CHECK(total == doctest::Approx(1.0).epsilon(1e-13));
    }
  }
}

TEST_CASE("optim: the bump recurrence equals the Gaussian density, also far from the centres") {
  const optim::MixtureModel m = optim::make_model(optim::Dictionary::Bumps, 41, 0, 0.03);
  std::vector<double> f(41);
  for (double x : {-0.2, 0.0, 0.137, 0.5, 0.9999, 1.3}) {
    optim::evaluate_components(m, {x, 0.0}, f.data());
    for (int i = 0; i < 41; ++i) {
      const double d = x - i * m.spacing();
      const double exact = std::exp(-0.5 * d * d / (0.03 * 0.03)) / (0.03 * std::sqrt(2.0 * M_PI));
      CAPTURE(x);
      CAPTURE(i);
      CHECK(std::fabs(f[static_cast<size_t>(i)] - exact) <= 1e-12 * exact + 1e-300);
    }
  }
}

TEST_CASE("optim: the alias table draws each index with its weight") {
  const std::vector<double> weights = {0.5, 0.25, 0.125, 0.125, 0.0};
  const optim::AliasTable t = optim::make_alias_table(weights);
  std::vector<double> prob(5, 0.0);
  for (size_t i = 0; i < 5; ++i) {
    prob[i] += t.accept[i] / 5.0;
    prob[t.alias[i]] += (1.0 - t.accept[i]) / 5.0;
  }
  for (size_t i = 0; i < 5; ++i) CHECK(prob[i] == doctest::Approx(weights[i]).epsilon(1e-14));
}

TEST_CASE("optim: batch EM on point masses is the frequency estimator; on bumps it raises the likelihood") {
  const optim::MixtureModel m = optim::make_model(optim::Dictionary::Categorical, 5, 1, 0.05);
  const std::vector<optim::MixturePoint> samples = {{0, 0}, {0, 0}, {1, 0}, {3, 0}, {0, 0}, {2, 0}, {1, 0}, {0, 0}};
  std::vector<double> w(5);
  optim::em_fit(m, samples, 50, w.data());
  const double expected[] = {4.0 / 8, 2.0 / 8, 1.0 / 8, 1.0 / 8, 0.0};
  for (size_t i = 0; i < 5; ++i) CHECK(w[i] == doctest::Approx(expected[i]).epsilon(1e-12));

  const optim::MixtureModel b = optim::make_model(optim::Dictionary::Bumps, 12, 0, 0.08);
  const optim::AliasTable table = optim::make_alias_table(b.target);
  klab::Rng rng(5, 0, 0);
  std::vector<optim::MixturePoint> xs;
  for (int i = 0; i < 400; ++i) xs.push_back(optim::sample_target(b, table, rng));
  auto loglik = [&](const std::vector<double>& weights) {
    std::vector<double> f(12);
    double s = 0.0;
    for (const optim::MixturePoint& x : xs) {
      optim::evaluate_components(b, x, f.data());
      s += std::log(optim::mixture_density(weights.data(), f.data(), 12));
    }
    return s;
  };
  std::vector<double> one(12), many(12);
  optim::em_fit(b, xs, 1, one.data());
  optim::em_fit(b, xs, 100, many.data());
  CHECK(loglik(one) > loglik(std::vector<double>(12, 1.0 / 12)));
  CHECK(loglik(many) >= loglik(one));
}

TEST_CASE("optim: errors — zero at the target, KL = ∞ for a missed category, the quadrature integrates p to 1") {
  const optim::MixtureModel c = optim::make_model(optim::Dictionary::Categorical, 4, 1, 0.05);
  CHECK(optim::estimation_errors(c, c.target.data()).kl == 0.0);
  const std::vector<double> missed = {0.5, 0.5, 0.0, 0.0};
  CHECK(std::isinf(optim::estimation_errors(c, missed.data()).kl));
  const optim::MixtureModel b = optim::make_model(optim::Dictionary::Bumps, 30, 0, 0.04);
  const optim::Errors self = optim::estimation_errors(b, b.target.data());
  CHECK(std::fabs(self.kl) < 1e-15);
  CHECK(self.l2 == 0.0);
  // KL(p‖uniform mixture) by quadrature against a fine Riemann sum.
  const std::vector<double> uniform(30, 1.0 / 30);
  std::vector<double> f(30);
  double fine = 0.0, mass = 0.0;
  const double lo = -0.3, hi = 1.3, dx = (hi - lo) / 200000;
  for (int g = 0; g < 200000; ++g) {
    optim::evaluate_components(b, {lo + (g + 0.5) * dx, 0.0}, f.data());
    const double p = optim::mixture_density(b.target.data(), f.data(), 30), q = optim::mixture_density(uniform.data(), f.data(), 30);
    fine += dx * klab::x_log_x_over_y(p, q);
    mass += dx * p;
  }
  CHECK(mass == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(optim::estimation_errors(b, uniform.data()).kl == doctest::Approx(fine).epsilon(1e-4));
}

TEST_CASE("optim: 2-D bumps are products of Gaussians; the factorised grid density equals the direct sum") {
  const optim::MixtureModel m = optim::make_model(optim::Dictionary::Bumps2d, 49, 0, 0.07);
  REQUIRE(m.side == 7);
  double total = 0.0;
  for (double w : m.target) total += w;
  CHECK(total == doctest::Approx(1.0).epsilon(1e-14));
  std::vector<double> f(49);
  const double sd = 0.07, norm = 1.0 / (2.0 * M_PI * sd * sd);
  for (const optim::MixturePoint x : {optim::MixturePoint{0.3, 0.8}, optim::MixturePoint{-0.2, 1.1}, optim::MixturePoint{0.99, 0.01}}) {
    optim::evaluate_components(m, x, f.data());
    for (int k = 0; k < 49; ++k) {
      const double dx = x.x - (k % 7) * m.spacing(), dy = x.y - (k / 7) * m.spacing();
      const double exact = norm * std::exp(-0.5 * (dx * dx + dy * dy) / (sd * sd));
      CAPTURE(k);
      CHECK(std::fabs(f[static_cast<size_t>(k)] - exact) <= 1e-12 * exact + 1e-300);
    }
  }
  // density_on_grid (G_yᵀ W G_x) against Σ_k w_k f_k(x, y) at each node, for a non-symmetric w.
  std::vector<double> w(49);
  for (size_t k = 0; k < 49; ++k) w[k] = (k + 1.0) / (49.0 * 25.0);
  const std::vector<double> xs = {-0.1, 0.25, 0.5, 1.05}, ys = {0.0, 0.4, 0.93};
  std::vector<double> grid(xs.size() * ys.size());
  optim::density_on_grid(m, w.data(), xs, ys, grid.data());
  for (size_t b = 0; b < ys.size(); ++b)
    for (size_t a = 0; a < xs.size(); ++a) {
      optim::evaluate_components(m, {xs[a], ys[b]}, f.data());
      CHECK(grid[b * xs.size() + a] == doctest::Approx(optim::mixture_density(w.data(), f.data(), 49)).epsilon(1e-12));
    }
}

TEST_CASE("optim: the 2-D quadrature of KL and L² against a grid twice as fine and 7σ wide") {
  for (double sd : {0.05, 0.15}) {
    const optim::MixtureModel m = optim::make_model(optim::Dictionary::Bumps2d, 100, 0, sd);
    const optim::Errors self = optim::estimation_errors(m, m.target.data());
    CHECK(std::fabs(self.kl) < 1e-14);
    CHECK(self.l2 == 0.0);
    const std::vector<double> uniform(100, 0.01);
    // The reference: the trapezoid rule over [−7σ, 1 + 7σ]² with more than twice the nodes per axis (and p's mass on it).
    const int points = 2 * optim::quadrature_points_2d(sd) + 41;
    const double lo = -7.0 * sd, hi = 1.0 + 7.0 * sd, dx = (hi - lo) / (points - 1);
    std::vector<double> axis(static_cast<size_t>(points));
    for (int g = 0; g < points; ++g) axis[static_cast<size_t>(g)] = lo + g * dx;
    std::vector<double> p(axis.size() * axis.size()), q(p.size());
    optim::density_on_grid(m, m.target.data(), axis, axis, p.data());
    optim::density_on_grid(m, uniform.data(), axis, axis, q.data());
    double kl = 0.0, l2 = 0.0, mass = 0.0;
    for (int b = 0; b < points; ++b)
      for (int a = 0; a < points; ++a) {
        const double weight = dx * dx * (b == 0 || b == points - 1 ? 0.5 : 1.0) * (a == 0 || a == points - 1 ? 0.5 : 1.0);
        const size_t k = static_cast<size_t>(b * points + a);
        kl += weight * klab::x_log_x_over_y(p[k], q[k]);
        l2 += weight * (p[k] - q[k]) * (p[k] - q[k]);
        mass += weight * p[k];
      }
    const optim::Errors e = optim::estimation_errors(m, uniform.data());
    MESSAGE("σ = " << sd << ": KL(p‖uniform) " << e.kl << " vs reference " << kl << " (relative " << (e.kl - kl) / kl << "), L² " << e.l2
                   << " vs " << std::sqrt(l2) << ", mass " << mass);
    CHECK(mass == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(e.kl == doctest::Approx(kl).epsilon(1e-6));
    CHECK(e.l2 == doctest::Approx(std::sqrt(l2)).epsilon(1e-6));
  }
}

TEST_CASE("optim.mixture: bad parameters name the field and the range") {
  optim::MixtureExperiment e;
  klab::Status s = e.params().set_texts({{"zeros", "10"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("zeros") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps"}, {"methods", "smd_entropic,laplace"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("categorical") != std::string::npos);
  s = e.params().set_texts({{"components", "1"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("components") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps"}, {"methods", "smd_entropic,em"}, {"components", "1000"}, {"samples", "100000"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("samples") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps2d"}, {"methods", "smd_entropic,frequency"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("categorical") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps2d"}, {"side", "101"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("side") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps2d"}, {"methods", "smd_entropic,em"}, {"side", "100"}, {"samples", "5000"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("side") != std::string::npos);
  s = e.params().set_texts({{"target", "bumps2d"}, {"methods", "smd_entropic"}, {"side", "10"}, {"smd_step", "lazy"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("smd_step") != std::string::npos);
  REQUIRE(e.params().set_texts({{"target", "bumps2d"}, {"methods", "smd_entropic,em"}, {"side", "100"}, {"samples", "2000"}}).ok());
  CHECK(optim::mixture_model(e.p()).components == 10000);
}

TEST_CASE("optim.mixture: the start w₀ is a prior of one pseudo-sample for entropic SMD: (c_i + w₀_i)/(n + 1)") {
  optim::MixtureExperiment e;
  REQUIRE(e.params().set_texts({{"components", "3"}, {"zeros", "1"}, {"methods", "smd_entropic,frequency"}, {"start_1", "0.2"}, {"start_2", "0.4"}}).ok());
  optim::MixtureRun run(e.p(), 9, 0);
  for (int t = 0; t < 300; ++t) run.step();
  std::vector<double> smd, freq;
  run.estimate(0, smd);
  run.estimate(1, freq);
  const double w0[] = {0.2 / 1.6, 0.4 / 1.6, 1.0 / 1.6};
  for (size_t i = 0; i < 3; ++i) CHECK(smd[i] == doctest::Approx((300 * freq[i] + w0[i]) / 301.0).epsilon(1e-12));
  const klab::Status s = e.params().set_texts({{"start_1", "0"}});  // 0 is absorbing: below the range
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("start_1") != std::string::npos);
}

TEST_CASE("optim.mixture: the delay t₀ enters η_t = c/(t + 1 + c + t₀); smd_entropic_avg with ρ = 0 is the uniform average of the iterates") {
  // 2-D bumps (s = 4, M = 16): the run's entropic iterate equals the step replayed by hand on the same sample stream, and
  // the averaged method (ρ = 0) equals (1/n) Σ_{t=1..n} w_t of those iterates.
  optim::MixtureExperiment e;
  REQUIRE(e.params()
              .set_texts({{"target", "bumps2d"}, {"side", "4"}, {"width", "0.1"}, {"methods", "smd_entropic,smd_entropic_avg"},
                          {"entropic_step", "3"}, {"entropic_delay", "40"}, {"average_decay", "0"}})
              .ok());
  const uint64_t seed = 5;
  optim::MixtureRun run(e.p(), seed, 1);
  const optim::MixtureModel& m = run.model();
  const optim::AliasTable alias = optim::make_alias_table(m.target);
  klab::Rng rng(seed, 1, optim::kMixtureSampleStream);
  std::vector<double> w(16, 1.0 / 16), f(16), sum(16, 0.0), iterate, average;
  const int n = 200;
  for (int t = 0; t < n; ++t) {
    run.step();
    optim::evaluate_components(m, optim::sample_target(m, alias, rng), f.data());
    REQUIRE(optim::entropic_step(w.data(), f.data(), 16, 3.0 / (t + 1.0 + 3.0 + 40.0)));
    run.estimate(0, iterate);
    for (size_t i = 0; i < 16; ++i) sum[i] += iterate[i];
  }
  run.estimate(1, average);
  for (size_t i = 0; i < 16; ++i) {
    CHECK(iterate[i] == w[i]);
    CHECK(average[i] == doctest::Approx(sum[i] / n).epsilon(1e-12));
  }
}

TEST_CASE("optim.mixture: the lazy entropic step w = s·v (and its average A(u + Cv)) equals the dense one to 1e-12") {
  // Point masses with zero-probability categories and a truncated-bump dictionary (f kept within 4 centres of x), 3000
  // samples each with a fold every 700 (4 folds); then c = 40, ρ = 20, where s and A fall below 1e-100 and force folds.
  check_lazy_equals_dense(optim::make_model(optim::Dictionary::Categorical, 12, 3, 0.05), -1, 2.0, 3.0, 700, 3000, 4);
  check_lazy_equals_dense(optim::make_model(optim::Dictionary::Bumps, 30, 0, 0.05), 4, 1.0, 0.0, 700, 3000, 4);
  check_lazy_equals_dense(optim::make_model(optim::Dictionary::Categorical, 12, 3, 0.05), -1, 40.0, 20.0, 1000000, 2000, 2);
  // Through MixtureRun (smd_step=lazy, categorical M = 50): the same estimates; the work is one component per sample.
  optim::MixtureExperiment dense, lazy;
  const std::vector<std::pair<std::string, std::string>> texts{
      {"components", "50"}, {"zeros", "5"}, {"methods", "smd_entropic,smd_entropic_avg,laplace"}, {"entropic_step", "2"}, {"start_1", "3"}};
  REQUIRE(dense.params().set_texts(texts).ok());
  REQUIRE(lazy.params().set_texts(texts).ok());
  REQUIRE(lazy.params().set_texts({{"smd_step", "lazy"}}).ok());
  optim::MixtureRun a(dense.p(), 4, 2), b(lazy.p(), 4, 2);
  for (int t = 0; t < 2000; ++t) a.step(), b.step();
  std::vector<double> wa, wb;
  for (size_t s = 0; s < 3; ++s) {
    CAPTURE(s);
    const double work_a = a.estimate(s, wa), work_b = b.estimate(s, wb);
    CHECK(work_a == (s == 2 ? 1.0 : 50.0));
    CHECK(work_b == 1.0);
    for (size_t i = 0; i < wa.size(); ++i) CHECK(std::fabs(wb[i] - wa[i]) <= 1e-12 * wa[i]);
  }
}
