// The bandits chapter's algorithms on small cases with known answers: common random numbers,
// resumable runs, the UFE rule and the first-order saving, streaming sample sizes and regret
// bookkeeping, the oracle judge allocation, Max-Det bases and the fixed-budget schedules.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "bandits/bai.hpp"
#include "bandits/chi_square.hpp"
#include "bandits/free_experiment.hpp"
#include "bandits/judges.hpp"
#include "bandits/regret_experiment.hpp"
#include "bandits/streaming.hpp"
#include "core/batch.hpp"

using namespace klab::bandits;

TEST_CASE("every policy sees the same outcome for the n-th pull of an arm (common random numbers)") {
  RegretExperiment e;
  REQUIRE(e.params().set_texts({{"horizon", "300"}, {"arms", "0.3,0.6"}}).ok());
  const RegretConfig cfg = e.config(e.layout());
  // Replay each policy's pulls and check the observations against the (arm, n) draws.
  for (int slot = 0; slot < cfg.n_policies; ++slot) {
    PolicyRun r;
    policy_run_start(r, cfg, static_cast<Policy>(cfg.policies[slot]), 7, 3);
    std::vector<double> sums(2, 0.0);
    while (!policy_run_done(r, cfg)) {
      const uint32_t n0 = r.stats.pulls[0], n1 = r.stats.pulls[1];
      const int a = policy_run_step(r, cfg, 7, 3);
      sums[a] += draw_observation(cfg.policy.model, cfg.theta[a], 7, 3, a, a == 0 ? n0 : n1);
    }
    CHECK(r.stats.sum[0] == sums[0]);
    CHECK(r.stats.sum[1] == sums[1]);
  }
}

TEST_CASE("a bandits.regret run advanced in slices equals the run done in one piece") {
  RegretExperiment e;
  REQUIRE(e.params().set_texts({{"horizon", "2000"}}).ok());
  const klab::RunLayout layout = e.layout();
  klab::RunRecord whole(layout), sliced(layout);
  e.run(11, 4, layout, whole);
  auto cursor = e.start_run(11, 4, layout, sliced);
  int slices = 0;
  while (!cursor->step(777)) ++slices;
  CHECK(slices > 10);
  CHECK(whole.curves() == sliced.curves());
  CHECK(whole.finals() == sliced.finals());
}

TEST_CASE("bandits.regret parameters: policy ids, two-valued support and the uniform policy's regret") {
  RegretExperiment e;
  // Two-valued support {low, high} straddles 0.5, so low < high always holds.
  CHECK(e.params().set_texts({{"dist", "two_valued"}, {"low", "0.7"}}).message().find("'low' must be a real number in [0, 0.45]") != std::string::npos);
  CHECK_FALSE(e.params().set_texts({{"policies", "ucb1,nope"}}).ok());
  REQUIRE(e.params().set_texts({{"policies", "uniform"}, {"horizon", "900"}, {"arms", "0.1,0.5,0.9"}}).ok());
  klab::BatchJob job(e.clone(), 1, 3);
  job.run_all(1);
  // Round robin: each arm 300 times, regret 300·(0.8 + 0.4) whatever the rewards.
  CHECK(job.result().final_stat(0, 0).mean() == doctest::Approx(360.0));
  CHECK(job.result().final_stat(0, 1).mean() == doctest::Approx(1.0 / 3.0));
}

TEST_CASE("UFE: round robin for the forced part, then the largest-gap arm whose target ln T / KL is not met") {
  ArmStats s;
  stats_reset(s, 3);
  const ArmModel m;
  // Forced part: with budget 10 and forced 0.5, steps 0..4 go round robin.
  for (int step = 0; step < 5; ++step) CHECK(ufe_choose(s, m, 3, std::log(1e4), 10, step, 0.5) == step % 3);
  // Means 0.9 (leader), 0.8 and 0.1 after 10 pulls each: arm 2's target ln T / kl(0.1, 0.9) ≈ 5.2 is met,
  // arm 1's target ≈ 207 is not, so the adaptive part pulls arm 1 although arm 2 has the larger gap.
  for (int i = 0; i < 10; ++i) {
    stats_add(s, 0, i < 9 ? 1.0 : 0.0, false, true);
    stats_add(s, 1, i < 8 ? 1.0 : 0.0, false, true);
    stats_add(s, 2, i < 1 ? 1.0 : 0.0, false, true);
  }
  CHECK(ufe_choose(s, m, 3, std::log(1e4), 100, 60, 0.5) == 1);
  // With a tiny horizon (ln T = 1) every target is met: the least resolved arm, N·KL smallest, is arm 1.
  CHECK(ufe_choose(s, m, 3, 0.01, 100, 60, 0.5) == 1);
}

