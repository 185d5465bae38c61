// The kl chapter (src/kl): the Gaussian quadrature rule, the KL values and gradients of the Gaussian fit
// against independent brute-force integrals and finite differences, the Monte Carlo gradient's
// mean, and the chapter's claims (moment matching, mode seeking, KL-UCB coverage and width,
// Pinsker / Le Cam on random pairs), each with a fixed seed and a stated margin.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/batch.hpp"
#include "core/divergences.hpp"
#include "core/samplers.hpp"
#include "kl/bernoulli_bound.hpp"
#include "kl/bernoulli_experiment.hpp"
#include "kl/categorical_experiment.hpp"
#include "kl/fit_experiment.hpp"
#include "kl/gaussian_fit.hpp"

using namespace klab::kl;

namespace {

// (k-1)!! = E[x^k] for even k under N(0,1).
double normal_moment(int k) {
  if (k % 2) return 0.0;
  double m = 1.0;
  for (int i = k - 1; i > 0; i -= 2) m *= i;
  return m;
}

// Independent densities and a plain trapezoid on a wide fine grid. The integrands are smooth and
// decay like Gaussians, where the trapezoid rule converges faster than any power of the step.
double log_mixture_pdf(const Mixture& p, double x) {
  std::vector<double> terms;
  double best = -INFINITY;
  for (size_t k = 0; k < p.means.size(); ++k) {
    const double z = (x - p.means[k]) / p.sds[k];
    terms.push_back(std::log(p.weights[k]) - 0.5 * z * z - std::log(p.sds[k] * std::sqrt(2.0 * klab::kPi)));
    best = std::max(best, terms.back());
  }
  double s = 0.0;
  for (double t : terms) s += std::exp(t - best);
  return best + std::log(s);
}

double log_gauss_pdf(const Gaussian& q, double x) {
  const double sd = std::exp(q.log_sd), z = (x - q.mu) / sd;
  return -0.5 * z * z - std::log(sd * std::sqrt(2.0 * klab::kPi));
}

// ∫ f ln(f/g) dx over [-40, 40] with step 0.004.
template <class LogF, class LogG>
double brute_kl(LogF log_f, LogG log_g) {
  const double lo = -40.0, hi = 40.0, h = 0.004;
  const int n = static_cast<int>((hi - lo) / h);
  double s = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double x = lo + i * h, lf = log_f(x);
    const double term = std::exp(lf) * (lf - log_g(x));
    s += (i == 0 || i == n) ? 0.5 * term : term;
  }
  return s * h;
}

std::vector<Mixture> test_mixtures() {
  return {make_mixture({-2.5, 2.5}, {0.5, 0.8}, {0.5, 0.5}),  // the demo's default
          make_mixture({-1.0, 0.5, 3.0}, {0.3, 1.0, 2.0}, {2.0, 3.0, 5.0}),
          make_mixture({1.0}, {2.0}, {1.0})};
}

const std::vector<Gaussian> kQs = {{0.0, 0.0}, {1.0, std::log(0.5)}, {-2.0, std::log(0.6)}, {2.5, std::log(2.0)}, {0.25, std::log(3.0)}};

}  // namespace

TEST_CASE("for_gaussian_nodes: the trapezoid in ε integrates N(μ, σ²) moments and E[e^x]") {
  const struct {
    double mu, sd, step;
    int nodes;  // clamp(18σ/step + 1, 129, 8193)
  } rules[] = {{0.0, 1.0, 0.05, 361}, {2.0, 0.3, 0.1, 129}, {-1.0, 3.0, 0.0625, 865}, {0.5, 50.0, 0.01, 8193}};
  for (const auto& r : rules) {
    CAPTURE(r.mu);
    CAPTURE(r.sd);
    int count = 0;
    double total = 0.0, prev = -INFINITY, widest = 0.0;
    for_gaussian_nodes(r.mu, r.sd, r.step, [&](double x, double w) {
      ++count;
      total += w;
      CHECK(w > 0.0);
      if (count > 1) widest = std::max(widest, x - prev);
      prev = x;
    });
    CHECK(count == r.nodes);
    CHECK(total == doctest::Approx(1.0).epsilon(1e-13));
    if (r.nodes < 8193) CHECK(widest <= r.step * (1 + 1e-12));  // the x-step asked for (unless capped)
    // E[(x - μ)^k] = σ^k (k-1)!! for even k, 0 for odd k: exact for a Gaussian-weighted trapezoid
    // on [-9, 9] up to the tails beyond 9σ.
    for (int k = 1; k <= 10; ++k) {
      CAPTURE(k);
      const double m = expect_gaussian(r.mu, r.sd, r.step, [&](double x) { return std::pow(x - r.mu, k); });
      const double scale = std::pow(r.sd, k) * normal_moment(k % 2 ? k + 1 : k);
      CHECK(std::fabs(m - std::pow(r.sd, k) * normal_moment(k)) <= 1e-11 * scale);
    }
    if (r.sd <= 1.0) {  // log-normal mean E[e^x] = exp(μ + σ²/2) (its integrand peaks at ε = σ)
      const double e = expect_gaussian(r.mu, r.sd, r.step, [](double x) { return std::exp(x); });
      CHECK(e == doctest::Approx(std::exp(r.mu + 0.5 * r.sd * r.sd)).epsilon(1e-10));
    }
  }
  CHECK(test_mixtures()[0].quadrature_step() == 0.5 / 16.0);
  CHECK(test_mixtures()[1].quadrature_step() == 0.3 / 16.0);
}

