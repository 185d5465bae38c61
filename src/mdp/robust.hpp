// Robust planning over a finite set of static transition models (mdp.robust).
//
// The uncertainty set U = {T_θ} holds models of one world that share its states and actions and
// differ in their transitions and expected rewards (e.g. a gridworld's slip and wind on a grid of
// values). A policy's robust (static) value is its worst value over the set,
//   W(π) = min_{θ ∈ U} V^π_θ(ρ)                                     (the static model: the
// environment draws one θ for the whole episode). Four ways to choose π:
//
//   nominal      the optimal policy of one nominal model T_θ₀.
//   domain_rand  the optimal policy of the average model T̄ = (1/|U|) Σ_θ T_θ, r̄ = mean r_θ
//                (reading: "train on randomised models" as one MDP whose model is redrawn at every
//                step; the average of values over static draws is a different objective).
//   robust_vi    (s,a)-rectangular robust value iteration (Iyengar 2005; Nilim & El Ghaoui 2005):
//                  V(s) ← max_a min_{θ ∈ U} [ r_θ(s,a) + γ Σ_{s′} T_θ(s′|s,a) V(s′) ],
//                the dynamic model, where the adversary picks θ anew at every (s, a) and step; its
//                value ρᵀV_rect is a lower bound on its policy's static worst case (more conservative).
//   iwocs        Incremental Worst-Case Search (Zouitine, Geist & Rachelson, "Solving robust MDPs as
//                a sequence of static RL problems", 2024): keep a growing set M of worst-case models,
//                  Q_M(s,a) = min_{θ ∈ M} Q*_θ(s,a),   π_i = greedy(Q_M),
//                  θ_{i+1} = argmin_{θ ∈ U} V^{π_i}_θ(ρ)   (the worst-case search, exhaustive on U),
//                add θ_{i+1} to M, solve its static problem Q*_{θ_{i+1}}, and stop when the worst
//                case is a model already in M. Each step is an ordinary (static) MDP problem. The
//                paper's tabular algorithm is a meta-algorithm: the pessimistic Q as the minimum of
//                the found models' optimal Q-functions and the exhaustive search are our reading.
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "mdp/evaluation.hpp"
#include "mdp/policy_iteration.hpp"

namespace klab::mdp {

// Models of one world: same states, same actions per state (checked by check_model_set).
struct ModelSet {
  std::vector<Mdp> models;
};

// The models share S, the actions of every state and ρ; γ equal. Messages name the model.
Status check_model_set(const ModelSet& set);

// V^π_θ(ρ) for every model of the set (deterministic policy, one action per state).
std::vector<double> values_over_set(const ModelSet& set, const std::vector<int>& actions);

// The average model T̄, r̄ (successor lists merged; probabilities and rewards averaged).
Mdp average_model(const ModelSet& set);

// (s,a)-rectangular robust value iteration to ‖V_{k+1} − V_k‖∞ ≤ tol (at most max_iter sweeps).
struct RobustVi {
  Eigen::VectorXd v;         // V_rect (S)
  std::vector<int> actions;  // its greedy policy
  int sweeps = 0;
};
RobustVi robust_value_iteration(const ModelSet& set, double tol, int max_iter);

// Incremental Worst-Case Search, one iteration at a time.
class Iwocs {
 public:
  Iwocs(const ModelSet& set, int first_model);
  // π_i for the current M, its values over the set and the next worst case; adds it to M unless
  // it is already there (then converged()).
  void iterate();
  int iteration() const { return iteration_; }
  bool converged() const { return converged_; }
  const std::vector<int>& actions() const { return actions_; }       // π_i (S)
  const std::vector<double>& values() const { return values_; }      // V^{π_i}_θ(ρ), θ ∈ U
  double worst_case() const { return worst_; }                       // min over U
  const std::vector<int>& found() const { return found_; }           // M, in the order found

 private:
  void add_model(int k);

  const ModelSet& set_;
  std::vector<int> found_;
  Eigen::VectorXd q_min_;  // Q_M (SA)
  std::vector<int> actions_;
  std::vector<double> values_;
  double worst_ = 0.0;
  int iteration_ = 0;
  bool converged_ = false;
};

}  // namespace klab::mdp
