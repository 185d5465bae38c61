// Budgeted heteroskedastic multi-judge estimation (Lee, Kim, Jedra, Proutière & Yun, "Instance-
// Optimal Estimation with Multiple LLM Judges on a Budget", arXiv:2605.23362, 2026).
//
// K items with unknown scores s_k ∈ [0, 1]; J judges with known costs c_j. A query of judge j on
// item k costs c_j and returns y = s_k + σ_kj·Z (Z standard normal), σ_kj unknown. With n_kj
// queries, the inverse-variance weighted estimator (IVWE) is
//     ŝ_k = Σ_j (n_kj/σ²_kj)·ȳ_kj / Σ_j (n_kj/σ²_kj),     Var ŝ_k = 1 / Σ_j n_kj/σ²_kj.
// Oracle allocation (known σ): precision per unit cost of judge j on item k is 1/(c_j σ²_kj), so
// each item uses its most efficient judge, v_k = min_j c_j σ²_kj, and spending b_k on item k gives
// Var ŝ_k = v_k / b_k. Minimising E Σ_k |ŝ_k - s_k|^p = m_p Σ_k (v_k/b_k)^{p/2} (m_p = E|Z|^p)
// subject to Σ b_k = B gives b_k ∝ v_k^{p/(p+2)} and the oracle rate
//     E Σ_k |ŝ_k - s_k|^p = m_p · B^{-p/2} · (Σ_k v_k^{p/(p+2)})^{(p+2)/2}.
// (Derived here from the abstract's IVWE; the paper's exact statement may differ in form.)
//
// The three allocations are anytime, one query at a time:
//   uniform  round robin over the (k, j) pairs; IVWE with plug-in sample variances.
//   oracle   greedy: the query with the largest decrease of Σ_k Var_k^{p/2} per unit cost, with the
//            true σ (it tracks b_k ∝ v_k^{p/(p+2)}); IVWE with the true variances.
//   EST-IVWE READING OF THE ABSTRACT ("optimistically biased variance estimates to stabilise the
//            empirical allocation"): two warm-up answers per pair, then the same greedy rule on an
//            optimistic (upper-confidence) gain: the precision already collected on item k is
//            counted with upper confidence bounds of the variances, σ̄² = (n-1) σ̂² / q_δ(n-1), and
//            the value of one more answer with the lower bound σ̲² = (n-1) σ̂² / q_{1-δ}(n-1)
//            (chi-square quantiles, δ = 1/spent budget; chi_square.hpp). An item whose few answers
//            happen to agree (σ̂² ≈ 0) therefore still looks uncertain and keeps being queried,
//            and a judge that looked noisy early is retried: the allocation cannot lock onto an
//            unlucky estimate. The final estimate is IVWE with the weights n/σ̄² (pairs with few
//            answers count little). The paper's exact bias and schedule would change the
//            constants, not the picture.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/rng.hpp"

namespace klab::bandits {

struct JudgeInstance {
  int items = 0, judges = 0;
  std::vector<double> score;  // s_k
  std::vector<double> cost;   // c_j
  std::vector<double> sd;     // σ_kj, item-major
};

// Scores U(0.1, 0.9); σ_kj = noise_j · exp(hetero · z_kj), z standard normal: judge quality times
// an item-judge interaction, so the most efficient judge differs between items.
JudgeInstance make_judge_instance(int items, const std::vector<double>& costs, const std::vector<double>& noise, double hetero,
                                  uint64_t instance_seed);

enum class Allocation { Uniform = 0, Oracle, Est };

class JudgeSim {
 public:
  JudgeSim(const JudgeInstance& inst, Allocation rule, double p, uint64_t seed, uint32_t run);
  // Cost of the next query (0 when there is none), and performing it.
  double next_cost() const;
  void query();
  double spent() const { return spent_; }
  // The current IVWE estimate of every score, and its ℓ_p error.
  std::vector<double> estimate() const;
  double error() const;
  // Queries made per pair (item-major), for the allocation heatmap.
  const std::vector<long long>& counts() const { return n_; }

 private:
  double sample_variance(size_t pair) const;
  const std::pair<double, double>& confidence(size_t pair) const;
  double variance_for_allocation(int k, int j, bool upper) const;
  double variance_for_estimate(int k, int j) const;
  void refresh_item(int k);
  int pick_pair() const;

  const JudgeInstance* inst_;
  Allocation rule_;
  double p_;
  uint64_t seed_;
  uint32_t run_;
  std::vector<long long> n_;
  std::vector<double> sum_, sumsq_;
  std::vector<double> best_gain_;  // per item: the best decrease per unit cost, and its judge
  std::vector<int> best_judge_;
  double spent_ = 0.0, delta_ = 0.1, z_low_ = -1.2815515655446004, next_refresh_ = 0.0;  // z_low_ = Φ⁻¹(δ)
  mutable std::vector<std::pair<double, double>> factors_;  // per ν: (upper, lower) confidence factors
  long long queries_ = 0;
};

// m_p = E|Z|^p and the oracle rate (E Σ_k |ŝ_k - s_k|^p)^{1/p} at budget B.
double oracle_rate(const JudgeInstance& inst, double p, double budget);
// The oracle's budget shares b_k / B (on each item's most efficient judge), item-major K × J.
std::vector<double> oracle_shares(const JudgeInstance& inst, double p);

}  // namespace klab::bandits
