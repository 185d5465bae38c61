// CPU vs CUDA for offline.edge_of_reach's learners (src/offline/engine.cu runs the same KLAB_INLINE
// rollouts and ensemble-minimum Q-learning as the CPU engine's RolloutLearner, one GPU thread per
// (run, learner)):
//   1. per-run equality with the host twin (engine_host.cpp; tests/unit/offline_edge_engine_test.cpp
//      shows the host twin equals the CPU engine run by run) on four rooms (one world, the three
//      learners) and on random MDPs (a world per run, stochastic successors, a ring that wraps):
//      every snapshot of Q̂. The trajectory is integer work; the values are sums of products: in a
//      strict build (no fused multiply-add) every learner must be bit-identical. In a release build
//      fused multiply-adds move last bits (compared within 1e-9 relative), and a moved bit can change
//      a greedy action at a near-tie, after which the learner's trajectory differs: at most 10% of the
//      (run, learner) pairs may differ (kReleaseShare below: three times the rate measured with the
//      host twin's fused multiply-adds);
//   2. `run_cuda_job` (the --backend cuda engine; the greedy policies evaluated on the host) against the
//      CPU engine's BatchJob on all cores, the defaults, 64 runs: every curve and final statistic
//      identical in a strict build, the final means within 4 standard errors otherwise;
//   3. the throughput case: the defaults' learners (mopo, ravl with N = 10, full horizon), 20,000
//      runs, kernels only (no host evaluation): 16 runs spread over the batch equal the host twin's
//      (release: four may differ, kReleaseRuns below), and the Q updates/s are printed (not asserted).
// `--quick`: part 1 on fewer runs and iterations (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "both_engines.hpp"
#include "launch_report.hpp"
#include "gpu_gate.hpp"
#include "offline/edge_cuda.hpp"
#include "offline/engine.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::offline;
using Params = std::vector<std::pair<std::string, std::string>>;

using klab::test::kStrict;

// The release build's allowance. Emulated on the CPU (the host twin compiled with g++ -mfma
// -ffp-contract=fast, fusing multiply-adds as nvcc does), part 1's four rooms case (256 runs × 3
// learners, 200 iterations) had 24 of 768 learners (3.1%) in 22 of 256 runs (8.6%) part ways at a
// near tie, all after iteration 70; its random MDPs none. Allowed: three times that share of the
// learners (part 1), and 4 of part 3's 16 sampled runs (1.4 expected; 5 or more: p ≈ 0.01).
constexpr size_t kReleaseShare = 10, kReleaseRuns = 4;  // percent of the learners; sampled runs

bool few_enough(size_t differing, size_t learners) { return kStrict ? differing == 0 : differing * 100 <= kReleaseShare * learners; }

bool close(double a, double b) {
  if (kStrict) return std::memcmp(&a, &b, sizeof a) == 0;
  return a == b || std::fabs(a - b) <= 1e-9 * (1.0 + std::fabs(b));
}

// Learner i's snapshots (n values each) in both outcomes.
bool same_learner(const double* gpu, const double* cpu, size_t n) {
  for (size_t k = 0; k < n; ++k)
    if (!close(gpu[k], cpu[k])) return false;
  return true;
}

struct Batch {
  EdgeExperiment e;
  EdgeBatchConfig cfg;
  EdgeBatch data;
  size_t per_learner() const { return static_cast<size_t>(cfg.n_snapshots) * data.pool.max_pairs(); }
};

bool prepare(Batch& b, const Params& params, uint64_t seed, uint32_t first, uint32_t runs) {
  const klab::Status s = b.e.params().set_texts(params);
  if (!s.ok()) return std::printf("FAIL: parameters: %s\n", s.message().c_str()), false;
  const klab::Expected<EdgeBatchConfig> c = edge_batch_config(b.e);
  if (!c.ok()) return std::printf("FAIL: %s\n", c.error().c_str()), false;
  klab::Expected<EdgeBatch> data = edge_batch(b.e, seed, first, runs);
  if (!data.ok()) return std::printf("FAIL: %s\n", data.error().c_str()), false;
  b.cfg = c.value();
  b.data = std::move(data.value());
  return true;
}

