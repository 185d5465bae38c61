// Reward outcomes of the MDP type (mdp.hpp, the gridworld builder, the JSON format) and the
// risk-sensitive planners of mdp.risk (src/mdp/risk.hpp): hand-computed distributions, the CVaR DP
// against an exhaustive search over every stock-dependent deterministic policy, the exponential-utility DP against
// the other policies' certainty equivalents, Monte Carlo against the exact mean, and the messages.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <utility>

#include "core/rng.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/presets.hpp"
#include "mdp/risk.hpp"
#include "mdp/risk_experiment.hpp"
#include "claim_batch.hpp"
#include "test_util.hpp"

namespace {

using klab::mdp::Mdp;
using klab::mdp::MdpBuilder;
using klab::mdp::ReturnDistribution;
using klab::mdp::StockLattice;
using klab::mdp::StockPolicy;

Mdp risk_cliff(double slip, int horizon) {
  klab::mdp::GridSpec g = klab::mdp::cliff_spec();
  g.slip = slip;
  g.discount = horizon > 0 ? 1.0 : 0.95;  // γ = 1 only with a finite horizon
  g.horizon = horizon;
  const klab::Expected<klab::mdp::Grid> grid = klab::mdp::build_gridworld(g);
  REQUIRE_MESSAGE(grid.ok(), grid.error());
  return grid.value().mdp;
}

// One decision from state 0: "safe" pays 0; "risky" pays 10 w.p. 0.9 and −100 w.p. 0.1 (both to the
// absorbing state 1, which pays 0). Reward outcomes on the transition (one successor, two rewards).
Mdp risk_gamble() {
  MdpBuilder b;
  b.add_state();
  b.add_action(0.0);
  b.add_next(1, 1.0);
  b.add_reward_outcome(0.0, 1.0);
  b.add_action(0.9 * 10.0 + 0.1 * -100.0);
  b.add_next(1, 1.0);
  b.add_reward_outcome(10.0, 0.9);
  b.add_reward_outcome(-100.0, 0.1);
  b.add_state();
  b.add_action(0.0);
  b.add_next(1, 1.0);
  b.add_reward_outcome(0.0, 1.0);
  return b.finish({1.0, 0.0}, 1.0, 1);
}

StockLattice risk_lattice_of(const Mdp& m) {
  klab::Expected<StockLattice> l = klab::mdp::stock_lattice(m);
  REQUIRE_MESSAGE(l.ok(), l.error());
  return l.value();
}

// A small random MDP with integer rewards in [−1, 1] (1 or 2 outcomes per transition), horizon H.
Mdp risk_random_mdp(uint64_t seed, int states, int horizon) {
  klab::Rng rng(seed, 0, 0);
  MdpBuilder b;
  std::vector<double> start(static_cast<size_t>(states), 0.0);
  start[0] = 1.0;
  for (int s = 0; s < states; ++s) {
    b.add_state();
    for (int a = 0; a < 2; ++a) {
      const int t0 = static_cast<int>(rng.uniform() * states), t1 = (t0 + 1) % states;
      const double p = 0.2 + 0.6 * rng.uniform();
      const double r0 = std::floor(rng.uniform() * 3) - 1, r1 = std::floor(rng.uniform() * 3) - 1, r2 = std::floor(rng.uniform() * 3) - 1;
      const double q = 0.3;
      b.add_action(p * (q * r0 + (1 - q) * r1) + (1 - p) * r2);
      b.add_next(t0, p);
      b.add_reward_outcome(r0, q);
      b.add_reward_outcome(r1, 1 - q);
      b.add_next(t1, 1 - p);
      b.add_reward_outcome(r2, 1.0);
    }
  }
  return b.finish(start, 1.0, horizon);
}

}  // namespace