TEST_CASE("first-order predicted saving: kinks where an arm's target is met") {
  // Means 0.9, 0.8, 0.1 (Bernoulli): targets 1/kl in units of ln T.
  const std::vector<double> mean{0.9, 0.8, 0.1}, gap{0.0, 0.1, 0.8};
  const std::vector<double> kl{0.0, klab::kl_bernoulli(0.8, 0.9), klab::kl_bernoulli(0.1, 0.9)};
  // UFE without forcing: the largest gap first (arm 2, target 1/kl ≈ 0.569), then arm 1.
  const double t2 = 1.0 / kl[2];
  CHECK(predicted_saving(mean, gap, kl, FreeRule::Ufe, t2, 0.0) == doctest::Approx(0.8 * t2));
  CHECK(predicted_saving(mean, gap, kl, FreeRule::Ufe, t2 + 1.0, 0.0) == doctest::Approx(0.8 * t2 + 0.1));
  // Uniform gives c/K to every arm, the best one included.
  CHECK(predicted_saving(mean, gap, kl, FreeRule::Uniform, 0.3, 0.0) == doctest::Approx(0.1 * 0.1 + 0.8 * 0.1));
  CHECK(predicted_saving(mean, gap, kl, FreeRule::None, 5.0, 0.0) == 0.0);
}

TEST_CASE("streaming: sample sizes, levels, and regret = Σ pulls·gap + commit") {
  CHECK(tower_levels(50) == 4);  // 50 → 3.9 → 1.36 → 0.31
  CHECK(tower_levels(2) == 2);
  const long long k = 20, horizon = 1000000;
  const double ratio = std::pow(static_cast<double>(horizon) / k, 2.0 / 3.0);
  CHECK(stream_batch(StreamAlgo::Uniform, k, horizon) == static_cast<long long>(std::ceil(ratio * std::cbrt(std::log(1e6)))));
  CHECK(stream_batch(StreamAlgo::Single, k, horizon) == static_cast<long long>(std::ceil(ratio * std::log(20.0))));
  CHECK(stream_batch(StreamAlgo::Tower, k, horizon) == static_cast<long long>(std::ceil(ratio)));
  std::vector<double> means(k);
  for (long long i = 0; i < k; ++i) means[i] = 0.05 + 0.04 * i;  // best last
  std::vector<StreamEvent> trace;
  const StreamResult r = run_stream(StreamAlgo::Uniform, means, horizon, 3, 0, &trace);
  const long long m = stream_batch(StreamAlgo::Uniform, k, horizon);
  CHECK(r.exploration == k * m);
  CHECK(r.memory == 1);
  double regret = 0.0;
  for (double mu : means) regret += m * (means.back() - mu);
  regret += (horizon - k * m) * (means.back() - means[r.committed]);
  CHECK(r.regret == doctest::Approx(regret));
  // The tower never stores more arms than it has levels.
  const StreamResult t = run_stream(StreamAlgo::Tower, means, horizon, 3, 0, nullptr);
  CHECK(t.memory <= tower_levels(k));
  CHECK(t.exploration <= horizon);
  // Successes of pulls n..n+c-1 are the same whether read at once or in pieces.
  CHECK(stream_successes(5, 1, 2, 0, 100, 0.4) == stream_successes(5, 1, 2, 0, 37, 0.4) + stream_successes(5, 1, 2, 37, 63, 0.4));
}

TEST_CASE("judges: the oracle allocation follows b_k ∝ v_k^{p/(p+2)} on each item's most efficient judge") {
  const JudgeInstance inst = make_judge_instance(6, {1.0, 4.0}, {1.0, 0.3}, 0.8, 3);
  const std::vector<double> share = oracle_shares(inst, 2.0);
  CHECK(std::accumulate(share.begin(), share.end(), 0.0) == doctest::Approx(1.0));
  JudgeSim oracle(inst, Allocation::Oracle, 2.0, 1, 0);
  while (oracle.spent() + oracle.next_cost() <= 200000.0) oracle.query();
  for (int k = 0; k < inst.items; ++k)
    for (int j = 0; j < inst.judges; ++j) {
      const size_t i = static_cast<size_t>(k) * inst.judges + j;
      CAPTURE(k);
      CAPTURE(j);
      CHECK(oracle.counts()[i] * inst.cost[j] / oracle.spent() == doctest::Approx(share[i]).epsilon(0.02));
    }
  // The oracle rate at budget B: (m_2 B^{-1} (Σ √v_k)²)^{1/2} for p = 2 (m_2 = 1).
  double sum = 0.0;
  for (int k = 0; k < inst.items; ++k) {
    double v = 1e300;
    for (int j = 0; j < inst.judges; ++j) v = std::min(v, inst.cost[j] * inst.sd[k * inst.judges + j] * inst.sd[k * inst.judges + j]);
    sum += std::sqrt(v);
  }
  CHECK(oracle_rate(inst, 2.0, 1000.0) == doctest::Approx(std::sqrt(sum * sum / 1000.0)));
}

