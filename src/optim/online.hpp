// Online convex optimisation in the Stochastically Extended Adversarial (SEA) model (Sachs, Hadiji,
// van Erven, Guzmán, NeurIPS 2022) and optimistic online mirror descent for it (Chen, Zhang, Tu, Zhao,
// Zhang, "Optimistic Online Mirror Descent for Bridging Stochastic and Adversarial Online Convex
// Optimization", ICML 2023 / JMLR 2024, arXiv:2302.04552), on a 2-D disc X = {‖x‖ ≤ 1} (D = 2).
//
// SEA model. In round t the adversary picks a distribution D_t; f_t ∼ D_t; the learner plays x_t
// and then sees ∇f_t(x_t). With F_t = E_{f∼D_t} f,
//     σ_t² = sup_{x∈X} E‖∇f_t(x) − ∇F_t(x)‖²          (stochastic variance),    σ²_{1:T} = Σ_t σ_t²
//     Σ_t² = sup_{x∈X} ‖∇F_t(x) − ∇F_{t−1}(x)‖²       (adversarial variation),  Σ²_{1:T} = Σ_{t≥2} Σ_t²
// and the regret is E[Σ_t f_t(x_t)] − min_{x∈X} E[Σ_t f_t(x)] = E[Σ_t F_t(x_t)] − min_x Σ_t F_t(x).
//
// The toy (this lab's construction). f_t(x) = F_t(x) + ⟨ξ_t, x⟩ with ξ_t ∼ N(0, σ²/2·I₂), so
// σ_t² = σ² exactly; F_t(x) = ℓ(x − θ_t) with
//     huber      ℓ(z) = h_δ(‖z‖)  (‖z‖²/(2δ) for ‖z‖ ≤ δ, ‖z‖ − δ/2 beyond): convex, L = 1/δ, ‖∇ℓ‖ ≤ 1
//     quadratic  ℓ(z) = (λ/2)‖z‖²: λ-strongly convex, L = λ
// and an oblivious adversary that alternates the centre, θ_t = c + (−1)^t Δ u (u a unit vector): the
// gradient's worst case for a hint M_t = ∇f_{t−1}(x_{t−1}). Δ is set from the per-round variation Σ:
// Σ_t = sup_x ‖∇ℓ(x − θ_t) − ∇ℓ(x − θ_{t−1})‖ = 2Δ/δ (huber, attained at x = c ∈ X, Σ ≤ 2) or 2λΔ
// (quadratic), so Σ²_{1:T} = (T − 1)Σ² exactly.
//
// Learners (Euclidean mirror map ψ = ½‖·‖², so Bregman projections are projections onto the disc):
//     optimistic OMD   x_t = Π_X(x̂_t − η_t M_t),   x̂_{t+1} = Π_X(x̂_t − η_t g_t),   M_t = g_{t−1}
//     plain OMD        the same with M_t = 0 (x_t = x̂_t)
//   step sizes (reading: the paper's theorems as this lab recalls them; the full text could not be
//   re-read in this session, so the constants are not pinned down):
//     convex and smooth   η_t = min{1/(4L), D/√(Σ_{s<t}‖g_s − M_s‖²)} (1/(4L) while the sum is 0)  → O(D√σ²_{1:T} + D√Σ²_{1:T} + LD²)
//     λ-strongly convex   η_t = 1/(λt + 4L)  (1/η_t − 1/η_{t−1} = λ and η_t ≤ 1/(4L))  → O((σ²_max + Σ²_max)/λ · log T)
//   and online gradient descent with its worst-case tuning (Zinkevich 2003; Hazan, Agarwal, Kale 2007):
//     OGD  x_{t+1} = Π_X(x_t − η_t g_t),  η = D/(G√T) (convex; G² = sup‖∇F‖² + σ²)  or  η_t = 1/(λt)  → O(DG√T), O(G²/λ · log T)
//
// Optimistic FTRL (Sachs et al. 2022, eq. (2) and Theorem 5, read in a text extraction of the full paper whose formulas are
// partly garbled), with the hint M_t = g_{t−1} (M_1 = 0):
//     convex and smooth   x_t = argmin_{x∈X} ⟨Σ_{s<t} g_s + M_t, x⟩ + ‖x − x₁‖²/η_t = Π_X(x₁ − (η_t/2)(Σ_{s<t} g_s + M_t))
//                         η_t = D²/(ν + Σ_{s<t} η_s‖g_s − M_s‖²)  (AdaFTRL-style),  ν = LD² + DG
//       E[R_T] ≤ 6D√σ²_{1:T} + 3√2·D√Σ²_{1:T} + (3√2/2)DG + ν + (4D²G² + 9L²D⁴)/ν           (Theorem 5)
//     λ-strongly convex   optimistic FTL on the surrogates ℓ_s(x) = ⟨g_s, x − x_s⟩ + (λ/2)‖x − x_s‖² (eq. (4), (5)):
//                         x_t = argmin_{x∈X} Σ_{s<t} ℓ_s(x) + ⟨M_t, x⟩ = Π_X(x̄_{t−1} − (Σ_{s<t} g_s + M_t)/(λ(t − 1))),
//                         x̄_{t−1} the mean of x_1..x_{t−1}; x_1 = the start (no loss yet)
//       E[R_T] ≤ (8σ²_max + 4Σ²_max)/λ · log T + (4D²L²/λ)·log(1 + 16L/λ)                        (Theorem 7)
//   Readings: the paper writes the regulariser ‖x‖²/η_t (centred at the origin); here it is centred at the start x₁,
//   which the proof allows (it needs ψ_{T+1}(u) ≤ D²/η_T, true for ‖u − x₁‖ ≤ D, the diameter). The paper tunes
//   ν = LD² + DG with G an almost-sure bound on ‖g_t‖; the toy's noise is Gaussian (unbounded), so G is OGD's
//   √(sup‖∇F‖² + σ²). The extraction prints the tuning as "ν = LD2 + DG2": read as LD² + DG, the one form with the units
//   of a regret and the one that turns ν + (4D²G² + 9L²D⁴)/ν into the stated O(DG + LD²).
//   Both argmins are ftrl_argmin below (η = 2/(λ(t − 1)) for the surrogate sum).
#pragma once

