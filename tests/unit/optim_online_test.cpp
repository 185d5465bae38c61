// Known answers of optim.online's SEA toy and learners (src/optim/online.hpp): the adversarial
// variation is exactly Σ (brute force over the disc), the gradients match finite differences, the
// comparator is the minimum over the disc (brute force), optimistic FTRL's closed-form argmin is the
// minimum over the disc (brute force), and the first rounds of each learner by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/online.hpp"

using klab::optim::OnlineLoss;
using klab::optim::SeaProblem;
using klab::optim::Vec2;

namespace {

SeaProblem problem(OnlineLoss loss, double variation) {
  SeaProblem p;
  p.loss = loss;
  p.delta = 0.7;
  p.lambda = 1.5;
  p.direction = {-0.6, 0.8};
  p.variation = variation;
  p.noise = 0.2;  // σ: OGD's G² = 1 + 0.04 in the rounds worked by hand
  return p;
}

// The rounds worked by hand: T = 100, a start and two observed gradients.
klab::optim::OnlineSettings hand_settings() {
  klab::optim::OnlineSettings s;
  s.horizon = 100;
  return s;
}
const Vec2 kHandStart{-0.5, -0.4}, kHandG1{0.6, 0.8}, kHandG2{-0.3, 0.4};

}  // namespace

TEST_CASE("optim.online: sup over the disc of ‖∇F_t − ∇F_{t−1}‖ is exactly the slider's Σ (brute force on a grid)") {
  for (OnlineLoss loss : {OnlineLoss::Huber, OnlineLoss::Quadratic}) {
    for (double variation : {0.05, 0.5, 1.3, 2.0}) {
      CAPTURE(variation);
      const SeaProblem p = problem(loss, variation);
      double sup = 0.0;
      for (int i = 0; i <= 400; ++i)
        for (int j = 0; j <= 400; ++j) {
          const Vec2 x{-1.0 + i / 200.0, -1.0 + j / 200.0};
          if (norm(x) > 1.0) continue;
          const Vec2 a = p.gradient(x, 1), b = p.gradient(x, 2);
          sup = std::max(sup, norm({a[0] - b[0], a[1] - b[1]}));
        }
      const Vec2 a = p.gradient(p.centre, 1), b = p.gradient(p.centre, 2);
      CHECK(sup <= variation + 1e-12);
      CHECK(norm({a[0] - b[0], a[1] - b[1]}) == doctest::Approx(variation).epsilon(1e-12));  // attained at x = c
    }
  }
}

TEST_CASE("optim.online: ∇F_t matches central finite differences of F_t (Huber inside and outside δ, quadratic)") {
  for (OnlineLoss loss : {OnlineLoss::Huber, OnlineLoss::Quadratic}) {
    const SeaProblem p = problem(loss, 0.8);
    for (const Vec2& x : {Vec2{0.9, -0.3}, Vec2{0.35, 0.3}, Vec2{-0.7, -0.6}, Vec2{0.1, 0.5}}) {
      const Vec2 g = p.gradient(x, 3);
      const double h = 1e-6;
      const double g0 = (p.value({x[0] + h, x[1]}, 3) - p.value({x[0] - h, x[1]}, 3)) / (2 * h);
      const double g1 = (p.value({x[0], x[1] + h}, 3) - p.value({x[0], x[1] - h}, 3)) / (2 * h);
      CHECK(g[0] == doctest::Approx(g0).epsilon(1e-6));
      CHECK(g[1] == doctest::Approx(g1).epsilon(1e-6));
    }
  }
}

TEST_CASE("optim.online: the comparator minimises Σ_{t≤n} F_t over the disc (brute force on a grid)") {
  for (OnlineLoss loss : {OnlineLoss::Huber, OnlineLoss::Quadratic}) {
    for (double variation : {0.3, 2.0}) {
      SeaProblem p = problem(loss, variation);
      p.centre = {0.9, 0.6};  // outside the disc: the minimiser is on the boundary
      for (long long n : {1LL, 7LL, 40LL}) {
        CAPTURE(n);
        const double odd = static_cast<double>((n + 1) / 2), even = static_cast<double>(n / 2);
        auto total = [&](const Vec2& x) { return odd * p.value(x, 1) + even * p.value(x, 2); };
        const Vec2 best = p.comparator(n);
        double grid_min = 1e300;
        for (int i = 0; i <= 500; ++i)
          for (int j = 0; j <= 500; ++j) {
            const Vec2 x{-1.0 + i / 250.0, -1.0 + j / 250.0};
            if (norm(x) <= 1.0) grid_min = std::min(grid_min, total(x));
          }
        CHECK(norm(best) <= 1.0 + 1e-15);
        CHECK(total(best) <= grid_min + 1e-12);
        CHECK(total(best) >= grid_min - 1e-3 * n);  // the grid's spacing 0.004 costs at most G·0.003 a round
      }
    }
  }
}

