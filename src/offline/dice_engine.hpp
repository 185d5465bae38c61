// Batched offline.dice learners as flat arrays: the CUDA engine (src/offline/engine.cu, one GPU
// thread per (run, learner)) and its host twin run the very same KLAB_INLINE code (dice_learner_run
// below → dice_step, dice_core.hpp) as the CPU engine's DiceLearner, on the same numbers: the
// features of each world and the datasets (generated on the host, with their measures). A learner
// hands back θ and the dot products of its last batch's g→ and g← at the checkpoints; the policies
// (weighted cloning, the look-ahead), their exact evaluation and the walk back to the data stay on
// the host (dice_cuda.cpp). Every learner runs here: semi, true, orthogonal and iql, with any of the
// three feature sets; bc learns nothing and is checked on the host alone.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "offline/dice_core.hpp"

namespace klab::offline {

constexpr int kMaxDiceSeries = 5;      // semi, true, orthogonal, iql, bc
constexpr int kMaxDiceSnapshots = 22;  // the (at most) 21 checkpoints of the layout and the end
// A snapshot: ‖g→‖², ‖g←‖², g→ᵀg← of the last batch, then θ (dim).
constexpr int kDiceSnapshotHead = 3;

// Everything a run needs except its features and dataset, as plain data (copied to the GPU as it is).
struct DiceBatchConfig {
  int n_series = 0;
  DiceSettings settings[kMaxDiceSeries];
  bool learns[kMaxDiceSeries] = {};  // false: behaviour cloning (no value to learn)
  uint32_t stream = 0;               // the batches' random stream (the same batches for every learner)
  int steps = 0;
  int n_snapshots = 0;
  int snapshot[kMaxDiceSnapshots] = {};  // copy θ out after these step counts (non-decreasing)
};

// One world of the batch: its features as offsets into the pool, and γ.
struct DiceFeatureEntry {
  int dim = 0;
  long long phi = 0;                          // reals: (S·dim)
  long long first_nonzero = 0, nonzero = 0;   // ints: (S + 1), (non-zeros)
  double discount = 0.0;
};

// Run first_run + r: its world and its dataset (transitions [first, first + size) of the pool).
struct DiceRunData {
  uint32_t world = 0;
  uint32_t size = 0;
  long long first = 0;
};

// The pool's arrays wherever they live (host or device).
struct DicePoolView {
  const DiceFeatureEntry* worlds;
  const int* ints;
  const double* reals;
  const Transition* transitions;
};

// The features and datasets of runs first_run .. first_run + runs − 1 (runs that share a world share
// its entry).
struct DiceWorldPool {
  std::vector<DiceFeatureEntry> worlds;
  std::vector<int> ints;
  std::vector<double> reals;
  std::vector<Transition> transitions;
  std::vector<DiceRunData> runs;
  int max_dim() const {
    int m = 0;
    for (const DiceFeatureEntry& w : worlds) m = w.dim > m ? w.dim : m;
    return m;
  }
  size_t snapshot_stride() const { return static_cast<size_t>(max_dim()) + kDiceSnapshotHead; }
  DicePoolView view() const { return {worlds.data(), ints.data(), reals.data(), transitions.data()}; }  // on the host
};

// Series `series` of run `run` for cfg.steps gradient steps, exactly as DiceRun does it (θ = 0 at
// the start, the batches from stream (seed, run, cfg.stream)); after step cfg.snapshot[k] the
// snapshot (kDiceSnapshotHead + dim doubles) goes to out + k·stride. scratch holds 4·dim doubles
// (θ, base, g→, g←). Behaviour cloning writes nothing.
KLAB_INLINE void dice_learner_run(const DiceBatchConfig& c, const DicePoolView& pool, const DiceRunData& d, int series, uint64_t seed, uint32_t run,
                                  double* scratch, double* out, size_t stride) {
  if (!c.learns[series]) return;
  const DiceFeatureEntry& e = pool.worlds[d.world];
  const int n = e.dim;
  const DiceWorld w{{n, pool.reals + e.phi, pool.ints + e.first_nonzero, pool.ints + e.nonzero}, pool.transitions + d.first, d.size, e.discount};
  double *theta = scratch, *base = scratch + n, *forward = scratch + 2 * n, *backward = scratch + 3 * n;
  for (int i = 0; i < 4 * n; ++i) scratch[i] = 0.0;
  Rng rng(seed, run, c.stream);
  int next = 0;
  for (int i = 0;; ++i) {
    for (; next < c.n_snapshots && c.snapshot[next] == i; ++next) {
      double* to = out + static_cast<size_t>(next) * stride;
      to[0] = dice_dot(forward, forward, n);
      to[1] = dice_dot(backward, backward, n);
      to[2] = dice_dot(forward, backward, n);
      for (int j = 0; j < n; ++j) to[kDiceSnapshotHead + j] = theta[j];
    }
    if (i == c.steps) break;
    dice_step(w, c.settings[series], theta, base, forward, backward, rng);
  }
}

// Snapshots are run-major: run first_run + r, series s, snapshot k at
// ((r·S + s)·n_snapshots + k)·snapshot_stride().

// The host twin: the same runs on this CPU, one after another.
void run_dice_batch_host(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<double>* out);

// One chunk of GPU snapshots (layout above, r counted from first_run), readable during the
// consumer's call only.
struct DiceChunk {
  uint32_t first_run = 0, runs = 0;
  const double* snapshot = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct DiceCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of one chunk's scratch and snapshots
  double steps = 0.0;      // gradient steps of all learning threads: runs·(learning series)·steps
  double transitions = 0.0;  // transitions those steps read: steps·batch
};

// Runs first_run .. first_run + runs − 1 of every series on the GPU in chunks (at most half the free
// device memory, and 4 GiB, of scratch and snapshots each) and hands each chunk to `consume` in run
// order. The pool holds the features and datasets of exactly these runs. An error (no device, a CUDA
// failure, a build without CUDA) comes back as a Status naming it.
Status run_dice_cuda(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                     const std::function<void(const DiceChunk&)>& consume, DiceCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_dice_batch_cuda(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                           std::vector<double>* out, DiceCudaStats* stats = nullptr);

}  // namespace klab::offline
