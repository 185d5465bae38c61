// The simulated d-rectangular linear MDP of the R2PVI experiment (Tang, Liu & Xu, "Robust Offline
// Reinforcement Learning with Linearly Structured f-Divergence Regularization", ICML 2025,
// arXiv:2411.18612; the construction is that of Liu & Xu's DRPVI experiment, as in the authors'
// code panxulab/Robust-Regularized-Pessimistic-Value-Iteration, Simulated_Linear_MDP/env.py).
//
// Five states x1…x5, H = 3 steps from x1, actions a ∈ {−1, 1}⁴ (16), d = 4 latent factors:
//   φ(x1, a) = (1 − δ − ⟨ξ, a⟩, 0, 0, δ + ⟨ξ, a⟩)      ξ = (‖ξ‖₁/4)·(1, 1, 1, 1)
//   φ(x2, a) = (0, 1 − δ − ⟨ξ, a⟩, 0, δ + ⟨ξ, a⟩)
//   φ(x3, a) = (0, 0, 1 − δ − ⟨ξ, a⟩, δ + ⟨ξ, a⟩)
//   φ(x4, ·) = e₃ (the fail state, absorbing),  φ(x5, ·) = e₄ (the good state, absorbing)
//   P⁰(s′|s, a) = Σ_i φ_i(s, a) μ⁰_i(s′):  μ⁰₁ = .999·x2 + .001·x4,  μ⁰₂ = .999·x3 + .001·x4,  μ⁰₃ = x4,  μ⁰₄ = x5
//   r_h(s, a) = ⟨φ(s, a), θ_h⟩:  θ₁ = 0, θ₂ = θ₃ = e₄   (reward 1 per step in x5, δ + ⟨ξ, a⟩ in x2 and x3)
// The more an action loads on factor 4 (δ + ⟨ξ, a⟩ larger), the likelier x1 leads straight to x5.
// The test perturbation (the same code's LinearMDP_test): out of x1, factor 4 leads to the fail
// state with probability q, μ̃₄ = (1 − q)·x5 + q·x4; every other transition stays nominal. The
// nominal optimum loads on factor 4; once q is large that action is the worst.
//
// x1 is only ever visited at step 1, x2 at step 2 and x3 at step 3, so the tabular models below
// carry the stage rewards as one reward per pair: r(x1, ·) = ⟨φ, θ₁⟩ = 0, elsewhere ⟨φ, θ₂⟩ (= θ₃).
#pragma once
#include <cstddef>
#include <vector>

#include "core/portable.hpp"
#include "core/rng.hpp"
#include "mdp/mdp.hpp"

namespace klab::offline {

// The toy's sizes: S = 5 states, A = 16 actions, d = 4 factors, H = 3 steps. Fixed, so that the world
// is plain data (fixed arrays) the CUDA engine copies to the GPU as it is (robust_engine.hpp).
constexpr int kLinearStates = 5, kLinearActions = 16, kLinearDim = 4, kLinearHorizon = 3;
constexpr int kLinearPairs = kLinearStates * kLinearActions;

struct LinearMdp {
  // S, A (every state has A actions), d, H: the sizes of the arrays below, never runtime values.
  static constexpr int states = kLinearStates, actions = kLinearActions, dim = kLinearDim, horizon = kLinearHorizon;
  double phi[kLinearPairs * kLinearDim] = {};       // (S·A, d) φ(s, a) ∈ Δ^d, pair i = s·A + a
  double mu[kLinearDim * kLinearStates] = {};       // (d, S)   nominal factor distributions μ⁰_i(s′), rows sum to 1
  double theta[kLinearHorizon * kLinearDim] = {};   // (H, d)   r_h(s, a) = ⟨φ(s, a), θ_h⟩ (known to the learners, as in the paper)
  int start = 0;              // s₁ (x1)
  int fail = 0;               // the state the perturbation sends factor 4's mass to (x4)
  int perturbed_factor = 0;   // the factor the test perturbs (factor 4: index 3)

  KLAB_INLINE double feature(int pair, int i) const { return phi[static_cast<size_t>(pair) * dim + i]; }
  KLAB_INLINE double factor(int i, int s) const { return mu[static_cast<size_t>(i) * states + s]; }
  double reward(int h, int pair) const;  // r_h(s, a), h = 0 … H − 1
};

struct ToySpec {
  double delta = 0.3;    // δ
  double xi_norm = 0.2;  // ‖ξ‖₁; δ ± ‖ξ‖₁ must stay in [0, 1]
};

LinearMdp simulated_linear_mdp(const ToySpec& spec);

// The tabular model (horizon H, γ = 1, start x1) whose transitions out of the start state use the
// perturbed factor μ̃ = (1 − q)·μ⁰₄ + q·δ_fail; q = 0 is the nominal model P⁰ = Σ_i φ_i μ⁰_i.
mdp::Mdp perturbed_model(const LinearMdp& m, double q);

// One offline step (s_h, a_h, s_{h+1}) of a trajectory; the learners know r_h = ⟨φ, θ_h⟩.
struct LinearStep {
  int stage = 0;  // h = 0 … H − 1
  int pair = 0;   // (s_h, a_h) as a pair index
  int next = 0;   // s_{h+1}
};
// One step of a trajectory in the nominal model (its view), from state s at stage h: a uniform action,
// then s′ (the draws of collect_uniform, and of the CUDA engine's threads, robust_engine.hpp).
KLAB_INLINE LinearStep draw_linear_step(const LinearMdp& m, const mdp::MdpView& nominal, int h, int s, Rng& rng) {
  const int pair = s * m.actions + static_cast<int>(rng.below(static_cast<uint32_t>(m.actions)));
  return {h, pair, mdp::sample_next(nominal, pair, rng.uniform())};
}

// K trajectories of H steps from x1 in the nominal model, actions uniform (the paper's behaviour);
// the steps of stage h are data[h] (K each).
std::vector<std::vector<LinearStep>> collect_uniform(const LinearMdp& m, const mdp::MdpView& nominal, int trajectories, Rng& rng);

}  // namespace klab::offline
