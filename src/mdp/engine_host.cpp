// The host twin of the CUDA engine of mdp.learning (the same td_job_run on
// this CPU, run after run), the sizes of a thread's tables, and the collecting wrapper of the CUDA engine's chunks.
#include <algorithm>

#include "mdp/engine.hpp"

namespace klab::mdp {

TdTableSizes td_table_sizes(const TdBatchConfig& c, const TdWorldPool& pool) {
  bool td = false, ucbvi = false, trace = false;
  for (int j = 0; j < c.n_jobs; ++j) (c.method[j] >= kTdTrace ? trace : c.method[j] == kTdUcbvi ? ucbvi : td) = true;
  size_t states = 0, pairs = 0, transitions = 0;  // of the largest world
  for (const TdWorld& w : pool.worlds) {
    states = std::max(states, static_cast<size_t>(w.states));
    pairs = std::max(pairs, static_cast<size_t>(w.pairs));
    transitions = std::max(transitions, static_cast<size_t>(w.transitions));
  }
  const size_t h = static_cast<size_t>(c.horizon);
  TdTableSizes z;
  z.q = h * pairs;
  z.visits = pairs;
  if (td) z.counts = h * pairs;
  if (ucbvi) {
    z.v = (h + 1) * states;
    z.n_pair = pairs;
    z.n_entry = transitions;
    z.greedy = h * states;
  }
  if (trace) z.beta = z.decay = z.pairs = h;
  return z;
}

void run_td_batch_host(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<TdOutcome>* out) {
  const size_t per_run = static_cast<size_t>(cfg.n_jobs);
  out->assign(runs * per_run, TdOutcome());
  const TdTableSizes z = td_table_sizes(cfg, pool);
  std::vector<double> slice(z.doubles_per_slice());
  const TdTables tables = td_tables(slice.data(), z);
  const TdPoolView view{pool.worlds.data(), pool.ints.data(), pool.reals.data(), pool.flags.data()};
  for (uint32_t r = 0; r < runs; ++r)
    for (int j = 0; j < cfg.n_jobs; ++j)
      td_job_run(cfg, view, pool.worlds[pool.world_of_run[r]], j, seed, first_run + r, tables, &(*out)[r * per_run + static_cast<size_t>(j)]);
}

Status run_td_batch_cuda(const TdBatchConfig& cfg, const TdWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                         std::vector<TdOutcome>* out, TdCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_jobs);
  out->resize(runs * per_run);
  return run_td_cuda(cfg, pool, seed, first_run, runs, [&](const TdChunk& chunk) {
    std::copy(chunk.outcome, chunk.outcome + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

}  // namespace klab::mdp
