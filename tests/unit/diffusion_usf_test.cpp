// The USF solver space and its search (src/diffusion/solver_plan, usf_search, usf_plan_text): the
// space contains DPM-Solver++ 2M / 3M and DDIM bit for bit, its noise-prediction multistep steps
// converge at their order, the pseudo corrector of an order-1 step equals its closed form on a
// Gaussian and raises the order, plans print and parse back, its time grids end where they must, and
// the search is deterministic given its Rng and never worse than its starting point on the search batch.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/solvers.hpp"
#include "diffusion/usf_plan_text.hpp"
#include "diffusion/usf_search.hpp"

namespace {

using namespace klab::diffusion;

struct UsfSetup {
  Mixture m = make_preset(Preset::Ring, 0.1);
  NoiseSchedule s;
  Particles z = prior_particles(s, 120, 21, 0, 0);
  Particles reference = converged(z);

  Particles converged(Particles p) const {
    solve_reference(m, s, p);
    return p;
  }
  Particles usf(const UsfPlan& u) const {
    Particles p = z;
    run_usf_plan(m, s, u, p);
    return p;
  }
  Particles fixed(Solver solver, StepSchedule schedule, int nfe) const {
    Particles p = z;
    solve(solver, m, s, schedule, nfe, p, 0, 0, 0);
    return p;
  }
};

UsfPlan uniform_plan(int nfe, int order, bool noise, UsfDeriv deriv = UsfDeriv::Dpm, bool corrector = false) {
  UsfPlan u;
  for (int i = 1; i <= nfe; ++i) u.steps.push_back({std::min(order, i), noise, deriv, corrector});
  return u;
}

bool same_bits(const Particles& a, const Particles& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (a.x[i] != b.x[i] || a.y[i] != b.y[i]) return false;
  return true;
}

}  // namespace

TEST_CASE("diffusion USF: the space holds DPM-Solver++ 2M and 3M bit for bit, and DDIM in both predictions") {
  UsfSetup c;
  for (StepSchedule sched : {StepSchedule::LogSnr, StepSchedule::Time}) {
    CHECK(same_bits(c.usf(usf_start_plan(sched, 9)), c.fixed(Solver::DpmppTwoM, sched, 9)));
    UsfPlan three = uniform_plan(9, 3, false);
    three.blend = sched == StepSchedule::LogSnr ? 1.0 : 0.0;
    CHECK(same_bits(c.usf(three), c.fixed(Solver::DpmppThreeM, sched, 9)));
  }
  const Particles ddim = c.fixed(Solver::Ddim, StepSchedule::LogSnr, 9);
  CHECK(discretisation_error(c.usf(uniform_plan(9, 1, false)), ddim) < 1e-10);
  CHECK(discretisation_error(c.usf(uniform_plan(9, 1, true)), ddim) < 1e-10);
}

TEST_CASE("diffusion USF: noise-prediction multistep steps converge at their order (logSNR steps, 120 to 240 NFE)") {
  // As DPM-Solver++ 3M (diffusion_samplers_test.cpp), the released third-order rule is held near order 2.
  UsfSetup c;
  for (int order : {2, 3}) {
    const double e120 = discretisation_error(c.usf(uniform_plan(120, order, true)), c.reference);
    const double e240 = discretisation_error(c.usf(uniform_plan(240, order, true)), c.reference);
    const double slope = std::log2(e120 / e240);
    MESSAGE("ε̂ multistep of order " << order << ": observed order " << slope);
    CHECK(slope > 1.65);
    CHECK(slope < 2.6);
  }
}

