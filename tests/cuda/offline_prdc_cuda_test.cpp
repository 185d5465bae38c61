// CPU vs CUDA for offline.prdc's TD3 learners (src/offline/prdc_engine.cu runs the same KLAB_INLINE
// TD3 steps, MLP passes, Adam updates, KD-tree queries and Monte Carlo checks as the CPU engine's
// Td3Learner, td3_core.hpp, one GPU thread per (run, learner)):
//   1. per-run equality with the host twin (prdc_engine_host.cpp; tests/unit/offline_prdc_engine_test.cpp
//      shows the host twin equals the CPU engine run by run): every check (return, Q̂, Q^π,
//      overestimation) of every learner at every checkpoint, on the defaults' four methods with fewer
//      steps, and on the replay behaviour's dataset without the wall. In a strict build (the lab's own
//      exp, log and cos, no fused multiply-add) every learner must be bit-identical. In a release build
//      fused multiply-adds move last bits, and training amplifies them: a learner agrees when every
//      value is within 1e-6·(1 + max |value|) of the host twin's (NaN = NaN: cloning has no Q̂; learner_compare.hpp), and at most
//      1 + 1% of the learners may differ (a moved bit can flip a ReLU or a nearest neighbour);
//   2. `run_cuda_job` (the --backend cuda engine; records filled on the host) against the CPU engine's
//      BatchJob on all cores, the defaults at 300 steps, 64 runs: every curve and final statistic
//      identical in a strict build, the final means within 4 standard errors otherwise;
//   3. the throughput case: the defaults (prdc, td3_bc, bc, td3; steps of batch 32) at 500 steps on a
//      full wave of the GPU (at least 2,048 runs; 12,672 on an H200: 132 SMs · 6 blocks of 64 threads / 4), kernels only (a thread trains its learner sequentially, so a kernel lasts one learner's
//      training: 500 steps keep the GPU check short and leave steps/s unchanged); 4 runs spread over the
//      batch agree with the host twin (release: one may differ), and TD3 steps/s and samples/s are
//      printed (not asserted).
// `--quick`: part 1 on fewer runs and steps (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "both_engines.hpp"
#include "gpu_gate.hpp"
#include "launch_report.hpp"
#include "learner_compare.hpp"
#include "offline/prdc_cuda.hpp"
#include "offline/prdc_engine.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::offline;
using Params = std::vector<std::pair<std::string, std::string>>;

using klab::test::kStrict;

struct Batch {
  PrdcExperiment e;
  PrdcBatchConfig cfg;
  PrdcBatch data;
  size_t per_run() const { return static_cast<size_t>(cfg.n_series) * cfg.n_checkpoints; }
};

bool prepare(Batch& b, const Params& params, uint64_t seed, uint32_t first, uint32_t runs) {
  const klab::Status s = b.e.params().set_texts(params);
  if (!s.ok()) return std::printf("FAIL: parameters: %s\n", s.message().c_str()), false;
  const klab::Expected<PrdcBatchConfig> c = prdc_batch_config(b.e);
  if (!c.ok()) return std::printf("FAIL: %s\n", c.error().c_str()), false;
  b.cfg = c.value();
  b.data = prdc_batch(b.e, seed, first, runs);
  return true;
}

// One learner's checks (n_checkpoints) as 4·n_checkpoints doubles: return, Q̂, Q^π, overestimation.
size_t flatten(const Td3Check* c, int checkpoints, double* out) {
  size_t n = 0;
  for (int k = 0; k < checkpoints; ++k) {
    for (double v : {c[k].ret, c[k].q_estimate, c[k].q_true, c[k].overestimation}) out[n++] = v;
  }
  return n;
}

bool same_learner(const Td3Check* gpu, const Td3Check* cpu, int checkpoints) {
  double g[4 * kMaxPrdcCheckpoints], h[4 * kMaxPrdcCheckpoints];
  const size_t n = flatten(gpu, checkpoints, g);
  flatten(cpu, checkpoints, h);
  return klab::test::same_learner(g, h, n);
}

// How many of the `runs` runs' learners (outcomes in the engine's layout) differ.
size_t differing_learners(const PrdcBatchConfig& cfg, uint32_t runs, const Td3Check* gpu, const Td3Check* cpu) {
  size_t differing = 0;
  for (size_t l = 0; l < static_cast<size_t>(runs) * cfg.n_series; ++l)
    differing += same_learner(gpu + l * cfg.n_checkpoints, cpu + l * cfg.n_checkpoints, cfg.n_checkpoints) ? 0 : 1;
  return differing;
}

