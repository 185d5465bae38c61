// Pulls per second per core of the bandits.regret simulation loop (regret_sim.hpp, the code the
// CPU and CUDA engines share): K = 10 Bernoulli arms, T = 10^4, one thread.
// Issue targets (not asserted): KL-UCB ≥ 2·10^6, UCB1 ≥ 10^7, Thompson ≥ 10^6 pulls/s per core.
// Usage: bandits_bench [runs]   (default 40 runs per policy)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bandits/regret_sim.hpp"

namespace {

using klab::bandits::Policy;

klab::bandits::RegretConfig bench_config() {
  klab::bandits::RegretConfig cfg;
  cfg.policy.k = 10;
  cfg.policy.horizon = 10000;
  for (int a = 0; a < 10; ++a) {
    cfg.theta[a] = 0.1 + 0.08 * a;  // 0.10, 0.18, ..., 0.82
    cfg.gap[a] = 0.82 - cfg.theta[a];
  }
  cfg.n_checkpoints = 1;
  cfg.checkpoints[0] = 10000;
  return cfg;
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t runs = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 40;
  const klab::bandits::RegretConfig cfg = bench_config();
  const struct {
    Policy policy;
    const char* name;
    double target;
  } cases[] = {{Policy::Ucb1, "ucb1", 1e7}, {Policy::KlUcb, "klucb", 2e6}, {Policy::Thompson, "thompson", 1e6},
               {Policy::KlUcbPlus, "klucb_plus", 0}, {Policy::Moss, "moss", 0}};
  std::printf("bandits.regret loop, K = 10 Bernoulli, T = 10^4, %u runs per policy, one thread\n", runs);
  double sink = 0.0;
  for (const auto& c : cases) {
    klab::bandits::PolicyRun r;
    double regret_at[1];
    const auto t0 = std::chrono::steady_clock::now();
    for (uint32_t run = 0; run < runs; ++run) {
      klab::bandits::policy_run_start(r, cfg, c.policy, 1, run);
      klab::bandits::policy_run_advance(r, cfg, 1, run, cfg.policy.horizon, regret_at);
      sink += r.regret;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = runs * static_cast<double>(cfg.policy.horizon) / s;
    std::printf("  %-11s %9.3g pulls/s per core   mean regret %7.2f", c.name, rate, sink / runs);
    if (c.target > 0) std::printf("   (target %.0e: %s)", c.target, rate >= c.target ? "met" : "not met");
    std::printf("\n");
    sink = 0.0;
  }
  return 0;
}
