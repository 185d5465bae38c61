// CPU vs CUDA for blackbox.es (src/blackbox/engine.cu runs the same KLAB_HD DisOM and plus/comma
// EA code as the CPU engine, one GPU thread per (run, series, n) landscape):
//   1. per-landscape equality with the host twin (engine_host.cpp; tests/unit/blackbox_es_engine_test.cpp
//      shows the host twin equals the CPU engine EsRun on every landscape) on three configurations:
//      the defaults' n grid 20…160 with exponential heights; Gaussian heights (planted dips), a
//      target gap and n = 8…64 (n < kMaxFlips: the clamp); n = 1000 and 4000 (125 words per string,
//      the interleaved layout across many threads). Evaluations, generations, the final OM(x) and
//      hash h(x) and the stuck flag must be equal on every landscape (the trajectory is integer
//      work: any different draw or choice changes the hash). The final fitness must be bit-identical
//      in a strict build (the lab's own log/cos, no fused multiply-add); in a release build CUDA's
//      log and fused multiply-adds may move its last bits (within 1e-12 relative), which could
//      change a choice only at a tie between two fitness values within an ulp: with continuous
//      heights that has probability ~1e-16 per comparison, so no landscape may differ there either;
//   2. `run_cuda_job` (the --backend cuda engine) against the CPU engine's BatchJob on all cores, the
//      demo's defaults (budget c = 30), 256 runs: every curve and final statistic identical (the
//      per-run values are integers);
//   3. the defaults, 20,000 runs (320,000 landscapes): 32 runs spread over the batch equal the host
//      twin's (as in 1), and the throughput is printed (evaluations/s, landscapes/s; not asserted).
// `--quick`: part 1 on fewer runs and smaller budgets (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "blackbox/engine.hpp"
#include "blackbox/es_experiment.hpp"
#include "core/batch.hpp"
#include "both_engines.hpp"
#include "launch_report.hpp"
#include "gpu_gate.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::blackbox;

using klab::test::kStrict;

bool configure(EsExperiment& e, const std::vector<std::pair<std::string, std::string>>& kv) {
  const klab::Status s = e.params().set_texts(kv);
  if (!s.ok()) std::printf("FAIL: parameters: %s\n", s.message().c_str());
  return s.ok();
}

// Whether two outcomes of one landscape agree (the fitness: bitwise in a strict build).
bool same_outcome(const EsOutcome& gpu, const EsOutcome& cpu) {
  const bool same_f = kStrict ? std::memcmp(&gpu.f, &cpu.f, sizeof gpu.f) == 0 : std::fabs(gpu.f - cpu.f) <= 1e-12 * (1.0 + std::fabs(cpu.f));
  return gpu.evaluations == cpu.evaluations && gpu.generations == cpu.generations && gpu.ones == cpu.ones && gpu.hash == cpu.hash &&
         gpu.reached == cpu.reached && same_f;
}

// The host twin of runs `run_ids` (each as a batch of one), on all cores.
std::vector<std::vector<EsOutcome>> host_twin_runs(const EsConfig& cfg, uint64_t seed, const std::vector<uint32_t>& run_ids) {
  std::vector<std::vector<EsOutcome>> out(run_ids.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < run_ids.size(); i = next++) run_es_batch_host(cfg, seed, run_ids[i], 1, &out[i]);
  };
  std::vector<std::thread> pool;
  const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(run_ids.size())));
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  return out;
}

// 1. Per-landscape equality on one configuration.
bool landscapes_match(const char* name, const std::vector<std::pair<std::string, std::string>>& params, uint32_t runs) {
  EsExperiment e;
  if (!configure(e, params)) return false;
  const EsConfig cfg = es_config(e.p());
  std::vector<EsOutcome> gpu;
  const klab::Status s = run_es_batch_cuda(cfg, 17, 3, runs, &gpu);
  if (!s.ok()) {
    std::printf("FAIL: %s: %s\n", name, s.message().c_str());
    return false;
  }
  std::vector<uint32_t> ids(runs);
  for (uint32_t i = 0; i < runs; ++i) ids[i] = 3 + i;
  const std::vector<std::vector<EsOutcome>> cpu = host_twin_runs(cfg, 17, ids);
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  size_t differing = 0, stuck = 0;
  for (uint32_t r = 0; r < runs; ++r)
    for (size_t j = 0; j < per_run; ++j) {
      differing += same_outcome(gpu[r * per_run + j], cpu[r][j]) ? 0 : 1;
      stuck += cpu[r][j].reached ? 0 : 1;
    }
  const bool ok = differing == 0;
  std::printf("  %-44s %u runs x %zu landscapes (%zu stuck): %zu differ from the host twin  %s\n", name, runs, per_run, stuck, differing,
              ok ? "ok" : "FAIL");
  return ok;
}

