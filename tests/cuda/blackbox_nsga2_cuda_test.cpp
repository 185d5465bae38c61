// CPU vs CUDA for blackbox.nsga2 (src/blackbox/nsga2_engine.cu runs nsga2_bits_run, the KLAB_HD
// bit-string NSGA-II its host twin runs, one GPU thread per (run, series, n); or nsga2_block_run, one
// block per (run, series, n), whose host twin runs each phase's threads in turn). Parts 1 and 3 run
// both forms, part 2 the form --backend cuda picks (Nsga2Form::Auto):
//   1. per-outcome equality with the host twin (nsga2_engine_host.cpp; tests/unit/blackbox_nsga2_engine_test.cpp
//      shows both host twins equal the CPU engine) on four bit-string configurations and, block form
//      only, three ZDT ones (ZDT1 at n = 10, 30; ZDT2 with odd offspring counts; ZDT3; exact in the
//      strict build; in the release build, where nvcc fuses the SBX sums, per (series, n) the mean of the
//      paired final-hypervolume differences (GPU − host twin, same run) within 4 of their standard errors). The bit-string configurations: the defaults (OneMinMax,
//      n = 16…64, NSGA-II and dNSGA-II); LOTZ at n = 9, 17 with a budget that stops runs; OneJumpZeroJump
//      k = 2 with small μ and τ (doublings); OneMinMax at n = 200 (7 words per string). Evaluations,
//      generations, coverage and hypervolume (at the end and at every checkpoint) must be equal: the
//      work is integer except the crowding distances (one division and one addition per term, IEEE
//      in every build, no multiply to fuse), so the strict and release builds must both be exact;
//   2. `run_cuda_job` (the --backend cuda engine) against the CPU engine's BatchJob on all cores, the
//      defaults, 64 runs: every curve and final statistic identical;
//   3. a large batch, the defaults, 4,096 runs (block form: 1,024): 32 runs spread over it equal the
//      host twin's (as in 1), the GPU's mean evaluations at n_max agree with the CPU engine's 256 runs (another seed) within
//      four standard errors of the difference, and the throughput is printed (evaluations/s; not asserted).
// `--quick`: part 1 on fewer runs (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "blackbox/nsga2_engine.hpp"
#include "blackbox/nsga2_experiment.hpp"
#include "core/batch.hpp"
#include "both_engines.hpp"
#include "launch_report.hpp"
#include "gpu_gate.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::blackbox;

bool configure(Nsga2Experiment& e, const std::vector<std::pair<std::string, std::string>>& kv) {
  const klab::Status s = e.params().set_texts(kv);
  if (!s.ok()) std::printf("FAIL: parameters: %s\n", s.message().c_str());
  return s.ok();
}

using klab::test::kStrict;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_outcome(const Nsga2Outcome& gpu, const Nsga2Outcome& cpu) {
  bool same = gpu.evaluations == cpu.evaluations && gpu.generations == cpu.generations && gpu.covered == cpu.covered &&
              same_bits(gpu.hypervolume, cpu.hypervolume);
  for (int j = 0; j < kNsgaCheckpoints; ++j) same = same && gpu.covered_at[j] == cpu.covered_at[j] && same_bits(gpu.hypervolume_at[j], cpu.hypervolume_at[j]);
  return same;
}

const char* form_name(Nsga2Form form) { return form == Nsga2Form::BlockPerRun ? "block per run" : "thread per run"; }

// The host twin of `form` for runs `run_ids` (each as a batch of one), on all cores.
std::vector<std::vector<Nsga2Outcome>> host_twin_runs(const Nsga2Config& cfg, uint64_t seed, const std::vector<uint32_t>& run_ids,
                                                      Nsga2Form form) {
  std::vector<std::vector<Nsga2Outcome>> out(run_ids.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < run_ids.size(); i = next++)
      if (form == Nsga2Form::BlockPerRun) run_nsga2_blocks_host(cfg, seed, run_ids[i], 1, kNsgaBlockThreads, &out[i]);
      else run_nsga2_batch_host(cfg, seed, run_ids[i], 1, &out[i]);
  };
  std::vector<std::thread> pool;
  const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(run_ids.size())));
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  return out;
}

