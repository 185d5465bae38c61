#include "offline/dice_cuda.hpp"

#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"

namespace klab::offline {

Expected<DiceBatchConfig> dice_batch_config(const DiceExperiment& e) {
  const DiceParams& p = e.p();
  DiceBatchConfig c;
  if (p.methods.empty() || p.methods.size() > static_cast<size_t>(kMaxDiceSeries))
    return Status::error("methods: the CUDA engine of offline.dice runs 1 to " + std::to_string(kMaxDiceSeries) + " learners");
  c.n_series = static_cast<int>(p.methods.size());
  for (int s = 0; s < c.n_series; ++s) {
    c.settings[s] = dice_settings(p, p.methods[static_cast<size_t>(s)]);
    c.learns[s] = dice_learns(p.methods[static_cast<size_t>(s)]);
  }
  c.stream = kDiceBatchStream;
  c.steps = p.steps;
  const std::vector<int> at = dice_checkpoint_steps(e.layout());
  if (at.size() + 1 > static_cast<size_t>(kMaxDiceSnapshots))
    return Status::error("the CUDA engine of offline.dice records at most " + std::to_string(kMaxDiceSnapshots - 1) + " checkpoints");
  for (int i : at) c.snapshot[c.n_snapshots++] = i;
  c.snapshot[c.n_snapshots++] = p.steps;  // the final values
  return c;
}

Expected<DiceBatch> dice_batch(const DiceExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs) {
  // The problems (datasets, their measures, the optimum) on every core, as the CPU engine builds
  // them on its workers; then the pool, in run order.
  std::vector<Expected<OfflineProblem>> built(runs, Status::error("not built"));
  parallel_for(runs, [&](uint32_t r) { built[r] = e.problem(seed, first_run + r); });
  DiceBatch b;
  b.problems.reserve(runs);
  const mdp::World* last = nullptr;  // the problems hold their worlds, so an address is not reused
  for (uint32_t r = 0; r < runs; ++r) {
    if (!built[r].ok()) return built[r].status();
    b.problems.push_back(std::move(built[r].value()));
    const OfflineProblem& pb = b.problems.back();
    if (pb.world.get() != last) {
      last = pb.world.get();
      b.features.push_back(std::make_shared<const Features>(dice_features(e.p(), *pb.world)));
      const Features& f = *b.features.back();
      DiceFeatureEntry w;
      w.dim = f.dim;
      w.phi = append_flat(b.pool.reals, f.phi);
      w.first_nonzero = append_flat(b.pool.ints, f.first_nonzero);
      w.nonzero = append_flat(b.pool.ints, f.nonzero);
      w.discount = pb.world->mdp.discount;
      b.pool.worlds.push_back(w);
    }
    DiceRunData d;
    d.world = static_cast<uint32_t>(b.pool.worlds.size() - 1);
    d.size = static_cast<uint32_t>(pb.dataset.transitions.size());
    d.first = append_flat(b.pool.transitions, pb.dataset.transitions);
    b.pool.runs.push_back(d);
  }
  return b;
}

void fill_dice_record(const DiceExperiment& e, const DiceBatchConfig& cfg, const DiceBatch& batch, uint64_t seed, uint32_t first_run, uint32_t r,
                      const double* snapshots, RunRecord& out) {
  const OfflineProblem& pb = batch.problems[r];
  const uint32_t world = batch.pool.runs[r].world;
  const DiceRun run(e.p(), pb, batch.features[world], seed, first_run + r);  // its support and learners at θ = 0, the world's features
  const size_t stride = batch.pool.snapshot_stride();
  const size_t dim = static_cast<size_t>(batch.pool.worlds[world].dim);
  std::vector<double> theta(dim);
  const auto check = [&](int s, int k) {
    const double* at = snapshots + (static_cast<size_t>(s) * cfg.n_snapshots + static_cast<size_t>(k)) * stride;
    if (!cfg.learns[s]) return run.check(static_cast<size_t>(s));
    theta.assign(at + kDiceSnapshotHead, at + kDiceSnapshotHead + dim);
    return run.check_at(static_cast<size_t>(s), theta, dice_cosine(at[0], at[1], at[2]));
  };
  for (int s = 0; s < cfg.n_series; ++s) {
    const size_t slot = static_cast<size_t>(s);
    for (int k = 0; k + 1 < cfg.n_snapshots; ++k) record_dice_checkpoint(out, slot, static_cast<size_t>(k), check(s, k));
    record_dice_finals(out, slot, check(s, cfg.n_snapshots - 1), pb, run.unseen().size());
  }
}

Status DiceExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<DiceBatchConfig> c = dice_batch_config(*this);
  if (!c.ok()) return c.status();
  OrderedBatch ordered(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  const Expected<DiceBatch> batch = dice_batch(*this, seed, ordered.first_run(), ordered.run_count());
  if (!batch.ok()) return batch.status();
  const size_t per_run = static_cast<size_t>(c.value().n_series) * c.value().n_snapshots * batch.value().pool.snapshot_stride();
  // The policies and their exact evaluations (a linear solve per checkpoint and learner) cost more
  // than the learners themselves: a chunk's records are filled on every core, then added in run order.
  return run_dice_cuda(c.value(), batch.value().pool, seed, ordered.first_run(), ordered.run_count(), [&](const DiceChunk& chunk) {
    std::vector<RunRecord> records(chunk.runs, RunRecord(layout));
    parallel_for(chunk.runs, [&](uint32_t i) {
      fill_dice_record(*this, c.value(), batch.value(), seed, ordered.first_run(), chunk.first_run - ordered.first_run() + i, chunk.snapshot + i * per_run,
                       records[i]);
    });
    for (const RunRecord& r : records) {
      ordered.next() = r;
      ordered.add();
    }
  });
}

}  // namespace klab::offline
