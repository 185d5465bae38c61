// A privacy accountant for k adaptively composed Gaussian mechanisms of ℓ₂ sensitivity Δ and noise
// standard deviation σ (diffusion.federated's score messages: federated.hpp).
//
// Rényi DP (Mironov, "Rényi Differential Privacy", CSF 2017, Prop. 7 and Prop. 1): one Gaussian
// mechanism is (α, αΔ²/(2σ²))-RDP for every α > 1, and RDP composes additively, so k of them are
// (α, αρ)-RDP with ρ = kΔ²/(2σ²). Conversion to (ε, δ)-DP, minimised over α > 1:
//   simple   (Mironov 2017, Prop. 3):  ε = αρ + ln(1/δ)/(α − 1)                 (= ρ + 2√(ρ ln(1/δ)) at the best α)
//   improved (Canonne, Kamath, Steinke, NeurIPS 2020, Prop. 12; Balle et al., AISTATS 2020, Thm. 21):
//            ε = αρ + ln(1 − 1/α) − (ln δ + ln α)/(α − 1)   (never larger than the simple one)
// For comparison, from the per-message (ε₁, δ₁) the RDP conversion gives one mechanism:
//   basic composition:    (kε₁, kδ₁)
//   advanced composition (Dwork, Rothblum, Vadhan, FOCS 2010; Dwork & Roth 2014, Thm. 3.20):
//                         (√(2k ln(1/δ')) ε₁ + kε₁(e^{ε₁} − 1), kδ₁ + δ')
// each at the same total δ as the RDP figure (basic: δ₁ = δ/k; advanced: δ₁ = δ/(2k), δ' = δ/2).
#pragma once

namespace klab::diffusion {

// ρ of one Gaussian mechanism: its Rényi divergence of order α is αρ, ρ = Δ²/(2σ²).
double gaussian_rdp_rho(double sensitivity, double sigma);

// The smallest ε over α > 1 of the (α, αρ)-RDP → (ε, δ) conversion (never below 0).
double rdp_to_dp_simple(double rho, double delta);
double rdp_to_dp(double rho, double delta);  // the improved conversion

struct PrivacyAccount {
  double messages = 0;      // k
  double rho = 0;           // of the composition: kΔ²/(2σ²)
  double epsilon = 0;       // RDP, improved conversion, at delta
  double epsilon_simple = 0;  // RDP, Mironov's conversion, at delta
  double epsilon_basic = 0;   // basic composition at delta
  double epsilon_advanced = 0;  // advanced composition at delta (may be +∞ for large ε₁)
  double delta = 0;
};

// k Gaussian mechanisms of sensitivity Δ and noise sd σ, at total δ.
PrivacyAccount account_gaussian(double messages, double sensitivity, double sigma, double delta);

}  // namespace klab::diffusion
