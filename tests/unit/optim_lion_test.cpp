// Known answers for Lion-κ and its baselines (src/optim/lion.hpp): gradients against finite
// differences, Fenchel–Young for each κ, the reference targets against closed forms on an isotropic
// quadratic, AdamW's first step, and Lion's weight decay pulling x into the box at the rate (1 − ηλ).
#include <doctest/doctest.h>

#include <cmath>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/lion.hpp"
#include "optim/lion_experiment.hpp"

namespace optim = klab::optim;

TEST_CASE("optim.lion: gradients of both objectives match central differences") {
  for (optim::Objective o : {optim::Objective::Quadratic, optim::Objective::Rosenbrock}) {
    optim::Problem p;
    p.objective = o;
    for (optim::Vec2 x : {optim::Vec2{0.3, -0.7}, optim::Vec2{-1.2, 1.9}, optim::Vec2{2.5, 0.1}}) {
      const optim::Vec2 g = p.gradient(x);
      for (int i = 0; i < 2; ++i) {
        optim::Vec2 a = x, b = x;
        a[i] += 1e-6, b[i] -= 1e-6;
        CHECK(g[i] == doctest::Approx((p.value(a) - p.value(b)) / 2e-6).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("optim.lion: Fenchel–Young κ(m) + κ*(y) ≥ mᵀy, with equality at y = ∇κ(m)") {
  klab::Rng rng(1, 0, 0);
  for (optim::Kappa k : {optim::Kappa::L1, optim::Kappa::L2, optim::Kappa::Huber}) {
    for (int trial = 0; trial < 200; ++trial) {
      const optim::Vec2 m{klab::sample_normal(rng), klab::sample_normal(rng)};
      const optim::Vec2 y{klab::sample_uniform(rng, -1, 1), klab::sample_uniform(rng, -1, 1)};
      const double conj = optim::kappa_conjugate(k, y, 0.3);
      if (std::isfinite(conj)) CHECK(optim::kappa_value(k, m, 0.3) + conj >= m[0] * y[0] + m[1] * y[1] - 1e-12);
      const optim::Vec2 d = optim::kappa_gradient(k, m, 0.3);
      CHECK(optim::kappa_value(k, m, 0.3) + optim::kappa_conjugate(k, d, 0.3) == doctest::Approx(m[0] * d[0] + m[1] * d[1]).epsilon(1e-12));
    }
  }
}

TEST_CASE("optim.lion: reference targets equal the closed forms on an isotropic quadratic") {
  optim::Problem p;
  p.condition = 1.0;  // f = ½‖x − c‖²: the targets are projections of c
  p.centre = {2.0, 0.8};
  p.lambda = 1.25;    // box and ball of radius 0.8
  p.huber_delta = 0.4;
  const optim::Vec2 box = optim::lion_target(p, optim::Kappa::L1, {-2, 2});
  CHECK(box[0] == doctest::Approx(0.8));
  CHECK(box[1] == doctest::Approx(0.8));
  const optim::Vec2 ball = optim::lion_target(p, optim::Kappa::L2, {-2, 2});
  const double n = std::hypot(2.0, 0.8);
  CHECK(ball[0] == doctest::Approx(2.0 * 0.8 / n));
  CHECK(ball[1] == doctest::Approx(0.8 * 0.8 / n));
  // min ½‖x − c‖² + (δλ/2)‖x‖² in the box: clip(c/(1 + δλ)) = clip((1.333, 0.533)) = (0.8, 0.533).
  const optim::Vec2 huber = optim::lion_target(p, optim::Kappa::Huber, {-2, 2});
  CHECK(huber[0] == doctest::Approx(0.8));
  CHECK(huber[1] == doctest::Approx(0.8 / 1.5));
}

TEST_CASE("optim.lion: AdamW's first step is a sign step plus decay; Lion's decay pulls x in at the rate (1 − ηλ)") {
  optim::LionSettings s;
  s.lr = 0.1;
  optim::AdamState a{{1.0, -2.0}};
  optim::adamw_step(s, 0.5, {3.0, -0.25}, &a);
  CHECK(a.x[0] == doctest::Approx(1.0 - 0.1 * (1.0 + 0.5 * 1.0)).epsilon(1e-7));
  CHECK(a.x[1] == doctest::Approx(-2.0 - 0.1 * (-1.0 + 0.5 * -2.0)).epsilon(1e-7));
  // Far outside the box, |x| shrinks to (1 − ηλ)|x| + η per step, whatever the gradient's sign.
  optim::Problem p;
  p.lambda = 2.0;
  optim::LionState st{{40.0, -40.0}};
  for (int t = 0; t < 10; ++t) {
    const double before = std::fabs(st.x[0]);
    optim::lion_step(p, optim::Kappa::L1, s, p.gradient(st.x), &st);
    CHECK(std::fabs(st.x[0]) <= (1.0 - 0.1 * 2.0) * before + 0.1 + 1e-12);
  }
  CHECK(std::isinf(optim::lion_lyapunov(p, optim::Kappa::L1, s, st)));  // still outside: Ĥ = ∞
}

TEST_CASE("optim.lion: bad parameters name the field") {
  optim::LionExperiment e;
  klab::Status s = e.params().set_texts({{"lambda", "0"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("lambda") != std::string::npos);
  s = e.params().set_texts({{"methods", "lion,nesterov"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("methods") != std::string::npos);
}
