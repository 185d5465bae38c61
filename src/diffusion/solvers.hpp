// Samplers of the reverse process, all driven by the exact model predictions of marginal.hpp, on
// a batch of 2-D particles, from x_T = σ_T z (z ~ N(0, I)) at T = 1 to t_end.
//
// Notation (Lu et al. 2022): λ_t = log(α_t/σ_t), a step goes from t_{i−1} to t_i with
// h_i = λ_{t_i} − λ_{t_{i−1}} > 0; ε̂ and x̂₀ are the noise and data predictions.
//
//   ddpm          ancestral sampling (Ho et al. 2020) from the Gaussian posterior q(x_s | x_t, x₀ = x̂₀):
//                 mean (α_{t|s} σ_s²/σ_t²) x_t + (α_s σ²_{t|s}/σ_t²) x̂₀, variance σ²_{t|s} σ_s²/σ_t²,
//                 α_{t|s} = α_t/α_s, σ²_{t|s} = σ_t² − α²_{t|s} σ_s²
//   ddim          deterministic DDIM, η = 0 (Song, Meng, Ermon 2021): x_s = α_s x̂₀ + σ_s ε̂
//   euler, heun   the probability-flow ODE dx/dt = f(t) x − ½ g²(t) ∇log p_t(x) in t (Euler;
//                 Heun's trapezoid predictor-corrector as in Karras et al. 2022, Alg. 1)
//   dpm_solver_1  x_s = (α_s/α_t) x_t − σ_s (e^h − 1) ε̂_t                 (= DDIM in exact arithmetic)
//   dpm_solver_2  singlestep, r₁ = ½ (Lu et al. 2022, DPM-Solver, Alg. 4 "DPM-Solver-2"):
//                 s₁ = t_λ(λ_t + r₁h), u = (α_{s₁}/α_t) x_t − σ_{s₁}(e^{r₁h} − 1) ε̂_t
//                 x_s = (α_s/α_t) x_t − σ_s(e^h − 1) ε̂_t − σ_s/(2r₁) (e^h − 1)(ε̂(u, s₁) − ε̂_t)
//   dpm_solver_3  singlestep, r₁ = ⅓, r₂ = ⅔ (ibid., Alg. 5 "DPM-Solver-3"):
//                 u₁ = (α_{s₁}/α_t) x_t − σ_{s₁}(e^{r₁h} − 1) ε̂_t,  D₁ = ε̂(u₁, s₁) − ε̂_t
//                 u₂ = (α_{s₂}/α_t) x_t − σ_{s₂}(e^{r₂h} − 1) ε̂_t − (σ_{s₂} r₂/r₁)((e^{r₂h} − 1)/(r₂h) − 1) D₁
//                 D₂ = ε̂(u₂, s₂) − ε̂_t
//                 x_s = (α_s/α_t) x_t − σ_s(e^h − 1) ε̂_t − (σ_s/r₂)((e^h − 1)/h − 1) D₂
//   dpmpp_2m      multistep, data prediction (Lu et al. 2022, DPM-Solver++, Alg. 2): r_i = h_{i−1}/h_i,
//                 D_i = (1 + 1/(2r_i)) x̂₀(t_{i−1}) − (1/(2r_i)) x̂₀(t_{i−2}),
//                 x_{t_i} = (σ_{t_i}/σ_{t_{i−1}}) x_{t_{i−1}} − α_{t_i}(e^{−h_i} − 1) D_i  (first step: order 1)
//   dpmpp_3m      multistep, third order (the authors' released code, multistep_dpm_solver_third_update;
//                 the paper gives only the 2M algorithm): with r₀ = h_{i−1}/h, r₁ = h_{i−2}/h,
//                 D1₀ = (m₀ − m₁)/r₀, D1₁ = (m₁ − m₂)/r₁, D1 = D1₀ + r₀/(r₀+r₁)(D1₀ − D1₁), D2 = (D1₀ − D1₁)/(r₀+r₁),
//                 x_s = (σ_s/σ_t) x_t − α_s(e^{−h} − 1) m₀ + α_s((e^{−h} − 1)/h + 1) D1 − α_s((e^{−h} − 1 + h)/h² − ½) D2
//                 (first step order 1, second order 2; D2 ≈ ½h²m″ makes the last term half the Taylor term
//                 α_s h³φ₃(−h) m″: local error O(h³), README "USF solver search")
//   usf           a solver of the USF space searched at each NFE (usf_search.hpp; Liu et al., ICLR 2024, a
//                 reading): per step, the multistep rule above of order 1..3 on x̂₀ or on ε̂ (the noise form:
//                 x_s = (α_s/α_t) x_t − σ_s φ₁ m₀ − σ_s φ₂ D1 − σ_s φ₃ D2, φ₁ = e^h − 1, φ₂ = φ₁/h − 1, φ₃ = φ₂/h − ½),
//                 or the Taylor update with finite-difference or low-order derivatives, with or without the
//                 pseudo corrector, on a searched time grid (solver_plan.hpp: UsfPlan, UsfDeriv)
//
// The per-particle code of every update is particle_step.hpp (shared with the CUDA engine), the
// time grid and the coefficients solver_plan.cpp.
//
// NFE budget: every solver makes exactly `nfe` model evaluations. One-evaluation steps: nfe steps.
// Heun and DPM-Solver-k: ⌈nfe/k⌉ steps whose last one drops to the remaining order (Heun: Euler)
// — a reading after DPM-Solver's "fast" order lists (Lu et al. 2022, Sec. 3.4), which also place
// the lower orders last.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/particle_step.hpp"
#include "diffusion/solver_plan.hpp"

