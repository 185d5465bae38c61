// blackbox.nsga2's CUDA engine without a GPU: its host twins (nsga2_engine_host.cpp: nsga2_bits_run,
// the thread form's code, on the kernel's workspace layout; nsga2_block_run, the block form's phases,
// with the threads of each phase in turn) against the CPU engine (nsga2.cpp through
// nsga2_cpu_outcome), run by run and (series, n) by (series, n): evaluations, generations, the final
// coverage and hypervolume bits, and the coverage and hypervolume at every checkpoint. A GPU session
// then only has to show that the GPU computes what the host twin computes (tests/cuda/
// blackbox_nsga2_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "blackbox/nsga2_engine.hpp"
#include "blackbox/nsga2_experiment.hpp"

using namespace klab;
using namespace klab::blackbox;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Runs first .. first + runs − 1 of a host twin (the thread form's, or with block_threads > 0 the block
// form's with that many threads) against the CPU engine; returns how many (run, series, n) outcomes
// covered the front (so a test can see that both outcomes occur).
int check_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs,
                          int block_threads = 0) {
  Nsga2Experiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const Nsga2Config c = nsga2_config(e.p());
  REQUIRE(nsga2_cuda_supports(c).ok());
  std::vector<Nsga2Outcome> twin;
  if (block_threads > 0) run_nsga2_blocks_host(c, seed, first, runs, block_threads, &twin);
  else run_nsga2_batch_host(c, seed, first, runs, &twin);
  int covered = 0;
  for (uint32_t i = 0; i < runs; ++i)
    for (int s = 0; s < c.n_series; ++s)
      for (int k = 0; k < c.n_grid; ++k) {
        const Nsga2Outcome cpu = nsga2_cpu_outcome(e.p(), c, s, k, seed, first + i);
        const Nsga2Outcome& o = twin[(i * static_cast<uint32_t>(c.n_series) + static_cast<uint32_t>(s)) * static_cast<uint32_t>(c.n_grid) +
                                     static_cast<uint32_t>(k)];
        CAPTURE(i);
        CAPTURE(s);
        CAPTURE(k);
        CHECK(o.evaluations == cpu.evaluations);
        CHECK(o.generations == cpu.generations);
        CHECK(o.covered == cpu.covered);
        CHECK(same_bits(o.hypervolume, cpu.hypervolume));
        int checkpoints_differing = 0;
        for (int j = 0; j < kNsgaCheckpoints; ++j)
          checkpoints_differing += o.covered_at[j] == cpu.covered_at[j] && same_bits(o.hypervolume_at[j], cpu.hypervolume_at[j]) ? 0 : 1;
        CHECK(checkpoints_differing == 0);
        covered += o.covered == c.grid[k].targets ? 1 : 0;
      }
  return covered;
}

}  // namespace

TEST_CASE("blackbox.nsga2 engine: the host twin of the CUDA engine walks the CPU engine's trajectories") {
  SUBCASE("defaults: OneMinMax, n = 16, 32, 64, both algorithms") { CHECK(check_twin_equals_cpu({}, 1, 0, 2) == 2 * 2 * 3); }
  SUBCASE("LOTZ, n = 9, 17 (a word boundary), a budget that stops some runs") {
    const int covered = check_twin_equals_cpu({{"benchmark", "lotz"}, {"n_min", "9"}, {"n_max", "17"}, {"n_points", "2"}, {"budget_factor", "1"}}, 7, 3, 3);
    CHECK(covered > 0);
    CHECK(covered < 3 * 2 * 2);
  }
  SUBCASE("OneJumpZeroJump k = 2, n = 8, 12; μ = 2(n + 1), τ = ⌈0.2·e·n⌉: a doubling every generation up to μ") {
    const int covered = check_twin_equals_cpu({{"benchmark", "ojzj"}, {"jump", "2"}, {"n_min", "8"}, {"n_max", "12"}, {"n_points", "2"},
                                               {"mu_factor", "2"}, {"tau_factor", "0.2"}, {"budget_factor", "3"}},
                                              5, 0, 3);
    CHECK(covered > 0);
  }
}

TEST_CASE("blackbox.nsga2 engine: the block form's host twin (threads of each phase in turn) walks the CPU engine's trajectories") {
  SUBCASE("defaults, the kernel's 128 threads") { CHECK(check_twin_equals_cpu({}, 1, 0, 1, kNsgaBlockThreads) == 2 * 3); }
  SUBCASE("LOTZ, n = 9, 17, a budget that stops some runs; 32 threads") {
    const int covered =
        check_twin_equals_cpu({{"benchmark", "lotz"}, {"n_min", "9"}, {"n_max", "17"}, {"n_points", "2"}, {"budget_factor", "1"}}, 7, 3, 3, 32);
    CHECK(covered > 0);
    CHECK(covered < 3 * 2 * 2);
  }
  SUBCASE("OneJumpZeroJump k = 2, n = 8, 12, doublings; 7 threads (a partition the kernel never uses)") {
    const int covered = check_twin_equals_cpu({{"benchmark", "ojzj"}, {"jump", "2"}, {"n_min", "8"}, {"n_max", "12"}, {"n_points", "2"},
                                               {"mu_factor", "2"}, {"tau_factor", "0.2"}, {"budget_factor", "3"}},
                                              5, 0, 3, 7);
    CHECK(covered > 0);
  }
}

