// Halpern iteration with variance reduction for a finite-sum monotone operator (Cai, Alacaoglu,
// Diakonikolas, "Variance Reduced Halpern Iteration for Finite-Sum Monotone Inclusions", ICLR 2024,
// arXiv:2310.02987), against deterministic Halpern, extragradient and variance-reduced extragradient,
// on a finite-sum regularised bilinear game in the plane z = (x, y), an ill-conditioned one in ℝ⁸, or a distributionally
// robust least-squares problem with a constraint set C (halpern_dro.hpp); with μ = 0 the games are merely monotone
// (not cocoercive), the case of the paper's Algorithm 2 (inexact Halpern with a VR-FoRB resolvent).
//
// The problems (this lab's toys; `problem` picks one).
// plane: min_x max_y (1/n) Σ_i [ (μ/2)x² + a_i xy − (μ/2)y² + b_i x − c_i y ] in the plane z = (x, y):
//     F_i(z) = M_i z + q_i,  M_i = [[μ, a_i], [−a_i, μ]],  q_i = (b_i, c_i),   F = (1/n) Σ_i F_i = M̄ z + q̄
// with a_i = ā + s√2 cos φ_i, b_i = b̄ + s√2 sin φ_i, c_i = c̄ + s√2 cos(φ_i + 1), φ_i = 2π(i + ½)/n, so the mean
// operator (ā, b̄, c̄) and z* = −M̄⁻¹q̄ are the same for every n ≥ 3 and s sets the spread of the components.
// ill_conditioned: the same game with x, y ∈ ℝ⁴ (z = (x, y) ∈ ℝ⁸) and matrix couplings,
//     F_i(z) = (μx + A_i y + b_i, μy − A_iᵀx + c_i),  A_i = Ā + s R_i,  Ā = diag(σ₁ … σ₄), σ_j = ā κ^{−(j−1)/3},
//     R_i = blockdiag(R(φ_i), R(2φ_i)), R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]],  (b_i, c_i) = (b̄, c̄) + s(cos φ_i u + sin φ_i v)
//     for two fixed u, v ∈ ℝ⁸,  (b̄, c̄) = −M̄ z* for a fixed z*,
// so F, z* and the constants are the same for every n ≥ 3 (cos, sin of φ_i and 2φ_i average to 0; R_iᵀR_i = I) and the
// mean coupling Ā has condition number κ: extragradient's linear rate on its slowest pair is ≈ 1 − (σ₄/ā)²/8 per step.
// (1/n)Σ A_iᵀA_i = Ā² + s²I, so the constants below hold for both problems (with equality on the plane; on ℝ⁸ they are
// attained on the fastest pair, upper bounds elsewhere).
// For μ > 0, F is μ-strongly monotone and cocoercive: ⟨F(u) − F(v), u − v⟩ = μ‖u − v‖² ≥ (1/L_F)‖F(u) − F(v)‖²,
// L_F = (μ² + ā²)/μ. For μ = 0, M̄ is skew: ⟨F(u) − F(v), u − v⟩ = 0, F is monotone and Lipschitz but not cocoercive
// (halpern and vr_halpern need μ > 0; forward steps z − τF(z) grow ‖z − z*‖ by √(1 + τ²ā²) every step on the plane). The
// components are cocoercive "on average" (the paper's assumption, as this lab reads it):
// (1/n)Σ‖F_i(u) − F_i(v)‖² ≤ (μ² + ā² + s²)‖u − v‖² ≤ L⟨F(u) − F(v), u − v⟩, L = (μ² + ā² + s²)/μ.
// F is Lipschitz with L_lip = √(μ² + ā²), and "on average" with L_avg = √(μ² + ā² + s²).
//
// Methods (one oracle call = one component F_i at one point; a full F costs n):
// (the constants below are steps = lab's; steps = script swaps in the authors' scripts' on the paper's two problems:
// halpern_steps.hpp; oracle = sparse runs the same steps on the two DRO problems with O(1)-sized components: halpern_sparse.hpp)
//   halpern     z_{k+1} = λ_k z₀ + (1 − λ_k)(z_k − F(z_k)/L_F),  λ_k = 1/(k + 2)          (Halpern 1967; Diakonikolas 2020)
//               T = I − F/L_F is nonexpansive, so ‖z_k − T z_k‖ = ‖F(z_k)‖/L_F ≤ 2‖z₀ − z*‖/(k + 1)   (Lieder 2021)
//   vr_halpern  the same step with F̃_k for F(z_k) and 1/L for 1/L_F, F̃ a recursive (PAGE/SARAH-type) estimator:
//               F̃₀ = F(z₀); then with probability p = 1/√n F̃_{k+1} = F(z_{k+1}) (n calls), otherwise
//               F̃_{k+1} = F̃_k + (1/b) Σ_{i∈S} (F_i(z_{k+1}) − F_i(z_k)), |S| = b = ⌈√n⌉ uniform indices (2b calls).
//               Reading: the paper's Algorithm 1 (cocoercive case) combines this estimator with a Halpern step; its
//               exact p, b, step and anchoring schedule could not be re-read in this session. O(n + √n L/ε) calls.
//               With steps = script (the paper's two experiments only) it runs as the authors' scripts run Algorithm 1, with
//               λ_k = 2/(k + 4), an unprojected anchor and the scripts' η, batch and refresh schedule (halpern_steps.hpp), on
//               operators that are not cocoercive: outside its theorem's assumptions, as the scripts run it.
//   eg          z̄ = z_k − τF(z_k), z_{k+1} = z_k − τF(z̄),  τ = 1/(2 L_lip)                        (Korpelevich 1976; 2n calls)
//   vr_eg       z̄_k = αz_k + (1 − α)w_k, z_{k+½} = z̄_k − τF(w_k), z_{k+1} = z̄_k − τ(F(w_k) + F_i(z_{k+½}) − F_i(w_k)),
//               w_{k+1} = z_{k+1} with probability p = 2/n else w_k; α = 1 − p, τ = 0.99√p/L_avg
//               (Alacaoglu & Malitsky 2022, loopless variance-reduced extragradient, as recalled: 2 calls + n on refresh)
//   eag         z_{k+½} = z_k + β_k(z₀ − z_k) − αF(z_k), z_{k+1} = z_k + β_k(z₀ − z_k) − αF(z_{k+½}), β_k = 1/(k + 2),
//               α = 1/(8 L_lip)   (extra-anchored gradient, Yoon & Ryu, ICML 2021, constant step "EAG-C" as recalled:
//               deterministic Halpern-type method for monotone Lipschitz F, ‖F(z_k)‖ = O(L_lip‖z₀ − z*‖/k); 2n calls)
//   vr_halpern_inexact  the paper's Algorithm 2 (monotone Lipschitz case), as this lab reads it: Halpern on the resolvent
//               J = (I + ηF)⁻¹, z_{k+1} = λ_k z₀ + (1 − λ_k) Ĵ(z_k), λ_k = 1/(k + 2), η = √n/L_avg, with Ĵ(z_k) the output of
//               M_k = ⌈2n ln(k + 2)⌉ iterations of VR-FoRB (Alacaoglu, Malitsky, Cevher 2021) on the 1-strongly monotone
//               G(v) = ηF(v) + v − z_k, components G_i = ηF_i + I − z_k (average Lipschitz L_G = √((1 + ημ)² + η² mean a_i²)):
//                   v₀ = w₀ = w₋₁ = z_k;  v̄_t = αv_t + (1 − α)w_t,
//                   v_{t+1} = v̄_t − τ(G(w_t) + G_i(v_t) − G_i(w_{t−1})),  i uniform,
//                   w_{t+1} = v_{t+1} with probability p, else w_t;   p = 1/n, α = 1 − p, τ = 0.99√(p(1 − p))/L_G
//               (n calls for G(w₀) and on every refresh, 2 per iteration: ≈ n + 3M_k per outer step). For the exact
//               resolvent, ‖F(J z_k)‖ = ‖z_k − J z_k‖/η ≤ 2‖z₀ − z*‖/(η(k + 1)), so the method reports Ĵ(z_{k−1}) (its last
//               inner iterate) as its point. Reading: the abstract, a review summary (inexact Halpern with VR-FoRB as
//               subsolver for the resolvent) and the authors' public experiment script fix this structure and η, p, α, τ's
//               form; the paper's M_k and inexactness tolerances were not re-read (M_k's n ln k shape is the one the
//               Õ(n + √n L/ε) count needs: VR-FoRB contracts by ≈ 1 − 1/n per iteration here, and the error must fall by ≈ 1/k).
//               Total: O(L‖z₀ − z*‖/(√n ε)) outer steps of O(n ln k) calls, Õ(n + √n L/ε).
// dro_least_squares: min_{x ∈ ℝ², ‖x‖ ≤ R} max over the weights q = n p (p in a capped simplex) of a χ²-penalised weighted
// least squares, z = (x, q) ∈ ℝ^{2+n}, F_i reads data point i (equations, constants and the reading: halpern_dro.hpp).
// wdro_logistic: Wasserstein DRO logistic regression in Yu et al.'s (AISTATS 2022) min-max form, min over (β, λ) in the cone
// ‖β‖ ≤ λ, max over label-flip weights γ ∈ [−1, 1]ⁿ, z = (β, λ, γ) ∈ ℝ^{3+n}, F_i reads data point i (halpern_wdro.hpp).
// The paper's own two experiments, as the authors' public scripts build them (z = (x, y) ∈ ℝ^{2n}, the scripts' start 𝟙/n, not
// dragged; the live view's plane: the players' mean houses on the matrix game, the blocks' distances to z* on the QP):
// matrix_game: the policeman-and-burglar game min_{x∈Δ_n} max_{y∈Δ_n} yᵀAx, F_i reads row i and column i of A
// (halpern_matrix_game.hpp); quadratic_program: min_x max_y ½xᵀHx − hᵀx − yᵀ(Ax − b), unconstrained (halpern_qp.hpp).
// The inclusion (both DRO problems and matrix_game) is 0 ∈ F(z) + N_C(z): every forward step above becomes a projected one, z ← Π_C(·), applied to the point
// the step produces (halpern, vr_halpern: T = Π_C(I − F/L_F), forward-backward; eg, vr_eg, eag: projected extragradient
// steps, the Alacaoglu–Malitsky form for vr_eg, this lab's projected reading of EAG; vr_halpern_inexact: VR-FoRB with the
// projection, i.e. the resolvent of F + N_C). On the unconstrained games Π_C is the identity and is skipped. Residual:
// ‖F(z)‖, and on the constrained problem the natural residual ‖z − Π_C(z − F(z))‖ (≤ dist(0, F(z) + N_C(z)), so
// the bounds below still hold for it).
// The full operator is evaluated through the precomputed mean M̄, q̄ (DRO: a pass over the data; counted as n calls); the
// residual that the plots show (at HalpernState::point) is measured the same way and is not counted (a monitor, not the
// method).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/rng.hpp"
#include "optim/halpern_dro.hpp"
#include "optim/halpern_matrix_game.hpp"
#include "optim/halpern_qp.hpp"
#include "optim/halpern_sparse.hpp"
#include "optim/halpern_steps.hpp"
#include "optim/halpern_wdro.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {

