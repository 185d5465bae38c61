// Learning exponential-utility (entropic) action values from samples, with the Itakura–Saito loss of
// Udovichenko, Croissant, Toleutaeva, Burnaev & Korotin, "Risk-Averse Reinforcement Learning with
// Itakura-Saito Loss", arXiv:2505.16925 (2025), against the baselines it compares with.
//
// The entropic Bellman equation (β > 0, finite horizon, γ = 1; risk.hpp has the exact DP):
//     exp(−β Q_h(s, a)) = E exp(−β y),   y = r + max_a′ Q_{h+1}(s′, a′),   Q_H = 0,
// i.e. Q_h(s, a) = CE_β(y) = −(1/β) log E e^{−βy}, the certainty equivalent of the one-step target.
// A learner fits V = Q_h(s, a) to sampled targets y by stochastic gradient steps on a loss ℓ(V; y):
//   Itakura–Saito   ℓ = β⁻² d_IS(e^{−βy}, e^{−βV}),  d_IS(x, z) = x/z − log(x/z) − 1,
//                     = β⁻² [e^{β(V−y)} − β(V−y) − 1],        ∂ℓ/∂V = β⁻¹ (e^{β(V−y)} − 1)
//                   d_IS is the Bregman divergence of −log, so E d_IS(X, z) is least at z = E X: the
//                   minimiser over V of E ℓ(V; y) is exactly CE_β(y); the gradient has only
//                   exponentials of the difference V − y, never of V or y alone.
//   exponential MSE ℓ = ½ β⁻² (e^{−βV} − e^{−βy})²,            ∂ℓ/∂V = β⁻¹ e^{−2βV} (e^{β(V−y)} − 1)
//                   (the paper's "EMSE": squared loss on the exponentiated values; same minimiser, but
//                   its gradient carries e^{−2βV}, which explodes or vanishes with the scale of V)
//   squared loss    ℓ = ½ (V − y)²,                             ∂ℓ/∂V = V − y
//                   (risk-neutral TD, a reference: it learns E[y], the risk-neutral values, not CE_β)
//   softplus        ℓ = 2δβ⁻¹ log(1 + e^{βδ}) + 2β⁻² Li₂(−e^{βδ}) + π²/(6β²),  δ = V − y,
//                                                               ∂ℓ/∂V = 2δ σ(βδ),  σ(x) = 1/(1 + e^{−x})
//                   (the paper's "SP" baseline, its eq. (SP), after Delétang et al. 2021: the loss whose
//                   gradient is the stochastic-approximation rule of Mihatsch & Neuneier 2002; Li₂ is
//                   Spence's dilogarithm, d/dδ Li₂(−e^{βδ}) = −β log(1 + e^{βδ}), ℓ(0) = 0. Not convex;
//                   its fixed point E[δ σ(βδ)] = 0 is CE_β(y) only when y is Gaussian: for y ~ N(m, s²)
//                   the root is V = m − βs²/2 (the integrand is odd there), for other targets it is biased)
// The β⁻² scalings of the first two are ours: all four gradients tend to V − y as β → 0, so one step
// size means the same for all. The softplus loss is the paper's own, factor 2 included (the paper does
// not say whether its implementation keeps the 2; with it σ(0) = ½ makes the gradient → V − y too).
//
// Sampling (our choice for a tabular toy): synchronous Q-learning with a generative model: a sweep
// draws one outcome (s′, r) ~ P(·|s, a) for every (h, s, a), from h = H − 1 down to 0, and takes one
// step η_k ∂ℓ/∂V on each, with η_k = η₀ / (k + 1)^ω at sweep k (times the recipe's factors below,
// when set). A learner is marked diverged, and stops (no exception, no crash), when a value is not
// finite or leaves the range of every possible certainty equivalent, [H·r_min, H·r_max] (with 0), by
// more than the range's width: our criterion.
//
// Step rule (`EntropicStep`): plain SGD, Q ← Q − η_k g (the default), or Adam (Kingma & Ba, ICLR 2015)
// per table entry: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², Q ← Q − η_k m̂/(√v̂ + ε) with the bias
// corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), t the entry's update count, β₂ = 0.999,
// ε = 10⁻⁸, β₁ a setting (0.9 by default). A reading: the paper trains MLPs with Adam (lr 10⁻⁴,
// β₁ = 0.99, β₂ = 0.999; App. B.1); here each table entry has its own moments. Adam's step is at most
// about η_k whatever the size of g, so the IS gradient's e^{β(V−y)} cannot throw a value far off as
// one SGD step does at large β.
//
// The rest of the paper's training recipe (App. B.1), every part off by default (`entropic_step_size`):
//   linear warm-up   "during the first 1k iterations the learning rate grows linearly with a start factor
//                    of 0.01": w_k = 0.01 + 0.99 k/W for k < W = warmup·K, else 1
//   cosine decay     "it then remains constant for the next 49k iterations; afterwards cosine decay with
//                    T_max = 50k" (of 100k; Deep Hedging 149k and 150k of 300k): the decay takes the second
//                    half of the run, c_k = ½(1 + cos(π(2k − K)/K)) for k ≥ K/2, else 1 (to 0 at k = K:
//                    PyTorch's CosineAnnealingLR with its default floor 0; the paper names no floor)
//   so               η_k = η₀ (k + 1)^{−ω} · w_k · c_k   (the paper's own rate is constant: ω = 0)
//   clipping         "gradient values clipped at 1 and the gradient norms clipped at 10": g ← clamp(g, −c, c)
//                    before the step (SGD or Adam). Each table entry is its own parameter with a scalar
//                    gradient, whose norm is |g|, so the norm clip at 10 is implied by the value clip at 1.
// Our mapping (a reading): the paper counts network iterations of batches of 1,024; we count sweeps, K the
// run's sweeps, and keep the paper's fractions (warm-up 1k/100k = 0.01 of the run, decay over the second half).
#pragma once
#include <string>
#include <vector>

