// The lab's own elementary functions (core/elementary.hpp) against the platform's libm (glibc
// natively, musl in wasm): nanoseconds per call on the same arguments, best of 5, and a checksum of
// the bits of the lab's results, which must be the same natively and in wasm (the libm's need not).
// Built natively and with em++: `build/native/bench/elementary_bench`,
// `node --no-experimental-fetch build/wasm/bench/elementary_bench.js`. Figures: bench/README.md.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/elementary.hpp"
#include "core/rng.hpp"

namespace {

uint64_t bits(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

// ns per call of f over xs (best of 5) and the xor-rotate checksum of the results' bits. The
// results go to memory that an empty asm statement reads before the clock stops, so that the
// compiler can neither drop the calls nor move them past the clock.
template <class F>
double time_it(F f, const std::vector<double>& xs, uint64_t* checksum) {
  std::vector<double> out(xs.size());
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < xs.size(); ++i) out[i] = f(xs[i]);
    asm volatile("" : : "r"(out.data()) : "memory");
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = s < best ? s : best;
  }
  uint64_t h = 0;
  for (double y : out) h = ((h << 1) | (h >> 63)) ^ bits(y);
  *checksum = h;
  return 1e9 * best / static_cast<double>(xs.size());
}

}  // namespace

int main() {
  const size_t n = 2000000;
  klab::Rng rng(3, 0, 0);
  std::vector<double> unit(n), small(n), wide(n);
  for (size_t i = 0; i < n; ++i) {
    unit[i] = rng.uniform_open();                 // (0, 1): the samplers' and kl's logarithms
    small[i] = 2.0 * rng.uniform() - 1.0;         // [-1, 1]
    wide[i] = klab::elementary::exp(40.0 * small[i]);  // e^-40 … e^40 (the same inputs natively and in wasm)
  }
  struct Row {
    const char* name;
    double libm, ours;
    uint64_t libm_sum, our_sum;
  };
  std::vector<Row> rows;
  auto add = [&](const char* name, auto libm, auto ours, const std::vector<double>& xs) {
    Row r{name, 0, 0, 0, 0};
    r.libm = time_it(libm, xs, &r.libm_sum);
    r.ours = time_it(ours, xs, &r.our_sum);
    rows.push_back(r);
  };
  add("log(u), u in (0,1)", [](double x) { return std::log(x); }, [](double x) { return klab::elementary::log(x); }, unit);
  add("log(x), x in e^[-40,40]", [](double x) { return std::log(x); }, [](double x) { return klab::elementary::log(x); }, wide);
  add("log1p(-u)", [](double x) { return std::log1p(-x); }, [](double x) { return klab::elementary::log1p(-x); }, unit);
  add("exp(40 w), w in [-1,1]", [](double x) { return std::exp(40.0 * x); }, [](double x) { return klab::elementary::exp(40.0 * x); }, small);
  add("pow(u, 0.37)", [](double x) { return std::pow(x, 0.37); }, [](double x) { return klab::elementary::pow(x, 0.37); }, unit);
  add("cos(2 pi u)", [](double x) { return std::cos(6.283185307179586 * x); },
      [](double x) { return klab::elementary::cos(6.283185307179586 * x); }, unit);
  std::printf("%-26s %10s %10s %8s  %-18s %s\n", "function", "libm ns", "lab ns", "lab/libm", "lab checksum", "libm checksum");
  for (const Row& r : rows)
    std::printf("%-26s %10.2f %10.2f %8.2f  %016llx   %016llx\n", r.name, r.libm, r.ours, r.ours / r.libm,
                static_cast<unsigned long long>(r.our_sum), static_cast<unsigned long long>(r.libm_sum));
  return 0;
}
