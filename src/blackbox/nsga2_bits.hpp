// One blackbox.nsga2 run on a bit-string benchmark (OneMinMax, LOTZ, OneJumpZeroJump) as KLAB_HD
// code on flat arrays: what the CUDA engine's threads (nsga2_engine.cu) and its host twin
// (nsga2_engine_host.cpp) run. It walks exactly the trajectory of the CPU engine (nsga2.cpp:
// nsga2_start / nsga2_generation with Individual vectors) from the same Philox draws:
//   * start: N = μ (classic) or min(4, μ) (dynamic) uniform strings, bit b = next_u32() >> 31;
//   * a generation: the dNSGA-II doubling rule, then offspring j of parent j mod N by standard bit
//     mutation (draw_flip_count, clamped to n, distinct positions by Lemire's below(n));
//   * survival: non-dominated ranks by the sweep of nondominated_ranks (points in decreasing f₁,
//     then f₂, then index; front k's head (best1, best2)), crowding distances per front and objective
//     (ends ∞, interior (v_{k+1} − v_{k−1})/range added f₁ first, then f₂), and the N best by rank,
//     then larger distance, then lower index (the CPU's stable_sort).
// Every sort's order is total (ties broken by the index), so a merge sort here gives the CPU's
// std::sort / std::stable_sort order, and the arithmetic (integer objectives as doubles, one division
// and one addition per crowding term) is the same IEEE operations in the same order.
// Metrics of a bit-string population (mo_problems.hpp): every front value is a target and δ = 0, so
// a target is covered exactly when a member holds it (a member y ≥ P ≠ y would dominate the Pareto-
// optimal P); hence coverage = the number of f₁ values v whose highest member f₂ equals front_sum − v.
// The hypervolume sweeps the f₁ values downwards adding (v − r₁)(top(v) − the highest f₂ so far),
// the same additions, in the same order, as hypervolume_2d's sweep over the sorted points.
#pragma once
#include <cstdint>

#include "blackbox/disom.hpp"
#include "blackbox/mo_problems.hpp"
#include "core/portable.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

constexpr int kMaxNsgaSeries = 2;      // nsga2_series_ids()
constexpr int kMaxNsgaGrid = 12;       // the largest n_points
constexpr int kNsgaCheckpoints = 40;   // coverage / hypervolume checkpoints at the largest n
constexpr int kMaxNsgaTargets = 100;   // ZDT's front targets (front_target, mo_problems.cpp)
// Run r of series s (index into the parameter's list) at size n draws from stream kNsgaStream + salt_of_size(n) + s.
constexpr uint32_t kNsgaStream = 70;

// One size n of the grid.
struct Nsga2GridPoint {
  int n = 0, mu = 0;
  int targets = 0;    // front values: n + 1, or n − 2k + 3 (OneJumpZeroJump)
  int front_sum = 0;  // f₁ + f₂ on the front: n, or n + 2k
  long long tau = 0, budget = 0;
  double front_hypervolume = 0.0;  // of the true front (FrontTarget::hypervolume)
  double cdf[kMaxFlips + 1] = {};  // P(K ≤ k), K ~ Bin(n, 1/n) (flip_count_cdf, computed on the host)
};

