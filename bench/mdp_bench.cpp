// The mdp chapter's hot loops, one thread, validated before they are timed (STYLE habit 2):
//   1. value iteration: (s, a, s′) backups per second of bellman_sweep (value_iteration.hpp, the
//      KLAB_HD sweep) on a dense random MDP, S = 500, A = 8 (2·10⁶ transitions, 24 MB of CSR entries
//      per sweep: a 4-byte index and an 8-byte probability per backup). Issue target ≥ 5·10⁸ per core.
//   2. tabular Q-learning: environment steps per second of td_episode (td_learning.hpp, the KLAB_HD
//      episode loop with common-random-number transitions) on a random MDP with S = 50, A = 4,
//      b = 5, H = 20, ε = 0.1. Issue target ≥ 2·10⁷ per core.
// Usage: mdp_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mdp/presets.hpp"
#include "mdp/td_learning.hpp"
#include "mdp/value_iteration.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  using namespace klab::mdp;

  // [1] Value iteration on a dense random MDP.
  klab::Rng rng(1, 0, 0);
  const Mdp dense = random_mdp(500, 8, 500, rng);
  const MdpView mv = view(dense);
  Eigen::VectorXd v = Eigen::VectorXd::Zero(dense.states), next(dense.states);
  for (int k = 0; k < 3; ++k) {  // validate: the fast sweep equals the literal backup to rounding
    const Eigen::VectorXd ref = bellman_backup_reference(dense, v);
    bellman_sweep(mv, v.data(), next.data(), nullptr);
    for (int s = 0; s < dense.states; ++s)
      if (std::fabs(next[s] - ref[s]) > 1e-14 * (1.0 + std::fabs(ref[s]))) {
        std::printf("MISMATCH at state %d: sweep %.17g, reference %.17g\n", s, next[s], ref[s]);
        return 1;
      }
    v = next;
  }
  std::printf("All results match (bellman_sweep = bellman_backup_reference within 1e-14, S = 500, A = 8, dense). Starting benchmarks.\n\n");
  const double backups_per_sweep = static_cast<double>(dense.transitions());
  const int sweeps = quick ? 20 : 200;
  double best = 1e300, change = 0.0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = Clock::now();
    for (int k = 0; k < sweeps; ++k) {
      change = bellman_sweep(mv, v.data(), next.data(), nullptr);
      v.swap(next);
    }
    best = std::min(best, seconds_since(t0));
  }
  const double rate = sweeps * backups_per_sweep / best;
  std::printf("value iteration, dense random MDP S = 500, A = 8 (%.0f transitions, %.1f MB per sweep), %d sweeps, best of 3:\n",
              backups_per_sweep, backups_per_sweep * 12 / 1e6, sweeps);
  std::printf("  %.3g (s, a, s') backups/s per core, %.2f ns per backup, %.2f GB/s of CSR entries   (target 5e8: %s)   last change %.3g\n\n", rate,
              1e9 / rate, rate * 12 / 1e9, rate >= 5e8 ? "met" : "not met", change);

  // [2] Q-learning environment steps.
  klab::Rng world_rng(2, 0, 0);
  const Mdp small = random_mdp(50, 4, 5, world_rng);
  const int horizon = 20;
  const EpisodicTask task{view(small), horizon, 1.0, 0.0, 1.0};
  std::vector<double> q(static_cast<size_t>(horizon) * small.pairs(), 0.0);
  std::vector<uint32_t> counts(q.size(), 0), visits(static_cast<size_t>(small.pairs()), 0);
  klab::Rng learner(1, 0, kLearnerStream);
  const TdSettings settings{};
  const uint32_t episodes = quick ? 20000 : 200000;
  double total = 0.0;
  const auto t0 = Clock::now();
  for (uint32_t k = 0; k < episodes; ++k)
    total += td_episode(task, TdMethod::QLearning, settings, 0.1, k, q.data(), counts.data(), visits.data(), learner, 1, 0);
  const double secs = seconds_since(t0);
  const double steps = static_cast<double>(episodes) * horizon;
  std::printf("Q-learning (stage-indexed, ε = 0.1, α = (H+1)/(H+n)), random MDP S = 50, A = 4, b = 5, H = 20, %u episodes:\n", episodes);
  std::printf("  %.3g environment steps/s per core, %.1f ns per step   (target 2e7: %s)   mean return %.4f\n", steps / secs, 1e9 * secs / steps,
              steps / secs >= 2e7 ? "met" : "not met", total / episodes);
  return 0;
}
