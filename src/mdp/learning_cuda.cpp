#include "mdp/learning_cuda.hpp"

#include <algorithm>
#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/world_pool_build.hpp"

namespace klab::mdp {

Expected<TdBatchConfig> td_batch_config(const LearningExperiment& e) {
  const LearningParams& p = e.p();
  const RunLayout layout = e.layout();
  TdBatchConfig c;
  std::string refused;
  for (const std::string& id : p.methods) {
    const LearningMethod m = learning_method(id);
    const ControlMethod* control = std::get_if<ControlMethod>(&m);
    if (!control || *control == ControlMethod::Ucbvi) {
      refused += (refused.empty() ? "'" : ", '") + id + "'";
      continue;
    }
    if (c.n_series < kMaxTdSeries) c.method[c.n_series] = static_cast<int>(static_cast<TdMethod>(*control));
    ++c.n_series;
  }
  if (!refused.empty())
    return Status::error("methods: the CUDA engine of mdp.learning runs q_learning, sarsa and expected_sarsa only; " + refused +
                         " run on --backend cpu");
  if (c.n_series < 1 || c.n_series > kMaxTdSeries)
    return Status::error("methods: the CUDA engine runs 1 to " + std::to_string(kMaxTdSeries) + " control learners");
  const std::vector<double>& ks = layout.axes[0].x;
  if (ks.size() > static_cast<size_t>(kMaxTdCheckpoints))
    return Status::error("the CUDA engine records at most " + std::to_string(kMaxTdCheckpoints) + " checkpoints");
  c.n_checkpoints = static_cast<int>(ks.size());
  for (size_t k = 0; k < ks.size(); ++k) c.checkpoint[k] = static_cast<uint32_t>(ks[k]);
  c.td = e.td_settings();
  c.episodes = static_cast<uint32_t>(p.episodes);
  c.horizon = p.horizon;
  c.gamma = p.gamma;
  return c;
}

namespace {

TdWorld pool_world(const EpisodicProblem& problem, TdWorldPool& pool) {
  const Mdp& m = problem.scaled;
  TdWorld w;
  w.states = m.states;
  w.pairs = m.pairs();
  w.first_pair = append_flat(pool.ints, m.first_pair);
  w.first_next = append_flat(pool.ints, m.first_next);
  w.next_state = append_flat(pool.ints, m.next_state);
  w.next_prob = append_flat(pool.reals, m.next_prob);
  w.reward = append_flat(pool.reals, m.reward);
  w.start = append_flat(pool.reals, m.start);
  w.q_star = append_flat(pool.reals, problem.optimum.q);
  w.reachable = append_flat(pool.flags, problem.reachable);
  w.v_star = problem.v_star;
  return w;
}

// The pool of runs first_run .. first_run + runs − 1 on this thread, a new entry whenever the world
// changes (offsets into its own arrays).
Status build_pool(const LearningExperiment& e, int horizon, double gamma, uint64_t seed, uint32_t first_run, uint32_t runs, TdWorldPool* pool) {
  pool->world_of_run.reserve(runs);
  std::shared_ptr<const World> last;  // held, so that a new world cannot reuse its address
  for (uint32_t r = 0; r < runs; ++r) {
    Expected<std::shared_ptr<const World>> w = e.world_for(seed, first_run + r);
    if (!w.ok()) return w.status();
    if (w.value() != last) {
      last = w.value();
      const EpisodicProblem problem(last->mdp, horizon, gamma);
      pool->worlds.push_back(pool_world(problem, *pool));
    }
    pool->world_of_run.push_back(static_cast<uint32_t>(pool->worlds.size() - 1));
  }
  return {};
}

}  // namespace

// The offsets of a world of a part placed at `at` in the whole pool (pool_runs).
void shift_world(TdWorld& w, const PoolAt& at) {
  const long long ints = static_cast<long long>(at.ints), reals = static_cast<long long>(at.reals), flags = static_cast<long long>(at.flags);
  w.first_pair += ints, w.first_next += ints, w.next_state += ints;
  w.next_prob += reals, w.reward += reals, w.start += reals, w.q_star += reals;
  w.reachable += flags;
}

Expected<TdWorldPool> td_world_pool(const LearningExperiment& e, int horizon, double gamma, uint64_t seed, uint32_t first_run, uint32_t runs,
                                    int threads) {
  return pool_runs<TdWorld>(world_varies(e.world()), first_run, runs, threads, [&](uint32_t first, uint32_t count, TdWorldPool* part) {
    return build_pool(e, horizon, gamma, seed, first, count, part);
  });
}

void fill_td_record(const TdBatchConfig& cfg, const TdOutcome* outcome, RunRecord& out) {
  for (int s = 0; s < cfg.n_series; ++s) {
    const TdOutcome& o = outcome[s];
    const size_t slot = static_cast<size_t>(s);
    for (int k = 0; k < cfg.n_checkpoints; ++k) {
      out.curve(slot, kLearningCurveRegret, static_cast<size_t>(k), o.regret_at[k]);
      out.curve(slot, kLearningCurveQError, static_cast<size_t>(k), o.error_at[k]);
    }
    out.final(slot, kLearningFinalRegret, o.regret);
    out.final(slot, kLearningFinalQError, o.error);
  }
}

Status LearningExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                            std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<TdBatchConfig> c = td_batch_config(*this);
  if (!c.ok()) return c.status();
  return run_cuda_in_order(
      layout, runs, first_block, end_block, blocks, static_cast<size_t>(c.value().n_series),
      [&](uint32_t first_run, uint32_t count, const auto& consume) {
        const Expected<TdWorldPool> pool = td_world_pool(*this, p().horizon, p().gamma, seed, first_run, count);
        return pool.ok() ? run_td_cuda(c.value(), pool.value(), seed, first_run, count, consume) : pool.status();
      },
      [&](const TdOutcome* outcome, RunRecord& out) { fill_td_record(c.value(), outcome, out); });
}

}  // namespace klab::mdp
