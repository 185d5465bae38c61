// Estimating the weights of a mixture over a fixed dictionary of M components by stochastic mirror
// descent on the cross-entropy (Ahmadypour, Javidi, Koushanfar, "Estimating Mixture Distributions
// via Stochastic Mirror Descent", arXiv:2605.24929, 2026), and the classical estimators it is
// compared with.
//
// The model: p_w(x) = Σ_i w_i f_i(x), w ∈ Δ_M, with the dictionary f_1..f_M fixed. The target p is
// estimated by minimising the cross-entropy L(w) = −E_{x∼p} ln p_w(x), a convex function of w whose
// stochastic gradient at one sample x is
//     g_i(w; x) = −f_i(x) / p_w(x)                          (unbounded where p_w(x) is small).
// Two dictionaries:
//   categorical  f_i(x) = 1[x = i] (point masses): p_w is the categorical distribution w itself;
//   bumps        f_i(x) = N(x; μ_i, σ²), μ_i = i/(M − 1) on [0, 1] (1-D Gaussian bumps);
//   bumps2d      f_k(x) = N(x; μ_k, σ²I₂), μ_k = (a, b)/(s − 1) for k = b·s + a on the s × s grid of
//                [0, 1]² (M = s², isotropic 2-D Gaussian bumps). A 2-D bump is the product of two 1-D
//                ones, f_k(x, y) = N(x; a h, σ²) N(y; b h, σ²), so f at one point costs two 1-D
//                recurrences over s centres and M products.
//
// Estimators (the paper's full text was not retrievable in this session: the update rules below
// are this lab's reading of its abstract and of the classical literature; see src/optim/README.md):
//   smd_entropic   entropic SMD in its first-order form (Helmbold, Schapire, Singer, Warmuth 1997:
//                  "EM_η"; also online EM for the weights):
//                      w_{t+1,i} = w_{t,i} ((1 − η_t) + η_t f_i(x_t)/p_{w_t}(x_t)),   η_t = c/(t + 1 + c + t₀) < 1
//                  (t₀ = `entropic_delay`, 0 by default: a delay keeps the early steps ≤ c/t₀; README "2-D bumps").
//                  It is the exact mirror step argmin_w η⟨g, w⟩ + ½ Σ (w_i − w_{t,i})²/w_{t,i} (the
//                  entropy's local metric) and the first-order expansion of w ∝ w_t e^{−η g}. It
//                  stays in Δ_M for η ≤ 1 with no lower bound on w. On the categorical dictionary
//                  from uniform w_0 with c = 1 it equals (c_i + 1/M)/(n + 1) exactly (test: optim_mixture_test).
//                  η_t < 1 always: a weight set to 0 could never come back.
//                  smd_step=lazy runs this step in O(support) per sample (w = s·v; mixture_lazy.hpp).
//   smd_entropic_avg  the polynomial-decay average of those iterates (Shamir & Zhang, ICML 2013):
//                      w̄_t = w̄_{t−1} + (ρ + 1)/(t + ρ) (w_t − w̄_{t−1}),  w̄_1 = w_1,
//                  ρ = 0 the uniform average (1/t)Σ w_s, larger ρ weighs recent iterates more (weights ∝ s^ρ roughly).
//                  p_w is linear in w, so p_{w̄} is the same average of the p_{w_s}: an online-to-batch estimate.
//                  The lab's experiment (not the paper's rule, which is not known here): with a large c and a
//                  delay t₀ it keeps n·KL flat on the 2-D ring (README "2-D bumps").
//   smd_euclidean  projected SGD (Euclidean mirror map) on the truncated simplex
//                      Δ_δ = {w : w_i ≥ δ, Σ w_i = 1},  w_{t+1} = Π_{Δ_δ}(w_t − η₀/(t+1) · g(w_t; x_t)):
//                  the classical route, which needs the lower bound δ to keep g bounded (‖g‖ ≤ max f/δ).
//   em             batch EM on the weights from uniform, on all n samples seen so far:
//                      w_i ← w_i · (1/n) Σ_j f_i(x_j)/p_w(x_j),
//                  sweeps until the log-likelihood gains less than 10⁻³/n per sample (or a cap).
//   frequency      c_i/n (categorical only; the MLE, = em there).
//   laplace        (c_i + 1)/(n + M) (categorical only; add-one).
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "optim/mixture_kernels.hpp"  // Dictionary, kMaxGridSide, MixturePoint

namespace klab::optim {

// The dictionary f_1..f_M and the target weights w* (p = p_{w*}: the model is well specified).
struct MixtureModel {
  Dictionary dictionary = Dictionary::Categorical;
  int components = 10;          // M ≥ 2
  int side = 0;                 // bumps2d: s, the centres' grid is s × s and M = s² (0 otherwise)
  double width = 0.05;          // σ of every bump (bumps, bumps2d)
  std::vector<double> target;   // (M) w*, sums to 1; zeros allowed

