// The CUDA engine's host twin for offline.prdc (src/offline/prdc_engine_host.cpp: prdc_learner_run over
// the pooled datasets and KD-trees, the code the GPU kernel runs) against the CPU engine
// (PrdcExperiment::run: PrdcRun's Td3Learners), run by run: every curve point and final value bit for
// bit. This runs everywhere, so a GPU session only has to show that the GPU computes what this host
// twin computes (tests/cuda/offline_prdc_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "offline/prdc_cuda.hpp"
#include "offline/prdc_engine.hpp"

using namespace klab;
using namespace klab::offline;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_prdc_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  PrdcExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<PrdcBatchConfig> c = prdc_batch_config(e);
  REQUIRE(c.ok());
  const PrdcBatch batch = prdc_batch(e, seed, first, runs);
  std::vector<Td3Check> twin;
  run_prdc_batch_host(c.value(), batch.pool, seed, first, runs, &twin);
  const size_t per_run = static_cast<size_t>(c.value().n_series) * c.value().n_checkpoints;
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_prdc_record(c.value(), batch, r, twin.data() + r * per_run, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("offline.prdc engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // Every method (PRDC's KD-tree queries, TD3+BC, cloning without a critic, TD3), small nets and batches, few steps.
  check_prdc_twin_equals_cpu({{"steps", "40"}, {"batch", "8"}, {"hidden", "4"}, {"episodes", "3"}, {"episode_length", "12"}}, 3, 2, 2);
  // The replay behaviour's dataset (an online learner on the host), no wall, a small β, methods in another order, an odd step count.
  check_prdc_twin_equals_cpu({{"methods", "td3,prdc"}, {"behaviour", "replay"}, {"wall", "false"}, {"beta", "0.5"}, {"steps", "23"}, {"batch", "5"},
                              {"hidden", "3"}, {"episodes", "2"}, {"episode_length", "10"}, {"lr", "0.01"}},
                             5, 0, 1);
}