#include "optim/vec2.hpp"

namespace klab::optim {

enum class OnlineLoss { Huber, Quadratic };

constexpr double kDiscRadius = 1.0;                  // X = {‖x‖ ≤ 1}
constexpr double kDiscDiameter = 2.0 * kDiscRadius;  // D

// Π_X: the Euclidean projection onto the disc.
Vec2 project_disc(const Vec2& x);

// argmin_{x∈X} ⟨a, x⟩ + ‖x − c‖²/η = Π_X(c − (η/2)a): completing the square, the objective is ‖x − (c − (η/2)a)‖²/η
// plus a constant, so its minimiser over the disc is the projection (test: a brute-force search over the disc).
Vec2 ftrl_argmin(const Vec2& a, const Vec2& c, double eta);

// The SEA environment: the mean losses F_t and the noise level.
struct SeaProblem {
  OnlineLoss loss = OnlineLoss::Huber;
  double delta = 1.0;       // Huber width δ (L = 1/δ)
  double lambda = 1.0;      // quadratic curvature λ (L = λ)
  Vec2 centre{0.3, 0.2};    // c
  Vec2 direction{0.0, 1.0}; // u (unit)
  double variation = 0.5;   // Σ: per-round adversarial variation
  double noise = 0.2;       // σ: stochastic standard deviation (E‖ξ‖² = σ²)

  double smoothness() const { return loss == OnlineLoss::Huber ? 1.0 / delta : lambda; }  // L
  double amplitude() const;                       // Δ, from Σ (see the header)
  Vec2 theta(long long t) const;                  // θ_t, t = 1, 2, …
  double value(const Vec2& x, long long t) const; // F_t(x)
  Vec2 gradient(const Vec2& x, long long t) const;// ∇F_t(x)
  double gradient_bound() const;                  // sup_{x∈X, t} ‖∇F_t(x)‖
  // min over X of n_odd F_1 + n_even F_2 (the mean losses take two forms): the comparator's total
  // loss over t = 1..n (projected gradient descent to 1e-12; closed form for the quadratic).
  Vec2 comparator(long long n) const;
};

enum class OnlineMethod { OptimisticOmd, PlainOmd, Ogd, OptimisticFtrl };
constexpr int kOnlineMethodCount = static_cast<int>(OnlineMethod::OptimisticFtrl) + 1;

// One learner's state. play() gives x_t; observe(g_t) updates with the observed gradient.
struct OnlineLearner {
  OnlineMethod method = OnlineMethod::OptimisticOmd;
  Vec2 x_hat{0.0, 0.0};     // x̂_t (OGD: x_t; optimistic FTRL: x₁, the regulariser's centre)
  Vec2 hint{0.0, 0.0};      // M_t
  double hint_error = 0.0;  // Σ_{s<t} ‖g_s − M_s‖² (the OMD learners' step)
  long long t = 1;          // the round about to be played
  // optimistic FTRL only
  Vec2 grad_sum{0.0, 0.0};      // Σ_{s<t} g_s
  Vec2 x_sum{0.0, 0.0};         // Σ_{s<t} x_s (the surrogates' centres, strongly convex case)
  double weighted_error = 0.0;  // Σ_{s<t} η_s ‖g_s − M_s‖² (convex case)
};

struct OnlineSettings {
  long long horizon = 1000;  // T (OGD's convex step uses it)
};

// The SEA toy's cumulative variances after t rounds: σ²_{1:t} = tσ² (the noise of every round) and
// Σ²_{1:t} = max(0, t − 1)Σ² (the variation between consecutive rounds).
struct SeaSums {
  double noise2 = 0.0;      // σ²_{1:t}
  double variation2 = 0.0;  // Σ²_{1:t}
};
SeaSums sea_sums(const SeaProblem& p, long long t);

double gradient_scale(const SeaProblem& p);  // G = √(sup‖∇F‖² + σ²), σ = p.noise
double ftrl_nu(const SeaProblem& p);         // ν = LD² + DG (Theorem 5's tuning)
// Theorem 5's bound on optimistic FTRL's expected regret after t rounds (convex and smooth), with
// σ²_{1:t}, Σ²_{1:t} of sea_sums and ν, G as above.
double ftrl_regret_bound(const SeaProblem& p, long long t);

OnlineLearner make_learner(OnlineMethod m, const Vec2& start);
double learner_step(const SeaProblem& p, const OnlineSettings& s, const OnlineLearner& l);  // η_t (optimistic FTRL, strongly convex: 2/(λ(t − 1)))
Vec2 learner_play(const SeaProblem& p, const OnlineSettings& s, const OnlineLearner& l);
void learner_observe(const SeaProblem& p, const OnlineSettings& s, const Vec2& g, OnlineLearner* l);

}  // namespace klab::optim
