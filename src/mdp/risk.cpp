#include "mdp/risk.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace klab::mdp {
namespace {

// |r·k − round(r·k)| small enough that r is an integer multiple of 1/k.
bool on_lattice(double r, int k) {
  const double x = r * k;
  return std::fabs(x - std::nearbyint(x)) <= 1e-9 * std::max(1.0, std::fabs(x));
}

// Best action of state s by `q` (per pair), ties (within 1e-12 relative) to the larger `tie` value,
// then to the lower index.
int best_action(const Mdp& m, int s, const double* q, const double* tie) {
  const int begin = m.first_pair[s];
  int best = 0;
  for (int a = 1; a < m.actions(s); ++a) {
    const double qa = q[a], qb = q[best];
    const double tol = 1e-12 * (1.0 + std::fabs(qb));
    if (qa > qb + tol || (tie && std::fabs(qa - qb) <= tol && tie[begin + a] > tie[begin + best])) best = a;
  }
  return best;
}

// Risk-neutral optimal values W_h(s) ((H + 1) × S, W_H = 0) and action values Q_h(s, a) (H × SA).
void risk_neutral_values(const Mdp& m, const StockLattice& L, std::vector<double>* w, std::vector<double>* q) {
  const int H = L.horizon, S = m.states, SA = m.pairs();
  w->assign(static_cast<size_t>(H + 1) * S, 0.0);
  q->assign(static_cast<size_t>(H) * SA, 0.0);
  for (int h = H - 1; h >= 0; --h) {
    const double* next = w->data() + static_cast<size_t>(h + 1) * S;
    double* qh = q->data() + static_cast<size_t>(h) * SA;
    for (int s = 0; s < S; ++s) {
      double best = -INFINITY;
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        double v = 0.0;
        for (int o = L.first[i]; o < L.first[i + 1]; ++o) v += L.prob[o] * (L.units[o] * L.quantum + next[L.next[o]]);
        qh[i] = v;
        best = std::max(best, v);
      }
      (*w)[static_cast<size_t>(h) * S + s] = best;
    }
  }
}

StockPolicy markov_policy(const Mdp& m, int horizon, const std::vector<double>& q, const std::vector<double>* tie) {
  StockPolicy pi;
  pi.horizon = horizon, pi.states = m.states;
  pi.markov.resize(static_cast<size_t>(horizon) * m.states);
  const size_t SA = static_cast<size_t>(m.pairs());
  for (int h = 0; h < horizon; ++h)
    for (int s = 0; s < m.states; ++s)
      pi.markov[static_cast<size_t>(h) * m.states + s] =
          best_action(m, s, q.data() + h * SA + m.first_pair[s], tie ? tie->data() + h * SA : nullptr);
  return pi;
}

// The inner DP of the CVaR search for one threshold B (units of δ): V_h(s, c) of f_B(c_H) =
// min(c_H − B, 0)·δ on every reachable (s, c) ∈ R_h, by closed forms where the policy no longer
// matters (risk.hpp), by the Bellman maximum elsewhere.
class ThresholdDp {
 public:
  ThresholdDp(const Mdp& m, const StockLattice& L, const std::vector<double>& w, const std::vector<double>& q) : m_(m), L_(L), w_(w), q_(q) {}