// 1. Per-outcome equality on one configuration.
bool outcomes_match(const char* name, const std::vector<std::pair<std::string, std::string>>& params, uint32_t runs, Nsga2Form form) {
  Nsga2Experiment e;
  if (!configure(e, params)) return false;
  const Nsga2Config cfg = nsga2_config(e.p());
  std::vector<Nsga2Outcome> gpu;
  const klab::Status s = run_nsga2_batch_cuda(cfg, 17, 3, runs, &gpu, nullptr, form);
  if (!s.ok()) {
    std::printf("FAIL: %s: %s\n", name, s.message().c_str());
    return false;
  }
  std::vector<uint32_t> ids(runs);
  for (uint32_t i = 0; i < runs; ++i) ids[i] = 3 + i;
  const std::vector<std::vector<Nsga2Outcome>> cpu = host_twin_runs(cfg, 17, ids, form);
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  size_t differing = 0, covered = 0;
  std::vector<klab::RunningStat> hv_diff(per_run);  // per (series, n): gpu − cpu final hypervolume of the same run
  for (uint32_t r = 0; r < runs; ++r)
    for (size_t j = 0; j < per_run; ++j) {
      differing += same_outcome(gpu[r * per_run + j], cpu[r][j]) ? 0 : 1;
      covered += cpu[r][j].covered == cfg.grid[j % static_cast<size_t>(cfg.n_grid)].targets ? 1 : 0;
      hv_diff[j].push(gpu[r * per_run + j].hypervolume - cpu[r][j].hypervolume);
    }
  // ZDT in the release build: nvcc fuses the SBX sums (a·b + c), so trajectories part after a last-bit
  // difference; there, per (series, n), the mean of the paired differences must lie within 4 of their
  // standard errors of 0 instead.
  const bool exact = kStrict || !klab::blackbox::real_coded(cfg.benchmark);
  bool paired = true;
  for (const klab::RunningStat& d : hv_diff) paired = paired && std::fabs(d.mean()) <= 4 * d.sem();
  const bool ok = exact ? differing == 0 : paired;
  std::printf("  %-52s %u runs x %zu (series, n) (%zu covered the front): %zu differ from the host twin%s  %s\n", name, runs, per_run, covered,
              differing, exact ? "" : " (release: fused multiply-adds; per (series, n), mean paired hypervolume difference within 4 SE)",
              ok ? "ok" : "FAIL");
  return ok;
}

bool per_outcome_equality(bool quick, Nsga2Form form) {
  std::printf("1. per-outcome equality with the host twin, %s (bits: every build, integer work and IEEE crowding terms; ZDT: strict build)\n",
              form_name(form));
  const uint32_t n = quick ? 4 : 64;
  bool ok = outcomes_match("defaults: OneMinMax, n = 16..64", {}, n, form);
  ok = outcomes_match("LOTZ, n = 9, 17, budget n^3", {{"benchmark", "lotz"}, {"n_min", "9"}, {"n_max", "17"}, {"n_points", "2"}, {"budget_factor", "1"}}, n,
                      form) &&
       ok;
  ok = outcomes_match("OneJumpZeroJump k = 2, n = 8, 12, mu 2(n+1), tau 0.2 e n",
                      {{"benchmark", "ojzj"}, {"n_min", "8"}, {"n_max", "12"}, {"n_points", "2"}, {"mu_factor", "2"}, {"tau_factor", "0.2"}, {"budget_factor", "3"}},
                      n, form) &&
       ok;
  ok = outcomes_match("OneMinMax, n = 200, budget 0.2 n^3", {{"n_min", "200"}, {"n_max", "200"}, {"n_points", "1"}, {"budget_factor", "0.2"}}, n / 4,
                      form) &&
       ok;
  if (form != Nsga2Form::BlockPerRun) return ok;  // ZDT runs in the block form only
  ok = outcomes_match("ZDT1, n = 10, 30, budget n^3", {{"benchmark", "zdt1"}, {"n_min", "10"}, {"n_max", "30"}, {"n_points", "2"}, {"budget_factor", "1"}},
                      n, form) &&
       ok;
  ok = outcomes_match("ZDT2, n = 8, mu 2.1(n+1) (odd), tau 0.3 e n",
                      {{"benchmark", "zdt2"}, {"n_min", "8"}, {"n_max", "8"}, {"n_points", "1"}, {"mu_factor", "2.1"}, {"tau_factor", "0.3"}, {"budget_factor", "3"}},
                      n, form) &&
       ok;
  ok = outcomes_match("ZDT3, n = 12, delta 0.2", {{"benchmark", "zdt3"}, {"n_min", "12"}, {"n_max", "12"}, {"n_points", "1"}, {"front_tolerance", "0.2"},
                                                  {"budget_factor", "3"}},
                      n, form) &&
       ok;
  return ok;
}

