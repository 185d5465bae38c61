// The constants optim.halpern's methods step with: this lab's rules (steps = lab, the equations of halpern.hpp) or, on the
// paper's two experiments, those of its authors' public scripts (steps = script; github.com/zephyr-cai/Finite-Sum-Halpern-Iteration,
// matrix_game.py and quadratic_programming.py, read, not copied). The scripts fix their constants per problem:
//
//   method               lab (every problem)                 matrix_game script                 quadratic_program script
//   eg           τ       1/(2 L_lip)                         5/‖A‖₂                             0.5
//   eag          α       1/(8 L_lip)                         5/‖A‖₂                             0.3
//   vr_eg        p, τ    2/n, 0.99√p/L_avg                   1/n, 3√p/‖A‖_F                     1/n, 0.01
//   vr_halpern   step    1/L (λ_k = 1/(k + 2), b = ⌈√n⌉,     η = 5/‖A‖_F (Algorithm 1 below)    η = 0.3 (Algorithm 1 below)
//                        refresh 1/√n)
//   vr_halpern_inexact   η = √n/L_avg, p = 1/n,              η = √n/‖A‖_F, p = 1/n,             η = √n, p = 1/n, τ = 0.001,
//                        τ = 0.99√(p(1 − p))/L_G,            τ = 5√(p(1 − p))/(√n + 1),         M_k = ⌊0.05 n ln(k + 2)⌋
//                        M_k = ⌈2n ln(k + 2)⌉                M_k = ⌊0.05 n ln(k + 2)⌋
//
// (‖A‖₂ = L_lip by power iteration, ‖A‖_F the Frobenius norm of the game's matrix; the QP's constants are the script's numbers
// for its n = 200, used here at every n: its L_lip = 1 whatever n, so 0.5 is 1/(2 L_lip) at every n.)
// Algorithm 1 as the scripts run it (vr_halpern with steps = script), on these merely monotone problems, outside its theorem's
// cocoercivity assumption: z_{k+1} = Π_C(λ_k z₀ + (1 − λ_k) z_k − η F̃_k), λ_k = 2/(k + 4), F̃_k = F(z_k) (n calls) with
// probability p_k, else F̃_k = F̃_{k−1} + (1/b) Σ_{i∈S} (F_i(z_k) − F_i(z_{k−1})) (2b calls), S a batch of b = ⌊√n⌋ distinct
// indices; p_k = 1 for k ≤ 1, 4/(k + 4) while k − 1 ≤ √n, then 4/(√n + 5).
// steps = script on the other problems is refused by the parameter table (halpern_experiment.cpp): the scripts' constants are tuned numbers for these
// two instances (5/‖A‖₂ is 5× past extragradient's 1/L_lip limit), not rules of L that would transfer.
#pragma once

namespace klab::optim {

struct FiniteSumGame;

enum class HalpernSteps { Lab, Script };

struct StepRules {
  double eg = 0;             // eg's τ
  double eag = 0;            // eag's α
  double vr_eg_refresh = 0;  // vr_eg's p
  double vr_eg = 0;          // vr_eg's τ
  double vr_halpern = 0;     // vr_halpern's step: 1/L (lab), η (script)
  double resolvent = 0;      // vr_halpern_inexact's η (also inexact_resolvent_step)
  double inner_refresh = 0;  // VR-FoRB's p (α = 1 − p)
  double inner = 0;          // VR-FoRB's τ
};
// The rules of g's steps and problem (computed once per run: make_halpern_state keeps them in HalpernState::rules).
// steps = script: matrix_game and quadratic_program get their scripts' columns above; the other four problems, where the table
// refuses steps = script, get this lab's rules (never another problem's script).
StepRules step_rules(const FiniteSumGame& g);

// vr_halpern_inexact's resolvent step η, its inner iterations M_k and the expected oracle calls of outer step k: n + 3M_k (n for
// G(w₀), 2 per inner iteration, n·p = 1 per refresh; 0 when M_k = 0, which the script's ⌊·⌋ gives at small n and k: Ĵ(z_k) = z_k).
double inexact_resolvent_step(const FiniteSumGame& g);
long long inexact_inner_iterations(const FiniteSumGame& g, long long k);
double inexact_expected_calls(const FiniteSumGame& g, long long k);

// Algorithm 1 as the scripts run it (steps = script): λ_k, the probability p_k that F̃_k is a full F(z_k), the batch b.
double script_anchor(long long k);
double script_refresh_probability(long long n, long long k);
long long script_batch(long long n);

}  // namespace klab::optim
