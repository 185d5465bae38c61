#include "offline/prdc_cuda.hpp"

#include <algorithm>
#include <string>

#include "core/flat_pool.hpp"
#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"

namespace klab::offline {

Expected<PrdcBatchConfig> prdc_batch_config(const PrdcExperiment& e) {
  const PrdcParams& p = e.p();
  PrdcBatchConfig c;
  if (p.methods.size() > static_cast<size_t>(kMaxPrdcSeries))
    return Status::error("methods: the CUDA engine of offline.prdc runs at most " + std::to_string(kMaxPrdcSeries) + " learners");
  c.n_series = static_cast<int>(p.methods.size());
  for (int s = 0; s < c.n_series; ++s) c.settings[s] = prdc_settings(p, p.methods[static_cast<size_t>(s)]);
  c.steps = p.steps;
  const RunLayout layout = e.layout();
  const std::vector<double>& ks = layout.axes[0].x;
  if (ks.size() > static_cast<size_t>(kMaxPrdcCheckpoints) || ks.empty() || ks.back() != p.steps)
    return Status::error("steps: the CUDA engine of offline.prdc needs 1 to " + std::to_string(kMaxPrdcCheckpoints) + " checkpoints ending at `steps`");
  c.n_checkpoints = static_cast<int>(ks.size());
  for (int k = 0; k < c.n_checkpoints; ++k) c.checkpoint[k] = static_cast<int>(ks[static_cast<size_t>(k)]);
  c.world = prdc_world(p);
  c.horizon = p.episode_length;  // PrdcRun::horizon()
  c.beta = p.beta;
  return c;
}

PrdcBatch prdc_batch(const PrdcExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs) {
  // The runs (dataset, measures, tree, evaluation states) on every core, as the CPU engine builds them on its workers; then the pool, in run order.
  PrdcBatch b;
  b.runs.resize(runs);
  parallel_for(runs, [&](uint32_t r) { b.runs[r] = std::make_unique<PrdcRun>(e.p(), seed, first_run + r, false); });
  for (uint32_t r = 0; r < runs; ++r) {
    const Td3Data& d = b.runs[r]->data();
    PrdcRunData rd;
    rd.n = d.size();
    rd.first = static_cast<long long>(b.pool.r.size());
    append_flat(b.pool.s, d.s);
    append_flat(b.pool.a, d.a);
    append_flat(b.pool.r, d.r);
    append_flat(b.pool.s2, d.s2);
    for (int k = 0; k < 2; ++k) rd.mean[k] = d.mean[static_cast<size_t>(k)], rd.sd[k] = d.sd[static_cast<size_t>(k)];
    rd.tree_n = d.tree.size();
    rd.tree_points = append_flat(b.pool.points, d.tree.points());
    rd.tree_order = append_flat(b.pool.order, d.tree.order());
    rd.tree_nodes = append_flat(b.pool.nodes, d.tree.nodes());
    std::copy(b.runs[r]->starts().begin(), b.runs[r]->starts().end(), rd.starts);
    std::copy(b.runs[r]->eval_states().begin(), b.runs[r]->eval_states().end(), rd.eval_states);
    b.pool.runs.push_back(rd);
  }
  return b;
}

void fill_prdc_record(const PrdcBatchConfig& cfg, const PrdcBatch& batch, uint32_t r, const Td3Check* checks, RunRecord& out) {
  const PrdcRun& run = *batch.runs[r];
  const double expert = run.expert_return();
  for (int s = 0; s < cfg.n_series; ++s) {
    const Td3Check* c = checks + static_cast<size_t>(s) * cfg.n_checkpoints;
    for (int k = 0; k < cfg.n_checkpoints; ++k) PrdcExperiment::record_check(out, static_cast<size_t>(s), static_cast<size_t>(k), c[k]);
    PrdcExperiment::record_finals(out, static_cast<size_t>(s), c[cfg.n_checkpoints - 1], run, expert);  // the last checkpoint is `steps`
  }
}

// Runs per launch. Each run's PrdcRun and its copy in the pool are held on the host until its record is
// filled: ≈ 260 B a transition (PointDataset 56, Td3Data's s, a, r, s′ 56, the tree's keys, order and
// nodes ≈ 46, the pool's copy of the last two ≈ 102), counted as 300: ≈ 120 kB a run at the defaults'
// 400 transitions. A group is at most kPrdcGroupHostBytes of them, and otherwise the larger of
// kPrdcRunsPerLaunch and a wave of the GPU (prdc_cuda_wave_runs: 132 SMs · 384 threads / 4 learners =
// 12,672 runs on an H200: 1.5 GB of host memory, one chunk of 3.7 GiB on the device), so that a long job
// keeps every SM busy.
namespace {
constexpr uint32_t kPrdcRunsPerLaunch = 4096;
constexpr size_t kPrdcGroupHostBytes = size_t{4} << 30;
constexpr size_t kPrdcHostBytesPerTransition = 300;

uint32_t prdc_group_runs(const PrdcParams& p, uint32_t wave_runs) {
  const size_t per_run = kPrdcHostBytesPerTransition * static_cast<size_t>(p.episodes) * static_cast<size_t>(p.episode_length);
  const size_t by_memory = std::max<size_t>(1, kPrdcGroupHostBytes / per_run);
  return static_cast<uint32_t>(std::min<size_t>(by_memory, std::max(kPrdcRunsPerLaunch, wave_runs)));
}
}  // namespace

Status PrdcExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<PrdcBatchConfig> c = prdc_batch_config(*this);
  if (!c.ok()) return c.status();
  const PrdcBatchConfig& cfg = c.value();
  const size_t per_run = static_cast<size_t>(cfg.n_series) * cfg.n_checkpoints;
  uint32_t wave_runs = 0;
  if (Status s = prdc_cuda_wave_runs(cfg, &wave_runs); !s.ok()) return s;
  const uint32_t group = prdc_group_runs(p(), wave_runs);
  OrderedBatch ordered(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  for (uint32_t done = 0; done < ordered.run_count(); done += group) {
    const uint32_t group_first = ordered.first_run() + done, group_runs = std::min(group, ordered.run_count() - done);
    const PrdcBatch batch = prdc_batch(*this, seed, group_first, group_runs);
    const Status s = run_prdc_cuda(cfg, batch.pool, seed, group_first, group_runs, [&](const PrdcChunk& chunk) {
      for (uint32_t i = 0; i < chunk.runs; ++i) {
        fill_prdc_record(cfg, batch, chunk.first_run - group_first + i, chunk.checks + i * per_run, ordered.next());
        ordered.add();
      }
    });
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace klab::offline
