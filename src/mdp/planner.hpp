// One planning method iterated on a known discounted MDP, one iteration at a time: the state the
// mdp.planning experiment records and a live view can draw (values, policy) after every step.
//
//   vi          V_{k+1} = T V_k from 0; π_k greedy in V_k                       (value_iteration.hpp)
//   pi          π_{k+1} = greedy(Q^{π_k}) from π_0 uniform (ties keep the action)  (policy_iteration.hpp)
//   soft_vi     V_{k+1} = T_τ V_k from 0; π_k = softmax(Q(V_k)/τ)                 (soft_vi.hpp)
//   mdpo        π_{k+1} ∝ π_k exp(t_k Q^{π_k}) from uniform                       (policy_optimization.hpp)
//   softmax_pg  θ_{k+1} = θ_k + η ∇_θ V^{π_θ}(ρ) from θ = 0 (uniform)
//   taylor_pi   π_{k+1} = greedy(r + γ P V_K(π_k)): policy iteration on the K-th order Taylor
//               expansion of V^π_γ around V^π_{γ_e} (a reading: see policy_optimization.hpp)
// Every method exposes its current policy π_k, its value V^{π_k} (exact) and the value estimate
// V̂_k whose Bellman residual ‖T V̂_k − V̂_k‖∞ is reported (the iterate for vi and soft_vi, V^{π_k}
// for the others).
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "mdp/evaluation.hpp"
#include "mdp/policy_optimization.hpp"

namespace klab::mdp {

enum class PlanMethod { Vi, Pi, SoftVi, Mdpo, SoftmaxPg, TaylorPi };
constexpr int kPlanMethodCount = 6;

struct PlanSettings {
  double tau = 0.1;                                  // soft VI temperature
  double mdpo_step = 1.0;                            // t_0
  StepSchedule mdpo_schedule = StepSchedule::Constant;
  double pg_lr = 1.0;                                // η
  int taylor_order = 1;                              // K
  double taylor_gamma = 0.8;                         // γ_e < γ
};

class Planner {
 public:
  Planner(const Mdp& m, PlanMethod method, const PlanSettings& settings);
  // One iteration (k → k + 1).
  void iterate();
  int iteration() const { return k_; }
  const Policy& policy() const { return pi_; }
  const Eigen::VectorXd& policy_value() const { return v_pi_; }  // V^{π_k} (S)
  const Eigen::VectorXd& estimate() const;                         // V̂_k (S)

 private:
  void set_policy(Policy pi);

  const Mdp& m_;
  PlanMethod method_;
  PlanSettings settings_;
  int k_ = 0;
  Policy pi_;
  Eigen::VectorXd v_pi_;          // V^{π_k}
  Eigen::VectorXd v_;             // vi / soft_vi iterate
  Eigen::VectorXd logits_;        // mdpo / softmax_pg θ (SA)
  std::vector<int> actions_;      // pi / taylor_pi / vi greedy actions
};

}  // namespace klab::mdp
