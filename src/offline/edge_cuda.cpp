#include "offline/edge_cuda.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"

namespace klab::offline {

Expected<EdgeBatchConfig> edge_batch_config(const EdgeExperiment& e) {
  const EdgeParams& p = e.p();
  EdgeBatchConfig c;
  if (p.methods.empty() || p.methods.size() > static_cast<size_t>(kMaxEdgeSeries))
    return Status::error("methods: the CUDA engine of offline.edge_of_reach runs 1 to " + std::to_string(kMaxEdgeSeries) + " learners");
  c.n_series = static_cast<int>(p.methods.size());
  for (int s = 0; s < c.n_series; ++s) {
    c.settings[s] = edge_rollout_settings(p, p.methods[static_cast<size_t>(s)]);
    c.stream[s] = edge_learner_stream(p.methods[static_cast<size_t>(s)]);
  }
  c.init_stream = kEdgeInitStream;
  c.iterations = p.iterations;
  const std::vector<int> at = edge_checkpoint_iterations(p, e.layout());
  if (at.size() + 1 > static_cast<size_t>(kMaxEdgeSnapshots))
    return Status::error("the CUDA engine of offline.edge_of_reach records at most " + std::to_string(kMaxEdgeSnapshots - 1) + " checkpoints");
  for (int i : at) c.snapshot[c.n_snapshots++] = i;
  c.snapshot[c.n_snapshots++] = p.iterations;  // the final values
  return c;
}

namespace {

// A world's entry: its MDP's CSR (mdp::pack_csr, ρ included), its absorbing flags and γ.
EdgeWorld pool_world(const mdp::Mdp& m, EdgeWorldPool& pool) {
  EdgeWorld w = mdp::pack_csr<EdgeWorld>(m, pool.ints, pool.reals);
  w.absorbing = append_flat(pool.flags, absorbing_states(m));
  w.discount = m.discount;
  return w;
}

}  // namespace

Expected<EdgeBatch> edge_batch(const EdgeExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs) {
  // The problems (datasets, their measures, the optimum) and the edges of reach on every core, as
  // the CPU engine builds them on its workers; then the pool, in run order.
  std::vector<Expected<OfflineProblem>> built(runs, Status::error("not built"));
  EdgeBatch b;
  b.edges.resize(runs);
  parallel_for(runs, [&](uint32_t r) {
    built[r] = e.problem(seed, first_run + r);
    if (!built[r].ok()) return;
    const mdp::Mdp& m = built[r].value().world->mdp;
    b.edges[r] = edge_of_reach(reach_steps(m, built[r].value().data_states), e.p().rollout_length, absorbing_states(m));
  });
  b.problems.reserve(runs);
  const mdp::World* last = nullptr;  // the problems hold their worlds, so an address is not reused
  for (uint32_t r = 0; r < runs; ++r) {
    if (!built[r].ok()) return built[r].status();
    b.problems.push_back(std::move(built[r].value()));
    const OfflineProblem& pb = b.problems.back();
    const mdp::Mdp& m = pb.world->mdp;
    if (pb.world.get() != last) {
      last = pb.world.get();
      b.pool.worlds.push_back(pool_world(m, b.pool));
    }
    EdgeRunData d;
    d.world = static_cast<uint32_t>(b.pool.worlds.size() - 1);
    d.size = static_cast<uint32_t>(pb.dataset.transitions.size());
    d.first = append_flat(b.pool.transitions, pb.dataset.transitions);
    b.pool.runs.push_back(d);
  }
  return b;
}

void fill_edge_record(const EdgeBatchConfig& cfg, const EdgeBatch& batch, uint32_t r, const double* snapshots, RunRecord& out) {
  const OfflineProblem& pb = batch.problems[r];
  const std::vector<int>& edge = batch.edges[r];
  const size_t pairs = static_cast<size_t>(batch.pool.max_pairs());
  for (int s = 0; s < cfg.n_series; ++s) {
    const double* series = snapshots + static_cast<size_t>(s) * cfg.n_snapshots * pairs;
    const size_t slot = static_cast<size_t>(s);
    for (int k = 0; k + 1 < cfg.n_snapshots; ++k) record_edge_checkpoint(out, slot, static_cast<size_t>(k), edge_check(pb, edge, series + k * pairs));
    record_edge_finals(out, slot, edge_check(pb, edge, series + static_cast<size_t>(cfg.n_snapshots - 1) * pairs), pb, edge.size());
  }
}

Status EdgeExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                       std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<EdgeBatchConfig> c = edge_batch_config(*this);
  if (!c.ok()) return c.status();
  OrderedBatch ordered(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  const Expected<EdgeBatch> batch = edge_batch(*this, seed, ordered.first_run(), ordered.run_count());
  if (!batch.ok()) return batch.status();
  const size_t per_run = static_cast<size_t>(c.value().n_series) * c.value().n_snapshots * batch.value().pool.max_pairs();
  // The exact evaluations (a linear solve per checkpoint and learner) cost more than the learners
  // themselves: a chunk's records are filled on every core, then added in run order.
  return run_edge_cuda(c.value(), batch.value().pool, seed, ordered.first_run(), ordered.run_count(), [&](const EdgeChunk& chunk) {
    std::vector<RunRecord> records(chunk.runs, RunRecord(layout));
    parallel_for(chunk.runs, [&](uint32_t i) {
      fill_edge_record(c.value(), batch.value(), chunk.first_run - ordered.first_run() + i, chunk.snapshot + i * per_run, records[i]);
    });
    for (const RunRecord& r : records) {
      ordered.next() = r;
      ordered.add();
    }
  });
}

}  // namespace klab::offline