TEST_CASE("diffusion USF: the pseudo corrector of an order-1 step equals its closed form on a Gaussian, in both predictions") {
  // Data N(μ, v I): p_t = N(α_t μ, (α_t² v + σ_t²) I), so x̂₀(x, t) = μ + α_t v (x − α_t μ)/(α_t² v + σ_t²) and
  // ε̂ = (x − α_t x̂₀)/σ_t. Two λ-uniform steps t₀ = 1 → t₁ → t₂ = t_end, h_j = λ_j − λ_{j−1}; step 1 is DDIM with the
  // corrector, step 2 DDIM. With m₀ = m(x₀, t₀), x̃₁ the DDIM result and m₁ = m(x̃₁, t₁) (one evaluation, reused):
  //   x̂₀:  x₁ = (σ₁/σ₀) x₀ + α₁ (1 − e^{−h₁}) m₀ + α₁ (h₁ − 1 + e^{−h₁}) (m₁ − m₀)/h₁,  x₂ = (σ₂/σ₁) x₁ + α₂ (1 − e^{−h₂}) m₁
  //   ε̂:   x₁ = (α₁/α₀) x₀ − σ₁ (e^{h₁} − 1) m₀ − σ₁ (e^{h₁} − 1 − h₁) (m₁ − m₀)/h₁,  x₂ = (α₂/α₁) x₁ − σ₂ (e^{h₂} − 1) m₁
  // (the order-2 Taylor term with m′ = (m₁ − m₀)/h₁: the authors' corrector of a first-order update).
  Mixture m;
  m.components.push_back({1.0, 0.3, -0.2, 0.25, 0.0, 0.25});
  const NoiseSchedule s;
  const double mu[2] = {0.3, -0.2}, v = 0.25;
  const std::vector<double> t = usf_time_grid(s, 1.0, 1.0, 2);
  auto x0hat = [&](double x, int d, int j) {
    const double a = s.alpha(t[static_cast<size_t>(j)]), sg = s.sigma(t[static_cast<size_t>(j)]);
    return mu[d] + a * v * (x - a * mu[d]) / (a * a * v + sg * sg);
  };
  auto pred = [&](bool noise, double x, int d, int j) {
    const double a = s.alpha(t[static_cast<size_t>(j)]), sg = s.sigma(t[static_cast<size_t>(j)]);
    return noise ? (x - a * x0hat(x, d, j)) / sg : x0hat(x, d, j);
  };
  const double a0 = s.alpha(t[0]), a1 = s.alpha(t[1]), a2 = s.alpha(t[2]), s0 = s.sigma(t[0]), s1 = s.sigma(t[1]), s2 = s.sigma(t[2]);
  const double h1 = s.lambda(t[1]) - s.lambda(t[0]), h2 = s.lambda(t[2]) - s.lambda(t[1]);
  for (bool noise : {false, true}) {
    UsfPlan u;
    u.steps = {{1, noise, UsfDeriv::Dpm, true}, {1, noise, UsfDeriv::Dpm, false}};
    const SolverPlan plan = make_usf_plan(m, s, u);
    const double start[2] = {1.1, -0.7};
    double got[2], path[4];
    double px = start[0], py = start[1];
    advance_particle(plan.view(0, 0, 0, 0, 1), 0, &px, &py, path);
    got[0] = px;
    got[1] = py;
    for (int d = 0; d < 2; ++d) {
      const double x0 = start[d], m0 = pred(noise, x0, d, 0);
      const double ddim = noise ? a1 / a0 * x0 - s1 * std::expm1(h1) * m0 : s1 / s0 * x0 + a1 * -std::expm1(-h1) * m0;
      const double m1 = pred(noise, ddim, d, 1);
      const double x1 = noise ? ddim - s1 * (std::expm1(h1) - h1) * (m1 - m0) / h1 : ddim + a1 * (h1 + std::expm1(-h1)) * (m1 - m0) / h1;
      const double x2 = noise ? a2 / a1 * x1 - s2 * std::expm1(h2) * m1 : s2 / s1 * x1 + a2 * -std::expm1(-h2) * m1;
      CHECK(std::fabs(x1 - ddim) > 1e-3);  // the correction is not negligible here
      CHECK(path[d] == doctest::Approx(x1).epsilon(1e-12));  // the recorded state after step 1 is the corrected one
      CHECK(got[d] == doctest::Approx(x2).epsilon(1e-12));
    }
  }
}

TEST_CASE("diffusion USF: the pseudo corrector raises an order-1 step to order 2; Taylor and low-order derivatives converge") {
  UsfSetup c;
  auto slope = [&](const UsfPlan& a, const UsfPlan& b) {
    return std::log2(discretisation_error(c.usf(a), c.reference) / discretisation_error(c.usf(b), c.reference));
  };
  const double corrected = slope(uniform_plan(60, 1, false, UsfDeriv::Dpm, true), uniform_plan(120, 1, false, UsfDeriv::Dpm, true));
  const double plain = slope(uniform_plan(60, 1, false), uniform_plan(120, 1, false));
  MESSAGE("order-1 x̂₀ steps: observed order " << plain << ", with the pseudo corrector " << corrected);
  CHECK(plain < 1.3);
  CHECK(corrected > 1.65);
  CHECK(corrected < 2.6);
  // ε̂ steps: order 2 with Taylor differences and order 3 with a low-order m′ converge at order 2; order 3 with
  // Taylor differences above DPM-Solver's order-3 rule (whose m″ term is half the Taylor term: solver_plan.hpp)
  // — both held towards 2 by the warm-up's first-order step.
  auto observed = [&](int order, UsfDeriv d) {
    const double o = slope(uniform_plan(60, order, true, d), uniform_plan(120, order, true, d));
    const char* name = d == UsfDeriv::Taylor ? "Taylor" : d == UsfDeriv::LowOrder ? "low-order" : "DPM-Solver's";
    MESSAGE("ε̂ steps of order " << order << ", " << std::string(name) << " derivatives: observed order " << o);
    return o;
  };
  for (const double o : {observed(2, UsfDeriv::Taylor), observed(3, UsfDeriv::LowOrder)}) {
    CHECK(o > 1.65);
    CHECK(o < 2.3);
  }
  const double taylor3 = observed(3, UsfDeriv::Taylor), dpm3 = observed(3, UsfDeriv::Dpm);
  CHECK(taylor3 > 2.5);
  CHECK(taylor3 > dpm3 + 0.3);
}

