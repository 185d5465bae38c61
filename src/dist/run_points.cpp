#include <algorithm>

#include "dist/cluster.hpp"
#include "dist/units.hpp"

namespace klab {
namespace {

double point_work(const PointJob& p) { return std::max(1e-9, p.experiment->layout().work_per_run); }

// A point's remaining blocks on the CUDA engine, unit after unit (units.hpp), merged in order onto
// *prefix; false when stopped or failed (outcome->error).
bool run_point_on_cuda(const Experiment& experiment, uint64_t seed, uint32_t runs, BlockPrefix* prefix, UnitSizer& sizer,
                       const std::function<void(double)>& progress, const std::atomic<bool>* stop, JobOutcome* outcome) {
  const RunLayout layout = experiment.layout();
  const uint32_t blocks = block_count(runs);
  while (prefix->blocks < blocks) {
    if (stop && stop->load(std::memory_order_relaxed)) return false;
    const uint32_t count = sizer.next(blocks - prefix->blocks, blocks - prefix->blocks, 1);
    UnitOutcome u = compute_unit(experiment, layout, seed, runs, Backend::Cuda, prefix->blocks, count);
    if (u.kind != UnitOutcome::Done) {
      outcome->error = u.error;
      return false;
    }
    sizer.observe(count, u.seconds);
    for (const SlotStats& b : u.blocks) prefix->stats.merge(b);
    prefix->blocks += count;
    prefix->seconds += u.seconds;
    if (progress) progress(std::min(1.0, double(prefix->blocks) * kBlockRuns / runs));
  }
  return true;
}

}  // namespace

double work_fraction(const std::vector<PointJob>& points, const std::vector<BlockPrefix>& done, uint32_t runs) {
  double total = 0.0, part = 0.0;
  for (size_t i = 0; i < points.size(); ++i) {
    const double w = point_work(points[i]);
    total += w;
    part += w * std::min(1.0, static_cast<double>(done[i].blocks) * kBlockRuns / runs);
  }
  return total > 0 ? part / total : 1.0;
}

JobOutcome run_points_locally(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads, Backend backend,
                              const std::function<void(double)>& progress, const std::atomic<bool>* stop) {
  JobOutcome outcome;
  size_t bytes_per_block = 0;
  for (const PointJob& p : points) {
    outcome.points.push_back(p.start);
    bytes_per_block = std::max(bytes_per_block, block_bytes(p.experiment->layout()));
  }
  UnitSizer sizer(backend, bytes_per_block);  // one for the job: a sweep's points go on at the size reached
  std::vector<double> weight;
  double total = 0.0;
  for (const PointJob& p : points) total += weight.emplace_back(point_work(p));
  double before = 0.0;  // the work of the points already complete
  outcome.complete = true;
  for (size_t i = 0; i < points.size(); ++i) {
    const double share = weight[i] / total;
    if (points[i].start.blocks < block_count(runs) && backend == Backend::Cuda) {
      const bool done = run_point_on_cuda(*points[i].experiment, seed, runs, &outcome.points[i], sizer,
                                          [&](double f) { if (progress) progress(before + share * f); }, stop, &outcome);
      if (!done) {
        outcome.complete = false;
        break;
      }
    } else if (points[i].start.blocks < block_count(runs)) {
      BatchJob job(points[i].experiment->clone(), seed, runs, points[i].start);
      job.run_all(threads, [&](double f) { if (progress) progress(before + share * f); }, stop);
      outcome.points[i] = job.completed_prefix();
      if (!job.done()) {
        outcome.complete = false;
        break;
      }
    }
    before += share;
  }
  if (outcome.complete && progress) progress(1.0);
  return outcome;
}

}  // namespace klab