// A parameter set as plain data (copied to the GPU as it is).
struct Nsga2Config {
  Benchmark benchmark = Benchmark::OneMinMax;
  int jump = 2;
  int n_series = 0, n_grid = 0;
  int dynamic[kMaxNsgaSeries] = {};  // series s is the dNSGA-II
  Nsga2GridPoint grid[kMaxNsgaGrid] = {};
  double ref1 = -1.0, ref2 = -1.0;   // hypervolume reference point (maximised form)
  double checkpoints[kNsgaCheckpoints] = {};
  int n_checkpoints = 0;
  // ZDT (the block form only): the front targets (maximised form, f₁ increasing; the same at every n)
  // and the tolerance δ.
  int n_targets = 0;
  double delta = 0.0;
  double target1[kMaxNsgaTargets] = {}, target2[kMaxNsgaTargets] = {};
  KLAB_HD int landscapes_per_run() const { return n_series * n_grid; }
  KLAB_HD int max_n() const {
    int m = 0;
    for (int k = 0; k < n_grid; ++k) m = grid[k].n > m ? grid[k].n : m;
    return m;
  }
  KLAB_HD int max_mu() const {
    int m = 0;
    for (int k = 0; k < n_grid; ++k) m = grid[k].mu > m ? grid[k].mu : m;
    return m;
  }
  // Individuals alive at once: N parents and at most N offspring (N + 2N ≤ 1.5μ at a doubling).
  KLAB_HD int capacity() const { return 2 * max_mu(); }
  KLAB_HD int words() const { return (max_n() + 31) / 32; }
  KLAB_HD int values() const { return max_n() + jump + 1; }  // f₁ ∈ 0..n + k
};

// The end of one (series, n) run, and the population at the checkpoints (largest n only).
struct Nsga2Outcome {
  long long evaluations = 0;  // when the run stopped (the last generation may pass the budget)
  long long generations = 0;
  int covered = 0;            // front values held at the end
  double hypervolume = 0.0;   // of the final population (not divided by the front's)
  int covered_at[kNsgaCheckpoints] = {};
  double hypervolume_at[kNsgaCheckpoints] = {};
};

// An array whose entry i lives at p[i·stride] (the GPU interleaves its threads' arrays; the host
// twin uses stride 1).
template <class T>
struct Strided {
  T* p;
  uint32_t stride;
  KLAB_HD T& operator[](int i) const { return p[static_cast<size_t>(i) * stride]; }
};

// One run's storage: `capacity` individuals (slot: where individual i's string lives among the
// `capacity` string slots of `words` words each), sort buffers and the per-f₁-value table.
struct Nsga2Workspace {
  Strided<uint32_t> genomes;  // slot s, word w at entry s·words + w
  Strided<int> slot, f1, f2, rank, order, scratch, head1, head2, top;  // top: (values) highest f₂ per f₁
  Strided<double> dist;
};

KLAB_INLINE PackedGenome nsga2_genome(const Nsga2Workspace& w, int words, int slot) {
  return PackedGenome{&w.genomes[slot * words], w.genomes.stride};
}

// Objectives (maximised) of a string of n bits: bits_objectives (mo_problems.cpp) on packed words.
KLAB_INLINE void nsga2_bits_objectives(Benchmark b, int jump, int n, PackedGenome x, int* f1, int* f2) {
  if (b == Benchmark::Lotz) {
    int lo = 0, tz = 0;
    while (lo < n && x.get(lo)) ++lo;
    while (tz < n && !x.get(n - 1 - tz)) ++tz;
    *f1 = lo, *f2 = tz;
    return;
  }
  int ones = 0;
  for (int i = 0; i < n; ++i) ones += x.get(i) ? 1 : 0;
  const int zeros = n - ones;
  if (b == Benchmark::OneMinMax) {
    *f1 = zeros, *f2 = ones;
    return;
  }
  *f1 = ones <= n - jump || ones == n ? jump + ones : n - ones;
  *f2 = zeros <= n - jump || zeros == n ? jump + zeros : n - zeros;
}

// Bottom-up merge sort of a[0..m) by `less` (a total order), `tmp` of m entries as the buffer.
template <class Less>
KLAB_HD void nsga2_merge_sort(Strided<int> a, Strided<int> tmp, int m, const Less& less) {
  Strided<int> from = a, to = tmp;
  for (int width = 1; width < m; width *= 2) {
    for (int lo = 0; lo < m; lo += 2 * width) {
      const int mid = lo + width < m ? lo + width : m, hi = lo + 2 * width < m ? lo + 2 * width : m;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) to[k++] = less(from[j], from[i]) ? from[j++] : from[i++];
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    const Strided<int> t = from;
    from = to, to = t;
  }
  if (from.p != a.p)
    for (int i = 0; i < m; ++i) a[i] = from[i];
}