TEST_CASE("mdp reward outcomes: the builder, check_mdp and the gridworld keep the expectation and the distribution") {
  const Mdp g = risk_gamble();
  REQUIRE(klab::mdp::check_mdp(g).ok());
  CHECK(g.has_reward_outcomes());
  CHECK(g.first_outcome == std::vector<int>{0, 1, 3, 4});
  MdpBuilder plain;
  plain.add_state();
  plain.add_action(1.0);
  plain.add_next(0, 1.0);
  const Mdp p = plain.finish({1.0}, 0.9, 0);
  CHECK_FALSE(p.has_reward_outcomes());
  CHECK(p.outcome_reward.empty());
  CHECK(klab::mdp::check_mdp(p).ok());
  CHECK(klab::mdp::view(p).first_outcome == nullptr);

  Mdp bad = g;
  bad.reward[1] = -0.5;  // not the outcomes' mean (−1)
  CHECK(klab::mdp::check_mdp(bad).message().find("average") != std::string::npos);
  bad = g;
  bad.outcome_prob[1] = 0.8;
  CHECK(klab::mdp::check_mdp(bad).message().find("reward-outcome probabilities") != std::string::npos);
  bad = g;
  bad.outcome_reward[0] = NAN;
  CHECK(klab::mdp::check_mdp(bad).message().find("not finite") != std::string::npos);
  bad = g;
  bad.first_outcome.pop_back();
  CHECK_FALSE(klab::mdp::check_mdp(bad).ok());

  // The cliff walk's start, "east" with slip: into the cliff (−101, back to the start) or a slip
  // into the border (−1, staying at the start): one successor, two rewards; r(s, a) is their mean.
  const Mdp c = risk_cliff(0.2, 0);
  REQUIRE(c.has_reward_outcomes());
  const int start = static_cast<int>(std::find(c.start.begin(), c.start.end(), 1.0) - c.start.begin());
  const int east = c.first_pair[start] + 1;
  bool found = false;
  for (int e = c.first_next[east]; e < c.first_next[east + 1]; ++e) {
    if (c.next_state[e] != start) continue;
    found = true;
    REQUIRE(c.first_outcome[e + 1] - c.first_outcome[e] == 2);
    const double p_cliff = 0.8 + 0.05, p_border = 0.05 + 0.05;  // east (intended or slipped) vs south or west into the border
    CHECK(c.next_prob[e] == doctest::Approx(p_cliff + p_border).epsilon(1e-14));
    for (int k = c.first_outcome[e]; k < c.first_outcome[e + 1]; ++k)
      CHECK(c.outcome_prob[k] == doctest::Approx(c.outcome_reward[k] == -101.0 ? p_cliff / (p_cliff + p_border) : p_border / (p_cliff + p_border)).epsilon(1e-14));
  }
  CHECK(found);
  CHECK(c.reward[east] == doctest::Approx(-1.0 - 100.0 * 0.85).epsilon(1e-14));
}

TEST_CASE("mdp reward outcomes: JSON files save and load them; bad next_rewards get messages naming the field") {
  const Mdp g = risk_gamble();
  const std::string text = klab::mdp::mdp_to_json(g);
  CHECK(text.find("next_rewards") != std::string::npos);
  const klab::Expected<klab::mdp::World> back = klab::mdp::parse_world_json(text, "g.json");
  REQUIRE_MESSAGE(back.ok(), back.error());
  CHECK(back.value().mdp.outcome_reward == g.outcome_reward);
  CHECK(back.value().mdp.outcome_prob == g.outcome_prob);
  CHECK(back.value().mdp.first_outcome == g.first_outcome);
  // A gridworld's outcomes round-trip through klab.mdp as well.
  const Mdp c = risk_cliff(0.1, 0);
  const klab::Expected<klab::mdp::World> cb = klab::mdp::parse_world_json(klab::mdp::mdp_to_json(c), "c.json");
  REQUIRE_MESSAGE(cb.ok(), cb.error());
  CHECK(cb.value().mdp.outcome_reward == c.outcome_reward);

  const auto error_of = [](const std::string& actions) {
    const std::string file = R"({"format": "klab.mdp", "version": 1, "states": 2, "discount": 1, "horizon": 1, "start": [[0, 1]], "actions": )" + actions + "}";
    const klab::Expected<klab::mdp::World> w = klab::mdp::parse_world_json(file, "m.json");
    return w.ok() ? std::string("ok") : w.error();
  };
  const std::string ok_state1 = R"([{"reward": 0, "next": [[1, 1]], "next_rewards": [[[0, 1]]]}])";
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": [[[10, 0.9], [-100, 0.1]]]}], )" + ok_state1 + "]") == "ok");
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": [[[10, 0.9], [-100, 0.2]]]}], )" + ok_state1 + "]") ==
        "m.json: actions[0][0].next_rewards[0]: probabilities sum to 1.1, not 1 (tolerance 1e-9)");
  CHECK(error_of(R"([[{"reward": 0, "next": [[1, 1]], "next_rewards": [[[10, 0.9], [-100, 0.1]]]}], )" + ok_state1 + "]").find(
            "m.json: actions[0][0].next_rewards: the rewards average -1, but \"reward\" is 0") == 0);
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": [[10, 0.9]]}], )" + ok_state1 + "]") ==
        "m.json: actions[0][0].next_rewards[0][0]: must be a [reward, probability] pair");
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": []}], )" + ok_state1 + "]").find("m.json: actions[0][0].next_rewards: must be a list with one list") == 0);
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": [[[10, 1.5]]]}], )" + ok_state1 + "]").find("m.json: actions[0][0].next_rewards[0][0][1]: must be a number in [0, 1]") == 0);
  CHECK(error_of(R"([[{"reward": -1, "next": [[1, 1]], "next_rewards": [[[-1, 1]]]}], [{"reward": 0, "next": [[1, 1]]}]])") ==
        "m.json: actions[1][0].next_rewards: missing, but actions[0][0] has it (give next_rewards for every action or for none)");
}

