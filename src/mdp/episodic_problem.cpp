#include "mdp/episodic_problem.hpp"

#include "mdp/value_iteration.hpp"

namespace klab::mdp {

EpisodicProblem::EpisodicProblem(const Mdp& world, int horizon, double gamma) : scaled(world) {
  scaled.horizon = horizon;
  scaled.discount = gamma;
  drop_reward_outcomes(&scaled);  // the rewards are rescaled
  double lo = 0.0, hi = 0.0;
  reward_range(world, &lo, &hi);
  const double scale = hi > lo ? 1.0 / (hi - lo) : 1.0;
  for (double& r : scaled.reward) r = (r - lo) * scale;
  task.mdp = view(scaled);
  task.horizon = horizon;
  task.gamma = gamma;
  task.reward_lo = 0.0;  // scaled already holds r̃
  task.reward_scale = 1.0;
  optimum = solve_finite(scaled, scaled.reward, &greedy);
  for (int s = 0; s < scaled.states; ++s) v_star += scaled.start[static_cast<size_t>(s)] * optimum.v[static_cast<size_t>(s)];
  const int n_s = scaled.states;
  reachable.assign(static_cast<size_t>(horizon) * n_s, 0);
  for (int s = 0; s < n_s; ++s) reachable[static_cast<size_t>(s)] = scaled.start[static_cast<size_t>(s)] > 0 ? 1 : 0;
  for (int h = 0; h + 1 < horizon; ++h)
    for (int s = 0; s < n_s; ++s) {
      if (!reachable[static_cast<size_t>(h) * n_s + s]) continue;
      for (int i = scaled.first_pair[s]; i < scaled.first_pair[s + 1]; ++i)
        for (int e = scaled.first_next[i]; e < scaled.first_next[i + 1]; ++e)
          if (scaled.next_prob[e] > 0) reachable[static_cast<size_t>(h + 1) * n_s + scaled.next_state[e]] = 1;
    }
}

double EpisodicProblem::max_error(const double* q, const std::vector<double>& reference) const {
  return stage_max_error(task, reachable.data(), q, reference.data());
}

double EpisodicProblem::start_estimate(const double* q, const Policy& pi) const { return stage_start_estimate(task, q, pi.data()); }

Policy EpisodicProblem::epsilon_greedy_policy(const std::vector<double>& q, double eps) const {
  const int n_sa = scaled.pairs();
  Policy pi(q.size());
  for (int h = 0; h < task.horizon; ++h)
    for (int s = 0; s < scaled.states; ++s) {
      const size_t first = static_cast<size_t>(h) * n_sa + scaled.first_pair[s];
      const int n = scaled.actions(s);
      for (int a = 0; a < n; ++a) pi[first + a] = epsilon_greedy_prob(&q[first], n, eps, a);
    }
  return pi;
}

Policy EpisodicProblem::noisy_optimal_policy(double u) const {
  const int n_s = scaled.states, n_sa = scaled.pairs();
  Policy pi(static_cast<size_t>(task.horizon) * n_sa);
  for (int h = 0; h < task.horizon; ++h)
    for (int s = 0; s < n_s; ++s)
      for (int i = scaled.first_pair[s]; i < scaled.first_pair[s + 1]; ++i) {
        const bool best = i - scaled.first_pair[s] == greedy[static_cast<size_t>(h) * n_s + s];
        pi[static_cast<size_t>(h) * n_sa + i] = (1.0 - u) * (best ? 1.0 : 0.0) + u / scaled.actions(s);
      }
  return pi;
}

double EpisodicProblem::value(const Policy& pi) const {
  const FiniteValues v = evaluate_finite(scaled, pi, scaled.reward);
  double total = 0.0;
  for (int s = 0; s < scaled.states; ++s) total += scaled.start[static_cast<size_t>(s)] * v.v[static_cast<size_t>(s)];
  return total;
}

}  // namespace klab::mdp