// The total orders of the CPU engine's sorts (nsga2.cpp), on integer (bits) or real (ZDT) objectives.
template <class T>
struct ByObjectivesDownOf {  // nondominated_ranks and hypervolume_2d: f₁ desc, f₂ desc, index
  Strided<T> f1, f2;
  KLAB_HD bool operator()(int a, int b) const { return f1[a] > f1[b] || (f1[a] == f1[b] && (f2[a] > f2[b] || (f2[a] == f2[b] && a < b))); }
};
using ByObjectivesDown = ByObjectivesDownOf<int>;
template <class T>
struct ByFrontThenValueOf {  // crowding: fronts in turn, each by one objective ascending, then index
  Strided<int> rank;
  Strided<T> v;
  KLAB_HD bool operator()(int a, int b) const { return rank[a] < rank[b] || (rank[a] == rank[b] && (v[a] < v[b] || (v[a] == v[b] && a < b))); }
};
using ByFrontThenValue = ByFrontThenValueOf<int>;
struct BySurvival {  // survival: rank asc, crowding distance desc, index (the stable_sort)
  Strided<int> rank;
  Strided<double> dist;
  KLAB_HD bool operator()(int a, int b) const {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    if (dist[a] > dist[b]) return true;
    if (dist[b] > dist[a]) return false;
    return a < b;
  }
};

// Non-dominated ranks of individuals 0..m−1 (nondominated_ranks' sweep).
KLAB_INLINE void nsga2_ranks(const Nsga2Workspace& w, int m) {
  for (int i = 0; i < m; ++i) w.order[i] = i;
  nsga2_merge_sort(w.order, w.scratch, m, ByObjectivesDown{w.f1, w.f2});
  int fronts = 0;
  for (int q = 0; q < m; ++q) {
    const int p = w.order[q];
    int k = 0;
    while (k < fronts && (w.head2[k] > w.f2[p] || (w.head2[k] == w.f2[p] && w.head1[k] > w.f1[p]))) ++k;
    if (k == fronts) w.head1[k] = w.f1[p], w.head2[k] = w.f2[p], ++fronts;
    else if (w.f2[p] > w.head2[k]) w.head1[k] = w.f1[p], w.head2[k] = w.f2[p];
    w.rank[p] = k;
  }
}

// Crowding distances of individuals 0..m−1 (ranks set): the f₁ pass, then the f₂ pass.
KLAB_INLINE void nsga2_crowding(const Nsga2Workspace& w, int m) {
  for (int i = 0; i < m; ++i) w.dist[i] = 0.0;
  for (int objective = 0; objective < 2; ++objective) {
    const Strided<int> v = objective == 0 ? w.f1 : w.f2;
    for (int i = 0; i < m; ++i) w.order[i] = i;
    nsga2_merge_sort(w.order, w.scratch, m, ByFrontThenValue{w.rank, v});
    for (int a = 0, b; a < m; a = b) {  // the front [a, b) in ascending v
      for (b = a + 1; b < m && w.rank[w.order[b]] == w.rank[w.order[a]]; ++b) {
      }
      const double range = static_cast<double>(v[w.order[b - 1]]) - static_cast<double>(v[w.order[a]]);
      w.dist[w.order[a]] = w.dist[w.order[b - 1]] = kInf;
      for (int k = a + 1; k + 1 < b; ++k)
        if (range > 0) w.dist[w.order[k]] += (static_cast<double>(v[w.order[k + 1]]) - static_cast<double>(v[w.order[k - 1]])) / range;
    }
  }
}

// The run's state between generations (the population is individuals 0..size−1 of the workspace).
struct Nsga2BitsState {
  int size = 0;
  long long evaluations = 0, since_doubling = 0, generations = 0;
};