TEST_CASE("diffusion USF: plans print and parse back exactly; bad text names the token") {
  UsfPlan u;
  u.blend = 0.75;
  u.power = 1.25;
  u.steps = {{1, true, UsfDeriv::Dpm, true}, {2, false, UsfDeriv::Taylor, false}, {3, true, UsfDeriv::LowOrder, true}, {3, false, UsfDeriv::Dpm, false}};
  const std::string text = format_usf_plan(u);
  CHECK(text == "b=0.75 p=1.25 1ec 2dt 3elc 3d");
  const klab::Expected<UsfPlan> back = parse_usf_plan(text);
  REQUIRE(back.ok());
  CHECK(back.value().blend == u.blend);
  CHECK(back.value().power == u.power);
  CHECK(format_usf_plan(back.value()) == text);
  CHECK(same_usf_steps(back.value(), u));
  CHECK(parse_usf_plan("b=1 p=1 1d 4e").error().find("step 2 ('4e')") != std::string::npos);
  CHECK(parse_usf_plan("b=1 p=1 2dx").error().find("step 1 ('2dx')") != std::string::npos);
  CHECK(parse_usf_plan("b=2 p=1 1d").error().find("blend must be in [0, 1]") != std::string::npos);
  CHECK(!parse_usf_plan("b=1 p=1").ok());
  // The linear relaxation coefficient of m′ (the evolution's Gaussian mutations) prints exactly and reads back.
  u.steps[1].relax = -0.046788153297066315;
  u.steps[2].relax = 0.1;
  const std::string relaxed = format_usf_plan(u);
  CHECK(relaxed == "b=0.75 p=1.25 1ec 2dtr-0.046788153297066315 3elr0.1c 3d");
  const klab::Expected<UsfPlan> again = parse_usf_plan(relaxed);
  REQUIRE(again.ok());
  CHECK(again.value().steps[1].relax == u.steps[1].relax);
  CHECK(again.value().steps[2].relax == u.steps[2].relax);
  CHECK(again.value().steps[2].corrector);
  CHECK(parse_usf_plan("b=1 p=1 1d 2dtrx").error().find("step 2 ('2dtrx') needs a relaxation coefficient") != std::string::npos);
  CHECK(parse_usf_plan("b=1 p=1 1d 2dtr11").error().find("in [-10, 10]") != std::string::npos);
}

TEST_CASE("diffusion USF: the linear relaxation scales m′ by (1 + c·h): the result is affine in c, and c = 0 is the plain Taylor step bit for bit") {
  // Two steps: DDIM, then an order-2 Taylor step whose m′ weights carry (1 + c·h). x₁ does not depend on c and
  // x₂ is affine in m′'s weights, so (x₂(c) − x₂(0))/c is the same for every c.
  UsfSetup c;
  auto run = [&](double relax) {
    UsfPlan u;
    u.steps = {{1, false, UsfDeriv::Dpm, false}, {2, false, UsfDeriv::Taylor, false, relax}};
    return c.usf(u);
  };
  const Particles plain = run(0.0), a = run(0.05), b = run(-0.2);
  UsfPlan taylor;
  taylor.steps = {{1, false, UsfDeriv::Dpm, false}, {2, false, UsfDeriv::Taylor, false}};
  CHECK(same_bits(plain, c.usf(taylor)));
  double moved = 0.0;
  for (size_t i = 0; i < plain.size(); ++i) {
    CHECK((a.x[i] - plain.x[i]) / 0.05 == doctest::Approx((b.x[i] - plain.x[i]) / -0.2).epsilon(1e-6));
    CHECK((a.y[i] - plain.y[i]) / 0.05 == doctest::Approx((b.y[i] - plain.y[i]) / -0.2).epsilon(1e-6));
    moved = std::max(moved, std::fabs(b.x[i] - plain.x[i]));
  }
  CHECK(moved > 1e-6);  // the relaxation does move the samples
}

