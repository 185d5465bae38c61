// USF's evolutionary search as the authors' released code runs it (src/diffusion/usf_evolution.*): its
// mutation keeps plans valid and moves each decision, its crossover takes every field from one parent
// (both represented) or, deep, mixes the steps, and the search is deterministic given its Rng, scores
// exactly its budget and never returns worse than DPM-Solver++ 2M on its batch.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "diffusion/samplers_experiment.hpp"
#include "diffusion/usf_evolution.hpp"
#include "diffusion/usf_plan_text.hpp"

namespace {

using namespace klab::diffusion;

bool in_list(const std::vector<double>& v, double x) { return std::find(v.begin(), v.end(), x) != v.end(); }

long position(const std::vector<double>& v, double x) { return static_cast<long>(std::find(v.begin(), v.end(), x) - v.begin()); }

// Orders in 1..min(3, i), no corrector on the last step, every step as it runs (usf_normalised), a grid of the family.
void check_valid(const UsfPlan& u, size_t n) {
  REQUIRE(u.steps.size() == n);
  CHECK(in_list(usf_blends(), u.blend));
  CHECK(in_list(usf_powers(), u.power));
  for (size_t i = 0; i < n; ++i) {
    const UsfStep& st = u.steps[i];
    CHECK(st.order >= 1);
    CHECK(st.order <= std::min<int>(3, static_cast<int>(i) + 1));
    CHECK(st == usf_normalised(st, static_cast<int>(i) + 1, static_cast<int>(n)));
  }
  CHECK(!u.steps.back().corrector);
}

}  // namespace

TEST_CASE("diffusion USF evolution: mutation keeps plans valid, moves the grid by one value and reaches every choice") {
  klab::Rng rng(3, 0, 9);
  const UsfEvoConfig c;
  int moved_grid = 0, low = 0, corrected = 0, noise = 0, order3 = 0, relaxed = 0, steps = 0;
  for (int n : {1, 2, 3, 7}) {
    for (const UsfPlan& start : usf_initial_population(StepSchedule::LogSnr, n)) {
      check_valid(start, static_cast<size_t>(n));
      UsfPlan u = start;
      for (int k = 0; k < 60; ++k) {
        const UsfPlan v = usf_mutate(u, c, rng);
        check_valid(v, static_cast<size_t>(n));
        // The grid moves at most one value per parameter (the code's small Gaussian move of a timestep).
        CHECK(std::abs(position(usf_blends(), v.blend) - position(usf_blends(), u.blend)) <= 1);
        CHECK(std::abs(position(usf_powers(), v.power) - position(usf_powers(), u.power)) <= 1);
        moved_grid += v.blend != u.blend || v.power != u.power;
        for (const UsfStep& st : v.steps) {
          low += st.deriv == UsfDeriv::LowOrder;
          corrected += st.corrector;
          noise += st.noise;
          order3 += st.order == 3;
          relaxed += st.relax != 0.0;
          ++steps;
        }
        u = v;
      }
    }
  }
  // P(grid moves) = 1 − (1 − 0.3·p_move)² with p_move ≥ ½: at least a fifth of the 4 · 6 · 60 = 1440 mutations.
  CHECK(moved_grid > 1440 / 5);
  CHECK(low > 0);
  CHECK(corrected > 0);
  CHECK(noise > steps / 5);
  CHECK(order3 > 0);
  CHECK(relaxed > 0);  // (check_valid: never at order 1 or with DPM-Solver's rule)
  MESSAGE("mutations: " << moved_grid << " of 1440 moved the grid; of " << steps << " steps " << low << " low-order m′, " << corrected << " corrected, "
                        << noise << " ε̂, " << order3 << " of order 3, " << relaxed << " with m′ relaxed");
}

