// The inner loops of R2PVI and PEVI (r2pvi.hpp: the equations and the papers) as KLAB_INLINE code on
// plain arrays, so that the CPU engine (RobustExperiment, through r2pvi.cpp), the CUDA engine's kernel
// (engine.cu, one GPU thread per (run, learner)) and its host twin (engine_host.cpp) run the very same
// code:
//   robust_dual        the dual of inf_μ E_μ[V] + λ D_f(μ‖p) (KL, χ², TV; none: E_p[V])
//   ridge_*            Λ_h = ridge·I + Σ_τ φ_τφ_τᵀ, its inverse (lu_inverse), and μ̂_h = Λ_h⁻¹ Σ_τ φ_τ e_{s′_τ}ᵀ
//   pvi_backward       the backward pass Q̂_h = clip(⟨φ, θ_h + ν̂_h⟩ − Γ_h, 0, H − h), π_h = argmax
//   stage_policy_return  V^π_1(s₁) of a deterministic stage policy in a tabular model, exactly
// max, min and clamp are written as std::max / std::min / std::clamp evaluate them (the first operand
// unless the other is larger / smaller), exp and log are the lab's math::exp / math::log, so every engine computes the
// same bits (the strict build: on the GPU too).
#pragma once
#include <cmath>
#include <cstddef>

#include "core/lab_math.hpp"
#include "core/portable.hpp"
#include "mdp/mdp.hpp"
#include "offline/linear_mdp.hpp"

