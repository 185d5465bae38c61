// optim.halpern's step rules (src/optim/halpern_steps.hpp): each of the authors' scripts' constants on a small instance
// against its formula (‖A‖₂ from Eigen's SVD of the matrix written out, ‖A‖_F summed here), the lab's rules unchanged, the
// scripts' Algorithm 1 step and schedule, the inner-loop length ⌊0.05 n ln(k + 2)⌋ (0 at small n and k: no call), and the
// parameter `steps` refused where the scripts define no constants.
#include <doctest/doctest.h>

#include <Eigen/SVD>
#include <cmath>
#include <string>

#include "core/rng.hpp"
#include "optim/halpern.hpp"
#include "optim/halpern_experiment.hpp"

using namespace klab::optim;

namespace {

FiniteSumGame scripted(HalpernProblem problem, long long n, HalpernSteps steps = HalpernSteps::Script) {
  FiniteSumGame g;
  g.problem = problem;
  g.n = n;
  g.steps = steps;
  g.prepare(3);
  return g;
}

}  // namespace

TEST_CASE("optim.halpern steps=script, matrix_game: every constant from ‖A‖₂ and ‖A‖_F as matrix_game.py sets it") {
  const long long n = 9;
  const FiniteSumGame g = scripted(HalpernProblem::MatrixGame, n);
  const std::vector<double>& a = g.matrix_game().a;
  Eigen::MatrixXd m(n, n);
  double frobenius2 = 0.0;
  for (long long i = 0; i < n; ++i)
    for (long long j = 0; j < n; ++j) m(i, j) = a[i * n + j], frobenius2 += a[i * n + j] * a[i * n + j];
  const double spectral = Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues()(0), frobenius = std::sqrt(frobenius2);
  CHECK(g.lipschitz() == doctest::Approx(spectral).epsilon(1e-12));
  CHECK(g.matrix_game().frobenius() == doctest::Approx(frobenius).epsilon(1e-14));
  const StepRules r = step_rules(g);
  const double p = 1.0 / 9.0;
  CHECK(r.eg == doctest::Approx(5.0 / spectral).epsilon(1e-12));
  CHECK(r.eag == doctest::Approx(5.0 / spectral).epsilon(1e-12));
  CHECK(r.vr_eg_refresh == doctest::Approx(p));
  CHECK(r.vr_eg == doctest::Approx(3.0 * std::sqrt(p) / frobenius).epsilon(1e-14));
  CHECK(r.vr_halpern == doctest::Approx(5.0 / frobenius).epsilon(1e-14));
  CHECK(r.resolvent == doctest::Approx(3.0 / frobenius).epsilon(1e-14));
  CHECK(inexact_resolvent_step(g) == r.resolvent);
  CHECK(r.inner_refresh == doctest::Approx(p));
  CHECK(r.inner == doctest::Approx(5.0 * std::sqrt(p * (1 - p)) / 4.0).epsilon(1e-14));
  // The lab's rules on the same game are unchanged: 1/(2L_lip), 1/(8L_lip), p = 2/n, η = √n/L_avg.
  const FiniteSumGame lab = scripted(HalpernProblem::MatrixGame, n, HalpernSteps::Lab);
  const StepRules l = step_rules(lab);
  CHECK(l.eg == 0.5 / lab.lipschitz());
  CHECK(l.eag == 1.0 / (8.0 * lab.lipschitz()));
  CHECK(l.vr_eg == 0.99 * std::sqrt(2.0 / 9.0) / lab.average_lipschitz());
  CHECK(l.resolvent == 3.0 / lab.average_lipschitz());
  CHECK(inexact_inner_iterations(lab, 0) == static_cast<long long>(std::ceil(18.0 * std::log(2.0))));
  // steps = script on a problem no script covers (refused by the table): this lab's rules, not the QP script's numbers.
  const FiniteSumGame dro = scripted(HalpernProblem::DroLeastSquares, n), dro_lab = scripted(HalpernProblem::DroLeastSquares, n, HalpernSteps::Lab);
  CHECK(step_rules(dro).eg == step_rules(dro_lab).eg);
  CHECK(step_rules(dro).vr_eg == step_rules(dro_lab).vr_eg);
  CHECK(step_rules(dro).resolvent == step_rules(dro_lab).resolvent);
}

