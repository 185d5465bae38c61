// The optim chapter's hot loop, one thread, validated before it is timed (STYLE habit 2): entropic
// SMD on mixture weights (optim/mixture.hpp), samples (= SMD updates) per second:
//   1. categorical dictionary (point masses): draw x (alias table), f(x), the O(M) multiplicative
//      step w_i ← w_i(1 − η + η f_i/p_w(x)): 2M multiply-adds per sample. Issue target ≥ 10⁶/s at M = 10³.
//   2. 1-D Gaussian bumps (σ = 0.05): the same step after the O(M) bump recurrence (4 exponentials
//      and 2M products per sample).
//   3. 2-D Gaussian bumps (σ = 0.05) on an s × s grid, M = s²: two 1-D recurrences over s centres and
//      M products for f(x), then the same step.
// Each at M = 10², 10³, 10⁴ (2-D: s = 10, 32, 100, so M = 100, 1024, 10⁴).
//   4. categorical, dense against the lazy step (mixture_lazy.hpp: w = s·v, O(1) per sample on point
//      masses, folded every max(M, 4096) samples) at M = 10³, 10⁴, 10⁵.
// Validation: after n samples on the categorical dictionary the weights equal (c_i + 1/M)/(n + 1), dense and lazy.
// Usage: optim_bench [--quick]    (prints figures; asserts nothing)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "optim/mixture.hpp"
#include "optim/mixture_lazy.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// n entropic SMD steps (η_t = 1/(t + 2)) from uniform weights into w, dense or lazy (categorical only); returns
// the seconds taken.
double run_smd(const klab::optim::MixtureModel& m, long n, bool lazy, std::vector<double>& w, std::vector<double>* counts) {
  using namespace klab::optim;
  const AliasTable table = make_alias_table(m.target);
  klab::Rng rng(1, 0, 0);
  std::vector<double> f(static_cast<size_t>(m.components));
  w.assign(static_cast<size_t>(m.components), 1.0 / m.components);
  LazyEntropic state(w, false, std::max(m.components, 4096));
  const double one = 1.0;
  const auto t0 = Clock::now();
  for (long t = 0; t < n; ++t) {
    const MixturePoint x = sample_target(m, table, rng);
    if (lazy) {
      const int i = static_cast<int>(x.x);
      state.step(&i, &one, 1, 1.0 / (t + 2.0), 0.0);
    } else {
      evaluate_components(m, x, f.data());
      entropic_step(w.data(), f.data(), m.components, 1.0 / (t + 2.0));
    }
    if (counts) (*counts)[static_cast<size_t>(x.x)] += 1.0;
  }
  if (lazy) state.weights(w);
  return seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  using namespace klab::optim;
  {
    const int components = 1000;
    const MixtureModel categorical = make_model(Dictionary::Categorical, components, 100, 0.05);
    const long check_n = 20000;
    for (const bool lazy : {false, true}) {
      std::vector<double> w, counts(components, 0.0);
      run_smd(categorical, check_n, lazy, w, &counts);
      for (int i = 0; i < components; ++i) {
        const double expected = (counts[static_cast<size_t>(i)] + 1.0 / components) / (check_n + 1.0);
        if (std::fabs(w[static_cast<size_t>(i)] - expected) > 1e-11 * expected) {
          std::printf("MISMATCH (%s) at category %d: SMD %.17g, (c_i + 1/M)/(n + 1) = %.17g\n", lazy ? "lazy" : "dense", i,
                      w[static_cast<size_t>(i)], expected);
          return 1;
        }
      }
    }
    std::printf("All results match (entropic SMD, dense and lazy, = (c_i + 1/M)/(n + 1) within 1e-11, M = %d, n = %ld). Starting benchmarks.\n\n",
                components, check_n);
  }

  // Samples per run: ≈ 2·10⁸ component updates (2·10⁷ with --quick), best of 3.
  std::printf("entropic SMD, one thread, best of 3 (samples/s = SMD updates/s; ns per component = time per sample / M)\n");
  std::printf("%-22s %7s %10s %14s %12s %12s\n", "dictionary", "M", "samples", "samples/s", "ns/sample", "ns/component");
  struct Case {
    const char* name;
    Dictionary dictionary;
    int components;
  };
  const Case cases[] = {{"categorical", Dictionary::Categorical, 100},  {"categorical", Dictionary::Categorical, 1000},
                        {"categorical", Dictionary::Categorical, 10000}, {"bumps 1-D, σ = 0.05", Dictionary::Bumps, 100},
                        {"bumps 1-D, σ = 0.05", Dictionary::Bumps, 1000}, {"bumps 1-D, σ = 0.05", Dictionary::Bumps, 10000},
                        {"bumps 2-D, σ = 0.05", Dictionary::Bumps2d, 100}, {"bumps 2-D, σ = 0.05", Dictionary::Bumps2d, 1024},
                        {"bumps 2-D, σ = 0.05", Dictionary::Bumps2d, 10000}};
  std::vector<double> w;
  for (const Case& c : cases) {
    const MixtureModel m = make_model(c.dictionary, c.components, c.dictionary == Dictionary::Categorical ? c.components / 10 : 0, 0.05);
    const long n = static_cast<long>((quick ? 2e7 : 2e8) / c.components);
    double best = 1e300;
    for (int rep = 0; rep < 3; ++rep) best = std::min(best, run_smd(m, n, false, w, nullptr));
    const double rate = n / best;
    std::printf("%-22s %7d %10ld %14.3g %12.0f %12.2f%s\n", c.name, c.components, n, rate, 1e9 / rate, 1e9 / rate / c.components,
                c.dictionary == Dictionary::Categorical && c.components == 1000 ? (rate >= 1e6 ? "   (target 1e6: met)" : "   (target 1e6: not met)") : "");
  }

  // Dense against lazy on point masses: the dense step's samples as above; the lazy one 2·10⁷ samples (2·10⁶ with --quick).
  std::printf("\nentropic SMD on point masses, dense vs lazy (smd_step=lazy), one thread, best of 3\n");
  std::printf("%7s %16s %16s %9s\n", "M", "dense samples/s", "lazy samples/s", "lazy/dense");
  for (const int components : {1000, 10000, 100000}) {
    const MixtureModel m = make_model(Dictionary::Categorical, components, components / 10, 0.05);
    const long dense_n = static_cast<long>((quick ? 2e7 : 2e8) / components), lazy_n = quick ? 2000000 : 20000000;
    double dense = 1e300, lazy = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
      dense = std::min(dense, run_smd(m, dense_n, false, w, nullptr));
      lazy = std::min(lazy, run_smd(m, lazy_n, true, w, nullptr));
    }
    std::printf("%7d %16.3g %16.3g %9.0f\n", components, dense_n / dense, lazy_n / lazy, (lazy_n / lazy) / (dense_n / dense));
  }
  return 0;
}
