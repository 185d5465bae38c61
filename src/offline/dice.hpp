// DICE value learning on a fixed dataset, and the three ways to take its gradient (L. Mao, H. Xu,
// W. Zhang, X. Zhan, "ODICE: Revealing the Mystery of Distribution Correction Estimation via
// Orthogonal-gradient Update", ICLR 2024, arXiv:2402.00348). The paper's full text could not be read
// from the lab (only its abstract); every equation below was checked against the authors' code
// (github maoliyuan/ODICE-Pytorch, odice.py), which is the source of the details marked [code].
//
// V-DICE objective with the Pearson χ² divergence, f(x) = (x − 1)²:
//   L(V) = (1 − λ) E_{s∼D}[V(s)] + λ E_{(s,a,s′)∼D}[f*(δ)],   δ = r + γ V(s′) − V(s)  (γV(s′) = 0 after a terminal s′)
//   f*(y) = y ω − (ω − 1)² with ω = max(0, 1 + y/2):  y + y²/4 for y ≥ −2, −1 below;  f*′(y) = ω   [code: f_star]
// For V(s) = θᵀφ(s) the gradient of the f* term splits into two parts [code: orthogonal_true_g_update]:
//   forward   g→ = −λ E[f*′(δ) φ(s)]        (taken on the current state)
//   backward  g← =  λγ E[f*′(δ) φ(s′)]       (taken on the next state)
// and every update adds the first term's gradient (1 − λ) E[φ(s)] outside the projection:
//   semi-gradient   g = (1 − λ)E[φ(s)] + g→                 (V(s′) held fixed: an action-level constraint, like IQL/SQL)
//   true gradient   g = (1 − λ)E[φ(s)] + g→ + g←            (the exact ∇L; g→ and g← may cancel)
//   orthogonal      g = (1 − λ)E[φ(s)] + g→ + η (g← − (g←ᵀg→ / ‖g→‖²) g→)   (O-DICE: g← projected on g→'s normal plane)
// with the expectations over a batch (the projection acts on batch gradients, as in the code; for one
// transition with one-hot features φ(s) ⟂ φ(s′) whenever s ≠ s′, so per-sample projection would change
// nothing in a table), and θ ← θ − α g. Readings: plain gradient steps (the code: Adam) and no target
// network (the code evaluates δ of the forward part with an exponentially averaged V̄(s′), of the
// backward part with V̄(s); with the average equal to V both are δ).
// Policy extraction: weighted behaviour cloning. The weight is the distribution ratio the dual
// recovers, w(s, a) = d*(s, a)/d^D(s, a) = max(0, (f′)⁻¹(δ)) = f*′(δ) = max(0, 1 + δ/2) for Pearson χ²
// (DICE theory; the authors' code instead weights by max(0, δ), which on this toy's scale is 0 for
// almost every transition: plain cloning). The IQL-style baseline extracts with IQL's advantage
// weights min(exp(β δ), 100), β = 3 (δ = Q − V in a deterministic world).
// Baseline: an IQL-style action-level constraint (Kostrikov, Nair, Levine, ICLR 2022): in
// a deterministic world Q(s, a) = r + γV(s′), so IQL's expectile loss on V is the semi-gradient of
// E[|τ − 1(δ < 0)| δ²] (reading).
#pragma once
#include <vector>

#include "core/rng.hpp"
#include "mdp/gridworld.hpp"
#include "offline/dataset.hpp"
#include "offline/dice_core.hpp"  // DiceSettings, the per-learner code the CUDA engine shares