  // h = the distance between neighbouring centres along an axis.
  double spacing() const { return 1.0 / ((dictionary == Dictionary::Bumps2d ? side : components) - 1); }
};

// The target weights of the demo: categorical: w*_i ∝ 1/(i + 1) on the first M − zeros categories,
// 0 on the last `zeros` ones (Zipf with exponent 1); bumps: a smooth two-mode profile over the
// bump centres, w*_i ∝ exp(−(μ_i − 0.3)²/0.02) + 0.6 exp(−(μ_i − 0.75)²/0.005); bumps2d: a ring
// of radius 0.3 around (½, ½) and a peak at its centre, w*_k ∝ exp(−(‖μ_k − c‖ − 0.3)²/0.008) +
// 0.5 exp(−‖μ_k − c‖²/0.004), c = (½, ½). For bumps2d, `components` must be s² (2 ≤ s ≤ kMaxGridSide).
MixtureModel make_model(Dictionary dictionary, int components, int zeros, double width);

// f_i(x) for all i into f (M). Bumps: four exponentials per chunk of kComponentChunk centres (the
// recurrence f_{i+1} = f_i r_i, r_{i+1} = r_i e^{−h²/σ²} from the chunk's centre nearest to x
// outwards; mixture_kernels.hpp), then 2M products;
// bumps2d: that recurrence along x and along y (s centres each), then the M products.
void evaluate_components(const MixtureModel& m, const MixturePoint& x, double* f);

// Walker's alias table for O(1) draws of a component index i ∼ w* (Vose's construction).
struct AliasTable {
  std::vector<double> accept;   // (M) probability of keeping column i
  std::vector<uint32_t> alias;  // (M) the other index of column i
};
AliasTable make_alias_table(const std::vector<double>& weights);
uint32_t sample_alias(const AliasTable& table, Rng& rng);

// One sample x ∼ p: categorical: the index; bumps: μ_i + σ z with i ∼ w*, z ∼ N(0, 1); bumps2d:
// μ_k + σ(z₁, z₂).
MixturePoint sample_target(const MixtureModel& m, const AliasTable& table, Rng& rng);

// p_w(x) = Σ_i w_i f_i(x) from f = f(x), summed in the fixed order of mixture_kernels.hpp (chunks of
// kComponentChunk, then a pairwise tree), the order the CUDA engine's blocks use.
double mixture_density(const double* w, const double* f, int m);

// The entropic step above, in place. Returns false (w unchanged) when p_w(x) = 0.
bool entropic_step(double* w, const double* f, int m, double eta);
// avg ← avg + a (w − avg), in place: one step of smd_entropic_avg's average, a = (ρ + 1)/(t + ρ).
void polynomial_average(double* avg, const double* w, int m, double a);
// The projected Euclidean step above, in place. False when p_w(x) = 0.
bool euclidean_step(double* w, const double* f, int m, double eta, double floor);
// Euclidean projection onto Δ_δ: δ + the projection of w − δ onto {v ≥ 0, Σ v = 1 − Mδ}, in place, by
// Michelot's sort-free passes in the fixed chunk order the CUDA engine uses (simplex_projection.hpp).
void project_truncated_simplex(double* w, int m, double floor);

// Batch EM on samples x_1..x_n (values; categorical: indices), from uniform weights. Returns the
// number of sweeps taken (≤ max_sweeps). Categorical samples are reduced to counts first.
int em_fit(const MixtureModel& m, const std::vector<MixturePoint>& samples, int max_sweeps, double* w);

// bumps2d: p_w on the tensor grid xs × ys into out (ys.size(), xs.size()), row-major:
// out[b·nx + a] = p_w(xs[a], ys[b]) = Σ_{j,i} w_{j·s+i} N(xs[a]; i h, σ²) N(ys[b]; j h, σ²), computed as
// G_yᵀ W G_x (cost s·ny·(s + nx) rather than M·nx·ny; equals the direct sum: optim_mixture_test).
void density_on_grid(const MixtureModel& m, const double* w, const std::vector<double>& xs, const std::vector<double>& ys, double* out);

// KL(p‖p̂) and the ℓ₂ error. Categorical: Σ p_i ln(p_i/p̂_i) and ‖p − p̂‖₂ over the categories (KL
// is +∞ where p̂_i = 0 < p_i). Bumps: ∫ p ln(p/p̂) dx and (∫ (p − p̂)² dx)^{1/2} by the trapezoid rule
// on kQuadraturePoints points over [−5σ, 1 + 5σ] (p's mass outside: < 10⁻⁶). Bumps2d: the same
// integrals over [−5σ, 1 + 5σ]² by the product trapezoid rule on quadrature_points_2d(σ)² points
// (spacing ≤ σ/3; its error against a grid twice as fine and 7σ wide: optim_mixture_test, README).
struct Errors {
  double kl, l2;
};
constexpr int kQuadraturePoints = 512;
int quadrature_points_2d(double width);  // per axis: ⌈3(1 + 10σ)/σ⌉ + 1
Errors estimation_errors(const MixtureModel& m, const double* w_hat);

}  // namespace klab::optim
