// The diffusion chapter's hot loop, one thread, validated before it is timed (STYLE habit 2):
//   1. particle-score evaluations per second of the exact score ∇log p_t of a 16-component 2-D
//      mixture (the moons preset) at t = 0.3 (diffusion/marginal.hpp, score()): per evaluation 16
//      quadratic forms, 16 exponentials, one log. Issue 13's target: ≥ 5·10⁷ per second per core.
//   2. the same evaluations inside a whole sampler: DPM-Solver++ 2M at 20 NFE on 10⁵ particles.
//   3. the sample metrics of one diffusion.samplers cell at n = 10⁶ particles (10⁵ with --quick):
//      sliced W2 (32 projections, against an exact set), KDE-KL (64² grid), mode coverage and MMD
//      (on its first 2000 samples), each timed on the ring's exact draws.
// Validation: the score equals central differences of log p_t (relative 1e-6) at 1000 points.
// Usage: diffusion_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/metrics.hpp"
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

  // 3. Metrics of one cell at n samples (what SamplersRun::measure does per cell).
  const Mixture ring = make_preset(Preset::Ring, 0.1);
  const size_t big = quick ? 100000 : 1000000;
  Particles a, b;
  a.x.resize(big), a.y.resize(big), b.x.resize(big), b.y.resize(big);
  klab::Rng ra(2, 0, 0), rb(3, 0, 0);
  for (size_t i = 0; i < big; ++i) sample_mixture(ring, ra, &a.x[i], &a.y[i]), sample_mixture(ring, rb, &b.x[i], &b.y[i]);
  std::printf("\nmetrics of one cell, ring, n = %zu:\n", big);
  // Wall and process CPU time: on a shared machine the CPU time is the figure to compare.
  auto time = [](const char* what, auto f) {
    const auto t = Clock::now();
    const std::clock_t c = std::clock();
    const double v = f();
    std::printf("  %-34s %8.3f s wall, %8.3f s CPU  (value %.6g)\n", what, seconds_since(t), double(std::clock() - c) / CLOCKS_PER_SEC, v);
  };
  time("sliced W2, 32 projections", [&] { return sliced_w2(a, b, 32); });
  const KdeReference kde(ring, 64, 0.15);
  time("KDE-KL, 64 x 64 grid, h = 0.15", [&] { return kde.kl(a); });
  time("mode coverage", [&] { return mode_coverage(ring, a).samples; });
  Particles head;
  head.x.assign(a.x.begin(), a.x.begin() + 2000), head.y.assign(a.y.begin(), a.y.begin() + 2000);
  const MmdReference mmd(ring, 0.5);
  time("MMD, first 2000 samples", [&] { return mmd.mmd(head); });
  return 0;
}
