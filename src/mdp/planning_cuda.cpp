#include "mdp/planning_cuda.hpp"

#include <cstring>
#include <string>

#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/planning_record.hpp"
#include "mdp/world_pool_build.hpp"

namespace klab::mdp {

Expected<ViBatchConfig> vi_batch_config(const PlanningExperiment& e, int max_policies) {
  if (max_policies < 2 || max_policies > kMaxViPolicies)  // vi_run writes changed_at[policies], policies < max_policies
    return Status::error("max_policies: the policy log of mdp.planning's CUDA engine holds 2 … " + std::to_string(kMaxViPolicies) + " policies, not " +
                         std::to_string(max_policies));
  std::string refused;
  for (const std::string& id : e.p().methods)
    if (id != "vi") refused += (refused.empty() ? "'" : ", '") + id + "'";
  if (!refused.empty())
    return Status::error("methods: the CUDA engine of mdp.planning runs value iteration ('vi') only; " + refused + " run on --backend cpu");
  const RunLayout layout = e.layout();
  const std::vector<double>& ks = layout.axes[0].x;
  if (ks.size() > static_cast<size_t>(kMaxViCheckpoints))
    return Status::error("the CUDA engine of mdp.planning records at most " + std::to_string(kMaxViCheckpoints) + " checkpoints");
  ViBatchConfig c;
  c.iterations = e.p().iterations;
  c.max_policies = max_policies;
  c.n_checkpoints = static_cast<int>(ks.size());
  for (size_t k = 0; k < ks.size(); ++k) c.checkpoint[k] = static_cast<int>(ks[k]);
  return c;
}

// The offsets of a world of a part placed at `at` in the whole pool (pool_runs).
void shift_world(ViWorld& w, const PoolAt& at) {
  shift_csr(w, at);
}

namespace {

// Runs first .. first + count − 1 into `pool`, a new entry whenever the world changes.
Status build_pool(const PlanningExperiment& e, uint64_t seed, uint32_t first, uint32_t count, ViWorldPool* pool) {
  pool->world_of_run.reserve(count);
  std::shared_ptr<const World> last;  // held, so that a new world cannot reuse its address
  for (uint32_t r = 0; r < count; ++r) {
    Expected<std::shared_ptr<const World>> world = e.world_for(seed, first + r);
    if (!world.ok()) return world.status();
    if (world.value() != last) {
      last = world.value();
      const Mdp& m = last->mdp;
      const Optimum o = solve_optimal(m);  // as the CPU cursor does
      ViWorld w = pack_csr<ViWorld>(m, pool->ints, pool->reals);
      w.discount = m.discount;
      w.start_star = start_value(m, o.v);
      w.v_star_max = o.v.lpNorm<Eigen::Infinity>();
      pool->worlds.push_back(w);
    }
    pool->world_of_run.push_back(static_cast<uint32_t>(pool->worlds.size() - 1));
  }
  return {};
}

}  // namespace

Expected<ViWorldPool> vi_world_pool(const PlanningExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs, int threads) {
  return pool_runs<ViWorld>(world_varies(e.world()), first_run, runs, threads,
                            [&](uint32_t first, uint32_t count, ViWorldPool* part) { return build_pool(e, seed, first, count, part); });
}

void fill_vi_record(const PlanningExperiment& e, const RunLayout& layout, const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t r,
                    const ViOutcome& outcome, const int* log, uint64_t seed, uint32_t run, RunRecord& out) {
  if (outcome.overflow) {
    e.run(seed, run, layout, out);
    return;
  }
  const ViWorld& w = pool.worlds[pool.world_of_run[r]];
  const Mdp m = unpack_csr(pool, w, w.discount);
  // V*(ρ) − V^{π}(ρ) of each logged policy: π_k is policy j from iteration changed_at[j] on.
  std::vector<double> gaps(static_cast<size_t>(outcome.policies));
  for (int j = 0; j < outcome.policies; ++j) {
    const int* a = log + static_cast<size_t>(j) * w.states;
    const std::vector<int> actions(a, a + w.states);
    gaps[static_cast<size_t>(j)] = w.start_star - start_value(m, evaluate(m, deterministic_policy(m, actions), m.reward));
  }
  PlanRecorder recorder(out, layout.axes[0].x, 0, w.v_star_max, e.p().tolerance, cfg.iterations);
  int j = 0, checkpoint = 0;
  for (int k = 1; k <= cfg.iterations; ++k) {
    while (j + 1 < outcome.policies && outcome.changed_at[j + 1] <= k) ++j;
    recorder.observe(k, gaps[static_cast<size_t>(j)], [&] { return outcome.residual_at[checkpoint++]; });
  }
  recorder.finish(gaps[static_cast<size_t>(j)], outcome.residual);
}

namespace {

// Whether two runs' GPU results are bit for bit the same, read where vi_run writes them: the
// residuals at the checkpoints and at K, the policies logged, their iterations and their actions.
bool same_vi_result(const ViBatchConfig& cfg, int states, const ViOutcome& a, const int* log_a, const ViOutcome& b, const int* log_b) {
  if (a.overflow || b.overflow || a.policies != b.policies) return false;
  const size_t policies = static_cast<size_t>(a.policies);
  return std::memcmp(a.residual_at, b.residual_at, static_cast<size_t>(cfg.n_checkpoints) * sizeof(double)) == 0 &&
         std::memcmp(&a.residual, &b.residual, sizeof(double)) == 0 && std::memcmp(a.changed_at, b.changed_at, policies * sizeof(int)) == 0 &&
         std::memcmp(log_a, log_b, policies * static_cast<size_t>(states) * sizeof(int)) == 0;
}

}  // namespace

void fill_vi_records(const PlanningExperiment& e, const RunLayout& layout, const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t first_r,
                     const ViChunk& chunk, uint64_t seed, std::vector<RunRecord>& records) {
  records.assign(chunk.runs, RunRecord(layout));
  // source[i]: the run whose record run i copies (itself where it is filled). Runs of one entry are
  // consecutive in the pool (build_pool), so each is compared with the last run filled.
  std::vector<uint32_t> source(chunk.runs), filled;
  for (uint32_t i = 0; i < chunk.runs; ++i) {
    source[i] = i;
    if (!filled.empty()) {
      const uint32_t f = filled.back();
      const uint32_t entry = pool.world_of_run[first_r + i];
      if (entry == pool.world_of_run[first_r + f] &&
          same_vi_result(cfg, pool.worlds[entry].states, chunk.outcome[i], chunk.log + i * chunk.log_stride, chunk.outcome[f], chunk.log + f * chunk.log_stride)) {
        source[i] = f;
        continue;
      }
    }
    filled.push_back(i);
  }
  // The policy evaluations on all cores, then the copies.
  parallel_for(static_cast<uint32_t>(filled.size()), [&](uint32_t k) {
    const uint32_t i = filled[k];
    fill_vi_record(e, layout, cfg, pool, first_r + i, chunk.outcome[i], chunk.log + i * chunk.log_stride, seed, chunk.first_run + i, records[i]);
  });
  for (uint32_t i = 0; i < chunk.runs; ++i)
    if (source[i] != i) records[i] = records[source[i]];
}

Status PlanningExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<ViBatchConfig> c = vi_batch_config(*this);
  if (!c.ok()) return c.status();
  OrderedBatch batch(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  const Expected<ViWorldPool> pool = vi_world_pool(*this, seed, batch.first_run(), batch.run_count());
  if (!pool.ok()) return pool.status();
  std::vector<RunRecord> records;
  return run_vi_cuda(c.value(), pool.value(), batch.first_run(), batch.run_count(), [&](const ViChunk& chunk) {
    fill_vi_records(*this, layout, c.value(), pool.value(), chunk.first_run - batch.first_run(), chunk, seed, records);
    for (const RunRecord& record : records) {  // in run order
      batch.next() = record;
      batch.add();
    }
  });
}

}  // namespace klab::mdp
