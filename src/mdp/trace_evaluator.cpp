#include "mdp/trace_evaluator.hpp"

#include <cmath>

namespace klab::mdp {

OffPolicyTask off_policy_task(const EpisodicProblem& problem, double target_eps, double behaviour_eps) {
  OffPolicyTask t;
  t.target = problem.epsilon_greedy_policy(problem.optimum.q, target_eps);
  t.behaviour = problem.epsilon_greedy_policy(problem.optimum.q, behaviour_eps);
  t.target_value = problem.value(t.target);
  return t;
}

TraceEvaluator::TraceEvaluator(const EpisodicProblem& problem, const OffPolicyTask& task, TraceMethod method, double lambda, double alpha,
                               uint64_t seed, uint32_t run)
    : problem_(problem), task_(task), method_(method), lambda_(lambda), alpha_(alpha), seed_(seed), run_(run), rng_(seed, run, kTraceStream) {
  const int horizon = problem_.task.horizon;
  q_.assign(static_cast<size_t>(horizon) * problem_.scaled.pairs(), 0.0);
  visits_.assign(static_cast<size_t>(problem_.scaled.pairs()), 0);
  pairs_.assign(static_cast<size_t>(horizon), 0);
  beta_.assign(static_cast<size_t>(horizon), 0.0);
  decay_.assign(static_cast<size_t>(horizon), 0.0);
}

void TraceEvaluator::run_episode() {
  const TraceBuffer buf{pairs_.data(), beta_.data(), decay_.data()};
  trace_episode(problem_.task, method_, lambda_, alpha_, task_.target.data(), task_.behaviour.data(), episode_, q_.data(), visits_.data(), buf, rng_,
                seed_, run_);
  ++episode_;
}

double TraceEvaluator::error() const { return std::fabs(problem_.start_estimate(q_.data(), task_.target) - task_.target_value); }

}  // namespace klab::mdp
