// optim.halpern's oracle = dense against oracle = sparse (optim/halpern_sparse.hpp) on its two DRO problems, one thread,
// validated before it is timed (STYLE habit 2): oracle calls per CPU second of the methods' steps alone (no residual monitor,
// no setup), vr_eg and vr_halpern_inexact (μ = 0), at n = 256, 1024, 4096.
// Napkin maths: a dense step combines vectors of size dim z = h + n (h = 2 or 3), so a vr_eg step (2 calls) costs O(n) and
// calls/s fall like 1/n; sparse on wdro_logistic costs O(h) per step plus O(n) per refresh (probability 2/n, n calls), so
// calls/s stay flat in n; on dro_least_squares both keep the capped simplex's projection per step (expected O(n),
// capped_simplex.hpp), so both fall like 1/n.
// Validation: 300 steps from the same start and draws give the same point (dro_least_squares: bit for bit; wdro_logistic:
// within 1e-12).
// Usage: halpern_bench [--quick]    (prints figures; asserts nothing)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/rng.hpp"
#include "optim/halpern.hpp"

namespace {

using namespace klab::optim;

FiniteSumGame make_game(HalpernProblem problem, long long n, HalpernOracle oracle) {
  FiniteSumGame g;
  g.problem = problem;
  g.n = n;
  g.mu = 0.0;
  g.oracle = oracle;
  g.prepare(3);
  return g;
}

// Oracle calls between two readings of the CPU clock. std::clock is a system call (clock_gettime of the process's CPU time,
// ≈ 0.2 µs here), more than a sparse vr_eg step (2 calls, ≈ 65 ns): read after every step it cut the sparse figures by 3–4×.
// Every 512 calls it is read once per 256 vr_eg steps (< 1% of their time) and after every outer step of vr_halpern_inexact
// (n + 3M_k calls: thousands).
constexpr double kCallsPerClockReading = 512;

// Steps one method until `calls` oracle calls or `seconds` of CPU; returns calls per CPU second.
double calls_per_second(const FiniteSumGame& g, HalpernMethod m, double calls, double seconds) {
  HalpernState s = make_halpern_state(g, m, g.start(-2.0, 2.0));
  klab::Rng rng(3, 0, 0);
  const double first = s.calls;
  const std::clock_t t0 = std::clock();
  double elapsed = 0.0, read_at = first;
  while (s.calls - first < calls && elapsed < seconds) {
    halpern_step(g, &s, rng);
    if (s.calls - read_at < kCallsPerClockReading) continue;
    read_at = s.calls;
    elapsed = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  }
  settle(&s, g);  // timed: the lazy block's last O(n), once
  elapsed = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  return (s.calls - first) / std::max(elapsed, 1e-9);
}

// The largest coordinate difference of the two paths' points after `steps` steps from the same draws.
double path_difference(const FiniteSumGame& dense, const FiniteSumGame& sparse, HalpernMethod m, int steps) {
  const VecZ z0 = dense.start(-2.0, 2.0);
  HalpernState d = make_halpern_state(dense, m, z0), s = make_halpern_state(sparse, m, z0);
  klab::Rng rd(5, 0, 0), rs(5, 0, 0);
  for (int k = 0; k < steps; ++k) halpern_step(dense, &d, rd), halpern_step(sparse, &s, rs);
  settle(&s, sparse);
  double largest = s.calls == d.calls ? 0.0 : INFINITY;
  for (size_t j = 0; j < d.point.size(); ++j) largest = std::max(largest, std::fabs(d.point[j] - s.point[j]));
  return largest;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const HalpernProblem problems[] = {HalpernProblem::DroLeastSquares, HalpernProblem::WdroLogistic};
  const char* names[] = {"dro_least_squares", "wdro_logistic"};
  const HalpernMethod methods[] = {HalpernMethod::VrExtragradient, HalpernMethod::VrHalpernInexact};
  const char* method_names[] = {"vr_eg", "vr_halpern_inexact"};
  for (int p = 0; p < 2; ++p)
    for (int m = 0; m < 2; ++m) {
      const double diff = path_difference(make_game(problems[p], 64, HalpernOracle::Dense),
                                          make_game(problems[p], 64, HalpernOracle::Sparse), methods[m], m == 0 ? 300 : 3);
      const double allowed = p == 0 ? 0.0 : 1e-12;
      if (!(diff <= allowed)) {
        std::printf("MISMATCH: %s %s, sparse and dense points differ by %.3g (allowed %.0e)\n", names[p], method_names[m], diff, allowed);
        return 1;
      }
    }
  std::printf("All results match (n = 64: dro_least_squares bit for bit, wdro_logistic within 1e-12). Starting benchmarks.\n\n");
  std::printf("oracle calls per CPU second of the steps alone, one thread (up to %s passes or %s s CPU per figure)\n",
              quick ? "5" : "50", quick ? "0.5" : "3");
  std::printf("%-18s %-19s %6s %12s %12s %8s\n", "problem", "method", "n", "dense", "sparse", "ratio");
  for (int p = 0; p < 2; ++p)
    for (long long n : {256LL, 1024LL, 4096LL}) {
      const FiniteSumGame dense = make_game(problems[p], n, HalpernOracle::Dense), sparse = make_game(problems[p], n, HalpernOracle::Sparse);
      for (int m = 0; m < 2; ++m) {
        const double calls = (quick ? 5.0 : 50.0) * static_cast<double>(n), seconds = quick ? 0.5 : 3.0;
        const double d = calls_per_second(dense, methods[m], calls, seconds), s = calls_per_second(sparse, methods[m], calls, seconds);
        std::printf("%-18s %-19s %6lld %12.3g %12.3g %7.1f×\n", names[p], method_names[m], n, d, s, s / d);
      }
    }
  return 0;
}