TEST_CASE("diffusion USF: time grids run from 1 to t_end, decreasing, and contain the two fixed schedules") {
  for (Process process : {Process::Vp, Process::Ve}) {
    NoiseSchedule s;
    s.process = process;
    for (double blend : usf_blends())
      for (double power : usf_powers()) {
        const std::vector<double> t = usf_time_grid(s, blend, power, 7);
        CHECK(t.front() == 1.0);
        CHECK(t.back() == s.t_end);
        for (size_t i = 1; i < t.size(); ++i) CHECK(t[i] < t[i - 1]);
      }
    // time_grid is usf_time_grid at blend 1 or 0, power 1: bit for bit the plain uniform grids in λ and in t.
    const int n = 7;
    std::vector<double> in_lambda(n + 1), in_t(n + 1);
    const double l0 = s.lambda(1.0), l1 = s.lambda(s.t_end);
    for (int i = 0; i <= n; ++i) {
      const double u = static_cast<double>(i) / n;
      in_lambda[static_cast<size_t>(i)] = s.t_of_lambda(l0 + u * (l1 - l0));
      in_t[static_cast<size_t>(i)] = 1.0 + u * (s.t_end - 1.0);
    }
    in_lambda.front() = in_t.front() = 1.0;
    in_lambda.back() = in_t.back() = s.t_end;
    CHECK(time_grid(s, StepSchedule::LogSnr, n) == in_lambda);
    CHECK(time_grid(s, StepSchedule::Time, n) == in_t);
  }
}

TEST_CASE("diffusion USF search: deterministic given its Rng, never worse than DPM-Solver++ 2M on its batch") {
  UsfSetup c;
  auto search = [&](uint32_t run) {
    klab::Rng rng(5, run, 4);
    return usf_search(c.m, c.s, StepSchedule::LogSnr, 6, c.z, c.reference, rng);
  };
  const UsfSearch a = search(0), b = search(0);
  CHECK(a.error == b.error);
  CHECK(a.candidates == b.candidates);
  CHECK(a.plan.blend == b.plan.blend);
  CHECK(a.plan.power == b.plan.power);
  REQUIRE(a.plan.steps.size() == 6);
  for (size_t i = 0; i < a.plan.steps.size(); ++i) {
    CHECK(a.plan.steps[i].order == b.plan.steps[i].order);
    CHECK(a.plan.steps[i].noise == b.plan.steps[i].noise);
    CHECK(a.plan.steps[i].deriv == b.plan.steps[i].deriv);
    CHECK(a.plan.steps[i].corrector == b.plan.steps[i].corrector);
    CHECK(a.plan.steps[i].order <= static_cast<int>(i) + 1);
  }
  CHECK(a.error <= a.start_error);
  CHECK(a.start_error == usf_batch_error(c.fixed(Solver::DpmppTwoM, StepSchedule::LogSnr, 6), c.reference));
  CHECK(a.error == usf_batch_error(c.usf(a.plan), c.reference));
  MESSAGE("USF search at 6 NFE: batch error " << a.error << " from DPM-Solver++ 2M's " << a.start_error << " (" << a.candidates
                                                << " plans): " << format_usf_plan(a.plan));
}

TEST_CASE("diffusion USF: a batch with the search gives the same numbers on 1 and 3 threads, with either search method") {
  // (The all-demo thread test, batch_test.cpp, runs the small config without `usf`: its runs must
  // finish within one 1e4-evaluation slice, and a search costs more.)
  for (const char* method : {"coordinate", "evolution"}) {
    CAPTURE(method);
    SamplersExperiment e;
    REQUIRE(e.params().set_texts({{"solvers", "usf,dpmpp_2m"}, {"nfe", "3,6"}, {"particles", "16"}, {"search_n", "8"}, {"usf_search", method}, {"usf_evals", "40"}}).ok());
    klab::BatchJob one(e.clone(), 5, 4), three(e.clone(), 5, 4);
    one.run_all(1);
    three.run_all(3);
    const klab::BatchResult &a = one.result(), &b = three.result();
    for (size_t m = 0; m < sampler_metric_ids().size(); ++m)
      for (size_t k = 0; k < 2; ++k) {
        CHECK(a.curve_stat(0, m, k).mean() == b.curve_stat(0, m, k).mean());
        CHECK(a.curve_stat(0, m, k).sem() == b.curve_stat(0, m, k).sem());
      }
  }
}