  // Fills the tables for B; returns Σ_s ρ(s) V_0(s, 0) = max_π E[min(G − B·δ, 0)] = −min_π E[(B·δ − G)⁺].
  double solve(int64_t b) {
    b_ = b;
    const int H = L_.horizon;
    value_.assign(static_cast<size_t>(H) + 1, {}), action_.assign(static_cast<size_t>(H), {});
    const std::vector<StockState>& last = L_.states.back();
    value_.back().resize(last.size());
    for (size_t k = 0; k < last.size(); ++k) value_.back()[k] = static_cast<double>(std::min<int64_t>(last[k].c - b, 0)) * L_.quantum;
    std::vector<double> qa(static_cast<size_t>(m_.max_actions()));
    for (int h = H - 1; h >= 0; --h) {
      const std::vector<StockState>& R = L_.states[static_cast<size_t>(h)];
      std::vector<double>& v = value_[static_cast<size_t>(h)];
      std::vector<int>& act = action_[static_cast<size_t>(h)];
      v.resize(R.size()), act.resize(R.size());
      const int64_t n = H - h;
      const double* tie = q_.data() + static_cast<size_t>(h) * m_.pairs();
      for (size_t k = 0; k < R.size(); ++k) {
        const int s = R[k].s;
        const int64_t c = R[k].c;
        const int neutral = best_action(m_, s, tie + m_.first_pair[s], nullptr);
        if (c + n * L_.reward_hi <= b) {  // every final stock ≤ B: f_B is linear, the risk-neutral optimum
          v[k] = static_cast<double>(c - b) * L_.quantum + w_[static_cast<size_t>(h) * m_.states + s], act[k] = neutral;
          continue;
        }
        if (c + n * L_.reward_lo >= b) {  // every final stock ≥ B: f_B = 0 whatever the policy
          v[k] = 0.0, act[k] = neutral;
          continue;
        }
        const int* to = L_.successor[static_cast<size_t>(h)].data() + L_.first_successor[static_cast<size_t>(h)][k] - L_.first[m_.first_pair[s]];
        const std::vector<double>& later = value_[static_cast<size_t>(h) + 1];
        for (int i = m_.first_pair[s]; i < m_.first_pair[s + 1]; ++i) {
          double x = 0.0;
          for (int o = L_.first[i]; o < L_.first[i + 1]; ++o)
            if (to[o] >= 0) x += L_.prob[o] * later[static_cast<size_t>(to[o])];
          qa[static_cast<size_t>(i - m_.first_pair[s])] = x;
        }
        act[k] = best_action(m_, s, qa.data(), tie);
        v[k] = qa[static_cast<size_t>(act[k])];
      }
    }
    double u = 0.0;
    for (int s = 0; s < m_.states; ++s)
      if (m_.start[static_cast<size_t>(s)] > 0.0) u += m_.start[static_cast<size_t>(s)] * value_[0][static_cast<size_t>(L_.find(0, s, 0))];
    return u;
  }

  // The stock-dependent policy of the last B solved.
  std::vector<std::vector<int>> actions() const { return action_; }

 private:
  const Mdp& m_;
  const StockLattice& L_;
  const std::vector<double>& w_;
  const std::vector<double>& q_;
  int64_t b_ = 0;
  std::vector<std::vector<double>> value_;  // (H + 1) × |R_h|
  std::vector<std::vector<int>> action_;    // (H) × |R_h|
};

}  // namespace

int reward_denominator(const std::vector<double>& rewards) {
  for (int k = 1; k <= kMaxRewardDenominator; ++k)
    if (std::all_of(rewards.begin(), rewards.end(), [k](double r) { return on_lattice(r, k); })) return k;
  return 0;
}

int reward_denominator(double r) { return reward_denominator(std::vector<double>{r}); }

