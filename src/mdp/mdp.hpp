// The tabular Markov decision process shared by every demo of the mdp chapter (and by the
// offline-RL chapter): finitely many states, a state-dependent set of actions, sparse transitions
// (s, a) → [(s′, p)], a mean reward r(s, a) and a mean cost c(s, a) per state-action pair, a
// discount γ or a finite horizon H, and a start distribution ρ (Puterman, "Markov Decision
// Processes", Wiley 1994, ch. 2). Optionally the reward's distribution per transition (reward
// outcomes, below): the solvers of expected values read only r(s, a), the risk-sensitive ones
// (risk.hpp) the outcomes.
//
// Storage: compressed sparse rows (CSR), one "pair" index i per (s, a).
//   pairs of state s          i ∈ [first_pair[s], first_pair[s+1])   (action a = i − first_pair[s])
//   successors of pair i      e ∈ [first_next[i], first_next[i+1])   with s′ = next_state[e], p = next_prob[e]
//   reward outcomes of e      k ∈ [first_outcome[e], first_outcome[e+1]) with reward outcome_reward[k] paid with
//                             probability outcome_prob[k] given (s, a, s′)   (optional: all three empty)
// With reward outcomes, r(s, a) is still stored and must be their expectation,
//   r(s, a) = Σ_e p_e Σ_k q_k r_k   within kRewardTolerance·(1 + max_k |r_k|),
// so every solver of expected values is unchanged. A reward that depends on more than s′ (the cliff
// walk: entering the cliff or bumping into the border both lead back to the start, for −101 or −1)
// is why an outcome list, not one r(s, a, s′), is stored per transition.
// The layout is general (no grid geometry): the gridworld builder, the presets, the random
// generator and the JSON loader all produce it, and every solver reads it.
//
// MdpView is the same data as raw pointers, a plain struct that KLAB_HD step functions take (the
// CPU engine, wasm and a CUDA kernel run the same code through it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/status.hpp"

namespace klab::mdp {

// Transition probabilities of one pair must sum to 1 within this tolerance (absolute).
constexpr double kProbabilityTolerance = 1e-9;
// r(s, a) must equal the expectation of its reward outcomes within this tolerance, relative to
// 1 + the largest |outcome| of the pair.
constexpr double kRewardTolerance = 1e-9;
// Bounds of any MDP the lab accepts (files, presets, generators); the solvers handle these sizes.
constexpr int kMaxStates = 100000;
constexpr int kMaxActionsPerState = 64;
constexpr long long kMaxTransitions = 4000000;  // stored (s, a, s′) entries
constexpr int kMaxHorizon = 1000;
// Rewards and costs read from a file or a grid (every reward, cost, reward outcome, gridworld reward
// field and cell value) lie in [−kMaxRewardMagnitude, kMaxRewardMagnitude]. A value is then at most
// |r| · min(H, 1/(1 − γ)) ≤ 10¹² · 2⁵³ ≈ 9·10²⁷ (γ < 1 is at most 1 − 2⁻⁵³) and its square stays far
// from overflow; a finite reward near 1.8·10³⁰⁸ made value iteration's values infinite, and a grid's
// sums of such rewards infinite (found by tests/fuzz/world_fuzz.cpp).
constexpr double kMaxRewardMagnitude = 1e12;

struct Mdp {
  int states = 0;                  // S
  std::vector<int> first_pair;     // (S + 1)  pairs of state s: [first_pair[s], first_pair[s+1])
  std::vector<int> first_next;     // (SA + 1) successors of pair i: [first_next[i], first_next[i+1])
  std::vector<int> next_state;     // (nnz)    s′, distinct within a pair
  std::vector<double> next_prob;   // (nnz)    P(s′ | s, a) ≥ 0, each pair's entries sum to 1
  std::vector<double> reward;      // (SA)     r(s, a), finite
  std::vector<double> cost;        // (SA)     c(s, a), finite (constrained problems)
  std::vector<double> start;       // (S)      ρ(s) ≥ 0, sums to 1
  std::vector<int> first_outcome;     // (nnz + 1) or empty  reward outcomes of transition e: [first_outcome[e], first_outcome[e+1])
  std::vector<double> outcome_reward; // (outcomes)          the reward paid, finite
  std::vector<double> outcome_prob;   // (outcomes)          its probability given (s, a, s′); each transition's sum to 1
  double discount = 0.95;          // γ: in [0, 1) when horizon == 0, in [0, 1] when horizon ≥ 1
  int horizon = 0;                 // H ≥ 1: finite-horizon problem of H steps; 0: infinite, discounted

