// Robust Regularized Pessimistic Value Iteration (R2PVI; Tang, Liu & Xu, ICML 2025, arXiv:2411.18612)
// and its non-robust baseline PEVI (Jin, Yang & Wang, "Is Pessimism Provably Efficient for Offline
// RL?", ICML 2021) on a d-rectangular linear MDP (linear_mdp.hpp).
//
// The d-rectangular robust regularised Bellman equation: the adversary replaces every latent factor
// μ⁰_{h,i} by any μ_i at a price λ·D_f(μ_i‖μ⁰_{h,i}) weighted by φ_i(s, a):
//   Q_h(s, a) = r_h(s, a) + Σ_i φ_i(s, a) · inf_{μ_i ∈ Δ(S)} { E_{μ_i}[V_{h+1}] + λ D_f(μ_i‖μ⁰_{h,i}) }
//             = ⟨φ(s, a), θ_h + ν_h⟩,   ν_{h,i} = the dual of the inner infimum:
//   KL   (f(t) = t log t):       ν_i = −λ log E_{μ⁰_i}[exp(−V/λ)]                                   (closed form)
//   χ²   (f(t) = (t − 1)²):      ν_i = sup_{α} { E_{μ⁰_i}[V]_α − Var_{μ⁰_i}([V]_α) / (4λ) },  [V]_α = min(V, α)
//   TV   (f(t) = |t − 1|/2):     ν_i = E_{μ⁰_i}[ min(V, min_{s′} V(s′) + λ) ]                        (closed form)
// (each unit-tested against a brute-force minimisation over the simplex). KL and χ² can only
// re-weight the support of μ⁰_i; TV can move mass anywhere, at price λ per unit moved.
//
// Offline, from K trajectories of the nominal model, at stage h (backwards from V_{H+1} = 0):
//   Λ_h = ridge·I + Σ_τ φ_τ φ_τᵀ                         (φ_τ = φ(s_h^τ, a_h^τ))
//   μ̂_h = Λ_h⁻¹ Σ_τ φ_τ e_{s′_τ}ᵀ                        (d × S: the ridge estimate of the factors, a signed measure)
// Every ridge regression of a target g(s′) onto φ has coefficients μ̂_h g, so the paper's estimated
// duals — ridge regressions of exp(−V/λ), [V]_α, [V]_α² and min(V, α) — are the duals above with
// μ⁰_i replaced by the row μ̂_{h,i}; the estimate of E[exp(−V/λ)] is clipped into
// [exp(−max V/λ), exp(−min V/λ)] (reading: the authors' code clips below at exp(−H/λ)).
//   R2PVI:  Q̂_h = clip(⟨φ, θ_h + ν̂_h⟩ − β Σ_i φ_i ‖e_i‖_{Λ_h⁻¹}, 0, H − h)   (h = 0 … H − 1; the d-rectangular bonus)
//   PEVI:   Q̂_h = clip(⟨φ, θ_h + μ̂_h V̂_{h+1}⟩ − β ‖φ‖_{Λ_h⁻¹}, 0, H − h)
// and π_h(s) = argmax_a Q̂_h(s, a) (the first maximiser), V̂_h(s) = max_a Q̂_h(s, a). Readings: both
// learners use the known θ_h (R2PVI as in the paper; PEVI too, so that only the transition part
// differs; the authors' PEVI regresses r as well), and the χ² supremum over α is exact (the
// objective is piecewise quadratic in α; the authors' code calls a numerical minimiser).
//
// `plan` is the same recursion with the true μ⁰ and no bonus: the exact regularised robust optimum
// (f = none: the nominal optimum), what the learners approach with unlimited data.
// The inner loops (the duals, the ridge regressions, the backward pass) are KLAB_INLINE code in
// robust_core.hpp, shared with the CUDA engine (robust_engine.hpp); this file is their host API on
// the lab's vectors.
#pragma once
#include <string>
#include <vector>

#include "offline/linear_mdp.hpp"
#include "offline/robust_core.hpp"

namespace klab::offline {

// inf_{μ ∈ Δ(S)} E_μ[V] + λ D_f(μ‖p) by its dual, for a distribution p over S (weights summing to
// 1) or a signed ridge estimate of one; v: V(s′) for every state s′. NaN unless p and v have the
// same size S ≤ kLinearStates.
double robust_expectation(Divergence f, const std::vector<double>& p, const std::vector<double>& v, double lambda);

struct PviResult {
  std::vector<int> actions;  // (H, S) π_h(s)
  std::vector<double> q;     // (H, S·A) Q̂_h(s, a)
};

// The ridge regressions of stage-wise data (collect_uniform): Λ_h⁻¹ and μ̂_h for every stage.
RidgeFit ridge_fit(const LinearMdp& m, const std::vector<std::vector<LinearStep>>& data, double ridge);
// R2PVI (or PEVI, by the settings) on those regressions; s.ridge is not read.
PviResult pessimistic_vi(const LinearMdp& m, const RidgeFit& fit, const PviSettings& s);
// R2PVI (or PEVI, by the settings) on stage-wise data (collect_uniform).
PviResult pessimistic_vi(const LinearMdp& m, const std::vector<std::vector<LinearStep>>& data, const PviSettings& s);
// The same backward recursion with the true factors μ⁰ and no bonus.
PviResult plan(const LinearMdp& m, Divergence f, double lambda);

// The policy as the lab's non-stationary policy (H·S·A, one-hot) for mdp::evaluate_finite.
std::vector<double> stage_policy(const LinearMdp& m, const PviResult& r);

}  // namespace klab::offline
