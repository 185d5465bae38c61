// The bi-objective benchmarks of blackbox.nsga2, their true Pareto fronts, and the two front metrics
// (hypervolume and front coverage). Internally both objectives are MAXIMISED; the real-coded ZDT
// problems (minimisation benchmarks) store (−f₁, −f₂), and the views and tables show f₁, f₂.
//
// Bit strings x ∈ {0,1}ⁿ, |x|₁ ones, |x|₀ = n − |x|₁ zeros:
//   OneMinMax          f = (|x|₀, |x|₁): every x is Pareto-optimal; front (a, n − a), a = 0..n.
//   LOTZ               f = (leading ones, trailing zeros); front 1ᵃ0ⁿ⁻ᵃ, values (a, n − a).
//   OneJumpZeroJump_k  f₁ = k + |x|₁ if |x|₁ ≤ n − k or x = 1ⁿ, else n − |x|₁;
//                      f₂ = k + |x|₀ if |x|₀ ≤ n − k or x = 0ⁿ, else n − |x|₀
//                      (Doerr & Zheng, AAAI 2021; Zheng & Doerr, Evol. Comput. 31(4), 2023, arXiv:2012.07231).
//                      Front: f₁ + f₂ = n + 2k with f₁ ∈ {k} ∪ [2k..n] ∪ {n + k}: n − 2k + 3 values; the
//                      extreme points 0ⁿ and 1ⁿ lie beyond a gap of k − 1 bits (the "jump").
// Reals z ∈ [0, 1]ⁿ (Zitzler, Deb, Thiele, Evol. Comput. 8(2), 2000), g = 1 + 9·Σ_{i≥2} zᵢ/(n − 1), f₁ = z₁:
//   ZDT1  f₂ = g(1 − √(f₁/g))                  front f₂ = 1 − √f₁ (convex)
//   ZDT2  f₂ = g(1 − (f₁/g)²)                  front f₂ = 1 − f₁² (concave)
//   ZDT3  f₂ = g(1 − √(f₁/g) − (f₁/g)sin(10πf₁))  front: the non-dominated parts of
//         1 − √f₁ − f₁ sin(10πf₁) (five pieces); the Pareto set is z₂ = … = zₙ = 0 (g = 1) for all three.
//
// Hypervolume (Zitzler & Thiele 1998): the area dominated by the points and bounded by a reference
// point r (both objectives maximised: the union of the boxes [r₁, y₁] × [r₂, y₂]); exact 2-D sweep in
// decreasing y₁. Reference points: (−1, −1) for the bit strings (every front point adds area), and
// (1.1, 1.1) in (f₁, f₂) for ZDT (stored (−1.1, −1.1)).
// Coverage: the number of target points P of the front such that some population member y has
// y + δ ≥ P in both objectives (additive ε-dominance). Bit strings: the targets are all front values
// and δ = 0, so a target counts exactly when the population holds it (nothing strictly dominates a
// Pareto-optimal value). ZDT: 100 targets spread along the front and δ = `front_tolerance`.
#pragma once
#include <cstdint>
#include <vector>

#include "core/portable.hpp"

namespace klab::blackbox {

enum class Benchmark { OneMinMax, Lotz, OneJumpZeroJump, Zdt1, Zdt2, Zdt3 };

KLAB_INLINE bool real_coded(Benchmark b) { return b == Benchmark::Zdt1 || b == Benchmark::Zdt2 || b == Benchmark::Zdt3; }  // the ZDT problems
const char* benchmark_label(Benchmark b);

// Objectives (maximised) of a bit string (OneMinMax, LOTZ, OneJumpZeroJump with jump k).
void bits_objectives(Benchmark b, int jump, const std::vector<uint8_t>& x, double* f1, double* f2);
// Objectives (maximised: −f₁, −f₂) of a point of [0, 1]ⁿ (ZDT1–3).
void zdt_objectives(Benchmark b, const std::vector<double>& z, double* f1, double* f2);

struct FrontTarget {
  std::vector<double> f1, f2;            // (targets) coverage targets on the true front, maximised form, f1 increasing (so f2 decreasing)
  std::vector<double> curve1, curve2;    // (points) the front drawn and the true hypervolume's points (ZDT: 10,001-point grid, non-dominated part)
  double delta = 0.0;                    // coverage tolerance δ
  double ref1 = -1.0, ref2 = -1.0;       // hypervolume reference point (maximised form)
  double hypervolume = 0.0;              // of the true front (ZDT: of the dense grid, within 2·10⁻⁴ of the continuous front's)
};
FrontTarget front_target(Benchmark b, int n, int jump, double delta);

// Area dominated by the points (y1, y2) within the reference point (ref1, ref2), both maximised. O(m log m).
double hypervolume_2d(const std::vector<double>& y1, const std::vector<double>& y2, double ref1, double ref2);
// Number of targets P with some point y + δ ≥ P in both objectives. O(m log T + T).
int targets_covered(const FrontTarget& t, const std::vector<double>& y1, const std::vector<double>& y2);

}  // namespace klab::blackbox
