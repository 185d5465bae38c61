// The blackbox chapter's hot loops, one thread, validated before they are timed (STYLE habit 2):
//   1. DisOM fitness evaluations per second of the (1,λ)- and (1+λ)-EA (blackbox/disom.hpp): each
//      offspring costs a Bin(n, 1/n) flip count (table inversion), ~1 Philox draw per flipped
//      bit, an O(flips) Zobrist-hash and OneMax update and one Philox block for the frozen noise,
//      so the rate should not depend on n (n = 10² … 10⁴).
//   2. GP posterior updates per second (blackbox/gp.hpp): appending one observation to a GP of n
//      points (an O(n²) row of the Cholesky factor and two triangular solves for K⁻¹y), n up to
//      2,000, 2-D inputs, Matérn 5/2; napkin maths: ~2n² flops per update.
//   3. NSGA-II generations per second at population 1,000 (blackbox/nsga2.hpp, OneMinMax, n = 249 so
//      that μ = 4(n + 1) = 1,000): 1,000 mutations, then ranks and crowding of 2,000 points.
//   4. blackbox.nsga2's defaults (NSGA-II and dNSGA-II, OneMinMax, n = 16, 32, 64) run by the CPU engine
//      (nsga2.cpp) and by the CUDA engine's host twin (nsga2_bits.hpp: packed strings, merge sorts on
//      flat arrays), evaluations per second each, after checking that both count the same evaluations.
// Validation: the incremental OneMax count and hash equal a recount of the final string, and
// both EAs solve OneMax (p = 0) at n = 1000; the appended Cholesky factor equals Eigen's LLT of K
// at n = 300.
// Usage: blackbox_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "blackbox/disom.hpp"
#include "blackbox/gp.hpp"
#include "blackbox/nsga2.hpp"
#include "blackbox/nsga2_engine.hpp"
#include "blackbox/nsga2_experiment.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

using namespace klab;
using namespace klab::blackbox;

struct EaTiming {
  long long evaluations;
  double seconds;
  EaRun final;
};

// The EA until the optimum or `max_evaluations`.
EaTiming run_ea(const Landscape& l, Selection s, long long max_evaluations) {
  const std::vector<uint64_t> keys = zobrist_keys(l);
  const std::vector<double> cdf = flip_count_cdf(l.n);
  const int lambda = static_cast<int>(std::ceil(1.2 * comma_threshold(l.n)));
  EaRun st = ea_start(l, keys);
  Rng rng(1, 0, kMutationStream);
  const auto t0 = Clock::now();
  while (st.ones < l.n && st.evaluations < max_evaluations) ea_generation(l, keys, cdf, s, lambda, rng, st);
  return {st.evaluations, seconds_since(t0), st};
}

