// Euclidean projection onto the capped simplex Q = {q ∈ [0, c]ⁿ : Σ_i q_i = total} (0 ≤ total ≤ n·c), the weights' set
// of optim.halpern's dro_least_squares (halpern_dro.hpp). The KKT conditions give
//     q_i = clip(y_i − τ, 0, c)   with τ a root of   g(τ) = Σ_i clip(y_i − τ, 0, c) = total,
// g continuous, piecewise linear and non-increasing in τ, with the 2n breakpoints y_i (coordinate i leaves 0) and y_i − c
// (it reaches c). On a piece without breakpoints, with F the coordinates strictly inside (0, c) and U those at c,
//     g(τ) = Σ_{i∈F} y_i − |F|·τ + c·|U|,   so   τ = (Σ_{i∈F} y_i + c·|U| − total) / |F|            (*)
// once the piece holding the root (its active sets F, U) is known. Two ways to find it:
//   - the reference (a test's, tests/unit/optim_halpern_dro_test.cpp): sort y and sweep the breakpoints in decreasing order, O(n log n);
//   - the fast path (project_capped_simplex): a breakpoint search in the manner of Kiwiel's Algorithm 3.1 (K. C. Kiwiel,
//     "Breakpoint searching algorithms for the continuous quadratic knapsack problem", Math. Program. 112(2), 473–491,
//     2008; the simplex case is surveyed in L. Condat, "Fast projection onto the simplex and the ℓ1 ball", Math. Program.
//     158(1), 575–585, 2016), written from the equations above: g = G_y − G_{y−c} with G_S(τ) = Σ_{s∈S} max(s − τ, 0), and a
//     bracket (lo, hi), g(lo) ≥ total ≥ g(hi), shrinks at a pivot t by one evaluation of g(t). Each breakpoint set keeps
//     only its breakpoints strictly inside the bracket; those above it enter G_S as a running count and sum, those below as
//     0, so an evaluation costs O(breakpoints inside). The pivot is the median of three of the larger set (no random
//     numbers; expected O(n) in all, as quickselect) or, while it does at least as well, Newton's point of the previous
//     evaluation, t + (g(t) − total)/slope (the semismooth Newton step of Cominetti, Mascarenhas & Silva, "A Newton's
//     method for the continuous quadratic knapsack problem", Math. Program. Comput. 6, 151–169, 2014). When no breakpoint
//     lies between t and Newton's point, g is linear there and the two bound the root's piece: (*) gives τ, with F and U
//     summed in index order whatever the pivots were. The first pivot is (Σy − total)/n, the root if nothing clipped:
//     on optim.halpern's steps (weights near their last projection) it finds the piece at once, so a projection costs
//     about four read passes over y and copies nothing.
// The two agree up to rounding (the reference sums F in sweep order, adding and removing the capped coordinates): tests in
// tests/unit/optim_halpern_dro_test.cpp, "the projection onto the capped simplex is exact".
#pragma once
#include <cstddef>
#include <vector>

namespace klab::optim {

// τ of (*) for y (n values), by the breakpoint search. The ends exactly: total ≤ 0 gives τ = max y (every q_i = 0) and
// total ≥ n·c gives τ = −∞ (every q_i = c). Finite y: a round whose pivot is a breakpoint removes it from the bracket's
// inside, and a Newton round that fails to halve the inside is followed by one, so it ends; median-of-three quickselect's
// O(n²) worst case needs inputs built against its pivots.
double capped_simplex_shift(const double* y, size_t n, double cap, double total);

// q ← Π_Q(q) in place (n values), by capped_simplex_shift. Expected O(n).
void project_capped_simplex(double* q, size_t n, double cap, double total);
std::vector<double> project_capped_simplex(const std::vector<double>& y, double cap, double total);

}  // namespace klab::optim
