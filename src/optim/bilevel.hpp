// Penalty methods for bilevel optimisation (Kwon, Kwon, Wright, Nowak, "On Penalty Methods for Nonconvex
// Bilevel Optimization and First-Order Stochastic Approximation", ICLR 2024, arXiv:2309.01753) against
// the implicit (AID) and iterative (ITD) hypergradients, on two toys whose lower level has several solutions.
//
// Toy `liu` (the classical counterexample of Liu, Mu, Yuan, Zeng, Zhang, ICML 2020, with a curvature knob ρ):
//     upper  f(x, y) = ½(x − y₂)² + ½(y₁ − 1)²          lower  g(x, y) = ½y₁² − x y₁ + (ρ/2) y₂²
// The lower-level solutions are S(x) = {(x, 0)} for ρ > 0 and the line {x} × ℝ for ρ = 0 (non-unique).
// The (optimistic) hyper-objective φ(x) = min_{y∈S(x)} f(x, y) is ½(x − 1)² + ½x²·[ρ > 0], ∇φ = x − 1 + x·[ρ > 0].
//
// Toy `double_well` (this lab's construction): a tilted double well in y₂ whose two wells stay at y₂ = ±1 while
// their depths move with x (a = kWellTilt, c = kWellStep):
//     upper  f(x, y) = ½(x + y₂)² + c y₂               lower  g(x, y) = ½y₁² + w(x, y₂),
//     w(x, y₂) = ¼(y₂² − 1)² − (a x/2)(3y₂ − y₂³),      ∂w/∂y₂ = (y₂² − 1)(y₂ + 3ax/2)
// The critical points in y₂ are ±1 (the wells, w(x, ±1) = ∓ax) and the hump −3ax/2 between them. So S(x) = {(0, sgn x)}:
// one point for x ≠ 0, two separated points at the switch x = 0, and the well an upper start y₂⁰ > 0 descends to
// is +1 whatever x (a local minimiser of g that is not global for x < 0). φ(x) = ½(x + s)² + cs with s = sgn x
// (s = −1 at x = 0: the optimistic choice) jumps by 2c at x = 0, and argmin φ = 0, φ* = ½ − c = 0, the left branch's end.
// The upper variable lives in X = [−5, 5] (the paper allows closed convex sets): every method's x step is projected onto
// X, which keeps the inner step sizes (bounds for |x| ≤ 5) valid when noisy penalty gradients, noise/σ, throw x far.
// The paper's proximal error bound fails here: the hump is a stationary point of g(x, ·) at distance ≈ 1 from S(x).
//
// Penalty function (the paper's h_σ = σf + g and ψ_σ(x) = (l(x, σ) − l(x, 0))/σ with l(x, σ) = min_y h_σ(x, y),
// as a summary of the paper states them; the abstract: "combined in a weighted sum with penalty parameter σ"):
//     ψ_σ(x) = min_y {f(x, y) + g(x, y)/σ} − min_z g(x, z)/σ
//     ∇ψ_σ(x) = ∇_x f(x, y_σ) + (∇_x g(x, y_σ) − ∇_x g(x, z*))/σ      (Danskin; y_σ, z* the two global minimisers)
// Closed form on `liu`: ψ_σ = (x − 1)²/(2(σ + 1)) + ρx²/(2(σ + ρ)), so φ − ψ_σ = O(σ) and ∇φ − ∇ψ_σ = O(σ). On
// `double_well` both minimisations are global 1-D searches over y₂ (every root of the cubic ∂/∂y₂, bracketed on a
// grid and bisected; the best one): away from x = 0, ψ_σ is O(σ) from φ; near it ψ_σ is continuous and crosses
// φ's jump on a window 0 < x < cσ/(a − σ) (σ < a), where the well f prefers costs only 2a|x|/σ of g.
// The method: gradient descent on x with ∇ψ_σ, the two inner minimisations by gradient descent warm-started
// from the previous outer step (a reading of the paper's first-order method; its step and inner-loop rules
// are not reproduced). Its inner loops are local: on `double_well` they keep the well they start in.
//
// Baselines (both assume a unique lower-level solution; lower level by K steps of gradient descent on g
// with step α from y⁰ = (0, y₂⁰) at every outer step):
//     AID  h = ∇_x f − ∇²_{xy} g [∇²_{yy} g]⁻¹ ∇_y f at y_K (∇²_{yy} g is diagonal in both toys; blocks with ∇²_{xy} g = 0,
//          where the product vanishes, are left out: `liu`'s y₂, whose ∇²_{yy} g = ρ may be 0, and the double well's y₁)
//     ITD  h = d/dx f(x, y_K(x)) through the K unrolled steps (forward mode: J_{k+1} = J_k − α(∇²_{yy}g J_k + ∇²_{yx}g))
// On `liu` with ρ = 0 the lower level never moves y₂ (g does not depend on it), so both descend ½(x − y₂⁰)² + ½(x − 1)²
// and stop at x = (1 + y₂⁰)/2 instead of φ's minimiser 1. On `double_well` from y₂⁰ > 0 they descend f(x, (0, 1)) and
// stop at x = −1, where ∇φ = −2 and the lower iterate sits in the well that is not S(−1).
//
// Stochastic oracles (the paper's stochastic setting; the noise model is this lab's): every gradient the
// methods use is the exact one plus independent N(0, s²/M) per coordinate, the mean of a mini-batch of M
// samples of std s (one draw of std s/√M stands in for the M samples: same law). One oracle call is one
// sample of ∇f and ∇g at one point, or one Jacobian-vector product; a batch of M costs M calls. Per outer step:
//     penalty (double loop)  2K + 2   (K steps on y and on z; ∇_x f, ∇_x g at y and ∇_x g at z)
//     penalty (single loop)  4        (one step on y and on z, then the x step)
//     AID                    K + 2    (K noisy lower steps, ∇f at y_K, one noisy ∇²_{xy}g·v; the inverse of the
//                                      diagonal ∇²_{yy}g is exact: no noisy CG)
//     ITD                    2K + 1   (K noisy lower steps, ∇f at y_K, K Jacobian products through the steps,
//                                      exact: the noise is additive, the Hessians taken at the noisy iterates)
// The penalty's x-gradient divides the ∇_x g noise by σ: its variance grows like s²/(Mσ²), which is why the
// paper's stochastic method needs large batches (O(ε⁻⁷) calls with σ = O(ε)) unless the oracles allow the
// single loop (O(ε⁻⁵)).
#pragma once
#include <cmath>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {

