// The losses of mdp.risk's exponential-utility learners (src/mdp/risk_learning.hpp): the
// Itakura–Saito loss's minimiser over V for a fixed sample set is the certainty equivalent
// −(1/β) log mean e^{−βy} (closed form), the exponential MSE has the same minimiser and the squared
// loss the mean; every gradient matches central finite differences; a learner stops without a crash
// and reports divergence when its values overflow; Adam's first step and its stability at β = 0.05.
// The softplus baseline: Li₂ against its series, its derivative and its inversion; the loss's value at
// 0 and at −∞; its fixed point is CE_β for Gaussian targets and biased for a target with a fall.
// The rest of the paper's recipe: the step sizes of warm-up and cosine decay against their closed form;
// clipping bounds every step and (per sample) moves the IS loss's fixed point.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "mdp/presets.hpp"
#include "mdp/risk.hpp"
#include "mdp/risk_learning.hpp"

namespace {

using klab::mdp::EntropicLoss;

// The root of the mean gradient over the samples (weights w, or equal when empty), by bisection on
// [lo, hi] (every loss's mean gradient is negative at lo and positive at hi; the softplus loss is not
// convex, but a root of its mean gradient is its learner's fixed point).
double minimiser(EntropicLoss loss, const std::vector<double>& y, double beta, double lo, double hi, const std::vector<double>& w = {}) {
  auto mean_gradient = [&](double v) {
    double g = 0.0;
    for (size_t j = 0; j < y.size(); ++j) g += (w.empty() ? 1.0 / static_cast<double>(y.size()) : w[j]) * klab::mdp::entropic_loss_gradient(loss, v, y[j], beta);
    return g;
  };
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mean_gradient(mid) > 0.0 ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

// mdp.risk's default world: the cliff walk, slip 0.1, H = 25, γ = 1, and its stock lattice.
struct DefaultCliff {
  explicit DefaultCliff(klab::mdp::Grid g) : grid(std::move(g)), lattice(klab::mdp::stock_lattice(grid.mdp)) {}
  klab::mdp::Grid grid;
  klab::Expected<klab::mdp::StockLattice> lattice;
};
DefaultCliff default_cliff() {
  klab::mdp::GridSpec g = klab::mdp::cliff_spec();
  g.slip = 0.1, g.discount = 1.0, g.horizon = 25;
  klab::Expected<klab::mdp::Grid> grid = klab::mdp::build_gridworld(g);
  REQUIRE(grid.ok());
  return DefaultCliff(std::move(grid.value()));
}

}  // namespace

TEST_CASE("risk learning: the Itakura–Saito loss's minimiser is the certainty equivalent −(1/β) log mean e^{−βy}") {
  klab::Rng rng(3, 0, 0);
  for (double beta : {0.02, 0.3, 1.5}) {
    std::vector<double> y(40);
    for (double& t : y) t = -30.0 + 40.0 * rng.uniform() - (rng.uniform() < 0.1 ? 100.0 : 0.0);  // a fall now and then
    double mean = 0.0, sum = 0.0;
    const double top = -beta * *std::min_element(y.begin(), y.end());
    for (double t : y) mean += t / static_cast<double>(y.size()), sum += std::exp(-beta * t - top);
    const double ce = -(top + std::log(sum / static_cast<double>(y.size()))) / beta;
    const double v_is = minimiser(EntropicLoss::ItakuraSaito, y, beta, -200.0, 50.0);
    CHECK(v_is == doctest::Approx(ce).epsilon(1e-9));
    CHECK(minimiser(EntropicLoss::Squared, y, beta, -200.0, 50.0) == doctest::Approx(mean).epsilon(1e-9));
    if (beta * 130.0 < 600.0)  // the exponential MSE's exponents stay finite: same minimiser
      CHECK(minimiser(EntropicLoss::ExponentialMse, y, beta, -200.0, 50.0) == doctest::Approx(ce).epsilon(1e-7));
    // It is a minimum of the mean loss, not just a stationary point.
    auto mean_loss = [&](double v) {
      double l = 0.0;
      for (double t : y) l += klab::mdp::entropic_loss(EntropicLoss::ItakuraSaito, v, t, beta);
      return l;
    };
    CHECK(mean_loss(ce) < mean_loss(ce - 0.1));
    CHECK(mean_loss(ce) < mean_loss(ce + 0.1));
  }
}

TEST_CASE("risk learning: each loss's gradient matches central finite differences") {
  for (EntropicLoss loss : {EntropicLoss::ItakuraSaito, EntropicLoss::ExponentialMse, EntropicLoss::Squared, EntropicLoss::Softplus})
    for (double beta : {0.02, 0.5})
      for (double v : {-20.0, -3.0, 1.5})
        for (double y : {-25.0, -2.0, 4.0}) {
          const double h = 1e-5 * (1.0 + std::fabs(v));
          const double fd = (klab::mdp::entropic_loss(loss, v + h, y, beta) - klab::mdp::entropic_loss(loss, v - h, y, beta)) / (2.0 * h);
          const double g = klab::mdp::entropic_loss_gradient(loss, v, y, beta);
          CHECK_MESSAGE(std::fabs(g - fd) <= 1e-5 * (1.0 + std::fabs(g)), "loss " << static_cast<int>(loss) << ", β " << beta << ", V " << v << ", y " << y);
        }
}

TEST_CASE("risk learning: the dilogarithm Li₂(z), z ≤ 0: its series, Li₂(−1) = −π²/12, its derivative −log(1 − z)/z, the softplus loss at 0 and −∞") {
  const double pi2 = 9.8696044010893586;  // π²
  CHECK(klab::mdp::dilogarithm(0.0) == 0.0);
  CHECK(klab::mdp::dilogarithm(-1.0) == doctest::Approx(-pi2 / 12).epsilon(1e-15));
  for (double z : {-1e-6, -0.05, -0.3, -0.6}) {  // the defining series Σ zᵏ/k², alternating and fast here
    double sum = 0.0, power = z;
    for (int k = 1; k < 200; ++k, power *= z) sum += power / (static_cast<double>(k) * k);
    CHECK_MESSAGE(klab::mdp::dilogarithm(z) == doctest::Approx(sum).epsilon(1e-14), "z " << z);
  }
  for (double z : {-0.2, -0.9, -1.0, -1.5, -40.0, -1e6}) {  // across the Landen and inversion branches
    const double h = 1e-5 * std::fabs(z);
    const double fd = (klab::mdp::dilogarithm(z + h) - klab::mdp::dilogarithm(z - h)) / (2.0 * h);
    CHECK_MESSAGE(fd == doctest::Approx(-std::log1p(-z) / z).epsilon(1e-7), "z " << z);
  }
  for (double beta : {0.02, 1.0}) {
    CHECK(klab::mdp::entropic_loss(EntropicLoss::Softplus, 3.0, 3.0, beta) == doctest::Approx(0.0).scale(1.0 / (beta * beta)).epsilon(1e-13));
    // Far below the target the gradient 2δσ(βδ) vanishes and the loss flattens at π²/(6β²): not convex.
    CHECK(klab::mdp::entropic_loss(EntropicLoss::Softplus, -2000.0 / beta, 0.0, beta) == doctest::Approx(pi2 / (6 * beta * beta)).epsilon(1e-12));
    CHECK(klab::mdp::entropic_loss_gradient(EntropicLoss::Softplus, -2000.0 / beta, 0.0, beta) == 0.0);
    CHECK(klab::mdp::entropic_loss_gradient(EntropicLoss::Softplus, 2000.0 / beta, 0.0, beta) == doctest::Approx(4000.0 / beta));
  }
}

TEST_CASE("risk learning: the softplus loss's fixed point is CE_β = m − βs²/2 for a Gaussian target N(m, s²), and biased for a target with a fall") {
  for (const auto& beta_s : std::vector<std::pair<double, double>>{{1.0, 1.0}, {0.5, 1.0}, {2.0, 1.0}, {1.0, 0.3}, {3.0, 1.0}}) {
    const double beta = beta_s.first, s = beta_s.second;  // (CAPTURE's lambda may not capture a structured binding)
    // N(m, s²) by the trapezoidal rule on m ± 12s, 601 nodes: for a smooth integrand decaying like the
    // Gaussian the rule's error is exponentially small (far below 10⁻¹² here).
    const double m = 0.7;
    const int n = 600;
    std::vector<double> y(n + 1), w(n + 1);
    const double step = 24.0 * s / n;
    for (int j = 0; j <= n; ++j) {
      const double u = -12.0 * s + step * j;
      y[static_cast<size_t>(j)] = m + u;
      w[static_cast<size_t>(j)] = step * std::exp(-0.5 * u * u / (s * s)) / (s * std::sqrt(2.0 * M_PI));
    }
    const double ce = m - 0.5 * beta * s * s;  // CE_β of a Gaussian
    CAPTURE(beta);
    CAPTURE(s);
    CHECK(minimiser(EntropicLoss::Softplus, y, beta, m - 10.0, m + 10.0, w) == doctest::Approx(ce).epsilon(1e-9));
    CHECK(minimiser(EntropicLoss::ItakuraSaito, y, beta, m - 10.0, m + 10.0, w) == doctest::Approx(ce).epsilon(1e-9));
  }
  // y = 0, or −10 with probability 0.1 (a fall), β = 0.5: CE_β = −2 log(0.9 + 0.1e⁵) = −5.513; the
  // softplus root lies 2.86 below it (−8.371: here it over-weights the fall), the IS root on it.
  const std::vector<double> y{0.0, -10.0}, w{0.9, 0.1};
  const double beta = 0.5, ce = -std::log(0.9 + 0.1 * std::exp(5.0)) / beta;
  CHECK(minimiser(EntropicLoss::ItakuraSaito, y, beta, -10.0, 0.0, w) == doctest::Approx(ce).epsilon(1e-12));
  const double sp = minimiser(EntropicLoss::Softplus, y, beta, -10.0, 0.0, w);
  CHECK(sp == doctest::Approx(-8.37085).epsilon(1e-5));
  CHECK(ce - sp > 2.0);
}

TEST_CASE("risk learning: a learner whose values overflow is marked diverged and stops; the IS loss's fixed point is Q*, the softplus loss's is not") {
  klab::mdp::GridSpec g = klab::mdp::cliff_spec();
  g.slip = 0.1, g.discount = 1.0, g.horizon = 8, g.cliff_reward = -1000;
  const klab::Expected<klab::mdp::Grid> grid = klab::mdp::build_gridworld(g);
  REQUIRE(grid.ok());
  const klab::mdp::Mdp& m = grid.value().mdp;
  const klab::Expected<klab::mdp::StockLattice> lattice = klab::mdp::stock_lattice(m);
  REQUIRE(lattice.ok());
  const std::vector<double> q = klab::mdp::entropic_q_values(m, lattice.value(), 1.0);
  // β = 1 and a −1000 fall: e^{−βV} is e^{1000}, not a double; the exponential MSE cannot take one step.
  klab::mdp::EntropicQLearner emse(m, lattice.value(), {EntropicLoss::ExponentialMse, 1.0, 0.5, 0.6});
  klab::Rng rng(5, 0, 0);
  for (int k = 0; k < 20; ++k) emse.sweep(rng);
  CHECK(emse.diverged());
  CHECK(emse.sweeps() < 20);
  CHECK(klab::mdp::max_abs_error(emse.q(), q) == INFINITY);
  // The fixed point of the IS learner's expected step is Q* (here at β = 0.3); the softplus learner's is not.
  const std::vector<double> q_mild = klab::mdp::entropic_q_values(m, lattice.value(), 0.3);
  CHECK(klab::mdp::max_abs_error(klab::mdp::loss_fixed_point(m, lattice.value(), EntropicLoss::ItakuraSaito, 0.3), q_mild) < 1e-9);
  CHECK(klab::mdp::max_abs_error(klab::mdp::loss_fixed_point(m, lattice.value(), EntropicLoss::Softplus, 0.3), q_mild) > 1.0);
}

TEST_CASE("risk learning: Adam's first step is η₀ in the gradient's direction; at β = 0.05 on the cliff SGD diverges, Adam does not") {
  const DefaultCliff cliff = default_cliff();
  const klab::mdp::Mdp& m = cliff.grid.mdp;
  const klab::Expected<klab::mdp::StockLattice>& lattice = cliff.lattice;
  REQUIRE(lattice.ok());
  klab::mdp::EntropicLearnerSettings adam;
  adam.loss = EntropicLoss::ItakuraSaito, adam.beta = 0.05, adam.rate = 0.5, adam.decay = 0.7, adam.step = klab::mdp::EntropicStep::Adam;
  // One sweep from Q = 0: m̂ = g and v̂ = g², so every entry moves by η₀·g/(|g| + ε): ±0.5 where g ≠ 0.
  klab::mdp::EntropicQLearner first(m, lattice.value(), adam);
  klab::Rng rng(2, 0, 0);
  first.sweep(rng);
  size_t moved = 0;
  for (double v : first.q()) {
    if (v == 0.0) continue;
    CHECK(std::fabs(v) == doctest::Approx(0.5).epsilon(1e-6));
    ++moved;
  }
  CHECK(moved > first.q().size() / 2);
  // The mdp.risk defaults at β = 0.05 (η₀ = 0.5, ω = 0.7), 100 sweeps, the same samples: SGD's IS step after a
  // fall is η·β⁻¹(e^{β·100} − 1) ≈ 1,500 and its values leave the range; Adam's stay finite and in range.
  for (const klab::mdp::EntropicStep step : {klab::mdp::EntropicStep::Sgd, klab::mdp::EntropicStep::Adam}) {
    adam.step = step;
    klab::mdp::EntropicQLearner learner(m, lattice.value(), adam);
    klab::Rng samples(7, 0, 0);
    for (int k = 0; k < 100; ++k) learner.sweep(samples);
    CHECK(learner.diverged() == (step == klab::mdp::EntropicStep::Sgd));
  }
}

TEST_CASE("risk learning: the paper's step-size recipe (linear warm-up from 0.01, cosine decay over the second half) against its closed form") {
  klab::mdp::EntropicLearnerSettings s;
  s.rate = 2.0, s.decay = 0.7, s.total_sweeps = 200;
  for (int k : {0, 1, 99, 100, 199}) CHECK(klab::mdp::entropic_step_size(s, k) == 2.0 / std::pow(k + 1.0, 0.7));  // all off: η₀(k + 1)^{−ω}
  s.decay = 0.0, s.warmup = 0.05, s.schedule = klab::mdp::EntropicSchedule::Cosine;  // W = 10 sweeps, decay from k = 100
  const std::vector<std::pair<int, double>> expected{
      {0, 2.0 * 0.01},                                              // the warm-up's start factor
      {5, 2.0 * (0.01 + 0.99 * 0.5)},                               // half way up
      {10, 2.0},  {99, 2.0},  {100, 2.0},                           // constant; the cosine starts at 1
      {150, 1.0},                                                   // ½(1 + cos(π/2))
      {199, 1.0 + std::cos(M_PI * 198.0 / 200.0)}};                 // near 0 at the end
  for (const auto& ke : expected) {
    const int k = ke.first;
    CAPTURE(k);
    CHECK(klab::mdp::entropic_step_size(s, k) == doctest::Approx(ke.second).epsilon(1e-14));
  }
  s.decay = 0.5;  // the factors multiply η₀(k + 1)^{−ω}
  CHECK(klab::mdp::entropic_step_size(s, 150) == doctest::Approx(2.0 / std::sqrt(151.0) * 0.5).epsilon(1e-14));
}

TEST_CASE("risk learning: a clipped gradient bounds every step by η_k·c; clipped SGD does not diverge at β = 0.05 on the cliff; clipping moves the IS fixed point") {
  // One sample per step, so clipping acts per sample (the paper clips a batch mean of 1,024): the root of
  // E clamp(∂ℓ/∂V, −c, c) for y = 0, or −10 with probability 0.1 (a fall), β = 0.5, c = 1 (the paper's) is
  // where 0.9·2(e^{V/2} − 1) + 0.1·1 = 0, V = 2 log(17/18) = −0.114 (the fall's gradient is clipped there),
  // not CE_β = −5.513: the clip throws away the weight e^{β(V − y)} that makes the IS loss risk-averse.
  double lo = -10.0, hi = 0.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    double g = 0.0;
    for (const auto& yw : std::vector<std::pair<double, double>>{{0.0, 0.9}, {-10.0, 0.1}})
      g += yw.second * std::clamp(klab::mdp::entropic_loss_gradient(EntropicLoss::ItakuraSaito, mid, yw.first, 0.5), -1.0, 1.0);
    (g > 0.0 ? hi : lo) = mid;
  }
  CHECK(0.5 * (lo + hi) == doctest::Approx(2.0 * std::log(17.0 / 18.0)).epsilon(1e-12));
  const DefaultCliff cliff = default_cliff();
  const klab::mdp::Mdp& m = cliff.grid.mdp;
  const klab::Expected<klab::mdp::StockLattice>& lattice = cliff.lattice;
  REQUIRE(lattice.ok());
  klab::mdp::EntropicLearnerSettings s;
  s.loss = EntropicLoss::ItakuraSaito, s.beta = 0.05, s.rate = 0.5, s.decay = 0.7, s.clip = 1.0;
  klab::mdp::EntropicQLearner learner(m, lattice.value(), s);
  klab::Rng rng(7, 0, 0);
  double largest = 0.0;  // the largest |ΔQ| relative to η_k·c
  for (int k = 0; k < 100; ++k) {
    const std::vector<double> before = learner.q();
    learner.sweep(rng);
    const double bound = klab::mdp::entropic_step_size(s, k) * s.clip;
    for (size_t i = 0; i < before.size(); ++i) largest = std::max(largest, std::fabs(learner.q()[i] - before[i]) / bound);
  }
  CHECK(largest <= 1.0 + 1e-9);  // (rounding of Q − η_k·c)
  CHECK(largest >= 1.0 - 1e-9);  // the clip binds (IS steps after a fall are far above 1 unclipped)
  CHECK_FALSE(learner.diverged());  // the same samples diverge without the clip (the Adam test above)
}
