// bench_core: throughput of the core library, natively and as WebAssembly under node.
//
//   bench_core [--quick] [--core-only]
//
// Prints figures, asserts nothing (timings belong here, never in tests):
//   core     a KL-UCB bandit loop (Garivier & Cappé, COLT 2011): every round computes the index
//              U_a = max{ q : N_a kl(p̂_a, q) ≤ ln t }   (kl_bernoulli_upper, Newton–bisection)
//            of each arm, pulls the argmax and draws its Bernoulli reward from klab::Rng
//            (Philox4x32-10). ns per index and per round; best of several repetitions.
//   sampler  ns per draw of each core sampler (core/samplers.hpp).
//   batch    BatchJob::run_all throughput of every kl demo at default parameters, on 1 thread
//            and on all threads (the wasm build has one thread, so both rows coincide there).
// The "checksum" of the core loop (total reward and pulls, integers) lets run_bench.sh confirm
// that the native and the wasm build executed the same work.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "app/catalog.hpp"
#include "core/batch.hpp"
#include "core/divergences.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Keeps a value alive so the optimiser cannot drop the loop that computed it.
volatile double g_sink = 0.0;

struct CoreLoop {
  double seconds = 0.0;
  uint64_t rounds = 0, indices = 0, checksum = 0;
};

// KL-UCB on K Bernoulli arms for `horizon` rounds in each of `runs` runs (c = 0 in the level).
CoreLoop klucb_loop(uint32_t runs, uint32_t horizon) {
  constexpr int kArms = 8;
  const double means[kArms] = {0.10, 0.20, 0.30, 0.40, 0.45, 0.50, 0.55, 0.60};
  CoreLoop out;
  const auto t0 = Clock::now();
  for (uint32_t r = 0; r < runs; ++r) {
    klab::Rng rng(2024, r, 0);
    double sums[kArms] = {};
    uint32_t counts[kArms] = {};
    for (uint32_t t = 1; t <= horizon; ++t) {
      int arm = static_cast<int>(t - 1);
      if (t > kArms) {  // every arm pulled once: take the largest KL-UCB index
        const double log_t = std::log(static_cast<double>(t));
        double best = -1.0;
        for (int a = 0; a < kArms; ++a) {
          const double u = klab::kl_bernoulli_upper(sums[a] / counts[a], log_t / counts[a]);
          if (u > best) best = u, arm = a;
        }
        out.indices += kArms;
      }
      const bool reward = klab::sample_bernoulli(rng, means[arm]);
      sums[arm] += reward ? 1.0 : 0.0;
      ++counts[arm];
    }
    for (int a = 0; a < kArms; ++a) out.checksum = out.checksum * 31 + counts[a] * 1000003ull + static_cast<uint64_t>(sums[a]);
    out.rounds += horizon;
  }
  out.seconds = seconds_since(t0);
  return out;
}

// Times `draw` for `n` calls, best of `reps`; returns ns per call.
template <class F>
double time_per_call(uint64_t n, int reps, F draw) {
  double best = 1e300;
  for (int k = 0; k < reps; ++k) {
    double acc = 0.0;
    const auto t0 = Clock::now();
    for (uint64_t i = 0; i < n; ++i) acc += draw();
    best = std::min(best, seconds_since(t0));
    g_sink = g_sink + acc;
  }
  return 1e9 * best / static_cast<double>(n);
}

void print_rate(const char* what, double ns) {
  std::printf("sampler  %-22s %9.2f ns/op  %9.2f Mops/s\n", what, ns, 1e3 / ns);
}