namespace klab::offline {

// Features φ(s) (S × d, row-major), with each row's non-zero entries listed (the one-hot block is
// mostly zeros: the learner touches only the non-zeros).
struct Features {
  int dim = 0;
  std::vector<double> phi;       // (S·d)
  std::vector<int> first_nonzero;  // (S + 1) state s's non-zeros are nonzero[first_nonzero[s] ..)
  std::vector<int> nonzero;      // column indices
  const double* of(int s) const { return phi.data() + static_cast<size_t>(s) * dim; }
  void list_nonzeros();          // fills first_nonzero and nonzero from phi
  DiceFeatureView view() const { return {dim, phi.data(), first_nonzero.data(), nonzero.data()}; }
};
// One-hot per state: a table.
Features tabular_features(int states);
// Gaussian bumps exp(−‖x − c‖²/(2w²)) of width w = `spacing` centred every `spacing` cells of the grid,
// plus a constant: a linear V that generalises to neighbouring cells. With `one_hot`, a one-hot block
// is appended (each state can be fitted exactly, the bumps still carry values to states never trained).
Features radial_features(const mdp::GridLayout& layout, int states, double spacing, bool one_hot);

// The gradient of one batch and how its parts relate.
struct DiceGradient {
  std::vector<double> base, forward, backward;  // (1 − λ)E[φ(s)], g→, g←  (d)
  // cos∠(g→, g←): −1 when the backward part points exactly against the forward part.
  double cosine() const;
  // ‖g→ + g←‖ / (‖g→‖ + ‖g←‖): 1 when the parts agree, 0 when they cancel.
  double agreement() const;
};

class DiceLearner {
 public:
  DiceLearner(const mdp::Mdp& m, const Dataset& d, const Features& f, const DiceSettings& s);
  // One gradient step on `batch` transitions drawn uniformly from `rng`.
  void step(Rng& rng);
  // The batch gradient at the current θ on the given transitions (indices into the dataset).
  DiceGradient gradient(const std::vector<int>& transitions) const;
  // The update direction g of the learner's rule from a gradient.
  std::vector<double> direction(const DiceGradient& g) const;
  const std::vector<double>& parameters() const { return theta_; }  // θ (d)
  DiceWorld world() const;  // what dice_core.hpp's functions read
  void set_parameters(const std::vector<double>& theta) { theta_ = theta; }
  // V̂ (S) in the world's reward units (θᵀφ(s)/c), at the current θ or at a given θ (d).
  std::vector<double> values() const { return values(theta_); }
  std::vector<double> values(const std::vector<double>& theta) const;
  const DiceGradient& last() const { return last_; }
  // L(V̂) over the whole dataset (NaN for the expectile learner).
  double objective() const;
  // The residual δ = c·r + γθᵀφ(s′) − θᵀφ(s) of each transition, in the learner's units (N).
  std::vector<double> residuals() const { return residuals(theta_); }
  std::vector<double> residuals(const std::vector<double>& theta) const;
  // The policy-extraction weight of each transition (N): f*′(δ), or IQL's exp(β δ) capped at 100.
  std::vector<double> policy_weights() const { return policy_weights(theta_); }
  std::vector<double> policy_weights(const std::vector<double>& theta) const;

 private:
  const mdp::Mdp* m_;
  const Dataset* d_;
  const Features* f_;
  DiceSettings s_;
  std::vector<double> theta_;  // (d)
  DiceGradient last_;
};

// Pearson χ²: f*(y) (f*′(y): dice_core.hpp).
double pearson_conjugate(double y);
// cos∠(g→, g←) from ‖g→‖², ‖g←‖² and g→ᵀg← (NaN when a part is 0).
double dice_cosine(double ff, double bb, double fb);

// Weighted behaviour cloning, tabular: π(a|s) ∝ Σ over the transitions (s, a) of their weights; states
// whose weights are all 0 fall back to plain behaviour cloning, states the data never visit are uniform (SA).
std::vector<double> weight_cloning(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& weights);
// π(s) = argmax_a r(s, a) + γ Σ_{s′} P(s′|s, a) V(s′), the first among ties, V = 0 at absorbing
// states: the action V̂ points to, in states where no policy was trained (S actions).
std::vector<int> lookahead_policy(const mdp::Mdp& m, const std::vector<double>& v);
// The learner's policy: weighted cloning on the states the data visit, the look-ahead on V̂
// elsewhere (a table generalises nothing; the paper's network policy would extrapolate: reading) (SA).
std::vector<double> dice_policy(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& v, const std::vector<double>& weights);
// Probability that π, started in s, enters a state of `support` within `steps` steps (S):
// h_0 = 1[s ∈ support], h_t(s) = 1 on the support, else Σ_a π(a|s) Σ_{s′} P(s′|s, a) h_{t−1}(s′).
std::vector<double> return_to_support(const mdp::Mdp& m, const std::vector<double>& policy, const std::vector<char>& support, int steps);

}  // namespace klab::offline
