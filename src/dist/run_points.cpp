#include <algorithm>

#include "dist/cluster.hpp"

namespace klab {
namespace {

double point_work(const PointJob& p) { return std::max(1e-9, p.experiment->layout().work_per_run); }

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

JobOutcome run_points_locally(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads,
                              const std::function<void(double)>& progress, const std::atomic<bool>* stop) {
  JobOutcome outcome;
  for (const PointJob& p : points) outcome.points.push_back(p.start);
  std::vector<double> weight;
  double total = 0.0;
  for (const PointJob& p : points) total += weight.emplace_back(point_work(p));
  double before = 0.0;  // the work of the points already complete
  outcome.complete = true;
  for (size_t i = 0; i < points.size(); ++i) {
    const double share = weight[i] / total;
    if (points[i].start.blocks < block_count(runs)) {
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
