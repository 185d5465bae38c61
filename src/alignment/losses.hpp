// Offline preference losses with analytic gradients (the chapter's alignment.offline methods).
//
// Notation: for a comparison (x, y_w, y_l), Δ_w = ln π(y_w|x) - ln π_ref(y_w|x), Δ_l likewise,
// ρ = Δ_w - Δ_l (the "implicit reward margin" divided by β), σ the logistic function.
//   DPO       Rafailov et al. 2023, eq. 7:   -ln σ(β ρ)
//   IPO       Azar et al. 2024 (ΨPO with Ψ = identity), eq. 17 (τ = β):   (ρ - 1/(2τ))²
//   GPO       Tang et al. 2024, eq. 4:   f(β ρ) with f convex, f'(0) < 0:
//               logistic ln(1 + e^{-z}) (= DPO), hinge max(0, 1 - z) (SLiC), square (z - 1)²,
//               exponential e^{-z}, and a user-chosen truncated power max(0, 1 - z)^p (p ≥ 1).
//   KTO       Ethayarajh et al. 2024, eq. 8: each pair gives a desirable y_w and an undesirable y_l;
//               v = λ_D σ(β(Δ - z0)) (desirable), λ_U σ(β(z0 - Δ)) (undesirable), loss λ_y - v, with the
//               reference point z0 = max(0, KL(π(·|x)‖π_ref(·|x))) held fixed (no gradient). The paper
//               estimates z0 from mismatched pairs in a batch; the toy uses its exact value.
//   SimPO     Meng et al. 2024, eq. 6:   -ln σ(β_s ln π(y_w)/|y_w| - β_s ln π(y_l)/|y_l| - γ)   (no π_ref)
//   rDPO      Chowdhury et al. 2024, eq. 8:   [(1-ε) ℓ(ρ) - ε ℓ(-ρ)] / (1 - 2ε),  ℓ(ρ) = -ln σ(βρ),
//               ε the (known) label-flip rate: an unbiased estimate of the clean DPO loss.
//   DPO-Shift "DPO-Shift: Shifting the Distribution of DPO" (2025): -ln σ(β Δ_w - f(λ) β Δ_l) with a fixed f(λ) = λ ≤ 1 (λ = 1: DPO).
//   RPO       Liu et al. 2024 (Algorithm 2): DPO + η·β·(-ln π(y_w|x)), the SFT loss on the chosen
//               responses (the baseline distribution) as an adversarial regulariser.
//   WPO       Zhou et al. 2024: DPO with each pair weighted by min(1, w(y_w)·w(y_l)) (no gradient),
//               w(y) = π(y|x)/Σ_v π(v|x)² (the "sampled alignment" weight for a one-token response).
//   RLHF      reward model r̂ fitted by the Bradley–Terry loss -ln σ(r̂(y_w) - r̂(y_l)), then the exact
//               KL-regularised optimum π ∝ π_ref·exp(r̂/β) (Ouyang et al. 2022 with an exact RL step).
// Every loss is the weighted mean over the comparisons of PreferenceData.
#pragma once
#include <string>
#include <vector>

#include "alignment/policy.hpp"
#include "alignment/preferences.hpp"

namespace klab::alignment {

enum class Method {
  Dpo, Ipo, Kto, Simpo, Rdpo, DpoShift, GpoLogistic, GpoHinge, GpoSquare, GpoExp, GpoPower, Rpo, Wpo, Rlhf,
};

// Method ids (summary.json series), in the order of the enum.
const std::vector<std::string>& offline_method_ids();
Method method_from_id(const std::string& id);

struct LossConfig {
  double beta = 0.5;
  double flip = 0.0;          // rDPO's ε
  double simpo_beta = 2.0, simpo_gamma = 0.5;
  double shift_lambda = 0.75;  // DPO-Shift f(λ)
  double rpo_eta = 0.5;
  double gpo_power = 1.5;      // GPO truncated power p
  double kto_lambda_d = 1.0, kto_lambda_u = 1.0;
};

// Quantities held fixed within a step (stop-gradient): KTO's z0 per prompt, WPO's ln w(x, y).
struct Detached {
  VectorXd kto_z0;     // P
  MatrixXd wpo_log_w;  // P × K
};
Detached detach(const MatrixXd& logp, const MatrixXd& ref_logp);

// Loss and derivatives with respect to ln π(y_w|x) and ln π(y_l|x) of one comparison.
struct PairTerm {
  double loss, d_w, d_l;
};
// The pairwise methods (all but KTO and RLHF) for one comparison.
PairTerm pair_loss(Method m, const LossConfig& c, double logp_w, double logp_l, double ref_w, double ref_l,
                   double len_w, double len_l, double wpo_weight);

// The GPO convex functions f(z) and f'(z).
double gpo_f(Method m, double z, double power, double* df);

// Policy loss L(π) on the data and ∂L/∂z (P × K) for a policy method (not Rlhf).
double offline_loss(Method m, const LossConfig& c, const World& world, const PreferenceData& data, const MatrixXd& logp,
                    const Detached& detached, MatrixXd* grad_logits);

// Bradley–Terry reward-model loss -mean ln σ(r(y_w) - r(y_l)) on the table r (P × K) and its
// gradient with respect to r.
double bt_reward_loss(const PreferenceData& data, const MatrixXd& reward, MatrixXd* grad_reward);

}  // namespace klab::alignment
