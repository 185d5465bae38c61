// A sampler's plan: everything that depends on the time grid only, computed once on the host and
// shared by all particles of the CPU and CUDA engines (particle_step.hpp runs it per particle).
#pragma once
#include <cstdint>
#include <vector>

#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/particle_step.hpp"

namespace klab::diffusion {

enum class StepSchedule { LogSnr, Time };

struct SolverPlan {
  Solver solver = Solver::Ddim;
  int k = 0;
  double prior_sd = 1.0;
  std::vector<PlanStep> steps;
  std::vector<ModelPoint> points;
  std::vector<Term> terms;  // (points × K)
  std::vector<double> times;  // (steps + 1): the step end points t_0 = 1 > t_1 > ... > t_steps = t_end

  // The plan as pointers into these vectors, with the particles' random streams (n particles).
  // (Inline, like evaluations(): the CUDA engine's library calls them too.)
  PlanView view(uint64_t seed, uint32_t run, uint32_t prior_stream, uint32_t noise_stream, uint64_t n) const {
    PlanView v;
    v.solver = solver;
    v.k = k;
    v.steps = static_cast<int>(steps.size());
    v.step = steps.data();
    v.point = points.data();
    v.terms = terms.data();
    v.prior_sd = prior_sd;
    v.seed = seed;
    v.run = run;
    v.prior_stream = prior_stream;
    v.noise_stream = noise_stream;
    v.n = n;
    return v;
  }
  // Score evaluations per particle (= the NFE budget): one per step, or the step's order for
  // Euler/Heun and the singlestep DPM-Solvers.
  int evaluations() const {
    const bool one_per_step = solver == Solver::Ddpm || solver == Solver::Ddim || solver == Solver::DpmppTwoM || solver == Solver::DpmppThreeM ||
                              solver == Solver::Usf;
    int e = 0;
    for (const PlanStep& s : steps) e += one_per_step ? 1 : s.order;
    return e;
  }
};

// The step end points t_0 = 1 > t_1 > ... > t_steps = t_end: uniform in λ or in t (usf_time_grid
// at blend 1 or 0, power 1).
std::vector<double> time_grid(const NoiseSchedule& s, StepSchedule schedule, int steps);

// `solver` with exactly `nfe` evaluations of the exact model of m under s (nfe ≥ 1). Solver::Usf
// without a searched plan is its search's starting point, DPM-Solver++ 2M (usf_search.hpp).
SolverPlan make_solver_plan(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe);

// A USF solver (Liu, Ning, Yang, Wang, ICLR 2024: "a different solver strategy at each step"): a
// multistep exponential integrator with one evaluation a step, where step i chooses its order
// (1..min(3, i)), whether it expands x̂₀ or ε̂, how it estimates the derivatives of its Taylor
// expansion and whether its result is corrected (solver_plan.cpp, multistep_step and
// usf_taylor_update), on a time grid from a two-parameter family (usf_time_grid). The derivative
// estimation and the corrector follow the authors' released code (thu-nics/USF, uni_sampler.py and
// search_utils.py: the paper's text could not be read here); the time-grid family is this lab's.
//
// With h = λ_{t_i} − λ_{t_{i−1}} and m^{(k)} the k-th derivative of the prediction in λ at t_{i−1},
// an order-P step is the exponential integrator's Taylor expansion
//   x̂₀:  x_i = (σ_i/σ_{i−1}) x_{i−1} + α_i Σ_{k<P} g_k m^{(k)},  g₀ = 1 − e^{−h},  g_k = h^k/k! − g_{k−1}
//   ε̂:   x_i = (α_i/α_{i−1}) x_{i−1} − σ_i Σ_{k<P} g_k m^{(k)},  g₀ = e^h − 1,   g_k = g_{k−1} − h^k/k!
// (g_k = h^{k+1} φ_{k+1}(∓h)), each m^{(k)} estimated from differences m(t_j) − m(t_{i−1}) by solving
// the Taylor system Σ_{l=1..E} δ_j^l/l! m^{(l)} = m(t_j) − m(t_{i−1}) over E active points t_j, δ_j = λ_j − λ_{i−1}.
enum class UsfDeriv {
  Dpm,       // DPM-Solver(++)'s multistep rule: order 2 the 2M update (the Taylor term with the authors' 'dpmsolver-2'
             // relaxation of m′), order 3 the released code's 3M update (multistep_step); DPM-Solver++ 2M/3M bit for bit
  Taylor,    // the plain Taylor terms, every derivative from the order − 1 previous evaluations (no relaxation)
  LowOrder,  // order 3: as Taylor, but m′ from the one previous evaluation (first-order accurate): the paper's
             // "low-order derivative estimation"; at order 2 it is Taylor
};
constexpr int kUsfDerivCount = 3;

struct UsfStep {
  int order = 1;
  bool noise = false;  // ε̂ (noise prediction) instead of x̂₀ (data prediction)
  UsfDeriv deriv = UsfDeriv::Dpm;
  // Pseudo corrector: once the next step has evaluated the model at this step's result x̃_i, redo this
  // step from x_{i−1} at order + 1 with m(x̃_i, t_i) as one more active point of every derivative (the
  // authors' get_corrector_mutate), and go on from the corrected x_i; m(x̃_i, t_i) is not recomputed,
  // so it costs no evaluation (UniC's idea). Never on the last step (that would cost one).
  bool corrector = false;
  // The authors' 'linear' relaxation of the first derivative (uni_sampler.py, relax_derivative): m′ × (1 + relax·h),
  // searched by their evolution's Gaussian mutations (usf_evolution.hpp). Taylor and LowOrder steps of order ≥ 2 only;
  // 0: none (the plan is then bit for bit the one without the factor). Not applied to the pseudo corrector (the code
  // sets the corrector's relaxation to None).
  double relax = 0.0;
};
constexpr double kUsfMaxRelax = 10.0;  // |relax| a plan's text may carry (the evolution's steps are N(0, 0.03))
// Field by field (not normalised: usf_normalised first to compare how steps run).
bool operator==(const UsfStep& a, const UsfStep& b);
struct UsfPlan {
  double blend = 1.0;  // 0: uniform in t, 1: uniform in λ, between: the convex combination of the two grids
  double power = 1.0;  // the grids' parameter is u_i = (i/N)^power (> 1: shorter steps near t = 1)
  std::vector<UsfStep> steps;
};
// Step i (from 1) of n as it runs: order capped at i; the derivative choice Dpm at order 1 (there is
// none) and Taylor for LowOrder at order 2 (the same rule); relax 0 at order 1 and with Dpm; no corrector on step n.
UsfStep usf_normalised(UsfStep st, int i, int n);
// Whether the steps of a and b run alike once normalised (their grids are not compared).
bool same_usf_steps(const UsfPlan& a, const UsfPlan& b);

// t_i = (1 − blend)(1 + u_i (t_end − 1)) + blend · t_λ(λ_1 + u_i (λ_{t_end} − λ_1)), u_i = (i/N)^power:
// blend 1 / power 1 is uniform in λ, blend 0 / power 1 uniform in t, bit for bit (time_grid).
std::vector<double> usf_time_grid(const NoiseSchedule& s, double blend, double power, int steps);
// DPM-Solver++ 2M on `schedule`'s grid as a UsfPlan (its plan equals make_solver_plan(DpmppTwoM), bit for bit).
UsfPlan usf_start_plan(StepSchedule schedule, int nfe);
// The plan of u (one evaluation per step), each step normalised (usf_normalised).
SolverPlan make_usf_plan(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u);

}  // namespace klab::diffusion
