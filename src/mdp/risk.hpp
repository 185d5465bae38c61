// Risk-sensitive planning on finite-horizon, undiscounted MDPs whose rewards lie on a lattice:
// exact return distributions, CVaR-optimal policies by stock-augmented dynamic programming, and
// exponential-utility (entropic) policies.
//
// Stock augmentation (Bäuerle & Ott, "Markov decision processes with average-value-at-risk
// criteria", Math. Methods Oper. Res. 2011; used with distributional DP by Ávila Pires, Rowland,
// Borsa, Guo, Khetarpal, Barreto, Abel, Munos & Dabney, "Optimizing Return Distributions with
// Distributional Dynamic Programming", arXiv:2501.13028, JMLR 2025): the state (s, c) carries the
// stock c, the rewards collected so far,
//     c₀ = 0,   c_{h+1} = c_h + r_h          (γ = 1; the paper's discounted form is c_{h+1} = (c_h + r_h)/γ)
// so that the return G = c_H is a function of the final augmented state. An objective E f(c₀ + G)
// (an expected utility of the final stock) is optimised by DP on the augmented MDP:
//     V_H(s, c) = f(c),   V_h(s, c) = max_a Σ_{s′, r} P(s′|s,a) P(r|s,a,s′) V_{h+1}(s′, c + r).
// CVaR_α, the mean of the worst α-fraction of returns, is not an expected utility, but by the
// Rockafellar–Uryasev form
//     CVaR_α(G) = max_b { b − E[(b − G)⁺] / α }
// it is an outer search over b with the inner DP for f_b(c) = −(b − c)⁺ (the paper's CVaR application;
// the outer-search / inner-DP split and the choices below are our reading of the paper's abstract and
// of Bäuerle & Ott). Exactness here:
//   - rewards are integer multiples of a quantum δ (the gridworlds: δ = 1), so the augmented states
//     (s, c) reachable after h steps under some policy form a finite set R_h, pushed forward from
//     R_0 = {(s, 0): ρ(s) > 0} through every action's outcomes, and the DP runs on it exactly (no
//     categorical projection of the distributions);
//   - b* is an α-quantile of the optimal return distribution, hence a reachable final stock; with
//     F(b) = b − φ(b)/α, φ(b) = min_π E[(b − G)⁺] non-decreasing in b, every b in [b₁, b₂] has
//     F(b) ≤ b₂ − φ(b₁)/α: a branch-and-bound bisection over the sorted final stocks evaluates φ at a
//     few thresholds and discards the intervals that cannot beat the best F found (starting from the
//     risk-neutral policy's CVaR, a lower bound), which keeps the result exact;
//   - stocks whose final utility no longer depends on the policy are closed forms: if
//     c + (H − h)·r_max ≤ b then f_b is linear on every reachable final stock and V_h(s, c) = c − b +
//     W_h(s) (W: the risk-neutral optimal values); if c + (H − h)·r_min ≥ b then V_h(s, c) = 0.
// Ties among actions are broken by the risk-neutral action value Q_h(s, a) (then the lowest index);
// where a closed form holds the policy takes the risk-neutral action (the objective no longer depends
// on the action, or depends on it only through E[G]).
//
// Exponential utility (Udovichenko, Croissant, Toleutaeva, Burnaev & Korotin, "Risk-Averse
// Reinforcement Learning with Itakura-Saito Loss", arXiv:2505.16925, 2025: the certainty equivalent
// CE_β(G) = −(1/β) log E exp(−βG), β > 0, and its Bellman equation exp(−βV(s)) = E exp(−β(r + V(s′)))):
//     W^β_H = 0,   W^β_h(s) = max_a −(1/β) log Σ_{s′, r} P(s′|s,a) P(r|s,a,s′) exp(−β (r + W^β_{h+1}(s′)))
// (exact DP, log-sum-exp for stability; the paper *learns* these values with an Itakura–Saito loss:
// risk_learning.hpp). Optimal policies are Markov in (h, s) (the exponential is multiplicative).
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/status.hpp"
#include "mdp/mdp.hpp"

namespace klab::mdp {

constexpr int kMaxRewardDenominator = 1000;  // δ = 1/k for the least k ≤ this making every reward a multiple of δ
constexpr long long kMaxStockEntries = 2000000;  // Σ_h |R_h|: beyond it the horizon is too long for exact stocks
constexpr long long kMaxStockWork = 30000000;    // Σ_h Σ_{(s,c) ∈ R_h} outcomes of s: one DP's visits (the CVaR search solves 10–40 DPs)
constexpr double kMaxStockUnits = 1e15;          // |reward|/δ × H at most: stocks stay exact integers in doubles

// An augmented state: MDP state s and stock c (in units of δ).
struct StockState {
  int s = 0;
  int64_t c = 0;
  bool operator<(const StockState& o) const { return s != o.s ? s < o.s : c < o.c; }
  bool operator==(const StockState& o) const { return s == o.s && c == o.c; }
};

// The augmented states reachable under some policy, and the MDP's outcomes in units of δ.
struct StockLattice {
  int horizon = 0;
  double quantum = 1.0;                         // δ
  int64_t reward_lo = 0, reward_hi = 0;         // min and max reward / δ
  std::vector<std::vector<StockState>> states;  // (H + 1) R_h, sorted by (s, c)
  std::vector<int64_t> finals;                  // the distinct stocks of R_H, ascending
  // Per pair i, its outcomes o ∈ [first[i], first[i+1]): successor, P(s′, r | s, a), r / δ (from the
  // reward outcomes; without them, r(s, a) with probability 1 given s′).
  std::vector<int> first;     // (SA + 1)
  std::vector<int> next;      // (outcomes)
  std::vector<double> prob;   // (outcomes)
  std::vector<int64_t> units; // (outcomes)
  // Where each outcome leads: for (s, c) = R_h[k], the outcomes of all actions of s in order (o from
  // first[first_pair[s]]) have their successors' indices in R_{h+1} at successor[h][first_successor[h][k] + …].
  std::vector<std::vector<int>> first_successor;  // (H) × (|R_h| + 1)
  std::vector<std::vector<int>> successor;        // (H) × (Σ outcomes)