TEST_CASE("Mixture: density, score, mean and variance") {
  const Mixture p = make_mixture({-1.0, 0.5, 3.0}, {0.3, 1.0, 2.0}, {2.0, 3.0, 5.0});
  CHECK(p.weights[2] == doctest::Approx(0.5));
  CHECK(p.mean() == doctest::Approx(0.2 * -1.0 + 0.3 * 0.5 + 0.5 * 3.0));
  const double ex2 = 0.2 * (0.09 + 1.0) + 0.3 * (1.0 + 0.25) + 0.5 * (4.0 + 9.0);
  CHECK(p.variance() == doctest::Approx(ex2 - p.mean() * p.mean()));
  for (double x : {-3.0, -1.0, 0.0, 0.7, 4.0, 12.0}) {
    CAPTURE(x);
    CHECK(p.log_density(x) == doctest::Approx(log_mixture_pdf(p, x)).epsilon(1e-13));
    const double h = 1e-5;  // the score is d/dx ln p: central difference, error O(h²)
    CHECK(p.score(x) == doctest::Approx((log_mixture_pdf(p, x + h) - log_mixture_pdf(p, x - h)) / (2 * h)).epsilon(1e-7));
  }
  // Far in the tails ln p stays finite (log-sum-exp) and the score points back to the mass.
  CHECK(std::isfinite(p.log_density(200.0)));
  CHECK(p.score(200.0) < 0.0);
  CHECK(p.score(-200.0) > 0.0);
}

TEST_CASE("kl_p_q and kl_q_p agree with a brute-force trapezoid integral to 1e-6") {
  for (const Mixture& p : test_mixtures()) {
    const double ne = neg_entropy(p);
    std::vector<Gaussian> qs = kQs;
    for (size_t k = 0; k < p.means.size(); ++k) qs.push_back({p.means[k] + 0.1, std::log(0.5 * p.sds[k])});
    for (const Gaussian& q : qs) {
      CAPTURE(p.means.size());
      CAPTURE(q.mu);
      CAPTURE(q.log_sd);
      const double fwd = brute_kl([&](double x) { return log_mixture_pdf(p, x); }, [&](double x) { return log_gauss_pdf(q, x); });
      const double rev = brute_kl([&](double x) { return log_gauss_pdf(q, x); }, [&](double x) { return log_mixture_pdf(p, x); });
      CHECK(std::fabs(kl_p_q(p, ne, q) - fwd) <= 1e-6);
      CHECK(std::fabs(kl_q_p(p, q) - rev) <= 1e-6);
    }
  }
  // A one-component "mixture" has the Gaussian closed form in both directions.
  const Mixture single = make_mixture({1.0}, {2.0}, {1.0});
  const Gaussian q{0.0, std::log(0.5)};
  CHECK(kl_p_q(single, neg_entropy(single), q) == doctest::Approx(klab::kl_gaussian(1.0, 4.0, 0.0, 0.25)).epsilon(1e-8));
  CHECK(kl_q_p(single, q) == doctest::Approx(klab::kl_gaussian(0.0, 0.25, 1.0, 4.0)).epsilon(1e-10));
}

