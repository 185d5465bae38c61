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
    const bool one_per_step = solver == Solver::Ddpm || solver == Solver::Ddim || solver == Solver::DpmppTwoM || solver == Solver::DpmppThreeM;
    int e = 0;
    for (const PlanStep& s : steps) e += one_per_step ? 1 : s.order;
    return e;
  }
};

// The step end points t_0 = 1 > t_1 > ... > t_steps = t_end: uniform in λ or in t.
std::vector<double> time_grid(const NoiseSchedule& s, StepSchedule schedule, int steps);

// `solver` with exactly `nfe` evaluations of the exact model of m under s (nfe ≥ 1).
SolverPlan make_solver_plan(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe);

}  // namespace klab::diffusion
