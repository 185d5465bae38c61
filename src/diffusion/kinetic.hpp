// Gaussian probability paths and their kinetic energy (Shaul, Chen, Nickel, Le, Lipman, "On Kinetic
// Optimal Probability Paths for Generative Models", ICML 2023).
//
// A Gaussian path p_t(x | x₀) = N(α_t x₀, σ_t² I) (this lab's t runs from the data at t_end to the
// noise at 1) moves its marginal p_t by the velocity field
//     u_t(x) = α̇_t x̂₀ + σ̇_t ε̂,   x̂₀ = E[x₀ | x_t = x],  ε̂ = E[ε | x_t = x]   (= f x − ½ g² ∇log p_t)
// and its kinetic energy is
//     KE = ∫ E_{p_t} ‖u_t‖² dt = ∫ γ̇ᵀ G γ̇ dt,  γ = (α, σ),
//     G = [[E‖x̂₀‖², E⟨x̂₀, ε̂⟩], [E⟨x̂₀, ε̂⟩, E‖ε̂‖²]]   (x ~ p at (α, σ)).
// Scaling (α, σ) by c scales x by c and leaves both posterior means unchanged, so G depends on the
// log-SNR λ = log(α/σ) alone: the data enter through functions of one variable (the paper reduces
// them to one, its "data separation function"; here the three entries of G are computed by
// quadrature, which gives the same minimiser).
//
// The paths compared share the end points of the VP process (γ at t = 1 and at t_end):
//   process   the VP schedule itself (noise_schedule.hpp)
//   cond_ot   the straight line from γ(1) to γ(t_end) at constant speed in t: the conditional-OT path
//             α = 1 − t, σ = t of flow matching (Lipman et al. 2023), up to the end points
//   ko        the kinetic-optimal path: the shortest curve between the end points in the metric G, at
//             constant speed, so KE = L²/(1 − t_end) (by Cauchy–Schwarz every path of length L has
//             KE ≥ L²/(1 − t_end)). A reading of the method: the paper characterises the KO path by a
//             1-D ODE in its data separation function; here the curve is r(λ) = log‖γ‖ on 128 equal
//             λ-steps, its discrete length minimised by Levenberg–Marquardt (from VP's curve; from cond-OT's it reaches the same one).
#pragma once
#include <string>
#include <vector>

#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"

namespace klab::diffusion {

// G at one λ: (g00, g01, g11) = (E‖x̂₀‖², E⟨x̂₀, ε̂⟩, E‖ε̂‖²) at (α, σ) = (sin φ, cos φ), tan φ = e^λ,
// by a tensor Gauss–Hermite rule of kHermiteNodes² points per component of p.
constexpr int kHermiteNodes = 12;
void path_metric_at(const Mixture& m, double lambda, double g[3]);

// G tabulated at `points` values of λ, uniform in [lo, hi], linearly interpolated between them.
struct PathMetric {
  double lo = 0.0, hi = 0.0;
  std::vector<double> g00, g01, g11;  // (points)
  void at(double lambda, double g[3]) const;  // λ outside [lo, hi] is clamped
};
PathMetric path_metric(const Mixture& m, double lo, double hi, int points = PathKnots::kMax);

// KE = ∫ E‖u_t‖² dt from t_end to 1: Σ Δγᵀ G(λ_mid) Δγ / Δt over `steps` equal steps in λ (second order).
double kinetic_energy(const NoiseSchedule& s, const PathMetric& g, int steps = 2000);

// The straight path between `ends`' end points, and the kinetic-optimal one in the metric g.
NoiseSchedule cond_ot_path(const NoiseSchedule& ends);
NoiseSchedule kinetic_optimal_path(const NoiseSchedule& ends, const PathMetric& g);

enum class PathKind { Process, CondOt, Ko };
constexpr int kPathKinds = static_cast<int>(PathKind::Ko) + 1;
const std::vector<std::string>& path_ids();     // "process", "cond_ot", "ko"
const std::vector<std::string>& path_labels();  // "VP (the process)", "cond-OT", "kinetic optimal"

// The three paths between the end points of `process` (a VP schedule) for the mixture m, with their
// kinetic energies in its metric.
struct GaussianPaths {
  PathMetric metric;
  NoiseSchedule path[kPathKinds];
  double kinetic_energy[kPathKinds] = {0.0, 0.0, 0.0};
};
GaussianPaths gaussian_paths(const Mixture& m, const NoiseSchedule& process);

}  // namespace klab::diffusion