// A point z of the problem (VecZ, vecz.hpp): the plane z = (x, y) ∈ ℝ², ill_conditioned x = z[0..3], y = z[4..7],
// dro_least_squares (x, q) ∈ ℝ^{2+n}, wdro_logistic (β, λ, γ) ∈ ℝ^{3+n}, matrix_game and quadratic_program (x, y) ∈ ℝ^{2n}.
double norm_z(const VecZ& v);
double distance(const VecZ& u, const VecZ& v);    // ‖u − v‖
double dot_z(const VecZ& u, const VecZ& v);       // ⟨u, v⟩
VecZ difference(const VecZ& u, const VecZ& v);    // u − v

enum class HalpernProblem { Plane, IllConditioned, DroLeastSquares, WdroLogistic, MatrixGame, QuadraticProgram };
// The paper's own experiments (matrix_game, quadratic_program): the scripts' fixed start, z = (x, y) with x, y ∈ ℝⁿ.
inline bool paper_problem(HalpernProblem p) { return p == HalpernProblem::MatrixGame || p == HalpernProblem::QuadraticProgram; }
// The constrained problems (z ∈ C, every step projected; the residual is the natural one ‖z − Π_C(z − F(z))‖).
inline bool constrained_problem(HalpernProblem p) {
  return p == HalpernProblem::DroLeastSquares || p == HalpernProblem::WdroLogistic || p == HalpernProblem::MatrixGame;
}