TEST_CASE("risk: stock lattice — exact stocks on the rewards' lattice, messages for what it cannot do") {
  const StockLattice l = risk_lattice_of(risk_cliff(0.1, 3));
  CHECK(l.quantum == 1.0);
  CHECK(l.reward_lo == -101);
  CHECK(l.reward_hi == 0);  // the goal's self-loop
  CHECK(l.states[1].size() == 3);  // from the start: back at the start for −101 (fall) or −1 (bump), or one cell north for −1
  CHECK(l.finals == std::vector<int64_t>{-303, -203, -103, -3});  // 3 steps cannot reach the goal: −3 − 100·falls
  Mdp half = risk_gamble();
  half.outcome_reward[1] = 10.5, half.reward[1] = 0.9 * 10.5 - 10.0;
  CHECK(risk_lattice_of(half).quantum == 0.5);
  Mdp odd = risk_gamble();
  odd.outcome_reward[1] = 0.1234567, odd.reward[1] = 0.9 * 0.1234567 - 10.0;
  CHECK(klab::mdp::stock_lattice(odd).error().find("rewards: ") == 0);
  CHECK(klab::mdp::stock_lattice(risk_cliff(0.1, 0)).error().find("horizon: ") == 0);
  Mdp discounted = risk_cliff(0.1, 5);
  discounted.discount = 0.9;
  CHECK(klab::mdp::stock_lattice(discounted).error().find("discount: ") == 0);
}

TEST_CASE("risk: the gamble — CVaR_0.2 takes the safe action, CVaR_1 (the mean) the risky one; distributions and statistics by hand") {
  const Mdp g = risk_gamble();
  const StockLattice l = risk_lattice_of(g);
  const klab::mdp::CvarSolution tail = klab::mdp::cvar_policy(g, l, 0.2);
  const ReturnDistribution safe = klab::mdp::return_distribution(g, l, tail.policy);
  CHECK(safe.values == std::vector<double>{0.0});
  CHECK(tail.cvar == doctest::Approx(0.0));
  const StockPolicy neutral = klab::mdp::risk_neutral_policy(g, l);  // E = −1 < 0: safe as well
  CHECK(klab::mdp::return_distribution(g, l, neutral).values == std::vector<double>{0.0});
  const klab::mdp::CvarSolution whole = klab::mdp::cvar_policy(g, l, 1.0);
  CHECK(whole.cvar == doctest::Approx(0.0));
  // The risky action's distribution and statistics: CVaR_0.2 = (0.1·(−100) + 0.1·10)/0.2 = −45.
  StockPolicy risky = neutral;
  risky.markov[0] = 1;
  const ReturnDistribution d = klab::mdp::return_distribution(g, l, risky);
  CHECK(d.values == std::vector<double>{-100.0, 10.0});
  CHECK(d.probs[0] == doctest::Approx(0.1));
  CHECK(klab::mdp::distribution_cvar(d, 0.2) == doctest::Approx(-45.0));
  CHECK(klab::mdp::distribution_cvar(d, 0.05) == doctest::Approx(-100.0));
  CHECK(klab::mdp::distribution_cvar(d, 1.0) == doctest::Approx(-1.0));
  CHECK(klab::mdp::distribution_mean(d) == doctest::Approx(-1.0));
  CHECK(klab::mdp::certainty_equivalent(d, 0.1) == doctest::Approx(-std::log(0.9 * std::exp(-1.0) + 0.1 * std::exp(10.0)) / 0.1));
  // Large β: the log-sum-exp stays finite (exp(100) alone would not overflow, exp(−β·(−100)) at β = 10 would).
  CHECK(std::isfinite(klab::mdp::certainty_equivalent(d, 10.0)));
  CHECK(klab::mdp::certainty_equivalent(d, 10.0) == doctest::Approx(-100.0 - std::log(0.1) / 10.0).epsilon(1e-9));
}

