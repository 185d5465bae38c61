// The CUDA engine's host twin for mdp.learning (src/mdp/engine_host.cpp: td_control_run over the
// pooled worlds, the code the GPU kernel runs) against the CPU engine (LearningExperiment's cursor:
// ControlLearner, TraceEvaluator), run by run: every curve point and final value bit for bit, for
// the TD learners, UCBVI and the trace evaluators (every λ). This runs everywhere,
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
    fill_td_record(c.value(), twin.data() + r * static_cast<size_t>(c.value().n_jobs), gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("mdp.learning engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // RiverSwim (one world for all runs), the default methods (all seven), ε schedule, step size,
  // UCBVI bonus, λ and π, μ.
  check_twin_equals_cpu({{"episodes", "300"}}, 3, 2, 3);
  // Random MDPs, a new one per run (the pool holds several worlds), 1/n^ω steps, ε₀/√(k+1), γ < 1.
  check_twin_equals_cpu({{"methods", "expected_sarsa,ucbvi,rbis,q_learning,tree_backup"}, {"bonus_scale", "0.1"}, {"lambda", "0.5"},
                         {"ope_alpha", "0.05"}, {"target_eps", "0.3"}, {"world", "random"}, {"size", "9"}, {"actions", "3"}, {"episodes", "200"},
                         {"horizon", "7"}, {"gamma", "0.9"}, {"step_rule", "polynomial"}, {"eps_schedule", "inverse_sqrt"}},
                        5, 0, 3);
  // The chain, SARSA alone, constant ε and constant α.
  check_twin_equals_cpu({{"methods", "sarsa"}, {"world", "chain"}, {"episodes", "150"}, {"eps_schedule", "constant"}, {"eps0", "0.2"},
                         {"step_rule", "constant"}, {"alpha", "0.3"}},
                        7, 1, 2);
}

TEST_CASE("mdp.learning engine: UCBVI alone in the host twin equals the CPU engine run by run") {
  // The chain (no TD update counts in a thread's tables), another bonus and δ; random MDPs of
  // branching 2, a new one per run, H = 5.
  check_twin_equals_cpu({{"methods", "ucbvi"}, {"world", "chain"}, {"episodes", "200"}, {"bonus_scale", "0.02"}, {"delta", "0.2"}}, 11, 0, 2);
  check_twin_equals_cpu({{"methods", "ucbvi"}, {"world", "random"}, {"size", "7"}, {"branching", "2"}, {"episodes", "100"}, {"horizon", "5"}}, 13, 4, 2);
}

TEST_CASE("mdp.learning engine: a job per control learner, 1 + 6 per evaluator (the curve's λ, the λ grid)") {
  LearningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "retrace,ucbvi"}, {"lambda", "0.3"}}).ok());
  const Expected<TdBatchConfig> c = td_batch_config(e);
  REQUIRE(c.ok());
  REQUIRE(c.value().n_jobs == 8);
  CHECK(c.value().method[0] == kTdTrace + static_cast<int>(TraceMethod::Retrace));
  CHECK((c.value().slot[0] == 0 && c.value().lambda[0] == 0.3 && c.value().lambda_slot[0] == -1));
  CHECK((c.value().lambda[6] == trace_lambdas()[5] && c.value().lambda_slot[6] == 5));
  CHECK((c.value().method[7] == kTdUcbvi && c.value().slot[7] == 1));
  LearningExperiment all;  // the defaults: 4 learners + 3 × 7
  REQUIRE(td_batch_config(all).ok());
  CHECK(td_batch_config(all).value().n_jobs == 25);
}

namespace {

// World i of `pool` as plain arrays (ints, reals, flags in the order of TdWorld's offsets), V*_0(ρ) last.
std::vector<double> world_data(const TdWorldPool& pool, size_t i, int horizon) {
  const TdWorld& w = pool.worlds[i];
  const size_t nnz = static_cast<size_t>(pool.ints[static_cast<size_t>(w.first_next + w.pairs)]);
  std::vector<double> d;
  const auto ints = [&](long long at, size_t n) { d.insert(d.end(), pool.ints.begin() + at, pool.ints.begin() + at + static_cast<long long>(n)); };
  const auto reals = [&](long long at, size_t n) { d.insert(d.end(), pool.reals.begin() + at, pool.reals.begin() + at + static_cast<long long>(n)); };
  const size_t states = static_cast<size_t>(w.states), pairs = static_cast<size_t>(w.pairs), h = static_cast<size_t>(horizon);
  ints(w.first_pair, states + 1), ints(w.first_next, pairs + 1), ints(w.next_state, nnz);
  reals(w.next_prob, nnz), reals(w.reward, pairs), reals(w.start, states), reals(w.q_star, h * pairs);
  d.insert(d.end(), pool.flags.begin() + w.reachable, pool.flags.begin() + w.reachable + static_cast<long long>(h * states));
  d.push_back(w.v_star);
  return d;
}

}  // namespace

TEST_CASE("mdp.learning engine: the world pool is the same built on one thread or several, run for run") {
  LearningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "q_learning"}, {"world", "random"}, {"size", "5"}, {"actions", "3"}, {"horizon", "4"}}).ok());
  const uint64_t seed = 9;
  const uint32_t first = 3, runs = 50;  // four blocks of kBlockRuns, the last one partial
#if defined(__EMSCRIPTEN__)
  const int several = 1;  // no threads in the wasm build: only the run-for-run part below is tested there
#else
  const int several = 4;
#endif
  const Expected<TdWorldPool> one = td_world_pool(e, 4, 1.0, seed, first, runs, 1), four = td_world_pool(e, 4, 1.0, seed, first, runs, several);
  REQUIRE(one.ok());
  REQUIRE(four.ok());
  CHECK(one.value().ints == four.value().ints);
  REQUIRE(one.value().reals.size() == four.value().reals.size());
  CHECK(std::memcmp(one.value().reals.data(), four.value().reals.data(), one.value().reals.size() * sizeof(double)) == 0);
  CHECK(one.value().flags == four.value().flags);
  CHECK(one.value().world_of_run == four.value().world_of_run);
  REQUIRE(four.value().worlds.size() == runs);  // a new world per run
  for (uint32_t r = 0; r < runs; ++r) {  // each entry is that run's world on its own (offsets shifted right)
    const Expected<TdWorldPool> alone = td_world_pool(e, 4, 1.0, seed, first + r, 1, 1);
    REQUIRE(alone.ok());
    const std::vector<double> a = world_data(four.value(), four.value().world_of_run[r], 4), b = world_data(alone.value(), 0, 4);
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  }
  // One world for every run (RiverSwim): one entry, whatever the number of runs.
  LearningExperiment river;
  const Expected<TdWorldPool> shared = td_world_pool(river, 20, 1.0, seed, 0, 40, 4);
  REQUIRE(shared.ok());
  CHECK(shared.value().worlds.size() == 1);
  CHECK(shared.value().world_of_run == std::vector<uint32_t>(40, 0));
}