struct FiniteSumGame {
  HalpernProblem problem = HalpernProblem::Plane;
  long long n = 100;         // components
  double mu = 0.1;           // μ: regularisation (strong monotonicity)
  double coupling = 1.0;     // ā
  double spread = 1.0;       // s
  double condition = 100.0;  // κ = σ₁/σ₄ of Ā (ill_conditioned)
  double penalty = 1.0;      // λ, the χ² penalty (dro_least_squares)
  double radius = 0.1;       // ρ, the Wasserstein radius (wdro_logistic)
  double flip_cost = 1.0;    // κ, the price of flipping a label (wdro_logistic)
  Vec2 shift{1.0, -0.5};     // (b̄, c̄) (plane)
  HalpernSteps steps = HalpernSteps::Lab;  // the methods' constants: this lab's or the authors' scripts' (halpern_steps.hpp)
  HalpernOracle oracle = HalpernOracle::Dense;  // sparse: O(1) components on the DRO problems (halpern_sparse.hpp)

  // Call once the fields are set: ill_conditioned's ratio κ^{−1/3}, the DRO problems' data (from data_seed), z*, constants.
  void prepare(uint64_t data_seed = 0);

  size_t dimension() const;                             // 2, 8, 2 + n, 3 + n, 2n
  bool constrained() const { return constrained_problem(problem); }
  // Oracle calls between two residual measurements of the Experiment's monitor: n on matrix_game (a full F costs n² there, so
  // monitoring every 2-call step of vr_eg would cost n/2 times the method), 0 (every iteration) elsewhere.
  double monitor_interval() const { return problem == HalpernProblem::MatrixGame ? static_cast<double>(n) : 0.0; }
  double a(long long i) const;                          // plane: a_i
  VecZ component(long long i, const VecZ& z) const;     // F_i(z)
  // oracle = sparse on dro_least_squares or wdro_logistic: the methods take sparse_component (halpern_sparse.hpp).
  bool sparse() const {
    return oracle == HalpernOracle::Sparse && (problem == HalpernProblem::DroLeastSquares || problem == HalpernProblem::WdroLogistic);
  }
  size_t head() const { return dimension() - static_cast<size_t>(n); }  // h: the coordinates before the n-block (sparse problems)
  // F_i on the head and on block entry i, from the head and z[h + i] (sparse problems only).
  SparseComponent sparse_component(long long i, const double* head, double own) const;
  VecZ full(const VecZ& z) const;                       // F(z) = M̄ z + q̄
  void constrain(VecZ* z) const;                        // z ← Π_C(z) (the identity unless constrained)
  double residual(const VecZ& z) const;                 // ‖F(z)‖; constrained: ‖z − Π_C(z − F(z))‖
  // ≤ residual(z) bit for bit, cheaper (dro_least_squares: the x-block's part, no projection onto Q); 0 where none is offered.
  double residual_lower_bound(const VecZ& z) const;
  VecZ solution() const;                                // z* (matrix_game: empty, not computed)
  double solution_distance(const VecZ& z0) const;       // ‖z₀ − z*‖ (matrix_game: an upper bound, halpern_matrix_game.hpp)
  // The plane the live view draws and drags the start in: (x, y) on the plane; (x₄, y₄), the slowest singular pair, on ℝ⁸;
  // x = (x₁, x₂) for dro_least_squares, β = (β₁, β₂) for wdro_logistic; matrix_game: the players' mean houses
  // (Σ_j j x_j, Σ_i i y_i)/(n − 1) ∈ [0, 1]²; quadratic_program: the blocks' distances (‖x − x*‖, ‖y − y*‖).
  Vec2 project(const VecZ& z) const;
  VecZ start(double x, double y) const;  // z₀: every coordinate of x at x, of y at y; DRO: x = (x, y), q = 𝟙;
                                         // WDRO: β = (x, y), λ = 1 + ‖β‖, γ = −𝟙; the paper's problems: (𝟙/n, 𝟙/n)
  VecZ on_plane(double x, double y) const;              // z* with its plane coordinates set to (x, y) (not the paper's experiments)
  double mean_square_coupling() const;                  // ā² + s² (the plane: (1/n) Σ a_i²; ℝ⁸: λ_max((1/n) Σ A_iᵀA_i))
  double cocoercivity() const;                       // L_F (μ > 0; wdro_logistic is not cocoercive: +∞, refused by the table)
  double average_cocoercivity() const;               // L (μ > 0)
  double lipschitz() const;                          // L_lip
  double average_lipschitz() const;                  // L_avg
  // Average Lipschitz constant of G_i = ηF_i + I − u (vr_halpern_inexact's inner problem): √((1 + ημ)² + η²(ā² + s²)) on the
  // games, 1 + ηL_avg (Minkowski) on the others.
  double resolvent_lipschitz(double eta) const;
  const WdroLogistic& wdro() const { return static_cast<const WdroLogistic&>(*constrained_); }  // wdro_logistic only
  const PolicemanBurglar& matrix_game() const { return static_cast<const PolicemanBurglar&>(*constrained_); }  // matrix_game only