// Coverage and hypervolume of the population (see the top of this file).
KLAB_INLINE int nsga2_covered(const Nsga2Config& c, const Nsga2GridPoint& g, const Nsga2Workspace& w, const Nsga2BitsState& st,
                              double* hypervolume) {
  const int values = g.n + c.jump + 1;
  for (int v = 0; v < values; ++v) w.top[v] = -1;
  for (int i = 0; i < st.size; ++i)
    if (w.f2[i] > w.top[w.f1[i]]) w.top[w.f1[i]] = w.f2[i];
  int covered = 0;
  double area = 0.0, top = c.ref2;
  for (int v = values - 1; v >= 0; --v) {
    if (w.top[v] < 0) continue;
    covered += w.top[v] == g.front_sum - v ? 1 : 0;
    const double y1 = v, y2 = w.top[v];
    if (!(y1 > c.ref1) || !(y2 > top)) continue;
    area += (y1 - c.ref1) * (y2 - top);
    top = y2;
  }
  if (hypervolume) *hypervolume = area;
  return covered;
}

// One offspring's standard bit mutation draws (bit_mutant's): K ~ Bin(n, 1/n) clamped to n, then K
// distinct positions into flips[0..K) in the order drawn; returns K.
KLAB_INLINE int nsga2_draw_flips(const Nsga2GridPoint& g, Rng& rng, int* flips) {
  const int max_flips = g.n < kMaxFlips ? g.n : kMaxFlips;
  int count = draw_flip_count(g.cdf, rng);
  if (count > max_flips) count = max_flips;
  for (int f = 0; f < count; ++f) {
    int pos;
    bool fresh;
    do {
      pos = static_cast<int>(rng.below(static_cast<uint32_t>(g.n)));
      fresh = true;
      for (int i = 0; i < f; ++i) fresh = fresh && flips[i] != pos;
    } while (!fresh);
    flips[f] = pos;
  }
  return count;
}

// The start size N: min(μ, 4) for the dNSGA-II (which doubles N up to μ), μ for the NSGA-II (nsga2_start's rule).
KLAB_INLINE int nsga2_start_size(int mu, bool dynamic) { return dynamic ? (mu < 4 ? mu : 4) : mu; }

// st ← the start state: N = nsga2_start_size, its N evaluations counted (also towards τ); returns N.
KLAB_INLINE int nsga2_start_state(const Nsga2GridPoint& g, bool dynamic, Nsga2BitsState& st) {
  st = Nsga2BitsState();
  st.size = nsga2_start_size(g.mu, dynamic);
  st.evaluations = st.since_doubling = st.size;
  return st.size;
}

// The start: N uniform strings in slots 0..N−1.
KLAB_INLINE void nsga2_bits_start(const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, Rng& rng, const Nsga2Workspace& w,
                                  Nsga2BitsState& st) {
  const int words = c.words();
  nsga2_start_state(g, dynamic, st);
  for (int i = 0; i < st.size; ++i) {
    w.slot[i] = i;
    PackedGenome x = nsga2_genome(w, words, i);
    for (int b = 0; b < g.n; ++b) x.set(b, (rng.next_u32() >> 31) != 0);
    nsga2_bits_objectives(c.benchmark, c.jump, g.n, x, &w.f1[i], &w.f2[i]);
  }
}

// The next population size: the dNSGA-II doubles N (up to μ) once τ evaluations have passed since the
// last doubling, and restarts that count (nsga2_generation's rule).
KLAB_INLINE int nsga2_next_size(const Nsga2GridPoint& g, bool dynamic, Nsga2BitsState& st) {
  const int parents = st.size;
  if (!dynamic || parents >= g.mu || st.since_doubling < g.tau) return parents;
  st.since_doubling = 0;
  return 2 * parents < g.mu ? 2 * parents : g.mu;
}