bool per_landscape_equality(bool quick) {
  std::printf("1. per-landscape equality with the host twin (%s)\n",
              kStrict ? "strict build: fitness bits too" : "release build: fitness within 1e-12 relative, all else equal");
  const uint32_t n = quick ? 8 : 64;
  const std::string budget = quick ? "5" : "30";
  bool ok = landscapes_match("defaults: n = 20..160, exponential heights", {{"budget_factor", budget}}, n);
  ok = landscapes_match("Gaussian heights, target gap 2, n = 8..64",
                        {{"n_min", "8"}, {"n_max", "64"}, {"random_law", "gaussian"}, {"spread", "2"}, {"target_gap", "2"}, {"budget_factor", budget}},
                        n) &&
       ok;
  ok = landscapes_match("n = 1000 and 4000, budget 0.02 n^2",
                        {{"n_min", "1000"}, {"n_max", "4000"}, {"n_points", "2"}, {"budget_factor", quick ? "0.005" : "0.02"}}, n / 8) &&
       ok;
  return ok;
}

// 2. Batch statistics through run_cuda_job against the CPU engine.
bool batch_statistics_identical() {
  EsExperiment e;
  klab::BatchResult gpu, cpu;
  if (!klab::test::run_both_engines(e, 5, 256, &gpu, &cpu)) return false;
  size_t differing = 0, total = 0;
  auto same = [](const klab::RunningStat& a, const klab::RunningStat& b) { return a.mean() == b.mean() && a.sem() == b.sem(); };
  for (size_t i = 0; i < cpu.stats.curves.size(); ++i, ++total) differing += same(gpu.stats.curves[i], cpu.stats.curves[i]) ? 0 : 1;
  for (size_t i = 0; i < cpu.stats.finals.size(); ++i, ++total) differing += same(gpu.stats.finals[i], cpu.stats.finals[i]) ? 0 : 1;
  const bool ok = differing == 0;
  std::printf("2. run_cuda_job vs the CPU engine (BatchJob, all cores), defaults, 256 runs: %zu of %zu statistics differ  %s\n", differing, total,
              ok ? "ok" : "FAIL");
  for (size_t s = 0; s < cpu.layout.series.size(); ++s)
    std::printf("  %-13s stuck at n_max GPU %.4f, CPU %.4f; evaluations GPU %.6g, CPU %.6g\n", cpu.layout.series[s].c_str(),
                gpu.final_stat(s, 1).mean(), cpu.final_stat(s, 1).mean(), gpu.final_stat(s, 0).mean(), cpu.final_stat(s, 0).mean());
  std::printf("  GPU %.2f s, CPU engine on all cores %.2f s (256 runs)\n", gpu.seconds, cpu.seconds);
  return ok;
}

// 3. The throughput case, validated on 32 runs spread over the batch.
bool throughput_case() {
  EsExperiment e;
  const EsConfig cfg = es_config(e.p());
  const uint32_t runs = 20000, samples = 32, stride = runs / samples;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < samples; ++i) ids.push_back(i * stride);
  const std::vector<std::vector<EsOutcome>> twin = host_twin_runs(cfg, 9, ids);
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  size_t checked = 0, differing = 0;
  EsCudaStats stats;
  const klab::Status s = run_es_cuda(cfg, 9, 0, runs, [&](const EsChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      for (size_t j = 0; j < per_run; ++j) differing += same_outcome(c.outcome[(r - c.first_run) * per_run + j], twin[r / stride][j]) ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) {
    std::printf("FAIL: throughput case: %s\n", s.message().c_str());
    return false;
  }
  const bool ok = checked == samples && differing == 0;
  std::printf("3. defaults, 20,000 runs (%zu landscapes): %zu landscapes of %zu sampled runs differ from the host twin  %s\n",
              runs * per_run, differing, checked, ok ? "ok" : "FAIL");
  std::printf("  %.3g evaluations/s, %.3g landscapes/s (%.2f s with transfers and aggregation), kernels alone %.3g evaluations/s (%.2f s)\n",
              stats.evaluations / stats.seconds, static_cast<double>(runs * per_run) / stats.seconds, stats.seconds,
              stats.evaluations / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.genome_bytes, "strings"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the blackbox.es CPU-vs-CUDA test");
  bool ok = per_landscape_equality(quick);
  if (!quick) {
    ok = batch_statistics_identical() && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