TEST_CASE("risk: the CVaR DP equals an exhaustive search over every stock-dependent deterministic policy") {
  // Random 2-state MDPs, H = 3: every reachable (h, s, c) gets a free action, 2^(|R_0| + |R_1| + |R_2|)
  // policies (searched where that is at most 2^16).
  int searched = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const Mdp m = risk_random_mdp(seed, 2, 3);
    REQUIRE(klab::mdp::check_mdp(m).ok());
    const StockLattice l = risk_lattice_of(m);
    StockPolicy all = klab::mdp::risk_neutral_policy(m, l);
    size_t slots = 0;
    for (int h = 0; h < 3; ++h) all.stock_action.emplace_back(l.states[static_cast<size_t>(h)].size(), 0), slots += l.states[static_cast<size_t>(h)].size();
    if (slots > 16) continue;
    ++searched;
    const std::vector<double> alphas{0.1, 0.3, 1.0};
    std::vector<double> best(alphas.size(), -INFINITY);
    double best_mean = -INFINITY;
    for (uint64_t bits = 0; bits < (1ULL << slots); ++bits) {
      size_t k = 0;
      for (auto& level : all.stock_action)
        for (int& a : level) a = static_cast<int>((bits >> k++) & 1);
      const ReturnDistribution d = klab::mdp::return_distribution(m, l, all);
      for (size_t j = 0; j < alphas.size(); ++j) best[j] = std::max(best[j], klab::mdp::distribution_cvar(d, alphas[j]));
      best_mean = std::max(best_mean, klab::mdp::distribution_mean(d));
    }
    CAPTURE(seed);
    for (size_t j = 0; j < alphas.size(); ++j) {
      const klab::mdp::CvarSolution dp = klab::mdp::cvar_policy(m, l, alphas[j]);
      CAPTURE(alphas[j]);
      CHECK(dp.cvar == doctest::Approx(best[j]).epsilon(1e-12));
      CHECK(klab::mdp::distribution_cvar(klab::mdp::return_distribution(m, l, dp.policy), alphas[j]) == doctest::Approx(best[j]).epsilon(1e-12));
    }
    CHECK(klab::mdp::distribution_mean(klab::mdp::return_distribution(m, l, klab::mdp::risk_neutral_policy(m, l))) == doctest::Approx(best_mean).epsilon(1e-12));
  }
  CHECK(searched >= 3);
}

