// The CUDA engine's host twin for offline.weighting (src/offline/engine_host.cpp: weighting_learner_run
// over the pooled worlds and datasets, the code the GPU kernel runs) against the CPU engine
// (WeightingExperiment::run: WeightingRun's CqlLearners), run by run: every curve point and final
// value, and every learner's final Q, bit for bit. This runs everywhere, so a GPU session only has to show that the GPU computes what
// this host twin computes (tests/cuda/offline_weighting_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "offline/weighting_cuda.hpp"
#include "offline/weighting_engine.hpp"

using namespace klab;
using namespace klab::offline;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_weighting_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  WeightingExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<WeightingBatchConfig> c = weighting_batch_config(e);
  REQUIRE(c.ok());
  const Expected<WeightingBatch> batch = weighting_batch(e, c.value(), seed, first, runs);
  REQUIRE(batch.ok());
  std::vector<double> twin;
  run_weighting_batch_host(c.value(), batch.value().pool, seed, first, runs, &twin);
  const size_t per_run = static_cast<size_t>(c.value().n_learners) * c.value().n_shares * batch.value().pool.max_pairs();
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_weighting_record(e, c.value(), batch.value(), r, twin.data() + r * per_run, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
    // The returns see Q only through its greedy policy: the Q tables themselves, bit for bit, against
    // CqlLearner (train_cql) on the run's own datasets and stream.
    const WeightingRun& run = *batch.value().runs[r];
    const mdp::Mdp& m = run.world().mdp;
    for (int l = 0; l < c.value().n_learners; ++l)
      for (size_t k = 0; k < run.shares(); ++k) {
        if (run.dataset(k).size() == 0) continue;
        Rng rng(seed, first + r, kWeightingCqlStream + static_cast<uint32_t>(k));
        const std::vector<double> q = train_cql(m, run.dataset(k), run.probabilities(k, static_cast<Sampler>(c.value().sampler[l])), c.value().settings, rng);
        const double* twin_q = twin.data() + r * per_run + (static_cast<size_t>(l) * c.value().n_shares + k) * batch.value().pool.max_pairs();
        CHECK(std::memcmp(q.data(), twin_q, q.size() * sizeof(double)) == 0);
      }
  }
}

}  // namespace

TEST_CASE("offline.weighting engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // Four rooms, every method (the three CQL samplers on the engine, cloning on the host), fewer updates.
  check_weighting_twin_equals_cpu({{"methods", "bc_uniform,bc_rw,bc_aw,cql_uniform,cql_rw,cql_aw"}, {"updates", "400"}, {"episodes", "20"}}, 3, 2, 2);
  // Random MDPs, one per run (the pool holds several worlds), a CQL method before a cloning one, a
  // slippery world's data, a strong conservative term.
  check_weighting_twin_equals_cpu({{"methods", "cql_aw,bc_rw,cql_uniform"}, {"world", "random"}, {"size", "12"}, {"vary_world", "true"},
                                   {"shares", "0,0.3"}, {"episodes", "8"}, {"updates", "300"}, {"cql_weight", "2"}},
                                  5, 0, 2);
  // A slippery grid with few, short trajectories and a large step.
  check_weighting_twin_equals_cpu({{"methods", "cql_rw"}, {"slip", "0.2"}, {"episodes", "3"}, {"episode_length", "5"}, {"updates", "200"}, {"step_size", "1"}},
                                  7, 1, 1);
}

TEST_CASE("offline.weighting engine: behaviour cloning alone has nothing for the CUDA engine and is refused by name") {
  WeightingExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "bc_uniform,bc_rw"}}).ok());
  const Expected<WeightingBatchConfig> c = weighting_batch_config(e);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("methods") != std::string::npos);
  CHECK(c.error().find("cql_uniform") != std::string::npos);
}
