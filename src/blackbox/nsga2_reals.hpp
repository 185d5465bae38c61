// The real-coded NSGA-II's per-individual arithmetic (ZDT1–3, Deb et al. 2002) as KLAB_HD code on
// plain arrays: what the CPU engine (nsga2.cpp, mo_problems.cpp) and the CUDA engine's block form
// (nsga2_block_run.hpp) both call, so their draws and IEEE operations are the same (bit for bit where
// the compilers do not contract a·b + c: the strict build; nvcc's release build fuses the SBX sums).
#pragma once
#include <cmath>

#include "blackbox/mo_problems.hpp"
#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

constexpr double kNsgaCrossoverProbability = 0.9;           // p_c (Deb et al. 2002)
constexpr double kNsgaEtaCrossover = 20.0, kNsgaEtaMutation = 20.0;  // η_c, η_m (Deb et al. 2002)

// ZDT1–3 (Zitzler, Deb, Thiele 2000) of z[0..n), maximised form (−f₁, −f₂):
// g = 1 + 9·Σ_{i≥1} z_i/(n − 1), f₁ = z₀, f₂ = g·h(f₁/g).
KLAB_INLINE void nsga2_zdt_objectives(Benchmark b, const double* z, int n, double* f1, double* f2) {
  double sum = 0.0;
  for (int i = 1; i < n; ++i) sum += z[i];
  const double g = 1.0 + 9.0 * sum / static_cast<double>(n > 1 ? n - 1 : 1), a = z[0], q = a / g;
  double h = 0.0;
  if (b == Benchmark::Zdt1) h = 1.0 - std::sqrt(q);
  else if (b == Benchmark::Zdt2) h = 1.0 - q * q;
  else if (b == Benchmark::Zdt3) h = 1.0 - std::sqrt(q) - q * math::cos(10.0 * kPi * a - 0.5 * kPi);
  *f1 = -a, *f2 = -(g * h);
}

// min(1, max(0, v)) as std::min / std::max evaluate it.
KLAB_INLINE double nsga2_clip_unit(double v) {
  const double lo = 0.0 < v ? v : 0.0;
  return lo < 1.0 ? lo : 1.0;
}

// SBX of parents pa, pb into children c1, c2 (n variables), then polynomial mutation of both (nsga2.hpp
// has the formulas). A child may be the parent's own array (each variable is read before it is
// written); a null child is not computed but its draws are made (the CPU engine's dropped odd child;
// both null: the draws only, to advance the stream).
KLAB_INLINE void nsga2_real_variation(int n, Rng& rng, const double* pa, const double* pb, double* c1, double* c2) {
  const double ec = 1.0 / (kNsgaEtaCrossover + 1.0), em = 1.0 / (kNsgaEtaMutation + 1.0);
  for (int i = 0; i < n; ++i) {
    if (c1) c1[i] = pa[i];
    if (c2) c2[i] = pb[i];
  }
  if (rng.uniform() < kNsgaCrossoverProbability)
    for (int i = 0; i < n; ++i) {
      if (rng.uniform() >= 0.5) continue;
      const double u = rng.uniform();
      const bool swap = (rng.uniform() < 0.5);  // drawn after u, as the CPU engine always did
      if (!c1 && !c2) continue;
      const double beta = u <= 0.5 ? math::pow(2.0 * u, ec) : math::pow(1.0 / (2.0 * (1.0 - u)), ec);
      const double p1 = pa[i], p2 = pb[i];
      const double a = nsga2_clip_unit(0.5 * ((1.0 + beta) * p1 + (1.0 - beta) * p2)), b = nsga2_clip_unit(0.5 * ((1.0 - beta) * p1 + (1.0 + beta) * p2));
      if (c1) c1[i] = swap ? b : a;
      if (c2) c2[i] = swap ? a : b;
    }
  for (int child = 0; child < 2; ++child) {
    double* c = child == 0 ? c1 : c2;
    for (int i = 0; i < n; ++i) {
      if (!(rng.uniform() < 1.0 / n)) continue;
      const double u = rng.uniform();
      if (!c) continue;
      const double delta = u < 0.5 ? math::pow(2.0 * u, em) - 1.0 : 1.0 - math::pow(2.0 * (1.0 - u), em);
      c[i] = nsga2_clip_unit(c[i] + delta);
    }
  }
}

}  // namespace klab::blackbox
