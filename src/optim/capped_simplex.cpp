// The projection onto the capped simplex (equations and papers in capped_simplex.hpp).
#include "optim/capped_simplex.hpp"

#include <algorithm>

#include "core/portable.hpp"

namespace klab::optim {
namespace {

double median_of_three(double a, double b, double c) { return std::max(std::min(a, b), std::min(std::max(a, b), c)); }

// G_S and its slopes at a pivot t, summed over one breakpoint set (below).
struct AtPivot {
  double sum = 0.0;                // G_S(t) = Σ_{s∈S} max(s − t, 0)
  size_t over = 0, over_or_at = 0;  // #{s > t}, #{s ≥ t}: −G_S's slope just right and just left of t
};

// One of g's two breakpoint sets, as the search narrows the bracket (lo, hi): g(τ) = G_y(τ) − G_{y−c}(τ) with
// G_S(τ) = Σ_{s∈S} max(s − τ, 0) (clip(v, 0, c) = max(v, 0) − max(v − c, 0)). The breakpoints strictly inside the bracket
// are source[k] − shift, k < m: y itself (shift 0 or c) until the first narrowing copies the survivors into `inside`
// (shift 0), so a projection whose first pivot finds the root's piece copies nothing. Of the others, those ≥ hi enter G
// as s − τ (count `above`, sum `above_sum`), those ≤ lo as 0. The loops have no branches (std::max and selects compile
// to maxsd and blends): their outcomes are unpredictable.
struct BreakpointSet {
  const double* source;
  double shift;
  size_t m;
  std::vector<double> inside;  // the survivors of the first narrowing, then unused space
  size_t above = 0;
  double above_sum = 0.0;

