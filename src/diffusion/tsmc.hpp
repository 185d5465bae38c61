// Reward-tilted sampling from a diffusion model (diffusion.tsmc): the base model is DDPM
// ancestral sampling with the exact score on K steps t_0 = 1 > … > t_K = t_end (solvers.hpp),
//     p(x_{0:K}) = N(x_0; 0, σ_1² I) Π_k p_k(x_{k+1} | x_k),   p_k = N(m_k(x_k), v_k I),
// and the target is its reward-tilted path measure π(x_{0:K}) ∝ p(x_{0:K}) exp(r(x_K)/β), whose
// final marginal is ≈ p*(x) ∝ p(x) exp(r(x)/β) (exact up to DDPM's discretisation; tilt.hpp).
//
// Twisted SMC (Naesseth et al. 2019; Wu et al. 2023, TDS) with twists from a quadratic family
//     ψ_k(x) = exp(−½ λ_k ‖x‖² + b_kᵀ x)                       (3 numbers per step)
// proposes from the twisted kernel, a Gaussian in closed form,
//     q_k(x' | x) ∝ p_k(x' | x) ψ_k(x') = N((m/v + b_k)/P_k, I/P_k),  P_k = 1/v + λ_k,
// with incremental weight Z_k(x)/ψ_{k−1}(x), log Z_k = −log(v P_k) − ‖m‖²/(2v) + ‖m/v + b_k‖²/(2P_k),
// and exp(r(x_K)/β)/ψ_{K−1}(x_K) at the end: the weights telescope to p·e^{r/β}/q on every path.
// Resampling: systematic, when the ESS falls below N/2, and once at the end to N outputs.
// Engines: the per-particle work of a step is smc_particle.hpp's, run where an SmcBackend keeps the
// particles (smc_backend.hpp: this CPU, or the GPU through tsmc_engine.hpp); ESS, resampling and
// every other decision stay here on the host.
//
// Compared at the same number of score evaluations (one per particle per step):
//   best_of_n   each output is the highest-reward of n_b independent base samples
//   smc_base    base proposal, look-ahead potentials exp(r(x̂₀(x_k))/β) through the denoiser (the
//               SMC steering baseline; its weights telescope to exp(r(x_K)/β))
//   tds         twisted SMC with fixed twists: the reward carried back through the forward
//               kernel with a flat prior, λ_k = κ/(α_k² + κσ_k²), b_k = λ_k α_k c, κ = a/β
//               (a reading: TDS twists through x̂₀ need the score's Jacobian)
//   tri_tsmc    Trust-Region Iterative Twisted SMC (Wang, Yang, Deng, Xu 2026; reading of the
//               abstract): start from the base proposal (all twists 0); iteration i runs SIS with
//               the current twists q_i, tempers the path weights w = π/q_i to w^η with the largest
//               η ≤ 1 whose KL(π_η ‖ q_i) ≈ Σ W log(N W) stays ≤ ε (the exact KL-constrained update
//               π_η ∝ q_i^{1−η} π^η, an escort path), then projects π_η back on the family by weighted
//               maximum likelihood of every kernel (a forward-KL projection). For
//               q = N((m/v + b)/P, I/P), P = 1/v + λ, the maximum over b is closed form:
//               b = P x̄' − m̄/v (weighted means of x' and m). λ_k is kept (0 from the start): fitting
//               it too is ill-conditioned at late steps (P ≈ 1/v ~ 10⁴, λ = P − 1/v), and its noise
//               shifts the kernel means by −vλ m ≫ √v, which blew the weight variance up when tried.
//               Output run: SMC with resampling, smc_base's look-ahead potentials as intermediate
//               targets and the learned kernels as proposals (`SmcOptions::proposal`).
//   full_step   the same with η = 1 (no trust region)
#pragma once
#include <cstdint>
#include <vector>

#include "core/status.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/smc_backend.hpp"
#include "diffusion/smc_particle.hpp"
#include "diffusion/solvers.hpp"
#include "diffusion/tilt.hpp"

