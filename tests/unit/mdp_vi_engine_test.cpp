// The batched value iteration engine's host twin (src/mdp/vi_engine_host.cpp: vi_run over the
// pooled MDPs, the code the GPU kernel runs, with a team of one) and the records filled from it
// (planning_cuda.cpp: the host's policy evaluations, PlanRecorder) against the CPU engine
// (PlanningExperiment's cursor: Planner), run by run: every curve point and final value bit for
// bit; and vi_run by a team of host threads (the block's barrier and reductions) against the team
// of one. A GPU session then only has to show that the GPU computes what this host twin computes
// (tests/cuda/mdp_vi_cuda_test.cpp).
#include <doctest/doctest.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

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
  ViChunk chunk;  // the whole batch as one chunk, as run_cuda_blocks hands it to fill_vi_records
  chunk.first_run = first, chunk.runs = runs, chunk.outcome = twin.data(), chunk.log = log.data(), chunk.log_stride = stride;
  std::vector<RunRecord> records;
  fill_vi_records(e, layout, c.value(), pool.value(), 0, chunk, seed, records);
  REQUIRE(records.size() == runs);
  RunRecord cpu(layout);
  int overflows = 0;
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    e.run(seed, first + r, layout, cpu);
    const RunRecord& gpu_path = records[r];
    overflows += twin[r].overflow;
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
  return overflows;
}

// A team of n host threads with the CUDA block's semantics (a barrier, "any" and "max" over the
// team): vi_run's synchronisation as the kernel needs it, checked without a GPU.
class ThreadTeamShared {
 public:
  explicit ThreadTeamShared(int n) : n_(n), flags_(static_cast<size_t>(n)), values_(static_cast<size_t>(n)) {}
  void sync() {
    std::unique_lock<std::mutex> lock(mutex_);
    const long generation = generation_;
    if (++waiting_ == n_) {
      waiting_ = 0, ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
  }
  int n_;
  std::vector<char> flags_;
  std::vector<double> values_;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int waiting_ = 0;
  long generation_ = 0;
};

struct ThreadTeam {
  ThreadTeamShared* shared;
  int me;
  int rank() const { return me; }
  int size() const { return shared->n_; }
  bool leader() const { return me == 0; }
  void sync() const { shared->sync(); }
  bool any(bool x) const {
    shared->flags_[static_cast<size_t>(me)] = x;
    sync();
    bool out = false;
    for (char f : shared->flags_) out = out || f;
    sync();
    return out;
  }
  double max(double x) const {
    shared->values_[static_cast<size_t>(me)] = x;
    sync();
    double out = shared->values_[0];
    for (double v : shared->values_) out = v > out ? v : out;
    sync();
    return out;
  }
};

}  // namespace

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
TEST_CASE("mdp.planning engine: vi_run by a team of threads (the kernel's barriers and reductions) equals the team of one") {
  PlanningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "vi"}, {"size", "37"}, {"iterations", "120"}}).ok());
  const Expected<ViBatchConfig> c = vi_batch_config(e);
  REQUIRE(c.ok());
  const Expected<ViWorldPool> pool = vi_world_pool(e, 4, 0, 3);
  REQUIRE(pool.ok());
  std::vector<ViOutcome> one;
  std::vector<int> one_log;
  run_vi_batch_host(c.value(), pool.value(), 3, &one, &one_log);
  const size_t n_s = static_cast<size_t>(pool.value().max_states()), stride = static_cast<size_t>(c.value().max_policies + 1) * n_s;
  for (uint32_t r = 0; r < 3; ++r) {
    const ViWorld& w = pool.value().worlds[pool.value().world_of_run[r]];
    const MdpView m = vi_world_view(w, pool.value().ints.data(), pool.value().reals.data());
    std::vector<double> v(n_s), v_next(n_s);
    std::vector<int> log(stride, 0);
    ViOutcome team_outcome{};
    ThreadTeamShared shared(4);  // 4 threads stride over 37 states
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        ThreadTeam team{&shared, t};
        vi_run(team, c.value(), m, v.data(), v_next.data(), log.data(), &team_outcome);
      });
    for (std::thread& t : threads) t.join();
    const ViOutcome& ref = one[r];
    CHECK(team_outcome.policies == ref.policies);
    CHECK(team_outcome.overflow == ref.overflow);
    CHECK(std::memcmp(team_outcome.residual_at, ref.residual_at, sizeof ref.residual_at) == 0);
    CHECK(std::memcmp(&team_outcome.residual, &ref.residual, sizeof ref.residual) == 0);
    CHECK(std::memcmp(team_outcome.changed_at, ref.changed_at, static_cast<size_t>(ref.policies) * sizeof(int)) == 0);
    CHECK(std::memcmp(log.data(), one_log.data() + r * stride, static_cast<size_t>(ref.policies) * w.states * sizeof(int)) == 0);
  }
}
#endif

TEST_CASE("mdp.planning engine: the host twin of batched value iteration equals the CPU engine run by run") {
  // Random MDPs, a new one per run (18 runs: two blocks of the pool, placed with shifted offsets), γ = 0.95.
  CHECK(check_twin_equals_cpu({{"methods", "vi"}, {"size", "20"}, {"iterations", "200"}}, kMaxViPolicies, 3, 5, 18) == 0);
  // One world for every run (the chain), γ = 0.99, a tight tolerance: the first run's record serves the others.
  CHECK(check_twin_equals_cpu({{"methods", "vi"}, {"world", "chain"}, {"gamma", "0.99"}, {"iterations", "400"}, {"tolerance", "1e-9"}},
                              kMaxViPolicies, 1, 0, 3) == 0);
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

TEST_CASE("mdp.planning engine: a policy log outside 2 … kMaxViPolicies is refused") {
  PlanningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "vi"}}).ok());
  for (const int bad : {1, kMaxViPolicies + 1}) {
    const Expected<ViBatchConfig> c = vi_batch_config(e, bad);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("max_policies") != std::string::npos);
  }
  CHECK(vi_batch_config(e, 2).ok());
  CHECK(vi_batch_config(e, kMaxViPolicies).ok());
}
