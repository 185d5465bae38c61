// Batched value iteration over many MDPs (mdp.planning's "vi" series under --backend cuda): the
// CUDA engine (src/mdp/vi_engine.cu, one thread block per run, its threads striding over the
// states) and its host twin (vi_engine_host.cpp, the same vi_run on this CPU with a team of one)
// run the per-state backups the CPU's Planner runs, on the same numbers:
//   V_k(s)    = bellman_state(V_{k−1}, s)      the fused sweep of value_iteration.hpp, from V_0 = 0
//   π_k(s), (T V_k)(s) = reference_state(V_k, s)  greedy_actions(q_from_v(V_k)) and the backup of
//                                                 bellman_residual, state by state, bit for bit
// for k = 1 … K (the "iterations" parameter), recording what the CPU records: the Bellman residual
// ‖T V_k − V_k‖∞ at the checkpoints and at K, and the greedy policies π_k — each time it changes,
// the new policy and its k (a log of at most max_policies policies). The suboptimality
// V*(ρ) − V^{π_k}(ρ) needs V^{π_k} = (I − γP^π)⁻¹ r^π, an LU solve (evaluation.hpp): the host does
// it for each logged policy (planning_cuda.cpp) and fills the record with the code the CPU cursor
// fills it with (planning_record.hpp). A run whose greedy policy changes more often than the log
// holds says so (overflow) and is run again by the CPU engine.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"
#include "mdp/backup.hpp"
#include "mdp/world_csr.hpp"
#include "mdp/world_pool.hpp"

namespace klab::mdp {

constexpr int kMaxViCheckpoints = 40;  // mdp.planning's iteration axis
constexpr int kMaxViPolicies = 64;     // greedy policies a run's log holds (π_0 and 63 changes)

struct ViBatchConfig {
  int iterations = 0;    // K
  int max_policies = kMaxViPolicies;  // 2 … kMaxViPolicies (tests make it small to reach the overflow)
  int n_checkpoints = 0;
  int checkpoint[kMaxViCheckpoints] = {};  // record the residual after these iterations (increasing)
};

// One MDP of the batch: its CSR arrays in the pool (WorldCsr), its discount, and the two numbers
// of its optimum the host's records need (solve_optimal, on the host).
struct ViWorld : WorldCsr {
  double discount = 0.0;    // γ
  double start_star = 0.0;  // V*(ρ)
  double v_star_max = 0.0;  // max_s |V*(s)|
};
using ViWorldPool = WorldPool<ViWorld>;

KLAB_INLINE MdpView vi_world_view(const ViWorld& w, const int* ints, const double* reals) { return csr_view(w, ints, reals, w.discount, 0); }

// What one run records (the policies themselves go to its slice of the policy log).
struct ViOutcome {
  double residual_at[kMaxViCheckpoints];  // ‖T V_k − V_k‖∞ at checkpoint k
  double residual;                        // the same at k = K
  int policies;                           // greedy policies logged: π_0 and each change
  int overflow;                           // 1: more changes than the log holds (the record is the CPU's business)
  int changed_at[kMaxViPolicies];         // policy j is greedy from iteration changed_at[j] on (changed_at[0] = 0)
};

// One run of K iterations on MDP m by a team of threads (the CUDA block; on the host a team of one):
// rank() and size() share the states out, sync() is a barrier, any() and max() reduce over the team
// (and synchronise it), leader() writes the outcome. v and v_next (S each) are the run's iterates;
// log ((max_policies + 1)·S) its policies, slot j = π of changed_at[j], slot `policies` a scratch
// for the next candidate. Maxima and "any" are exact, so every team size computes the same bits.
template <class Team>
KLAB_INLINE void vi_run(Team& team, const ViBatchConfig& c, const MdpView& m, double* v, double* v_next, int* log, ViOutcome* out) {
  const int n_s = m.states, first = team.rank(), stride = team.size();
  for (int s = first; s < n_s; s += stride) v[s] = 0.0;
  team.sync();
  for (int s = first; s < n_s; s += stride) reference_state(m, v, s, &log[s]);  // π_0: greedy in V_0 = 0 (Planner's constructor)
  int policies = 1, next = 0, overflow = 0;
  if (team.leader()) out->changed_at[0] = 0;
  for (int k = 1; k <= c.iterations; ++k) {
    for (int s = first; s < n_s; s += stride) v_next[s] = bellman_state(m, v, s, nullptr);
    team.sync();
    double* t = v;
    v = v_next, v_next = t;
    // π_k and ‖T V_k − V_k‖∞ (the Bellman residual the CPU computes at checkpoints) in one pass.
    const int* current = log + static_cast<size_t>(policies - 1) * n_s;
    int* candidate = log + static_cast<size_t>(policies) * n_s;
    bool changed = false;
    double residual = 0.0;
    for (int s = first; s < n_s; s += stride) {
      const double backup = reference_state(m, v, s, &candidate[s]);
      changed = changed || candidate[s] != current[s];
      const double d = backup - v[s];
      const double a = d < 0.0 ? -d : d;
      if (a > residual) residual = a;
    }
    const bool recorded = (next < c.n_checkpoints && c.checkpoint[next] == k) || k == c.iterations;
    if (team.any(changed)) {
      if (policies == c.max_policies) {
        overflow = 1;
        break;
      }
      if (team.leader()) out->changed_at[policies] = k;
      ++policies;
    }
    if (recorded) residual = team.max(residual);
    for (; next < c.n_checkpoints && c.checkpoint[next] == k; ++next)
      if (team.leader()) out->residual_at[next] = residual;
    if (k == c.iterations && team.leader()) out->residual = residual;
  }
  if (team.leader()) out->policies = policies, out->overflow = overflow;
}

// The team of the host twin: one thread.
struct HostTeam {
  int rank() const { return 0; }
  int size() const { return 1; }
  bool leader() const { return true; }
  void sync() const {}
  bool any(bool x) const { return x; }
  double max(double x) const { return x; }
};

// The host twin: runs first_run .. first_run + runs − 1 (the pool's) one after another on this
// CPU; outcome[r] and policy log slice r·(max_policies + 1)·max_states of *log for run first_run + r.
void run_vi_batch_host(const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t runs, std::vector<ViOutcome>* out, std::vector<int>* log);

// One chunk of GPU results, readable during the consumer's call only: per run its outcome and its
// logged policies (log_stride ints a run: slot j at j·states of the run's world).
struct ViChunk {
  uint32_t first_run = 0, runs = 0;
  const ViOutcome* outcome = nullptr;
  const int* log = nullptr;
  size_t log_stride = 0;
};

struct ViCudaStats : CudaJobStats {
  double backups = 0.0;      // state backups of the iterates: Σ_runs S·K (each also pays the greedy pass)
  double transitions = 0.0;  // (s, a, s′) terms of those backups: Σ_runs nnz·K
};

// Runs first_run .. first_run + runs − 1 (the pool holds exactly their worlds) on the GPU in chunks
// and hands each chunk to `consume` in run order. Errors (no device, a CUDA failure, a build without
// CUDA) come back as a Status naming them.
Status run_vi_cuda(const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t first_run, uint32_t runs, const std::function<void(const ViChunk&)>& consume,
                   ViCudaStats* stats = nullptr);

}  // namespace klab::mdp
