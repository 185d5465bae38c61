// Batched mdp.learning control runs as flat arrays: the CUDA engine (src/mdp/engine.cu, one GPU
// thread per (run, learner)) and its host twin run the very same KLAB_INLINE code (td_control_run
// below → td_episode, td_learning.hpp; env_step / episode_start, episodic.hpp) as the CPU engine's
// ControlLearner, on the same numbers: the worlds' rescaled MDPs, Q*_h, V*_0(ρ) and reachable
// stage-states are computed on the host (EpisodicProblem) and copied into one pool. Q-learning,
// SARSA and expected SARSA run here; UCBVI and the trace evaluators do not (yet).
// The host twin is what the CPU-vs-GPU test compares against, run by run.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "mdp/episodic.hpp"
#include "mdp/td_learning.hpp"
#include "mdp/world_pool.hpp"

namespace klab::mdp {

constexpr int kMaxTdSeries = 3;         // Q-learning, SARSA, expected SARSA
constexpr int kMaxTdCheckpoints = 40;   // the learning curves' episode axis

// Everything a run needs except its world, as plain data (copied to the GPU as it is).
struct TdBatchConfig {
  TdSettings td;
  uint32_t episodes = 0;          // K
  int horizon = 1;                // H
  double gamma = 1.0;
  int n_series = 0;
  int method[kMaxTdSeries] = {};  // TdMethod of each series (its rng stream: kLearnerStream + method)
  int n_checkpoints = 0;
  uint32_t checkpoint[kMaxTdCheckpoints] = {};  // record after these episode counts (increasing)
};

// One world of the batch: its arrays as offsets into the pool (ints, reals, flags).
struct TdWorld {
  int states = 0, pairs = 0;
  long long first_pair = 0, first_next = 0, next_state = 0;    // ints: (S + 1), (SA + 1), (nnz)
  long long next_prob = 0, reward = 0, start = 0, q_star = 0;  // reals: (nnz), (SA) r̃, (S) ρ, (H·SA) Q*_h
  long long reachable = 0;                                     // flags: (H·S)
  double v_star = 0.0;                                         // V*_0(ρ)
};

// The worlds of runs first_run .. first_run + runs − 1 (runs that share a world share its entry).
using TdWorldPool = WorldPool<TdWorld>;

// The pool's arrays wherever they live (host or device).
struct TdPoolView {
  const TdWorld* worlds;
  const int* ints;
  const double* reals;
  const char* flags;
};

// What one (run, learner) records: the cumulative regret Σ_k (V*_0(ρ) − G_k) and max |Q_h − Q*_h|
// after each checkpoint, and at the end.
struct TdOutcome {
  double regret_at[kMaxTdCheckpoints];
  double error_at[kMaxTdCheckpoints];
  double regret, error;
};

KLAB_INLINE EpisodicTask td_world_task(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w) {
  EpisodicTask t;
  t.mdp.states = w.states;
  t.mdp.first_pair = pool.ints + w.first_pair;
  t.mdp.first_next = pool.ints + w.first_next;
  t.mdp.next_state = pool.ints + w.next_state;
  t.mdp.next_prob = pool.reals + w.next_prob;
  t.mdp.reward = pool.reals + w.reward;
  t.mdp.cost = nullptr;
  t.mdp.start = pool.reals + w.start;
  t.mdp.first_outcome = nullptr;
  t.mdp.outcome_reward = nullptr;
  t.mdp.outcome_prob = nullptr;
  t.mdp.discount = c.gamma;
  t.mdp.horizon = c.horizon;
  t.horizon = c.horizon;
  t.gamma = c.gamma;
  t.reward_lo = 0.0;  // the pool holds r̃ already (EpisodicProblem::scaled)
  t.reward_scale = 1.0;
  return t;
}

// Series `series` of run `run` in world `w` for K episodes, exactly as ControlLearner does it
// episode by episode (same stream, same ε_k, same regret sum); q and counts (H·SA) and visits (SA)
// are the run's scratch tables.
KLAB_INLINE void td_control_run(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w, int series, uint64_t seed, uint32_t run, double* q,
                                uint32_t* counts, uint32_t* visits, TdOutcome* out) {
  const EpisodicTask t = td_world_task(c, pool, w);
  const size_t hsa = static_cast<size_t>(c.horizon) * w.pairs;
  for (size_t i = 0; i < hsa; ++i) q[i] = 0.0, counts[i] = 0;
  for (int i = 0; i < w.pairs; ++i) visits[i] = 0;
  const TdMethod method = static_cast<TdMethod>(c.method[series]);
  Rng rng(seed, run, kLearnerStream + static_cast<uint32_t>(method));
  const double* q_star = pool.reals + w.q_star;
  const char* reachable = pool.flags + w.reachable;
  double regret = 0.0;
  int next = 0;
  for (uint32_t k = 0; k < c.episodes; ++k) {
    const double ret = td_episode(t, method, c.td, td_epsilon(c.td, k, c.episodes), k, q, counts, visits, rng, seed, run);
    regret += w.v_star - ret;
    for (; next < c.n_checkpoints && c.checkpoint[next] == k + 1; ++next) {
      out->regret_at[next] = regret;
      out->error_at[next] = stage_max_error(t, reachable, q, q_star);
    }
  }
  out->regret = regret;
  out->error = stage_max_error(t, reachable, q, q_star);
}

// Outcomes are run-major: outcome[r·S + s] for run first_run + r and series s of S.

// The host twin: the same runs on this CPU, one after another.
void run_td_batch_host(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<TdOutcome>* out);

// One chunk of GPU outcomes (layout above), readable during the consumer's call only.
struct TdChunk {
  uint32_t first_run = 0, runs = 0;
  const TdOutcome* outcome = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct TdCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of the Q, count and visit tables of one chunk
  double steps = 0.0;      // environment steps of all threads: runs·S·K·H
};

// Runs first_run .. first_run + runs − 1 of every series on the GPU in chunks (at most 1 GiB of
// tables and 256 MiB of outcomes each) and hands each chunk to `consume` in run order. The pool
// holds the worlds of exactly these runs. An error (no device, a CUDA failure, a build without
// CUDA) comes back as a Status naming it.
Status run_td_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                   const std::function<void(const TdChunk&)>& consume, TdCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_td_batch_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                         std::vector<TdOutcome>* out, TdCudaStats* stats = nullptr);

}  // namespace klab::mdp
