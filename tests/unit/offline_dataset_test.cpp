// The offline chapter's world: datasets from behaviour policies (offline/dataset.hpp) and their
// measures TQ and SACo (offline/measures.hpp) with known answers.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "mdp/policy_iteration.hpp"
#include "mdp/presets.hpp"
#include "offline/dataset.hpp"
#include "offline/measures.hpp"
#include "offline/reach.hpp"
#include "offline/rollout_learner.hpp"
#include "offline/weighting.hpp"

namespace {

using namespace klab::offline;
namespace mdp = klab::mdp;

mdp::Mdp four_rooms() {
  klab::Expected<mdp::Grid> g = mdp::build_gridworld(mdp::four_rooms_spec());
  REQUIRE(g.ok());
  return mdp::with_discount(std::move(g.value().mdp), 0.9, 0);
}

}  // namespace

TEST_CASE("offline datasets: the expert's deterministic trajectories return V*(ρ) exactly, TQ = 1") {
  const mdp::Mdp m = four_rooms();
  const mdp::Optimum opt = mdp::solve_optimal(m);
  DatasetSpec spec;
  spec.behaviour = Behaviour::Expert;
  spec.episodes = 5;
  spec.episode_length = 100;
  klab::Rng rng(3, 0, 0);
  const Dataset d = generate_dataset(m, opt.actions, spec, rng);
  REQUIRE(d.trajectories() == 5);
  CHECK(average_return(d, m.discount) == doctest::Approx(mdp::start_value(m, opt.v)).epsilon(1e-12));
  for (const Transition& t : d.transitions) CHECK(t.pair == m.first_pair[t.state] + opt.actions[t.state]);
  CHECK(d.transitions.back().terminal);  // every trajectory ends in the goal
  const DatasetMeasures mm = measure_dataset(m, opt.actions, spec, d, 3, 0);
  CHECK(mm.tq == 1.0);
  CHECK(mm.expert_return > mm.random_return);
  // The expert's five trajectories are one path: as many distinct pairs as steps of one trajectory.
  CHECK(mm.unique_pairs == d.trajectory_start[1]);
  CHECK(mm.saco < 1.0);
}

TEST_CASE("offline datasets: behaviours, lengths, starts and coverage") {
  const mdp::Mdp m = four_rooms();
  const mdp::Optimum opt = mdp::solve_optimal(m);
  const std::vector<char> absorbing = absorbing_states(m);
  int goals = 0;
  for (char a : absorbing) goals += a;
  CHECK(goals == 1);
  for (int b = 0; b < kBehaviourCount; ++b) {
    CAPTURE(kBehaviourIds[b]);
    DatasetSpec spec;
    spec.behaviour = static_cast<Behaviour>(b);
    spec.episodes = 30;
    spec.episode_length = 40;
    spec.random_starts = 0.5;
    klab::Rng rng(5, 1, 2);
    const Dataset d = generate_dataset(m, opt.actions, spec, rng);
    REQUIRE(d.trajectories() == 30);
    std::set<int> starts;
    for (int k = 0; k < d.trajectories(); ++k) {
      const int n = d.trajectory_start[k + 1] - d.trajectory_start[k];
      CHECK(n >= 1);
      CHECK(n <= 40);
      starts.insert(d.transitions[d.trajectory_start[k]].state);
      for (int i = d.trajectory_start[k]; i + 1 < d.trajectory_start[k + 1]; ++i) {
        CHECK(d.transitions[i].next == d.transitions[i + 1].state);  // contiguous
        CHECK_FALSE(d.transitions[i].terminal);
      }
    }
    CHECK(starts.size() > 3);  // half the trajectories start anywhere
  }
  // More noise, more coverage; the random policy's return is the lowest.
  DatasetSpec spec;
  spec.episodes = 40;
  spec.episode_length = 60;
  const auto u_of = [&](Behaviour b, double noise) {
    spec.behaviour = b;
    spec.noise = noise;
    klab::Rng rng(9, 0, 1);
    return unique_pairs(generate_dataset(m, opt.actions, spec, rng));
  };
  CHECK(u_of(Behaviour::Expert, 0.0) < u_of(Behaviour::Noisy, 0.3));
  CHECK(u_of(Behaviour::Noisy, 0.3) < u_of(Behaviour::Random, 0.0));
}