 private:
  double ratio_ = 0.0;                          // ill_conditioned: σ_{j+1}/σ_j = κ^{−1/3}
  std::shared_ptr<const ConstrainedSum> constrained_;  // every problem but the two games (quadratic_program: C = ℝ^{2n})
};

enum class HalpernMethod { VrHalpern, Halpern, Extragradient, VrExtragradient, AnchoredExtragradient, VrHalpernInexact };

// vr_halpern_inexact's constants (η, M_k, expected calls per outer step) and every other method's: halpern_steps.hpp.

// One method's state; halpern_step advances it by one iteration and counts its oracle calls.
struct HalpernState {
  HalpernMethod method = HalpernMethod::Halpern;
  VecZ z0{}, z{};
  VecZ point{};     // the point the method reports (its residual is plotted): z_k; vr_halpern_inexact: Ĵ(z_{k−1})
  VecZ estimate{};  // vr_halpern: F̃_k; vr_eg: F(w_k)
  VecZ snapshot{};  // vr_eg: w_k
  StepRules rules;  // step_rules(g), computed once by make_halpern_state
  long long k = 0;          // iterations done
  double calls = 0;         // oracle calls so far
  LazyClippedBlock lazy;    // oracle = sparse, wdro_logistic's vr_eg: z's γ-block is held lazily (call settle before reading z)
};