#include "core/adam.hpp"
#include "core/rng.hpp"
#include "mdp/mdp.hpp"
#include "mdp/risk.hpp"

namespace klab::mdp {

enum class EntropicLoss { ItakuraSaito, ExponentialMse, Squared, Softplus };
enum class EntropicStep { Sgd, Adam };
enum class EntropicSchedule { None, Cosine };  // c_k above: 1, or the cosine decay over the second half

// The per-sample loss ℓ(V; y) and its derivative in V, at risk aversion β > 0 (formulas above).
double entropic_loss(EntropicLoss loss, double v, double y, double beta);
double entropic_loss_gradient(EntropicLoss loss, double v, double y, double beta);
// Spence's dilogarithm Li₂(z) = −∫₀^z log(1 − u)/u du for z ≤ 0 (the softplus loss needs Li₂(−e^x), every
// real x): Landen's identity Li₂(z) = −Li₂(z/(z − 1)) − ½ log²(1 − z) maps [−1, 0] to a series in
// w = z/(z − 1) ∈ [0, ½], Σ wᵏ/k² summed while wᵏ > 10⁻¹⁷w (relative error a few 10⁻¹⁶, tested); below −1 the
// inversion Li₂(z) = −π²/6 − ½ log²(−z) − Li₂(1/z).
double dilogarithm(double z);

struct EntropicLearnerSettings {
  EntropicLoss loss = EntropicLoss::ItakuraSaito;
  double beta = 0.02;   // risk aversion
  double rate = 0.5;    // η₀
  double decay = 0.7;   // ω: η_k = η₀ / (k + 1)^ω
  EntropicStep step = EntropicStep::Sgd;
  double adam_beta1 = AdamStep::kBeta1;  // Adam's β₁ (the paper's networks: 0.99)
  int total_sweeps = 500;                // K: the run's length (warm-up and decay are fractions of it)
  double warmup = 0.0;                   // W/K: linear warm-up from 0.01·η over the first W sweeps (0: none)
  EntropicSchedule schedule = EntropicSchedule::None;
  double clip = 0.0;                     // c: each gradient clamped to [−c, c] before the step (0: none)
};

// η_k of sweep k = 0, 1, …: η₀ (k + 1)^{−ω} · w_k · c_k (the recipe above; exactly η₀ (k + 1)^{−ω} when
// warm-up and decay are off).
double entropic_step_size(const EntropicLearnerSettings& s, int k);

// Tabular synchronous Q-learning of the entropic action values (H × SA, pair-indexed per step, as
// entropic_q_values), starting from Q = 0.
class EntropicQLearner {
 public:
  EntropicQLearner(const Mdp& m, const StockLattice& lattice, const EntropicLearnerSettings& settings);
  // One sweep over every (h, s, a), outcomes drawn from rng; nothing once diverged.
  void sweep(Rng& rng);
  int sweeps() const { return sweeps_; }
  bool diverged() const { return diverged_; }
  const std::vector<double>& q() const { return q_; }

 private:
  const Mdp* m_;
  const StockLattice* lattice_;
  EntropicLearnerSettings settings_;
  std::vector<double> q_;
  std::vector<double> first_moment_, second_moment_;  // (H × SA) Adam's m and v (empty for SGD)
  double lowest_ = 0.0, highest_ = 0.0;  // values beyond these mean divergence
  int sweeps_ = 0;
  bool diverged_ = false;
};

// The fixed point of the learner's expected step for `loss`: Q_H = 0 and, from h = H − 1 down, each
// Q_h(s, a) the root of Σ_o P(o) ∂ℓ/∂V(V, y_o), y_o = r_o + max_a′ Q_{h+1}(s′_o, a′), by bisection on
// [min_o y_o, max_o y_o] (every loss's gradient is ≤ 0 at the low end and ≥ 0 at the high end). The
// Itakura–Saito and EMSE losses give Q* (entropic_q_values), the squared loss the risk-neutral values,
// the softplus loss its own biased values (its root need not be unique: bisection finds one).
std::vector<double> loss_fixed_point(const Mdp& m, const StockLattice& lattice, EntropicLoss loss, double beta);

// max |q − reference| over every entry (+∞ if any entry of q is not finite).
double max_abs_error(const std::vector<double>& q, const std::vector<double>& reference);

}  // namespace klab::mdp