TEST_SUITE("claims") {
  // Claim 6 (issue 10): TQ and SACo equal hand-computed values on tiny datasets.
  TEST_CASE("offline claim 6: TQ and SACo equal hand-computed values on tiny datasets") {
    // Two trajectories over pairs 0..3 (pair ids are opaque here), γ = 0.5:
    //   b = 0: r = 0, 1        g₀ = 0 + 0.5·1    = 0.5
    //   b = 1: r = 0.5, 0.5    g₁ = 0.5 + 0.5·0.5 = 0.75        ḡ = 0.625
    Dataset d;
    d.transitions = {{0, 0, 0.0, 1, false}, {1, 3, 1.0, 2, true}, {0, 1, 0.5, 0, false}, {0, 1, 0.5, 0, false}};
    d.trajectory_start = {0, 2, 4};
    CHECK(average_return(d, 0.5) == 0.625);
    CHECK(unique_pairs(d) == 3);  // pairs 0, 3, 1 (pair 1 twice)
    // References ḡ(D_min) = 0.25, ḡ(D_max) = 0.75: TQ = (0.625 − 0.25)/(0.75 − 0.25) = 0.75.
    CHECK(trajectory_quality(average_return(d, 0.5), 0.25, 0.75) == 0.75);
    // u(D_ref) = 4: SACo = 3/4.
    CHECK(state_action_coverage(unique_pairs(d), 4) == 0.75);
    // γ = 1 (undiscounted returns 1 and 1): ḡ = 1, TQ against [0, 2] is 0.5.
    CHECK(average_return(d, 1.0) == 1.0);
    CHECK(trajectory_quality(1.0, 0.0, 2.0) == 0.5);
    // A single one-step trajectory, and the degenerate references.
    Dataset one;
    one.transitions = {{2, 7, -1.0, 2, false}};
    one.trajectory_start = {0, 1};
    CHECK(average_return(one, 0.9) == -1.0);
    CHECK(unique_pairs(one) == 1);
    CHECK(trajectory_quality(-1.0, -2.0, 0.0) == 0.5);
    CHECK(state_action_coverage(1, 8) == 0.125);
    CHECK(std::isnan(trajectory_quality(1.0, 2.0, 2.0)));
    CHECK(std::isnan(state_action_coverage(1, 0)));
    CHECK(average_return(Dataset{}, 0.9) == 0.0);
    CHECK(unique_pairs(Dataset{}) == 0);
  }
}

TEST_CASE("offline reach: shortest distances from the data and the edge of reach") {
  // A 1 × 6 corridor "S....G": from the start cell the distances are 0..5; the goal is absorbing.
  mdp::GridSpec spec;
  spec.rows = {"S....G"};
  klab::Expected<mdp::Grid> g = mdp::build_gridworld(spec);
  REQUIRE(g.ok());
  const mdp::Mdp& m = g.value().mdp;
  const auto state = [&](int col) { return g.value().layout.state_of_cell[static_cast<size_t>(col)]; };
  const std::vector<int> d = reach_steps(m, {state(0)});
  for (int c = 0; c < 6; ++c) CHECK(d[state(c)] == c);
  const std::vector<char> absorbing = absorbing_states(m);
  CHECK(edge_of_reach(d, 2, absorbing) == std::vector<int>{state(2)});
  CHECK(edge_of_reach(d, 5, absorbing).empty());  // the goal is absorbing: never bootstrapped from
  // From two sources the distance is the nearer one's.
  const std::vector<int> d2 = reach_steps(m, {state(0), state(3)});
  CHECK(d2[state(2)] == 1);
  CHECK(d2[state(4)] == 1);
}

TEST_CASE("offline rollout learner: Q* with full coverage; untrained entries keep the ensemble minimum of their start") {
  // Corridor "S...G", γ = 0.9, reward 1 on entering the goal: Q*(s, east) = γ^(distance − 1).
  mdp::GridSpec spec;
  spec.rows = {"S...G"};
  spec.discount = 0.9;
  klab::Expected<mdp::Grid> g = mdp::build_gridworld(spec);
  REQUIRE(g.ok());
  const mdp::Mdp& m = g.value().mdp;
  const mdp::Optimum opt = mdp::solve_optimal(m);
  DatasetSpec ds;
  ds.behaviour = Behaviour::Random;
  ds.episodes = 20;
  ds.episode_length = 30;
  klab::Rng rng(1, 0, 0);
  const Dataset d = generate_dataset(m, opt.actions, ds, rng);
  RolloutSettings s;
  s.rollout_length = 20;
  s.epsilon = 1.0;  // uniform rollouts: every pair is trained
  s.init_scale = 0.5;
  RolloutLearner full(m, d, s, 7, 0, 100, 200);
  for (int k = 0; k < 200; ++k) full.iterate();
  for (int i = 0; i < m.pairs(); ++i) CHECK(full.values()[i] == doctest::Approx(opt.q[i]).epsilon(1e-6));
  CHECK(full.updates() == 200LL * s.updates_per_iteration);
  // No updates at all: the values are the minimum of the N members' N(0, σ²) starts, which the
  // first member shares with a one-table learner of the same streams.
  s.updates_per_iteration = 0;
  s.ensemble = 5;
  RolloutLearner ravl(m, d, s, 7, 0, 100, 200);
  s.ensemble = 1;
  RolloutLearner single(m, d, s, 7, 0, 100, 200);
  int below = 0;
  for (int i = 0; i < m.pairs(); ++i) {
    CHECK(ravl.values()[i] <= single.values()[i]);
    below += ravl.values()[i] < single.values()[i];
  }
  CHECK(below > m.pairs() / 2);
}