TEST_CASE("BAI: the Max-Det basis maximises |det| and spans every arm with coefficients in [-1, 1]") {
  BaiProblem p;
  for (double deg : {0.0, 20.0, 35.0, 50.0, 80.0, 90.0}) {
    p.x.push_back(std::cos(deg * klab::kPi / 180)), p.y.push_back(std::sin(deg * klab::kPi / 180));
    p.mean.push_back(0.5);
  }
  std::vector<int> all{0, 1, 2, 3, 4, 5};
  const std::vector<int> b = max_det_basis(p, all);
  REQUIRE(b.size() == 2);
  const double det = p.x[b[0]] * p.y[b[1]] - p.y[b[0]] * p.x[b[1]];
  CHECK(std::fabs(det) == doctest::Approx(1.0));  // the orthogonal pair 0° and 90°
  for (int a : all) {
    const double c0 = (p.x[a] * p.y[b[1]] - p.y[a] * p.x[b[1]]) / det, c1 = (p.x[b[0]] * p.y[a] - p.y[b[0]] * p.x[a]) / det;
    CHECK(std::fabs(c0) <= 1.0 + 1e-12);
    CHECK(std::fabs(c1) <= 1.0 + 1e-12);
  }
  // Collinear arms: one basis vector, the longest.
  BaiProblem line;
  line.x = {0.5, 1.0, 0.25};
  line.y = {0.5, 1.0, 0.25};
  line.mean = {0.5, 0.5, 0.5};
  CHECK(max_det_basis(line, {0, 1, 2}) == std::vector<int>{1});
}

TEST_CASE("BAI schedules stay within the budget and find an obvious best arm") {
  BaiProblem p;
  for (int k = 0; k < 8; ++k) {
    const double phi = k * klab::kPi / 14;
    p.x.push_back(std::cos(phi)), p.y.push_back(std::sin(phi)), p.mean.push_back(k == 5 ? 0.95 : 0.1 + 0.05 * k);
  }
  for (BaiAlgo algo : {BaiAlgo::Uniform, BaiAlgo::Sr, BaiAlgo::Sh, BaiAlgo::DpSh, BaiAlgo::DpBai}) {
    CAPTURE(static_cast<int>(algo));
    const BaiOutcome o = run_bai(algo, p, 4000, 1.0, 9, 2, true);
    CHECK(std::accumulate(o.pulls.begin(), o.pulls.end(), 0LL) <= 4000);
    if (algo != BaiAlgo::DpBai) CHECK(o.recommended == 5);  // DP-BAI assumes μ linear in a (it is not here)
  }
  // DP-BAI halves the active set each phase and pulls only the basis while |A| > d = 2.
  const BaiOutcome o = run_bai(BaiAlgo::DpBai, p, 4000, 1.0, 9, 2, true);
  REQUIRE(o.phases.size() == 3);
  CHECK(o.phases[0].active.size() == 8);
  CHECK(o.phases[0].basis.size() == 2);
  CHECK(o.phases[1].active.size() == 4);
  CHECK(o.phases[2].active.size() == 2);
}

TEST_CASE("chi-square quantiles for the variance confidence bounds (values from scipy.stats.chi2.ppf)") {
  CHECK(chi_square_quantile(1, 1e-3) == doctest::Approx(1.5707971492624921e-06).epsilon(1e-8));
  CHECK(chi_square_quantile(1, 0.05) == doctest::Approx(0.003932140000019522).epsilon(1e-8));
  CHECK(chi_square_quantile(1, 0.999) == doctest::Approx(10.827566170662733).epsilon(1e-8));
  CHECK(chi_square_quantile(3, 1e-4) == doctest::Approx(0.005214832329027977).epsilon(1e-8));
  CHECK(chi_square_quantile(10, 0.025) == doctest::Approx(3.2469727802368413).epsilon(1e-8));
  CHECK(chi_square_quantile(29, 0.999) == doctest::Approx(58.301173489794905).epsilon(1e-8));
  // ν ≥ 30: Wilson–Hilferty, within 0.2%.
  CHECK(chi_square_quantile(50, 0.99) == doctest::Approx(76.1538912490127).epsilon(2e-3));
  CHECK(chi_square_quantile(200, 1e-5) == doctest::Approx(125.86774955571128).epsilon(2e-3));
}