HalpernState make_halpern_state(const FiniteSumGame& g, HalpernMethod m, const VecZ& z0);
void halpern_step(const FiniteSumGame& g, HalpernState* s, Rng& rng);
// Brings a lazily held iterate up to date (z and point; O(n)); nothing to do unless s->lazy is active.
void settle(HalpernState* s, const FiniteSumGame& g);
long long draw_component(Rng& rng, long long n);  // i uniform in {0, …, n − 1}
// G(v) = ηF(v) + v − u: vr_halpern_inexact's inner operator, whose zero is the resolvent J(u) = (I + ηF)⁻¹u (n calls).
VecZ resolvent_operator(const FiniteSumGame& g, double eta, const VecZ& u, const VecZ& v);

// The sparse paths (halpern_sparse.cpp; oracle = sparse on the DRO problems, equations there): vr_eg's step, VR-FoRB's
// resolvent Ĵ(u) (its calls added to *calls), vr_halpern's recursive estimate F̃ += (1/b) Σ_{i∈S} (F_i(z) − F_i(previous)).
void sparse_vr_eg_step(const FiniteSumGame& g, HalpernState* s, Rng& rng);
VecZ sparse_vr_forb_resolvent(const FiniteSumGame& g, const StepRules& rules, const VecZ& u, long long iterations, Rng& rng,
                              double* calls);
void sparse_estimate_update(const FiniteSumGame& g, const std::vector<long long>& batch, const VecZ& z, const VecZ& previous,
                            VecZ* estimate);

}  // namespace klab::optim
