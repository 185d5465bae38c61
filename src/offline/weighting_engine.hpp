// Batched offline.weighting CQL learners as flat arrays: the CUDA engine (src/offline/engine.cu, one
// GPU thread per (run, share, CQL learner)) and its host twin run the very same KLAB_INLINE code
// (weighting_learner_run below → cql_train, weighting_core.hpp) as the CPU engine's CqlLearner, on
// the same numbers: each world's pair ranges and γ, the datasets and the cumulative draw
// probabilities of the samplers (generated and computed on the host by WeightingRun). A learner
// hands back its final Q; the greedy policies, behaviour cloning (which learns nothing) and the exact
// evaluations stay on the host (weighting_cuda.cpp). Every method runs: cql_uniform, cql_rw and cql_aw
// here, the bc_* methods on the host alone.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "offline/weighting_core.hpp"

namespace klab::offline {

constexpr int kMaxWeightingLearners = 3;  // cql_uniform, cql_rw, cql_aw
constexpr int kWeightingSamplers = 3;     // uniform, RW, AW (Sampler's order)

// Everything a run needs except its worlds and datasets, as plain data (copied to the GPU as it is).
struct WeightingBatchConfig {
  int n_learners = 0;                          // the CQL methods among the series
  int series[kMaxWeightingLearners] = {};      // learner l is series series[l] of the layout
  int sampler[kMaxWeightingLearners] = {};     // its draws (Sampler as an int)
  CqlSettings settings;                        // updates, α_Q, c (the same for every learner)
  uint32_t stream = 0;                         // share k's draws from (seed, run, stream + k): the same for every learner of a share
  int n_shares = 0;                            // datasets per run
};

// One world of the batch: its pair ranges as an offset into the ints, and γ.
struct WeightingWorld {
  int pairs = 0;            // SA
  int max_actions = 0;      // the largest action count of a state
  long long first_pair = 0;  // ints: (S + 1)
  double discount = 0.0;    // γ
};

// The dataset of run first_run + r at share k (entry r·n_shares + k): its world, transitions
// [first, first + size) of the pool (size 0: an empty dataset, no learner) and, for each sampler a
// learner uses, its cumulative draw probabilities (reals: size doubles; −1 for the others).
struct WeightingDataset {
  uint32_t world = 0;
  uint32_t size = 0;
  long long first = 0;
  long long cumulative[kWeightingSamplers] = {-1, -1, -1};
};

// The pool's arrays wherever they live (host or device).
struct WeightingPoolView {
  const WeightingWorld* worlds;
  const int* ints;
  const double* reals;
  const Transition* transitions;
};

// The worlds and datasets of runs first_run .. first_run + runs − 1 (runs that share a world share
// its entry).
struct WeightingPool {
  std::vector<WeightingWorld> worlds;
  std::vector<int> ints;
  std::vector<double> reals;
  std::vector<Transition> transitions;
  std::vector<WeightingDataset> datasets;  // (runs · n_shares)
  int max_pairs() const {
    int m = 0;
    for (const WeightingWorld& w : worlds) m = w.pairs > m ? w.pairs : m;
    return m;
  }
  int max_actions() const {
    int m = 1;
    for (const WeightingWorld& w : worlds) m = w.max_actions > m ? w.max_actions : m;
    return m;
  }
  WeightingPoolView view() const { return {worlds.data(), ints.data(), reals.data(), transitions.data()}; }  // on the host
};

// CQL learner `learner` of run `run` on dataset d (share `share`), exactly as WeightingRun trains it:
// Q = 0, cfg.settings.updates updates, the draws from (seed, run, cfg.stream + share). q: the final Q
// (the world's pairs; an empty dataset leaves Q = 0); soft: the world's largest action count of scratch.
KLAB_INLINE void weighting_learner_run(const WeightingBatchConfig& c, const WeightingPoolView& pool, const WeightingDataset& d, int learner, int share,
                                       uint64_t seed, uint32_t run, double* soft, double* q) {
  const WeightingWorld& w = pool.worlds[d.world];
  for (int p = 0; p < w.pairs; ++p) q[p] = 0.0;
  if (d.size == 0) return;
  const CqlWorld world{pool.ints + w.first_pair, w.discount, pool.transitions + d.first, pool.reals + d.cumulative[c.sampler[learner]], d.size};
  Rng rng(seed, run, c.stream + static_cast<uint32_t>(share));
  cql_train(world, c.settings, c.settings.updates, q, soft, rng);
}

// The final Q tables are run-major: run first_run + r, learner l, share k at
// ((r·n_learners + l)·n_shares + k)·max_pairs.

// The host twin: the same learners on this CPU, one after another.
void run_weighting_batch_host(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                              std::vector<double>* out);

// One chunk of GPU Q tables (layout above, r counted from first_run), readable during the consumer's
// call only.
struct WeightingChunk {
  uint32_t first_run = 0, runs = 0;
  const double* q = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct WeightingCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of one chunk's Q tables and softmax scratch
  double updates = 0.0;    // CQL updates of all threads: (non-empty datasets)·n_learners·updates
};

// Runs first_run .. first_run + runs − 1 of every CQL learner on the GPU in chunks (at most half the
// free device memory, and 4 GiB, of Q tables and scratch each) and hands each chunk to `consume` in
// run order. The pool holds the worlds and datasets of exactly these runs. An error (no device, a
// CUDA failure, a build without CUDA) comes back as a Status naming it.
Status run_weighting_cuda(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                          const std::function<void(const WeightingChunk&)>& consume, WeightingCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_weighting_batch_cuda(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                                std::vector<double>* out, WeightingCudaStats* stats = nullptr);

}  // namespace klab::offline
