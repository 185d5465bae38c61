#include "diffusion/solvers.hpp"

#include <algorithm>

namespace klab::diffusion {

const std::vector<std::string>& solver_ids() {
  static const std::vector<std::string> ids{"ddpm", "ddim", "euler", "heun", "dpm_solver_1", "dpm_solver_2", "dpm_solver_3", "dpmpp_2m", "dpmpp_3m", "usf"};
  return ids;
}

const std::vector<std::string>& solver_labels() {
  static const std::vector<std::string> labels{"DDPM (ancestral)", "DDIM", "Euler (PF-ODE)", "Heun (PF-ODE)", "DPM-Solver-1",
                                               "DPM-Solver-2",     "DPM-Solver-3", "DPM-Solver++ 2M", "DPM-Solver++ 3M", "USF search (S³ reading)"};
  return labels;
}

Solver solver_of(const std::string& id) {
  const auto& ids = solver_ids();
  return static_cast<Solver>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

bool solver_is_ode(Solver s) { return s != Solver::Ddpm; }

Particles prior_particles(const NoiseSchedule& s, size_t n, uint64_t seed, uint32_t run, uint32_t stream) {
  PlanView v;
  v.prior_sd = s.sigma(1.0);
  v.seed = seed;
  v.run = run;
  v.prior_stream = stream;
  Particles p;
  p.x.resize(n);
  p.y.resize(n);
  for (size_t i = 0; i < n; ++i) prior_particle(v, i, &p.x[i], &p.y[i]);
  return p;
}

void sample_particles_host(const PlanView& v, uint64_t first, Particles* out) {
  for (size_t i = 0; i < out->size(); ++i) sample_particle(v, first + i, &out->x[i], &out->y[i]);
}

Paths record_paths(const SolverPlan& plan, const PlanView& v, size_t count) {
  Paths p;
  p.times = plan.times;
  p.count = count;
  const size_t states = p.states();
  p.x.resize(count * states);
  p.y.resize(count * states);
  std::vector<double> path(2 * (states - 1));
  for (size_t j = 0; j < count; ++j) {
    double x, y;
    prior_particle(v, j, &x, &y);
    p.x[j * states] = x;
    p.y[j * states] = y;
    advance_particle(v, j, &x, &y, path.data());
    for (size_t i = 1; i < states; ++i) {
      p.x[j * states + i] = path[2 * (i - 1)];
      p.y[j * states + i] = path[2 * (i - 1) + 1];
    }
  }
  return p;
}

void solve(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, Particles& p, uint64_t seed,
           uint32_t run, uint32_t noise_stream) {
  const SolverPlan plan = make_solver_plan(solver, m, s, schedule, nfe);
  const PlanView v = plan.view(seed, run, 0, noise_stream, p.size());
  for (size_t j = 0; j < p.size(); ++j) advance_particle(v, j, &p.x[j], &p.y[j]);
}

SolverPlan reference_plan(const Mixture& m, const NoiseSchedule& s, int nfe) {
  return make_solver_plan(Solver::DpmSolver3, m, s, StepSchedule::LogSnr, nfe);
}

void solve_reference(const Mixture& m, const NoiseSchedule& s, Particles& p, int nfe) {
  const SolverPlan plan = reference_plan(m, s, nfe);
  const PlanView v = plan.view(0, 0, 0, 0, p.size());
  for (size_t j = 0; j < p.size(); ++j) advance_particle(v, j, &p.x[j], &p.y[j]);
}

}  // namespace klab::diffusion
