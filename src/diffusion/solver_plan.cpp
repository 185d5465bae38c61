#include "diffusion/solver_plan.hpp"

#include <algorithm>
#include <cmath>

namespace klab::diffusion {

std::vector<double> time_grid(const NoiseSchedule& s, StepSchedule schedule, int steps) {
  std::vector<double> t(static_cast<size_t>(steps) + 1);
  const double t0 = 1.0, t1 = s.t_end, l0 = s.lambda(t0), l1 = s.lambda(t1);
  for (int i = 0; i <= steps; ++i) {
    const double u = static_cast<double>(i) / steps;
    t[static_cast<size_t>(i)] = schedule == StepSchedule::Time ? t0 + u * (t1 - t0) : s.t_of_lambda(l0 + u * (l1 - l0));
  }
  t.front() = t0;
  t.back() = t1;
  return t;
}

namespace {

// Builds a plan: model points (p_t's terms at each evaluation time) and steps.
struct PlanBuilder {
  const Mixture& mixture;
  const NoiseSchedule& ns;
  SolverPlan plan;

  int point(double t) {
    const Marginal p = marginal_at(mixture, ns, t);
    ModelPoint q;
    q.first_term = static_cast<int>(plan.terms.size());
    q.alpha = p.alpha;
    q.sigma = p.sigma;
    q.drift = ns.drift(t);
    q.half_g2 = 0.5 * ns.g2(t);
    plan.terms.insert(plan.terms.end(), p.terms.begin(), p.terms.end());
    plan.points.push_back(q);
    return static_cast<int>(plan.points.size()) - 1;
  }
};

// Order k solvers spend ⌈nfe/k⌉ steps; the last one takes the remainder's order.
std::vector<int> step_orders(int nfe, int k) {
  std::vector<int> orders(static_cast<size_t>(nfe / k), k);
  if (nfe % k != 0) orders.push_back(nfe % k);
  return orders;
}

// Singlestep DPM-Solver (noise prediction) of order 1, 2 or 3 from t to s (Lu et al. 2022, Alg. 4–5).
PlanStep dpm_singlestep(PlanBuilder& b, int order, double t, double s) {
  const NoiseSchedule& ns = b.ns;
  const double lt = ns.lambda(t), ls = ns.lambda(s), h = ls - lt;
  const double at = ns.alpha(t), as = ns.alpha(s), ss = ns.sigma(s);
  const double phi = std::expm1(h);  // e^h − 1
  PlanStep st;
  st.order = order;
  st.point[0] = b.point(t);
  st.c[0] = as / at;
  st.c[1] = -ss * phi;
  if (order == 2) {
    const double r1 = 0.5, s1 = ns.t_of_lambda(lt + r1 * h);
    st.point[1] = b.point(s1);
    st.c[2] = ns.alpha(s1) / at;
    st.c[3] = -ns.sigma(s1) * std::expm1(r1 * h);
    st.c[4] = -ss / (2.0 * r1) * phi;
  } else if (order == 3) {
    const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
    const double s1 = ns.t_of_lambda(lt + r1 * h), s2 = ns.t_of_lambda(lt + r2 * h);
    const double phi2 = std::expm1(r2 * h);
    st.point[1] = b.point(s1);
    st.point[2] = b.point(s2);
    st.c[2] = ns.alpha(s1) / at;
    st.c[3] = -ns.sigma(s1) * std::expm1(r1 * h);
    st.c[4] = ns.alpha(s2) / at;
    st.c[5] = -ns.sigma(s2) * phi2;
    st.c[6] = -(ns.sigma(s2) * r2 / r1) * (phi2 / (r2 * h) - 1.0);
    st.c[7] = -(ss / r2) * (phi / h - 1.0);
  }
  return st;
}

}  // namespace

SolverPlan make_solver_plan(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe) {
  PlanBuilder b{m, s, {}};
  b.plan.solver = solver;
  b.plan.k = static_cast<int>(m.components.size());
  b.plan.prior_sd = s.sigma(1.0);
  std::vector<PlanStep>& steps = b.plan.steps;
  switch (solver) {
    case Solver::Ddpm: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (size_t i = 1; i < t.size(); ++i) {
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        const double ats = at / as, v_ts = st * st - ats * ats * ss * ss;
        PlanStep p;
        p.point[0] = b.point(t[i - 1]);
        p.c[0] = ats * ss * ss / (st * st);
        p.c[1] = as * v_ts / (st * st);
        p.c[2] = std::sqrt(v_ts * ss * ss / (st * st));
        steps.push_back(p);
      }
      break;
    }
    case Solver::Ddim: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (size_t i = 1; i < t.size(); ++i) {
        // ε̂ = (x_t − α_t x̂₀)/σ_t;  x_s = α_s x̂₀ + σ_s ε̂
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        PlanStep p;
        p.point[0] = b.point(t[i - 1]);
        p.c[0] = ss / st;
        p.c[1] = as - ss * at / st;
        steps.push_back(p);
      }
      break;
    }
    case Solver::Euler:
    case Solver::Heun: {
      // Heun (order 2) or Euler (order 1) on the PF-ODE from t to s.
      const std::vector<int> orders = step_orders(nfe, solver == Solver::Heun ? 2 : 1);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) {
        const double dt = t[i] - t[i - 1];
        PlanStep p;
        p.order = orders[i - 1];
        p.point[0] = b.point(t[i - 1]);
        if (p.order == 2) p.point[1] = b.point(t[i]);
        p.c[0] = dt;
        p.c[1] = 0.5 * dt;
        steps.push_back(p);
      }
      break;
    }
    case Solver::DpmSolver1:
    case Solver::DpmSolver2:
    case Solver::DpmSolver3: {
      const int k = solver == Solver::DpmSolver1 ? 1 : solver == Solver::DpmSolver2 ? 2 : 3;
      const std::vector<int> orders = step_orders(nfe, k);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) steps.push_back(dpm_singlestep(b, orders[i - 1], t[i - 1], t[i]));
      break;
    }
    case Solver::DpmppTwoM:
    case Solver::DpmppThreeM: {
      const int max_order = solver == Solver::DpmppTwoM ? 2 : 3;
      const std::vector<double> t = time_grid(s, schedule, nfe);
      double lam[3] = {0.0, 0.0, 0.0};  // λ at t_{i−1}, t_{i−2}, t_{i−3}
      for (size_t i = 1; i < t.size(); ++i) {
        lam[2] = lam[1];
        lam[1] = lam[0];
        lam[0] = s.lambda(t[i - 1]);
        const double ls = s.lambda(t[i]), h = ls - lam[0];
        const double as = s.alpha(t[i]), ratio = s.sigma(t[i]) / s.sigma(t[i - 1]);
        const double phi1 = std::expm1(-h);  // e^{−h} − 1
        PlanStep p;
        p.order = std::min<int>(max_order, static_cast<int>(i));
        p.point[0] = b.point(t[i - 1]);
        p.c[0] = ratio;
        p.c[1] = -as * phi1;
        if (p.order == 2) {
          const double r0 = (lam[0] - lam[1]) / h;
          p.c[2] = -0.5 * as * phi1 / r0;  // −½ α_s (e^{−h} − 1) D1, D1 = (m₀ − m₁)/r₀
        } else if (p.order == 3) {
          // D1₀ = (m₀ − m₁)/r₀, D1₁ = (m₁ − m₂)/r₁, D1 = D1₀ + r₀/(r₀+r₁)(D1₀ − D1₁), D2 = (D1₀ − D1₁)/(r₀+r₁)
          const double r0 = (lam[0] - lam[1]) / h, r1 = (lam[1] - lam[2]) / h;
          const double c2 = (phi1 / h + 1.0), c3 = ((phi1 + h) / (h * h) - 0.5);
          p.c[3] = r0;
          p.c[4] = r1;
          p.c[5] = r0 / (r0 + r1);
          p.c[6] = r0 + r1;
          p.c[7] = as * c2;
          p.c[8] = as * c3;
        }
        steps.push_back(p);
      }
      break;
    }
  }
  // Every solver above steps on time_grid(s, schedule, its number of steps).
  b.plan.times = time_grid(s, schedule, static_cast<int>(steps.size()));
  return b.plan;
}

}  // namespace klab::diffusion