// 2. Batch statistics through run_cuda_job against the CPU engine.
bool batch_statistics_identical() {
  Nsga2Experiment e;
  klab::BatchResult gpu, cpu;
  if (!klab::test::run_both_engines(e, 5, 64, &gpu, &cpu)) return false;
  size_t differing = 0, total = 0;
  auto same = [](const klab::RunningStat& a, const klab::RunningStat& b) { return a.mean() == b.mean() && a.sem() == b.sem(); };
  for (size_t i = 0; i < cpu.stats.curves.size(); ++i, ++total) differing += same(gpu.stats.curves[i], cpu.stats.curves[i]) ? 0 : 1;
  for (size_t i = 0; i < cpu.stats.finals.size(); ++i, ++total) differing += same(gpu.stats.finals[i], cpu.stats.finals[i]) ? 0 : 1;
  const bool ok = differing == 0;
  std::printf("2. run_cuda_job vs the CPU engine (BatchJob, all cores), defaults, 64 runs: %zu of %zu statistics differ  %s\n", differing, total,
              ok ? "ok" : "FAIL");
  std::printf("  GPU %.2f s, CPU engine on all cores %.2f s (64 runs)\n", gpu.seconds, cpu.seconds);
  return ok;
}

// 3. The large batch: sampled equality, statistical agreement with the CPU engine, throughput.
bool large_batch(Nsga2Form form, uint32_t runs) {
  Nsga2Experiment e;
  const Nsga2Config cfg = nsga2_config(e.p());
  const uint32_t samples = 32, stride = runs / samples;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < samples; ++i) ids.push_back(i * stride);
  const std::vector<std::vector<Nsga2Outcome>> twin = host_twin_runs(cfg, 9, ids, form);
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  const size_t last = static_cast<size_t>(cfg.n_grid - 1);  // (series s, n_max) at s·N + N − 1
  size_t checked = 0, differing = 0;
  std::vector<klab::RunningStat> gpu_evals(static_cast<size_t>(cfg.n_series));
  Nsga2CudaStats stats;
  const klab::Status s = run_nsga2_cuda(cfg, 9, 0, runs, [&](const Nsga2Chunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      const Nsga2Outcome* o = c.outcome + (r - c.first_run) * per_run;
      for (size_t sr = 0; sr < gpu_evals.size(); ++sr) gpu_evals[sr].push(static_cast<double>(o[sr * static_cast<size_t>(cfg.n_grid) + last].evaluations));
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      for (size_t j = 0; j < per_run; ++j) differing += same_outcome(o[j], twin[r / stride][j]) ? 0 : 1;
    }
  }, &stats, form);
  if (!s.ok()) {
    std::printf("FAIL: large batch: %s\n", s.message().c_str());
    return false;
  }
  bool ok = checked == samples && differing == 0;
  std::printf("3. %s, defaults, %u runs (%zu (series, n) runs): %zu outcomes of %zu sampled runs differ from the host twin  %s\n", form_name(form),
              runs, runs * per_run,
              differing, checked, ok ? "ok" : "FAIL");
  klab::BatchJob job(e.clone(), 21, 256);  // an independent CPU batch
  job.run_all(0);
  const klab::BatchResult cpu = job.result();
  for (size_t sr = 0; sr < gpu_evals.size(); ++sr) {
    const klab::RunningStat& c = cpu.final_stat(sr, 0);  // evaluations_at_n_max (a budget-capped run counts its budget: none at the defaults)
    const double gap = std::fabs(gpu_evals[sr].mean() - c.mean()), se = std::sqrt(gpu_evals[sr].sem() * gpu_evals[sr].sem() + c.sem() * c.sem());
    const bool agree = gap <= 4 * se;
    ok = ok && agree;
    std::printf("  %-7s evaluations at n_max: GPU %.1f ± %.1f (%u runs), CPU %.1f ± %.1f (256 runs, seed 21): |gap| %.2f SE  %s\n",
                cpu.layout.series[sr].c_str(), gpu_evals[sr].mean(), gpu_evals[sr].sem(), runs, c.mean(), c.sem(), se > 0 ? gap / se : 0.0,
                agree ? "ok" : "FAIL");
  }
  std::printf("  %.3g evaluations/s (%.2f s with transfers), kernels alone %.3g evaluations/s (%.2f s)\n", stats.evaluations / stats.seconds,
              stats.seconds, stats.evaluations / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.workspace_bytes, "workspaces"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the blackbox.nsga2 CPU-vs-CUDA test");
  bool ok = true;
  for (Nsga2Form form : {Nsga2Form::ThreadPerRun, Nsga2Form::BlockPerRun}) ok = per_outcome_equality(quick, form) && ok;
  if (!quick) {
    ok = batch_statistics_identical() && ok;
    // The block form on a quarter of the runs: its work grows with the landscapes past one wave of
    // blocks (src/blackbox/README.md, "Block per run"), and the GPU check's time is short.
    ok = large_batch(Nsga2Form::ThreadPerRun, 4096) && ok;
    ok = large_batch(Nsga2Form::BlockPerRun, 1024) && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
