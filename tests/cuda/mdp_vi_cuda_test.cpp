// CPU vs CUDA for mdp.planning's batched value iteration (src/mdp/vi_engine.cu runs vi_run, the same
// KLAB_INLINE per-state backups as the CPU's Planner, one thread block per MDP):
//   1. per-run equality with the host twin (vi_engine_host.cpp; tests/unit/mdp_vi_engine_test.cpp
//      shows the host twin's records equal the CPU engine's run by run): random MDPs (a world per
//      run, S = 50, iterates in shared memory), the chain (one world, γ = 0.99), two random MDPs of
//      S = 3,000 (iterates in global memory, 256 threads striding) and a log of two policies (the
//      overflow path). Compared: the greedy policies logged and when, the residuals at every
//      checkpoint and at K. In a strict build (no fused multiply-add) every run must be
//      bit-identical; in a release build fused multiply-adds move last bits (residuals within 1e-9
//      relative) and a moved bit can flip a near-tie of two actions: at most 1% of the runs may differ;
//   2. `run_cuda_job` (the --backend cuda engine: kernels, then the policy evaluations on the host)
//      against the CPU engine's BatchJob on all cores, vi on random MDPs, 256 runs: every statistic
//      identical in a strict build, the final means within 4 standard errors otherwise;
//   3. the throughput case: one random MDP (S = 50, A = 4, 5 successors) for 100,000 runs of
//      K = 1,000 iterations (5·10⁹ state backups, 10¹¹ (s, a, s′) terms): 32 runs spread over the
//      batch equal the host twin's (release: one may differ); the state, (s, a) and (s, a, s′) rates are printed
//      (issue 7's target: ≥ 10¹¹ VI backups/s, read as (s, a) backups; not asserted).
// `--quick`: part 1 on fewer runs (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "both_engines.hpp"
#include "gpu_gate.hpp"
#include "launch_report.hpp"
#include "mdp/planning_cuda.hpp"
#include "mdp/vi_engine.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::mdp;
using Params = std::vector<std::pair<std::string, std::string>>;

using klab::test::kStrict;

bool close(double a, double b) {
  if (kStrict) return std::memcmp(&a, &b, sizeof a) == 0;
  return a == b || std::fabs(a - b) <= 1e-9 * (1.0 + std::fabs(b));
}

// Run r's outcome and log (slots 0 … policies − 1 of S states each) against the twin's.
bool same_run(const ViBatchConfig& c, int states, const ViOutcome& gpu, const int* gpu_log, const ViOutcome& cpu, const int* cpu_log) {
  if (gpu.overflow != cpu.overflow || gpu.policies != cpu.policies) return false;
  if (cpu.overflow) return true;  // the CPU engine reruns it: the rest of the outcome is not used
  bool same = close(gpu.residual, cpu.residual);
  for (int k = 0; k < c.n_checkpoints; ++k) same = same && close(gpu.residual_at[k], cpu.residual_at[k]);
  for (int j = 0; j < cpu.policies; ++j) same = same && gpu.changed_at[j] == cpu.changed_at[j];
  return same && std::memcmp(gpu_log, cpu_log, static_cast<size_t>(cpu.policies) * states * sizeof(int)) == 0;
}

struct Batch {
  PlanningExperiment e;
  ViBatchConfig cfg;
  ViWorldPool pool;
};

bool prepare(Batch& b, const Params& params, int max_policies, uint64_t seed, uint32_t first, uint32_t runs) {
  const klab::Status s = b.e.params().set_texts(params);
  if (!s.ok()) return std::printf("FAIL: parameters: %s\n", s.message().c_str()), false;
  const klab::Expected<ViBatchConfig> c = vi_batch_config(b.e, max_policies);
  if (!c.ok()) return std::printf("FAIL: %s\n", c.error().c_str()), false;
  const klab::Expected<ViWorldPool> pool = vi_world_pool(b.e, seed, first, runs);
  if (!pool.ok()) return std::printf("FAIL: %s\n", pool.error().c_str()), false;
  b.cfg = c.value();
  b.pool = pool.value();
  return true;
}

