// The diffusion chapter's hot loop, one thread, validated before it is timed (STYLE habit 2):
//   1. particle-score evaluations per second of the exact score ∇log p_t of a 16-component 2-D
//      mixture (the moons preset) at t = 0.3 (diffusion/marginal.hpp, score()): per evaluation 16
//      quadratic forms, 16 exponentials, one log. Issue 13's target: ≥ 5·10⁷ per second per core.
//   2. the same evaluations inside a whole sampler: DPM-Solver++ 2M at 20 NFE on 10⁵ particles.
// Validation: the score equals central differences of log p_t (relative 1e-6) at 1000 points.
// Usage: diffusion_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/solvers.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  using namespace klab::diffusion;
  const Mixture m = make_preset(Preset::Moons, 0.1);
  NoiseSchedule schedule;
  const Marginal p = marginal_at(m, schedule, 0.3);
  const size_t n = quick ? 20000 : 100000;
  std::vector<double> xs(n), ys(n);
  klab::Rng rng(1, 0, 0);
  for (size_t i = 0; i < n; ++i) xs[i] = 2.0 * klab::sample_normal(rng), ys[i] = 2.0 * klab::sample_normal(rng);
  for (size_t i = 0; i < 1000; ++i) {
    double gx, gy, u, v;
    score(p, xs[i], ys[i], &gx, &gy);
    const double h = 1e-5;
    const double fx = (score(p, xs[i] + h, ys[i], &u, &v) - score(p, xs[i] - h, ys[i], &u, &v)) / (2 * h);
    const double fy = (score(p, xs[i], ys[i] + h, &u, &v) - score(p, xs[i], ys[i] - h, &u, &v)) / (2 * h);
    if (std::fabs(gx - fx) > 1e-6 * std::max(1.0, std::fabs(gx)) || std::fabs(gy - fy) > 1e-6 * std::max(1.0, std::fabs(gy))) {
      std::printf("MISMATCH at (%g, %g): score (%.12g, %.12g), finite differences (%.12g, %.12g)\n", xs[i], ys[i], gx, gy, fx, fy);
      return 1;
    }
  }
  std::printf("All results match (score = central differences of log p_t within 1e-6 at 1000 points, K = %zu). Starting benchmarks.\n\n",
              m.components.size());

  const int repeats = quick ? 5 : 20;
  double best = 1e300, checksum = 0.0;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = Clock::now();
    for (int k = 0; k < repeats; ++k)
      for (size_t i = 0; i < n; ++i) {
        double gx, gy;
        score(p, xs[i], ys[i], &gx, &gy);
        checksum += gx + gy;
      }
    best = std::min(best, seconds_since(t0));
  }
  const double evals = static_cast<double>(n) * repeats;
  std::printf("score of a %zu-component mixture: %.3g particle-score evaluations/s (%.1f ns each, checksum %.6g)\n",
              m.components.size(), evals / best, 1e9 * best / evals, checksum);
  std::printf("  napkin maths: 16 × (quadratic form 8 flops + exp) + log; target 5e7/s = 20 ns per evaluation, 1.25 ns per component\n");

  Particles z = prior_particles(schedule, n, 1, 0, 0);
  const auto t1 = Clock::now();
  solve(Solver::DpmppTwoM, m, schedule, StepSchedule::LogSnr, 20, z, 1, 0, 1);
  const double s = seconds_since(t1);
  std::printf("DPM-Solver++ 2M, 20 NFE, %zu particles: %.3g particle-score evaluations/s (%.3f s)\n", n, 20.0 * n / s, s);
  return 0;
}
