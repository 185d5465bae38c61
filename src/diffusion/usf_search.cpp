#include "diffusion/usf_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace klab::diffusion {

const std::vector<double>& usf_blends() {
  static const std::vector<double> v{0.0, 0.25, 0.5, 0.75, 1.0};
  return v;
}

const std::vector<double>& usf_powers() {
  static const std::vector<double> v{0.5, 0.75, 1.0, 1.25, 1.5, 2.0};
  return v;
}

double usf_batch_error(const Particles& a, const Particles& b) {
  double total = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double dx = a.x[i] - b.x[i], dy = a.y[i] - b.y[i];
    total += std::sqrt(dx * dx + dy * dy);
  }
  return std::isfinite(total) ? total / static_cast<double>(a.size()) : std::numeric_limits<double>::infinity();
}

namespace {

// Per block three coordinates: its strategy (order 1..3 × (x̂₀, ε̂)), its derivative estimation
// (UsfDeriv) and its corrector (no, yes).
constexpr int kStrategies = 6, kBlockCoordinates = 3;
constexpr int kBlockValues = kStrategies + kUsfDerivCount + 2;  // values tried per block and round

// Sets coordinate `which` (0: strategy, 1: derivatives, 2: corrector) of block b of B (steps
// [b·N/B, (b+1)·N/B)) to value k; each step normalised (usf_normalised).
void set_block(UsfPlan& u, int b, int blocks, int which, int k) {
  const int n = static_cast<int>(u.steps.size());
  for (int i = b * n / blocks; i < (b + 1) * n / blocks; ++i) {
    UsfStep& st = u.steps[static_cast<size_t>(i)];
    if (which == 0) {
      st.order = k / 2 + 1;
      st.noise = k % 2 == 1;
    } else if (which == 1) {
      st.deriv = static_cast<UsfDeriv>(k);
    } else {
      st.corrector = k == 1;
    }
    st = usf_normalised(st, i + 1, n);
  }
}

int coordinate_values(int c) {
  if (c == 0) return static_cast<int>(usf_blends().size());
  if (c == 1) return static_cast<int>(usf_powers().size());
  const int which = (c - 2) % kBlockCoordinates;
  return which == 0 ? kStrategies : which == 1 ? kUsfDerivCount : 2;
}

}  // namespace

double usf_search_work(int nfe, double n) {
  const double per_round = static_cast<double>(usf_blends().size() + usf_powers().size()) + kBlockValues * std::min(nfe, kUsfBlocks);
  return n * nfe * (1.0 + kUsfRounds * per_round);
}

void run_usf_plan(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u, Particles& p) {
  const SolverPlan plan = make_usf_plan(m, s, u);
  const PlanView v = plan.view(0, 0, 0, 0, p.size());
  for (size_t j = 0; j < p.size(); ++j) advance_particle(v, j, &p.x[j], &p.y[j]);
}

double usf_plan_error(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u, const Particles& start, const Particles& reference) {
  Particles p = start;
  run_usf_plan(m, s, u, p);
  return usf_batch_error(p, reference);
}

UsfSearch usf_search(const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, const Particles& start,
                     const Particles& reference, Rng& rng) {
  UsfSearch r;
  auto error_of = [&](const UsfPlan& u) {
    ++r.candidates;
    return usf_plan_error(m, s, u, start, reference);
  };
  r.plan = usf_start_plan(schedule, nfe);
  r.start_error = r.error = error_of(r.plan);
  const int blocks = std::min(nfe, kUsfBlocks);
  std::vector<int> coords(static_cast<size_t>(2 + kBlockCoordinates * blocks));
  for (int round = 0; round < kUsfRounds; ++round) {
    for (size_t i = 0; i < coords.size(); ++i) coords[i] = static_cast<int>(i);
    for (size_t i = coords.size() - 1; i > 0; --i) std::swap(coords[i], coords[rng.below(static_cast<uint32_t>(i + 1))]);
    bool improved = false;
    for (int c : coords) {
      for (int k = 0; k < coordinate_values(c); ++k) {
        UsfPlan u = r.plan;
        if (c == 0) u.blend = usf_blends()[static_cast<size_t>(k)];
        else if (c == 1) u.power = usf_powers()[static_cast<size_t>(k)];
        else set_block(u, (c - 2) / kBlockCoordinates, blocks, (c - 2) % kBlockCoordinates, k);
        // Skip the incumbent itself (same grid, steps that run alike): it cannot be strictly better.
        if (u.blend == r.plan.blend && u.power == r.plan.power && same_usf_steps(u, r.plan)) continue;
        const double e = error_of(u);
        if (e < r.error) {
          r.error = e;
          r.plan = u;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return r;
}

}  // namespace klab::diffusion
