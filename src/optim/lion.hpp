// Lion and Lion-κ as constrained optimisers on 2-D problems (Chen, Liu, Liang, Liu, "Lion Secretly
// Solves Constrained Optimization: As Lyapunov Predicts", ICLR 2024, arXiv:2310.05898), with the
// baselines projected gradient descent, AdamW and signSGD.
//
// Lion-κ (the paper's discrete update, momentum m tracking −∇f):
//     u_t     = β₁ m_t − (1 − β₁) g_t                        (g_t = ∇f(x_t), plus optional noise)
//     x_{t+1} = x_t + η (∇κ(u_t) − λ x_t)                     (decoupled weight decay λ)
//     m_{t+1} = β₂ m_t − (1 − β₂) g_t
// It solves min_x f(x) + κ*(λx)/λ; the κ offered here:
//     l1     κ(m) = ‖m‖₁,  ∇κ = sign          κ*(y) = 0 if ‖y‖∞ ≤ 1 else ∞   → min f s.t. ‖x‖∞ ≤ 1/λ (Lion)
//     l2     κ(m) = ‖m‖₂,  ∇κ = m/‖m‖₂       κ*(y) = 0 if ‖y‖₂ ≤ 1 else ∞   → min f s.t. ‖x‖₂ ≤ 1/λ
//     huber  κ(m) = Σ h_δ(m_i), ∇κ = clip(m/δ, −1, 1)   (h_δ(z) = z²/(2δ) for |z| ≤ δ, |z| − δ/2 beyond)
//            κ*(y) = Σ δ y_i²/2 if ‖y‖∞ ≤ 1 else ∞       → min f + (δλ/2)‖x‖² s.t. ‖x‖∞ ≤ 1/λ
// The Lyapunov function (the paper's continuous-time H, reading: the formula is this lab's
// recollection of the paper, which could not be re-read in this session; mapped to the discrete
// parameters by matching the update with its ODE, α = γ = (1 − β₂)/η, ε = η(1 − β₁)/(1 − β₂)),
// divided by α so that it is in units of f:
//     Ĥ(x, m) = f(x) + κ*(λx)/λ + c (κ*(λx) + κ(m) − λ mᵀx),   c = η β₁ / ((1 − β₂)(1 + ελ)).
// By Fenchel–Young the bracket is ≥ 0; Ĥ = ∞ outside the constraint set (first phase: x enters it
// at the rate (1 − ηλ)^t), then Ĥ decreases (second phase), up to O(η²) per step in discrete time.
#pragma once
#include <array>

#include "core/rng.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {

enum class Objective { Quadratic, Rosenbrock };
enum class Kappa { L1, L2, Huber };

// f and ∇f. Quadratic: ½ (x − c)ᵀ R diag(1, cond) Rᵀ (x − c), R a rotation by 0.5 rad; Rosenbrock:
// (1 − x₁)² + 100 (x₂ − x₁²)² (minimiser (1, 1)), scaled by 1/100 so that both have gradients of order 1.
struct Problem {
  Objective objective = Objective::Quadratic;
  Vec2 centre{2.0, 0.8};  // quadratic: the unconstrained minimiser c
  double condition = 8.0;
  double lambda = 1.0;    // weight decay λ: the box ‖x‖∞ ≤ 1/λ
  double huber_delta = 0.1;

  double value(const Vec2& x) const;
  Vec2 gradient(const Vec2& x) const;
  Vec2 unconstrained_minimiser() const;
};

// ∇κ(u), κ(m) and κ*(y) (κ* may be +∞).
Vec2 kappa_gradient(Kappa k, const Vec2& u, double delta);
double kappa_value(Kappa k, const Vec2& m, double delta);
double kappa_conjugate(Kappa k, const Vec2& y, double delta);

struct LionSettings {
  double lr = 0.01;    // η
  double beta1 = 0.9;  // interpolation of the update direction
  double beta2 = 0.99; // momentum decay
};

struct LionState {
  Vec2 x, m{0.0, 0.0};
};
void lion_step(const Problem& p, Kappa k, const LionSettings& s, const Vec2& g, LionState* state);
double lion_lyapunov(const Problem& p, Kappa k, const LionSettings& s, const LionState& state);

// The solution of min f + κ*(λx)/λ by proximal gradient from `start` (the reference the claims use;
// on the quadratic the problem is strongly convex and the solution unique).
Vec2 lion_target(const Problem& p, Kappa k, const Vec2& start);

// Baselines.
Vec2 project_box(const Vec2& x, double radius);
struct AdamState {
  Vec2 x, m{0.0, 0.0}, v{0.0, 0.0};
  long long t = 0;
};
// AdamW (Loshchilov & Hutter 2019): m, v moment estimates with bias correction, then
// x ← x − η (m̂/(√v̂ + 10⁻⁸) + λ x).
void adamw_step(const LionSettings& s, double lambda, const Vec2& g, AdamState* state);

}  // namespace klab::optim
