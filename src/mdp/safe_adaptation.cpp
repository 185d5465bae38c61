#include "mdp/safe_adaptation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mdp/occupancy.hpp"
#include "mdp/primal_dual.hpp"

namespace klab::mdp {
namespace {

constexpr int kAlphaHalvings = 20;      // α, α/2, ..., α/2²⁰
constexpr double kLambdaFirst = 1e-3;   // the scan λ_j = 10⁻³·8^j, j < kLambdaScan (up to ≈ 1.7·10⁴)
constexpr int kLambdaScan = 9;
constexpr int kBisections = 24;         // λ* to 8⁻¹·2⁻²⁴ of its bracket
constexpr int kDualScan = 12;           // the KL dual's scan u_j = 10⁻³·8^j, j < 12 (up to ≈ 8.6·10⁶)
constexpr int kDualBisections = 50;     // u* to 8⁻¹·2⁻⁵⁰ of its bracket: the root of g′ to double precision

// log π (−∞ where π = 0), computed once per step.
std::vector<double> log_policy(const Policy& pi) {
  std::vector<double> out(pi.size());
  for (size_t i = 0; i < pi.size(); ++i) out[i] = pi[i] > 0.0 ? std::log(pi[i]) : -std::numeric_limits<double>::infinity();
  return out;
}

// π_{α,λ} from log π (see tilted_policy).
void tilt(const Mdp& m, const std::vector<double>& log_pi, const PolicyStats& st, double alpha, double lambda, Policy& out) {
  out.resize(log_pi.size());
  for (int s = 0; s < m.states; ++s) {
    const int lo = m.first_pair[s], hi = m.first_pair[s + 1];
    double top = -std::numeric_limits<double>::infinity();
    for (int i = lo; i < hi; ++i) top = std::max(top, out[static_cast<size_t>(i)] = log_pi[static_cast<size_t>(i)] + alpha * (st.ar[i] - lambda * st.ac[i]));
    double z = 0.0;
    for (int i = lo; i < hi; ++i) z += out[static_cast<size_t>(i)] = std::exp(out[static_cast<size_t>(i)] - top);
    for (int i = lo; i < hi; ++i) out[static_cast<size_t>(i)] /= z;
  }
}

// kl_terms from log π (computed once per step by the caller: −∞ where π = 0, as log_policy).
KlTerms kl_terms_from_log(const Mdp& m, const std::vector<double>& log_pi, const PolicyStats& st, const Policy& next) {
  KlTerms t;
  for (int s = 0; s < m.states; ++s) {
    double r = 0.0, c = 0.0, kl = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      const double p = next[static_cast<size_t>(i)];
      r += p * st.ar[i], c += p * st.ac[i];
      if (p > 0.0) kl += p * (std::log(p) - log_pi[static_cast<size_t>(i)]);
    }
    t.reward += st.d[s] * r, t.cost += st.d[s] * c, t.kl += st.d[s] * kl;
  }
  return t;
}

}  // namespace

PolicyStats policy_stats(const Mdp& m, const Policy& pi) {
  PolicyStats st;
  Eigen::VectorXd vr, vc;
  evaluate_reward_cost(m, pi, &vr, &vc);
  st.ar = q_from_v(m, vr, m.reward);
  st.ac = q_from_v(m, vc, m.cost);
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) st.ar[i] -= vr[s], st.ac[i] -= vc[s];
  st.d = state_distribution(m, pi);
  st.reward = start_value(m, vr);
  st.cost = start_value(m, vc);
  return st;
}

void tilted_policy(const Mdp& m, const Policy& pi, const PolicyStats& st, double alpha, double lambda, Policy& out) {
  tilt(m, log_policy(pi), st, alpha, lambda, out);
}

double cost_bound(const Mdp& m, const Policy& pi, const PolicyStats& st, const Policy& next) {
  const double g = m.discount;
  double linear = 0.0, tv = 0.0, eps = 0.0;
  for (int s = 0; s < m.states; ++s) {
    double gain = 0.0, distance = 0.0;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      gain += next[static_cast<size_t>(i)] * st.ac[i];
      distance += std::abs(next[static_cast<size_t>(i)] - pi[static_cast<size_t>(i)]);
    }
    linear += st.d[s] * gain;
    tv += st.d[s] * 0.5 * distance;
    eps = std::max(eps, std::abs(gain));
  }
  return st.cost + (linear + 2.0 * g * eps / (1.0 - g) * tv) / (1.0 - g);
}

