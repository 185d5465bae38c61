// CPU vs CUDA for offline.dice's value learners (src/offline/engine.cu runs the same KLAB_INLINE batch
// gradients and updates as the CPU engine's DiceLearner, dice_core.hpp, one GPU thread per (run,
// learner)):
//   1. per-run equality with the host twin (engine_host.cpp; tests/unit/offline_dice_engine_test.cpp
//      shows the host twin equals the CPU engine run by run) on four rooms (radial + one-hot, every
//      learner) and on random MDPs (a world and a feature table per run, tabular): every snapshot
//      (θ and the gradient parts' dot products). The batch draws are integer work; the values are sums
//      of products: in a strict build (no fused multiply-add) every learner must be bit-identical. In a
//      release build fused multiply-adds move last bits: a learner agrees when every snapshot value is
//      within 1e-6·(1 + max |value|) of the host twin's; at most 1% of the (run, learner) pairs may
//      differ (a moved bit can flip δ across the kink of f*′ or the expectile's sign);
//   2. `run_cuda_job` (the --backend cuda engine; the policies evaluated on the host) against the CPU
//      engine's BatchJob on all cores, the defaults, 64 runs: every curve and final statistic
//      identical in a strict build, the final means within 4 standard errors otherwise;
//   3. the throughput case: the defaults' learners (semi, true, orthogonal, iql; 1000 steps of 64
//      transitions), 2,000 runs, kernels only (no host evaluation): 16 runs spread over the batch
//      agree with the host twin (release: one may differ), and gradient steps/s and transitions/s are
//      printed (not asserted).
// `--quick`: part 1 on fewer runs and steps (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "both_engines.hpp"
#include "gpu_gate.hpp"
#include "launch_report.hpp"
#include "learner_compare.hpp"
#include "offline/dice_cuda.hpp"
#include "offline/dice_engine.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::offline;
using Params = std::vector<std::pair<std::string, std::string>>;

using klab::test::kStrict;
using klab::test::same_learner;

struct Batch {
  DiceExperiment e;
  DiceBatchConfig cfg;
  DiceBatch data;
  size_t per_learner() const { return static_cast<size_t>(cfg.n_snapshots) * data.pool.snapshot_stride(); }
  size_t learners(uint32_t runs) const {
    size_t n = 0;
    for (int s = 0; s < cfg.n_series; ++s) n += cfg.learns[s] ? runs : 0;
    return n;
  }
};

bool prepare(Batch& b, const Params& params, uint64_t seed, uint32_t first, uint32_t runs) {
  const klab::Status s = b.e.params().set_texts(params);
  if (!s.ok()) return std::printf("FAIL: parameters: %s\n", s.message().c_str()), false;
  const klab::Expected<DiceBatchConfig> c = dice_batch_config(b.e);
  if (!c.ok()) return std::printf("FAIL: %s\n", c.error().c_str()), false;
  klab::Expected<DiceBatch> data = dice_batch(b.e, seed, first, runs);
  if (!data.ok()) return std::printf("FAIL: %s\n", data.error().c_str()), false;
  b.cfg = c.value();
  b.data = std::move(data.value());
  return true;
}

// The learning series of runs × n_series snapshot blocks that differ (bc's blocks are not written).
size_t differing_learners(const Batch& b, const double* gpu, const double* cpu, uint32_t runs) {
  const size_t n = b.per_learner();
  size_t differing = 0;
  for (uint32_t r = 0; r < runs; ++r)
    for (int s = 0; s < b.cfg.n_series; ++s) {
      const size_t at = (static_cast<size_t>(r) * b.cfg.n_series + s) * n;
      if (b.cfg.learns[s]) differing += same_learner(gpu + at, cpu + at, n) ? 0 : 1;
    }
  return differing;
}

