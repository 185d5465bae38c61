#include "mdp/robust.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mdp/value_iteration.hpp"

namespace klab::mdp {

Status check_model_set(const ModelSet& set) {
  if (set.models.empty()) return Status::error("uncertainty set: no model");
  const Mdp& a = set.models.front();
  for (size_t k = 0; k < set.models.size(); ++k) {
    const Mdp& b = set.models[k];
    if (Status s = check_mdp(b); !s.ok()) return Status::error("uncertainty set, model " + std::to_string(k) + ": " + s.message());
    if (b.states != a.states || b.first_pair != a.first_pair || b.start != a.start || b.discount != a.discount || b.horizon != 0)
      return Status::error("uncertainty set, model " + std::to_string(k) +
                           ": must share the states, the actions of every state, ρ and γ of model 0 (discounted)");
  }
  return {};
}

std::vector<double> values_over_set(const ModelSet& set, const std::vector<int>& actions) {
  std::vector<double> out;
  out.reserve(set.models.size());
  for (const Mdp& m : set.models) out.push_back(start_value(m, evaluate(m, deterministic_policy(m, actions), m.reward)));
  return out;
}

Mdp average_model(const ModelSet& set) {
  const Mdp& first = set.models.front();
  const double w = 1.0 / static_cast<double>(set.models.size());
  MdpBuilder b;
  std::vector<double> prob(static_cast<size_t>(first.states), 0.0);
  std::vector<int> touched;
  for (int s = 0; s < first.states; ++s) {
    b.add_state();
    for (int i = first.first_pair[s]; i < first.first_pair[s + 1]; ++i) {
      double reward = 0.0, cost = 0.0;
      touched.clear();
      for (const Mdp& m : set.models) {
        reward += w * m.reward[static_cast<size_t>(i)];
        cost += w * m.cost[static_cast<size_t>(i)];
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
          const size_t to = static_cast<size_t>(m.next_state[static_cast<size_t>(e)]);
          if (prob[to] == 0.0) touched.push_back(static_cast<int>(to));
          prob[to] += w * m.next_prob[static_cast<size_t>(e)];
        }
      }
      b.add_action(reward, cost);
      std::sort(touched.begin(), touched.end());
      for (int to : touched) {
        b.add_next(to, prob[static_cast<size_t>(to)]);
        prob[static_cast<size_t>(to)] = 0.0;
      }
    }
  }
  return b.finish(first.start, first.discount, 0);
}

RobustVi robust_value_iteration(const ModelSet& set, double tol, int max_iter) {
  const Mdp& first = set.models.front();
  std::vector<MdpView> views;
  for (const Mdp& m : set.models) views.push_back(view(m));
  RobustVi out;
  Eigen::VectorXd v = Eigen::VectorXd::Zero(first.states), next(first.states);
  out.actions.assign(static_cast<size_t>(first.states), 0);
  // V_{k+1}(s) = max_a min_θ [r_θ(s,a) + γ Σ T_θ(s′|s,a) V_k(s′)]: a γ-contraction (Iyengar 2005).
  for (out.sweeps = 1; out.sweeps <= max_iter; ++out.sweeps) {
    double change = 0.0;
    for (int s = 0; s < first.states; ++s) {
      double best = 0.0;
      for (int i = first.first_pair[s]; i < first.first_pair[s + 1]; ++i) {
        double worst = 0.0;
        for (size_t k = 0; k < views.size(); ++k) {
          const MdpView& m = views[k];
          const double q = m.reward[i] + m.discount * expected_next(m, v.data(), m.first_next[i], m.first_next[i + 1]);
          if (k == 0 || q < worst) worst = q;
        }
        if (i == first.first_pair[s] || worst > best) best = worst, out.actions[static_cast<size_t>(s)] = i - first.first_pair[s];
      }
      next[s] = best;
      change = std::max(change, std::fabs(best - v[s]));
    }
    v.swap(next);
    if (change <= tol) break;
  }
  out.sweeps = std::min(out.sweeps, max_iter);
  out.v = v;
  return out;
}

Iwocs::Iwocs(const ModelSet& set, int first_model) : set_(set) { add_model(first_model); }

void Iwocs::add_model(int k) {
  const Optimum o = solve_optimal(set_.models[static_cast<size_t>(k)]);
  q_min_ = found_.empty() ? o.q : q_min_.cwiseMin(o.q);
  found_.push_back(k);
}

void Iwocs::iterate() {
  ++iteration_;
  if (converged_) return;
  actions_ = greedy_actions(set_.models.front(), q_min_);
  values_ = values_over_set(set_, actions_);
  const auto worst = std::min_element(values_.begin(), values_.end());  // the first worst model
  worst_ = *worst;
  const int k = static_cast<int>(worst - values_.begin());
  if (std::find(found_.begin(), found_.end(), k) != found_.end()) converged_ = true;
  else add_model(k);
}

}  // namespace klab::mdp
