// TD3 and its offline regularisations on the point-mass world (point_mass.hpp), with small MLP actor
// and critics (mlp.hpp): one learner, four actor losses.
//
// TD3 (Fujimoto, van Hoof, Meger, ICML 2018): twin critics Q₁, Q₂ and target networks (′),
//   critic:  y = r + γ min_{j=1,2} Q′_j(s′, ã′),  ã′ = clip(π′(s′) + clip(ε, −c, c), −1, 1),  ε ~ N(0, σ²)  (target policy smoothing)
//            L(Q_j) = mean_batch (Q_j(s, a) − y)²
//   actor, every `policy_delay` critic steps, then θ′ ← τθ + (1 − τ)θ′ for all three networks:
//     td3     L(π) = −mean Q₁(s, π(s))
//     td3_bc  L(π) = −λ mean Q₁(s, π(s)) + mean ‖π(s) − a‖²/|A|,  λ = α / mean|Q₁(s, π(s))| (no gradient through λ)
//             (Fujimoto & Gu, NeurIPS 2021: a is the dataset action of s itself)
//     prdc    the same with â in place of a: (ŝ, â) = argmin_{(s_i, a_i) ∈ D} ‖(β s, π(s)) − (β s_i, a_i)‖  (Ran, Li, Zhang, Yu,
//             ICML 2023: the policy is pulled to the action of the nearest dataset point in the joint space,
//             found with a KD-tree; β trades state distance against action distance; π(s) in the key is not differentiated)
//     bc      L(π) = mean ‖π(s) − a‖²/|A| (no critic)
//   π(s) = tanh(f(s)) ∈ [−1, 1]² (max action 1). States enter every network normalised, s ↦ (s − μ)/σ with the dataset's
//   per-coordinate mean and standard deviation (+10⁻³), as in the TD3+BC and PRDC code; the KD-tree keys use the same
//   normalised s. The |A| in the BC term is torch's F.mse_loss mean over batch × action dimensions.
// Readings: nothing terminates in this world, so y always bootstraps (the dataset's trajectories end by truncation);
// the nets are smaller (two hidden layers of `hidden` ReLU units) and train for far fewer steps than the papers' 10⁶.
// The arithmetic is td3_core.hpp's (KLAB_INLINE on flat arrays, shared with offline.prdc's CUDA engine); this
// class owns the learner's state and scratch.
#pragma once
#include <vector>

#include "core/rng.hpp"
#include "offline/kd_tree.hpp"
#include "offline/point_mass.hpp"
#include "offline/td3_core.hpp"

namespace klab::offline {

// The dataset as the learners read it: normalised states, and PRDC's KD-tree over (β s, a).
struct Td3Data {
  Point2 mean{0, 0}, sd{1, 1};  // state normalisation (the online replay learner: the square to [−1, 1]², point_mass.cpp)
  double beta = 2.0;
  std::vector<double> s, a, r, s2;  // (N × 2), (N × 2), (N), (N × 2); s and s2 normalised
  KdTree tree;                      // keys (β s_n, a): (N × 4); empty for the online learner (no PRDC there)
  int size() const { return static_cast<int>(r.size()); }
  Point2 normalise(const Point2& x) const { return {(x[0] - mean[0]) / sd[0], (x[1] - mean[1]) / sd[1]}; }
  // Adds one transition (normalised with mean and sd); the tree is left as it is. A learner reading this
  // data draws its minibatches from everything appended so far (the replay behaviour's growing buffer).
  void append(const PointTransition& t);
  // The arrays as td3_core.hpp reads them (valid until the next append).
  Td3DataView view() const { return {s.data(), a.data(), r.data(), s2.data(), size(), {mean[0], mean[1]}, {sd[0], sd[1]}, beta, tree.view()}; }
};
// The offline learners' data: normalised by d's state mean and standard deviation, with PRDC's tree.
Td3Data make_td3_data(const PointDataset& d, double beta);

class Td3Learner {
 public:
  // Networks initialised from `init`; minibatches drawn by step() from the caller's stream.
  Td3Learner(const Td3Data& data, const Td3Settings& s, Rng init);
  void step(Rng& rng);
  int steps_done() const { return steps_; }
  bool has_critic() const { return settings_.regulariser != ActorRegulariser::CloneOnly; }
  const std::vector<double>& state() const { return state_; }  // td3_layout(hidden)'s flat state

  Point2 act(const Point2& state) const;                   // π(s), raw state
  double q(const Point2& state, const Point2& action) const;  // Q̂₁(s, a)
  int nearest(const Point2& state, const Point2& action) const;  // the dataset index PRDC would pull (s, a) to
  // td3_check on the true world w (Monte Carlo: deterministic, one rollout per state is exact up to truncation).
  Td3Check check(const PointMassWorld& w, const std::vector<Point2>& starts, int horizon, const std::vector<Point2>& eval_states, int rollout_length) const;

 private:
  const Td3Data* data_;
  Td3Settings settings_;
  Td3Layout layout_;
  std::vector<double> state_, scratch_;
  std::vector<int> idx_;
  int steps_ = 0;
};

}  // namespace klab::offline