TEST_CASE("risk: on the cliff, each optimum wins its own objective; Monte Carlo returns agree with the exact mean") {
  const Mdp m = risk_cliff(0.1, 20);
  const StockLattice l = risk_lattice_of(m);
  const double alpha = 0.1, beta = 0.02;
  const StockPolicy neutral = klab::mdp::risk_neutral_policy(m, l), entropic = klab::mdp::entropic_policy(m, l, beta);
  const klab::mdp::CvarSolution tail = klab::mdp::cvar_policy(m, l, alpha);
  const ReturnDistribution dn = klab::mdp::return_distribution(m, l, neutral), de = klab::mdp::return_distribution(m, l, entropic),
                           dc = klab::mdp::return_distribution(m, l, tail.policy);
  for (const ReturnDistribution* d : {&dn, &de, &dc}) {
    double total = 0.0;
    for (double p : d->probs) total += p;
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
  const double tol = 1e-9;
  CHECK(klab::mdp::distribution_mean(dn) >= klab::mdp::distribution_mean(dc) - tol);
  CHECK(klab::mdp::distribution_mean(dn) >= klab::mdp::distribution_mean(de) - tol);
  CHECK(klab::mdp::distribution_cvar(dc, alpha) >= klab::mdp::distribution_cvar(dn, alpha) - tol);
  CHECK(klab::mdp::distribution_cvar(dc, alpha) >= klab::mdp::distribution_cvar(de, alpha) - tol);
  CHECK(klab::mdp::certainty_equivalent(de, beta) >= klab::mdp::certainty_equivalent(dn, beta) - tol);
  CHECK(klab::mdp::certainty_equivalent(de, beta) >= klab::mdp::certainty_equivalent(dc, beta) - tol);
  CHECK(tail.cvar == doctest::Approx(klab::mdp::distribution_cvar(dc, alpha)).epsilon(1e-12));
  // β → 0: the exponential-utility policy's mean tends to the risk-neutral optimum.
  CHECK(klab::mdp::distribution_mean(klab::mdp::return_distribution(m, l, klab::mdp::entropic_policy(m, l, 1e-6))) ==
        doctest::Approx(klab::mdp::distribution_mean(dn)).epsilon(1e-6));
  // Monte Carlo: 20,000 episodes of the stock-dependent policy, its mean within 4 standard errors.
  klab::Rng rng(5, 0, 0);
  double sum = 0.0, sum2 = 0.0;
  const int n = 20000;
  for (int k = 0; k < n; ++k) {
    const double g = klab::mdp::sample_return(m, l, tail.policy, rng);
    sum += g, sum2 += g * g;
  }
  const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
  CHECK(std::fabs(mean - klab::mdp::distribution_mean(dc)) <= 4.0 * se);
}

TEST_CASE("risk: mdp.risk's parameters — ranges named in the messages; the default solution is exact and cheap") {
  klab::mdp::RiskExperiment e;
  CHECK(e.params().set_texts({{"alpha", "0"}}).message().find("alpha") != std::string::npos);
  CHECK(e.params().set_texts({{"horizon", "61"}}).message().find("horizon") != std::string::npos);
  CHECK(e.params().set_texts({{"cliff_reward", "5"}}).message().find("cliff_reward") != std::string::npos);
  // The corners of the ranges solve on the cliff walk.
  for (const auto& corner : {std::pair{"-37", "1"}, std::pair{"0", "0"}}) {
    const char* const cliff = corner.first;  // (named copies: CAPTURE's lambda cannot capture structured bindings in C++17)
    const char* const slip = corner.second;
    REQUIRE(e.params().set_texts({{"horizon", "60"}, {"slip", slip}, {"wind", slip}, {"cliff_reward", cliff}, {"alpha", "0.01"}}).ok());
    CAPTURE(cliff);
    CAPTURE(slip);
    CHECK(e.solution() != nullptr);
  }
  REQUIRE(e.params().set_texts({{"horizon", "12"}, {"slip", "0.1"}, {"wind", "0"}, {"cliff_reward", "-100"}, {"alpha", "0.1"}}).ok());  // shorter than the shortest way: nobody reaches the goal
  const std::shared_ptr<const klab::mdp::RiskSolution> sol = e.solution();
  REQUIRE(sol);
  for (const ReturnDistribution& d : sol->returns) CHECK(d.values.back() <= -12.0);
  const std::vector<int> path = klab::mdp::likely_path(*sol, sol->policies[1]);
  CHECK(path.size() == 13);  // the start and 12 steps
}

namespace {

// The return distribution of π by enumerating every path of H steps on the MDP's own tables (successors,
// their probabilities and reward outcomes; not the lattice's), tracking the stock for π's actions.
void risk_grid_enumerate(const Mdp& m, const StockLattice& l, const StockPolicy& pi, int h, int s, double g, double p, std::map<double, double>& out) {
  if (h == l.horizon) {
    out[g] += p;
    return;
  }
  const int i = m.first_pair[s] + pi.action(l, h, s, std::llround(g / l.quantum));
  for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e)
    for (int k = m.first_outcome[static_cast<size_t>(e)]; k < m.first_outcome[static_cast<size_t>(e) + 1]; ++k)
      risk_grid_enumerate(m, l, pi, h + 1, m.next_state[e], g + m.outcome_reward[static_cast<size_t>(k)],
                          p * m.next_prob[e] * m.outcome_prob[static_cast<size_t>(k)], out);
}

// CVaR_α by the Rockafellar–Uryasev form, max over the atoms b of b − E[(b − G)⁺]/α (the maximum is at
// an α-quantile, an atom): a second formula, not distribution_cvar's sorted tail.
double risk_grid_brute_cvar(const std::map<double, double>& d, double alpha) {
  double best = -INFINITY;
  for (const auto& [b, pb] : d) {
    double shortfall = 0.0;
    for (const auto& [g, p] : d) shortfall += p * std::max(b - g, 0.0);
    best = std::max(best, b - shortfall / alpha);
  }
  return best;
}

}  // namespace

