// blackbox.nsga2's block-per-run phases per problem and the run's loop (the design and why the block
// form equals the CPU engine: nsga2_block.hpp): bit strings (start, mutation, coverage) and ZDT1–3
// (start, tournaments with SBX and polynomial mutation, coverage per front target, hypervolume), and
// nsga2_block_run, which the kernel (nsga2_engine.cu) and the host twin (nsga2_engine_host.cpp) call.
#pragma once
#include <cstdint>

#include "blackbox/nsga2_block.hpp"
#include "blackbox/nsga2_reals.hpp"

namespace klab::blackbox {

// [bits] The bit-string NSGA-II (nsga2_bits_generation's path) by phases.

// Front values covered by individuals 0..size−1 (nsga2_covered's count, without the hypervolume).
template <class Block>
KLAB_HD int nsga2_block_covered(const Block& x, const Nsga2Config& c, const Nsga2GridPoint& g, const Nsga2BlockWorkspace& b, int size) {
  const Nsga2Workspace& w = b.w;
  const int values = g.n + c.jump + 1;
  x.phase([&](int t) {
    if (t == 0) b.counter[0] = 0;
    for (int v = t; v < values; v += x.threads) w.top[v] = -1;
  });
  x.phase([&](int t) {
    for (int i = t; i < size; i += x.threads) nsga2_atomic_max(&w.top[w.f1[i]], w.f2[i]);
  });
  x.phase([&](int t) {
    int mine = 0;
    for (int v = t; v < values; v += x.threads) mine += w.top[v] >= 0 && w.top[v] == g.front_sum - v ? 1 : 0;
    if (mine) nsga2_atomic_add(&b.counter[0], mine);
  });
  return b.counter[0];
}

// The start: N uniform strings in slots 0..N−1; returns the stream after them.
template <class Block>
KLAB_HD Rng nsga2_block_start(const Block& x, const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, uint64_t seed, uint32_t run, uint32_t stream,
                              const Nsga2Workspace& w, Nsga2BitsState& st) {
  const int words = c.words();
  const int size = nsga2_start_state(g, dynamic, st);
  x.phase([&](int t) {
    for (int i = t; i < size; i += x.threads) {
      Rng rng = nsga2_rng_at(seed, run, stream, static_cast<uint64_t>(i) * static_cast<uint64_t>(g.n));
      w.slot[i] = i;
      PackedGenome genome = nsga2_genome(w, words, i);
      for (int bit = 0; bit < g.n; ++bit) genome.set(bit, (rng.next_u32() >> 31) != 0);
      nsga2_bits_objectives(c.benchmark, c.jump, g.n, genome, &w.f1[i], &w.f2[i]);
    }
  });
  return nsga2_rng_at(seed, run, stream, static_cast<uint64_t>(size) * static_cast<uint64_t>(g.n));
}

// One generation (nsga2_bits_generation's, by phases); `rng` is advanced by thread 0 only.
template <class Block>
KLAB_HD void nsga2_block_generation(const Block& x, const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, Rng& rng,
                                    const Nsga2BlockWorkspace& b, Nsga2BitsState& st) {
  const Nsga2Workspace& w = b.w;
  const int words = c.words(), capacity = c.capacity(), parents = st.size;
  const int next = nsga2_next_size(g, dynamic, st);
  // Free string slots in increasing order (order), then the offspring's stream states (thread 0).
  nsga2_block_free_slots(x, w, parents, capacity, [&] {
    int flips[kMaxFlips];
    for (int j = 0; j < next; ++j) b.draws[j] = rng, nsga2_draw_flips(g, rng, flips);
  });
  x.phase([&](int t) {  // offspring j of parent j mod N (fair selection)
    for (int j = t; j < next; j += x.threads) {
      const int child = parents + j;
      w.slot[child] = w.order[j];
      PackedGenome genome = nsga2_genome(w, words, w.slot[child]);
      const PackedGenome parent = nsga2_genome(w, words, w.slot[j % parents]);
      for (int k = 0; k < words; ++k) genome.word[static_cast<size_t>(k) * genome.stride] = parent.word[static_cast<size_t>(k) * parent.stride];
      Rng own = b.draws[j];
      int flips[kMaxFlips];
      const int count = nsga2_draw_flips(g, own, flips);
      for (int f = 0; f < count; ++f) genome.flip(flips[f]);
      nsga2_bits_objectives(c.benchmark, c.jump, g.n, genome, &w.f1[child], &w.f2[child]);
    }
  });
  nsga2_block_rank_and_order(x, b, w.f1, w.f2, parents, next, st);
  x.phase([&](int t) {  // the survivors, in order, through scratch / head1 / head2
    for (int i = t; i < next; i += x.threads) w.scratch[i] = w.slot[w.order[i]], w.head1[i] = w.f1[w.order[i]], w.head2[i] = w.f2[w.order[i]];
  });
  x.phase([&](int t) {
    for (int i = t; i < next; i += x.threads) w.slot[i] = w.scratch[i], w.f1[i] = w.head1[i], w.f2[i] = w.head2[i];
  });
  st.size = next;
}

// [ZDT] The real-coded NSGA-II (nsga2.cpp's ZDT path) by phases.

// The variables of string slot s.
KLAB_INLINE double* nsga2_vars(const Nsga2BlockWorkspace& b, int slot) { return b.z + static_cast<size_t>(slot) * static_cast<size_t>(b.vars); }

// Binary tournament with the crowded comparison among individuals 0..size−1 (nsga2.cpp's tournament).
KLAB_INLINE int nsga2_tournament(const Nsga2Workspace& w, int size, Rng& rng) {
  const int a = static_cast<int>(rng.below(static_cast<uint32_t>(size)));
  const int b = static_cast<int>(rng.below(static_cast<uint32_t>(size)));
  return w.rank[b] < w.rank[a] || (w.rank[b] == w.rank[a] && w.dist[b] > w.dist[a]) ? b : a;
}

// The start: N uniform points (individual i reads draws 2n·i onwards: n uniforms of two words each),
// evaluated, then ranked and crowded (nsga2_start); returns the stream after them.
template <class Block>
KLAB_HD Rng nsga2_block_zdt_start(const Block& x, const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, uint64_t seed, uint32_t run,
                                  uint32_t stream, const Nsga2BlockWorkspace& b, Nsga2BitsState& st) {
  const Nsga2Workspace& w = b.w;
  const int size = nsga2_start_state(g, dynamic, st);
  const uint64_t draws = 2 * static_cast<uint64_t>(g.n);
  x.phase([&](int t) {
    for (int i = t; i < size; i += x.threads) {
      Rng rng = nsga2_rng_at(seed, run, stream, static_cast<uint64_t>(i) * draws);
      w.slot[i] = i;
      double* z = nsga2_vars(b, i);
      for (int v = 0; v < g.n; ++v) z[v] = rng.uniform();
      nsga2_zdt_objectives(c.benchmark, z, g.n, &b.y1[i], &b.y2[i]);
    }
  });
  nsga2_block_ranks(x, b, b.y1, b.y2, size);
  nsga2_block_crowding(x, w, b.y1, b.y2, size);
  return nsga2_rng_at(seed, run, stream, static_cast<uint64_t>(size) * draws);
}

// One generation: pairs of tournament winners, SBX and polynomial mutation (thread 0 walks each
// pair's draws and keeps the stream's state before them; pair p's thread replays them on its
// children), then ranks, crowding and survival; the survivors keep their rank and distance (the
// next tournaments read them).
template <class Block>
KLAB_HD void nsga2_block_zdt_generation(const Block& x, const Nsga2Config& c, const Nsga2GridPoint& g, bool dynamic, Rng& rng,
                                        const Nsga2BlockWorkspace& b, Nsga2BitsState& st) {
  const Nsga2Workspace& w = b.w;
  const int capacity = c.capacity(), parents = st.size;
  const int next = nsga2_next_size(g, dynamic, st);
  const int pairs = (next + 1) / 2;  // an odd count drops the last pair's second child
  nsga2_block_free_slots(x, w, parents, capacity, [&] {
    for (int p = 0; p < pairs; ++p) {
      b.draws[p] = rng;
      nsga2_tournament(w, parents, rng);
      nsga2_tournament(w, parents, rng);
      nsga2_real_variation(g.n, rng, nullptr, nullptr, nullptr, nullptr);
    }
  });
  x.phase([&](int t) {
    for (int p = t; p < pairs; p += x.threads) {
      Rng own = b.draws[p];
      const int pa = nsga2_tournament(w, parents, own), pb = nsga2_tournament(w, parents, own);
      const int c1 = parents + 2 * p, c2 = c1 + 1;
      const bool second = 2 * p + 1 < next;
      w.slot[c1] = w.order[2 * p];
      if (second) w.slot[c2] = w.order[2 * p + 1];
      double* z1 = nsga2_vars(b, w.slot[c1]);
      double* z2 = second ? nsga2_vars(b, w.slot[c2]) : nullptr;
      nsga2_real_variation(g.n, own, nsga2_vars(b, w.slot[pa]), nsga2_vars(b, w.slot[pb]), z1, z2);
      nsga2_zdt_objectives(c.benchmark, z1, g.n, &b.y1[c1], &b.y2[c1]);
      if (second) nsga2_zdt_objectives(c.benchmark, z2, g.n, &b.y1[c2], &b.y2[c2]);
    }
  });
  nsga2_block_rank_and_order(x, b, b.y1, b.y2, parents, next, st);
  x.phase([&](int t) {  // the survivors, in order, through scratch / head1 / keep*
    for (int i = t; i < next; i += x.threads) {
      const int k = w.order[i];
      w.scratch[i] = w.slot[k], w.head1[i] = w.rank[k], b.keep1[i] = b.y1[k], b.keep2[i] = b.y2[k], b.keep_dist[i] = w.dist[k];
    }
  });
  x.phase([&](int t) {
    for (int i = t; i < next; i += x.threads) w.slot[i] = w.scratch[i], w.rank[i] = w.head1[i], b.y1[i] = b.keep1[i], b.y2[i] = b.keep2[i], w.dist[i] = b.keep_dist[i];
  });
  st.size = next;
}

// Front targets P with a member y + δ ≥ P in both objectives (targets_covered's count).
template <class Block>
KLAB_HD int nsga2_block_zdt_covered(const Block& x, const Nsga2Config& c, const Nsga2BlockWorkspace& b, int size) {
  x.phase([&](int t) {
    if (t == 0) b.counter[0] = 0;
  });
  x.phase([&](int t) {
    int mine = 0;
    for (int j = t; j < c.n_targets; j += x.threads)
      for (int i = 0; i < size; ++i)
        if (c.target1[j] <= b.y1[i] + c.delta && c.target2[j] <= b.y2[i] + c.delta) {
          ++mine;
          break;
        }
    if (mine) nsga2_atomic_add(&b.counter[0], mine);
  });
  return b.counter[0];
}

// The population's hypervolume: hypervolume_2d's sort (a block sort by the same total order) and
// its sweep (thread 0: the same additions in the same order).
template <class Block>
KLAB_HD double nsga2_block_zdt_hypervolume(const Block& x, const Nsga2Config& c, const Nsga2BlockWorkspace& b, int size) {
  const Nsga2Workspace& w = b.w;
  x.phase([&](int t) {
    for (int i = t; i < size; i += x.threads) w.order[i] = i;
  });
  nsga2_block_sort(x, w.order, w.scratch, size, ByObjectivesDownOf<double>{b.y1, b.y2});
  x.phase([&](int t) {
    if (t != 0) return;
    double area = 0.0, top = c.ref2;
    for (int k = 0; k < size; ++k) {
      const int i = w.order[k];
      if (!(b.y1[i] > c.ref1) || !(b.y2[i] > top)) continue;
      area += (b.y1[i] - c.ref1) * (b.y2[i] - top);
      top = b.y2[i];
    }
    *b.hypervolume = area;
  });
  return *b.hypervolume;
}

// Series `series` at grid point `point` of run `run` by one block: nsga2_bits_run's loop (bit strings)
// or nsga2_cpu_outcome's (ZDT); thread 0 writes the outcome.
template <class Block>
KLAB_HD void nsga2_block_run(const Block& x, const Nsga2Config& c, int series, int point, bool track, uint64_t seed, uint32_t run,
                             const Nsga2BlockWorkspace& b, Nsga2Outcome* out) {
  const Nsga2GridPoint& g = c.grid[point];
  const bool dynamic = c.dynamic[series] != 0, reals = real_coded(c.benchmark);
  const uint32_t stream = kNsgaStream + salt_of_size(g.n) + static_cast<uint32_t>(series);
  Nsga2BitsState st;
  Rng rng = reals ? nsga2_block_zdt_start(x, c, g, dynamic, seed, run, stream, b, st) : nsga2_block_start(x, c, g, dynamic, seed, run, stream, b.w, st);
  auto covered_now = [&] { return reals ? nsga2_block_zdt_covered(x, c, b, st.size) : nsga2_block_covered(x, c, g, b, st.size); };
  auto hypervolume_now = [&] {
    if (reals) return nsga2_block_zdt_hypervolume(x, c, b, st.size);
    x.phase([&](int t) {
      if (t == 0) nsga2_covered(c, g, b.w, st, b.hypervolume);
    });
    return *b.hypervolume;
  };
  int next = 0;
  int covered = covered_now();
  auto record = [&](double upto) {  // the checkpoints up to `upto` evaluations
    if (!track || next >= c.n_checkpoints || c.checkpoints[next] > upto) return;
    const double hv = hypervolume_now();
    x.phase([&](int t) {
      if (t != 0) return;
      for (int j = next; j < c.n_checkpoints && c.checkpoints[j] <= upto; ++j) out->covered_at[j] = covered, out->hypervolume_at[j] = hv;
    });
    while (next < c.n_checkpoints && c.checkpoints[next] <= upto) ++next;
  };
  record(static_cast<double>(st.evaluations));
  while (covered < g.targets && st.evaluations < g.budget) {
    if (reals) nsga2_block_zdt_generation(x, c, g, dynamic, rng, b, st);
    else nsga2_block_generation(x, c, g, dynamic, rng, b, st);
    covered = covered_now();
    record(static_cast<double>(st.evaluations));
  }
  record(kInf);  // the run has stopped: its last state holds for the remaining checkpoints
  const double hv = hypervolume_now();
  x.phase([&](int t) {
    if (t != 0) return;
    out->evaluations = st.evaluations;
    out->generations = st.generations;
    out->covered = covered;
    out->hypervolume = hv;
  });
}

}  // namespace klab::blackbox