SafeStep safe_adaptation_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, double alpha, Certificate certificate) {
  SafeStep best;
  best.bound = std::numeric_limits<double>::infinity();
  Policy candidate;
  const std::vector<double> log_pi = log_policy(pi);
  // U at (a, λ); keeps the least-U candidate for the case that none is certified.
  const auto bound_at = [&](double a, double lambda) {
    tilt(m, log_pi, st, a, lambda, candidate);
    const double u = certificate == Certificate::Bound ? cost_bound(m, pi, st, candidate) : start_value(m, evaluate(m, candidate, m.cost));
    if (u < best.bound) best.policy = candidate, best.alpha = a, best.lambda = lambda, best.bound = u;
    return u;
  };
  const auto certified = [&](double a, double lambda) {
    SafeStep out;
    out.bound = bound_at(a, lambda);
    out.policy = candidate, out.alpha = a, out.lambda = lambda, out.certified = true;
    return out;
  };
  double a = alpha;
  for (int halving = 0; halving <= kAlphaHalvings; ++halving, a *= 0.5) {
    if (bound_at(a, 0.0) <= budget) return certified(a, 0.0);
    double lambda = kLambdaFirst, below = 0.0;
    for (int j = 0; j < kLambdaScan; ++j, below = lambda, lambda *= 8.0) {
      if (bound_at(a, lambda) > budget) continue;
      double lo = below, hi = lambda;  // U(lo) > b ≥ U(hi): the smallest certified λ lies in (lo, hi]
      for (int k = 0; k < kBisections; ++k) {
        const double mid = 0.5 * (lo + hi);
        (bound_at(a, mid) <= budget ? hi : lo) = mid;
      }
      return certified(a, hi);
    }
  }
  return best;
}

KlTerms kl_terms(const Mdp& m, const Policy& pi, const PolicyStats& st, const Policy& next) {
  return kl_terms_from_log(m, log_policy(pi), st, next);
}

double kl_surrogate_cost(const Mdp& m, const PolicyStats& st, const KlTerms& t, double cost_kl_weight) {
  return st.cost + t.cost / (1.0 - m.discount) + cost_kl_weight * t.kl;
}

SafeStep kl_dual_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, double kl_weight, double cost_kl_weight) {
  const std::vector<double> log_pi = log_policy(pi);
  SafeStep out;
  // π_u and S(π_u) into `out`.
  const auto at = [&](double u) {
    const double eta = kl_weight + (1.0 - m.discount) * u * cost_kl_weight;
    tilt(m, log_pi, st, 1.0 / eta, u, out.policy);
    out.alpha = 1.0 / eta, out.lambda = u;
    out.bound = kl_surrogate_cost(m, st, kl_terms_from_log(m, log_pi, st, out.policy), cost_kl_weight);
    out.certified = out.bound <= budget;
    return out.certified;
  };
  if (at(0.0)) return out;  // g′(0) ≥ 0: u* = 0
  double u = kLambdaFirst, below = 0.0;
  for (int j = 0; j < kDualScan; ++j, below = u, u *= 8.0) {
    if (!at(u)) continue;
    double lo = below, hi = u;  // S(π_lo) > b ≥ S(π_hi): the root of g′ lies in (lo, hi]
    for (int k = 0; k < kDualBisections; ++k) {
      const double mid = 0.5 * (lo + hi);
      (at(mid) ? hi : lo) = mid;
    }
    at(hi);
    return out;
  }
  return out;  // the surrogate is infeasible for every u scanned: π_u at the last u
}

SafeStep safe_step(const Mdp& m, const Policy& pi, const PolicyStats& st, double budget, const SafeStepRule& rule) {
  return rule.rule == SafeRule::KlDual ? kl_dual_step(m, pi, st, budget, rule.kl_weight, rule.cost_kl_weight)
                                       : safe_adaptation_step(m, pi, st, budget, rule.alpha, rule.certificate);
}

}  // namespace klab::mdp
