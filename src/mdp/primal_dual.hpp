// Lagrangian primal-dual learning for a discounted CMDP (Altman 1999): maximise V_r^π(ρ) subject to
// V_c^π(ρ) ≤ b, through the saddle point of L(π, λ) = V_r^π(ρ) − λ (V_c^π(ρ) − b), λ ≥ 0.
//
//   primal (natural policy gradient = exact MDPO step on the Lagrangian, softmax policy):
//       π_{k+1}(a|s) ∝ π_k(a|s) exp(η_π (Q̂_r^{π_k}(s, a) − λ_k Q̂_c^{π_k}(s, a)))
//   dual, plain (projected gradient descent on λ; Ding, Zhang, Başar & Jovanović, "Natural Policy
//   Gradient Primal-Dual Method for Constrained MDPs", NeurIPS 2020):
//       λ_{k+1} = [λ_k + η_λ (V̂_c^{π_k}(ρ) − b)]₊
//   dual, PID (Stooke, Achiam & Abbeel, "Responsive Safety in Reinforcement Learning by PID
//   Lagrangian Methods", ICML 2020, Algorithm 2 as read from the paper's description):
//       e_k = V̂_c − b,  I_k = [I_{k−1} + e_k]₊,  D_k = [V̂_c^{π_k} − V̂_c^{π_{k−1}}]₊,
//       λ_{k+1} = [K_P e_k + η_λ I_k + K_D D_k]₊      (K_P = K_D = 0 is the plain update)
// Q̂ and V̂ come from an estimated model P̂_k: `samples` draws of s′ per (s, a) from a generative
// model, fresh each iteration (samples = 0: the exact model). The last iterate's λ_k and π_k
// oscillate around the saddle point; the average of the iterates' occupancy measures (whose reward
// and cost are the averages of V_r^{π_k}(ρ), V_c^{π_k}(ρ), occupancy.hpp) converges — the
// "averaged iterates" fix; PID damps the oscillation of the last iterate itself.
#pragma once
#include <Eigen/Dense>

#include "core/rng.hpp"
#include "mdp/evaluation.hpp"

namespace klab::mdp {

struct PrimalDualSettings {
  double policy_step = 1.0;  // η_π
  double dual_step = 1.0;    // η_λ (the integral gain of PID)
  double kp = 0.0, kd = 0.0; // PID proportional and derivative gains
};

// The MDP with each pair's transitions replaced by the empirical distribution of `samples` draws
// (same CSR entries; probabilities count/samples). The draws of pair i at iteration k read one
// stream from block (i << 32) + k·⌈samples/2⌉ (a uniform takes half a block): the same model for
// every learner at iteration k (common random numbers), for samples ≤ kMaxModelSamples and
// k·⌈samples/2⌉ < 2³².
constexpr int kMaxModelSamples = 10000;
Mdp sampled_model(const Mdp& m, int samples, uint64_t seed, uint32_t run, uint32_t stream, uint32_t iteration);

// V_r^π and V_c^π (S each) with one factorisation.
void evaluate_reward_cost(const Mdp& m, const Policy& pi, Eigen::VectorXd* vr, Eigen::VectorXd* vc);

class PrimalDual {
 public:
  PrimalDual(const Mdp& m, double budget, const PrimalDualSettings& s);
  // One primal and one dual step with values from `model` (P̂_k, same structure as m).
  void iterate(const Mdp& model);
  const Policy& policy() const { return pi_; }
  double lambda() const { return lambda_; }

 private:
  const Mdp& m_;
  double budget_;
  PrimalDualSettings s_;
  Eigen::VectorXd logits_;  // (SA)
  Policy pi_;
  double lambda_ = 0.0, integral_ = 0.0, previous_cost_ = 0.0;
  bool first_ = true;
};

}  // namespace klab::mdp