enum class BilevelProblem { Liu, DoubleWell };  // ids "liu", "double_well"

constexpr double kWellTilt = 0.2;   // a: the wells' depths ∓ax; both wells are minima for |x| < 2/(3a) ≈ 3.3
constexpr double kWellStep = 0.5;   // c: f's tilt c·y₂, φ's jump 2c = 1 at the switch x = 0
constexpr double kWellXBound = 5.0;  // the double well's upper-level set X = [−5, 5] (x steps are projected onto it)

struct BilevelToy {
  BilevelProblem problem = BilevelProblem::Liu;
  double rho = 0.0;      // ρ (`liu`): lower-level curvature in y₂ (0: non-unique solutions)
  double y_bound = 1.0;  // (`double_well`) the step sizes are safe for |y₂| ≤ max(1, y_bound), |x| ≤ 5

  double upper(double x, const Vec2& y) const;  // f
  double lower(double x, const Vec2& y) const;  // g
  double upper_dx(double x, const Vec2& y) const;  // ∂_x f
  Vec2 upper_dy(double x, const Vec2& y) const;    // ∇_y f
  double lower_dx(double x, const Vec2& y) const;  // ∂_x g
  Vec2 lower_dy(double x, const Vec2& y) const;    // ∇_y g
  Vec2 lower_dyy(double x, const Vec2& y) const;   // the diagonal of ∇²_{yy} g (diagonal in both toys)
  Vec2 lower_dxy(double x, const Vec2& y) const;   // ∇²_{xy} g
  double lower_smoothness() const;                 // L_g ≥ ‖∇²_{yy} g‖: max(1, ρ), or the double well's bound
  double x_bound() const;                          // X = [−B, B] the outer steps are projected onto (`liu`: B = ∞)
  double phi(double x) const;                      // φ
  double phi_gradient(double x) const;             // ∇φ (double well: the left branch's at x = 0)
  double phi_minimiser() const;                    // argmin φ: 1 (ρ = 0), ½ (ρ > 0), 0 (double well)
  // ψ_σ and Danskin's ∇ψ_σ at the global inner minimisers: closed form (`liu`) or global 1-D search (`double_well`).
  double penalty_exact(double x, double sigma) const;
  double penalty_gradient_exact(double x, double sigma) const;
  // (`liu`) argmin ψ_σ = (1/(σ + 1)) / (1/(σ + 1) + ρ/(σ + ρ)): 1 for ρ = 0 and ½ for ρ = 1 at every σ, otherwise O(σ) from ½.
  double penalty_minimiser(double sigma) const;
  // (`double_well`) the global minimiser in y₂ of f + g/σ (σ > 0), or of g (σ = ∞ ⇒ pass 0 for `upper_weight`).
  double well_argmin(double x, double upper_weight, double lower_weight) const;
};

// The noisy first-order oracle above: `noise()` is one coordinate's error, `charge()` books one call. Built by
// named setters: NoisyOracle().set_sd(s).set_batch(M).set_rng(Rng(…)); the default is the exact oracle.
class NoisyOracle {
 public:
  NoisyOracle& set_sd(double sd) { sd_ = sd; return *this; }       // s
  NoisyOracle& set_batch(int batch) { batch_ = batch; return *this; }  // M
  NoisyOracle& set_rng(const Rng& rng) { rng_ = rng; return *this; }
  int batch() const { return batch_; }
  double calls() const { return calls_; }
  double noise() { return sd_ > 0.0 ? sd_ / std::sqrt(static_cast<double>(batch_)) * sample_normal(rng_) : 0.0; }
  void charge(int n = 1) { calls_ += static_cast<double>(n) * batch_; }

 private:
  double sd_ = 0.0;
  int batch_ = 1;
  Rng rng_{0, 0, 0};
  double calls_ = 0.0;
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