TEST_CASE("optim.halpern steps=script, quadratic_program: quadratic_programming.py's numbers; M_k = ⌊0.05 n ln(k + 2)⌋") {
  const FiniteSumGame g = scripted(HalpernProblem::QuadraticProgram, 16);
  const StepRules r = step_rules(g);
  CHECK(r.eg == 0.5);
  CHECK(r.eag == 0.3);
  CHECK(r.vr_eg == 0.01);
  CHECK(r.vr_eg_refresh == 1.0 / 16.0);
  CHECK(r.vr_halpern == 0.3);
  CHECK(r.resolvent == 4.0);  // c = √n
  CHECK(r.inner == 0.001);
  // n = 16: 0.8 ln 2 = 0.55 and 0.8 ln 3 = 0.88 give no inner step (Ĵ(z_k) = z_k, no call), 0.8 ln 4 = 1.11 one.
  CHECK(inexact_inner_iterations(g, 0) == 0);
  CHECK(inexact_inner_iterations(g, 1) == 0);
  CHECK(inexact_inner_iterations(g, 2) == 1);
  CHECK(inexact_inner_iterations(g, 98) == 3);  // 0.8 ln 100 = 3.68
  CHECK(inexact_expected_calls(g, 0) == 0.0);
  CHECK(inexact_expected_calls(g, 2) == 16.0 + 3.0);
  klab::Rng rng(1, 0, 0);
  HalpernState s = make_halpern_state(g, HalpernMethod::VrHalpernInexact, g.start(0, 0));
  halpern_step(g, &s, rng);
  CHECK(s.calls == 0.0);
  CHECK(distance(s.point, s.z0) == 0.0);
  const FiniteSumGame big = scripted(HalpernProblem::QuadraticProgram, 200);  // the paper's n: int(10 ln(k + 2))
  CHECK(inexact_inner_iterations(big, 0) == 6);
  CHECK(inexact_inner_iterations(big, 1000) == 69);
}

TEST_CASE("optim.halpern steps=script: Algorithm 1 as the scripts run it (λ_k = 2/(k + 4), batch ⌊√n⌋, refresh schedule)") {
  CHECK(script_anchor(0) == 0.5);
  CHECK(script_anchor(6) == 0.2);
  CHECK(script_batch(16) == 4);
  CHECK(script_batch(500) == 22);
  CHECK(script_refresh_probability(16, 0) == 1.0);
  CHECK(script_refresh_probability(16, 1) == 1.0);
  CHECK(script_refresh_probability(16, 2) == doctest::Approx(4.0 / 6.0));
  CHECK(script_refresh_probability(16, 5) == doctest::Approx(4.0 / 9.0));  // k − 1 = 4 ≤ √16
  CHECK(script_refresh_probability(16, 6) == doctest::Approx(4.0 / 9.0));  // then 4/(√n + 5)
  CHECK(script_refresh_probability(16, 1000) == doctest::Approx(4.0 / 9.0));
  // Two steps on the QP (unconstrained): z₁ = z₀ − ηF(z₀) (λ₀ = ½ anchors z₀ to itself), F̃₁ = F(z₁) (k = 1 always refreshes),
  // z₂ = (2/5)z₀ + (3/5)z₁ − ηF(z₁); the calls n (F̃₀), then n per refresh.
  const FiniteSumGame g = scripted(HalpernProblem::QuadraticProgram, 16);
  klab::Rng rng(1, 0, 0);
  HalpernState s = make_halpern_state(g, HalpernMethod::VrHalpern, g.start(0, 0));
  const VecZ z0 = s.z0;
  halpern_step(g, &s, rng);
  VecZ z1 = g.full(z0);
  for (size_t j = 0; j < z1.size(); ++j) z1[j] = z0[j] - 0.3 * z1[j];
  CHECK(distance(s.z, z1) < 1e-15);
  CHECK(distance(s.estimate, g.full(z1)) < 1e-14);
  CHECK(s.calls == 32.0);
  halpern_step(g, &s, rng);
  VecZ z2 = g.full(z1);
  for (size_t j = 0; j < z2.size(); ++j) z2[j] = 0.4 * z0[j] + 0.6 * z1[j] - 0.3 * z2[j];
  CHECK(distance(s.z, z2) < 1e-14);
  // From here each step costs n (refresh) or 2⌊√n⌋ = 8 (batch of distinct indices); the estimate's error is a sum of batch
  // differences, and on the refresh steps it is exact.
  for (int k = 0; k < 40; ++k) {
    const double before = s.calls;
    halpern_step(g, &s, rng);
    const double cost = s.calls - before;
    CHECK((cost == 16.0 || cost == 8.0));
    if (cost == 16.0) CHECK(distance(s.estimate, g.full(s.z)) < 1e-12);
  }
}

TEST_CASE("optim.halpern: steps=script is refused outside the paper's two problems and with halpern, naming the field") {
  HalpernExperiment e;
  klab::Status s = e.params().set_texts({{"steps", "script"}, {"methods", "eg,eag"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("'steps'") != std::string::npos);
  s = e.params().set_texts({{"problem", "matrix_game"}, {"steps", "script"}, {"methods", "halpern,eg"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("'methods'") != std::string::npos);
  s = e.params().set_texts({{"problem", "matrix_game"}, {"steps", "lab"}, {"methods", "vr_halpern,eg"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("'methods'") != std::string::npos);
  CHECK(e.params().set_texts({{"problem", "quadratic_program"}, {"steps", "script"}, {"methods", "vr_halpern,vr_halpern_inexact,eag,eg,vr_eg"}}).ok());
}