bool consistent(const Landscape& l, const EaRun& st) {
  const std::vector<uint64_t> keys = zobrist_keys(l);
  int ones = 0;
  uint64_t hash = 0;
  for (int i = 0; i < l.n; ++i)
    if (st.x[static_cast<size_t>(i)]) ++ones, hash ^= keys[static_cast<size_t>(i)];
  return ones == st.ones && hash == st.hash;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  for (Selection s : {Selection::Plus, Selection::Comma}) {
    Landscape l;
    l.n = 1000;
    l.p = 0.0;
    const EaTiming t = run_ea(l, s, 100000000);
    if (t.final.ones != l.n || !consistent(l, t.final)) {
      std::printf("MISMATCH: %s-EA on OneMax n = 1000 ended at OM = %d (incremental count/hash %s)\n", s == Selection::Plus ? "(1+λ)" : "(1,λ)",
                  t.final.ones, consistent(l, t.final) ? "consistent" : "inconsistent");
      return 1;
    }
  }
  const GpHyper hyper{KernelKind::Matern52, 1.0, 0.2, 1e-4, 0.0};
  {
    Gp gp(hyper, 2);
    Rng r(3, 0, 0);
    for (int i = 0; i < 300; ++i) {
      const double x[2] = {r.uniform(), r.uniform()};
      if (!gp.add(x, r.uniform()).ok()) return 1;
    }
    Eigen::MatrixXd k(300, 300);
    for (int i = 0; i < 300; ++i)
      for (int j = 0; j < 300; ++j) k(i, j) = kernel_value(hyper, gp.input(i), gp.input(j), 2) + (i == j ? hyper.noise : 0.0);
    const double err = (gp.factor() - Eigen::MatrixXd(Eigen::LLT<Eigen::MatrixXd>(k).matrixL())).cwiseAbs().maxCoeff();
    if (err > 1e-9) {
      std::printf("MISMATCH: appended Cholesky factor differs from Eigen's LLT by %.3g\n", err);
      return 1;
    }
  }
  std::printf("All results match (both EAs solve OneMax at n = 1000; incremental OneMax count and Zobrist hash = recount; "
              "appended Cholesky = Eigen LLT at n = 300). Starting benchmarks.\n\n");

  const long long budget = quick ? 200000 : 2000000;
  std::printf("DisOM (p = 1/n, exponential heights, mean 1), λ = ⌈1.2·log_{e/(e−1)} n⌉, %lld evaluations or the optimum, best of 3:\n", budget);
  for (int n : {100, 1000, 10000}) {
    for (Selection s : {Selection::Plus, Selection::Comma}) {
      Landscape l;
      l.n = n;
      l.p = 1.0 / n;
      l.heights = {HeightLaw::Exponential, 1.0, 0.0};
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        const EaTiming t = run_ea(l, s, budget);
        best = std::max(best, t.evaluations / t.seconds);
      }
      std::printf("  n = %5d  %s-EA  %.3g evaluations/s per core (%.0f ns per evaluation)\n", n, s == Selection::Plus ? "(1+λ)" : "(1,λ)", best,
                  1e9 / best);
    }
  }
  std::printf("\nGP posterior updates (append one 2-D observation, Matérn 5/2), time per update at size n:\n");
  {
    Gp gp(hyper, 2);
    Rng r(4, 0, 0);
    const int n_max = quick ? 1000 : 2000;
    auto t0 = Clock::now();
    int last = 0;
    for (int n = 1; n <= n_max; ++n) {
      const double x[2] = {r.uniform(), r.uniform()};
      if (!gp.add(x, r.uniform()).ok()) return 1;
      if (n == 250 || n == 500 || n == 1000 || n == 2000) {
        // The updates from `last` to n, each O(size²): report the rate at the end of the stretch.
        const double s = seconds_since(t0);
        std::printf("  n = %4d..%4d  %.3g updates/s (%.3g ms per update; ~2n² = %.2g flops at n)\n", last + 1, n, (n - last) / s, 1e3 * s / (n - last),
                    2.0 * n * n);
        last = n;
        t0 = Clock::now();
      }
    }
  }
  std::printf("\nNSGA-II, OneMinMax, n = 249, population μ = 1,000 (fixed), from a random start:\n");
  {
    Nsga2Settings s;
    s.n = 249;
    s.mu = 1000;
    const std::vector<double> cdf = flip_count_cdf(s.n);
    Rng rng(5, 0, 0);
    Nsga2Run r = nsga2_start(s, rng);
    const int generations = quick ? 50 : 300;
    const auto t0 = Clock::now();
    for (int g = 0; g < generations; ++g) nsga2_generation(s, cdf, rng, r);
    const double sec = seconds_since(t0);
    std::printf("  %.3g generations/s (%.3g ms per generation, %.3g evaluations/s), front covered %d / %d after %d generations\n", generations / sec,
                1e3 * sec / generations, 1000.0 * generations / sec, front_covered(nsga2_front(s, 0.0), r), s.n + 1, generations);
  }
  std::printf("\nblackbox.nsga2 defaults (NSGA-II and dNSGA-II, OneMinMax, n = 16, 32, 64), the CPU engine and the CUDA engine's host twin:\n");
  {
    Nsga2Experiment e;
    const Nsga2Config c = nsga2_config(e.p());
    const uint32_t runs = quick ? 2 : 10;
    auto t0 = Clock::now();
    double cpu_evaluations = 0.0, twin_evaluations = 0.0;
    for (uint32_t r = 0; r < runs; ++r)
      for (int s = 0; s < c.n_series; ++s)
        for (int k = 0; k < c.n_grid; ++k) cpu_evaluations += static_cast<double>(nsga2_cpu_outcome(e.p(), c, s, k, 1, r).evaluations);
    const double cpu_seconds = seconds_since(t0);
    t0 = Clock::now();
    std::vector<Nsga2Outcome> twin;
    run_nsga2_batch_host(c, 1, 0, runs, &twin);
    const double twin_seconds = seconds_since(t0);
    for (const Nsga2Outcome& o : twin) twin_evaluations += static_cast<double>(o.evaluations);
    if (twin_evaluations != cpu_evaluations) {
      std::printf("FAIL: the host twin counts %.0f evaluations, the CPU engine %.0f\n", twin_evaluations, cpu_evaluations);
      return 1;
    }
    std::printf("  %u runs, %.0f evaluations: CPU engine %.3g evaluations/s per core, host twin %.3g (%.2fx)\n", runs, cpu_evaluations,
                cpu_evaluations / cpu_seconds, twin_evaluations / twin_seconds, cpu_seconds / twin_seconds);
  }
  return 0;
}