TEST_CASE("risk: on a small painted grid, the DP's CVaR equals the CVaR of its policy's enumerated return distribution") {
  // 3 × 4 with two cliff cells, a goal and a reward of 2.5 (so the quantum is 0.5), slip 0.2, wind 0.2
  // south, H = 5: every path enumerated (up to 11 outcomes per step).
  klab::mdp::RiskWorldParams w;
  w.world.grid = R"({"format":"klab.gridworld","version":1,"grid":["S.C.","...G","C..."],"step_reward":-1,"goal_reward":5,"cell_rewards":[[2,2,2.5]]})";
  w.world.slip = 0.2, w.world.wind = 0.2, w.cliff_reward = -20, w.world.horizon = 5;
  const klab::Expected<klab::mdp::RiskWorldBuild> world = klab::mdp::build_risk_world(w);
  REQUIRE_MESSAGE(world.ok(), world.error());
  const Mdp& m = world.value().world.mdp;
  const StockLattice& l = world.value().lattice;
  CHECK(l.quantum == 0.5);
  const auto enumerate = [&](const StockPolicy& pi) {
    std::map<double, double> d;
    for (int s = 0; s < m.states; ++s)
      if (m.start[static_cast<size_t>(s)] > 0.0) risk_grid_enumerate(m, l, pi, 0, s, 0.0, m.start[static_cast<size_t>(s)], d);
    return d;
  };
  // The lattice's push-forward of the risk-neutral policy is the enumerated distribution.
  const StockPolicy neutral = klab::mdp::risk_neutral_policy(m, l);
  const std::map<double, double> dn = enumerate(neutral);
  const ReturnDistribution pushed = klab::mdp::return_distribution(m, l, neutral);
  CHECK(dn.size() >= 8);  // falls, bumps, the reward cell and the goal give many returns
  REQUIRE(pushed.values.size() == dn.size());
  size_t k = 0;
  for (const auto& [g, p] : dn) {
    CHECK(pushed.values[k] == g);
    CHECK(pushed.probs[k++] == doctest::Approx(p).epsilon(1e-12));
  }
  int differs = 0;
  for (double alpha : {0.05, 0.2, 0.5, 1.0}) {
    CAPTURE(alpha);
    const klab::mdp::CvarSolution dp = klab::mdp::cvar_policy(m, l, alpha);
    const double brute = risk_grid_brute_cvar(enumerate(dp.policy), alpha);
    CHECK(dp.cvar == doctest::Approx(brute).epsilon(1e-12));
    CHECK(brute >= risk_grid_brute_cvar(dn, alpha) - 1e-12);  // no worse than the risk-neutral policy's
    differs += brute > risk_grid_brute_cvar(dn, alpha) + 1e-6;
  }
  CHECK(differs >= 1);  // the grid has a risk trade-off: at some α the CVaR policy beats the risk-neutral one
}

