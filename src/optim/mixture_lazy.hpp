// Entropic SMD (mixture.hpp) in O(support) per sample: `smd_step=lazy` of optim.mixture.
//
// The step w_{t+1,i} = w_{t,i} ((1 − η) + η f_i(x)/p_w(x)) multiplies every component that f(x) does
// not touch (f_i = 0) by the same 1 − η. So keep w = s·v with a scalar s:
//     s ← s (1 − η),    v_i ← v_i (1 + η f_i / ((1 − η) p))   for i ∈ supp f(x) only,
//     p = p_w(x) = s Σ_{i∈supp} v_i f_i,
// since s(1 − η) v_i (1 + η f_i/((1 − η)p)) = w_i (1 − η + η f_i/p). No normaliser is needed: this step
// (the first-order form of w ∝ w e^{−ηg}) keeps Σ w = 1 exactly, Z = Σ_i w_i (1 − η + η f_i/p) = (1 − η) + η
// Σ_i w_i f_i/p = 1; the exponential form's Z = 1 + Σ_{i∈supp} w_i (e^{ηg_i} − 1) (every off-support factor
// is e^0 = 1) would be computed from the support the same way, but that step is not usable here (mixture.hpp).
//
// The polynomial-decay average of smd_entropic_avg, w̄_t = (1 − a_t) w̄_{t−1} + a_t w_t, touches every
// component too (w_t does). Write it as w̄ = A (u + C v) with scalars A, C:
//     A ← A (1 − a),   C ← C + a s / A          (after the step, with the new s and A),
//     u_i ← u_i − C_old Δv_i                    for the i whose v_i changed by Δv_i (the support).
// Check: u + C_old v is unchanged by the v update, = w̄_old/A_old, so the new A (u + C v) =
// A_new (w̄_old/A_old + (a s/A_new) v) = (1 − a) w̄_old + a s v = (1 − a) w̄_old + a w_new.
// At a = 1 (the first step: a_1 = (ρ + 1)/(1 + ρ)) A would be 0: then u = 0, A = 1, C = s (w̄ = w), O(M) once.
//
// Folding: the scalars are folded into the vectors, u_i ← A (u_i + C v_i), v_i ← s v_i, s = A = 1, C = 0 (O(M)):
//   * every `fold_every` steps (the run uses max(M, 4096): O(1) per sample);
//   * when s or A < 1e-100 (s shrinks like Π(1 − η_t) ≈ t^{−c}, A like t^{−(ρ+1)}; c, ρ up to 100);
//   * when R = A·C/s > 8. R = Σ_{σ since the fold} a_σ (A_t/A_σ)(s_σ/s_t) is the average's weight on v_i relative to
//     w_i = s v_i, so u_i + C v_i cancels terms up to R w_i/A: a touch adds an error ≈ ε R w_i to w̄_i ≥ a w_i, i.e.
//     ≲ ε R/a relative (ε = 2⁻⁵³). R tends to (ρ + 1)/(ρ + 1 − c) if c < ρ + 1 but grows like t^{c−ρ−1} otherwise;
//     once t ≫ fold_every, R ≈ a·(steps since the fold), so the bound is ≈ ε·fold_every (≈ 10⁻¹¹ at M = 10⁵; measured
//     differences are ≈ 10⁻¹³, README "Runs and speed"). R > 8 folds at geometrically spaced t (O(log n) folds).
// The iterate w = s·v has no cancellation: it differs from the dense step by the order of the products only
// (w_i carries Π(1 − η) as one factor s instead of one rounding per step and component).
// Tested equal to the dense step to 1e-12 relative over 2000–3000 samples with folds (optim_mixture_test).
#pragma once
#include <vector>

namespace klab::optim {

class LazyEntropic {
 public:
  LazyEntropic() = default;
  // From w₀ = start; `average`: also keep smd_entropic_avg's average w̄ (starting at w₀).
  LazyEntropic(const std::vector<double>& start, bool average, long long fold_every);

  // One step with f(x) given on its support: f_i = value[j] for i = index[j], j < k, 0 elsewhere; then, with
  // `average`, w̄ ← (1 − a) w̄ + a w. False (w unchanged, w̄ still averaged) when p_w(x) = 0, as entropic_step.
  bool step(const int* index, const double* value, int k, double eta, double a);

  void weights(std::vector<double>& w) const;  // w = s·v (M)
  void average(std::vector<double>& w) const;  // w̄ = A (u + C v) (M)
  long long folds() const { return folds_; }

 private:
  void fold();

  std::vector<double> v_, u_;  // (M) w = s·v; with the average w̄ = A (u + C v), else u_ empty
  double s_ = 1.0, a_scale_ = 1.0, c_ = 0.0;  // s, A, C
  long long fold_every_ = 0, since_fold_ = 0, folds_ = 0;
};

}  // namespace klab::optim