// 1. Per-run equality with the host twin on one configuration.
bool runs_match(const char* name, const Params& params, uint32_t runs) {
  Batch b;
  if (!prepare(b, params, 17, 3, runs)) return false;
  std::vector<double> gpu, cpu;
  const klab::Status s = run_dice_batch_cuda(b.cfg, b.data.pool, 17, 3, runs, &gpu);
  if (!s.ok()) return std::printf("FAIL: %s: %s\n", name, s.message().c_str()), false;
  run_dice_batch_host(b.cfg, b.data.pool, 17, 3, runs, &cpu);
  const size_t learners = b.learners(runs), differing = differing_learners(b, gpu.data(), cpu.data(), runs);
  const bool ok = klab::test::few_enough_learners(differing, learners);
  std::printf("  %-48s %u runs, %zu learners: %zu differ from the host twin  %s\n", name, runs, learners, differing, ok ? "ok" : "FAIL");
  return ok;
}

bool per_run_equality(bool quick) {
  std::printf("1. per-run equality with the host twin (%s)\n", kStrict ? "strict build: bit for bit" : "release build: <= 1% may differ");
  const uint32_t n = quick ? 8 : 128;
  const std::string steps = quick ? "30" : "300";
  bool ok = runs_match("four rooms, radial + one-hot, every learner", {{"steps", steps}}, n);
  ok = runs_match("random MDPs, tabular, true and orthogonal",
                  {{"methods", "true,orthogonal"}, {"world", "random"}, {"size", "30"}, {"vary_world", "true"}, {"features", "tabular"}, {"steps", steps},
                   {"batch", "32"}},
                  n / 4) &&
       ok;
  return ok;
}

// 3. The throughput case, validated on 16 runs spread over the batch.
bool throughput_case() {
  const uint32_t runs = 2000, samples = 16, stride = runs / samples;
  Batch b;
  if (!prepare(b, {{"methods", "semi,true,orthogonal,iql"}}, 9, 0, runs)) return false;
  const size_t per_run = b.per_learner() * b.cfg.n_series;
  // The host twin of the sampled runs alone (run_dice_batch_host's loop body).
  const DicePoolView view = b.data.pool.view();
  std::vector<double> scratch(4 * static_cast<size_t>(b.data.pool.max_dim()));
  std::vector<std::vector<double>> twin(samples, std::vector<double>(per_run, 0.0));
  for (uint32_t i = 0; i < samples; ++i)
    for (int s = 0; s < b.cfg.n_series; ++s)
      dice_learner_run(b.cfg, view, b.data.pool.runs[i * stride], s, 9, i * stride, scratch.data(), twin[i].data() + s * b.per_learner(),
                       b.data.pool.snapshot_stride());
  size_t checked = 0, differing = 0;
  DiceCudaStats stats;
  const klab::Status s = run_dice_cuda(b.cfg, b.data.pool, 9, 0, runs, [&](const DiceChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      differing += differing_learners(b, c.snapshot + (r - c.first_run) * per_run, twin[r / stride].data(), 1) == 0 ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) return std::printf("FAIL: throughput case: %s\n", s.message().c_str()), false;
  const bool ok = checked == samples && (kStrict ? differing == 0 : differing <= 1);  // release: a flip at a kink may move one run
  std::printf("3. the defaults' learners (semi, true, orthogonal, iql; 1000 steps of 64), 2,000 runs: %zu of %zu sampled runs differ from the host twin  %s\n",
              differing, checked, ok ? "ok" : "FAIL");
  std::printf("  %.3g gradient steps/s, %.3g transitions/s (%.2f s with transfers); kernels alone %.3g steps/s (%.2f s)\n", stats.steps / stats.seconds,
              stats.transitions / stats.seconds, stats.seconds, stats.steps / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.table_bytes, "scratch and snapshots"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the offline.dice CPU-vs-CUDA test");
  bool ok = per_run_equality(quick);
  if (!quick) {
    ok = klab::test::engines_agree(DiceExperiment(), 5, 64, kStrict, "the defaults") && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
