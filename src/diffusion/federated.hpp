// diffusion.federated: cooperative sampling from clients' diffusion models without sharing their
// parameters (Hahn, Lee, "Diffusion Federated Dataset", NeurIPS 2025; established from the abstract
// and a reproducibility summary only, the rest is a labelled reading).
//
// Established: the global synthetic dataset is drawn from the *mixture* of the clients' distributions,
// each encoded by a pre-trained local diffusion model; the composition uses the diffusion/energy-based
// model connection; the server refines a randomly initialised synthetic set by querying every client
// on it (no parameters exchanged), with an unadjusted Langevin algorithm (ULA); differential privacy is
// optional.
// Reading (this lab): client k answers a query (x, t) with its noise prediction ε̂_k = −σ_t ∇log p_{k,t}(x)
// and its log density ℓ_k = log p_{k,t}(x) (an energy-parameterised model gives both); the server forms
// the exact score of the noised mixture p_t = Σ_k π_k p_{k,t}:
//     ∇log p_t(x) = Σ_k ρ_k(x) ∇log p_{k,t}(x),   ρ_k ∝ π_k e^{ℓ_k}          (mixture of noised = noised mixture)
// and runs annealed ULA over a logSNR grid t_1 = 1 > … > t_L = t_end, M steps per level,
//     x ← x + δ g + √(2δ) z,   δ = 2 (r ‖z‖/‖g‖)²   (Song et al. 2021's signal-to-noise step rule, RMS over the set).
// DP (reading): each ε̂_k is clipped to norm C and released with the Gaussian mechanism,
// ε̂_k + N(0, (s C)² I), s = √(2 ln(1.25/δ_dp))/ε per message (the classic calibration, Dwork & Roth
// 2014 Thm. A.1, for sensitivity C); the log densities that weight the mixture are sent exactly (a gap
// this reading leaves). The accountant (privacy_accountant.hpp, account() below) composes the score
// messages a client sends, under the neighbouring relation "every message's content may change
// arbitrarily within the clip ball" (a different private dataset gives a different model): sensitivity
// 2C per message, n·L·M messages per client over a pass (each of the n points at each of the L·M queries).
#pragma once
#include <functional>
#include <vector>

#include "core/rng.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/privacy_accountant.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

// The data mixture split into `clients` blocks of components by the angle of their means (non-IID):
// client k's model p_k is its block renormalised, its share π_k the block's weight; Σ_k π_k p_k = data.
struct Clients {
  std::vector<Mixture> models;
  std::vector<double> shares;
};
Clients split_by_angle(const Mixture& data, int clients);

struct GaussianMechanism {
  double epsilon = 0.0;  // per message; 0: no privacy noise
  double delta = 1e-5;
  double clip = 2.0;     // C: the bound on ‖ε̂_k‖ (s is calibrated for sensitivity C; the accountant uses 2C)
  double noise_multiplier() const;  // s = √(2 ln(1.25/δ))/ε
};

// The (ε, δ) of `messages` score messages of one client under dp (ε > 0), at total δ = dp.delta:
// Gaussian mechanisms of sensitivity 2C (the diameter of the clip ball) and noise sd sC.
PrivacyAccount account(const GaussianMechanism& dp, double messages);

// g(t, x): the score the server uses at time t for every particle.
using ScoreQuery = std::function<void(double t, const Particles& x, Particles& g)>;

// The server's composed score from the clients' messages (with the mechanism's noise drawn from rng).
ScoreQuery federated_score(const Clients& clients, const NoiseSchedule& s, const GaussianMechanism& dp, Rng& rng);

struct AnnealedLangevin {
  int levels = 100;    // L
  int steps = 4;       // M per level
  double snr = 0.15;   // r
};

// Annealed ULA one noise level at a time (the live view animates a pass): level l's M steps per
// step(); the whole pass is annealed_langevin below.
class AnnealedLangevinPass {
 public:
  AnnealedLangevinPass(const NoiseSchedule& s, const AnnealedLangevin& o);
  bool done() const { return next_ >= levels_.size(); }
  size_t level() const { return next_; }  // levels done
  size_t levels() const { return levels_.size(); }
  const std::vector<double>& times() const { return levels_; }  // t of each level
  void step(const ScoreQuery& score, Particles& x, Rng& rng);

 private:
  std::vector<double> levels_;  // t_1 = 1 > … > t_L = t_end, uniform in logSNR
  AnnealedLangevin o_;
  size_t next_ = 0;
  Particles g_, z_;
};

// Annealed ULA on the particles (started from the prior), L·M score queries per particle.
void annealed_langevin(const ScoreQuery& score, const NoiseSchedule& s, const AnnealedLangevin& o, Particles& x, Rng& rng);

}  // namespace klab::diffusion