TEST_CASE("kl_gradient (quadrature) matches central finite differences of kl_p_q and kl_q_p") {
  // Forward: exact moments against the closed-form kl_p_q. Reverse: the reparametrised gradient
  // (∂μ: -E[∇ln p], ∂ln σ: -1 - E[∇ln p·σε]) against differences of the quadrature KL(q‖p).
  klab::Rng unused(0, 0, 0);
  const double h = 1e-5;
  for (const Mixture& p : test_mixtures()) {
    const double ne = neg_entropy(p);
    for (const Gaussian& q : kQs) {
      CAPTURE(p.means.size());
      CAPTURE(q.mu);
      CAPTURE(q.log_sd);
      for (Direction dir : {Direction::Forward, Direction::Reverse}) {
        CAPTURE(static_cast<int>(dir));
        auto kl = [&](double mu, double log_sd) {
          const Gaussian g{mu, log_sd};
          return dir == Direction::Forward ? kl_p_q(p, ne, g) : kl_q_p(p, g);
        };
        double d_mu, d_log_sd;
        kl_gradient(p, q, {dir, Estimator::Quadrature, 0.1, 64}, unused, &d_mu, &d_log_sd);
        const double fd_mu = (kl(q.mu + h, q.log_sd) - kl(q.mu - h, q.log_sd)) / (2 * h);
        const double fd_sd = (kl(q.mu, q.log_sd + h) - kl(q.mu, q.log_sd - h)) / (2 * h);
        CHECK(d_mu == doctest::Approx(fd_mu).epsilon(1e-6).scale(1.0));
        CHECK(d_log_sd == doctest::Approx(fd_sd).epsilon(1e-6).scale(1.0));
      }
    }
  }
}

TEST_CASE("the Monte Carlo gradient's mean over many streams is the exact gradient") {
  // 4000 independent estimates (16 samples each, one stream each): their mean lies within
  // 5 standard errors of the exact gradient: for the forward KL the closed form, for the reverse
  // KL central differences of the brute-force integral (no quadrature involved).
  const Mixture p = test_mixtures()[0];
  const double ne = neg_entropy(p), h = 1e-4;
  const int streams = 4000;
  for (const Gaussian& q : {Gaussian{0.0, 0.0}, Gaussian{-1.5, std::log(0.8)}, Gaussian{0.0, std::log(2.6)}}) {
    for (Direction dir : {Direction::Forward, Direction::Reverse}) {
      CAPTURE(q.mu);
      CAPTURE(static_cast<int>(dir));
      auto kl = [&](double mu, double log_sd) {
        const Gaussian g{mu, log_sd};
        if (dir == Direction::Forward) return kl_p_q(p, ne, g);
        return brute_kl([&](double x) { return log_gauss_pdf(g, x); }, [&](double x) { return log_mixture_pdf(p, x); });
      };
      const double exact_mu = (kl(q.mu + h, q.log_sd) - kl(q.mu - h, q.log_sd)) / (2 * h);
      const double exact_sd = (kl(q.mu, q.log_sd + h) - kl(q.mu, q.log_sd - h)) / (2 * h);
      klab::RunningStat g_mu, g_sd;
      for (int s = 0; s < streams; ++s) {
        klab::Rng rng(31, static_cast<uint32_t>(s), 0);
        double a, b;
        kl_gradient(p, q, {dir, Estimator::MonteCarlo, 0.1, 16}, rng, &a, &b);
        g_mu.push(a);
        g_sd.push(b);
      }
      CAPTURE(g_mu.mean());
      CAPTURE(exact_mu);
      CHECK(std::fabs(g_mu.mean() - exact_mu) < 5.0 * g_mu.sem());
      CHECK(std::fabs(g_sd.mean() - exact_sd) < 5.0 * g_sd.sem());
      CHECK(g_mu.sem() > 0.0);  // the estimates really vary from stream to stream
    }
  }
}

