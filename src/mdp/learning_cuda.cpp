#include "mdp/learning_cuda.hpp"

#include <algorithm>
#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/trace_evaluator.hpp"
#include "mdp/world_pool_build.hpp"

namespace klab::mdp {

static_assert(kTdUcbvi == static_cast<int>(ControlMethod::Ucbvi) && static_cast<int>(TdMethod::ExpectedSarsa) == static_cast<int>(ControlMethod::ExpectedSarsa),
              "TdBatchConfig::method holds ControlMethod values (TdMethod for the TD learners)");

bool has_trace_job(const TdBatchConfig& c) {
  for (int j = 0; j < c.n_jobs; ++j)
    if (c.method[j] >= kTdTrace) return true;
  return false;
}

Expected<TdBatchConfig> td_batch_config(const LearningExperiment& e) {
  const LearningParams& p = e.p();
  const RunLayout layout = e.layout();
  TdBatchConfig c;
  // The cursor's jobs (LearningCursor): a control learner once; an evaluator at the curve's λ,
  // then at each λ of the grid.
  const auto add = [&c](int method, int slot, double lambda, int lambda_slot) {
    if (c.n_jobs < kMaxTdJobs) c.method[c.n_jobs] = method, c.slot[c.n_jobs] = slot, c.lambda[c.n_jobs] = lambda, c.lambda_slot[c.n_jobs] = lambda_slot;
    ++c.n_jobs;
  };
  for (size_t s = 0; s < p.methods.size(); ++s) {
    const LearningMethod m = learning_method(p.methods[s]);
    const int slot = static_cast<int>(s);
    if (const ControlMethod* control = std::get_if<ControlMethod>(&m)) {
      add(static_cast<int>(*control), slot, 0.0, -1);
      continue;
    }
    const int trace = kTdTrace + static_cast<int>(std::get<TraceMethod>(m));
    add(trace, slot, p.lambda, -1);
    for (size_t k = 0; k < trace_lambdas().size(); ++k) add(trace, slot, trace_lambdas()[k], static_cast<int>(k));
  }
  if (c.n_jobs < 1 || c.n_jobs > kMaxTdJobs)
    return Status::error("methods: the CUDA engine runs 1 to " + std::to_string(kMaxTdJobs) + " jobs (a learner, or an evaluator at one λ); these are " +
                         std::to_string(c.n_jobs));
  const std::vector<double>& ks = layout.axes[0].x;
  if (ks.size() > static_cast<size_t>(kMaxTdCheckpoints))
    return Status::error("the CUDA engine records at most " + std::to_string(kMaxTdCheckpoints) + " checkpoints");
  c.n_checkpoints = static_cast<int>(ks.size());
  for (size_t k = 0; k < ks.size(); ++k) c.checkpoint[k] = static_cast<uint32_t>(ks[k]);
  c.td = e.td_settings();
  c.episodes = static_cast<uint32_t>(p.episodes);
  c.horizon = p.horizon;
  c.gamma = p.gamma;
  c.bonus_scale = p.bonus_scale;
  c.ope_alpha = p.ope_alpha;
  return c;
}

namespace {

// What a world's entry holds beyond the MDP: UCBVI's L (K, δ) and, with trace jobs, π and μ.
struct PoolNeeds {
  ControlSettings control;
  bool traces = false;
  double target_eps = 0.0, behaviour_eps = 0.0;
};

TdWorld pool_world(const EpisodicProblem& problem, const PoolNeeds& needs, TdWorldPool& pool) {
  const ControlSettings& s = needs.control;
  const Mdp& m = problem.scaled;
  TdWorld w = pack_csr<TdWorld>(m, pool.ints, pool.reals);
  w.q_star = append_flat(pool.reals, problem.optimum.q);
  w.reachable = append_flat(pool.flags, problem.reachable);
  w.v_star = problem.v_star;
  w.log_term = ucbvi_log_term(problem.task, static_cast<double>(s.episodes), s.delta);  // as ControlLearner computes it
  if (needs.traces) {
    const OffPolicyTask ope = off_policy_task(problem, needs.target_eps, needs.behaviour_eps);  // as LearningCursor computes it
    w.target = append_flat(pool.reals, ope.target);
    w.behaviour = append_flat(pool.reals, ope.behaviour);
    w.target_value = ope.target_value;
  }
  return w;
}

// The pool of runs first_run .. first_run + runs − 1 on this thread, a new entry whenever the world
// changes (offsets into its own arrays).
Status build_pool(const LearningExperiment& e, int horizon, double gamma, uint64_t seed, uint32_t first_run, uint32_t runs, TdWorldPool* pool) {
  pool->world_of_run.reserve(runs);
  std::shared_ptr<const World> last;  // held, so that a new world cannot reuse its address
  PoolNeeds needs;
  needs.control = e.control_settings();
  const Expected<TdBatchConfig> c = td_batch_config(e);
  needs.traces = c.ok() && has_trace_job(c.value());
  needs.target_eps = e.p().target_eps;
  needs.behaviour_eps = e.p().behaviour_eps;
  for (uint32_t r = 0; r < runs; ++r) {
    Expected<std::shared_ptr<const World>> w = e.world_for(seed, first_run + r);
    if (!w.ok()) return w.status();
    if (w.value() != last) {
      last = w.value();
      const EpisodicProblem problem(last->mdp, horizon, gamma);
      pool->worlds.push_back(pool_world(problem, needs, *pool));
    }
    pool->world_of_run.push_back(static_cast<uint32_t>(pool->worlds.size() - 1));
  }
  return {};
}

}  // namespace

// The offsets of a world of a part placed at `at` in the whole pool (pool_runs).
void shift_world(TdWorld& w, const PoolAt& at) {
  shift_csr(w, at);
  const long long reals = static_cast<long long>(at.reals);
  w.q_star += reals, w.target += reals, w.behaviour += reals;
  w.reachable += static_cast<long long>(at.flags);
}

Expected<TdWorldPool> td_world_pool(const LearningExperiment& e, int horizon, double gamma, uint64_t seed, uint32_t first_run, uint32_t runs,
                                    int threads) {
  return pool_runs<TdWorld>(world_varies(e.world()), first_run, runs, threads, [&](uint32_t first, uint32_t count, TdWorldPool* part) {
    return build_pool(e, horizon, gamma, seed, first, count, part);
  });
}

void fill_td_record(const TdBatchConfig& cfg, const TdOutcome* outcome, RunRecord& out) {
  for (int j = 0; j < cfg.n_jobs; ++j) {
    const TdOutcome& o = outcome[j];
    const size_t slot = static_cast<size_t>(cfg.slot[j]);
    if (cfg.method[j] < kTdTrace) {
      for (int k = 0; k < cfg.n_checkpoints; ++k) {
        out.curve(slot, kLearningCurveRegret, static_cast<size_t>(k), o.regret_at[k]);
        out.curve(slot, kLearningCurveQError, static_cast<size_t>(k), o.error_at[k]);
      }
      out.final(slot, kLearningFinalRegret, o.regret);
      out.final(slot, kLearningFinalQError, o.error);
    } else if (cfg.lambda_slot[j] < 0) {
      for (int k = 0; k < cfg.n_checkpoints; ++k) out.curve(slot, kLearningCurveOpeError, static_cast<size_t>(k), o.error_at[k]);
      out.final(slot, kLearningFinalOpeError, o.error);
    } else {
      out.curve(slot, kLearningCurveOpeVsLambda, static_cast<size_t>(cfg.lambda_slot[j]), o.error);
    }
  }
}

Status LearningExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                            std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<TdBatchConfig> c = td_batch_config(*this);
  if (!c.ok()) return c.status();
  return run_cuda_in_order(
      layout, runs, first_block, end_block, blocks, static_cast<size_t>(c.value().n_jobs),
      [&](uint32_t first_run, uint32_t count, const auto& consume) {
        const Expected<TdWorldPool> pool = td_world_pool(*this, p().horizon, p().gamma, seed, first_run, count);
        return pool.ok() ? run_td_cuda(c.value(), pool.value(), seed, first_run, count, consume) : pool.status();
      },
      [&](const TdOutcome* outcome, RunRecord& out) { fill_td_record(c.value(), outcome, out); });
}

}  // namespace klab::mdp
