// Sample-quality metrics of the diffusion chapter (definitions also in src/diffusion/README.md).
//
//   disc_error  mean over particles of ‖x̂_i − x*_i‖, x*_i the converged PF-ODE solution from the
//               same starting noise (ODE samplers only): no sampling noise, so it separates solvers
//   sw2         sliced Wasserstein-2 between the samples and an exact sample set of the same size:
//               sW2² = (1/L) Σ_l W2²(⟨θ_l, X⟩, ⟨θ_l, Y⟩), θ_l at angles π(l + ½)/L, each 1-D W2² the
//               mean squared difference of the sorted projections
//   mmd         √MMD² against the exact p_data, Gaussian kernel k(x, y) = exp(−‖x − y‖²/(2ℓ²)):
//               MMD² = (1/n²) Σ_ij k(x_i, x_j) − (2/n) Σ_i E_p k(x_i, Y) + E_pp k(Y, Y'), the last two
//               in closed form (k = 2πℓ² N(x − y; 0, ℓ²I), so E_p k(x, Y) = 2πℓ² Σ_k w_k N(x; μ_k, Σ_k + ℓ²I));
//               the V-statistic: biased upwards by about (1 − E k(X, X'))/n
//   kl          KL(p_data ‖ p̂) on a G × G grid over the mixture's box (means ± 4 sd), p̂ a Gaussian
//               kernel density of bandwidth h (linear binning onto the grid, then separable
//               convolution; Wand 1994), mixed with a uniform floor δ = 10⁻³ so that it is positive;
//               both normalised over the grid. Biased upwards by the smoothing (p * K_h ≠ p) and by
//               the sampling noise: the exact-sample series measures both
//   coverage    fraction of samples within Mahalanobis distance 3.44 (χ²₂ 0.9973 quantile, "3σ") of
//               some component; modes_hit: fraction of components receiving at least half their
//               expected count n w_k of such samples
#pragma once
#include <vector>

#include "diffusion/mixture2d.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

double discretisation_error(const Particles& a, const Particles& reference);

double sliced_w2(const Particles& a, const Particles& b, int projections);

// The closed-form parts of MMD against one mixture for one kernel width.
class MmdReference {
 public:
  MmdReference(const Mixture& p, double length);
  double mmd(const Particles& a) const;

 private:
  double length_;
  std::vector<double> mx_, my_, pxx_, pxy_, pyy_, coef_;  // (K) N(·; μ_k, Σ_k + ℓ²I) as precision and 2πℓ² w_k/(2π√det)
  double self_ = 0.0;                                     // E_pp k(Y, Y')
};

// The KDE grid with p_data on it, reused for every sample set of a run.
class KdeReference {
 public:
  KdeReference(const Mixture& p, int grid, double bandwidth);
  double kl(const Particles& a) const { return kl_of(density(a)); }
  // KL(p_data ‖ p̂) of a density on the grid (density() or density_exact()).
  double kl_of(const std::vector<double>& p) const;
  // p̂ on the grid (G × G, row-major from y0 upwards), normalised to sum 1, mixed with the floor:
  // O(n + G²·8h/δ). Linear binning moves each sample's mass to the 4 nearest cell centres (cell
  // size δ), so p̂ differs from the exact KDE by O(δ²/h²) of its value (Wand 1994; measured
  // against density_exact in tests/unit/diffusion_samplers_test.cpp: ≤ 1 % of the mean cell mass
  // on the ring at δ/h ≈ 0.5); samples outside the grid's box and kernel mass beyond 4h or the
  // box are left out before the normalisation.
  std::vector<double> density(const Particles& a) const;
  // The reference it approximates: the Gaussian KDE Σ_n exp(−‖g − x_n‖²/(2h²)) evaluated at every
  // cell centre g from every sample, normalised and floored the same way. O(n·G²): tests only.
  std::vector<double> density_exact(const Particles& a) const;
  const Box& box() const { return box_; }
  int grid() const { return g_; }

 private:
  int g_;
  double h_;
  Box box_;
  std::vector<double> q_;  // (G²) p_data on the grid, sums to 1
};

struct Coverage {
  double samples = 0.0;  // fraction of samples on a mode
  double modes = 0.0;    // fraction of modes hit
};
Coverage mode_coverage(const Mixture& p, const Particles& a);

}  // namespace klab::diffusion
