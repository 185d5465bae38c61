// The methods' constants, this lab's and the authors' scripts' (table in halpern_steps.hpp).
#include "optim/halpern_steps.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "optim/halpern.hpp"

namespace klab::optim {
namespace {

StepRules lab_rules(const FiniteSumGame& g) {
  const double n = static_cast<double>(g.n);
  StepRules r;
  r.eg = 0.5 / g.lipschitz();
  r.eag = 1.0 / (8.0 * g.lipschitz());
  r.vr_eg_refresh = std::min(1.0, 2.0 / n);
  r.vr_eg = 0.99 * std::sqrt(r.vr_eg_refresh) / g.average_lipschitz();
  r.vr_halpern = 1.0 / g.average_cocoercivity();
  r.resolvent = std::sqrt(n) / g.average_lipschitz();
  r.inner_refresh = 1.0 / n;
  r.inner = 0.99 * std::sqrt(r.inner_refresh * (1 - r.inner_refresh)) / g.resolvent_lipschitz(r.resolvent);
  return r;
}

// matrix_game.py: ‖A‖₂ (`op_norm`) and ‖A‖_F (`l2_norm`) set every step.
StepRules matrix_game_script_rules(const FiniteSumGame& g) {
  const double n = static_cast<double>(g.n), spectral = g.lipschitz(), frobenius = g.matrix_game().frobenius();
  StepRules r;
  r.eg = r.eag = 5.0 / spectral;
  r.vr_eg_refresh = r.inner_refresh = 1.0 / n;
  r.vr_eg = 3.0 * std::sqrt(r.vr_eg_refresh) / frobenius;
  r.vr_halpern = 5.0 / frobenius;
  r.resolvent = std::sqrt(n) / frobenius;
  r.inner = 5.0 * std::sqrt(r.inner_refresh * (1 - r.inner_refresh)) / (std::sqrt(n) + 1.0);
  return r;
}

// quadratic_programming.py: fixed numbers (its n = 200), with the resolvent step c = √n.
StepRules quadratic_program_script_rules(const FiniteSumGame& g) {
  const double n = static_cast<double>(g.n);
  StepRules r;
  r.eg = 0.5;
  r.eag = 0.3;
  r.vr_eg_refresh = r.inner_refresh = 1.0 / n;
  r.vr_eg = 0.01;
  r.vr_halpern = 0.3;
  r.resolvent = std::sqrt(n);
  r.inner = 0.001;
  return r;
}

}  // namespace

// Which rules each problem gets: steps = lab, this lab's on every problem; steps = script, each paper problem its own script's,
// and the four others this lab's (the table refuses steps = script there, naming `steps`; a FiniteSumGame built by hand with
// it gets the lab's rules, as listed here, not a script's tuned for another instance).
StepRules step_rules(const FiniteSumGame& g) {
  if (g.steps == HalpernSteps::Lab) return lab_rules(g);
  switch (g.problem) {
    case HalpernProblem::MatrixGame: return matrix_game_script_rules(g);
    case HalpernProblem::QuadraticProgram: return quadratic_program_script_rules(g);
    case HalpernProblem::Plane:
    case HalpernProblem::IllConditioned:
    case HalpernProblem::DroLeastSquares:
    case HalpernProblem::WdroLogistic: return lab_rules(g);
  }
  return lab_rules(g);  // not reached: the switch covers every problem
}

double inexact_resolvent_step(const FiniteSumGame& g) { return step_rules(g).resolvent; }

long long inexact_inner_iterations(const FiniteSumGame& g, long long k) {
  const double n = static_cast<double>(g.n), log_k = math::log(static_cast<double>(k + 2));
  if (g.steps == HalpernSteps::Script) return static_cast<long long>(std::floor(0.05 * n * log_k));  // the scripts' int(·)
  return static_cast<long long>(std::ceil(2.0 * n * log_k));
}

double inexact_expected_calls(const FiniteSumGame& g, long long k) {
  const long long m = inexact_inner_iterations(g, k);
  return m > 0 ? static_cast<double>(g.n) + 3.0 * static_cast<double>(m) : 0.0;
}

double script_anchor(long long k) { return 2.0 / static_cast<double>(k + 4); }

double script_refresh_probability(long long n, long long k) {
  const double root = std::sqrt(static_cast<double>(n));
  if (k <= 1) return 1.0;
  return static_cast<double>(k - 1) <= root ? 4.0 / static_cast<double>(k + 4) : 4.0 / (root + 5.0);
}

long long script_batch(long long n) { return static_cast<long long>(std::floor(std::sqrt(static_cast<double>(n)))); }

}  // namespace klab::optim