// One generation (nsga2_generation's bit-string path).
KLAB_INLINE void nsga2_bits_generation(const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, Rng& rng, const Nsga2Workspace& w,
                                       Nsga2BitsState& st) {
  const int words = c.words(), capacity = c.capacity(), parents = st.size;
  const int next = nsga2_next_size(g, dynamic, st);
  // Free string slots (scratch: 1 where a parent lives; order: the free slots in increasing order).
  for (int s = 0; s < capacity; ++s) w.scratch[s] = 0;
  for (int i = 0; i < parents; ++i) w.scratch[w.slot[i]] = 1;
  for (int s = 0, f = 0; s < capacity; ++s)
    if (!w.scratch[s]) w.order[f++] = s;
  for (int j = 0; j < next; ++j) {  // fair selection: parent j mod N
    const int child = parents + j, from = w.slot[j % parents];
    w.slot[child] = w.order[j];
    PackedGenome x = nsga2_genome(w, words, w.slot[child]);
    const PackedGenome parent = nsga2_genome(w, words, from);
    for (int k = 0; k < words; ++k) x.word[static_cast<size_t>(k) * x.stride] = parent.word[static_cast<size_t>(k) * parent.stride];
    int flips[kMaxFlips];
    const int count = nsga2_draw_flips(g, rng, flips);
    for (int f = 0; f < count; ++f) x.flip(flips[f]);
    nsga2_bits_objectives(c.benchmark, c.jump, g.n, x, &w.f1[child], &w.f2[child]);
  }
  st.evaluations += next;
  st.since_doubling += next;
  ++st.generations;
  const int all = parents + next;
  nsga2_ranks(w, all);
  nsga2_crowding(w, all);
  for (int i = 0; i < all; ++i) w.order[i] = i;
  nsga2_merge_sort(w.order, w.scratch, all, BySurvival{w.rank, w.dist});
  // The survivors, in order, gathered through scratch / head1 / head2 (free again at this point).
  for (int i = 0; i < next; ++i) w.scratch[i] = w.slot[w.order[i]], w.head1[i] = w.f1[w.order[i]], w.head2[i] = w.f2[w.order[i]];
  for (int i = 0; i < next; ++i) w.slot[i] = w.scratch[i], w.f1[i] = w.head1[i], w.f2[i] = w.head2[i];
  st.size = next;
}

// Series `series` at grid point `point` of run `run` (Nsga2Experiment::run's loop for one (series,
// n)): until the front is covered or the budget is spent; the checkpoints are recorded when `track`.
KLAB_INLINE void nsga2_bits_run(const Nsga2Config& c, int series, int point, bool track, uint64_t seed, uint32_t run, const Nsga2Workspace& w,
                                Nsga2Outcome* out) {
  const Nsga2GridPoint& g = c.grid[point];
  const bool dynamic = c.dynamic[series] != 0;
  Rng rng(seed, run, kNsgaStream + salt_of_size(g.n) + static_cast<uint32_t>(series));
  Nsga2BitsState st;
  nsga2_bits_start(c, g, dynamic, rng, w, st);
  int next = 0;
  int covered = nsga2_covered(c, g, w, st, nullptr);
  auto record = [&](double upto) {  // the checkpoints up to `upto` evaluations
    if (!track || next >= c.n_checkpoints || c.checkpoints[next] > upto) return;
    double hv = 0.0;
    nsga2_covered(c, g, w, st, &hv);
    for (; next < c.n_checkpoints && c.checkpoints[next] <= upto; ++next) out->covered_at[next] = covered, out->hypervolume_at[next] = hv;
  };
  record(static_cast<double>(st.evaluations));
  while (covered < g.targets && st.evaluations < g.budget) {
    nsga2_bits_generation(c, g, dynamic, rng, w, st);
    covered = nsga2_covered(c, g, w, st, nullptr);
    record(static_cast<double>(st.evaluations));
  }
  record(kInf);  // the run has stopped: its last state holds for the remaining checkpoints
  out->evaluations = st.evaluations;
  out->generations = st.generations;
  out->covered = nsga2_covered(c, g, w, st, &out->hypervolume);
}

}  // namespace klab::blackbox