TEST_CASE("optim.online: the first rounds of optimistic OMD, plain OMD and OGD by hand") {
  using namespace klab::optim;
  const SeaProblem p = problem(OnlineLoss::Huber, 0.5);
  const OnlineSettings s = hand_settings();
  const Vec2 start = kHandStart, g1 = kHandG1, g2 = kHandG2;
  const double L = 1.0 / 0.7, cap = 1.0 / (4.0 * L);
  // Optimistic OMD: round 1 plays x̂₁ (M₁ = 0) with η₁ = 1/(4L); round 2 plays Π(x̂₂ − η₂ g₁).
  OnlineLearner o = make_learner(OnlineMethod::OptimisticOmd, start);
  CHECK(learner_play(p, s, o) == start);
  learner_observe(p, s, g1, &o);
  const Vec2 hat2{start[0] - cap * g1[0], start[1] - cap * g1[1]};
  CHECK(o.x_hat[0] == doctest::Approx(hat2[0]));
  const double eta2 = std::min(cap, 2.0 / 1.0);  // D/√‖g₁ − 0‖² = 2/1
  const Vec2 x2 = learner_play(p, s, o);
  CHECK(x2[0] == doctest::Approx(hat2[0] - eta2 * g1[0]));
  CHECK(x2[1] == doctest::Approx(hat2[1] - eta2 * g1[1]));
  learner_observe(p, s, g2, &o);
  CHECK(o.hint_error == doctest::Approx(1.0 + (0.9 * 0.9 + 0.4 * 0.4)));  // ‖g₁‖² + ‖g₂ − g₁‖²
  // Plain OMD plays x̂_t: x₂ = x̂₂ (no hint).
  OnlineLearner plain = make_learner(OnlineMethod::PlainOmd, start);
  learner_observe(p, s, g1, &plain);
  CHECK(learner_play(p, s, plain) == plain.x_hat);
  CHECK(plain.x_hat[0] == doctest::Approx(hat2[0]));
  // OGD: η = D/(G√T), G² = sup‖∇F‖² + σ² = 1 + 0.04.
  OnlineLearner ogd = make_learner(OnlineMethod::Ogd, start);
  const double eta = 2.0 / (std::sqrt(1.04) * 10.0);
  learner_observe(p, s, g1, &ogd);
  CHECK(ogd.x_hat[0] == doctest::Approx(start[0] - eta * g1[0]));
  // A start outside the disc is projected onto it.
  CHECK(norm(make_learner(OnlineMethod::Ogd, {1.0, 1.0}).x_hat) == doctest::Approx(1.0));
}

TEST_CASE("optim.online: optimistic FTRL's argmin_X ⟨a, x⟩ + ‖x − c‖²/η = Π_X(c − (η/2)a) equals a brute-force search over the disc") {
  klab::Rng rng(71, 0, 0);
  int inside = 0;
  for (int k = 0; k < 12; ++k) {
    CAPTURE(k);
    const double r = std::sqrt(rng.uniform()), phi = 2.0 * klab::kPi * rng.uniform();
    const Vec2 c{r * std::cos(phi), r * std::sin(phi)};  // a start in the disc
    const Vec2 a{klab::sample_normal(rng, 0.0, 3.0), klab::sample_normal(rng, 0.0, 3.0)};
    const double eta = std::exp(klab::sample_uniform(rng, std::log(0.02), std::log(2.0)));
    auto objective = [&](const Vec2& x) { return a[0] * x[0] + a[1] * x[1] + ((x[0] - c[0]) * (x[0] - c[0]) + (x[1] - c[1]) * (x[1] - c[1])) / eta; };
    const Vec2 closed = klab::optim::ftrl_argmin(a, c, eta);
    Vec2 best{0.0, 0.0};
    double best_value = 1e300;
    for (int i = 0; i <= 500; ++i)
      for (int j = 0; j <= 500; ++j) {
        const Vec2 x{-1.0 + i / 250.0, -1.0 + j / 250.0};
        if (norm(x) <= 1.0 && objective(x) < best_value) best_value = objective(x), best = x;
      }
    // The closed form is at least as good as every grid point (spacing 0.004), and the grid's best point lies near it
    // (the objective is (2/η)-strongly convex).
    CHECK(norm(closed) <= 1.0 + 1e-15);
    CHECK(objective(closed) <= best_value + 1e-12);
    CHECK(norm({closed[0] - best[0], closed[1] - best[1]}) <= 0.05);
    inside += norm(closed) < 1.0 - 1e-9;
  }
  CHECK(inside >= 2);       // both cases occur: an interior minimiser ...
  CHECK(12 - inside >= 2);  // ... and one on the boundary
}

