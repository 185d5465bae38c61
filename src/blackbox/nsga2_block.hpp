// blackbox.nsga2's block-per-run form (issue 9: "one block per run, one thread per individual"), its
// shared parts: the block, the workspace, sort, ranks, crowding and survival order (the phases per
// problem and the run's loop: nsga2_block_run.hpp). One (run, algorithm, n) landscape is walked by a
// block of T threads, each taking individuals i ≡ t (mod T) in every phase, phases separated by barriers. The kernel (nsga2_engine.cu) runs nsga2_block_run
// with a barrier before and after each phase; the host twin (nsga2_engine_host.cpp) runs every phase
// for t = 0, 1, …, T − 1 in turn with the same T. A phase writes only entries no other thread of the
// phase reads or writes (or combines them by an integer atomic, whose result is order-free), so the
// two give the same state; and the state is the CPU engine's (nsga2.cpp), draw for draw:
//   * start: individual i reads draws i·n … i·n + n − 1 of the run's stream (the CPU reads them in
//     turn; Philox is counter-based, so thread i starts its own copy of the stream there);
//   * variation: thread 0 walks the mutation draws offspring after offspring (the CPU's order) and
//     keeps the stream's state before each (draws[j]); offspring j's thread then copies its parent,
//     replays its own draws from draws[j] and flips those bits, and evaluates it;
//   * ranks: each individual counts its dominators, then fronts are peeled in rounds (round r: the
//     undominated rest get rank r, and the others subtract the dominators just ranked): the Pareto
//     ranks, which the CPU's sweep computes too (tests: "the fast ranks equal the pairwise definition");
//   * sorts (crowding: by (rank, value, index); survival: by (rank ↑, distance ↓, index)): a parallel
//     merge sort, each element placed by its rank in the partner run (binary search); the orders are
//     total, so this is the CPU's std::sort / std::stable_sort order;
//   * crowding: per objective, each sorted position finds its front's ends (a table filled by the
//     front boundaries) and adds its one term, f₁ pass then f₂ pass: the CPU's IEEE operations in the
//     CPU's order per individual;
//   * coverage per generation: the highest f₂ per f₁ by atomicMax, the count by atomicAdd (integers);
//     the hypervolume (a sum whose order matters) by thread 0 with nsga2_covered at checkpoints only.
#pragma once
#include <cstdint>

#include "blackbox/nsga2_engine.hpp"  // nsga2_workspace, kNsgaIntArrays