void bench_samplers(bool quick) {
  const uint64_t n = quick ? 200000 : 2000000;
  const int reps = quick ? 2 : 5;
  klab::Rng rng(7, 0, 1);
  print_rate("uniform", time_per_call(n, reps, [&] { return rng.uniform(); }));
  print_rate("bernoulli(0.3)", time_per_call(n, reps, [&] { return klab::sample_bernoulli(rng, 0.3) ? 1.0 : 0.0; }));
  print_rate("normal", time_per_call(n, reps, [&] { return klab::sample_normal(rng); }));
  print_rate("gamma(0.5)", time_per_call(n, reps, [&] { return klab::sample_gamma(rng, 0.5); }));
  print_rate("gamma(2.5)", time_per_call(n, reps, [&] { return klab::sample_gamma(rng, 2.5); }));
  print_rate("beta(2,3)", time_per_call(n, reps, [&] { return klab::sample_beta(rng, 2.0, 3.0); }));
  const double weights[8] = {1, 2, 3, 4, 4, 3, 2, 1};
  print_rate("categorical(8)", time_per_call(n, reps, [&] { return static_cast<double>(klab::sample_categorical(rng, weights, 8)); }));
  double out[8];
  print_rate("dirichlet(8, α=1)", time_per_call(n / 8, reps, [&] {
               klab::sample_dirichlet(rng, 1.0, out, 8);
               return out[0];
             }));
}

// Runs of each kl demo at its default parameters: the number of runs is calibrated so one
// single-threaded batch takes about `target` seconds, then the same batch runs on all threads.
void bench_batches(bool quick) {
  const double target = quick ? 0.3 : 1.5;
  const int all = klab::default_thread_count();
  const klab::Registry catalog = klab::make_catalog();
  for (const klab::DemoInfo& demo : catalog.demos()) {
    if (demo.chapter != "kl") continue;
    std::unique_ptr<klab::Experiment> experiment = demo.make();
    // Calibrate on a small batch.
    uint32_t runs = 16;
    double t = 0.0;
    for (;;) {
      klab::BatchJob probe(experiment->clone(), 1, runs);
      const auto t0 = Clock::now();
      probe.run_all(1);
      t = seconds_since(t0);
      if (t > 0.05 || runs >= (1u << 24)) break;
      runs *= 4;
    }
    runs = static_cast<uint32_t>(std::clamp(runs * target / std::max(t, 1e-9), 16.0, 1e8));
    runs = (runs + klab::kBlockRuns - 1) / klab::kBlockRuns * klab::kBlockRuns;
    const std::vector<int> thread_counts = all > 1 ? std::vector<int>{1, all} : std::vector<int>{1};
    for (int threads : thread_counts) {
      klab::BatchJob job(experiment->clone(), 1, runs);
      const auto t0 = Clock::now();
      job.run_all(threads);
      const double s = seconds_since(t0);
      const klab::BatchResult r = job.result();
      std::printf("batch    %-18s threads=%-2d runs=%-8u %7.3f s  %11.1f runs/s  %12.4g %s/s  %9.1f us/run\n",
                  demo.id.c_str(), threads, r.runs_done, s, r.runs_done / s, r.layout.work_per_run * r.runs_done / s,
                  r.layout.work_unit.c_str(), 1e6 * s / r.runs_done);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, core_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--core-only")) core_only = true;
    else {
      std::fprintf(stderr, "bench_core: unknown flag '%s' (flags: --quick, --core-only)\n", argv[i]);
      return 2;
    }
  }
#ifdef __EMSCRIPTEN__
  std::printf("bench_core  build=wasm  emscripten %d.%d.%d  threads=%d\n", __EMSCRIPTEN_major__, __EMSCRIPTEN_minor__,
              __EMSCRIPTEN_tiny__, klab::default_thread_count());
#else
  std::printf("bench_core  build=native  %s  threads=%d\n", "g++ " __VERSION__, klab::default_thread_count());
#endif

  // Core loop: best of `reps` repetitions (the machine is shared; the minimum is the least disturbed).
  const uint32_t runs = quick ? 20 : 100, horizon = 2000;
  const int reps = quick ? 3 : 7;
  CoreLoop best;
  best.seconds = 1e300;
  for (int k = 0; k < reps; ++k) {
    const CoreLoop c = klucb_loop(runs, horizon);
    if (c.seconds < best.seconds) best = c;
  }
  std::printf("core     klucb_index_loop  runs=%u horizon=%u arms=8  %.4f s  %.2f ns/index  %.2f Mindex/s  %.1f ns/round  checksum=%llu\n",
              runs, horizon, best.seconds, 1e9 * best.seconds / best.indices, 1e-6 * best.indices / best.seconds,
              1e9 * best.seconds / best.rounds, static_cast<unsigned long long>(best.checksum));
  if (core_only) return 0;
  bench_samplers(quick);
  bench_batches(quick);
  return 0;
}
