// Regret minimisation with free exploration (Hou, Zhong & Tan, "On the Benefits of Free
// Exploration for Regret Minimization in Multi-Armed Bandits", 2026): before the T paid rounds,
// B = c_free·ln T pulls whose regret does not count.
//
// READING OF THE ABSTRACT. The abstract names the two phases, UFE (a "principled free
// exploration policy") and KLUCB-H (a "history-aware" KL-UCB), and says that "forced exploration
// and adaptivity" give the savings; the rules below are our reading, not the paper's pseudo-code:
//
//  KLUCB-H: KL-UCB whose statistics N_a, μ̂_a include the free samples, with the level
//      ln t + c ln ln t counted in paid rounds t = 1..T only.
//  UFE: a forced part (round robin until a fraction `forced` of B is spent), then an adaptive
//      part driven by the first-order saving of each free pull. KL-UCB pulls a suboptimal arm
//      about ln T / KL(ν_a, ν*) times; every free pull of it, up to that target, replaces a paid
//      pull that would cost Δ_a. So with empirical means (leader ℓ = empirical best)
//          target_a = ln T / KL(μ̂_a, μ̂_ℓ),   deficit_a = target_a - N_a,
//      the free pull goes to the non-leader arm with the largest empirical gap Δ̂_a = μ̂_ℓ - μ̂_a
//      among those with a deficit (a fractional knapsack: value Δ_a per pull, capacity target_a),
//      and, once every target is met, to the least resolved arm (smallest N_a·KL(μ̂_a, μ̂_ℓ)).
//  The same first-order argument gives the predicted saving as a function of c_free:
//      saving(c) = ln T · Σ_a Δ_a · min(x_a(c), 1 / KL_a),
//  with x_a(c) the free pulls (in units of ln T) each allocation gives arm a; it is piecewise
//  linear with a kink whenever an arm's target is met: the "sharp phase transitions".
// With the paper's UFE and KLUCB-H rules the exact schedule of free pulls (and the phase
// transition points) would change; the comparison of no free phase, uniform free exploration
// and adaptive free exploration would not.
#pragma once
#include <cmath>
#include <vector>

#include "bandits/policies.hpp"

namespace klab::bandits {

enum class FreeRule { None, Uniform, Ufe };

// KL(ν_a, ν_b) from empirical means, kept finite (bounded means pulled into [0.001, 0.999]).
KLAB_INLINE double empirical_kl(const ArmModel& m, double mean_a, double mean_b) {
  if (m.dist != ArmDist::Gaussian) {
    const double lo = 0.001, hi = 0.999;
    mean_a = mean_a < lo ? lo : (mean_a > hi ? hi : mean_a);
    mean_b = mean_b < lo ? lo : (mean_b > hi ? hi : mean_b);
  }
  return arm_kl(m, mean_a, mean_b);
}

// The arm UFE pulls at free step `step` (0-based) of a budget of `budget` free pulls.
inline int ufe_choose(const ArmStats& s, const ArmModel& m, int k, double log_horizon, long long budget, long long step,
                      double forced) {
  const long long forced_pulls = static_cast<long long>(std::ceil(forced * static_cast<double>(budget)));
  if (step < forced_pulls) return static_cast<int>(step % k);
  const int fresh = first_unpulled(s, k);
  if (fresh >= 0) return fresh;
  const int leader = empirical_best(s, k);
  int pick = -1, least = -1;
  double best_gap = -1.0, least_resolved = kInf;
  for (int a = 0; a < k; ++a) {
    if (a == leader) continue;
    const double kl = empirical_kl(m, s.mean[a], s.mean[leader]);
    const double resolved = s.pulls[a] * kl;  // N_a·KL: the target is met when it reaches ln T
    if (resolved < log_horizon) {
      const double gap = s.mean[leader] - s.mean[a];
      if (gap > best_gap) best_gap = gap, pick = a;
    }
    if (resolved < least_resolved) least_resolved = resolved, least = a;
  }
  return pick >= 0 ? pick : (least >= 0 ? least : leader);
}

// First-order predicted saving (in units of ln T) when arm a receives x_a·ln T free pulls:
// Σ Δa·min(x_a, 1/KL_a). `alloc` fills x for the rule: uniform gives c/K to every arm; UFE gives
// `forced`·c/K to every arm, then the rest greedily by Δa (largest first) up to 1/KL_a, the
// remainder to nothing useful (the best arm needs no exploration in this first-order picture).
inline double predicted_saving(const std::vector<double>& mean, const std::vector<double>& gap, const std::vector<double>& kl,
                               FreeRule rule, double c, double forced) {
  const size_t k = mean.size();
  std::vector<double> x(k, 0.0);
  if (rule == FreeRule::Uniform) {
    for (double& v : x) v = c / k;
  } else if (rule == FreeRule::Ufe) {
    for (double& v : x) v = forced * c / k;
    double left = (1.0 - forced) * c;
    std::vector<size_t> order;
    for (size_t a = 0; a < k; ++a)
      if (gap[a] > 0.0) order.push_back(a);
    for (size_t i = 0; i < order.size(); ++i)  // insertion sort by gap, largest first
      for (size_t j = i; j > 0 && gap[order[j]] > gap[order[j - 1]]; --j) std::swap(order[j], order[j - 1]);
    for (size_t a : order) {
      const double need = 1.0 / kl[a] - x[a];
      if (need <= 0.0 || left <= 0.0) continue;
      const double give = need < left ? need : left;
      x[a] += give;
      left -= give;
    }
  }
  double saving = 0.0;
  for (size_t a = 0; a < k; ++a)
    if (gap[a] > 0.0 && kl[a] > 0.0) saving += gap[a] * std::fmin(x[a], 1.0 / kl[a]);
  return saving;
}

}  // namespace klab::bandits
