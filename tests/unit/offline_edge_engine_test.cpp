// The CUDA engine's host twin for offline.edge_of_reach (src/offline/engine_host.cpp:
// edge_learner_run over the pooled worlds and datasets, the code the GPU kernel runs) against the
// CPU engine (EdgeExperiment's cursor: RolloutLearner), run by run: every curve point and final
// value bit for bit. This runs everywhere, so a GPU session only has to show that the GPU computes
// what this host twin computes (tests/cuda/offline_edge_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "offline/edge_cuda.hpp"
#include "offline/engine.hpp"

using namespace klab;
using namespace klab::offline;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  EdgeExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<EdgeBatchConfig> c = edge_batch_config(e);
  REQUIRE(c.ok());
  const Expected<EdgeBatch> batch = edge_batch(e, seed, first, runs);
  REQUIRE(batch.ok());
  std::vector<double> twin;
  run_edge_batch_host(c.value(), batch.value().pool, seed, first, runs, &twin);
  const size_t per_run = static_cast<size_t>(c.value().n_series) * c.value().n_snapshots * batch.value().pool.max_pairs();
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_edge_record(c.value(), batch.value(), r, twin.data() + r * per_run, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("offline.edge_of_reach engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // Four rooms (one world for all runs), the three learners, fewer and shorter iterations.
  check_twin_equals_cpu({{"iterations", "30"}, {"updates_per_iteration", "60"}}, 3, 2, 2);
  // Random MDPs, one per run (the pool holds several worlds and stochastic successors), RAVL first,
  // a ring that fills and wraps (30 × 40 rollouts of up to 2 steps), a checkpoint axis that the
  // iterations do not divide evenly.
  check_twin_equals_cpu({{"methods", "ravl,mopo"}, {"world", "random"}, {"size", "12"}, {"vary_world", "true"}, {"iterations", "30"}, {"updates_per_iteration", "40"},
                         {"rollouts_per_iteration", "1000"}, {"rollout_length", "2"}, {"ensemble", "3"}, {"real_fraction", "0.3"}},
                        5, 0, 2);
  // A slippery grid, the full-horizon learner alone.
  check_twin_equals_cpu({{"methods", "full_horizon"}, {"slip", "0.2"}, {"iterations", "7"}, {"updates_per_iteration", "100"}, {"full_length", "30"}}, 7, 1, 2);
}
