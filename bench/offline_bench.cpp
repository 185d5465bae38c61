// The offline chapter's hot loop, one thread, validated before it is timed (STYLE habit 2): tabular
// Q-learning updates per second of RolloutLearner (offline/rollout_learner.hpp) — k-step rollouts in
// the true dynamics plus the updates — on four rooms (104 states, γ = 0.9) from a noisy-expert
// dataset, with one Q-table (MOPO/MBPO) and with RAVL's ensemble of N = 10 (each update writes all N
// members and keeps their minimum). The issue asks for "tabular learner updates per second per core".
// Then the MLP learners of offline.prdc (offline/td3.hpp) on the point mass's noisy-expert dataset: TD3
// steps per second (a critic step of both critics on a batch, an actor step every second) for PRDC (with
// its KD-tree query per sample) and TD3+BC, at the demo's size (16 hidden units, batch 32) and at 64 / 256,
// after checking the KD-tree against brute force on that dataset.
// Usage: offline_bench [--quick]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "mdp/policy_iteration.hpp"
#include "mdp/presets.hpp"
#include "offline/dataset.hpp"
#include "offline/kd_tree.hpp"
#include "offline/rollout_learner.hpp"
#include "offline/td3.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  using namespace klab::offline;
  namespace mdp = klab::mdp;
  klab::Expected<mdp::Grid> grid = mdp::build_gridworld(mdp::four_rooms_spec());
  if (!grid.ok()) return 1;
  const mdp::Mdp m = mdp::with_discount(std::move(grid.value().mdp), 0.9, 0);
  const mdp::Optimum opt = mdp::solve_optimal(m);

  // Validate: uniform rollouts from a random dataset train every pair, and Q̂ reaches Q*.
  DatasetSpec wide;
  wide.behaviour = Behaviour::Random;
  wide.episodes = 50;
  wide.random_starts = 1.0;
  klab::Rng rng(1, 0, 0);
  const Dataset everywhere = generate_dataset(m, opt.actions, wide, rng);
  RolloutSettings check;
  check.rollout_length = 50;
  check.epsilon = 1.0;
  RolloutLearner learner(m, everywhere, check, 1, 0, 10, 20);
  for (int k = 0; k < 2000; ++k) learner.iterate();
  double worst = 0.0;
  for (int i = 0; i < m.pairs(); ++i) worst = std::max(worst, std::fabs(learner.values()[i] - opt.q[i]));
  if (worst > 1e-6) {
    std::printf("MISMATCH: max |Q̂ − Q*| = %.3g after %lld updates\n", worst, learner.updates());
    return 1;
  }
  std::printf("All results match (max |Q̂ − Q*| = %.2g on four rooms with full coverage). Starting benchmarks.\n\n", worst);

  DatasetSpec noisy;
  noisy.episodes = 10;
  noisy.episode_length = 60;
  noisy.noise = 0.1;
  const Dataset data = generate_dataset(m, opt.actions, noisy, rng);
  const int iterations = quick ? 200 : 2000;
  for (int ensemble : {1, 10}) {
    RolloutSettings s;
    s.ensemble = ensemble;
    s.rollout_length = 3;
    double best = 0.0;
    for (int rep = 0; rep < 3; ++rep) {
      RolloutLearner l(m, data, s, 2, static_cast<uint32_t>(rep), 10, 20);
      const auto t0 = Clock::now();
      for (int k = 0; k < iterations; ++k) l.iterate();
      best = std::max(best, static_cast<double>(l.updates()) / seconds_since(t0));
    }
    std::printf("rollout Q-learning, N = %2d: %.3g updates/s (%.1f ns per update, with %d rollout steps per %d updates)\n", ensemble, best,
                1e9 / best, s.rollouts_per_iteration * s.rollout_length, s.updates_per_iteration);
  }

  // The MLP learners: validate PRDC's nearest-neighbour search on the dataset it uses, then time.
  const PointMassWorld world;
  PointDatasetSpec spec;
  spec.episodes = 10;
  klab::Rng data_rng(1, 0, 1);
  const PointDataset points = generate_point_dataset(world, spec, data_rng);
  const Td3Data td3_data = make_td3_data(points, 2.0);
  std::vector<double> keys;
  for (int i = 0; i < td3_data.size(); ++i)
    for (int d = 0; d < 4; ++d) keys.push_back(td3_data.tree.point(i)[d]);
  for (int q = 0; q < 1000; ++q) {
    const double query[4] = {4.0 * rng.uniform() - 2.0, 4.0 * rng.uniform() - 2.0, 2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0};
    if (td3_data.tree.nearest(query) != nearest_brute_force(keys, 4, query)) {
      std::printf("MISMATCH: the KD-tree's nearest neighbour differs from brute force\n");
      return 1;
    }
  }
  std::printf("\nKD-tree = brute force on 1000 queries. Starting the MLP benchmarks.\n");
  const int steps = quick ? 100 : 1000;
  for (const auto& [hidden, batch] : {std::pair<int, int>{16, 32}, std::pair<int, int>{64, 256}})
    for (const ActorRegulariser reg : {ActorRegulariser::NearestNeighbour, ActorRegulariser::DatasetAction}) {
      Td3Settings s;
      s.regulariser = reg;
      s.hidden = hidden;
      s.batch = batch;
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        Td3Learner l(td3_data, s, klab::Rng(2, static_cast<uint32_t>(rep), 0));
        klab::Rng batches(2, static_cast<uint32_t>(rep), 1);
        const auto t0 = Clock::now();
        for (int k = 0; k < steps; ++k) l.step(batches);
        best = std::max(best, steps / seconds_since(t0));
      }
      std::printf("%-7s hidden %2d, batch %3d: %.3g steps/s (%.1f µs per step, %.0f samples/s)\n",
                  reg == ActorRegulariser::NearestNeighbour ? "PRDC" : "TD3+BC", hidden, batch, best, 1e6 / best, best * batch);
    }
  return 0;
}
