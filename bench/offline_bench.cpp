// The offline chapter's hot loop, one thread, validated before it is timed (STYLE habit 2): tabular
// Q-learning updates per second of RolloutLearner (offline/rollout_learner.hpp) — k-step rollouts in
// the true dynamics plus the updates — on four rooms (104 states, γ = 0.9) from a noisy-expert
// dataset, with one Q-table (MOPO/MBPO) and with RAVL's ensemble of N = 10 (each update writes all N
// members and keeps their minimum). The issue asks for "tabular learner updates per second per core".
// Then the host twin of offline.edge_of_reach's CUDA engine (offline/engine.hpp: the same code, run by
// run on this core) at the demo's defaults (mopo, ravl N = 10, full horizon; 200 × 250 updates each),
// after checking its final Q̂ against the CPU engine's learners (EdgeRun): updates per second, the
// learners alone (the exact evaluations of the checkpoints are not timed).
// Then the MLP learners of offline.prdc (offline/td3.hpp) on the point mass's noisy-expert dataset: TD3
// steps per second (a critic step of both critics on a batch, an actor step every second) for PRDC (with
// its KD-tree query per sample) and TD3+BC, at the demo's size (16 hidden units, batch 32) and at 64 / 256,
// after checking the KD-tree against brute force on that dataset.
// Then offline.dice's learners (offline/dice.hpp): gradient steps per second of the semi-gradient, true
// gradient, orthogonal-gradient and expectile rules, tabular and linear (radial bumps + one-hot), after
// checking the true gradient against central differences of L(θ) on the whole dataset; then the
// host twin of offline.dice's CUDA engine (offline/dice_engine.hpp: the same code, run by run on this
// core) at the demo's defaults (semi, true, orthogonal, iql; 1000 steps of 64 transitions, radial +
// one-hot), after checking its final θ against the CPU engine's learners (DiceRun): gradient steps
// and transitions per second, the learners alone (the policies' exact evaluations are not timed).
// Then the host twin of offline.weighting's CUDA engine (offline/weighting_engine.hpp: the same code,
// run by run on this core) at the demo's defaults (20,000 CQL updates on each of 6 mixed datasets),
// after checking its final Q against CqlLearner (train_cql): CQL updates per second of cql_uniform,
// cql_rw and cql_aw, beside CqlLearner's on the same datasets, the learners alone (datasets, cloning
// and exact evaluations are not timed).
// Then the host twin of offline.robust's CUDA engine (offline/robust_engine.hpp: the whole run of a
// learner — dataset draw, fits, exact evaluations — run by run on this core) at the demo's defaults,
// after checking its records against the CPU engine's (RobustExperiment::run): learners per second of
// each method, and the CPU engine's runs per second (all four learners, one dataset) beside them.
// Last, datasets of about 10⁶ transitions (issue 10 asks that sizes to 10⁶ be timed): generating one on
// four rooms, its measures TQ and SACo (three reference datasets of the same size, the replay one a
// Q-learner's), one pass of the DICE objective over it; and the point mass's dataset with its measures
// (whose replay reference trains online TD3, one step per transition) at 10⁴ transitions, 10⁵ in a
// full run, 10⁶ with --large.
// Usage: offline_bench [--quick | --large]    (prints figures; asserts nothing)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "mdp/policy_iteration.hpp"
#include "mdp/presets.hpp"
#include "offline/dataset.hpp"
#include "offline/dice.hpp"
#include "offline/dice_cuda.hpp"
#include "offline/dice_engine.hpp"
#include "offline/edge_cuda.hpp"
#include "offline/engine.hpp"
#include "offline/kd_tree.hpp"
#include "offline/measures.hpp"
#include "offline/robust_experiment.hpp"
#include "offline/rollout_learner.hpp"
#include "offline/td3.hpp"
#include "offline/weighting_cuda.hpp"
#include "offline/weighting_engine.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool large = argc > 1 && std::strcmp(argv[1], "--large") == 0;
  using namespace klab::offline;
  namespace mdp = klab::mdp;
  klab::Expected<mdp::Grid> grid = mdp::build_gridworld(mdp::four_rooms_spec());
  if (!grid.ok()) return 1;
  const mdp::GridLayout layout = grid.value().layout;
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

  // The host twin of the CUDA engine: validate its final Q̂ against EdgeRun's learners, then time it.
  {
    EdgeExperiment e;
    const uint32_t runs = quick ? 2 : 8;
    const klab::Expected<EdgeBatchConfig> c = edge_batch_config(e);
    const klab::Expected<EdgeBatch> batch = edge_batch(e, 3, 0, runs);
    if (!c.ok() || !batch.ok()) return 1;
    const EdgeBatchConfig& cfg = c.value();
    std::vector<double> twin;
    run_edge_batch_host(cfg, batch.value().pool, 3, 0, runs, &twin);
    const size_t pairs = static_cast<size_t>(batch.value().pool.max_pairs()), per_learner = static_cast<size_t>(cfg.n_snapshots) * pairs;
    EdgeRun run(e.p(), batch.value().problems[0], 3, 0);
    while (run.steps_done() < e.p().iterations) run.step();
    for (int s = 0; s < cfg.n_series; ++s)
      if (std::memcmp(run.learner(static_cast<size_t>(s)).values().data(), twin.data() + (s + 1) * per_learner - pairs, pairs * sizeof(double)) != 0) {
        std::printf("MISMATCH: the host twin's final Q̂ of learner %d differs from EdgeRun's\n", s);
        return 1;
      }
    std::printf("offline.edge_of_reach host twin (the CUDA engine's code) = EdgeRun's final Q̂ bit for bit; defaults, %u runs, one core, best of 3:\n", runs);
    const char* names[] = {"mopo (N = 1, k = 3)", "ravl (N = 10, k = 3)", "full horizon (N = 1, k = 100)"};
    for (int s = 0; s < cfg.n_series; ++s) {  // each learner alone: a config of one series
      EdgeBatchConfig one = cfg;
      one.n_series = 1;
      one.settings[0] = cfg.settings[s];
      one.stream[0] = cfg.stream[s];
      const RolloutSettings& rs = one.settings[0];
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        run_edge_batch_host(one, batch.value().pool, 3, 0, runs, &twin);
        best = std::max(best, static_cast<double>(rs.updates_per_iteration) * one.iterations * runs / seconds_since(t0));
      }
      std::printf("  %-30s %.3g updates/s (%.1f ns per update, with up to %d rollout steps per %d updates)\n", names[s], best, 1e9 / best,
                  rs.rollouts_per_iteration * rs.rollout_length, rs.updates_per_iteration);
    }
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

  // DICE: the true gradient of one batch (the whole dataset) against central differences of L(θ).
  DatasetSpec narrow;
  narrow.episodes = 20;
  narrow.noise = 0.1;
  const Dataset dice_data = generate_dataset(m, opt.actions, narrow, rng);
  const Features table = tabular_features(m.states), radial = radial_features(layout, m.states, 2.0, true);
  {
    DiceSettings s;
    s.update = DiceUpdate::True;
    DiceLearner l(m, dice_data, radial, s);
    std::vector<double> theta(static_cast<size_t>(radial.dim));
    for (double& x : theta) x = rng.uniform() - 0.5;
    l.set_parameters(theta);
    std::vector<int> all(static_cast<size_t>(dice_data.size()));
    std::iota(all.begin(), all.end(), 0);
    const std::vector<double> g = l.direction(l.gradient(all));  // (1 − λ)E φ(s) + g→ + g← = ∇L
    double worst = 0.0;
    for (size_t j = 0; j < theta.size(); ++j) {
      constexpr double h = 1e-6;
      std::vector<double> t = theta;
      t[j] = theta[j] + h;
      l.set_parameters(t);
      const double up = l.objective();
      t[j] = theta[j] - h;
      l.set_parameters(t);
      worst = std::max(worst, std::fabs((up - l.objective()) / (2.0 * h) - g[j]));
    }
    if (worst > 1e-6) {
      std::printf("MISMATCH: DICE's true gradient differs from central differences of L by %.3g\n", worst);
      return 1;
    }
    std::printf("\nDICE's true gradient = central differences of L(θ) (max difference %.2g, %d coordinates). Starting the DICE benchmarks.\n",
                worst, radial.dim);
  }
  const int dice_steps = quick ? 2000 : 20000;
  const char* const update_names[] = {"semi-gradient", "true gradient", "orthogonal", "expectile"};
  for (const Features* f : {&table, &radial})
    for (int batch : {64, 1024})
      for (const DiceUpdate u : {DiceUpdate::Semi, DiceUpdate::True, DiceUpdate::Orthogonal, DiceUpdate::Expectile}) {
        DiceSettings s;
        s.update = u;
        s.batch = batch;
        s.step_size = 0.05;
        double best = 0.0;
        for (int rep = 0; rep < 3; ++rep) {
          DiceLearner l(m, dice_data, *f, s);
          klab::Rng batches(3, static_cast<uint32_t>(rep), 0);
          const int steps = dice_steps * 64 / batch;
          const auto t0 = Clock::now();
          for (int k = 0; k < steps; ++k) l.step(batches);
          best = std::max(best, steps / seconds_since(t0));
        }
        std::printf("DICE %-13s %-17s d = %3d, batch %4d: %.3g steps/s (%.0f ns per transition)\n", update_names[static_cast<int>(u)],
                    f == &table ? "tabular" : "radial + one-hot", f->dim, batch, best, 1e9 / (best * batch));
      }

  // The host twin of offline.dice's CUDA engine: validate its final θ against DiceRun's learners, then time it.
  {
    DiceExperiment e;
    if (!e.params().set_texts({{"methods", "semi,true,orthogonal,iql"}}).ok()) return 1;
    const uint32_t runs = quick ? 1 : 4;
    const klab::Expected<DiceBatchConfig> c = dice_batch_config(e);
    const klab::Expected<DiceBatch> batch = dice_batch(e, 3, 0, runs);
    if (!c.ok() || !batch.ok()) return 1;
    const DiceBatchConfig& cfg = c.value();
    std::vector<double> twin;
    run_dice_batch_host(cfg, batch.value().pool, 3, 0, runs, &twin);
    const size_t stride = batch.value().pool.snapshot_stride(), per_learner = static_cast<size_t>(cfg.n_snapshots) * stride;
    DiceRun run(e.p(), batch.value().problems[0], 3, 0);
    while (run.steps_done() < e.p().steps) run.step();
    for (int s = 0; s < cfg.n_series; ++s) {
      const double* last = twin.data() + (s + 1) * per_learner - stride;  // the final snapshot: dots, then θ
      const DiceLearner& l = run.learner(static_cast<size_t>(s));
      const double cosine = dice_cosine(last[0], last[1], last[2]), cpu_cosine = l.last().cosine();
      if (std::memcmp(l.parameters().data(), last + kDiceSnapshotHead, l.parameters().size() * sizeof(double)) != 0 ||
          std::memcmp(&cosine, &cpu_cosine, sizeof(double)) != 0) {
        std::printf("MISMATCH: the DICE host twin's final θ of learner %d differs from DiceRun's\n", s);
        return 1;
      }
    }
    std::printf("\noffline.dice host twin (the CUDA engine's code) = DiceRun's final θ bit for bit; defaults, %u runs, one core, best of 3:\n", runs);
    for (int s = 0; s < cfg.n_series; ++s) {  // each learner alone: a config of one series
      DiceBatchConfig one = cfg;
      one.n_series = 1;
      one.settings[0] = cfg.settings[s];
      one.learns[0] = true;
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        run_dice_batch_host(one, batch.value().pool, 3, 0, runs, &twin);
        best = std::max(best, static_cast<double>(one.steps) * runs / seconds_since(t0));
      }
      std::printf("  %-13s %.3g gradient steps/s, %.3g transitions/s (d = %d, batch %d)\n", e.p().methods[static_cast<size_t>(s)].c_str(), best,
                  best * one.settings[0].batch, batch.value().pool.max_dim(), one.settings[0].batch);
    }
  }

  // The host twin of offline.weighting's CUDA engine: validate its final Q against CqlLearner, then time it.
  {
    WeightingExperiment e;
    if (!e.params().set_texts({{"methods", "cql_uniform,cql_rw,cql_aw"}}).ok()) return 1;
    const uint32_t runs = quick ? 1 : 2;
    const klab::Expected<WeightingBatchConfig> c = weighting_batch_config(e);
    if (!c.ok()) return 1;
    const WeightingBatchConfig& cfg = c.value();
    const klab::Expected<WeightingBatch> batch = weighting_batch(e, cfg, 3, 0, runs);
    if (!batch.ok()) return 1;
    std::vector<double> twin;
    run_weighting_batch_host(cfg, batch.value().pool, 3, 0, runs, &twin);
    const WeightingRun& run = *batch.value().runs[0];
    const size_t pairs = static_cast<size_t>(batch.value().pool.max_pairs());
    for (int l = 0; l < cfg.n_learners; ++l)
      for (size_t k = 0; k < run.shares(); ++k) {
        klab::Rng rng(3, 0, kWeightingCqlStream + static_cast<uint32_t>(k));
        const std::vector<double> q = train_cql(run.world().mdp, run.dataset(k), run.probabilities(k, static_cast<Sampler>(cfg.sampler[l])), cfg.settings, rng);
        if (std::memcmp(q.data(), twin.data() + (static_cast<size_t>(l) * cfg.n_shares + k) * pairs, q.size() * sizeof(double)) != 0) {
          std::printf("MISMATCH: the weighting host twin's final Q of learner %d, share %zu differs from CqlLearner's\n", l, k);
          return 1;
        }
      }
    std::printf("\noffline.weighting host twin (the CUDA engine's code) = CqlLearner's final Q bit for bit; defaults, %u runs x 6 shares, one core, best of 3:\n",
                runs);
    for (int l = 0; l < cfg.n_learners; ++l) {  // each learner alone: a config of one learner
      WeightingBatchConfig one = cfg;
      one.n_learners = 1;
      one.sampler[0] = cfg.sampler[l];
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        run_weighting_batch_host(one, batch.value().pool, 3, 0, runs, &twin);
        best = std::max(best, static_cast<double>(one.settings.updates) * one.n_shares * runs / seconds_since(t0));
      }
      double cpu_best = 0.0;  // the CPU engine's CqlLearner on the same datasets, for the ratio
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        for (uint32_t r = 0; r < runs; ++r) {
          const WeightingRun& wr = *batch.value().runs[r];
          for (size_t k = 0; k < wr.shares(); ++k) {
            klab::Rng rng(3, r, kWeightingCqlStream + static_cast<uint32_t>(k));
            train_cql(wr.world().mdp, wr.dataset(k), wr.probabilities(k, static_cast<Sampler>(one.sampler[0])), one.settings, rng);
          }
        }
        cpu_best = std::max(cpu_best, static_cast<double>(one.settings.updates) * one.n_shares * runs / seconds_since(t0));
      }
      std::printf("  %-13s %.3g CQL updates/s (S·A = %zu); CqlLearner in the same run %.3g\n", e.p().methods[static_cast<size_t>(l)].c_str(), best, pairs,
                  cpu_best);
    }
  }

  // The host twin of offline.robust's CUDA engine: validate its records against the CPU engine's, then time it.
  {
    RobustExperiment e;
    const uint32_t runs = quick ? 200 : 2000;
    const RobustBatch b = robust_batch(e.p());
    const size_t per_run = static_cast<size_t>(b.cfg.n_series) * b.cfg.outcome_stride();
    std::vector<double> twin;
    run_robust_batch_host(b.cfg, b.ints, b.reals, 3, 0, 4, &twin);
    const klab::RunLayout layout = e.layout();
    for (uint32_t r = 0; r < 4; ++r) {
      klab::RunRecord cpu(layout), gpu_path(layout);
      e.run(3, r, layout, cpu);
      fill_robust_record(b, twin.data() + r * per_run, gpu_path);
      if (std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) != 0 ||
          std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) != 0) {
        std::printf("MISMATCH: the robust host twin's record of run %u differs from the CPU engine's\n", r);
        return 1;
      }
    }
    std::printf("\noffline.robust host twin (the CUDA engine's code) = the CPU engine's records bit for bit; defaults, %u runs, one core, best of 3:\n",
                runs);
    for (int s = 0; s < b.cfg.n_series; ++s) {  // each learner alone: a config of one learner
      RobustBatchConfig one = b.cfg;
      one.n_series = 1;
      one.settings[0] = b.cfg.settings[s];
      double best = 0.0;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = Clock::now();
        run_robust_batch_host(one, b.ints, b.reals, 3, 0, runs, &twin);
        best = std::max(best, runs / seconds_since(t0));
      }
      const int fits = one.settings[0].divergence == Divergence::None ? 1 : 1 + one.n_sweep;
      std::printf("  %-11s %.3g learners/s (its dataset, %d fit%s, their exact evaluations)\n", e.p().methods[static_cast<size_t>(s)].c_str(), best, fits,
                  fits == 1 ? "" : "s");
    }
    double cpu_best = 0.0;
    for (int rep = 0; rep < 3; ++rep) {
      klab::RunRecord record(layout);
      const auto t0 = Clock::now();
      for (uint32_t r = 0; r < runs; ++r) record.clear(), e.run(3, r, layout, record);
      cpu_best = std::max(cpu_best, runs / seconds_since(t0));
    }
    std::printf("  the CPU engine (RobustExperiment::run, the four learners on one dataset): %.3g runs/s\n", cpu_best);
  }

  // Datasets of about 10⁶ transitions on four rooms: random behaviour, 2·10⁴ trajectories of at most 50 steps.
  {
    DatasetSpec big;
    big.behaviour = Behaviour::Random;
    big.episodes = quick ? 2000 : 20000;
    big.episode_length = 50;
    klab::Rng big_rng(4, 0, 0);
    auto t0 = Clock::now();
    const Dataset d = generate_dataset(m, opt.actions, big, big_rng);
    const double generate = seconds_since(t0);
    t0 = Clock::now();
    const DatasetMeasures measures = measure_dataset(m, opt.actions, big, d, 4, 0);
    const double measure = seconds_since(t0);
    DiceSettings s;
    DiceLearner l(m, d, radial, s);
    t0 = Clock::now();
    const double objective = l.objective();
    const double pass = seconds_since(t0);
    std::printf("\nfour rooms, random behaviour, %d transitions: generated in %.3f s, TQ %.3f and SACo %.3f in %.3f s "
                "(three reference datasets), one pass of L (= %.4f) in %.3f s\n",
                d.size(), generate, measures.tq, measures.saco, measure, objective, pass);
  }
  // The point mass's noisy-expert dataset and its measures (the replay reference trains online TD3).
  {
    PointDatasetSpec big;
    big.episode_length = 40;
    big.episodes = (large ? 1000000 : quick ? 10000 : 100000) / big.episode_length;
    klab::Rng big_rng(5, 0, 0);
    auto t0 = Clock::now();
    const PointDataset d = generate_point_dataset(world, big, big_rng);
    const double generate = seconds_since(t0);
    t0 = Clock::now();
    const DatasetMeasures measures = measure_point_dataset(world, big, d, 5, 0);
    const double measure = seconds_since(t0);
    std::printf("point mass, noisy expert, %zu transitions: generated in %.3f s, TQ %.3f and SACo %.3f in %.1f s "
                "(%.1f µs per transition, mostly the replay reference's TD3 step)\n",
                d.transitions.size(), generate, measures.tq, measures.saco, measure, 1e6 * measure / static_cast<double>(d.transitions.size()));
  }
  return 0;
}