// 1. Per-run equality with the host twin on one configuration.
bool runs_match(const char* name, const Params& params, uint32_t runs) {
  Batch b;
  if (!prepare(b, params, 17, 3, runs)) return false;
  std::vector<Td3Check> gpu, cpu;
  const klab::Status s = run_prdc_batch_cuda(b.cfg, b.data.pool, 17, 3, runs, &gpu);
  if (!s.ok()) return std::printf("FAIL: %s: %s\n", name, s.message().c_str()), false;
  run_prdc_batch_host(b.cfg, b.data.pool, 17, 3, runs, &cpu);
  const size_t learners = static_cast<size_t>(runs) * b.cfg.n_series, differing = differing_learners(b.cfg, runs, gpu.data(), cpu.data());
  const bool ok = klab::test::few_enough_learners(differing, learners, 1);
  std::printf("  %-60s %u runs, %zu learners: %zu differ from the host twin  %s\n", name, runs, learners, differing, ok ? "ok" : "FAIL");
  return ok;
}

bool per_run_equality(bool quick) {
  std::printf("1. per-run equality with the host twin (%s)\n", kStrict ? "strict build: bit for bit" : "release build: within 1e-6, <= 1 + 1% may differ");
  const uint32_t n = quick ? 2 : 16;
  const std::string steps = quick ? "20" : "100";
  bool ok = runs_match("the defaults' four methods", {{"steps", steps}}, n);
  ok = runs_match("replay dataset, no wall, td3 and prdc at beta = 0.5, batch 16, 8 units",
                  {{"methods", "td3,prdc"}, {"behaviour", "replay"}, {"wall", "false"}, {"beta", "0.5"}, {"batch", "16"}, {"hidden", "8"}, {"steps", steps}},
                  n / 2) &&
       ok;
  return ok;
}

// 3. The throughput case, validated on 4 runs spread over the batch: at least a full wave of the GPU
// (prdc_cuda_wave_runs: 12,672 runs on an H200), so that steps/s is the whole device's.
bool throughput_case() {
  Batch b;
  if (!prepare(b, {{"steps", "500"}}, 9, 0, 0)) return false;
  uint32_t wave = 0;
  if (const klab::Status w = prdc_cuda_wave_runs(b.cfg, &wave); !w.ok()) return std::printf("FAIL: throughput case: %s\n", w.message().c_str()), false;
  const uint32_t samples = 4, runs = std::max<uint32_t>(2048, (wave + samples - 1) / samples * samples), stride = runs / samples;
  b.data = prdc_batch(b.e, 9, 0, runs);
  const size_t per_run = b.per_run();
  // The host twin of the sampled runs alone (run_prdc_batch_host on a pool of one run each).
  std::vector<std::vector<Td3Check>> twin(samples);
  for (uint32_t i = 0; i < samples; ++i) {
    const PrdcBatch one = prdc_batch(b.e, 9, i * stride, 1);
    run_prdc_batch_host(b.cfg, one.pool, 9, i * stride, 1, &twin[i]);
  }
  size_t checked = 0, differing = 0;
  PrdcCudaStats stats;
  const klab::Status s = run_prdc_cuda(b.cfg, b.data.pool, 9, 0, runs, [&](const PrdcChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      differing += differing_learners(b.cfg, 1, c.checks + (r - c.first_run) * per_run, twin[r / stride].data()) == 0 ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) return std::printf("FAIL: throughput case: %s\n", s.message().c_str()), false;
  const bool ok = checked == samples && (kStrict ? differing == 0 : differing <= 1);
  std::printf("3. the defaults at 500 steps (4 methods, batch 32), %u runs (a wave: %u): %zu of %zu sampled runs differ from the host twin  %s\n", runs, wave,
              differing, checked, ok ? "ok" : "FAIL");
  std::printf("  %.3g TD3 steps/s, %.3g samples/s (%.2f s with transfers); kernels alone %.3g steps/s (%.2f s)\n", stats.steps / stats.seconds,
              stats.samples / stats.seconds, stats.seconds, stats.steps / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.table_bytes, "learner states, scratch and checks"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the offline.prdc CPU-vs-CUDA test");
  bool ok = per_run_equality(quick);
  if (!quick) {
    PrdcExperiment e;
    ok = e.params().set_texts({{"steps", "300"}}).ok() && ok;
    ok = klab::test::engines_agree(e, 5, 64, kStrict, "the defaults at 300 steps") && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
