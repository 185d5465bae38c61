// Penalty methods for bilevel optimisation (Kwon, Kwon, Wright, Nowak, "On Penalty Methods for Nonconvex
// Bilevel Optimization and First-Order Stochastic Approximation", ICLR 2024, arXiv:2309.01753) against
// the implicit (AID) and iterative (ITD) hypergradients, on a toy whose lower level can have a continuum
// of solutions.
//
// The toy (the classical counterexample of Liu, Mu, Yuan, Zeng, Zhang, ICML 2020, with a curvature knob ρ):
//     upper  f(x, y) = ½(x − y₂)² + ½(y₁ − 1)²          lower  g(x, y) = ½y₁² − x y₁ + (ρ/2) y₂²
// The lower-level solutions are S(x) = {(x, 0)} for ρ > 0 and the line {x} × ℝ for ρ = 0 (non-unique).
// The (optimistic) hyper-objective φ(x) = min_{y∈S(x)} f(x, y) is ½(x − 1)² + ½x²·[ρ > 0], ∇φ = x − 1 + x·[ρ > 0].
//
// Penalty function (the paper's h_σ = σf + g and ψ_σ(x) = (l(x, σ) − l(x, 0))/σ with l(x, σ) = min_y h_σ(x, y),
// as a summary of the paper states them; the abstract: "combined in a weighted sum with penalty parameter σ"):
//     ψ_σ(x) = min_y {f(x, y) + g(x, y)/σ} − min_z g(x, z)/σ
//     ∇ψ_σ(x) = ∇_x f(x, y_σ) + (∇_x g(x, y_σ) − ∇_x g(x, z*))/σ      (Danskin; y_σ, z* the two minimisers)
// Closed form here: ψ_σ = (x − 1)²/(2(σ + 1)) + ρx²/(2(σ + ρ)), so φ − ψ_σ = O(σ) and ∇φ − ∇ψ_σ = O(σ).
// The method: gradient descent on x with ∇ψ_σ, the two inner minimisations by gradient descent warm-started
// from the previous outer step (a reading of the paper's first-order method; its step and inner-loop rules
// are not reproduced).
//
// Baselines (both assume a unique lower-level solution; lower level by K steps of gradient descent on g
// with step α from y⁰ = (0, y₂⁰) at every outer step):
//     AID  h = ∇_x f − ∇²_{xy} g [∇²_{yy} g]⁻¹ ∇_y f at y_K; here ∇²_{xy} g = (−1, 0), so only the y₁ block of the
//          solve enters (its null direction y₂ does not): h = (x − y₂) + (y₁ − 1)
//     ITD  h = d/dx f(x, y_K(x)) through the K unrolled steps: h = (x − y₂,K) + (1 − (1 − α)^K)(y₁,K − 1)
// With ρ = 0 the lower level never moves y₂ (g does not depend on it), so both descend ½(x − y₂⁰)² + ½(x − 1)²
// and stop at x = (1 + y₂⁰)/2 instead of φ's minimiser 1.
//
// Stochastic oracles (the paper's stochastic setting; the noise model is this lab's): every gradient the
// methods use is the exact one plus independent N(0, s²/M) per coordinate, the mean of a mini-batch of M
// samples of std s (one draw of std s/√M stands in for the M samples: same law). One oracle call is one
// sample of ∇f and ∇g at one point, or one Jacobian-vector product; a batch of M costs M calls. Per outer step:
//     penalty (double loop)  2K + 2   (K steps on y and on z; ∇_x f, ∇_x g at y and ∇_x g at z)
//     penalty (single loop)  4        (one step on y and on z, then the x step)
//     AID                    K + 2    (K noisy lower steps, ∇f at y_K, one noisy ∇²_{xy}g·v; the inverse of the y₁
//                                      block of ∇²_{yy}g, which is 1, is exact: no noisy CG)
//     ITD                    2K + 1   (K noisy lower steps, ∇f at y_K, K Jacobian products through the steps,
//                                      exact here because g's Hessian is constant and the noise is additive)
// The penalty's x-gradient divides the ∇_x g noise by σ: its variance grows like s²/(Mσ²), which is why the
// paper's stochastic method needs large batches (O(ε⁻⁷) calls with σ = O(ε)) unless the oracles allow the
// single loop (O(ε⁻⁵)).
#pragma once
#include <cmath>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {

struct BilevelToy {
  double rho = 0.0;  // ρ: lower-level curvature in y₂ (0: non-unique solutions)

  double upper(double x, const Vec2& y) const;  // f
  double lower(double x, const Vec2& y) const;  // g
  double phi(double x) const;                   // φ
  double phi_gradient(double x) const;          // ∇φ
  double phi_minimiser() const;                 // argmin φ: 1 (ρ = 0) or ½
  double penalty_exact(double x, double sigma) const;           // ψ_σ, closed form (tests and reference)
  double penalty_gradient_exact(double x, double sigma) const;  // ∇ψ_σ, closed form
  // argmin ψ_σ = (1/(σ + 1)) / (1/(σ + 1) + ρ/(σ + ρ)): 1 for ρ = 0 and ½ for ρ = 1 at every σ, otherwise O(σ) from ½.
  double penalty_minimiser(double sigma) const;
};

// The noisy first-order oracle above: `noise()` is one coordinate's error, `charge()` books one call.
struct NoisyOracle {
  double sd = 0.0;   // s
  int batch = 1;     // M
  Rng rng{0, 0, 0};
  double calls = 0.0;
  double noise() { return sd > 0.0 ? sd / std::sqrt(static_cast<double>(batch)) * sample_normal(rng) : 0.0; }
  void charge(int n = 1) { calls += static_cast<double>(n) * batch; }
};

// The penalty method's inner state: the minimisers of f + g/σ (y) and of g (z), warm-started.
struct PenaltyState {
  Vec2 y{0.0, 0.0}, z{0.0, 0.0};
};
// Runs `steps` (noisy) gradient steps on both inner problems at x, then returns ψ_σ(x) at the inner iterates
// (noise-free: a readout) and writes the (noisy) Danskin estimate of ∇ψ_σ(x). steps = 1 is the single loop's update.
double penalty_value(const BilevelToy& t, double x, double sigma, int steps, PenaltyState* s, double* gradient, NoisyOracle* o);

// Lower level by K steps of gradient descent with step α from y⁰; the AID and ITD hypergradients.
struct LowerLevel {
  int steps = 50;       // K
  double step = 0.5;    // α
  Vec2 init{0.0, 0.0};  // y⁰
};
double aid_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o);
double itd_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o);

}  // namespace klab::optim