// 1. Per-run equality with the host twin on one configuration.
bool runs_match(const char* name, const Params& params, int max_policies, uint32_t runs) {
  Batch b;
  if (!prepare(b, params, max_policies, 17, 3, runs)) return false;
  std::vector<ViOutcome> gpu(runs), cpu;
  std::vector<int> gpu_log, cpu_log;
  size_t stride = 0;
  const klab::Status s = run_vi_cuda(b.cfg, b.pool, 3, runs, [&](const ViChunk& chunk) {
    stride = chunk.log_stride;
    gpu_log.resize(runs * stride);
    std::copy(chunk.outcome, chunk.outcome + chunk.runs, gpu.begin() + (chunk.first_run - 3));
    std::copy(chunk.log, chunk.log + chunk.runs * stride, gpu_log.begin() + static_cast<long>((chunk.first_run - 3) * stride));
  });
  if (!s.ok()) return std::printf("FAIL: %s: %s\n", name, s.message().c_str()), false;
  run_vi_batch_host(b.cfg, b.pool, runs, &cpu, &cpu_log);
  size_t differing = 0, overflows = 0;
  for (uint32_t r = 0; r < runs; ++r) {
    const int states = b.pool.worlds[b.pool.world_of_run[r]].states;
    differing += same_run(b.cfg, states, gpu[r], gpu_log.data() + r * stride, cpu[r], cpu_log.data() + r * stride) ? 0 : 1;
    overflows += static_cast<size_t>(cpu[r].overflow);
  }
  const bool ok = kStrict ? differing == 0 : differing * 100 <= runs;
  std::printf("  %-52s %4u runs: %zu differ from the host twin (%zu overflow their log)  %s\n", name, runs, differing, overflows, ok ? "ok" : "FAIL");
  return ok;
}

bool per_run_equality(bool quick) {
  std::printf("1. per-run equality with the host twin (%s)\n", kStrict ? "strict build: bit for bit" : "release build: <= 1% may differ");
  const uint32_t n = quick ? 8 : 256;
  bool ok = runs_match("random MDPs, S = 50, a world per run", {{"methods", "vi"}}, kMaxViPolicies, n);
  ok = runs_match("the chain, gamma 0.99, K = 1000", {{"methods", "vi"}, {"world", "chain"}, {"gamma", "0.99"}, {"iterations", "1000"}}, kMaxViPolicies,
                  quick ? 2 : 16) &&
       ok;
  ok = runs_match("random MDPs, S = 3000 (iterates in global memory)", {{"methods", "vi"}, {"size", "3000"}, {"iterations", "40"}}, kMaxViPolicies, 2) && ok;
  ok = runs_match("random MDPs, S = 12, a log of 2 policies", {{"methods", "vi"}, {"size", "12"}, {"actions", "3"}, {"iterations", "60"}}, 2, n / 4) && ok;
  return ok;
}

// 2. Batch statistics through run_cuda_job against the CPU engine.
bool batch_statistics_match() {
  PlanningExperiment e;
  if (!e.params().set_texts({{"methods", "vi"}}).ok()) return false;
  return klab::test::engines_agree(e, 5, 256, kStrict, "vi on random MDPs (S = 50)");
}

// 3. The throughput case, validated on 32 runs spread over the batch.
bool throughput_case() {
  const uint32_t runs = 100000, samples = 32, stride = runs / samples;
  Batch b;
  if (!prepare(b, {{"methods", "vi"}, {"vary_world", "false"}, {"iterations", "1000"}}, kMaxViPolicies, 9, 0, runs)) return false;
  ViWorldPool one = b.pool;
  one.world_of_run = {0};
  std::vector<ViOutcome> twin;
  std::vector<int> twin_log;
  run_vi_batch_host(b.cfg, one, 1, &twin, &twin_log);  // every run solves the same MDP: one twin run
  const int states = b.pool.worlds[0].states;
  size_t checked = 0, differing = 0;
  ViCudaStats stats;
  const klab::Status s = run_vi_cuda(b.cfg, b.pool, 0, runs, [&](const ViChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      const uint32_t i = r - c.first_run;
      differing += same_run(b.cfg, states, c.outcome[i], c.log + i * c.log_stride, twin[0], twin_log.data()) ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) return std::printf("FAIL: throughput case: %s\n", s.message().c_str()), false;
  const bool ok = checked == samples && (kStrict ? differing == 0 : differing <= 1);
  std::printf("3. VI on one random MDP (S = 50, A = 4, 5 successors), K = 1000, 100,000 runs: %zu of %zu sampled runs differ from the host twin  %s\n",
              differing, checked, ok ? "ok" : "FAIL");
  // Issue 7's target counts VI backups as (s, a) backups: A of them per state backup (every run has world 0).
  const double pairs_per_state = static_cast<double>(b.pool.worlds[0].pairs) / states;
  std::printf("  %.3g state backups/s (%.2f s with transfers), kernels alone %.3g state backups/s = %.3g (s, a) backups/s = %.3g (s, a, s') terms/s (%.2f s);"
              " target >= 1e11 (s, a) backups/s\n",
              stats.backups / stats.seconds, stats.seconds, stats.backups / stats.kernel_seconds, pairs_per_state * stats.backups / stats.kernel_seconds,
              stats.transitions / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, "");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the mdp.planning (batched value iteration) CPU-vs-CUDA test");
  bool ok = per_run_equality(quick);
  if (!quick) {
    ok = batch_statistics_match() && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
