// Forward noising processes q(x_t | x_0) = N(α_t x_0, σ_t² I), t ∈ [t_end, 1], and their
// half-log-SNR λ_t = log(α_t/σ_t), the variable of the exponential-integrator solvers.
//
//   VP (Song et al. 2021, linear β(t) = β_min + t(β_max − β_min)):
//       log α_t = −¼ t² (β_max − β_min) − ½ t β_min,   σ_t = √(1 − α_t²)
//       inverse (Lu et al. 2022, DPM-Solver, App. D): with L = log(1 + e^{−2λ}),
//       t(λ) = 2L / (√(β_min² + 2(β_max − β_min) L) + β_min)
//   VE (Song et al. 2021): α_t = 1, σ_t = σ_min (σ_max/σ_min)^t, λ_t = −log σ_t.
//   Path (kinetic.hpp: cond-OT and the kinetic-optimal path between VP's end points): α_t and σ_t
//       monotone cubic Hermite interpolants of knots; t(λ) by bisection; f and g² by the formulas below.
//
// The probability-flow ODE (Song et al. 2021, eq. 13) is dx/dt = f(t) x − ½ g²(t) ∇log p_t(x),
// with f = d log α/dt and g² = dσ²/dt − 2 f σ² (Kingma et al. 2021, VDM, eq. 31 in reverse).
#pragma once
#include <cmath>

#include "core/lab_math.hpp"
#include "core/portable.hpp"

namespace klab::diffusion {

enum class Process { Vp, Ve, Path };

// A Gaussian path's knots, t increasing from t_end to 1 (fixed size: the schedule stays a plain value
// the KLAB_HD code can copy). value(t, ·) and slope(t, ·) are the cubic Hermite interpolant and its
// derivative (C¹ in t); t outside [t_0, t_last] is clamped.
struct PathKnots {
  static constexpr int kMax = 129;
  int count = 0;
  double t[kMax] = {}, alpha[kMax] = {}, sigma[kMax] = {}, dalpha[kMax] = {}, dsigma[kMax] = {};  // (count) each

  KLAB_HD int segment(double u) const {  // i with t[i] ≤ u ≤ t[i + 1]
    int lo = 0, hi = count - 1;
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      (t[mid] <= u ? lo : hi) = mid;
    }
    return lo;
  }
  // y, dy: alpha and dalpha, or sigma and dsigma.
  KLAB_HD double value(double u, const double* y, const double* dy) const {
    u = u < t[0] ? t[0] : u > t[count - 1] ? t[count - 1] : u;
    const int i = segment(u);
    const double h = t[i + 1] - t[i], s = (u - t[i]) / h, r = 1.0 - s;
    return (1.0 + 2.0 * s) * r * r * y[i] + s * r * r * h * dy[i] + s * s * (3.0 - 2.0 * s) * y[i + 1] - s * s * r * h * dy[i + 1];
  }
  KLAB_HD double slope(double u, const double* y, const double* dy) const {
    u = u < t[0] ? t[0] : u > t[count - 1] ? t[count - 1] : u;
    const int i = segment(u);
    const double h = t[i + 1] - t[i], s = (u - t[i]) / h;
    return 6.0 * s * (1.0 - s) * (y[i + 1] - y[i]) / h + (3.0 * s * s - 4.0 * s + 1.0) * dy[i] + (3.0 * s * s - 2.0 * s) * dy[i + 1];
  }
};

struct NoiseSchedule {
  Process process = Process::Vp;
  double beta_min = 0.1, beta_max = 20.0;    // VP
  double sigma_min = 0.01, sigma_max = 20.0;  // VE
  double t_end = 1e-3;                        // the solvers stop at t_end (VP: α ≈ 1, σ ≈ 0.01)
  PathKnots path;                             // Path

  KLAB_HD double log_alpha(double t) const {
    if (process == Process::Path) return math::log(alpha(t));
    return process == Process::Vp ? -0.25 * t * t * (beta_max - beta_min) - 0.5 * t * beta_min : 0.0;
  }
  KLAB_HD double alpha(double t) const { return process == Process::Path ? path.value(t, path.alpha, path.dalpha) : math::exp(log_alpha(t)); }
  KLAB_HD double sigma(double t) const {
    if (process == Process::Path) return path.value(t, path.sigma, path.dsigma);
    if (process == Process::Ve) return sigma_min * math::exp(t * math::log(sigma_max / sigma_min));
    // σ² = 1 − α² = −expm1(2 log α), accurate for small t
    const double la = log_alpha(t);
    return sqrt(-std::expm1(2.0 * la));
  }
  KLAB_HD double lambda(double t) const { return log_alpha(t) - math::log(sigma(t)); }
  KLAB_HD double t_of_lambda(double lam) const {
    if (process == Process::Path) {  // λ decreases in t: bisection to the last bit
      double lo = t_end, hi = 1.0;
      for (int i = 0; i < 64 && hi - lo > 0.0; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        (lambda(mid) > lam ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi);
    }
    if (process == Process::Ve) return (-lam - math::log(sigma_min)) / math::log(sigma_max / sigma_min);
    const double l = math::log1p(math::exp(-2.0 * lam));
    return 2.0 * l / (sqrt(beta_min * beta_min + 2.0 * (beta_max - beta_min) * l) + beta_min);
  }
  // PF-ODE coefficients f(t) = d log α/dt and g²(t).
  KLAB_HD double drift(double t) const {
    if (process == Process::Path) return path.slope(t, path.alpha, path.dalpha) / alpha(t);
    return process == Process::Vp ? -0.5 * (beta_min + t * (beta_max - beta_min)) : 0.0;
  }
  KLAB_HD double g2(double t) const {
    if (process == Process::Path) {
      const double s = sigma(t);
      return 2.0 * s * (path.slope(t, path.sigma, path.dsigma) - drift(t) * s);
    }
    if (process == Process::Vp) return beta_min + t * (beta_max - beta_min);
    const double s = sigma(t);
    return 2.0 * s * s * math::log(sigma_max / sigma_min);
  }
};

}  // namespace klab::diffusion