TEST_CASE("risk: mdp.risk's worlds — the grid presets and an edited grid solve; off-lattice rewards and held fields are refused by name") {
  klab::mdp::RiskExperiment e;
  for (const char* world : {"four_rooms", "hazard_maze", "cliff"}) {
    CAPTURE(world);
    REQUIRE(e.params().set_texts({{"world", world}}).ok());
    CHECK(e.solution() != nullptr);
  }
  const std::string head = R"({"format":"klab.gridworld","version":1,"grid":["S..","...",".CG"])";
  REQUIRE(e.params().set_texts({{"grid", head + R"(,"step_reward":-1,"cell_rewards":[[1,1,0.25]]})"}}).ok());
  const std::shared_ptr<const klab::mdp::RiskSolution> sol = e.solution();
  REQUIRE(sol);
  CHECK(sol->world.layout.rows == 3);
  CHECK(sol->lattice.quantum == 0.25);
  CHECK(e.params().set_texts({{"grid", head + R"(,"cell_rewards":[[0,1,0.1234567]]})"}}).message() ==
        "parameter 'grid': cell_rewards[0] (row 0, column 1): reward 0.1234567 is not a multiple of 1/k for any k ≤ 1000 (the exact stock-augmented DP "
        "needs rewards on a lattice, e.g. 0.5 or 0.125)");
  CHECK(e.params().set_texts({{"grid", head + R"(,"step_reward":0.001001001001001,"goal_reward":0.001002004008016})"}}).message().find("parameter 'grid': rewards: ") == 0);
  CHECK(e.params().set_texts({{"grid", head + R"(,"cliff_reward":-5})"}}).message() ==
        "parameter 'grid': cliff_reward: is set by the parameter 'cliff_reward', not inside the grid: remove it here");
  CHECK(e.params().set_texts({{"grid", head + R"(,"wind_direction":"north"})"}}).message().find("parameter 'grid': wind_direction: is set by the parameter") == 0);
  CHECK(e.solution() == sol);  // every refused edit left the world as it was
  // The README's two exits: a near exit worth 30 between cliffs, a far safe one worth 10. With a fall
  // costing 20 the risk-neutral policy takes the corridor, the CVaR_0.1 policy the far exit (exact:
  // mean 12.96 vs −0.39, CVaR_0.1 −30.45 vs −3.97).
  REQUIRE(e.params()
              .set_texts({{"grid", R"({"format":"klab.gridworld","version":1,"grid":["CCCCCCC..........","G......S........G","CCCCCCC.........."],)"
                                   R"("step_reward":-1,"goal_reward":0,"cell_rewards":[[1,0,30],[1,16,10]]})"},
                          {"cliff_reward", "-20"}})
              .ok());
  const std::shared_ptr<const klab::mdp::RiskSolution> two = e.solution();
  REQUIRE(two);
  const ReturnDistribution& neutral = two->returns[0];
  const ReturnDistribution& tail = two->returns[1];
  CHECK(klab::mdp::distribution_cvar(tail, 0.1) > klab::mdp::distribution_cvar(neutral, 0.1) + 20.0);
  CHECK(klab::mdp::distribution_mean(tail) < klab::mdp::distribution_mean(neutral) - 10.0);
}

