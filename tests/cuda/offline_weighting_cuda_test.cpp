// CPU vs CUDA for offline.weighting's CQL learners (src/offline/engine.cu runs the same KLAB_INLINE
// draws and CQL(H) updates as the CPU engine's CqlLearner, weighting_core.hpp, one GPU thread per
// (run, share, learner)):
//   1. per-run equality with the host twin (engine_host.cpp; tests/unit/offline_weighting_engine_test.cpp
//      shows the host twin equals the CPU engine run by run) on four rooms (the three CQL samplers)
//      and on random MDPs (a world per run): every final Q of a non-empty dataset. The draws are
//      integer work and do not depend on Q; the updates are sums of products and one exp per action:
//      in a strict build (the lab's own exp, no fused multiply-add) every learner must be
//      bit-identical. In a release build CUDA's exp and fused multiply-adds move last bits: a learner
//      agrees when every Q value is within 1e-6·(1 + max |Q|) of the host twin's; at most 1% of the
//      learners may differ;
//   2. `run_cuda_job` (the --backend cuda engine; cloning and the exact evaluations on the host)
//      against the CPU engine's BatchJob on all cores, the defaults, 64 runs: every curve and final
//      statistic identical in a strict build, the final means within 4 standard errors otherwise;
//   3. the throughput case: cql_uniform, cql_rw and cql_aw at the defaults (20,000 updates, six shares)
//      on 8,192 runs, kernels only: the datasets of 64 runs are built and reused cyclically (run r
//      reads run r mod 64's datasets with its own draws), so that 147,456 threads fill the GPU without
//      8,192 runs' host work; 16 runs spread over the batch agree with the host twin (release: one may
//      differ), and CQL updates/s are printed (not asserted).
// `--quick`: part 1 on fewer runs and updates (for compute-sanitizer, scripts/gpu_check.sh).
// Exits 77 (ctest: skipped) where no GPU exists, 1 on any CUDA error (tests/cuda/gpu_gate.hpp).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "both_engines.hpp"
#include "gpu_gate.hpp"
#include "launch_report.hpp"
#include "learner_compare.hpp"
#include "offline/weighting_cuda.hpp"
#include "offline/weighting_engine.hpp"
#include "strict_fp.hpp"

