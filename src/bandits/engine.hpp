// Batched bandits.regret runs as flat arrays: the CUDA engine (src/bandits/engine.cu, one GPU
// thread per (run, policy)) and its host twin run the very same KLAB_HD simulation
// (simulate_policy_run → regret_sim.hpp). The host twin is what the CPU-vs-GPU test compares
// against, run by run.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "bandits/regret_sim.hpp"
#include "core/status.hpp"

namespace klab::bandits {

// Outputs of runs first_run .. first_run + runs - 1, run-major:
//   regret_at[(r·P + slot)·C + checkpoint], pulls[(r·P + slot)·K + arm],
//   regret[r·P + slot], best_pulls[r·P + slot]   (P policies, C checkpoints, K arms).
struct RegretBatch {
  uint32_t runs = 0;
  std::vector<double> regret_at;
  std::vector<uint32_t> pulls;
  std::vector<double> regret;
  std::vector<uint64_t> best_pulls;
};

// Policy cfg.policies[slot] in run `run`, written through the pointers (one (run, slot) entry of
// the layout above), with per-arm state for up to KCap ≥ K arms.
template <int KCap>
KLAB_INLINE void simulate_policy_run(const RegretConfig& cfg, int slot, uint64_t seed, uint32_t run, double* regret_at,
                                     uint32_t* pulls, double* regret, uint64_t* best_pulls) {
  PolicyRunOf<KCap> r;
  policy_run_start(r, cfg, static_cast<Policy>(cfg.policies[slot]), seed, run);
  policy_run_advance(r, cfg, seed, run, cfg.policy.horizon, regret_at);
  for (int a = 0; a < cfg.policy.k; ++a) pulls[a] = r.stats.pulls[a];
  *regret = r.regret;
  *best_pulls = r.best_pulls;
}

// The host twin: the same runs on this CPU, one after another.
void run_regret_batch_host(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out);

// One chunk of GPU results (layout above, runs first_run .. first_run + runs - 1), readable
// during the consumer's call only.
struct RegretChunk {
  uint32_t first_run = 0, runs = 0;
  const double* regret_at = nullptr;
  const uint32_t* pulls = nullptr;
  const double* regret = nullptr;
  const uint64_t* best_pulls = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct RegretCudaStats {
  int arm_capacity = 0;           // KCap of the kernel used
  int threads_per_block = 0;
  int blocks_per_sm = 0;          // cudaOccupancyMaxActiveBlocksPerMultiprocessor
  int sm_count = 0;
  int registers_per_thread = 0;
  size_t local_bytes_per_thread = 0;
  uint32_t runs_per_chunk = 0;    // one full wave of (run, policy) threads
  int chunks = 0;
  double kernel_seconds = 0.0;    // GPU time of the kernels (cudaEvent)
  double seconds = 0.0;           // wall time of the whole job, consumer included
};

// Runs first_run .. first_run + runs - 1 of every policy on the GPU, in chunks of one full wave
// of threads, and hands each chunk to `consume` (on this thread, in run order) while the GPU
// computes the next one. Device and pinned host buffers are allocated once per call. An error
// (no device, a CUDA failure, a build without CUDA) comes back as a Status naming it.
Status run_regret_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs,
                       const std::function<void(const RegretChunk&)>& consume, RegretCudaStats* stats = nullptr);

// The same, collected into one RegretBatch (tests).
Status run_regret_batch_cuda(const RegretConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, RegretBatch* out);

}  // namespace klab::bandits