TEST_CASE("blackbox.nsga2 engine: the interleaved workspace gives the same run at any stride") {
  Nsga2Experiment e;
  REQUIRE(e.params().set_texts({{"n_min", "40"}, {"n_max", "40"}, {"n_points", "1"}, {"series", "dnsga2"}}).ok());
  const Nsga2Config c = nsga2_config(e.p());
  const Nsga2PoolSizes sizes = nsga2_pool_sizes(c);
  const uint32_t items = 3;  // the GPU's layout: entry e of thread t at e·items + t; this is thread 1
  std::vector<uint32_t> words1(sizes.words), words3(sizes.words * items, 0xA5A5A5A5u);
  std::vector<int> ints1(sizes.ints), ints3(sizes.ints * items, -7);
  std::vector<double> doubles1(sizes.doubles), doubles3(sizes.doubles * items, 3.0);
  Nsga2Outcome alone, interleaved;
  nsga2_bits_run(c, 0, 0, true, 4, 2, nsga2_workspace(c, words1.data(), ints1.data(), doubles1.data(), 0, 1), &alone);
  nsga2_bits_run(c, 0, 0, true, 4, 2, nsga2_workspace(c, words3.data(), ints3.data(), doubles3.data(), 1, items), &interleaved);
  CHECK(alone.evaluations == interleaved.evaluations);
  CHECK(alone.generations == interleaved.generations);
  CHECK(same_bits(alone.hypervolume, interleaved.hypervolume));
  size_t touched = 0;  // the neighbours' entries (threads 0 and 2) are left alone
  for (size_t i = 0; i < words3.size(); ++i) touched += i % items != 1 && words3[i] != 0xA5A5A5A5u ? 1 : 0;
  for (size_t i = 0; i < ints3.size(); ++i) touched += i % items != 1 && ints3[i] != -7 ? 1 : 0;
  for (size_t i = 0; i < doubles3.size(); ++i) touched += i % items != 1 && doubles3[i] != 3.0 ? 1 : 0;
  CHECK(touched == 0);
}

TEST_CASE("blackbox.nsga2 engine: the block form's host twin walks the CPU engine's ZDT trajectories (SBX, polynomial mutation, tournaments)") {
  SUBCASE("ZDT1, n = 10, 20, budget n³, both algorithms; 128 threads") {
    check_twin_equals_cpu({{"benchmark", "zdt1"}, {"n_min", "10"}, {"n_max", "20"}, {"n_points", "2"}, {"budget_factor", "1"}}, 3, 0, 1, kNsgaBlockThreads);
  }
  SUBCASE("ZDT2, n = 8, μ = 2(n + 1) (odd offspring counts: a dropped child), τ = ⌈0.3·e·n⌉; 32 threads") {
    check_twin_equals_cpu({{"benchmark", "zdt2"}, {"n_min", "8"}, {"n_max", "8"}, {"n_points", "1"}, {"mu_factor", "2.1"}, {"tau_factor", "0.3"},
                           {"budget_factor", "3"}},
                          4, 2, 2, 32);
  }
  SUBCASE("ZDT3, n = 12, a loose tolerance δ = 0.2 (runs that cover the front); 7 threads") {
    const int covered = check_twin_equals_cpu({{"benchmark", "zdt3"}, {"n_min", "12"}, {"n_max", "12"}, {"n_points", "1"}, {"front_tolerance", "0.2"},
                                               {"budget_factor", "3"}},
                                              6, 0, 2, 7);
    CHECK(covered > 0);
  }
}

TEST_CASE("blackbox.nsga2 engine: ZDT runs in the block form only, the thread form refuses it by name") {
  Nsga2Experiment e;
  REQUIRE(e.params().set_texts({{"benchmark", "zdt2"}}).ok());
  const Nsga2Config c = nsga2_config(e.p());
  CHECK(c.n_targets == 100);
  CHECK(nsga2_cuda_supports(c).ok());
  CHECK(nsga2_cuda_supports(c, Nsga2Form::BlockPerRun).ok());
  const Status s = nsga2_cuda_supports(c, Nsga2Form::ThreadPerRun);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("ZDT2") != std::string::npos);
  CHECK(s.message().find("thread-per-run") != std::string::npos);
}

TEST_CASE("blackbox.nsga2 engine: the workspace limit is checked on the form that runs (blocks need 2μ stream states more)") {
  Nsga2Experiment e;
  Nsga2Config c = nsga2_config(e.p());
  c.n_series = 1, c.n_grid = 1;
  c.grid[0].n = 20, c.grid[0].mu = 1 << 24;  // 2μ = 2²⁵ individuals: ~1.4 GB of thread workspace, ~3 GB of blocks
  REQUIRE(nsga2_run_bytes(c, false) <= kNsgaMaxWorkspaceBytes);
  REQUIRE(nsga2_run_bytes(c, true) > kNsgaMaxWorkspaceBytes);
  CHECK(nsga2_cuda_supports(c).ok());  // Auto: the thread form
  CHECK(nsga2_cuda_supports(c, Nsga2Form::ThreadPerRun).ok());
  const Status s = nsga2_cuda_supports(c, Nsga2Form::BlockPerRun);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("MiB of workspace") != std::string::npos);
}