  // The index of (s, c) in R_h, or −1.
  int find(int h, int s, int64_t c) const;
};

// The least k ≤ kMaxRewardDenominator making every reward a multiple of 1/k (to 1e-9 relative), or 0
// when there is none: what the lattice needs of the rewards (the worlds check each field, then all
// of them, so that their messages name the field).
int reward_denominator(const std::vector<double>& rewards);
int reward_denominator(double r);  // of one reward

// The lattice of a finite-horizon MDP (horizon ≥ 1, discount 1). Errors name the cause: rewards off
// every lattice 1/k, k ≤ kMaxRewardDenominator, or too many augmented states for the horizon.
Expected<StockLattice> stock_lattice(const Mdp& m);

// A policy of the stock-augmented MDP: an action index (0-based within the state) per (h, s, c).
struct StockPolicy {
  int horizon = 0, states = 0;
  std::vector<int> markov;                     // (H × S) the action at (h, s): the whole policy, or where stock_action has none
  std::vector<std::vector<int>> stock_action;  // (H) × |R_h| the action at each reachable (s, c); empty: a Markov policy

  int action(const StockLattice& lattice, int h, int s, int64_t stock) const;
};

// A finite distribution of the return: atoms ascending, probabilities summing to 1.
struct ReturnDistribution {
  std::vector<double> values, probs;
};

double distribution_mean(const ReturnDistribution& d);
// Mean of the lowest α-fraction: (1/α)[Σ_{v < VaR} p v + (α − P(G < VaR)) VaR],  α ∈ (0, 1].
double distribution_cvar(const ReturnDistribution& d, double alpha);
// −(1/β) log Σ p exp(−β v),  β > 0 (log-sum-exp).
double certainty_equivalent(const ReturnDistribution& d, double beta);
// The empirical distribution of samples (each 1/n).
ReturnDistribution empirical_distribution(std::vector<double> samples);

// P(s_h = s, c_h = c) under π from ρ for every (s, c) ∈ R_h: (H + 1) × |R_h|, in R_h's order; with
// keep_layers = false only the last layer, h = H (a 1-element vector), rolling one layer at a time.
std::vector<std::vector<double>> stock_occupancy(const Mdp& m, const StockLattice& lattice, const StockPolicy& pi, bool keep_layers = true);
// The return distribution given P(s_H = s, c_H = c) over R_H (the last layer of stock_occupancy): mass binned by final stock.
ReturnDistribution final_distribution(const StockLattice& lattice, const std::vector<double>& last_mass);
// The exact return distribution of π from ρ: the distribution over R_h pushed forward H steps.
ReturnDistribution return_distribution(const Mdp& m, const StockLattice& lattice, const StockPolicy& pi);

// One episode's return under π (s₀ ~ ρ, successors and rewards by inversion of uniforms from rng);
// with `states`, also the states visited, s₀ … s_H.
double sample_return(const Mdp& m, const StockLattice& lattice, const StockPolicy& pi, Rng& rng, std::vector<int>* states = nullptr);

// Risk-neutral optimal values W_h(s) with H − h steps to go: ((H + 1) × S), W_H = 0.
std::vector<double> optimal_values_to_go(const Mdp& m, const StockLattice& lattice);

// Risk-neutral backward induction: the Markov policy maximising E[G] (ties: lowest index).
StockPolicy risk_neutral_policy(const Mdp& m, const StockLattice& lattice);

// The exponential-utility (entropic) optimal action values Q*_h(s, a) = −(1/β) log Σ P(s′, r|s,a)
// exp(−β(r + max_a′ Q*_{h+1}(s′, a′))), Q*_H = 0, for β > 0: (H × SA), pair-indexed per step.
std::vector<double> entropic_q_values(const Mdp& m, const StockLattice& lattice, double beta);
// The exponential-utility (entropic) optimal Markov policy for β > 0 (ties: lowest index).
StockPolicy entropic_policy(const Mdp& m, const StockLattice& lattice, double beta);
// The Markov policy greedy in action values q (H × SA, pair-indexed per step; ties: lowest index).
StockPolicy greedy_markov_policy(const Mdp& m, int horizon, const std::vector<double>& q);

struct CvarSolution {
  StockPolicy policy;
  double cvar = 0.0;       // max_π CVaR_α(G^π): the DP's value at b*
  double threshold = 0.0;  // b* (NaN if no threshold beat the risk-neutral policy, which is then returned)
  int thresholds_tried = 0;  // inner DPs solved
};

// The CVaR_α-optimal stock-augmented policy, α ∈ (0, 1].
CvarSolution cvar_policy(const Mdp& m, const StockLattice& lattice, double alpha);

}  // namespace klab::mdp
