// The CUDA engine's host twin for mdp.learning (src/mdp/engine_host.cpp: td_control_run over the
// pooled worlds, the code the GPU kernel runs) against the CPU engine (LearningExperiment's cursor:
// ControlLearner), run by run: every curve point and final value bit for bit. This runs everywhere,
// so a GPU session only has to show that the GPU computes what this host twin computes
// (tests/cuda/mdp_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "mdp/engine.hpp"
#include "mdp/learning_cuda.hpp"
#include "mdp/learning_experiment.hpp"

using namespace klab;
using namespace klab::mdp;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  LearningExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<TdBatchConfig> c = td_batch_config(e);
  REQUIRE(c.ok());
  const Expected<TdWorldPool> pool = td_world_pool(e, e.p().horizon, e.p().gamma, seed, first, runs);
  REQUIRE(pool.ok());
  std::vector<TdOutcome> twin;
  run_td_batch_host(c.value(), pool.value(), seed, first, runs, &twin);
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_td_record(c.value(), twin.data() + r * static_cast<size_t>(c.value().n_series), gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("mdp.learning engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // RiverSwim (one world for all runs), the default ε schedule and step size.
  check_twin_equals_cpu({{"methods", "q_learning,sarsa,expected_sarsa"}, {"episodes", "300"}}, 3, 2, 3);
  // Random MDPs, a new one per run (the pool holds several worlds), 1/n^ω steps, ε₀/√(k+1), γ < 1.
  check_twin_equals_cpu({{"methods", "expected_sarsa,q_learning"}, {"world", "random"}, {"size", "9"}, {"actions", "3"}, {"episodes", "200"},
                         {"horizon", "7"}, {"gamma", "0.9"}, {"step_rule", "polynomial"}, {"eps_schedule", "inverse_sqrt"}},
                        5, 0, 3);
  // The chain, SARSA alone, constant ε and constant α.
  check_twin_equals_cpu({{"methods", "sarsa"}, {"world", "chain"}, {"episodes", "150"}, {"eps_schedule", "constant"}, {"eps0", "0.2"},
                         {"step_rule", "constant"}, {"alpha", "0.3"}},
                        7, 1, 2);
}

TEST_CASE("mdp.learning engine: methods the CUDA engine does not run are named") {
  LearningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "q_learning,ucbvi,retrace"}}).ok());
  const Expected<TdBatchConfig> c = td_batch_config(e);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("'ucbvi', 'retrace'") != std::string::npos);
}
