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
//   ko_sep    the kinetic-optimal path by the paper's route, through its data separation function (a reading: the
//             paper's abstract states the reduction to one scalar function and a 1-D ODE; the formulas below are
//             derived here, the paper's own normalisation and notation were not read). Rescale the data to
//             E‖x̃₀‖² = d (x̃₀ = x₀/k, k = √(m₂/d), m₂ = E‖x₀‖², so α̃ = kα and s̃ = α̃/σ = k e^λ); then
//                 KE = d ∫ [ α̃̇² + σ̇² − σ² (ds̃/dt)² (1 − S(s̃)) ] dt,   S(s̃) = E‖E[x₀|x]‖² / m₂ = g00/m₂ ∈ [0, 1],
//             the data separation function (written S here: 1 when the posterior tells the data points apart,
//             0 at pure noise for centred data). In polar coordinates α̃ = r sin θ, σ = r cos θ (s̃ = tan θ) this is
//                 KE = d ∫ [ ṙ² + r² f(θ)² θ̇² ] dt,   f² = 1 − (1 + s̃²)(1 − S(s̃))   (0 ≤ f ≤ 1),
//             a cone: with ψ the solution of the 1-D ODE dψ/dθ = f(θ), ψ(θ(1)) = 0, it is the flat plane
//             dr² + r² dψ². The KO path is the straight segment between the end points P = r(cos ψ, sin ψ), run at
//             constant speed, and KE = d |P_end − P_1|² / (1 − t_end) in closed form. S ≡ 1 (data the posterior
//             always separates, the paper's n/√d → 0 limit) gives f ≡ 1, ψ = θ: the straight line in (α̃, σ), cond-OT.
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
  // λ (clamped to [lo, hi]) between nodes i and i + 1 at fraction f: linear interpolation weights.
  void locate(double lambda, size_t* i, double* f) const;
};
PathMetric path_metric(const Mixture& m, double lo, double hi, int points = PathKnots::kMax);

// KE = ∫ E‖u_t‖² dt from t_end to 1: Σ Δγᵀ G(λ_mid) Δγ / Δt over `steps` equal steps in λ (second order).
double kinetic_energy(const NoiseSchedule& s, const PathMetric& g, int steps = 2000);

// The straight path between `ends`' end points, and the kinetic-optimal one in the metric g.
NoiseSchedule cond_ot_path(const NoiseSchedule& ends);
NoiseSchedule kinetic_optimal_path(const NoiseSchedule& ends, const PathMetric& g);

// The data separation route (ko_sep above) for data with E‖x₀‖² = m2 in d = 2 dimensions.
// separation_at: S at the lab's log-SNR λ (s̃ = k e^λ), from g's table of g00.
// separation_cone_f2: f² = 1 − (1 + s̃²)(1 − S(s̃)) at g's nodes, the cone's angular factor (not clamped).
// separation_ko_path: the straight segment in the unrolled plane, knots at 129 λ-points (128 equal λ-steps);
// *energy (if given) receives the closed form d |P_end − P_1|²/(1 − t_end).
constexpr int kDataDimension = 2;
double second_moment(const Mixture& m);  // m₂ = Σ_k w_k (‖μ_k‖² + tr Σ_k)
double separation_at(const PathMetric& g, double m2, double lambda);
std::vector<double> separation_cone_f2(const PathMetric& g, double m2);
NoiseSchedule separation_ko_path(const NoiseSchedule& ends, const PathMetric& g, double m2, double* energy = nullptr);

enum class PathKind { Process, CondOt, Ko, KoSep };
constexpr int kPathKinds = static_cast<int>(PathKind::KoSep) + 1;
const std::vector<std::string>& path_ids();     // "process", "cond_ot", "ko", "ko_sep"
const std::vector<std::string>& path_labels();  // "VP (the process)", "cond-OT", "KO geodesic", "KO separation"

// The four paths between the end points of `process` (a VP schedule) for the mixture m, with their
// kinetic energies in its metric (kinetic_energy(): the same quadrature for every path) and ko_sep's
// closed-form energy.
struct GaussianPaths {
  PathMetric metric;
  NoiseSchedule path[kPathKinds];
  double kinetic_energy[kPathKinds] = {};
  double separation_energy = 0.0;  // d |P_end − P_1|²/(1 − t_end), ko_sep's closed form
};
GaussianPaths gaussian_paths(const Mixture& m, const NoiseSchedule& process);

}  // namespace klab::diffusion