TEST_CASE("risk: mdp.risk off the grid — RiverSwim, the chain, a random MDP on its lattice and klab.mdp files solve; off-lattice files are refused by name") {
  klab::mdp::RiskExperiment e;
  // RiverSwim (rewards 0.005 and 1: quantum 1/200) and the chain (0, 0.2, 1: quantum 1/5; slip makes the other action's reward).
  for (const auto& [world, quantum] : {std::pair{"riverswim", 0.005}, std::pair{"chain", 0.2}}) {
    const char* const name = world;  // (a named copy: CAPTURE cannot capture structured bindings in C++17)
    CAPTURE(name);
    REQUIRE(e.params().set_texts({{"world", world}}).ok());
    const std::shared_ptr<const klab::mdp::RiskSolution> sol = e.solution();
    REQUIRE(sol);
    CHECK(sol->world.layout.rows == 0);
    CHECK(sol->lattice.quantum == doctest::Approx(quantum).epsilon(1e-12));
    // Each optimum is no worse than the others on its own objective.
    const double alpha = e.p().alpha;
    CHECK(klab::mdp::distribution_cvar(sol->returns[1], alpha) >= klab::mdp::distribution_cvar(sol->returns[0], alpha) - 1e-9);
    CHECK(klab::mdp::distribution_mean(sol->returns[0]) >= klab::mdp::distribution_mean(sol->returns[1]) - 1e-9);
    if (std::string(world) == "chain") {  // the README's trade-off (exact: CVaR_0.1 4.001 vs 3.825, mean 4.994 vs 11.36)
      CHECK(klab::mdp::distribution_cvar(sol->returns[1], alpha) > klab::mdp::distribution_cvar(sol->returns[0], alpha) + 0.1);
      CHECK(klab::mdp::distribution_mean(sol->returns[1]) < klab::mdp::distribution_mean(sol->returns[0]) - 5.0);
    }
    // The policy map: a Markov policy's action depends on the state only; every point is a reached (state, stock).
    const int h = klab::mdp::stock_policy_step(*sol);
    const klab::plot::Plot neutral = klab::mdp::stock_policy_plot(*sol, "risk_neutral", h, "");
    std::map<double, size_t> action_of_state;
    size_t points = 0;
    for (size_t a = 0; a < neutral.points.size(); ++a)
      for (double y : neutral.points[a].y) {
        CHECK(action_of_state.emplace(y, a).first->second == a);
        ++points;
      }
    CHECK(points >= 2);
  }
  // The chain's reward outcomes: the action that happens earns its reward; r(s, a) is their mean as before.
  const Mdp chain = klab::mdp::chain(4, 0.25);
  REQUIRE(chain.has_reward_outcomes());
  CHECK(klab::mdp::check_mdp(chain).ok());
  CHECK(chain.reward[0] == 0.75 * 0.0 + 0.25 * 0.2);
  CHECK(chain.outcome_reward[static_cast<size_t>(chain.first_outcome[1])] == 0.2);  // forward from 0 slipped back to 0
  // A random MDP with rewards j/k: the lattice is 1/k (or coarser when some levels are not drawn).
  REQUIRE(e.params().set_texts({{"world", "random"}, {"reward_levels", "4"}, {"size", "5"}}).ok());
  const std::shared_ptr<const klab::mdp::RiskSolution> random = e.solution();
  REQUIRE(random);
  CHECK(std::fmod(4.0 * random->lattice.quantum, 1.0) == 0.0);
  for (double r : random->world.mdp.reward) CHECK(std::fmod(4.0 * r, 1.0) == 0.0);
  // Its figure: the policy map in place of the grid (points, no heat map).
  const klab::plot::Figure f = e.figure(klab::test::run_batch(e, {{"episodes", "20"}, {"sweeps", "5"}}, 1, 2));
  REQUIRE(f.plots.size() >= 2);
  CHECK(f.plots[1].heatmaps.empty());
  CHECK_FALSE(f.plots[1].points.empty());
  CHECK(f.plots[1].title.find("per (state, stock)") != std::string::npos);
  // klab.mdp files: the chain's passes; a random MDP with rewards uniform on [0, 1] is refused, the reward named.
  const std::string dir = klab::test::fresh_dir("risk_files");
  klab::test::write_text(dir + "/chain.json", klab::mdp::mdp_to_json(klab::mdp::chain(5, 0.1)));
  REQUIRE(e.params().set_texts({{"mdp_file", dir + "/chain.json"}}).ok());
  REQUIRE(e.solution());
  CHECK(e.solution()->world.mdp.states == 5);
  klab::Rng rng(3, 0, 0);
  const Mdp off = klab::mdp::random_mdp(4, 2, 2, rng);
  klab::test::write_text(dir + "/off.json", klab::mdp::mdp_to_json(off));
  const std::string message = e.params().set_texts({{"mdp_file", dir + "/off.json"}}).message();
  CHECK(message.find("parameter 'mdp_file': off.json: actions[0][0].reward: reward ") == 0);
  CHECK(message.find("is not a multiple of 1/k for any k ≤ 1000") != std::string::npos);
  CHECK(e.p().mdp_file == dir + "/chain.json");  // refused: the world is unchanged
}
