// Batched offline.prdc learners as flat arrays: the CUDA engine (src/offline/prdc_engine.cu, one GPU
// thread per (run, learner)) and its host twin (prdc_engine_host.cpp) run the very same KLAB_INLINE
// code (prdc_learner_run below → td3_init, td3_step, td3_check, td3_core.hpp) as the CPU engine's
// Td3Learner, on the same numbers: each run's dataset (normalised s, a, r, s′), its PRDC KD-tree
// (built on the host, copied flat), its evaluation starts and states — all made on the host by PrdcRun.
// A learner hands back its check (return, Q̂, Q^π, overestimation) at every checkpoint.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "offline/td3_core.hpp"

namespace klab::offline {

// The streams of a run (Rng(seed, run, stream)) and the sizes of a check.
constexpr uint32_t kPrdcDataStream = 0x8E0, kPrdcInitStream = 0x8E1, kPrdcBatchStream = 0x8E2, kPrdcEvalStream = 0x8E3;
constexpr int kPrdcEvalStarts = 8;      // start states of the return
constexpr int kPrdcEvalStates = 16;     // dataset states of the overestimation (evenly spaced through the dataset)
constexpr int kPrdcRolloutLength = 60;  // Q^π's rollout: the tail it leaves out is at most γ^60/(1 − γ) (0.018 at γ = 0.9)

constexpr int kMaxPrdcSeries = 4;        // prdc, td3_bc, bc, td3
constexpr int kMaxPrdcCheckpoints = 11;  // the layout's 0, steps/10, …, steps

// Everything a run needs except its data, as plain data (copied to the GPU as it is).
struct PrdcBatchConfig {
  int n_series = 0;
  Td3Settings settings[kMaxPrdcSeries];  // one hidden width and batch for all
  int steps = 0;
  int n_checkpoints = 0;
  int checkpoint[kMaxPrdcCheckpoints] = {};  // check after these step counts (increasing; the last is `steps`)
  PointMassWorld world;
  int horizon = 0;  // of the return (the episode length)
  double beta = 2.0;
};

// Run first_run + r's data: transitions [first, first + n) of the pool's s, a, r, s2; its tree's points
// (4 a point), order and nodes from tree_points, tree_order, tree_nodes; its evaluation starts and states.
struct PrdcRunData {
  long long first = 0, tree_points = 0, tree_order = 0, tree_nodes = 0;
  int n = 0, tree_n = 0;
  double mean[2] = {0, 0}, sd[2] = {1, 1};
  Point2 starts[kPrdcEvalStarts];
  Point2 eval_states[kPrdcEvalStates];
};

// Every run's arrays one after another (N transitions and P tree points of all runs together).
struct PrdcPool {
  std::vector<double> s, a;          // (N, kTd3S), (N, kTd3A): the states and actions
  std::vector<double> r;             // (N)
  std::vector<double> s2;            // (N, kTd3S): the next states
  std::vector<double> points;        // (P, 4): the trees' keys (β·ŝ, a), ŝ the normalised state
  std::vector<int> order;            // (P): each tree's point order
  std::vector<KdNode> nodes;         // (all the trees' nodes)
  std::vector<PrdcRunData> runs;     // (runs)
};

// The pool's arrays wherever they live (host or device).
struct PrdcPoolView {
  const double *s, *a, *r, *s2, *points;
  const int* order;
  const KdNode* nodes;
};

KLAB_INLINE Td3DataView prdc_data_view(const PrdcPoolView& p, const PrdcRunData& d, double beta) {
  Td3DataView v;
  const size_t first = static_cast<size_t>(d.first);
  v.s = p.s + first * kTd3S, v.a = p.a + first * kTd3A, v.r = p.r + first, v.s2 = p.s2 + first * kTd3S;
  v.n = d.n;
  for (int k = 0; k < 2; ++k) v.mean[k] = d.mean[k], v.sd[k] = d.sd[k];
  v.beta = beta;
  v.tree = {p.points + d.tree_points, p.order + d.tree_order, p.nodes + d.tree_nodes, d.tree_n, 4};
  return v;
}

// Doubles of a learner's state and scratch, ints of its minibatch (the same for every series).
KLAB_INLINE size_t prdc_state_doubles(const PrdcBatchConfig& c) { return td3_layout(c.settings[0].hidden).size; }
KLAB_INLINE size_t prdc_scratch_doubles(const PrdcBatchConfig& c) {
  return td3_scratch(td3_layout(c.settings[0].hidden), c.settings[0].batch, nullptr).size;
}
// Device bytes of one learner: its state, scratch, minibatch indices and checks (host code).
inline size_t prdc_bytes_per_learner(const PrdcBatchConfig& c) {
  return (prdc_state_doubles(c) + prdc_scratch_doubles(c)) * sizeof(double) + static_cast<size_t>(c.settings[0].batch) * sizeof(int) +
         static_cast<size_t>(c.n_checkpoints) * sizeof(Td3Check);
}

// Series `series` of run `run`, exactly as PrdcRun trains and checks its learner: networks from
// Rng(seed, run, kPrdcInitStream), minibatches from Rng(seed, run, kPrdcBatchStream); its check after
// cfg.checkpoint[k] steps goes to out[k]. state, scratch, idx: prdc_state_doubles, prdc_scratch_doubles
// and settings.batch entries.
KLAB_INLINE void prdc_learner_run(const PrdcBatchConfig& c, const PrdcPoolView& pool, const PrdcRunData& rd, int series, uint64_t seed, uint32_t run,
                                  double* state, double* scratch, int* idx, Td3Check* out) {
  const Td3Settings& set = c.settings[series];
  const Td3Layout l = td3_layout(set.hidden);
  const Td3DataView d = prdc_data_view(pool, rd, c.beta);
  td3_init(l, state, Rng(seed, run, kPrdcInitStream));
  Rng rng(seed, run, kPrdcBatchStream);
  const bool critic = set.regulariser != ActorRegulariser::CloneOnly;
  int steps = 0, next = 0;
  for (int i = 0;; ++i) {
    if (next < c.n_checkpoints && c.checkpoint[next] == i)  // the scratch is free between steps: the check's tape
      out[next++] = td3_check(c.world, l, d, state, critic, rd.starts, kPrdcEvalStarts, c.horizon, rd.eval_states, kPrdcEvalStates,
                              kPrdcRolloutLength, scratch);
    if (i == c.steps) break;
    td3_step(set, l, d, state, steps, scratch, idx, rng);
  }
}

// Checks are run-major: run first_run + r, series s, checkpoint k at (r·S + s)·n_checkpoints + k.

// The host twin: the same runs on this CPU, one after another.
void run_prdc_batch_host(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Td3Check>* out);

// One chunk of GPU checks (layout above, r counted from first_run), readable during the consumer's call only.
struct PrdcChunk {
  uint32_t first_run = 0, runs = 0;
  const Td3Check* checks = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct PrdcCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of one chunk's learner states, scratch and checks
  double steps = 0.0;      // training steps of all threads: runs·S·steps
  double samples = 0.0;    // minibatch transitions: steps·batch (the CPU engine's work unit)
};

// Runs that fill the GPU once at cfg.n_series learners a run: SMs · blocks per SM (by the kernel's
// registers) · threads per block / n_series. An error without a GPU or CUDA.
Status prdc_cuda_wave_runs(const PrdcBatchConfig& cfg, uint32_t* runs);

// Runs first_run .. first_run + runs − 1 of every series on the GPU in chunks (at most half the
// device memory free beside the pool, and 4 GiB, of states and scratch each) and hands each chunk to
// `consume` in run order. The pool holds exactly these runs. An error (no device, a CUDA failure, a build without CUDA)
// comes back as a Status naming it.
Status run_prdc_cuda(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const PrdcChunk&)>& consume, PrdcCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_prdc_batch_cuda(const PrdcBatchConfig& cfg, const PrdcPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Td3Check>* out,
                           PrdcCudaStats* stats = nullptr);

}  // namespace klab::offline
