#include "blackbox/mo_problems.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "blackbox/nsga2_reals.hpp"
#include "core/lab_math.hpp"
#include "core/portable.hpp"

namespace klab::blackbox {
namespace {

constexpr int kZdtGrid = 10001;   // f₁ grid of the true ZDT front (step 10⁻⁴)
constexpr int kZdtTargets = 100;  // coverage targets along the ZDT front
constexpr double kZdtReference = 1.1;

// f₂ on the Pareto set (g = 1) at f₁ = a.
double zdt_front_f2(Benchmark b, double a) {
  switch (b) {
    case Benchmark::Zdt1: return 1.0 - std::sqrt(a);
    case Benchmark::Zdt2: return 1.0 - a * a;
    case Benchmark::Zdt3: return 1.0 - std::sqrt(a) - a * math::cos(10.0 * kPi * a - 0.5 * kPi);  // sin θ = cos(θ − π/2)
    case Benchmark::OneMinMax:
    case Benchmark::Lotz:
    case Benchmark::OneJumpZeroJump: break;
  }
  return 0.0;
}

}  // namespace

const char* benchmark_label(Benchmark b) {
  switch (b) {
    case Benchmark::OneMinMax: return "OneMinMax";
    case Benchmark::Lotz: return "LOTZ";
    case Benchmark::OneJumpZeroJump: return "OneJumpZeroJump";
    case Benchmark::Zdt1: return "ZDT1";
    case Benchmark::Zdt2: return "ZDT2";
    case Benchmark::Zdt3: return "ZDT3";
  }
  return "";
}

void bits_objectives(Benchmark b, int jump, const std::vector<uint8_t>& x, double* f1, double* f2) {
  const int n = static_cast<int>(x.size());
  switch (b) {
    case Benchmark::OneMinMax:
    case Benchmark::OneJumpZeroJump: {
      int ones = 0;
      for (uint8_t v : x) ones += v;
      const int zeros = n - ones;
      if (b == Benchmark::OneMinMax) {
        *f1 = zeros, *f2 = ones;
        return;
      }
      const int k = jump;
      *f1 = ones <= n - k || ones == n ? k + ones : n - ones;
      *f2 = zeros <= n - k || zeros == n ? k + zeros : n - zeros;
      return;
    }
    case Benchmark::Lotz: {
      int lo = 0, tz = 0;
      while (lo < n && x[static_cast<size_t>(lo)]) ++lo;
      while (tz < n && !x[static_cast<size_t>(n - 1 - tz)]) ++tz;
      *f1 = lo, *f2 = tz;
      return;
    }
    case Benchmark::Zdt1:
    case Benchmark::Zdt2:
    case Benchmark::Zdt3: break;
  }
  *f1 = *f2 = 0.0;
}

void zdt_objectives(Benchmark b, const std::vector<double>& z, double* f1, double* f2) {
  nsga2_zdt_objectives(b, z.data(), static_cast<int>(z.size()), f1, f2);
}

FrontTarget front_target(Benchmark b, int n, int jump, double delta) {
  FrontTarget t;
  if (!real_coded(b)) {
    // Front values (a, n + 2k − a), a increasing: a = 0..n (k = 0), or a ∈ {k} ∪ [2k..n] ∪ {n + k} (OneJumpZeroJump).
    const bool jumps = b == Benchmark::OneJumpZeroJump;
    const int k = jumps ? jump : 0;
    for (int a = k; a <= n + k; ++a)
      if (!jumps || a == k || (a >= 2 * k && a <= n) || a == n + k) t.f1.push_back(a), t.f2.push_back(n + 2 * k - a);
    t.curve1 = t.f1, t.curve2 = t.f2;
    t.ref1 = t.ref2 = -1.0;
    t.delta = 0.0;
  } else {
    // The front on a grid of f₁, reduced to its non-dominated points (ZDT3's five pieces), f₁ increasing.
    double best2 = kInf;  // minimisation: a grid point is non-dominated iff its f₂ is below every f₂ at smaller f₁
    for (int i = 0; i < kZdtGrid; ++i) {
      const double a = static_cast<double>(i) / (kZdtGrid - 1), v = zdt_front_f2(b, a);
      if (v < best2) t.curve1.push_back(-a), t.curve2.push_back(-v), best2 = v;
    }
    const size_t m = t.curve1.size();
    for (int j = kZdtTargets - 1; j >= 0; --j) {  // f₁ (maximised: −a) increasing
      const size_t i = static_cast<size_t>(std::llround(static_cast<double>(j) * static_cast<double>(m - 1) / (kZdtTargets - 1)));
      t.f1.push_back(t.curve1[i]), t.f2.push_back(t.curve2[i]);
    }
    t.ref1 = t.ref2 = -kZdtReference;
    t.delta = delta;
  }
  t.hypervolume = hypervolume_2d(t.curve1, t.curve2, t.ref1, t.ref2);
  return t;
}

double hypervolume_2d(const std::vector<double>& y1, const std::vector<double>& y2, double ref1, double ref2) {
  std::vector<size_t> order(y1.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return y1[a] > y1[b] || (y1[a] == y1[b] && (y2[a] > y2[b] || (y2[a] == y2[b] && a < b))); });
  // In decreasing y₁, a point adds the strip (y₁ − r₁) × (y₂ − the highest y₂ so far) when it rises above it.
  double area = 0.0, top = ref2;
  for (size_t i : order) {
    if (!(y1[i] > ref1) || !(y2[i] > top)) continue;
    area += (y1[i] - ref1) * (y2[i] - top);
    top = y2[i];
  }
  return area;
}

int targets_covered(const FrontTarget& t, const std::vector<double>& y1, const std::vector<double>& y2) {
  // Targets are sorted by f₁ increasing, so f₂ decreases along them (a front): the targets a point y
  // covers (P₁ ≤ y₁ + δ and P₂ ≤ y₂ + δ) are an index range [lo, hi). Count the union of the ranges.
  const size_t count = t.f1.size();
  std::vector<int> starts(count + 1, 0);  // +1 where a range starts, −1 where it ends
  for (size_t i = 0; i < y1.size(); ++i) {
    const size_t hi = static_cast<size_t>(std::upper_bound(t.f1.begin(), t.f1.end(), y1[i] + t.delta) - t.f1.begin());
    const size_t lo = static_cast<size_t>(std::partition_point(t.f2.begin(), t.f2.end(), [&](double v) { return v > y2[i] + t.delta; }) - t.f2.begin());
    if (lo < hi) ++starts[lo], --starts[hi];
  }
  int covered = 0, open = 0;
  for (size_t j = 0; j < count; ++j) {
    open += starts[j];
    covered += open > 0;
  }
  return covered;
}

}  // namespace klab::blackbox