  BreakpointSet(const double* y, size_t n, double shift_) : source(y), shift(shift_), m(n) {}
  AtPivot at(double t) const {
    AtPivot a{above_sum - static_cast<double>(above) * t, above, above};
    for (size_t k = 0; k < m; ++k) {
      const double s = source[k] - shift;
      a.sum += std::max(s - t, 0.0);
      a.over += s > t;
      a.over_or_at += s >= t;
    }
    return a;
  }
  size_t count_between(double a, double b) const {  // #{a < s < b}
    size_t count = 0;
    for (size_t k = 0; k < m; ++k) {
      const double s = source[k] - shift;
      count += (s > a) & (s < b);
    }
    return count;
  }
  void narrow(double lo, double hi) {  // drop the breakpoints no longer strictly inside
    if (inside.empty()) inside.resize(m);
    size_t kept = 0;
    for (size_t k = 0; k < m; ++k) {
      const double s = source[k] - shift;
      const bool up = s >= hi;
      above += up;
      above_sum += up ? s : 0.0;
      inside[kept] = s;
      kept += static_cast<size_t>(!up & (s > lo));
    }
    source = inside.data(), shift = 0.0, m = kept;
  }
  double median_pivot() const { return median_of_three(source[0], source[m / 2], source[m - 1]) - shift; }
};

// The coordinates' classes on a bracket (lo, hi), in index order: F = {y_i ≥ hi, y_i − c ≤ lo} (count, Σ y_i) and
// U = {y_i − c ≥ hi}, valid once `between`, the breakpoints strictly inside, is 0.
struct Piece {
  double sum = 0.0;
  size_t free = 0, at_cap = 0, between = 0;
};

Piece classify(const double* y, size_t n, double cap, double lo, double hi) {
  Piece p;
  for (size_t i = 0; i < n; ++i) {
    const double u = y[i], l = u - cap;
    const bool zero = u <= lo, capped = !zero & (l >= hi), free = !zero & !capped;
    p.at_cap += capped;
    p.free += free;
    p.sum += free ? u : 0.0;  // + 0.0 leaves the sum's bits as skipping would
    p.between += ((u > lo) & (u < hi)) + ((l > lo) & (l < hi));
  }
  return p;
}

// (*) on the piece; g flat there (no free coordinate: c|U| = total) lets any τ in the bracket do.
double root_on(const Piece& p, double cap, double total, double lo, double hi) {
  if (p.free == 0) return lo > -kInf ? lo : hi;
  return (p.sum + cap * static_cast<double>(p.at_cap) - total) / static_cast<double>(p.free);
}

}  // namespace

double capped_simplex_shift(const double* y, size_t n, double cap, double total) {
  if (n == 0) return 0.0;
  if (total <= 0.0) return *std::max_element(y, y + n);  // y_i − max y ≤ 0 exactly: q = 0
  if (total >= static_cast<double>(n) * cap) return -kInf;  // y_i + ∞: q = c
  BreakpointSet upper(y, n, 0.0), lower(y, n, cap);  // the y_i (coordinate i leaves 0) and the y_i − c (it reaches c)
  double lo = -kInf, hi = kInf;
  // The first pivot: the root if no coordinate were clipped, (Σy − total)/n.
  double y_sum = 0.0;
  for (size_t i = 0; i < n; ++i) y_sum += y[i];
  double t = (y_sum - total) / static_cast<double>(n);
  bool newton = true;  // t is a Newton point (kept only while each round at least halves the inside breakpoints)
  while (upper.m + lower.m > 0) {
    if (!newton || !(t > lo && t < hi)) t = (upper.m >= lower.m ? upper : lower).median_pivot();
    if (!(t > lo && t < hi)) break;  // only for non-finite y (NaN, ±∞): stop rather than loop
    const AtPivot a = upper.at(t), l = lower.at(t);
    const double g = a.sum - l.sum;
    // g is linear on the root's side of t up to the next breakpoint, with slope −(#upper − #lower beyond t): its line
    // meets `total` at Newton's point; with no breakpoint between t and that point, the two bound the root's piece.
    double next = t, from = t, to = t;
    size_t slope = 0;
    if (g >= total) {  // g non-increasing: the root lies at or above t
      lo = t, slope = a.over - l.over;
      if (slope > 0) next = t + (g - total) / static_cast<double>(slope), to = std::min(next, hi);
    } else {
      hi = t, slope = a.over_or_at - l.over_or_at;
      if (slope > 0) next = t - (total - g) / static_cast<double>(slope), from = std::max(next, lo);
    }
    if (slope > 0 && upper.source == y && lower.source == y) {  // nothing narrowed yet: check and classify in one pass
      const Piece p = classify(y, n, cap, from, to);
      if (p.between == 0) return root_on(p, cap, total, from, to);
    } else if (slope > 0 && upper.count_between(from, to) + lower.count_between(from, to) == 0) {
      lo = from, hi = to;
      break;
    }
    const size_t before = upper.m + lower.m;
    upper.narrow(lo, hi);
    lower.narrow(lo, hi);
    // Kiwiel's search: a pivot halves the inside breakpoints in expectation (median of three, expected O(n) in all);
    // Newton's point (Cominetti, Mascarenhas & Silva) is used next only while it does at least as well.
    newton = slope > 0 && 2 * (upper.m + lower.m) <= before;
    t = next;
  }
  // No breakpoint strictly inside the bracket: (*) with F and U summed in index order. F and U are those of the root's
  // piece whatever sub-interval of it the bracket is (its ends may be Newton points), so τ does not depend on the pivots.
  return root_on(classify(y, n, cap, lo, hi), cap, total, lo, hi);
}

void project_capped_simplex(double* q, size_t n, double cap, double total) {
  const double tau = capped_simplex_shift(q, n, cap, total);
  for (size_t i = 0; i < n; ++i) q[i] = std::min(std::max(q[i] - tau, 0.0), cap);  // clip, without branches
}

std::vector<double> project_capped_simplex(const std::vector<double>& y, double cap, double total) {
  std::vector<double> q = y;
  project_capped_simplex(q.data(), q.size(), cap, total);
  return q;
}

}  // namespace klab::optim
