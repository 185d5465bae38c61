// The USF solver space and its search (src/diffusion/solver_plan, usf_search): the space contains
// DPM-Solver++ 2M / 3M and DDIM bit for bit, its noise-prediction multistep steps converge at
// their order, its time grids end where they must, and the search is deterministic given its Rng
// and never worse than its starting point on the search batch.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/batch.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/solvers.hpp"
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

UsfPlan uniform_plan(int nfe, int order, bool noise) {
  UsfPlan u;
  for (int i = 1; i <= nfe; ++i) u.steps.push_back({std::min(order, i), noise});
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
  // As DPM-Solver++ 3M (diffusion_samplers_test.cpp), the third-order rule's warm-up leaves a global O(h²) term.
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
    CHECK(a.plan.steps[i].order <= static_cast<int>(i) + 1);
  }
  CHECK(a.error <= a.start_error);
  CHECK(a.start_error == usf_batch_error(c.fixed(Solver::DpmppTwoM, StepSchedule::LogSnr, 6), c.reference));
  CHECK(a.error == usf_batch_error(c.usf(a.plan), c.reference));
  MESSAGE("USF search at 6 NFE: batch error " << a.error << " from DPM-Solver++ 2M's " << a.start_error << " (" << a.candidates << " plans)");
}

TEST_CASE("diffusion USF: a batch with the search gives the same numbers on 1 and 3 threads") {
  // (The all-demo thread test, batch_test.cpp, runs the small config without `usf`: its runs must
  // finish within one 1e4-evaluation slice, and a search costs more.)
  SamplersExperiment e;
  REQUIRE(e.params().set_texts({{"solvers", "usf,dpmpp_2m"}, {"nfe", "3,6"}, {"particles", "16"}, {"search_n", "8"}}).ok());
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
