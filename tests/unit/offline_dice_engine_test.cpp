// The CUDA engine's host twin for offline.dice (src/offline/engine_host.cpp: dice_learner_run over
// the pooled features and datasets, the code the GPU kernel runs) against the CPU engine
// (DiceExperiment's cursor: DiceLearner), run by run: every curve point and final value bit for bit.
// This runs everywhere, so a GPU session only has to show that the GPU computes what this host twin
// computes (tests/cuda/offline_dice_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "offline/dice_cuda.hpp"
#include "offline/dice_engine.hpp"

using namespace klab;
using namespace klab::offline;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_dice_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  DiceExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<DiceBatchConfig> c = dice_batch_config(e);
  REQUIRE(c.ok());
  const Expected<DiceBatch> batch = dice_batch(e, seed, first, runs);
  REQUIRE(batch.ok());
  std::vector<double> twin;
  run_dice_batch_host(c.value(), batch.value().pool, seed, first, runs, &twin);
  const size_t per_run = static_cast<size_t>(c.value().n_series) * c.value().n_snapshots * batch.value().pool.snapshot_stride();
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_dice_record(e, c.value(), batch.value(), seed, first, r, twin.data() + r * per_run, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("offline.dice engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // Four rooms, radial bumps + one-hot (the defaults' features), every method, fewer and smaller batches.
  check_dice_twin_equals_cpu({{"steps", "40"}, {"batch", "16"}}, 3, 2, 2);
  // Random MDPs, one per run (the pool holds several feature tables), tabular V, a checkpoint axis
  // that the steps do not divide evenly, bc first (the series order and the skipped learner).
  check_dice_twin_equals_cpu({{"methods", "bc,true,orthogonal"}, {"world", "random"}, {"size", "12"}, {"vary_world", "true"}, {"features", "tabular"},
                              {"steps", "37"}, {"batch", "9"}},
                             5, 0, 2);
  // Radial bumps only (a linear V), the semi-gradient and the expectile, batches of one transition.
  check_dice_twin_equals_cpu({{"methods", "semi,iql"}, {"features", "radial"}, {"steps", "25"}, {"batch", "1"}, {"eta", "2.5"}}, 7, 1, 1);
}