Expected<StockLattice> stock_lattice(const Mdp& m) {
  if (m.horizon < 1) return Status::error("horizon: the return-distribution DP needs a finite horizon H ≥ 1");
  if (m.discount != 1.0) return Status::error("discount: the return-distribution DP sums undiscounted rewards (γ = 1)");
  StockLattice L;
  L.horizon = m.horizon;
  // The outcomes of every pair, as real rewards first.
  std::vector<double> reward;
  L.first.push_back(0);
  for (int i = 0; i < m.pairs(); ++i) {
    for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) {
      if (!m.has_reward_outcomes()) {
        L.next.push_back(m.next_state[e]), L.prob.push_back(m.next_prob[e]), reward.push_back(m.reward[static_cast<size_t>(i)]);
        continue;
      }
      for (int k = m.first_outcome[static_cast<size_t>(e)]; k < m.first_outcome[static_cast<size_t>(e) + 1]; ++k) {
        L.next.push_back(m.next_state[e]);
        L.prob.push_back(m.next_prob[e] * m.outcome_prob[static_cast<size_t>(k)]);
        reward.push_back(m.outcome_reward[static_cast<size_t>(k)]);
      }
    }
    L.first.push_back(static_cast<int>(L.next.size()));
  }
  const int denominator = reward_denominator(reward);
  if (denominator == 0)
    return Status::error("rewards: the exact return distribution needs every reward to be a multiple of 1/k for some k ≤ " +
                         std::to_string(kMaxRewardDenominator));
  L.quantum = 1.0 / denominator;
  for (double r : reward) {
    if (std::fabs(r) * denominator * m.horizon > kMaxStockUnits) return Status::error("rewards: |reward| × horizon is too large for exact stocks");
    L.units.push_back(static_cast<int64_t>(std::llround(r * denominator)));
  }
  L.reward_lo = *std::min_element(L.units.begin(), L.units.end());
  L.reward_hi = *std::max_element(L.units.begin(), L.units.end());
  std::vector<StockState> reached;
  for (int s = 0; s < m.states; ++s)
    if (m.start[static_cast<size_t>(s)] > 0.0) reached.push_back({s, 0});
  L.states.push_back(reached);
  long long entries = static_cast<long long>(reached.size()), work = 0;
  const auto compact = [](std::vector<StockState>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  for (int h = 0; h < m.horizon; ++h) {
    std::vector<StockState> next;
    for (const StockState& x : L.states.back()) {
      const int outcomes = L.first[m.first_pair[x.s + 1]] - L.first[m.first_pair[x.s]];
      // Every DP over the lattice visits each outcome of each (s, c) once: bound that, not only the states.
      if ((work += outcomes) > kMaxStockWork)
        return Status::error("horizon: more than " + std::to_string(kMaxStockWork) + " (state, stock, outcome) visits per DP by step " + std::to_string(h + 1) +
                             "; choose a shorter horizon");
      for (int i = m.first_pair[x.s]; i < m.first_pair[x.s + 1]; ++i)
        for (int o = L.first[i]; o < L.first[i + 1]; ++o)
          if (L.prob[o] > 0.0) next.push_back({L.next[o], x.c + L.units[o]});
      if (static_cast<long long>(next.size()) <= kMaxStockEntries) continue;
      compact(next);  // many duplicates: memory stays bounded
      if (entries + static_cast<long long>(next.size()) > kMaxStockEntries) break;
    }
    compact(next);
    entries += static_cast<long long>(next.size());
    if (entries > kMaxStockEntries)
      return Status::error("horizon: more than " + std::to_string(kMaxStockEntries) + " reachable (step, state, stock) triples by step " + std::to_string(h + 1) +
                           "; choose a shorter horizon");
    L.states.push_back(std::move(next));
    // The successor table of step h (−1 for outcomes of probability 0, which lead nowhere).
    std::vector<int> first{0}, to;
    for (const StockState& x : L.states[static_cast<size_t>(h)]) {
      for (int o = L.first[m.first_pair[x.s]]; o < L.first[m.first_pair[x.s + 1]]; ++o) to.push_back(L.prob[o] > 0.0 ? L.find(h + 1, L.next[o], x.c + L.units[o]) : -1);
      first.push_back(static_cast<int>(to.size()));
    }
    L.first_successor.push_back(std::move(first));
    L.successor.push_back(std::move(to));
  }
  for (const StockState& x : L.states.back()) L.finals.push_back(x.c);
  std::sort(L.finals.begin(), L.finals.end());
  L.finals.erase(std::unique(L.finals.begin(), L.finals.end()), L.finals.end());
  return L;
}

int StockLattice::find(int h, int s, int64_t c) const {
  const std::vector<StockState>& R = states[static_cast<size_t>(h)];
  const StockState key{s, c};
  const auto it = std::lower_bound(R.begin(), R.end(), key);
  return it != R.end() && *it == key ? static_cast<int>(it - R.begin()) : -1;
}

int StockPolicy::action(const StockLattice& lattice, int h, int s, int64_t stock) const {
  if (!stock_action.empty()) {
    const int k = lattice.find(h, s, stock);
    if (k >= 0) return stock_action[static_cast<size_t>(h)][static_cast<size_t>(k)];
  }
  return markov[static_cast<size_t>(h) * states + s];
}

double distribution_mean(const ReturnDistribution& d) {
  double m = 0.0;
  for (size_t k = 0; k < d.values.size(); ++k) m += d.probs[k] * d.values[k];
  return m;
}

double distribution_cvar(const ReturnDistribution& d, double alpha) {
  double mass = 0.0, sum = 0.0;
  for (size_t k = 0; k < d.values.size(); ++k) {
    const double take = std::min(d.probs[k], alpha - mass);
    sum += take * d.values[k];
    mass += take;
    if (mass >= alpha) break;
  }
  return sum / alpha;
}

