// Batched mdp.learning runs as flat arrays: the CUDA engine (src/mdp/engine.cu, one GPU thread per
// (run, job)) and its host twin run the very same KLAB_INLINE code (td_job_run below →
// td_episode, td_learning.hpp; ucbvi_episode, ucbvi.hpp; trace_episode, traces.hpp; env_step /
// episode_start, episodic.hpp) as the CPU engine's ControlLearner and TraceEvaluator, on the same
// numbers: the worlds' rescaled MDPs, Q*_h, V*_0(ρ), reachable stage-states, UCBVI's L = ln(5SAT/δ)
// and the evaluators' π, μ and V(ρ; π) are computed on the host (EpisodicProblem) and copied into
// one pool. A job is a control learner (Q-learning, SARSA, expected SARSA, UCBVI) or a trace
// evaluator (Retrace, tree backup, RBIS) at one λ: the learning-curve λ, or an entry of the λ grid.
// The host twin is what the CPU-vs-GPU test compares against, run by run.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "mdp/episodic.hpp"
#include "mdp/td_learning.hpp"
#include "mdp/traces.hpp"
#include "mdp/ucbvi.hpp"
#include "mdp/world_csr.hpp"
#include "mdp/world_pool.hpp"

namespace klab::mdp {

constexpr int kMaxTdJobs = 32;          // 4 control learners + 3 evaluators × (1 + 6 λ) = 25 at most
constexpr int kTdUcbvi = 3;             // TdBatchConfig::method of UCBVI (ControlMethod::Ucbvi; TdMethod for the others)
constexpr int kTdTrace = 4;             // method kTdTrace + TraceMethod: a trace evaluator
constexpr int kMaxTdCheckpoints = 40;   // the learning curves' episode axis

// Everything a run needs except its world, as plain data (copied to the GPU as it is).
struct TdBatchConfig {
  TdSettings td;
  uint32_t episodes = 0;          // K
  int horizon = 1;                // H
  double gamma = 1.0;
  int n_jobs = 0;
  int method[kMaxTdJobs] = {};       // TdMethod, kTdUcbvi or kTdTrace + TraceMethod of each job
  int slot[kMaxTdJobs] = {};         // the job's series (the layout's slot)
  double lambda[kMaxTdJobs] = {};    // a trace evaluator's λ
  int lambda_slot[kMaxTdJobs] = {};  // −1: the learning-curve job; else its entry in the λ grid (final error only)
  double bonus_scale = 0.0;          // UCBVI c
  double ope_alpha = 0.0;            // the evaluators' step α
  int n_checkpoints = 0;
  uint32_t checkpoint[kMaxTdCheckpoints] = {};  // record after these episode counts (increasing)
};

// One world of the batch: its rescaled MDP (r̃ as the reward) in the pool's CSR arrays (WorldCsr)
// and, as offsets into the pool (reals, flags), what the learners compare with.
struct TdWorld : WorldCsr {
  long long q_star = 0;                                        // reals: (H·SA) Q*_h
  long long reachable = 0;                                     // flags: (H·S)
  double v_star = 0.0;                                         // V*_0(ρ)
  double log_term = 0.0;                                       // UCBVI's L = ln(5 S A T/δ), T = K·H
  long long target = 0, behaviour = 0;                         // reals (H·SA) π, μ (pools with trace jobs only)
  double target_value = 0.0;                                   // V(ρ; π)
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

// The scratch tables of one (run, job) thread, carved from one slice of doubles (doubles first,
// then the 32-bit tables): Q_h (H·SA); UCBVI's V̄_h ((H+1)·S); the evaluators' trace buffers β, γ^{t−k}
// (H each); the TD update counts (H·SA); the environment's visit counters (SA); UCBVI's counts
// N(s, a) (SA) and N(s, a, s′) (nnz) and greedy actions (H·S); the evaluators' visited pairs (H).
// A table no job of the batch uses has size 0. Sizes are those of the batch's largest world.
struct TdTableSizes {
  size_t q = 0, v = 0, beta = 0, decay = 0, counts = 0, visits = 0, n_pair = 0, n_entry = 0, greedy = 0, pairs = 0;
  KLAB_HD size_t doubles_per_slice() const {  // the slice's length in doubles (32-bit tables rounded up)
    return q + v + beta + decay + (counts + visits + n_pair + n_entry + greedy + pairs + 1) / 2;
  }
};
TdTableSizes td_table_sizes(const TdBatchConfig& c, const TdWorldPool& pool);

struct TdTables {
  double *q, *v, *beta, *decay;
  uint32_t *counts, *visits, *n_pair, *n_entry;
  int *greedy, *pairs;
};

KLAB_INLINE TdTables td_tables(double* slice, const TdTableSizes& z) {
  TdTables t;
  t.q = slice;
  t.v = t.q + z.q;
  t.beta = t.v + z.v;
  t.decay = t.beta + z.beta;
  t.counts = reinterpret_cast<uint32_t*>(t.decay + z.decay);
  t.visits = t.counts + z.counts;
  t.n_pair = t.visits + z.visits;
  t.n_entry = t.n_pair + z.n_pair;
  t.greedy = reinterpret_cast<int*>(t.n_entry + z.n_entry);
  t.pairs = t.greedy + z.greedy;
  return t;
}

// What one (run, learner) records: the cumulative regret Σ_k (V*_0(ρ) − G_k) and max |Q_h − Q*_h|
// after each checkpoint, and at the end.
struct TdOutcome {
  double regret_at[kMaxTdCheckpoints];
  double error_at[kMaxTdCheckpoints];
  double regret, error;
};

KLAB_INLINE EpisodicTask td_world_task(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w) {
  EpisodicTask t;
  t.mdp = csr_view(w, pool.ints, pool.reals, c.gamma, c.horizon);
  t.horizon = c.horizon;
  t.gamma = c.gamma;
  t.reward_lo = 0.0;  // the pool holds r̃ already (EpisodicProblem::scaled)
  t.reward_scale = 1.0;
  return t;
}

// Control job `job` of run `run` in world `w` for K episodes, exactly as ControlLearner does it
// episode by episode (same stream, same ε_k or the same plan, same regret sum) in the tables `tb`
// (td_tables: zeroed here, as the learner's are at its start).
KLAB_INLINE void td_control_run(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w, int job, uint64_t seed, uint32_t run,
                                const TdTables& tb, TdOutcome* out) {
  const EpisodicTask t = td_world_task(c, pool, w);
  const size_t hsa = static_cast<size_t>(c.horizon) * w.pairs, hs = static_cast<size_t>(c.horizon) * w.states;
  const int method = c.method[job];
  const bool ucbvi = method == kTdUcbvi;
  for (size_t i = 0; i < hsa; ++i) tb.q[i] = 0.0;
  for (int i = 0; i < w.pairs; ++i) tb.visits[i] = 0;
  if (ucbvi) {
    for (size_t i = 0; i < hs + w.states; ++i) tb.v[i] = 0.0;
    for (size_t i = 0; i < hs; ++i) tb.greedy[i] = 0;
    for (int i = 0; i < w.pairs; ++i) tb.n_pair[i] = 0;
    for (int i = 0; i < w.transitions; ++i) tb.n_entry[i] = 0;
  } else {
    for (size_t i = 0; i < hsa; ++i) tb.counts[i] = 0;
  }
  const ModelCounts model{tb.n_pair, tb.n_entry};
  Rng rng(seed, run, kLearnerStream + static_cast<uint32_t>(method));
  const double* q_star = pool.reals + w.q_star;
  const char* reachable = pool.flags + w.reachable;
  double regret = 0.0;
  int next = 0;
  for (uint32_t k = 0; k < c.episodes; ++k) {
    const double ret = ucbvi ? ucbvi_episode(t, model, c.bonus_scale, w.log_term, tb.q, tb.v, tb.greedy, tb.visits, rng, seed, run, k)
                             : td_episode(t, static_cast<TdMethod>(method), c.td, td_epsilon(c.td, k, c.episodes), k, tb.q, tb.counts, tb.visits, rng,
                                          seed, run);
    regret += w.v_star - ret;
    for (; next < c.n_checkpoints && c.checkpoint[next] == k + 1; ++next) {
      out->regret_at[next] = regret;
      out->error_at[next] = stage_max_error(t, reachable, tb.q, q_star);
    }
  }
  out->regret = regret;
  out->error = stage_max_error(t, reachable, tb.q, q_star);
}

// Trace job `job` of run `run`: K episodes under μ as TraceEvaluator runs them (the evaluators'
// common stream kTraceStream: every method and λ sees the same trajectories), recording
// |V̂(ρ; π) − V(ρ; π)| at the checkpoints (the learning-curve job) and at the end in error_at and
// error; the regret fields are 0 (and error_at too for a λ-grid job).
KLAB_INLINE void td_trace_run(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w, int job, uint64_t seed, uint32_t run, const TdTables& tb,
                              TdOutcome* out) {
  const EpisodicTask t = td_world_task(c, pool, w);
  const size_t hsa = static_cast<size_t>(c.horizon) * w.pairs;
  for (size_t i = 0; i < hsa; ++i) tb.q[i] = 0.0;
  for (int i = 0; i < w.pairs; ++i) tb.visits[i] = 0;
  for (int h = 0; h < c.horizon; ++h) tb.pairs[h] = 0, tb.beta[h] = 0.0, tb.decay[h] = 0.0;
  for (int k = 0; k < c.n_checkpoints; ++k) out->regret_at[k] = 0.0, out->error_at[k] = 0.0;
  const TraceMethod method = static_cast<TraceMethod>(c.method[job] - kTdTrace);
  const double* pi = pool.reals + w.target;
  const double* mu = pool.reals + w.behaviour;
  const TraceBuffer buf{tb.pairs, tb.beta, tb.decay};
  Rng rng(seed, run, kTraceStream);
  int next = c.lambda_slot[job] < 0 ? 0 : c.n_checkpoints;  // a λ-grid job records its final error only
  for (uint32_t k = 0; k < c.episodes; ++k) {
    trace_episode(t, method, c.lambda[job], c.ope_alpha, pi, mu, k, tb.q, tb.visits, buf, rng, seed, run);
    for (; next < c.n_checkpoints && c.checkpoint[next] == k + 1; ++next) out->error_at[next] = fabs(stage_start_estimate(t, tb.q, pi) - w.target_value);
  }
  out->regret = 0.0;
  out->error = fabs(stage_start_estimate(t, tb.q, pi) - w.target_value);
}

// Job `job` of run `run`: what the kernel and the host twin call.
KLAB_INLINE void td_job_run(const TdBatchConfig& c, const TdPoolView& pool, const TdWorld& w, int job, uint64_t seed, uint32_t run, const TdTables& tb,
                            TdOutcome* out) {
  if (c.method[job] >= kTdTrace)
    td_trace_run(c, pool, w, job, seed, run, tb, out);
  else
    td_control_run(c, pool, w, job, seed, run, tb, out);
}

// Outcomes are run-major: outcome[r·J + j] for run first_run + r and job j of J.

// The host twin: the same runs on this CPU, one after another.
void run_td_batch_host(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<TdOutcome>* out);

// One chunk of GPU outcomes (layout above), readable during the consumer's call only.
struct TdChunk {
  uint32_t first_run = 0, runs = 0;
  const TdOutcome* outcome = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct TdCudaStats : CudaJobStats {
  size_t table_bytes = 0;  // device memory of the tables (TdTableSizes) of one chunk
  double steps = 0.0;      // environment steps of all threads: runs·J·K·H
};

// Runs first_run .. first_run + runs − 1 of every job on the GPU in chunks (at most 1 GiB of
// tables and 256 MiB of outcomes each) and hands each chunk to `consume` in run order. The pool
// holds the worlds of exactly these runs. An error (no device, a CUDA failure, a build without
// CUDA) comes back as a Status naming it.
Status run_td_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                   const std::function<void(const TdChunk&)>& consume, TdCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_td_batch_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                         std::vector<TdOutcome>* out, TdCudaStats* stats = nullptr);

}  // namespace klab::mdp