namespace klab::offline {

enum class Divergence { None, Kl, ChiSquare, Tv };  // None: E_μ[V] (PEVI's plain expectation)

struct PviSettings {
  Divergence divergence = Divergence::None;
  bool robust_bonus = false;  // the d-rectangular bonus Σ_i φ_i √(Λ⁻¹)_ii (R2PVI), else ‖φ‖_{Λ⁻¹} (PEVI)
  double lambda = 1.0;        // λ, the regulariser of the transition divergence
  double beta = 1.0;          // β, the pessimism multiplier
  double ridge = 0.1;         // the ridge of Λ_h
};

// The χ² dual's objective at α: E_p[V]_α − Var_p([V]_α)/(4λ), [V]_α = min(V, α).
KLAB_INLINE double chi_square_objective(const double* p, const double* v, int n, double lambda, double alpha) {
  double z = 0.0, z2 = 0.0;
  for (int s = 0; s < n; ++s) z += p[s] * (v[s] < alpha ? v[s] : alpha);
  for (int s = 0; s < n; ++s) {
    const double c = v[s] < alpha ? v[s] : alpha;
    z2 += p[s] * (c * c);
  }
  return z - (z2 - z * z) / (4.0 * lambda);
}

// sup_α E_p[V]_α − Var_p([V]_α)/(4λ) over α ∈ [min V, max V] (n ≤ kLinearStates values). Between two
// consecutive values of V the objective is a quadratic in α (z = A + Bα, E[V]²_α = C + Bα², B =
// p(V > α)), so the supremum is at a value of V or at a stationary point α* = (A + 2λ)/(1 − B) inside
// an interval.
KLAB_INLINE double chi_square_dual(const double* p, const double* v, int n, double lambda) {
  double knots[kLinearStates];  // the distinct values of V, ascending (insertion sort)
  int n_knots = 0;
  for (int s = 0; s < n; ++s) {
    int at = 0;
    while (at < n_knots && knots[at] < v[s]) ++at;
    if (at < n_knots && knots[at] == v[s]) continue;
    for (int k = n_knots; k > at; --k) knots[k] = knots[k - 1];
    knots[at] = v[s];
    ++n_knots;
  }
  double best = chi_square_objective(p, v, n, lambda, knots[0]);
  for (int k = 0; k + 1 < n_knots; ++k) {
    const double at_knot = chi_square_objective(p, v, n, lambda, knots[k + 1]);
    best = best < at_knot ? at_knot : best;
    double a = 0.0, b = 0.0;  // A = Σ_{V ≤ knot k} p V, B = Σ_{V > knot k} p
    for (int s = 0; s < n; ++s) {
      if (v[s] <= knots[k])
        a += p[s] * v[s];
      else
        b += p[s];
    }
    if (b >= 1.0) continue;  // no interior maximum (the quadratic is not concave)
    const double stationary = (a + 2.0 * lambda) / (1.0 - b);
    if (stationary > knots[k] && stationary < knots[k + 1]) {
      const double inside = chi_square_objective(p, v, n, lambda, stationary);
      best = best < inside ? inside : best;
    }
  }
  return best;
}

// inf_{μ ∈ Δ(S)} E_μ[V] + λ D_f(μ‖p) by its dual, for weights p over the n states (a distribution or
// a signed ridge estimate of one); v: V(s′) for every state.
KLAB_INLINE double robust_dual(Divergence f, const double* p, const double* v, int n, double lambda) {
  double lo = v[0], hi = v[0];
  for (int s = 1; s < n; ++s) lo = v[s] < lo ? v[s] : lo, hi = hi < v[s] ? v[s] : hi;
  double t = 0.0;
  switch (f) {
    case Divergence::None:
      for (int s = 0; s < n; ++s) t += p[s] * v[s];
      return t;
    case Divergence::Kl: {
      // −λ log E_p[exp(−V/λ)], shifted by min V against underflow; the estimate clipped to its true range.
      for (int s = 0; s < n; ++s) t += p[s] * math::exp(-(v[s] - lo) / lambda);
      const double floor = math::exp(-(hi - lo) / lambda);
      return lo - lambda * math::log(t < floor ? floor : (1.0 < t ? 1.0 : t));
    }
    case Divergence::ChiSquare:
      return chi_square_dual(p, v, n, lambda);
    case Divergence::Tv:
      for (int s = 0; s < n; ++s) t += p[s] * (lo + lambda < v[s] ? lo + lambda : v[s]);
      return t;
  }
  return 0.0;  // unreachable: every Divergence is handled above
}

// The ridge regressions of one dataset, stage by stage: Λ_h⁻¹ (d × d) and μ̂_h (d × S), row-major.
// Between ridge_begin and ridge_finish the same arrays hold Λ_h and Σ_τ φ_τ e_{s′_τ}ᵀ.
struct RidgeFit {
  double inverse[kLinearHorizon][kLinearDim * kLinearDim];
  double estimate[kLinearHorizon][kLinearDim * kLinearStates];
};

KLAB_INLINE void ridge_begin(const LinearMdp& m, double ridge, RidgeFit& fit) {
  for (int h = 0; h < m.horizon; ++h) {
    for (int i = 0; i < m.dim * m.dim; ++i) fit.inverse[h][i] = i % (m.dim + 1) == 0 ? ridge : 0.0;
    for (int i = 0; i < m.dim * m.states; ++i) fit.estimate[h][i] = 0.0;
  }
}

// One transition (s_h, a_h) = pair → next of stage h.
KLAB_INLINE void ridge_add(const LinearMdp& m, const LinearStep& t, RidgeFit& fit) {
  const double* phi = m.phi + static_cast<size_t>(t.pair) * m.dim;
  double* lambda = fit.inverse[t.stage];
  for (int i = 0; i < m.dim; ++i)
    for (int j = 0; j < m.dim; ++j) lambda[i * m.dim + j] += phi[i] * phi[j];
  for (int i = 0; i < m.dim; ++i) fit.estimate[t.stage][i * m.states + t.next] += phi[i];
}

// a⁻¹ for an invertible d × d matrix a (row-major, d ≤ kLinearDim), by the steps and in the order of
// operations of Eigen's PartialPivLU, which computed Λ_h⁻¹ before this code was shared (so the CPU
// engine's results did not move): a = P⁻¹LU with partial pivoting (the first largest |pivot|), then
// X = P·I, L X = X by forward substitution (row by row, each row's value subtracted from the rows
// below), U X = X by back substitution (each row scaled by the reciprocal of its pivot, then
// subtracted from the rows above).
KLAB_INLINE void lu_inverse(const double* a, int d, double* inv) {
  double lu[kLinearDim * kLinearDim];
  int row[kLinearDim];  // row r of P·a is row row[r] of a
  for (int i = 0; i < d * d; ++i) lu[i] = a[i];
  for (int r = 0; r < d; ++r) row[r] = r;
  for (int k = 0; k < d; ++k) {
    int pivot = k;
    double biggest = std::fabs(lu[k * d + k]);
    for (int r = k + 1; r < d; ++r)
      if (std::fabs(lu[r * d + k]) > biggest) biggest = std::fabs(lu[r * d + k]), pivot = r;
    if (biggest != 0.0) {
      if (pivot != k) {
        for (int j = 0; j < d; ++j) {
          const double x = lu[k * d + j];
          lu[k * d + j] = lu[pivot * d + j], lu[pivot * d + j] = x;
        }
        const int x = row[k];
        row[k] = row[pivot], row[pivot] = x;
      }
      for (int r = k + 1; r < d; ++r) lu[r * d + k] /= lu[k * d + k];
    }
    for (int r = k + 1; r < d; ++r)
      for (int j = k + 1; j < d; ++j) lu[r * d + j] -= lu[r * d + k] * lu[k * d + j];
  }
  for (int r = 0; r < d; ++r)
    for (int j = 0; j < d; ++j) inv[r * d + j] = row[r] == j ? 1.0 : 0.0;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j)
      for (int r = i + 1; r < d; ++r) inv[r * d + j] -= inv[i * d + j] * lu[r * d + i];
  for (int i = d - 1; i >= 0; --i) {
    const double reciprocal = 1.0 / lu[i * d + i];
    for (int j = 0; j < d; ++j) {
      inv[i * d + j] *= reciprocal;
      for (int r = 0; r < i; ++r) inv[r * d + j] -= inv[i * d + j] * lu[r * d + i];
    }
  }
}

