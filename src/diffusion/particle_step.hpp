// One particle of a reverse-process sampler, from its starting noise to t_end: the per-particle
// code shared verbatim by the CPU engine (solvers.cpp, one particle after another) and the CUDA
// engine (engine.cu, one GPU thread per particle). Everything that depends only on the time grid
// (α, σ, λ, the solvers' coefficients, p_t's K terms at every evaluation time) is computed once on
// the host into a SolverPlan (solver_plan.hpp); a particle reads it and runs the update equations
// of solvers.hpp with the exact score (marginal.hpp, score()).
//
// Randomness (core/rng.hpp, Philox; sample_normal uses exactly one 4-word block per draw):
//   x_T = σ_T (z₁, z₂), z from Rng(seed, run, prior_stream) blocks 2j, 2j + 1 for particle j;
//   DDPM's noise of step i (0-based) for particle j: Rng(seed, run, noise_stream) blocks
//   2(i·n + j), 2(i·n + j) + 1 (n particles), i.e. the order of a loop over steps, then particles.
#pragma once
#include <cstdint>

#include "core/portable.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

enum class Solver { Ddpm, Ddim, Euler, Heun, DpmSolver1, DpmSolver2, DpmSolver3, DpmppTwoM, DpmppThreeM, Usf };
constexpr int kSolverCount = 10;

// One evaluation time t of the exact model: p_t's terms (terms[first_term], K of them) and the
// schedule's values the three predictions need.
struct ModelPoint {
  int first_term = 0;
  double alpha = 1.0, sigma = 0.0;     // α_t, σ_t
  double drift = 0.0, half_g2 = 0.0;   // f(t) and ½ g²(t) of the PF-ODE velocity
};

