// Cluster in a build without MPI (KLAB_MPI off): one process of one rank.
#include "dist/cluster.hpp"

namespace klab {
namespace {

class SingleProcess final : public Cluster {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int agree(int code) override { return code; }
  int agree_all(int code) override { return code; }
  JobOutcome run(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads, Backend backend,
                 const std::function<void(double)>& progress, const std::atomic<bool>* stop) override {
    return run_points_locally(points, seed, runs, threads, backend, progress, stop);
  }
  std::string describe() const override { return "1 process"; }
};

}  // namespace

Cluster& Cluster::get() {
  static SingleProcess single;
  return single;
}

}  // namespace klab