double certainty_equivalent(const ReturnDistribution& d, double beta) {
  double top = -INFINITY;
  for (size_t k = 0; k < d.values.size(); ++k)
    if (d.probs[k] > 0.0) top = std::max(top, -beta * d.values[k]);
  double sum = 0.0;
  for (size_t k = 0; k < d.values.size(); ++k)
    if (d.probs[k] > 0.0) sum += d.probs[k] * std::exp(-beta * d.values[k] - top);
  return -(top + std::log(sum)) / beta;
}

ReturnDistribution empirical_distribution(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  ReturnDistribution d;
  const double w = 1.0 / static_cast<double>(samples.size());
  for (double x : samples) {
    if (!d.values.empty() && d.values.back() == x) {
      d.probs.back() += w;
    } else {
      d.values.push_back(x), d.probs.push_back(w);
    }
  }
  return d;
}

std::vector<std::vector<double>> stock_occupancy(const Mdp& m, const StockLattice& L, const StockPolicy& pi, bool keep_layers) {
  std::vector<std::vector<double>> mass(1, std::vector<double>(L.states[0].size(), 0.0));
  for (size_t k = 0; k < mass[0].size(); ++k) mass[0][k] = m.start[static_cast<size_t>(L.states[0][k].s)];
  for (int h = 0; h < L.horizon; ++h) {
    const std::vector<StockState>& R = L.states[static_cast<size_t>(h)];
    std::vector<double> next(L.states[static_cast<size_t>(h) + 1].size(), 0.0);
    const std::vector<double>& now = mass.back();
    for (size_t k = 0; k < R.size(); ++k) {
      if (now[k] == 0.0) continue;
      const int i = m.first_pair[R[k].s] + pi.action(L, h, R[k].s, R[k].c);
      const int* to = L.successor[static_cast<size_t>(h)].data() + L.first_successor[static_cast<size_t>(h)][k] - L.first[m.first_pair[R[k].s]];
      for (int o = L.first[i]; o < L.first[i + 1]; ++o)
        if (to[o] >= 0) next[static_cast<size_t>(to[o])] += now[k] * L.prob[o];
    }
    if (keep_layers) {
      mass.push_back(std::move(next));
    } else {
      mass.back() = std::move(next);
    }
  }
  return mass;
}

ReturnDistribution final_distribution(const StockLattice& L, const std::vector<double>& last_mass) {
  // Sum over states by final stock.
  std::vector<double> by_stock(L.finals.size(), 0.0);
  const std::vector<StockState>& last = L.states.back();
  for (size_t k = 0; k < last.size(); ++k)
    by_stock[static_cast<size_t>(std::lower_bound(L.finals.begin(), L.finals.end(), last[k].c) - L.finals.begin())] += last_mass[k];
  ReturnDistribution d;
  for (size_t k = 0; k < by_stock.size(); ++k)
    if (by_stock[k] > 0.0) d.values.push_back(static_cast<double>(L.finals[k]) * L.quantum), d.probs.push_back(by_stock[k]);
  return d;
}

ReturnDistribution return_distribution(const Mdp& m, const StockLattice& L, const StockPolicy& pi) {
  return final_distribution(L, stock_occupancy(m, L, pi, /*keep_layers=*/false).back());
}

double sample_return(const Mdp& m, const StockLattice& L, const StockPolicy& pi, Rng& rng, std::vector<int>* states) {
  int s = sample_start(view(m), rng.uniform());
  int64_t c = 0;
  if (states) states->assign(1, s);
  for (int h = 0; h < L.horizon; ++h) {
    const int i = m.first_pair[s] + pi.action(L, h, s, c);
    const double u = rng.uniform();
    int o = L.first[i];
    double cumulative = L.prob[o];
    while (o + 1 < L.first[i + 1] && u >= cumulative) cumulative += L.prob[++o];  // the last outcome takes any remainder
    c += L.units[o];
    s = L.next[o];
    if (states) states->push_back(s);
  }
  return static_cast<double>(c) * L.quantum;
}