// One step from t_{i−1} to t_i: its order, the model points it evaluates and its coefficients
// (what each c[·] holds per solver: solver_plan.cpp, make_solver_plan).
struct PlanStep {
  int order = 1;
  int noise = 0;  // multistep steps: 1 when the step extrapolates the noise prediction ε̂, 0 the data prediction x̂₀
  int point[3] = {0, 0, 0};
  double c[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  // USF only (solver_plan.cpp, usf_taylor_update):
  int weights = 0;        // 1: the update is x = c₀ x + c₁ m₀ + c₂ m₁ + c₃ m₂ (Taylor terms with finite-difference derivatives)
  int correct = 0;        // 1: first correct the previous step's result with this step's evaluation (pseudo corrector)
  int correct_noise = 0;  // the previous step's prediction (1: ε̂), which its corrector uses
  double k[5] = {0, 0, 0, 0, 0};  // corrector: x = k₀ x_start + k₁ m(t_i) + k₂ m(t_{i−1}) + k₃ m(t_{i−2}) + k₄ m(t_{i−3})
};

// A solver plan as plain pointers (host vectors for the CPU, device copies for the GPU) and the
// names of the particle's random streams.
struct PlanView {
  Solver solver = Solver::Ddim;
  int k = 0;        // mixture components
  int steps = 0;
  const PlanStep* step = nullptr;
  const ModelPoint* point = nullptr;
  const Term* terms = nullptr;
  double prior_sd = 1.0;  // σ_T
  uint64_t seed = 0;
  uint32_t run = 0, prior_stream = 0, noise_stream = 0;
  uint64_t n = 0;  // particles in the batch (DDPM's noise layout)
};

// The exact model at point `q`: noise prediction ε̂ = −σ ∇log p_t.
KLAB_INLINE void model_eps(const PlanView& v, int q, double x, double y, double* ex, double* ey) {
  const ModelPoint& p = v.point[q];
  double gx, gy;
  score(v.terms + p.first_term, v.k, x, y, &gx, &gy);
  *ex = -p.sigma * gx;
  *ey = -p.sigma * gy;
}

// Data prediction x̂₀ = (x + σ² ∇log p_t)/α (Tweedie).
KLAB_INLINE void model_data(const PlanView& v, int q, double x, double y, double* dx, double* dy) {
  const ModelPoint& p = v.point[q];
  double gx, gy;
  score(v.terms + p.first_term, v.k, x, y, &gx, &gy);
  const double var = p.sigma * p.sigma;
  *dx = (x + var * gx) / p.alpha;
  *dy = (y + var * gy) / p.alpha;
}

// Both predictions from one score evaluation: x̂₀ exactly as model_data, ε̂ = −σ ∇log p_t as model_eps.
KLAB_INLINE void model_both(const PlanView& v, int q, double x, double y, double* dx, double* dy, double* ex, double* ey) {
  const ModelPoint& p = v.point[q];
  double gx, gy;
  score(v.terms + p.first_term, v.k, x, y, &gx, &gy);
  const double var = p.sigma * p.sigma;
  *dx = (x + var * gx) / p.alpha;
  *dy = (y + var * gy) / p.alpha;
  *ex = -p.sigma * gx;
  *ey = -p.sigma * gy;
}

// PF-ODE velocity dx/dt = f x − ½ g² ∇log p_t.
KLAB_INLINE void model_velocity(const PlanView& v, int q, double x, double y, double* vx, double* vy) {
  const ModelPoint& p = v.point[q];
  double gx, gy;
  score(v.terms + p.first_term, v.k, x, y, &gx, &gy);
  *vx = p.drift * x - p.half_g2 * gx;
  *vy = p.drift * y - p.half_g2 * gy;
}

// x_T of particle j.
KLAB_INLINE void prior_particle(const PlanView& v, uint64_t j, double* x, double* y) {
  Rng rng(v.seed, v.run, v.prior_stream, 2 * j);
  *x = v.prior_sd * sample_normal(rng);
  *y = v.prior_sd * sample_normal(rng);
}

// Particle j from (x, y) at t = 1 to t_end, in place (equations: solvers.hpp). With `path`
// (2·steps doubles), its state after step i is written to path[2i], path[2i + 1] (the live view's
// trajectories: the same update, recorded; the engines pass none).
KLAB_INLINE void advance_particle(const PlanView& v, uint64_t j, double* px, double* py, double* path = nullptr) {
  double x = *px, y = *py;
  double a1x = 0.0, a1y = 0.0, a2x = 0.0, a2y = 0.0, a3x = 0.0, a3y = 0.0;  // multistep: x̂₀ at the three previous evaluation times
  double n1x = 0.0, n1y = 0.0, n2x = 0.0, n2y = 0.0, n3x = 0.0, n3y = 0.0;  // and ε̂ there
  double xs = x, ys = y;  // USF: the state the current step started from (its corrector's start)
  for (int i = 0; i < v.steps; ++i) {
    const PlanStep& s = v.step[i];
    const double* c = s.c;
    switch (v.solver) {
      case Solver::Ddpm: {  // c: x coefficient, x̂₀ coefficient, noise sd
        double ax, ay;
        model_data(v, s.point[0], x, y, &ax, &ay);
        Rng rng(v.seed, v.run, v.noise_stream, 2 * (static_cast<uint64_t>(i) * v.n + j));
        x = c[0] * x + c[1] * ax + c[2] * sample_normal(rng);
        y = c[0] * y + c[1] * ay + c[2] * sample_normal(rng);
        break;
      }
      case Solver::Ddim: {  // c: σ_s/σ_t, α_s − σ_s α_t/σ_t
        double ax, ay;
        model_data(v, s.point[0], x, y, &ax, &ay);
        x = c[0] * x + c[1] * ax;
        y = c[0] * y + c[1] * ay;
        break;
      }
      case Solver::Euler:
      case Solver::Heun: {  // c: dt, dt/2
        double d1x, d1y;
        model_velocity(v, s.point[0], x, y, &d1x, &d1y);
        if (s.order == 1) {
          x += c[0] * d1x;
          y += c[0] * d1y;
          break;
        }
        double d2x, d2y;
        model_velocity(v, s.point[1], x + c[0] * d1x, y + c[0] * d1y, &d2x, &d2y);
        x += c[1] * d1x;
        y += c[1] * d1y;
        x += c[1] * d2x;
        y += c[1] * d2y;
        break;
      }
      case Solver::DpmSolver1:
      case Solver::DpmSolver2:
      case Solver::DpmSolver3: {
        // c: α_s/α_t, −σ_s(e^h − 1); order 2 adds α_{s₁}/α_t, −σ_{s₁}(e^{r₁h} − 1), the D coefficient;
        // order 3 adds α_{s₁}/α_t, −σ_{s₁}(e^{r₁h} − 1), α_{s₂}/α_t, −σ_{s₂}(e^{r₂h} − 1), u₂'s D₁ and x's D₂ coefficients.
        double e0x, e0y;
        model_eps(v, s.point[0], x, y, &e0x, &e0y);
        double dx = 0.0, dy = 0.0, coef = 0.0;
        if (s.order == 2) {
          model_eps(v, s.point[1], c[2] * x + c[3] * e0x, c[2] * y + c[3] * e0y, &dx, &dy);
          dx -= e0x;
          dy -= e0y;
          coef = c[4];
        } else if (s.order == 3) {
          double d1x, d1y;
          model_eps(v, s.point[1], c[2] * x + c[3] * e0x, c[2] * y + c[3] * e0y, &d1x, &d1y);
          d1x -= e0x;
          d1y -= e0y;
          double ux = c[4] * x + c[5] * e0x, uy = c[4] * y + c[5] * e0y;
          ux += c[6] * d1x;
          uy += c[6] * d1y;
          model_eps(v, s.point[2], ux, uy, &dx, &dy);
          dx -= e0x;
          dy -= e0y;
          coef = c[7];
        }
        x = c[0] * x + c[1] * e0x;
        y = c[0] * y + c[1] * e0y;
        if (s.order > 1) {
          x += coef * dx;
          y += coef * dy;
        }
        break;
      }
      case Solver::DpmppTwoM:
      case Solver::DpmppThreeM:
      case Solver::Usf: {
        // Multistep exponential integrator on the step's prediction m (x̂₀, or ε̂ when s.noise; USF
        // chooses it per step, DPM-Solver++ always x̂₀): one evaluation gives both, and both histories
        // are kept. c: the x coefficient, m₀'s; order 2: the D1 coefficient; order 3: r₀, r₁,
        // r₀/(r₀ + r₁), r₀ + r₁, then D1's and D2's coefficients (solver_plan.cpp, multistep_step);
        // s.weights: the four weights of a Taylor update (solver_plan.cpp, usf_taylor_update).
        double d0x, d0y, e0x, e0y;
        model_both(v, s.point[0], x, y, &d0x, &d0y, &e0x, &e0y);
        if (s.correct) {
          // USF's pseudo corrector of the previous step (t_{i−2} → t_{i−1}): its update redone from its start
          // x_start with one more Taylor term, using this evaluation at its predicted end point (no new one).
          const bool ce = s.correct_noise != 0;
          const double* k = s.k;
          x = k[0] * xs + k[1] * (ce ? e0x : d0x) + k[2] * (ce ? n1x : a1x) + k[3] * (ce ? n2x : a2x) + k[4] * (ce ? n3x : a3x);
          y = k[0] * ys + k[1] * (ce ? e0y : d0y) + k[2] * (ce ? n1y : a1y) + k[3] * (ce ? n2y : a2y) + k[4] * (ce ? n3y : a3y);
          if (path) {
            path[2 * i - 2] = x;
            path[2 * i - 1] = y;
          }
        }
        xs = x;
        ys = y;
        const bool eps = s.noise != 0;
        const double m0x = eps ? e0x : d0x, m0y = eps ? e0y : d0y;
        const double m1x = eps ? n1x : a1x, m1y = eps ? n1y : a1y, m2x = eps ? n2x : a2x, m2y = eps ? n2y : a2y;
        if (s.weights) {
          x = c[0] * x + c[1] * m0x + c[2] * m1x + c[3] * m2x;
          y = c[0] * y + c[1] * m0y + c[2] * m1y + c[3] * m2y;
        } else {
          x = c[0] * x + c[1] * m0x;
          y = c[0] * y + c[1] * m0y;
          if (s.order == 2) {
            x += c[2] * (m0x - m1x);
            y += c[2] * (m0y - m1y);
          } else if (s.order == 3) {
            const double ax = (m0x - m1x) / c[3], bx = (m1x - m2x) / c[4], ay = (m0y - m1y) / c[3], by = (m1y - m2y) / c[4];
            const double big_d1x = ax + c[5] * (ax - bx), big_d1y = ay + c[5] * (ay - by);
            const double big_d2x = (ax - bx) / c[6], big_d2y = (ay - by) / c[6];
            x += c[7] * big_d1x - c[8] * big_d2x;
            y += c[7] * big_d1y - c[8] * big_d2y;
          }
        }
        a3x = a2x;
        a3y = a2y;
        a2x = a1x;
        a2y = a1y;
        a1x = d0x;
        a1y = d0y;
        n3x = n2x;
        n3y = n2y;
        n2x = n1x;
        n2y = n1y;
        n1x = e0x;
        n1y = e0y;
        break;
      }
    }
    if (path) {
      path[2 * i] = x;
      path[2 * i + 1] = y;
    }
  }
  *px = x;
  *py = y;
}

// Particle j of a sampler: x_T from the prior, then the solver.
KLAB_INLINE void sample_particle(const PlanView& v, uint64_t j, double* x, double* y) {
  prior_particle(v, j, x, y);
  advance_particle(v, j, x, y);
}

}  // namespace klab::diffusion