TEST_CASE("diffusion USF evolution: crossover takes each field from one parent, both represented; deep crossover mixes the steps") {
  // Parents that differ in every field at steps 2..n−1 (step 1 is order 1 in both, step n has no corrector).
  const int n = 6;
  UsfPlan a, b;
  a.blend = 0.0, a.power = 0.5;
  b.blend = 1.0, b.power = 2.0;
  for (int i = 1; i <= n; ++i) {
    a.steps.push_back(usf_normalised({std::min(i, 3), false, UsfDeriv::Taylor, true}, i, n));
    b.steps.push_back(usf_normalised({1, true, UsfDeriv::Dpm, false}, i, n));
  }
  klab::Rng rng(4, 0, 9);
  auto from = [&](const UsfPlan& u, auto field) {  // 0: every step as a, 1: every step as b, 2: mixed
    int as_a = 0, as_b = 0;
    for (size_t i = 1; i + 1 < u.steps.size(); ++i) {  // steps 2..n−1 differ in every field
      as_a += field(u.steps[i]) == field(a.steps[i]);
      as_b += field(u.steps[i]) == field(b.steps[i]);
    }
    return as_a == n - 2 ? 0 : as_b == n - 2 ? 1 : 2;
  };
  auto order = [](const UsfStep& s) { return s.order; };
  auto noise = [](const UsfStep& s) { return s.noise; };
  auto corrector = [](const UsfStep& s) { return s.corrector; };
  UsfEvoConfig whole, deep;
  whole.deep_crossover = 0.0;
  deep.deep_crossover = 1.0;
  int mixed_orders = 0;
  for (int k = 0; k < 200; ++k) {
    const UsfPlan u = usf_crossover(a, b, whole, rng);
    check_valid(u, n);
    const int grid = u.blend == a.blend && u.power == a.power ? 0 : 1;
    CHECK((u.blend == (grid == 0 ? a : b).blend && u.power == (grid == 0 ? a : b).power));
    const int fields[] = {grid, from(u, order), from(u, noise), from(u, corrector)};
    CHECK(std::count(std::begin(fields), std::end(fields), 2) == 0);  // each field whole from one parent
    CHECK(std::count(std::begin(fields), std::end(fields), 0) > 0);   // both parents represented
    CHECK(std::count(std::begin(fields), std::end(fields), 1) > 0);
    // Deep: (order, derivatives, prediction) per step from either parent, the pair kept together.
    const UsfPlan d = usf_crossover(a, b, deep, rng);
    check_valid(d, n);
    mixed_orders += from(d, order) == 2;
    for (size_t i = 1; i + 1 < d.steps.size(); ++i) {
      const UsfStep& p = d.steps[i].order == a.steps[i].order ? a.steps[i] : b.steps[i];
      CHECK(d.steps[i].noise == p.noise);
      CHECK(d.steps[i].deriv == p.deriv);
    }
  }
  // Deep crossover mixes the 4 differing steps unless they all come from one parent: ≈ 200·(1 − 2/16) = 175 (sd 4.7).
  CHECK(mixed_orders > 150);
  CHECK(mixed_orders < 195);
}

TEST_CASE("diffusion USF evolution: deterministic given its Rng, scores its budget, never worse than DPM-Solver++ 2M on its batch") {
  const Mixture m = make_preset(Preset::Ring, 0.1);
  const NoiseSchedule s;
  const Particles z = prior_particles(s, 64, 21, 0, 0);
  Particles reference = z;
  solve_reference(m, s, reference);
  auto search = [&](uint32_t run) {
    klab::Rng rng(5, run, 4);
    return usf_evolution(m, s, StepSchedule::LogSnr, 6, z, reference, 60, rng);
  };
  const UsfSearch a = search(0), b = search(0), other = search(1);
  CHECK(a.candidates == 60);
  CHECK(a.error == b.error);
  CHECK(format_usf_plan(a.plan) == format_usf_plan(b.plan));
  check_valid(a.plan, 6);
  CHECK(a.error <= a.start_error);
  CHECK(a.start_error == usf_plan_error(m, s, usf_start_plan(StepSchedule::LogSnr, 6), z, reference));
  CHECK(a.error == usf_plan_error(m, s, a.plan, z, reference));
  // The initial population alone is its best baseline; the search goes below it.
  double best_baseline = a.start_error;
  for (const UsfPlan& u : usf_initial_population(StepSchedule::LogSnr, 6)) best_baseline = std::min(best_baseline, usf_plan_error(m, s, u, z, reference));
  CHECK(a.error < best_baseline);
  MESSAGE("USF evolution at 6 NFE, 60 plans: batch error " << a.error << " (run 1: " << other.error << ") from ++2M's " << a.start_error
                                                            << ", best baseline " << best_baseline << ": " << format_usf_plan(a.plan));
}

TEST_CASE("diffusion USF evolution: the samplers demo's search scores exactly usf_evals plans; coordinate descent stays within its work bound") {
  // Run 0 of seed 1 (the README's plan counts), search batch of 32, the samplers demo's search stream.
  SamplersParams p;
  p.solvers = {"usf"};
  p.nfe = {4, 6, 10, 20, 50};
  p.particles = 4;
  for (UsfMethod method : {UsfMethod::Coordinate, UsfMethod::Evolution}) {
    p.usf_search = method;
    const SamplersRun run(p, 1, 0);
    std::string counts;
    for (size_t k = 0; k < p.nfe.size(); ++k) {
      const int nfe = static_cast<int>(p.nfe[k]), plans = run.usf(k).candidates;
      counts += " " + std::to_string(plans);
      if (method == UsfMethod::Evolution) CHECK(plans == p.usf_evals);
      else CHECK(plans * 32.0 * nfe <= usf_search_work(nfe, 32.0));
      CHECK(run.usf(k).error <= run.usf(k).start_error);
    }
    MESSAGE(std::string(method == UsfMethod::Evolution ? "evolution" : "coordinate descent") << ": plans scored at 4, 6, 10, 20, 50 NFE:" << counts);
  }
}

TEST_CASE("diffusion USF evolution: the samplers demo's parameters name the field on bad values") {
  SamplersExperiment e;
  CHECK(e.params().set_texts({{"usf_search", "annealing"}}).message().find("parameter 'usf_search' must be one of coordinate, evolution") !=
        std::string::npos);
  CHECK(e.params().set_texts({{"usf_evals", "5"}}).message().find("parameter 'usf_evals' must be an integer in [6, 100000]") != std::string::npos);
  const klab::Status big = e.params().set_texts({{"usf_search", "evolution"}, {"usf_evals", "100000"}, {"search_n", "100000"}});
  CHECK(big.message().find("'search_n' × Σ nfe × 'usf_evals' must be at most 2e11") != std::string::npos);
}
