// One off-policy evaluator of mdp.learning run episode by episode: Retrace, tree backup or RBIS
// (traces.hpp, Daley et al., ICML 2023) evaluating the target π from behaviour μ on an episodic
// problem (episodic_problem.hpp), with its stage-indexed Q̂ and its error |V̂(ρ; π) − V(ρ; π)|.
// The experiment's runs and the live view both step this class, so the view's run 1 is the Runs
// tab's run 1, episode for episode (as ControlLearner is for the control learners).
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/traces.hpp"

namespace klab::mdp {

// What the evaluators evaluate: π = ε_π-greedy(Q*_h), μ = ε_μ-greedy(Q*_h) (both H·SA), and the
// exact start value V(ρ; π).
struct OffPolicyTask {
  Policy target, behaviour;
  double target_value = 0.0;
};
OffPolicyTask off_policy_task(const EpisodicProblem& problem, double target_eps, double behaviour_eps);

class TraceEvaluator {
 public:
  // `problem` and `task` must outlive the evaluator. Every evaluator of a run draws from the same
  // behaviour stream: every method and λ sees the same trajectories.
  TraceEvaluator(const EpisodicProblem& problem, const OffPolicyTask& task, TraceMethod method, double lambda, double alpha, uint64_t seed,
                 uint32_t run);
  // Runs episode k = episodes_done() under μ and updates Q̂ online.
  void run_episode();

  uint32_t episodes_done() const { return episode_; }
  const std::vector<double>& q() const { return q_; }              // (H·SA) Q̂_h
  const std::vector<uint32_t>& visits() const { return visits_; }  // (SA) visits of each pair so far
  // |V̂(ρ; π) − V(ρ; π)|: the error of the start value Σ_s ρ(s) Σ_a π_0(a|s) Q̂_0(s, a).
  double error() const;

 private:
  const EpisodicProblem& problem_;
  const OffPolicyTask& task_;
  TraceMethod method_;
  double lambda_, alpha_;
  uint64_t seed_;
  uint32_t run_;
  Rng rng_;
  std::vector<double> q_, beta_, decay_;  // (H·SA), the trace buffers (H)
  std::vector<uint32_t> visits_;          // (SA)
  std::vector<int> pairs_;                // (H)
  uint32_t episode_ = 0;
};

}  // namespace klab::mdp