TEST_CASE("KL-UCB ≤ Hoeffding ≤ UCB1 and KL-LCB ≤ p̂ on a grid") {
  int checked = 0;
  for (int i = 0; i <= 50; ++i) {
    const double p_hat = i / 50.0;
    for (double t : {1.0, 2.0, 3.0, 10.0, 1e3, 1e8})
      for (double c : {0.0, 1.0, 3.0, 5.0})
        for (double n : {1.0, 5.0, 100.0, 1e5}) {
          const double kl_u = klucb_upper(p_hat, t, c, n), h_u = hoeffding_upper(p_hat, t, c, n);
          const double ucb1 = ucb1_upper(p_hat, t, n), kl_l = klucb_lower(p_hat, t, c, n);
          CHECK(kl_u <= h_u + 1e-15);
          CHECK(h_u <= ucb1 + 1e-15);
          CHECK(kl_u >= p_hat);
          CHECK(kl_l <= p_hat + 1e-15);
          CHECK(ucb1 <= 1.0);
          ++checked;
        }
  }
  CHECK(checked == 51 * 6 * 4 * 4);
  // The level (ln t + c ln ln t)/N, with ln ln t dropped while ln t ≤ 1.
  CHECK(klucb_level(1000.0, 3.0, 20.0) == doctest::Approx((std::log(1000.0) + 3.0 * std::log(std::log(1000.0))) / 20.0));
  CHECK(klucb_level(1.0, 3.0, 20.0) == 0.0);
  CHECK(klucb_level(2.0, 3.0, 4.0) == doctest::Approx(std::log(2.0) / 4.0));
  CHECK(hoeffding_upper(0.3, 1000.0, 0.0, 20.0) == doctest::Approx(0.3 + std::sqrt(std::log(1000.0) / 40.0)));
  CHECK(ucb1_upper(0.3, 1000.0, 200.0) == doctest::Approx(0.3 + std::sqrt(2.0 * std::log(1000.0) / 200.0)));
  CHECK(ucb1_upper(0.3, 1000.0, 20.0) == 1.0);  // capped
  // KL-UCB is much tighter near the edges: at p̂ = 0.01 its radius is under half of Hoeffding's.
  CHECK(klucb_upper(0.01, 1000.0, 0.0, 100.0) - 0.01 < 0.5 * (hoeffding_upper(0.01, 1000.0, 0.0, 100.0) - 0.01));
}

