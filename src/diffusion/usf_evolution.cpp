#include "diffusion/usf_evolution.hpp"

#include <algorithm>
#include <array>

#include "core/samplers.hpp"

namespace klab::diffusion {
namespace {

bool chance(Rng& rng, double p) { return rng.uniform() < p; }

// x moved to its neighbour in the list v, up or down (½ each), kept when the move leaves the list (or
// when x is not in it: a plan read from text may hold any grid).
double neighbour(const std::vector<double>& v, double x, Rng& rng) {
  const bool up = chance(rng, 0.5);
  const size_t i = static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
  if (i == v.size()) return x;
  if (up) return i + 1 < v.size() ? v[i + 1] : x;
  return i > 0 ? v[i - 1] : x;
}

// taylor_orders.order_list {1: .2, 2: .4, 3: .3, 4: .1}, by the code's cumulative rule (get_decision_from_dict).
int draw_order(Rng& rng) {
  static constexpr std::array<double, 4> kCumulative{0.2, 0.6, 0.9, 1.0};
  const double p = rng.uniform();
  for (size_t k = 0; k < kCumulative.size(); ++k)
    if (kCumulative[k] > p) return static_cast<int>(k) + 1;
  return 4;
}

void normalise_steps(UsfPlan& u) {
  const int n = static_cast<int>(u.steps.size());
  for (int i = 1; i <= n; ++i) u.steps[static_cast<size_t>(i - 1)] = usf_normalised(u.steps[static_cast<size_t>(i - 1)], i, n);
}

UsfPlan baseline_plan(StepSchedule schedule, int nfe, int order, bool noise, bool corrector) {
  UsfPlan u = usf_start_plan(schedule, nfe);
  for (UsfStep& st : u.steps) {
    st = UsfStep{};
    st.order = order;
    st.noise = noise;
    st.corrector = corrector;
  }
  normalise_steps(u);
  return u;
}

struct Scored {
  UsfPlan plan;
  double error;
};

}  // namespace

std::vector<UsfPlan> usf_initial_population(StepSchedule schedule, int nfe) {
  return {usf_start_plan(schedule, nfe),                 // DPM-Solver++ 2M (the coordinate descent's start)
          baseline_plan(schedule, nfe, 3, false, false),  // DPM-Solver++ 3M
          baseline_plan(schedule, nfe, 1, false, false),  // DDIM
          baseline_plan(schedule, nfe, 2, true, false),   // multistep DPM-Solver 2 (ε̂)
          baseline_plan(schedule, nfe, 3, true, false),   // multistep DPM-Solver 3 (ε̂)
          baseline_plan(schedule, nfe, 2, false, true)};  // ++2M with the pseudo corrector
}

UsfPlan usf_crossover(const UsfPlan& a, const UsfPlan& b, const UsfEvoConfig& c, Rng& rng) {
  // Fields: 0 the time grid, 1 orders and derivatives, 2 predictions, 3 correctors; from[f] = 1: from b.
  std::array<uint32_t, 4> from{};
  for (uint32_t& f : from) f = rng.below(2);
  if (std::count(from.begin(), from.end(), 0u) == 0) from[rng.below(4)] = 0;
  if (std::count(from.begin(), from.end(), 1u) == 0) from[rng.below(4)] = 1;
  auto parent = [&](int field) -> const UsfPlan& { return from[static_cast<size_t>(field)] == 0 ? a : b; };
  UsfPlan u = a;
  u.blend = parent(0).blend;
  u.power = parent(0).power;
  for (size_t i = 0; i < u.steps.size(); ++i) {
    u.steps[i].order = parent(1).steps[i].order;
    u.steps[i].deriv = parent(1).steps[i].deriv;
    u.steps[i].relax = parent(1).steps[i].relax;
    u.steps[i].noise = parent(2).steps[i].noise;
    u.steps[i].corrector = parent(3).steps[i].corrector;
  }
  if (chance(rng, c.deep_crossover)) {
    for (size_t i = 0; i < u.steps.size(); ++i) {
      const UsfStep& p = chance(rng, 0.5) ? a.steps[i] : b.steps[i];
      u.steps[i].order = p.order;
      u.steps[i].deriv = p.deriv;
      u.steps[i].relax = p.relax;
      u.steps[i].noise = p.noise;
    }
  }
  normalise_steps(u);
  return u;
}

UsfPlan usf_mutate(const UsfPlan& parent, const UsfEvoConfig& c, Rng& rng) {
  UsfPlan u = parent;
  if (chance(rng, c.grid)) u.blend = neighbour(usf_blends(), u.blend, rng);
  if (chance(rng, c.grid)) u.power = neighbour(usf_powers(), u.power, rng);
  const int n = static_cast<int>(u.steps.size());
  for (int i = 1; i <= n; ++i) {
    UsfStep& st = u.steps[static_cast<size_t>(i - 1)];
    if (chance(rng, c.order)) {
      const int order = std::min({draw_order(rng), 3, i});
      if (order != st.order) {
        st.order = order;
        st.deriv = UsfDeriv::Taylor;
        st.relax = 0.0;
      }
    }
    if (chance(rng, c.prediction)) st.noise = chance(rng, 0.5);
    if (st.order > 1) {
      if (chance(rng, c.relaxation)) {
        if (st.deriv == UsfDeriv::Dpm) st.deriv = UsfDeriv::Taylor;
        if (chance(rng, c.relaxation)) st.relax = std::clamp(st.relax + c.relax_sd * sample_normal(rng), -kUsfMaxRelax, kUsfMaxRelax);
      }
      if (chance(rng, c.estimation)) {
        const bool one_point = chance(rng, 0.5);
        if (st.order == 3) {
          if (one_point) st.deriv = UsfDeriv::LowOrder;
          else if (st.deriv == UsfDeriv::LowOrder) st.deriv = UsfDeriv::Taylor;
        }
      }
    }
    if (chance(rng, c.corrector)) st.corrector = chance(rng, 0.5);
  }
  normalise_steps(u);  // the last step's corrector is 'no_corrector' (final_type_list)
  return u;
}

UsfSearch usf_evolution(const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, const Particles& start,
                        const Particles& reference, int evaluations, Rng& rng, const UsfEvoConfig& c) {
  std::vector<Scored> population;  // sorted by error, ties in the order scored (stable)
  UsfSearch r;
  auto add = [&](UsfPlan u) {
    const double e = usf_plan_error(m, s, u, start, reference);
    ++r.candidates;
    const auto at = std::upper_bound(population.begin(), population.end(), e, [](double x, const Scored& q) { return x < q.error; });
    population.insert(at, Scored{std::move(u), e});
    return e;
  };
  for (UsfPlan& u : usf_initial_population(schedule, nfe)) {
    const double e = add(std::move(u));
    if (r.candidates == 1) r.start_error = e;  // DPM-Solver++ 2M
  }
  while (r.candidates < evaluations) {
    const uint32_t pool = static_cast<uint32_t>(std::min<size_t>(population.size(), static_cast<size_t>(c.rank_bar)));
    UsfPlan child;
    if (chance(rng, c.crossover)) {
      const uint32_t i = rng.below(pool), j = (i + 1 + rng.below(pool - 1)) % pool;  // two distinct parents
      child = usf_crossover(population[i].plan, population[j].plan, c, rng);
    } else {
      child = population[rng.below(pool)].plan;
    }
    add(usf_mutate(child, c, rng));
  }
  r.plan = population.front().plan;
  r.error = population.front().error;
  return r;
}

}  // namespace klab::diffusion