namespace {

using namespace klab::offline;
using Params = std::vector<std::pair<std::string, std::string>>;

using klab::test::kStrict;
using klab::test::same_learner;

struct Batch {
  WeightingExperiment e;
  WeightingBatchConfig cfg;
  WeightingBatch data;
  size_t per_run() const { return static_cast<size_t>(cfg.n_learners) * cfg.n_shares * data.pool.max_pairs(); }
};

bool prepare(Batch& b, const Params& params, uint64_t seed, uint32_t first, uint32_t runs) {
  const klab::Status s = b.e.params().set_texts(params);
  if (!s.ok()) return std::printf("FAIL: parameters: %s\n", s.message().c_str()), false;
  const klab::Expected<WeightingBatchConfig> c = weighting_batch_config(b.e);
  if (!c.ok()) return std::printf("FAIL: %s\n", c.error().c_str()), false;
  klab::Expected<WeightingBatch> data = weighting_batch(b.e, c.value(), seed, first, runs);
  if (!data.ok()) return std::printf("FAIL: %s\n", data.error().c_str()), false;
  b.cfg = c.value();
  b.data = std::move(data.value());
  return true;
}

// Of the learners of `runs` runs (the pool's runs first .. first + runs − 1, outcomes from gpu and cpu
// in the engine's layout), those on non-empty datasets, and how many of them differ.
size_t differing_learners(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint32_t first, uint32_t runs, const double* gpu,
                          const double* cpu, size_t* learners) {
  const size_t pairs = static_cast<size_t>(pool.max_pairs()), shares = static_cast<size_t>(cfg.n_shares);
  size_t differing = 0;
  for (uint32_t r = 0; r < runs; ++r)
    for (int l = 0; l < cfg.n_learners; ++l)
      for (size_t k = 0; k < shares; ++k) {
        const WeightingDataset& d = pool.datasets[(first + r) * shares + k];
        if (d.size == 0) continue;
        ++*learners;
        const size_t at = ((static_cast<size_t>(r) * cfg.n_learners + static_cast<size_t>(l)) * shares + k) * pairs;
        differing += same_learner(gpu + at, cpu + at, static_cast<size_t>(pool.worlds[d.world].pairs)) ? 0 : 1;
      }
  return differing;
}

// 1. Per-run equality with the host twin on one configuration.
bool runs_match(const char* name, const Params& params, uint32_t runs) {
  Batch b;
  if (!prepare(b, params, 17, 3, runs)) return false;
  std::vector<double> gpu, cpu;
  const klab::Status s = run_weighting_batch_cuda(b.cfg, b.data.pool, 17, 3, runs, &gpu);
  if (!s.ok()) return std::printf("FAIL: %s: %s\n", name, s.message().c_str()), false;
  run_weighting_batch_host(b.cfg, b.data.pool, 17, 3, runs, &cpu);
  size_t learners = 0;
  const size_t differing = differing_learners(b.cfg, b.data.pool, 0, runs, gpu.data(), cpu.data(), &learners);
  const bool ok = learners > 0 && klab::test::few_enough_learners(differing, learners);
  std::printf("  %-48s %u runs, %zu learners: %zu differ from the host twin  %s\n", name, runs, learners, differing, ok ? "ok" : "FAIL");
  return ok;
}

bool per_run_equality(bool quick) {
  std::printf("1. per-run equality with the host twin (%s)\n", kStrict ? "strict build: bit for bit" : "release build: <= 1% may differ");
  const uint32_t n = quick ? 4 : 64;
  const std::string updates = quick ? "200" : "5000";
  bool ok = runs_match("four rooms, cql_uniform, cql_rw, cql_aw", {{"methods", "cql_uniform,cql_rw,cql_aw,bc_rw"}, {"updates", updates}}, n);
  ok = runs_match("random MDPs (a world per run), cql_aw, c = 1",
                  {{"methods", "cql_aw"}, {"world", "random"}, {"size", "30"}, {"vary_world", "true"}, {"cql_weight", "1"}, {"updates", updates}},
                  n / 2) &&
       ok;
  return ok;
}

// 3. The throughput case, validated on 16 runs spread over the batch.
bool throughput_case() {
  const uint32_t runs = 8192, built = 64, samples = 16, stride = runs / samples;
  Batch b;
  if (!prepare(b, {{"methods", "cql_uniform,cql_rw,cql_aw"}}, 9, 0, built)) return false;
  // Run r reads run r mod 64's datasets (entries copied; the transitions and sums are shared).
  WeightingPool pool = b.data.pool;
  const size_t shares = static_cast<size_t>(b.cfg.n_shares);
  pool.datasets.resize(runs * shares);
  for (size_t i = built * shares; i < pool.datasets.size(); ++i) pool.datasets[i] = pool.datasets[i % (built * shares)];
  const size_t per_run = b.per_run();
  // The host twin of the sampled runs alone (run_weighting_batch_host's loop body).
  const WeightingPoolView view = pool.view();
  std::vector<double> soft(static_cast<size_t>(pool.max_actions()));
  std::vector<std::vector<double>> twin(samples, std::vector<double>(per_run, 0.0));
  for (uint32_t i = 0; i < samples; ++i)
    for (int l = 0; l < b.cfg.n_learners; ++l)
      for (size_t k = 0; k < shares; ++k)
        weighting_learner_run(b.cfg, view, pool.datasets[i * stride * shares + k], l, static_cast<int>(k), 9, i * stride, soft.data(),
                              twin[i].data() + (static_cast<size_t>(l) * shares + k) * pool.max_pairs());
  size_t checked = 0, differing = 0;
  WeightingCudaStats stats;
  const klab::Status s = run_weighting_cuda(b.cfg, pool, 9, 0, runs, [&](const WeightingChunk& c) {
    for (uint32_t r = c.first_run; r < c.first_run + c.runs; ++r) {
      if (r % stride != 0 || r / stride >= samples) continue;
      ++checked;
      size_t learners = 0;
      differing += differing_learners(b.cfg, pool, r, 1, c.q + (r - c.first_run) * per_run, twin[r / stride].data(), &learners) == 0 ? 0 : 1;
    }
  }, &stats);
  if (!s.ok()) return std::printf("FAIL: throughput case: %s\n", s.message().c_str()), false;
  const bool ok = checked == samples && (kStrict ? differing == 0 : differing <= 1);  // release: a moved bit may flip a near tie
  std::printf("3. cql_uniform, cql_rw, cql_aw at the defaults (20,000 updates, 6 shares), 8,192 runs on 64 runs' datasets: %zu of %zu sampled runs differ "
              "from the host twin  %s\n",
              differing, checked, ok ? "ok" : "FAIL");
  std::printf("  %.3g CQL updates/s (%.2f s with transfers); kernels alone %.3g updates/s (%.2f s)\n", stats.updates / stats.seconds, stats.seconds,
              stats.updates / stats.kernel_seconds, stats.kernel_seconds);
  klab::test::print_launch(stats, klab::test::mib_of(stats.table_bytes, "Q tables and scratch"));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  klab::test::require_gpu_or_exit("the offline.weighting CPU-vs-CUDA test");
  bool ok = per_run_equality(quick);
  if (!quick) {
    ok = klab::test::engines_agree(WeightingExperiment(), 5, 64, kStrict, "the defaults") && ok;
    ok = throughput_case() && ok;
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