TEST_CASE("optim.online: the first rounds of optimistic FTRL by hand (convex: AdaFTRL step; strongly convex: surrogate FTL)") {
  using namespace klab::optim;
  const SeaProblem p = problem(OnlineLoss::Huber, 0.5);
  const OnlineSettings s = hand_settings();
  const Vec2 start = kHandStart, g1 = kHandG1, g2 = kHandG2;
  const double L = 1.0 / 0.7, G = std::sqrt(1.04), nu = 4.0 * L + 2.0 * G;  // ν = LD² + DG, D = 2
  CHECK(ftrl_nu(p) == doctest::Approx(nu));
  OnlineLearner o = make_learner(OnlineMethod::OptimisticFtrl, start);
  // Round 1: no gradient, M₁ = 0: x₁ = the regulariser's centre; η₁ = D²/ν.
  CHECK(learner_play(p, s, o) == start);
  const double eta1 = 4.0 / nu;
  CHECK(learner_step(p, s, o) == doctest::Approx(eta1));
  learner_observe(p, s, g1, &o);
  // Round 2: η₂ = D²/(ν + η₁‖g₁ − 0‖²), x₂ = Π(x₁ − (η₂/2)(g₁ + M₂)) with M₂ = g₁.
  const double eta2 = 4.0 / (nu + eta1 * 1.0);
  CHECK(learner_step(p, s, o) == doctest::Approx(eta2));
  const Vec2 x2 = learner_play(p, s, o);
  const Vec2 want2 = project_disc({start[0] - eta2 * g1[0], start[1] - eta2 * g1[1]});
  CHECK(x2[0] == doctest::Approx(want2[0]));
  CHECK(x2[1] == doctest::Approx(want2[1]));
  learner_observe(p, s, g2, &o);
  // Round 3: Σ g = g₁ + g₂, M₃ = g₂, and the weighted error adds η₂‖g₂ − g₁‖².
  const double eta3 = 4.0 / (nu + eta1 * 1.0 + eta2 * (0.9 * 0.9 + 0.4 * 0.4));
  CHECK(learner_step(p, s, o) == doctest::Approx(eta3));
  const Vec2 x3 = learner_play(p, s, o);
  const Vec2 want3 = project_disc({start[0] - 0.5 * eta3 * (g1[0] + 2 * g2[0]), start[1] - 0.5 * eta3 * (g1[1] + 2 * g2[1])});
  CHECK(x3[0] == doctest::Approx(want3[0]));
  CHECK(x3[1] == doctest::Approx(want3[1]));
  // Strongly convex (λ = 1.5): x₂ = Π(x₁ − (g₁ + M₂)/λ), x₃ = Π((x₁ + x₂)/2 − (g₁ + g₂ + M₃)/(2λ)).
  const SeaProblem q = problem(OnlineLoss::Quadratic, 0.5);
  OnlineLearner sc = make_learner(OnlineMethod::OptimisticFtrl, start);
  CHECK(learner_play(q, s, sc) == start);
  learner_observe(q, s, g1, &sc);
  const Vec2 y2 = learner_play(q, s, sc), want_y2 = project_disc({start[0] - 2 * g1[0] / 1.5, start[1] - 2 * g1[1] / 1.5});
  CHECK(y2[0] == doctest::Approx(want_y2[0]));
  CHECK(y2[1] == doctest::Approx(want_y2[1]));
  learner_observe(q, s, g2, &sc);
  const Vec2 y3 = learner_play(q, s, sc);
  const Vec2 want_y3 = project_disc({(start[0] + y2[0]) / 2 - (g1[0] + 2 * g2[0]) / 3.0, (start[1] + y2[1]) / 2 - (g1[1] + 2 * g2[1]) / 3.0});
  CHECK(y3[0] == doctest::Approx(want_y3[0]));
  CHECK(y3[1] == doctest::Approx(want_y3[1]));
}
