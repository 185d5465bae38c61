// The batched value iteration engine's host twin (src/mdp/vi_engine_host.cpp: vi_run over the
// pooled MDPs, the code the GPU kernel runs, with a team of one) and the records filled from it
// (planning_cuda.cpp: the host's policy evaluations, PlanRecorder) against the CPU engine
// (PlanningExperiment's cursor: Planner), run by run: every curve point and final value bit for
// bit. A GPU session then only has to show that the GPU computes what this host twin computes
// (tests/cuda/mdp_vi_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "mdp/planning_cuda.hpp"
#include "mdp/vi_engine.hpp"

using namespace klab;
using namespace klab::mdp;

namespace {

// Runs first .. first + runs − 1 through both engines (the host twin with a log of max_policies);
// the records must be bitwise equal. Returns how many runs overflowed their log (the CPU reruns them).
int check_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, int max_policies, uint64_t seed, uint32_t first, uint32_t runs) {
  PlanningExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<ViBatchConfig> c = vi_batch_config(e, max_policies);
  REQUIRE(c.ok());
  const Expected<ViWorldPool> pool = vi_world_pool(e, seed, first, runs);  // all cores (one in wasm)
  REQUIRE(pool.ok());
  std::vector<ViOutcome> twin;
  std::vector<int> log;
  run_vi_batch_host(c.value(), pool.value(), runs, &twin, &log);
  const size_t stride = static_cast<size_t>(max_policies + 1) * static_cast<size_t>(pool.value().max_states());
  RunRecord cpu(layout), gpu_path(layout);
  int overflows = 0;
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_vi_record(e, layout, c.value(), pool.value(), r, twin[r], log.data() + r * stride, seed, first + r, gpu_path);
    overflows += twin[r].overflow;
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
  return overflows;
}

}  // namespace

TEST_CASE("mdp.planning engine: the host twin of batched value iteration equals the CPU engine run by run") {
  // Random MDPs, a new one per run (18 runs: two blocks of the pool, placed with shifted offsets), γ = 0.95.
  CHECK(check_twin_equals_cpu({{"methods", "vi"}, {"size", "20"}, {"iterations", "200"}}, kMaxViPolicies, 3, 5, 18) == 0);
  // One world for every run (the chain), γ = 0.99, a tight tolerance.
  CHECK(check_twin_equals_cpu({{"methods", "vi"}, {"world", "chain"}, {"gamma", "0.99"}, {"iterations", "400"}, {"tolerance", "1e-9"}},
                              kMaxViPolicies, 1, 0, 2) == 0);
  // A log of two policies: runs whose greedy policy changes twice or more overflow and are rerun by
  // the CPU engine, the others are filled from the twin; both kinds must occur.
  const int overflows = check_twin_equals_cpu({{"methods", "vi"}, {"size", "12"}, {"actions", "3"}, {"iterations", "60"}}, 2, 7, 0, 6);
  CHECK(overflows > 0);
  CHECK(overflows < 6);
}

TEST_CASE("mdp.planning engine: methods the batched value iteration engine does not run are named") {
  PlanningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "vi,pi,soft_vi"}}).ok());
  const Expected<ViBatchConfig> c = vi_batch_config(e);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("'pi', 'soft_vi'") != std::string::npos);
  REQUIRE(e.params().set_texts({{"methods", "vi"}}).ok());
  CHECK(vi_batch_config(e).ok());
}