std::vector<double> optimal_values_to_go(const Mdp& m, const StockLattice& L) {
  std::vector<double> w, q;
  risk_neutral_values(m, L, &w, &q);
  return w;
}

StockPolicy risk_neutral_policy(const Mdp& m, const StockLattice& L) {
  std::vector<double> w, q;
  risk_neutral_values(m, L, &w, &q);
  return markov_policy(m, m.horizon, q, nullptr);
}

std::vector<double> entropic_q_values(const Mdp& m, const StockLattice& L, double beta) {
  const int H = L.horizon, S = m.states, SA = m.pairs();
  std::vector<double> w(static_cast<size_t>(S), 0.0), q(static_cast<size_t>(H) * SA, 0.0);
  for (int h = H - 1; h >= 0; --h) {
    double* qh = q.data() + static_cast<size_t>(h) * SA;
    std::vector<double> wh(static_cast<size_t>(S), -INFINITY);
    for (int s = 0; s < S; ++s)
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
        // −(1/β) log Σ p exp(−β(r + W(s′))), by log-sum-exp around the largest exponent.
        double top = -INFINITY;
        for (int o = L.first[i]; o < L.first[i + 1]; ++o)
          if (L.prob[o] > 0.0) top = std::max(top, -beta * (L.units[o] * L.quantum + w[static_cast<size_t>(L.next[o])]));
        double sum = 0.0;
        for (int o = L.first[i]; o < L.first[i + 1]; ++o)
          if (L.prob[o] > 0.0) sum += L.prob[o] * std::exp(-beta * (L.units[o] * L.quantum + w[static_cast<size_t>(L.next[o])]) - top);
        qh[i] = -(top + std::log(sum)) / beta;
        wh[static_cast<size_t>(s)] = std::max(wh[static_cast<size_t>(s)], qh[i]);
      }
    w = std::move(wh);
  }
  return q;
}

StockPolicy entropic_policy(const Mdp& m, const StockLattice& L, double beta) { return markov_policy(m, L.horizon, entropic_q_values(m, L, beta), nullptr); }

StockPolicy greedy_markov_policy(const Mdp& m, int horizon, const std::vector<double>& q) { return markov_policy(m, horizon, q, nullptr); }

CvarSolution cvar_policy(const Mdp& m, const StockLattice& L, double alpha) {
  std::vector<double> w, q;
  risk_neutral_values(m, L, &w, &q);
  CvarSolution best;
  best.policy = markov_policy(m, L.horizon, q, nullptr);
  best.cvar = distribution_cvar(return_distribution(m, L, best.policy), alpha);  // a lower bound on the optimum
  best.threshold = NAN;
  ThresholdDp dp(m, L, w, q);
  const std::vector<int64_t>& b = L.finals;
  std::vector<double> phi(b.size(), NAN);  // min_π E[(b − G)⁺], evaluated lazily
  const auto evaluate = [&](size_t k) {
    if (!std::isnan(phi[k])) return;
    phi[k] = -dp.solve(b[k]);
    ++best.thresholds_tried;
    const double f = static_cast<double>(b[k]) * L.quantum - phi[k] / alpha;
    if (f > best.cvar) {
      best.cvar = f;
      best.threshold = static_cast<double>(b[k]) * L.quantum;
      best.policy.stock_action = dp.actions();
    }
  };
  // F(b) ≤ b < best below the best value: only thresholds above it matter.
  size_t lo = static_cast<size_t>(std::upper_bound(b.begin(), b.end(), best.cvar / L.quantum) - b.begin());
  if (lo >= b.size()) return best;
  const size_t hi = b.size() - 1;
  evaluate(lo), evaluate(hi);
  // Bisection with bounds: on [b_i, b_j], F ≤ b_j − φ(b_i)/α (φ non-decreasing); depth first, so the
  // stack holds O(log n) intervals.
  std::vector<std::pair<size_t, size_t>> open{{lo, hi}};
  while (!open.empty()) {
    const auto [i, j] = open.back();
    open.pop_back();
    if (j - i <= 1 || static_cast<double>(b[j]) * L.quantum - phi[i] / alpha <= best.cvar) continue;
    const size_t mid = i + (j - i) / 2;
    evaluate(mid);
    open.push_back({i, mid});
    open.push_back({mid, j});
  }
  return best;
}

}  // namespace klab::mdp