namespace klab::diffusion {

struct TiltProblem {
  Mixture mixture;
  NoiseSchedule schedule;
  std::vector<double> t;  // (K + 1) step ends, logSNR-uniform
  QuadraticReward reward;
  double beta = 0.5;
  int steps() const { return static_cast<int>(t.size()) - 1; }
};

TiltProblem make_tilt_problem(const Mixture& m, const QuadraticReward& r, double beta, int steps);

enum class Potentials { Twists, LookAhead };

// Every state of an SMC run, for the live view's film: the particles, their weights, and who
// descends from whom through the resamplings (the genealogy).
struct SmcFilm {
  std::vector<Particles> state;             // (K + 1) x_k of every particle
  std::vector<std::vector<double>> log_w;   // (K + 1) the log weights state k enters resampling with (k = K: with the reward)
  // (K) where step k resampled: particle i of state k + 1 descends from particle parent[k][i] of
  // state k; where it did not, parent[k] is empty (the identity: particle i from particle i).
  std::vector<std::vector<size_t>> parent;
  std::vector<double> ess;                  // (K + 1) ESS/N of log_w[k]
  std::vector<size_t> output_parent;        // (outputs) the particle of state K each output is
  bool resampled(size_t k) const { return k < parent.size() && !parent[k].empty(); }  // whether step k resampled
};

// The ancestral paths of the first `count` outputs through the film's states (times t_0 … t_K).
Paths genealogy(const SmcFilm& f, const std::vector<double>& t, size_t count);

struct SmcOptions {
  size_t particles = 256;
  size_t outputs = 256;          // samples returned (systematic resampling of the final weights)
  bool resample = true;          // adaptive (ESS < N/2); false: sequential importance sampling
  bool keep_paths = false;       // for the projection: every x_k and m_k of every particle (needs resample = false)
  Potentials potentials = Potentials::Twists;
  // Proposal kernels from these twists instead of `twists`, which then only define the intermediate
  // targets p·ψ_k; weights by the realised ratio p_k ψ_k(x') / (q_k ψ_{k−1}(x)). Null: q from `twists`.
  const std::vector<Twist>* proposal = nullptr;
  SmcFilm* film = nullptr;  // records every state (draws nothing: the run is the same with or without)
};

struct SmcResult {
  Particles outputs;                  // (outputs)
  Particles last;                     // (N) the final particles before the final resampling
  std::vector<double> log_w;          // (N) final log weights (since the last resampling)
  double ess = 0.0;                   // ESS/N of the final weights
  double log_w_var = 0.0;             // variance of the final log weights
  double evaluations = 0.0;           // score evaluations
  std::vector<Particles> path;        // (K + 1) x_k, with keep_paths
  std::vector<Particles> mean;        // (K) base means m_k(x_k), with keep_paths
  std::vector<double> var;            // (K) base variances v_k
};

// One SMC run with twists (K) (zeros: the base proposal), its particles in `backend`; r: where the
// run's random stream starts (the noise and the resampling), moved past the words it used, so that
// consecutive runs read one stream as a sequential Rng would. A backend's error comes back as is.
Status run_smc(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o, SmcRandom& r, SmcBackend& backend, SmcResult* out);
// The same on this CPU (HostSmcBackend).
SmcResult run_smc(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o, SmcRandom& r);
// The steps of a run as its particles read them (SmcPlan, smc_backend.hpp).
SmcPlan make_smc_plan(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o);

// TDS-style fixed twists (see above).
std::vector<Twist> fixed_twists(const TiltProblem& p);

// Best-of-n: `outputs` samples, each the highest-reward one of n base samples (one SIS run of
// outputs·n particles in `backend`, the selection on the host).
Status best_of_n(const TiltProblem& p, size_t outputs, size_t n, SmcRandom& r, SmcBackend& backend, Particles* best, double* evaluations);

// One TRI-TSMC iteration on an SIS run made with `twists` (keep_paths): the tempering exponent η
// (1 for the full step) and the projected twists. `trust_region` ε ≤ 0 means the full step.
struct TrustRegionStep {
  double eta = 1.0;
  std::vector<Twist> twists;
};
TrustRegionStep trust_region_update(const SmcResult& sis, const std::vector<Twist>& twists, double trust_region);

// ESS/N and the KL(W ‖ uniform) = Σ W log(N W) of normalised weights from log weights.
double ess_fraction(const std::vector<double>& log_w);
double weights_kl(const std::vector<double>& log_w, double eta);

}  // namespace klab::diffusion