namespace klab::diffusion {

const std::vector<std::string>& solver_ids();     // "ddpm", "ddim", ... in enum order
const std::vector<std::string>& solver_labels();  // "DDPM (ancestral)", ...
Solver solver_of(const std::string& id);          // id must be one of solver_ids()
bool solver_is_ode(Solver s);                     // every solver but DDPM integrates the PF-ODE

// Particles as two coordinate arrays (n each).
struct Particles {
  std::vector<double> x, y;
  size_t size() const { return x.size(); }
};

// x_T = σ_T z for n particles, z from Rng(seed, run, stream) (particle j: blocks 2j, 2j + 1).
Particles prior_particles(const NoiseSchedule& s, size_t n, uint64_t seed, uint32_t run, uint32_t stream);

// The CPU engine: particles first .. first + out->size() − 1 of a batch of `v.n`, each drawn from
// the prior and run through the plan (particle_step.hpp: sample_particle), one after another.
void sample_particles_host(const PlanView& v, uint64_t first, Particles* out);

// Particles' paths through a solver's steps (the live view's moving clouds and trajectories):
// particle j's state at time times[i] (i = 0: x_T at t = 1; i = steps: the sample at t_end) is
// (x[j·states + i], y[j·states + i]), states = steps + 1.
struct Paths {
  std::vector<double> times;  // (states), decreasing from 1 to t_end
  std::vector<double> x, y;   // (count, states)
  size_t count = 0;
  size_t states() const { return times.size(); }
};

// Particles 0 .. count − 1 of a batch of `v.n` (count ≤ v.n), recorded at every step of the plan
// by the same code as sample_particles_host (their last states are its output, bit for bit: test).
Paths record_paths(const SolverPlan& plan, const PlanView& v, size_t count);

// Runs `solver` with exactly `nfe` evaluations of the exact model on the particles, in place.
// DDPM's noise comes from Rng(seed, run, noise_stream).
void solve(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, Particles& p,
           uint64_t seed, uint32_t run, uint32_t noise_stream);

// A converged solution of the PF-ODE from the same x_T: DPM-Solver-3 with `nfe` evaluations on
// logSNR steps (tests/unit/diffusion_samplers_test.cpp checks that doubling nfe moves it < 1e-7).
constexpr int kReferenceNfe = 1200;
SolverPlan reference_plan(const Mixture& m, const NoiseSchedule& s, int nfe = kReferenceNfe);
void solve_reference(const Mixture& m, const NoiseSchedule& s, Particles& p, int nfe = kReferenceNfe);

}  // namespace klab::diffusion
