// The optim chapter's hot loop, one thread, validated before it is timed (STYLE habit 2): entropic
// SMD on mixture weights (optim/mixture.hpp), samples per second at M = 10³ components:
//   1. categorical dictionary (point masses): draw x (alias table), f(x), the O(M) multiplicative
//      step w_i ← w_i(1 − η + η f_i/p_w(x)): 2M multiply-adds per sample. Issue target ≥ 10⁶/s.
//   2. Gaussian bumps (σ = 0.05): the same step after the O(M) bump recurrence (3 exponentials and
//      2M products per sample).
// Validation: after n samples on the categorical dictionary the weights equal (c_i + 1/M)/(n + 1).
// Usage: optim_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "optim/mixture.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// n entropic SMD steps (η_t = 1/(t + 2)) from uniform weights; returns the seconds taken.
double run_smd(const klab::optim::MixtureModel& m, long n, std::vector<double>& w, std::vector<double>* counts) {
  using namespace klab::optim;
  const AliasTable table = make_alias_table(m.target);
  klab::Rng rng(1, 0, 0);
  std::vector<double> f(static_cast<size_t>(m.components));
  w.assign(static_cast<size_t>(m.components), 1.0 / m.components);
  const auto t0 = Clock::now();
  for (long t = 0; t < n; ++t) {
    const double x = sample_target(m, table, rng);
    evaluate_components(m, x, f.data());
    entropic_step(w.data(), f.data(), m.components, 1.0 / (t + 2.0));
    if (counts) (*counts)[static_cast<size_t>(x)] += 1.0;
  }
  return seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  using namespace klab::optim;
  const int components = 1000;
  const MixtureModel categorical = make_model(Dictionary::Categorical, components, 100, 0.05);
  std::vector<double> w, counts(components, 0.0);
  const long check_n = 20000;
  run_smd(categorical, check_n, w, &counts);
  for (int i = 0; i < components; ++i) {
    const double expected = (counts[static_cast<size_t>(i)] + 1.0 / components) / (check_n + 1.0);
    if (std::fabs(w[static_cast<size_t>(i)] - expected) > 1e-11 * expected) {
      std::printf("MISMATCH at category %d: SMD %.17g, (c_i + 1/M)/(n + 1) = %.17g\n", i, w[static_cast<size_t>(i)], expected);
      return 1;
    }
  }
  std::printf("All results match (entropic SMD = (c_i + 1/M)/(n + 1) within 1e-11, M = %d, n = %ld). Starting benchmarks.\n\n", components,
              check_n);

  const long n = quick ? 200000 : 2000000;
  double best = 1e300;
  for (int rep = 0; rep < 3; ++rep) best = std::min(best, run_smd(categorical, n, w, nullptr));
  double rate = n / best;
  std::printf("entropic SMD, categorical dictionary, M = %d, %ld samples, best of 3:\n", components, n);
  std::printf("  %.3g samples/s per core, %.0f ns per sample, %.2f ns per component (2 multiply-adds + the p_w(x) sum)   (target 1e6: %s)\n\n",
              rate, 1e9 / rate, 1e9 / rate / components, rate >= 1e6 ? "met" : "not met");

  const MixtureModel bumps = make_model(Dictionary::Bumps, components, 0, 0.05);
  const long nb = quick ? 50000 : 500000;
  best = 1e300;
  for (int rep = 0; rep < 3; ++rep) best = std::min(best, run_smd(bumps, nb, w, nullptr));
  rate = nb / best;
  std::printf("entropic SMD, Gaussian bumps σ = 0.05, M = %d, %ld samples, best of 3:\n", components, nb);
  std::printf("  %.3g samples/s per core, %.0f ns per sample, %.2f ns per component (recurrence + step)\n", rate, 1e9 / rate,
              1e9 / rate / components);
  return 0;
}