TEST_CASE("DivergenceTable: hand values") {
  const DivergenceTable d = divergences({1.0, 0.0}, {0.0, 1.0});
  CHECK(d.kl_pq == klab::kInf);
  CHECK(d.tv == 1.0);
  CHECK(d.hellinger == 1.0);
  CHECK(d.js == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  const DivergenceTable e = divergences({0.5, 0.5}, {0.9, 0.1});
  CHECK(e.kl_pq == doctest::Approx(0.5108256237659907));
  CHECK(e.kl_qp == doctest::Approx(0.3680642071684971));
  CHECK(e.chi2_qp == doctest::Approx(0.16 / 0.5 + 0.16 / 0.5));
  CHECK(normalised({1.0, 3.0}) == std::vector<double>{0.25, 0.75});
}

TEST_CASE("klab run kl.categorical and kl.bernoulli report the user's own p, q and p̂, N") {
  CategoricalExperiment c;
  REQUIRE(c.params().set_texts({{"p", "3,1,0"}, {"q", "1,1,2"}}).ok());
  klab::BatchJob cj(c.clone(), 1, 20);
  cj.run_all(0);
  const klab::BatchResult cr = cj.result();
  const int yours = cr.layout.find_series("your_p_q");
  REQUIRE(yours >= 0);
  const DivergenceTable d = divergences({0.75, 0.25, 0.0}, {0.25, 0.25, 0.5});
  CHECK(cr.final_stat(yours, cr.layout.find_final("kl_pq")).mean() == doctest::Approx(d.kl_pq).epsilon(1e-14));
  CHECK(cr.final_stat(yours, cr.layout.find_final("tv")).mean() == doctest::Approx(0.5).epsilon(1e-14));
  CHECK(cr.final_stat(yours, cr.layout.find_final("kl_pq")).sem() == 0.0);
  // KL(q‖p) = ∞ (q has mass where p has none): no finite value, so the summary reports none.
  CHECK(cr.final_stat(yours, cr.layout.find_final("kl_qp")).count() == 0);
  // Dirichlet(α ≤ 2): χ² and IS have no usable mean over random pairs; their histograms remain.
  CHECK(cr.final_stat(0, cr.layout.find_final("chi2")).count() == 0);
  CHECK(cr.final_stat(0, cr.layout.find_final("itakura_saito")).count() == 0);
  REQUIRE(c.params().set_texts({{"alpha", "5"}}).ok());
  klab::BatchJob cj5(c.clone(), 1, 20);
  cj5.run_all(0);
  CHECK(cj5.result().final_stat(0, cr.layout.find_final("chi2")).count() == 20);

  BernoulliExperiment b;
  REQUIRE(b.params().set_texts({{"p_hat", "0.1"}, {"n", "40"}, {"t", "200"}, {"samples", "10"}}).ok());
  klab::BatchJob bj(b.clone(), 1, 5);  // (Approx: the inlined root finder may round differently in the two places)
  bj.run_all(0);
  const klab::BatchResult br = bj.result();
  const int up = br.layout.find_final("upper_at_p_hat"), lo = br.layout.find_final("lower_at_p_hat");
  REQUIRE((up >= 0 && lo >= 0));
  CHECK(br.final_stat(br.layout.find_series("klucb"), up).mean() == doctest::Approx(klucb_upper(0.1, 200, 0, 40)).epsilon(1e-14));
  CHECK(br.final_stat(br.layout.find_series("hoeffding"), up).mean() == doctest::Approx(hoeffding_upper(0.1, 200, 0, 40)).epsilon(1e-14));
  CHECK(br.final_stat(br.layout.find_series("ucb1"), up).mean() == doctest::Approx(ucb1_upper(0.1, 200, 40)).epsilon(1e-14));
  CHECK(br.final_stat(br.layout.find_series("klucb"), lo).mean() == doctest::Approx(klucb_lower(0.1, 200, 0, 40)).epsilon(1e-14));
}

TEST_SUITE("claims") {
  TEST_CASE("forward KL fits end at the moment-matching solution from 20 random inits") {
    // Bishop, PRML §10.1.2: argmin KL(p‖q) over Gaussians q is μ = E_p[x], σ² = Var_p[x].
    FitExperiment e;
    REQUIRE(e.params().set_texts({{"steps", "2000"}}).ok());  // μ contracts by η/σ² ≈ 0.015 per step: 2000 steps are plenty
    const Mixture p = e.mixture();
    const klab::RunLayout layout = e.layout();
    const int mu = layout.find_final("mu"), sigma = layout.find_final("sigma"), fwd = layout.find_series("forward");
    REQUIRE((mu >= 0 && sigma >= 0 && fwd >= 0));
    double spread = 0.0;
    for (uint32_t r = 0; r < 20; ++r) {
      CAPTURE(r);
      klab::RunRecord out(layout);
      e.run(2024, r, layout, out);
      const double m = out.finals()[layout.final_index(fwd, mu)], s = out.finals()[layout.final_index(fwd, sigma)];
      CHECK(std::fabs(m - p.mean()) < 1e-3);
      CHECK(std::fabs(s * s - p.variance()) < 1e-3);
      spread = std::max(spread, std::fabs(e.initial(2024, r).mu - p.mean()));
    }
    CHECK(spread > 1.0);  // the inits really were spread out
  }

  TEST_CASE("reverse KL fits seek modes: ≥ 90% of 200 random inits end within 0.3 of a mode, each mode ≥ 10%") {
    // Minka (2005): KL(q‖p) is mode-seeking, KL(p‖q) mass-covering. On the default mixture
    // ½N(-2.5, 0.5²) + ½N(2.5, 0.8²), from 200 random inits (500 steps): the reverse fit ends at
    // a mode, which one depending on the start; in every run the reverse fit has the lower
    // KL(q‖p) and the forward fit the lower KL(p‖q).
    FitExperiment e;
    const Mixture p = e.mixture();
    const klab::RunLayout layout = e.layout();
    const int mu = layout.find_final("mu"), dist = layout.find_final("mode_distance");
    const int kl_pq = layout.find_final("kl_pq"), kl_qp = layout.find_final("kl_qp");
    const int fwd = layout.find_series("forward"), rev = layout.find_series("reverse");
    REQUIRE((mu >= 0 && dist >= 0 && kl_pq >= 0 && kl_qp >= 0 && fwd >= 0 && rev >= 0));
    auto at = [&](const klab::RunRecord& out, int series, int metric) {
      return out.finals()[layout.final_index(static_cast<size_t>(series), static_cast<size_t>(metric))];
    };
    const int runs = 200;
    int near = 0, at_mode[2] = {0, 0};
    for (uint32_t r = 0; r < static_cast<uint32_t>(runs); ++r) {
      CAPTURE(r);
      klab::RunRecord out(layout);
      e.run(77, r, layout, out);
      CHECK(at(out, rev, kl_qp) < at(out, fwd, kl_qp));
      CHECK(at(out, fwd, kl_pq) < at(out, rev, kl_pq));
      if (at(out, rev, dist) > 0.3) continue;
      ++near;
      const double m = at(out, rev, mu);
      ++at_mode[std::fabs(m - p.means[0]) < std::fabs(m - p.means[1]) ? 0 : 1];
    }
    CAPTURE(near);
    CAPTURE(at_mode[0]);
    CAPTURE(at_mode[1]);
    CHECK(near >= 0.9 * runs);
    CHECK(at_mode[0] >= 0.1 * runs);
    CHECK(at_mode[1] >= 0.1 * runs);
  }

  TEST_CASE("kl.bernoulli: KL-UCB covers p with probability ≥ 1 - 3/t at t = 50, narrower than Hoeffding") {
    // Garivier & Cappé (2011): P(U_kl < p) ≤ e^{-N·ℓ} = 1/t at a fixed N (Chernoff), and
    // U_kl ≤ U_Hoeffding (Pinsker). 4000 runs of 200 Bernoulli(0.1) samples.
    BernoulliExperiment e;
    REQUIRE(e.params().set_texts({{"t", "50"}, {"p_true", "0.1"}, {"samples", "200"}, {"c", "0"}}).ok());
    klab::BatchJob job(e.clone(), 5, 4000);
    job.run_all(0);
    const klab::BatchResult r = job.result();
    const int missed = r.layout.find_final("miss"), width = r.layout.find_final("width");
    const int kl = r.layout.find_series("klucb"), hoeffding = r.layout.find_series("hoeffding");
    REQUIRE((missed >= 0 && width >= 0 && kl >= 0 && hoeffding >= 0));
    const klab::RunningStat& miss = r.final_stat(kl, missed);
    CAPTURE(miss.mean());
    CAPTURE(miss.sem());
    CHECK(miss.count() == 4000);
    CHECK(miss.mean() + 3.0 * miss.sem() <= 3.0 / 50.0);  // one-sided, 3 standard errors
    CHECK(miss.mean() - 3.0 * miss.sem() <= 1.0 / 50.0);  // and consistent with the 1/t bound
    const klab::RunningStat& wk = r.final_stat(kl, width);
    const klab::RunningStat& wh = r.final_stat(hoeffding, width);
    CAPTURE(wk.mean());
    CAPTURE(wh.mean());
    CHECK(wh.mean() - wk.mean() > 10.0 * std::sqrt(wk.sem() * wk.sem() + wh.sem() * wh.sem()));
  }

  TEST_CASE("kl.categorical: Pinsker and Le Cam ratios are at most 1 on random Dirichlet pairs") {
    // Tsybakov (2009) §2.4: TV ≤ sqrt(KL/2) (Pinsker), H² ≤ TV ≤ √2·H (Le Cam).
    CategoricalExperiment e;
    int pairs = 0;
    for (const char* alpha : {"0.1", "1", "20"})
      for (const char* bins : {"1,1,1", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"}) {
        REQUIRE(e.params().set_texts({{"alpha", alpha}, {"p", bins}, {"q", bins}}).ok());
        const klab::RunLayout layout = e.layout();
        const int kl_pq = layout.find_final("kl_pq"), kl_qp = layout.find_final("kl_qp"), tv = layout.find_final("tv");
        const int h = layout.find_final("hellinger"), js = layout.find_final("js"), asym = layout.find_final("abs_asymmetry");
        for (uint32_t r = 0; r < 500; ++r) {
          klab::RunRecord out(layout);
          e.run(9, r, layout, out);
          const auto& f = out.finals();
          const double k = f[static_cast<size_t>(kl_pq)], t = f[static_cast<size_t>(tv)], he = f[static_cast<size_t>(h)];
          CHECK(t <= std::sqrt(0.5 * (k + 1e-14)));
          CHECK(he * he <= t + 1e-14);
          CHECK(t <= std::sqrt(2.0 * (he * he + 1e-14)));
          CHECK(f[static_cast<size_t>(js)] <= std::log(2.0) + 1e-15);
          CHECK(f[static_cast<size_t>(js)] >= -1e-15);
          CHECK(f[static_cast<size_t>(asym)] == std::fabs(k - f[static_cast<size_t>(kl_qp)]));
          ++pairs;
        }
      }
    CHECK(pairs == 3000);
  }
}
