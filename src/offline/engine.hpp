// Batched offline.edge_of_reach learners as flat arrays: the CUDA engine (src/offline/engine.cu, one
// GPU thread per (run, learner)) and its host twin run the very same KLAB_INLINE code
// (edge_learner_run below → rollout_init / rollout_iterate, rollout_core.hpp) as the CPU engine's
// RolloutLearner, on the same numbers: the worlds, the datasets (generated on the host, with their
// measures) and the FIFO rollout buffers. A learner hands back its Q̂ = min_j Q_j at the checkpoints;
// the exact evaluation of each greedy policy (a linear solve per checkpoint) stays on the host
// (edge_cuda.cpp). mopo, ravl and full_horizon all run here.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "mdp/world_csr.hpp"
#include "offline/rollout_core.hpp"

namespace klab::offline {

constexpr int kMaxEdgeSeries = 3;      // mopo, ravl, full_horizon
constexpr int kMaxEdgeSnapshots = 42;  // the 41 checkpoints of the layout and the end

// Everything a run needs except its world and dataset, as plain data (copied to the GPU as it is).
struct EdgeBatchConfig {
  int n_series = 0;
  RolloutSettings settings[kMaxEdgeSeries];
  uint32_t stream[kMaxEdgeSeries] = {};  // the learner's random stream
  uint32_t init_stream = 0;              // the initial tables: init_stream + j
  int iterations = 0;
  int n_snapshots = 0;
  int snapshot[kMaxEdgeSnapshots] = {};  // copy Q̂ out after these iteration counts (non-decreasing)
  int ensemble_max() const {
    int n = 1;
    for (int s = 0; s < n_series; ++s) n = settings[s].ensemble > n ? settings[s].ensemble : n;
    return n;
  }
  int buffer_max() const {
    int n = 1;
    for (int s = 0; s < n_series; ++s) n = settings[s].buffer_capacity > n ? settings[s].buffer_capacity : n;
    return n;
  }
};

// One world of the batch: its MDP in the pool's ints and reals (mdp::WorldCsr, packed by
// mdp::pack_csr), its absorbing states and its discount.
struct EdgeWorld : mdp::WorldCsr {
  long long absorbing = 0;  // flags: (S)
  double discount = 0.0;    // γ
};

// Run first_run + r: its world and its dataset (transitions [first, first + size) of the pool).
struct EdgeRunData {
  uint32_t world = 0;
  uint32_t size = 0;
  long long first = 0;
};

// The worlds and datasets of runs first_run .. first_run + runs − 1 (runs that share a world share
// its entry).
struct EdgeWorldPool {
  std::vector<EdgeWorld> worlds;
  std::vector<int> ints;
  std::vector<double> reals;
  std::vector<char> flags;
  std::vector<Transition> transitions;
  std::vector<EdgeRunData> runs;
  int max_pairs() const {
    int m = 0;
    for (const EdgeWorld& w : worlds) m = w.pairs > m ? w.pairs : m;
    return m;
  }
};

// The pool's arrays wherever they live (host or device).
struct EdgePoolView {
  const EdgeWorld* worlds;
  const int* ints;
  const double* reals;
  const char* flags;
  const Transition* transitions;
};

KLAB_INLINE RolloutWorld edge_rollout_world(const EdgePoolView& pool, const EdgeWorld& w, const EdgeRunData& d) {
  RolloutWorld r;
  r.mdp = mdp::csr_view(w, pool.ints, pool.reals, w.discount, 0);  // ρ is not read: rollouts start at dataset states
  r.absorbing = pool.flags + w.absorbing;
  r.data = pool.transitions + d.first;
  r.n_data = d.size;
  return r;
}

// Series `series` of run `run` for cfg.iterations iterations, exactly as RolloutLearner does it
// (same streams, same ring); Q̂ after iteration cfg.snapshot[k] goes to out + k·stride (pairs
// doubles). q (ensemble·SA), q_min (SA) and buffer (2·capacity) are the learner's scratch tables.
KLAB_INLINE void edge_learner_run(const EdgeBatchConfig& c, const EdgePoolView& pool, const EdgeRunData& d, int series, uint64_t seed, uint32_t run,
                                  double* q, double* q_min, int* buffer, double* out, size_t stride) {
  const EdgeWorld& ew = pool.worlds[d.world];
  const RolloutWorld w = edge_rollout_world(pool, ew, d);
  const RolloutSettings& s = c.settings[series];
  RolloutTables t{q, q_min, buffer, 0, 0};
  rollout_init(w, s, seed, run, c.init_stream, t);
  Rng rng(seed, run, c.stream[series]);
  int next = 0;
  for (int i = 0;; ++i) {
    for (; next < c.n_snapshots && c.snapshot[next] == i; ++next)
      for (int p = 0; p < ew.pairs; ++p) out[static_cast<size_t>(next) * stride + p] = q_min[p];
    if (i == c.iterations) break;
    rollout_iterate(w, s, t, rng);
  }
}

// Snapshots are run-major: run first_run + r, series s, snapshot k at
// ((r·S + s)·n_snapshots + k)·max_pairs.

// The host twin: the same runs on this CPU, one after another.
void run_edge_batch_host(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<double>* out);

// One chunk of GPU snapshots (layout above, r counted from first_run), readable during the
// consumer's call only.
struct EdgeChunk {
  uint32_t first_run = 0, runs = 0;
  const double* snapshot = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct EdgeCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of one chunk's tables, buffers and snapshots
  double updates = 0.0;    // Q updates of all threads: runs·S·iterations·updates_per_iteration
};

// Runs first_run .. first_run + runs − 1 of every series on the GPU in chunks (at most half the free
// device memory, and 4 GiB, of tables, buffers and snapshots each) and hands each chunk to `consume` in run order. The pool
// holds the worlds and datasets of exactly these runs. An error (no device, a CUDA failure, a build
// without CUDA) comes back as a Status naming it.
Status run_edge_cuda(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const EdgeChunk&)>& consume, EdgeCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_edge_batch_cuda(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                           std::vector<double>* out, EdgeCudaStats* stats = nullptr);

}  // namespace klab::offline
