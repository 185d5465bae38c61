#include "offline/weighting_cuda.hpp"

#include <algorithm>
#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"

namespace klab::offline {

Expected<WeightingBatchConfig> weighting_batch_config(const WeightingExperiment& e) {
  const WeightingParams& p = e.p();
  WeightingBatchConfig c;
  for (size_t i = 0; i < p.methods.size(); ++i) {
    if (!weighting_method_trains(p.methods[i])) continue;  // behaviour cloning: on the host alone
    if (c.n_learners == kMaxWeightingLearners)
      return Status::error("methods: the CUDA engine of offline.weighting runs at most " + std::to_string(kMaxWeightingLearners) + " CQL learners");
    c.series[c.n_learners] = static_cast<int>(i);
    c.sampler[c.n_learners++] = static_cast<int>(weighting_method_sampler(p.methods[i]));
  }
  if (c.n_learners == 0)
    return Status::error("methods: the CUDA engine of offline.weighting trains the CQL learners (cql_uniform, cql_rw, cql_aw); behaviour cloning alone "
                         "has nothing to train: use --backend cpu");
  c.settings.updates = p.updates;
  c.settings.step_size = p.step_size;
  c.settings.weight = p.cql_weight;
  c.stream = kWeightingCqlStream;
  c.n_shares = static_cast<int>(p.shares.size());
  return c;
}

Expected<WeightingBatch> weighting_batch(const WeightingExperiment& e, const WeightingBatchConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs) {
  // The runs (world, optimum, datasets, draw probabilities) on every core, as the CPU engine builds
  // them on its workers; then the pool, in run order.
  std::vector<Expected<std::shared_ptr<const mdp::World>>> worlds(runs, Status::error("not built"));
  WeightingBatch b;
  b.runs.resize(runs);
  parallel_for(runs, [&](uint32_t r) {
    worlds[r] = e.world(seed, first_run + r);
    if (worlds[r].ok()) b.runs[r] = std::make_unique<WeightingRun>(e.p(), worlds[r].value(), seed, first_run + r, WeightingLearners::Engine);
  });
  bool used[kWeightingSamplers] = {};
  for (int l = 0; l < cfg.n_learners; ++l) used[cfg.sampler[l]] = true;
  const mdp::World* last = nullptr;  // the runs hold their worlds, so an address is not reused
  for (uint32_t r = 0; r < runs; ++r) {
    if (!worlds[r].ok()) return worlds[r].status();
    const WeightingRun& run = *b.runs[r];
    const mdp::Mdp& m = run.world().mdp;
    if (&run.world() != last) {
      last = &run.world();
      WeightingWorld w;
      w.pairs = m.pairs();
      w.max_actions = m.max_actions();
      w.first_pair = append_flat(b.pool.ints, m.first_pair);
      w.discount = m.discount;
      b.pool.worlds.push_back(w);
    }
    for (size_t k = 0; k < run.shares(); ++k) {
      WeightingDataset d;
      d.world = static_cast<uint32_t>(b.pool.worlds.size() - 1);
      d.size = static_cast<uint32_t>(run.dataset(k).size());
      d.first = append_flat(b.pool.transitions, run.dataset(k).transitions);
      for (int s = 0; s < kWeightingSamplers; ++s)
        if (used[s] && d.size > 0) d.cumulative[s] = append_flat(b.pool.reals, cumulative_probabilities(run.probabilities(k, static_cast<Sampler>(s))));
      b.pool.datasets.push_back(d);
    }
  }
  return b;
}

void fill_weighting_record(const WeightingExperiment& e, const WeightingBatchConfig& cfg, const WeightingBatch& batch, uint32_t r, const double* q,
                           RunRecord& out) {
  const WeightingRun& run = *batch.runs[r];
  const size_t pairs = static_cast<size_t>(batch.pool.max_pairs());
  std::vector<int> learner_of(run.methods(), -1);  // series → its CQL learner
  for (int l = 0; l < cfg.n_learners; ++l) learner_of[static_cast<size_t>(cfg.series[l])] = l;
  e.record(run,
           [&](size_t k, size_t s) {
             if (learner_of[s] < 0) return run.normalised_return(k, s);  // behaviour cloning
             return run.greedy_return(q + (static_cast<size_t>(learner_of[s]) * cfg.n_shares + k) * pairs);
           },
           out);
}

// Runs per launch: every run's WeightingRun (no CPU learners) and pooled data are held until its
// record is filled (about 2.5 MB a run at the defaults, 2.75 MB with all six methods, measured: 6
// datasets of ≈ 5,000 transitions with their draw probabilities), so a long job goes to the GPU in
// groups of this many runs (about 2.6 GB of host memory; 12,288 threads at the defaults' two CQL
// learners and six shares).
constexpr uint32_t kWeightingRunsPerLaunch = 1024;

Status WeightingExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<WeightingBatchConfig> c = weighting_batch_config(*this);
  if (!c.ok()) return c.status();
  const WeightingBatchConfig& cfg = c.value();
  OrderedBatch ordered(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  for (uint32_t done = 0; done < ordered.run_count(); done += kWeightingRunsPerLaunch) {
    const uint32_t group_first = ordered.first_run() + done, group_runs = std::min(kWeightingRunsPerLaunch, ordered.run_count() - done);
    const Expected<WeightingBatch> batch = weighting_batch(*this, cfg, seed, group_first, group_runs);
    if (!batch.ok()) return batch.status();
    const size_t per_run = static_cast<size_t>(cfg.n_learners) * cfg.n_shares * batch.value().pool.max_pairs();
    // Behaviour cloning and the exact evaluations (a linear solve per share and method) cost about
    // as much as the learners: a chunk's records are filled on every core, then added in run order.
    const Status s = run_weighting_cuda(cfg, batch.value().pool, seed, group_first, group_runs, [&](const WeightingChunk& chunk) {
      std::vector<RunRecord> records(chunk.runs, RunRecord(layout));
      parallel_for(chunk.runs, [&](uint32_t i) {
        fill_weighting_record(*this, cfg, batch.value(), chunk.first_run - group_first + i, chunk.q + i * per_run, records[i]);
      });
      for (const RunRecord& r : records) {
        ordered.next() = r;
        ordered.add();
      }
    });
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace klab::offline