// 1. Per-run equality with the host twin on one configuration.
bool runs_match(const char* name, const Params& params, uint32_t runs) {
  Batch b;
  if (!prepare(b, params, 17, 3, runs)) return false;
  std::vector<double> gpu, cpu;
  const klab::Status s = run_edge_batch_cuda(b.cfg, b.data.pool, 17, 3, runs, &gpu);
  if (!s.ok()) return std::printf("FAIL: %s: %s\n", name, s.message().c_str()), false;
  run_edge_batch_host(b.cfg, b.data.pool, 17, 3, runs, &cpu);
  const size_t n = b.per_learner(), learners = static_cast<size_t>(runs) * b.cfg.n_series;
  size_t differing = 0;
  for (size_t i = 0; i < learners; ++i) differing += same_learner(gpu.data() + i * n, cpu.data() + i * n, n) ? 0 : 1;
  const bool ok = few_enough(differing, learners);
  std::printf("  %-44s %u runs x %d learners: %zu differ from the host twin  %s\n", name, runs, b.cfg.n_series, differing, ok ? "ok" : "FAIL");
  return ok;
}

bool per_run_equality(bool quick) {
  std::printf("1. per-run equality with the host twin (%s)\n", kStrict ? "strict build: bit for bit" : "release build: <= 10% may differ");
  const uint32_t n = quick ? 8 : 256;
  const std::string iterations = quick ? "20" : "200";
  bool ok = runs_match("four rooms, mopo, ravl, full horizon", {{"iterations", iterations}}, n);
  ok = runs_match("random MDPs, a wrapping ring",
                  {{"methods", "ravl,mopo"}, {"world", "random"}, {"size", "30"}, {"vary_world", "true"}, {"iterations", iterations},
                   {"rollouts_per_iteration", "500"}, {"ensemble", "4"}, {"real_fraction", "0.3"}},
                  n / 4) &&
       ok;
  return ok;
}

// 3. The throughput case, validated on 16 runs spread over the batch.
bool throughput_case() {
  const uint32_t runs = 20000, samples = 16, stride = runs / samples;
  Batch b;
  if (!prepare(b, {}, 9, 0, runs)) return false;
  const size_t per_run = b.per_learner() * b.cfg.n_series;
  std::vector<std::vector<double>> twin(samples);
  for (uint32_t i = 0; i < samples; ++i) {
    EdgeWorldPool one = b.data.pool;
    one.runs = {b.data.pool.runs[i * stride]};
    run_edge_batch_host(b.cfg, one, 9, i * stride, 1, &twin[i]);
  }
  size_t checked = 0, differing = 0;
  EdgeCudaStats stats;
  const klab::Status s = run_edge_cuda(b.cfg, b.data.pool, 9, 0, runs, [&](const EdgeChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      differing += same_learner(c.snapshot + (r - c.first_run) * per_run, twin[r / stride].data(), per_run) ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) return std::printf("FAIL: throughput case: %s\n", s.message().c_str()), false;
  const bool ok = checked == samples && (kStrict ? differing == 0 : differing <= kReleaseRuns);  // release: near-ties may flip a few runs
  std::printf("3. the defaults (mopo, ravl N = 10, full horizon), 20,000 runs: %zu of %zu sampled runs differ from the host twin  %s\n", differing,
              checked, ok ? "ok" : "FAIL");
  std::printf("  %.3g Q updates/s (%.2f s with transfers), kernels alone %.3g updates/s (%.2f s)\n", stats.updates / stats.seconds, stats.seconds,
              stats.updates / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.table_bytes, "tables"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the offline.edge_of_reach CPU-vs-CUDA test");
  bool ok = per_run_equality(quick);
  if (!quick) {
    ok = klab::test::engines_agree(EdgeExperiment(), 5, 64, kStrict, "the defaults") && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