  int pairs() const { return first_pair.empty() ? 0 : first_pair.back(); }
  int transitions() const { return first_next.empty() ? 0 : first_next.back(); }
  int actions(int s) const { return first_pair[s + 1] - first_pair[s]; }
  bool has_reward_outcomes() const { return !first_outcome.empty(); }
  int max_actions() const;
};

// Appends states, actions and transitions in order (the only way the lab builds an Mdp).
class MdpBuilder {
 public:
  // Starts the next state (index = states so far).
  int add_state();
  // Adds an action to the current state; its transitions follow with add_next.
  void add_action(double reward, double cost = 0.0);
  void add_next(int next_state, double prob);
  // Adds a reward outcome to the last transition (optional; an Mdp has outcomes for every
  // transition or for none, and r(s, a) given to add_action must be their expectation).
  void add_reward_outcome(double reward, double prob);
  Mdp finish(std::vector<double> start, double discount, int horizon);

 private:
  Mdp m_;
};

// Structural check of an Mdp built in code (the JSON loader gives field-level messages itself):
// sizes consistent, states in range, probabilities in [0, 1] summing to 1 ± kProbabilityTolerance,
// no repeated successor, rewards and costs finite, ρ a distribution, γ and H in range, every
// state has at least one action, sizes within the bounds above; reward outcomes, where present,
// finite, a distribution per transition (± kProbabilityTolerance) whose expectation is r(s, a)
// (± kRewardTolerance).
Status check_mdp(const Mdp& m);

// The state of each pair: (SA).
std::vector<int> pair_states(const Mdp& m);

// [min, max] of r(s, a) over pairs.
void reward_range(const Mdp& m, double* lo, double* hi);

// The same MDP with its discount / horizon replaced (the demos' γ and H parameters).
Mdp with_discount(Mdp m, double discount, int horizon);

// Removes the reward outcomes: for a copy whose rewards or transition probabilities are changed
// (a sampled model, rescaled rewards), where they would no longer average to r(s, a).
void drop_reward_outcomes(Mdp* m);

// A plain view for KLAB_HD code. Valid while the Mdp lives and is not modified.
struct MdpView {
  int states;
  const int* first_pair;   // (S + 1)
  const int* first_next;   // (SA + 1)
  const int* next_state;   // (nnz)
  const double* next_prob; // (nnz)
  const double* reward;    // (SA)
  const double* cost;      // (SA)
  const double* start;     // (S)
  const int* first_outcome;      // (nnz + 1), null without reward outcomes
  const double* outcome_reward;  // (outcomes)
  const double* outcome_prob;    // (outcomes)
  double discount;
  int horizon;
};

MdpView view(const Mdp& m);

// s′ ~ P(· | pair) for u uniform on [0, 1), by inversion: the successor e is the number of
// cumulative sums p_1 + … + p_j (j < b) that u reaches. Counted without data-dependent branches
// (an unpredictable branch per successor costs more than the sums); a zero-probability successor
// is chosen only if u lands within rounding of a cumulative sum at 1, and the last successor takes
// any rounding remainder.
KLAB_INLINE int sample_next(const MdpView& m, int pair, double u) {
  const int begin = m.first_next[pair], last = m.first_next[pair + 1] - 1;
  int e = begin;
  double cumulative = 0.0;
  for (int k = begin; k < last; ++k) {
    cumulative += m.next_prob[k];
    e += u >= cumulative ? 1 : 0;
  }
  return m.next_state[e];
}

// s₀ ~ ρ for u uniform on [0, 1), by inversion (remainder as in sample_next).
KLAB_INLINE int sample_start(const MdpView& m, double u) {
  int last = 0;
  for (int s = 0; s < m.states; ++s) {
    if (m.start[s] <= 0.0) continue;
    if (u < m.start[s]) return s;
    u -= m.start[s];
    last = s;
  }
  return last;
}

}  // namespace klab::mdp