namespace klab::blackbox {

// Integer atomics of a phase: atomicAdd / atomicMax on the GPU, plain updates in the host twin (its
// threads run one after another). The add returns the old value.
KLAB_INLINE int nsga2_atomic_add(int* p, int v) {
#ifdef __CUDA_ARCH__
  return atomicAdd(p, v);
#else
  const int old = *p;
  *p += v;
  return old;
#endif
}
KLAB_INLINE void nsga2_atomic_max(int* p, int v) {
#ifdef __CUDA_ARCH__
  atomicMax(p, v);
#else
  if (v > *p) *p = v;
#endif
}

// The host twin's block: each phase runs threads 0 … T − 1 in turn.
struct Nsga2HostBlock {
  int threads = 1;
  template <class Phase>
  void phase(const Phase& f) const {
    for (int t = 0; t < threads; ++t) f(t);
  }
};

// One landscape's storage in the block form: the bit-string workspace (stride 1) plus the variation's
// stream states and the phases' counters; ZDT adds the variables, real objectives and the survivors'
// buffers (null / empty for bit strings).
struct Nsga2BlockWorkspace {
  Nsga2Workspace w;
  Rng* draws;           // (capacity) the stream before offspring j's (bits) or pair j's (ZDT) draws
  int* counter;         // [0] covered front targets, [1] individuals ranked so far (and the front list's end)
  double* hypervolume;  // (1) thread 0's sweep, read by all
  double* z;            // ZDT: string slot s holds variables z[s·vars .. s·vars + n)
  int vars;
  Strided<double> y1, y2, keep1, keep2, keep_dist;  // ZDT: objectives; survivors' objectives and distances
};

// Where a landscape's block workspace keeps its sections, in bytes from its base: the doubles (distances,
// the hypervolume, then for ZDT the objectives, survivors' buffers and variables), the stream states, the
// ints (the arrays, the coverage table, the counters) and the genome words; `end`, their total.
struct Nsga2BlockLayout {
  size_t draws, ints, words, end;
};
KLAB_INLINE Nsga2BlockLayout nsga2_block_layout(const Nsga2Config& c) {
  const size_t cap = static_cast<size_t>(c.capacity());
  const size_t reals = real_coded(c.benchmark) ? cap * (5 + static_cast<size_t>(c.max_n())) : 0;
  Nsga2BlockLayout l;
  l.draws = (cap + 1 + reals) * sizeof(double);
  l.ints = l.draws + cap * sizeof(Rng);
  l.words = l.ints + (kNsgaIntArrays * cap + static_cast<size_t>(c.values()) + 2) * sizeof(int);
  l.end = l.words + cap * static_cast<size_t>(c.words()) * sizeof(uint32_t);
  return l;
}

// Bytes of one landscape's block workspace (a multiple of 256: landscapes lie back to back).
inline size_t nsga2_block_bytes(const Nsga2Config& c) { return (nsga2_block_layout(c).end + 255) / 256 * 256; }

// The workspace at `base` (8-byte aligned; nsga2_block_bytes(c) bytes), laid out as nsga2_block_layout says.
KLAB_INLINE Nsga2BlockWorkspace nsga2_block_workspace(const Nsga2Config& c, unsigned char* base) {
  const size_t cap = static_cast<size_t>(c.capacity());
  const bool reals = real_coded(c.benchmark);
  const Nsga2BlockLayout l = nsga2_block_layout(c);
  double* doubles = reinterpret_cast<double*>(base);
  Nsga2BlockWorkspace b;
  b.hypervolume = doubles + cap;
  double* real = doubles + cap + 1;
  auto array = [&](int k) { return Strided<double>{reals ? real + static_cast<size_t>(k) * cap : nullptr, 1}; };
  b.y1 = array(0), b.y2 = array(1), b.keep1 = array(2), b.keep2 = array(3), b.keep_dist = array(4);
  b.vars = c.max_n();
  b.z = reals ? real + 5 * cap : nullptr;
  int* ints = reinterpret_cast<int*>(base + l.ints);
  b.w = nsga2_workspace(c, reinterpret_cast<uint32_t*>(base + l.words), ints, doubles, 0, 1);
  b.draws = reinterpret_cast<Rng*>(base + l.draws);
  b.counter = ints + kNsgaIntArrays * cap + static_cast<size_t>(c.values());
  return b;
}

// The run's stream positioned at its u32 draw number `draw`.
KLAB_INLINE Rng nsga2_rng_at(uint64_t seed, uint32_t run, uint32_t stream, uint64_t draw) {
  Rng rng(seed, run, stream, draw >> 2);
  for (uint64_t k = 0; k < (draw & 3); ++k) rng.next_u32();
  return rng;
}

// a dominates b (both objectives maximised).
template <class T>
KLAB_INLINE bool nsga2_dominates(Strided<T> f1, Strided<T> f2, int a, int b) {
  return f1[a] >= f1[b] && f2[a] >= f2[b] && (f1[a] > f1[b] || f2[a] > f2[b]);
}

// Sorts a[0..m) by `less` (a total order) with `tmp` as the buffer: log₂ m merge phases; in each,
// element i of a run goes to its offset in the run plus the number of the partner run's elements
// before it (a binary search; no two elements are equivalent).
template <class Block, class Less>
KLAB_HD void nsga2_block_sort(const Block& x, Strided<int> a, Strided<int> tmp, int m, const Less& less) {
  Strided<int> from = a, to = tmp;
  for (int width = 1; width < m; width *= 2) {
    x.phase([&](int t) {
      for (int i = t; i < m; i += x.threads) {
        const int lo = i / (2 * width) * (2 * width), mid = lo + width < m ? lo + width : m, hi = lo + 2 * width < m ? lo + 2 * width : m;
        const bool left = i < mid;
        int s = left ? mid : lo, e = left ? hi : mid;  // the partner run
        const int start = s, key = from[i];
        while (s < e) {
          const int h = s + (e - s) / 2;
          if (less(from[h], key)) s = h + 1;
          else e = h;
        }
        to[lo + (i - (left ? lo : mid)) + (s - start)] = key;
      }
    });
    const Strided<int> swap = from;
    from = to, to = swap;
  }
  if (from.p != a.p)
    x.phase([&](int t) {
      for (int i = t; i < m; i += x.threads) a[i] = from[i];
    });
}

// Non-dominated ranks of individuals 0..m−1 of objectives (f1, f2) by dominator counts and peeling
// (top of this file). Uses order (the dominator counts) and scratch (the ranked individuals, front after front).
template <class Block, class T>
KLAB_HD void nsga2_block_ranks(const Block& x, const Nsga2BlockWorkspace& b, Strided<T> f1, Strided<T> f2, int m) {
  const Nsga2Workspace& w = b.w;
  const Strided<int> dominators = w.order, ranked = w.scratch;
  x.phase([&](int t) {
    if (t == 0) b.counter[1] = 0;
    for (int i = t; i < m; i += x.threads) {
      int count = 0;
      for (int j = 0; j < m; ++j) count += nsga2_dominates(f1, f2, j, i) ? 1 : 0;
      dominators[i] = count, w.rank[i] = -1;
    }
  });
  for (int r = 0, done = 0;; ++r) {
    const int before = done;
    x.phase([&](int t) {
      for (int i = t; i < m; i += x.threads)
        if (w.rank[i] < 0 && dominators[i] == 0) w.rank[i] = r, ranked[nsga2_atomic_add(&b.counter[1], 1)] = i;
    });
    done = b.counter[1];
    if (done == m) break;
    x.phase([&](int t) {
      for (int j = t; j < m; j += x.threads)
        if (w.rank[j] < 0)
          for (int k = before; k < done; ++k) dominators[j] -= nsga2_dominates(f1, f2, ranked[k], j) ? 1 : 0;
    });
  }
}

// Crowding distances of individuals 0..m−1 (ranks set) of objectives (f1, f2); head1 / head2 hold each
// front's first and one-past-last sorted position.
template <class Block, class T>
KLAB_HD void nsga2_block_crowding(const Block& x, const Nsga2Workspace& w, Strided<T> f1, Strided<T> f2, int m) {
  x.phase([&](int t) {
    for (int i = t; i < m; i += x.threads) w.dist[i] = 0.0, w.order[i] = i;
  });
  for (int objective = 0; objective < 2; ++objective) {
    const Strided<T> v = objective == 0 ? f1 : f2;
    if (objective == 1)
      x.phase([&](int t) {
        for (int i = t; i < m; i += x.threads) w.order[i] = i;
      });
    nsga2_block_sort(x, w.order, w.scratch, m, ByFrontThenValueOf<T>{w.rank, v});
    x.phase([&](int t) {
      for (int k = t; k < m; k += x.threads) {
        const int r = w.rank[w.order[k]];
        if (k == 0 || w.rank[w.order[k - 1]] != r) w.head1[r] = k;
        if (k + 1 == m || w.rank[w.order[k + 1]] != r) w.head2[r] = k + 1;
      }
    });
    x.phase([&](int t) {
      for (int k = t; k < m; k += x.threads) {
        const int i = w.order[k], a = w.head1[w.rank[i]], e = w.head2[w.rank[i]];
        if (k == a || k + 1 == e) {
          w.dist[i] = kInf;
          continue;
        }
        const double range = static_cast<double>(v[w.order[e - 1]]) - static_cast<double>(v[w.order[a]]);
        if (range > 0) w.dist[i] += (static_cast<double>(v[w.order[k + 1]]) - static_cast<double>(v[w.order[k - 1]])) / range;
      }
    });
  }
}

// After the variation: counts the `next` evaluations, then ranks and crowds all = parents + next
// individuals of objectives (f1, f2) and sorts them for survival, order[0..next) = the `next` best by
// (rank ↑, distance ↓, index).
template <class Block, class T>
KLAB_HD void nsga2_block_rank_and_order(const Block& x, const Nsga2BlockWorkspace& b, Strided<T> f1, Strided<T> f2, int parents, int next,
                                       Nsga2BitsState& st) {
  const Nsga2Workspace& w = b.w;
  st.evaluations += next;
  st.since_doubling += next;
  ++st.generations;
  const int all = parents + next;
  nsga2_block_ranks(x, b, f1, f2, all);
  nsga2_block_crowding(x, w, f1, f2, all);
  x.phase([&](int t) {
    for (int i = t; i < all; i += x.threads) w.order[i] = i;
  });
  nsga2_block_sort(x, w.order, w.scratch, all, BySurvival{w.rank, w.dist});
}

// The offspring's string slots: the free slots in increasing order, into order[0..) (thread 0; then
// the caller's draws walk in the same phase).
template <class Block, class Walk>
KLAB_HD void nsga2_block_free_slots(const Block& x, const Nsga2Workspace& w, int parents, int capacity, const Walk& walk) {
  x.phase([&](int t) {
    for (int s = t; s < capacity; s += x.threads) w.scratch[s] = 0;
  });
  x.phase([&](int t) {
    for (int i = t; i < parents; i += x.threads) w.scratch[w.slot[i]] = 1;
  });
  x.phase([&](int t) {
    if (t != 0) return;
    for (int s = 0, f = 0; s < capacity; ++s)
      if (!w.scratch[s]) w.order[f++] = s;
    walk();
  });
}

}  // namespace klab::blackbox