// Λ_h → Λ_h⁻¹ and the moments → μ̂_h = Λ_h⁻¹ · moments (each entry summed over j in order), for
// every stage.
KLAB_INLINE void ridge_finish(const LinearMdp& m, RidgeFit& fit) {
  const int d = m.dim;
  for (int h = 0; h < m.horizon; ++h) {
    double inv[kLinearDim * kLinearDim];
    lu_inverse(fit.inverse[h], d, inv);
    double* est = fit.estimate[h];
    double moments[kLinearDim * kLinearStates];
    for (int i = 0; i < d * m.states; ++i) moments[i] = est[i];
    for (int i = 0; i < d; ++i)
      for (int s = 0; s < m.states; ++s) {
        double x = 0.0;
        for (int j = 0; j < d; ++j) x += inv[i * d + j] * moments[j * m.states + s];
        est[i * m.states + s] = x;
      }
    for (int i = 0; i < d * d; ++i) fit.inverse[h][i] = inv[i];
  }
}

// Γ_h(s, a) for the pair's features φ and Λ_h⁻¹: β Σ_i φ_i ‖e_i‖_{Λ⁻¹} (R2PVI) or β ‖φ‖_{Λ⁻¹} (PEVI).
KLAB_INLINE double pvi_bonus(const LinearMdp& m, const PviSettings& set, const double* inverse, const double* phi) {
  double g = 0.0;
  if (set.robust_bonus) {
    for (int i = 0; i < m.dim; ++i) g += phi[i] * std::sqrt(inverse[i * m.dim + i]);
    return set.beta * g;
  }
  // φᵀ(Λ⁻¹φ): each (Λ⁻¹φ)_i summed over j in order, the products φ_i (Λ⁻¹φ)_i summed in pairs
  // (0 + 2) + (1 + 3), as Eigen's two-lane dot product summed them (d = 4) before this code was shared.
  double t[kLinearDim];
  for (int i = 0; i < m.dim; ++i) {
    double row = 0.0;
    for (int j = 0; j < m.dim; ++j) row += inverse[i * m.dim + j] * phi[j];
    t[i] = phi[i] * row;
  }
  static_assert(kLinearDim == 4, "the pairwise sum below is written for d = 4");
  g = (t[0] + t[2]) + (t[1] + t[3]);
  return set.beta * std::sqrt(g);
}

// One backward pass from V_H = 0: the factor measures of stage h at factors + h·factor_stride (d × S;
// stride 0: the same every stage), the bonus from Λ_h⁻¹ at inverse + h·d² (null: no bonus, the
// planner). actions (H·S): π_h(s), the first maximiser; q (H·S·A, or null): Q̂_h(s, a).
KLAB_INLINE void pvi_backward(const LinearMdp& m, const PviSettings& set, const double* factors, size_t factor_stride, const double* inverse,
                              int* actions, double* q) {
  double v_next[kLinearStates] = {}, v[kLinearStates];
  for (int h = m.horizon - 1; h >= 0; --h) {
    const double* mu = factors + static_cast<size_t>(h) * factor_stride;
    double w[kLinearDim];  // θ_h + ν_h
    for (int i = 0; i < m.dim; ++i) w[i] = m.theta[h * m.dim + i] + robust_dual(set.divergence, mu + i * m.states, v_next, m.states, set.lambda);
    const double cap = m.horizon - h;  // Q_h ≤ H − h (rewards in [0, 1])
    for (int s = 0; s < m.states; ++s) {
      int best = 0;
      double best_q = 0.0;
      for (int a = 0; a < m.actions; ++a) {
        const int pair = s * m.actions + a;
        const double* phi = m.phi + static_cast<size_t>(pair) * m.dim;
        double x = inverse ? -pvi_bonus(m, set, inverse + static_cast<size_t>(h) * m.dim * m.dim, phi) : -0.0;
        for (int i = 0; i < m.dim; ++i) x += phi[i] * w[i];
        x = x < 0.0 ? 0.0 : (cap < x ? cap : x);
        if (q) q[(static_cast<size_t>(h) * m.states + s) * m.actions + a] = x;
        if (a == 0 || x > best_q) best = a, best_q = x;
      }
      actions[h * m.states + s] = best;
      v[s] = best_q;
    }
    for (int s = 0; s < m.states; ++s) v_next[s] = v[s];
  }
}

// V^π_1(s₁) of the deterministic stage policy `actions` (H·S) in the tabular model `model` (S ≤
// kLinearStates): backward induction with the arithmetic of mdp::evaluate_finite for a one-hot policy
// (Q = r + γ Σ P V, V = the chosen action's Q).
KLAB_INLINE double stage_policy_return(const mdp::MdpView& model, const int* actions, int horizon, int start) {
  double v_next[kLinearStates] = {}, v[kLinearStates];
  for (int h = horizon - 1; h >= 0; --h) {
    for (int s = 0; s < model.states; ++s) {
      const int i = model.first_pair[s] + actions[h * model.states + s];
      double sum = 0.0;
      for (int e = model.first_next[i]; e < model.first_next[i + 1]; ++e) sum += model.next_prob[e] * v_next[model.next_state[e]];
      v[s] = model.reward[i] + model.discount * sum;
    }
    for (int s = 0; s < model.states; ++s) v_next[s] = v[s];
  }
  return v_next[start];
}

}  // namespace klab::offline