TEST_CASE("offline weighting: sampling probabilities, weighted behaviour cloning, CQL without its penalty is Q-learning") {
  // Two trajectories: returns 0 (two steps) and 1 (one step).
  Dataset d;
  d.transitions = {{0, 0, 0.0, 1, false}, {1, 2, 0.0, 2, false}, {0, 1, 1.0, 3, true}};
  d.trajectory_start = {0, 2, 3};
  const std::vector<double> u = transition_probabilities(d, Sampler::Uniform, 0.1);
  for (double p : u) CHECK(p == doctest::Approx(1.0 / 3));
  // RW, α = 1: each transition ∝ exp(G_i): e⁰, e⁰, e¹.
  const std::vector<double> rw = transition_probabilities(d, Sampler::ReturnWeighted, 1.0);
  const double z = 2.0 + std::exp(1.0);
  CHECK(rw[0] == doctest::Approx(1.0 / z));
  CHECK(rw[2] == doctest::Approx(std::exp(1.0) / z));
  // AW: both start in state 0, V̂(0) = 1/2: exponents −1/2, −1/2, 1/2 — the same ratios as RW.
  const std::vector<double> aw = transition_probabilities(d, Sampler::AdvantageWeighted, 1.0);
  CHECK(aw[2] / aw[0] == doctest::Approx(std::exp(1.0)));

  const mdp::Mdp m = four_rooms();
  const mdp::Optimum opt = mdp::solve_optimal(m);
  DatasetSpec spec;
  spec.behaviour = Behaviour::Random;
  spec.episodes = 200;
  spec.episode_length = 60;
  spec.random_starts = 1.0;
  klab::Rng rng(4, 0, 0);
  const Dataset data = generate_dataset(m, opt.actions, spec, rng);
  // Weighted behaviour cloning with uniform probabilities is the count policy.
  const std::vector<double> bc = weighted_behaviour_cloning(m, data, transition_probabilities(data, Sampler::Uniform, 1.0));
  const std::vector<int> visits = state_visits(m, data);
  const int s0 = data.transitions[0].state;
  int taken = 0;
  for (const Transition& t : data.transitions) taken += t.pair == data.transitions[0].pair;
  CHECK(bc[data.transitions[0].pair] == doctest::Approx(static_cast<double>(taken) / visits[s0]));
  // c = 0: plain Q-learning on well-covering random data reaches Q* at the pairs the data hold.
  CqlSettings cs;
  cs.weight = 0.0;
  cs.updates = 300000;
  cs.step_size = 0.5;
  klab::Rng q_rng(4, 0, 1);
  const std::vector<double> q = train_cql(m, data, transition_probabilities(data, Sampler::Uniform, 1.0), cs, q_rng);
  for (const Transition& t : data.transitions) CHECK(q[t.pair] == doctest::Approx(opt.q[t.pair]).epsilon(1e-3));
  // The live view trains in chunks: CQL with its penalty, 1000 updates in chunks of 7, 300 and the
  // rest, gives the same bits as one call (the view shows what the Runs tab computes).
  cs.weight = 1.0;
  cs.updates = 1000;
  const std::vector<double> weighted = transition_probabilities(data, Sampler::ReturnWeighted, 0.1);
  klab::Rng whole_rng(4, 0, 2), chunk_rng(4, 0, 2);
  const std::vector<double> whole = train_cql(m, data, weighted, cs, whole_rng);
  CqlLearner chunked(m, data, weighted, cs);
  for (int n : {7, 300, 693}) chunked.train(n, chunk_rng);
  CHECK(chunked.values() == whole);
}
