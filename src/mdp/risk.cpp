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

size_t index_of(const std::vector<int64_t>& sorted, int64_t c) {
  return static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), c) - sorted.begin());
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

// The inner DP of the CVaR search for one threshold B (units of δ): V_h(s, c) of f_B(c_H) = min(c_H − B, 0)·δ
// on the band of each step, closed forms outside it (risk.hpp).
class ThresholdDp {
 public:
  ThresholdDp(const Mdp& m, const StockLattice& L, const std::vector<double>& w, const std::vector<double>& q)
      : m_(m), L_(L), w_(w), q_(q), r_lo_(L.rewards.front()), r_hi_(L.rewards.back()) {}

  // Fills the tables for B; returns Σ_s ρ(s) V_0(s, 0).
  double solve(int64_t b) {
    b_ = b;
    const int H = L_.horizon, S = m_.states;
    begin_.assign(static_cast<size_t>(H), 0), end_.assign(static_cast<size_t>(H), 0);
    value_.assign(static_cast<size_t>(H), {}), action_.assign(static_cast<size_t>(H), {});
    std::vector<double> qa(static_cast<size_t>(m_.max_actions()));
    for (int h = H - 1; h >= 0; --h) {
      const std::vector<int64_t>& C = L_.stocks[static_cast<size_t>(h)];
      const int64_t n = H - h;
      const size_t begin = static_cast<size_t>(std::upper_bound(C.begin(), C.end(), b - n * r_hi_) - C.begin());  // c + n·r_hi > B
      const size_t end = std::max(begin, index_of(C, b - n * r_lo_));                                            // c + n·r_lo < B
      const size_t width = end - begin;
      begin_[static_cast<size_t>(h)] = static_cast<int>(begin), end_[static_cast<size_t>(h)] = static_cast<int>(end);
      std::vector<double>& v = value_[static_cast<size_t>(h)];
      std::vector<int>& act = action_[static_cast<size_t>(h)];
      v.assign(S * width, 0.0), act.assign(S * width, 0);
      const double* tie = q_.data() + static_cast<size_t>(h) * m_.pairs();
      for (int s = 0; s < S; ++s)
        for (size_t k = 0; k < width; ++k) {
          const int64_t c = C[begin + k];
          for (int i = m_.first_pair[s]; i < m_.first_pair[s + 1]; ++i) {
            double x = 0.0;
            for (int o = L_.first[i]; o < L_.first[i + 1]; ++o) x += L_.prob[o] * value(h + 1, L_.next[o], c + L_.units[o]);
            qa[static_cast<size_t>(i - m_.first_pair[s])] = x;
          }
          const int a = best_action(m_, s, qa.data(), tie);
          act[s * width + k] = a;
          v[s * width + k] = qa[static_cast<size_t>(a)];
        }
    }
    double u = 0.0;
    for (int s = 0; s < S; ++s)
      if (m_.start[static_cast<size_t>(s)] > 0.0) u += m_.start[static_cast<size_t>(s)] * value(0, s, 0);
    return u;
  }

  // The stock-dependent part of the policy for the last B solved (markov: the risk-neutral actions).
  void policy(StockPolicy* pi) const {
    pi->band_begin = begin_, pi->band_end = end_, pi->band_action = action_;
  }

 private:
  // V_h(s, c): a closed form outside the band, the table inside.
  double value(int h, int s, int64_t c) const {
    const int64_t n = L_.horizon - h;
    if (c + n * r_hi_ <= b_) return static_cast<double>(c - b_) * L_.quantum + w_[static_cast<size_t>(h) * m_.states + s];
    if (c + n * r_lo_ >= b_) return 0.0;
    const size_t k = index_of(L_.stocks[static_cast<size_t>(h)], c) - static_cast<size_t>(begin_[static_cast<size_t>(h)]);
    const size_t width = static_cast<size_t>(end_[static_cast<size_t>(h)] - begin_[static_cast<size_t>(h)]);
    return value_[static_cast<size_t>(h)][s * width + k];
  }

  const Mdp& m_;
  const StockLattice& L_;
  const std::vector<double>& w_;
  const std::vector<double>& q_;
  const int64_t r_lo_, r_hi_;
  int64_t b_ = 0;
  std::vector<int> begin_, end_;
  std::vector<std::vector<double>> value_;
  std::vector<std::vector<int>> action_;
};

}  // namespace

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
  int denominator = 0;
  for (int k = 1; k <= kMaxRewardDenominator && denominator == 0; ++k)
    if (std::all_of(reward.begin(), reward.end(), [k](double r) { return on_lattice(r, k); })) denominator = k;
  if (denominator == 0)
    return Status::error("rewards: the exact return distribution needs every reward to be a multiple of 1/k for some k ≤ " +
                         std::to_string(kMaxRewardDenominator));
  L.quantum = 1.0 / denominator;
  for (double r : reward) {
    if (std::fabs(r) * denominator * m.horizon > 1e15) return Status::error("rewards: |reward| × horizon is too large for exact stocks");
    L.units.push_back(static_cast<int64_t>(std::llround(r * denominator)));
  }
  L.rewards = L.units;
  std::sort(L.rewards.begin(), L.rewards.end());
  L.rewards.erase(std::unique(L.rewards.begin(), L.rewards.end()), L.rewards.end());
  L.stocks.push_back({0});
  long long entries = 1;
  for (int h = 0; h < m.horizon; ++h) {
    std::vector<int64_t> next;
    next.reserve(L.stocks.back().size() * L.rewards.size());
    for (int64_t c : L.stocks.back())
      for (int64_t r : L.rewards) next.push_back(c + r);
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    entries += static_cast<long long>(next.size());
    if (entries > kMaxStockEntries)
      return Status::error("horizon: more than " + std::to_string(kMaxStockEntries) + " reachable (step, stock) values by step " + std::to_string(h + 1) +
                           " (" + std::to_string(L.rewards.size()) + " distinct rewards); choose a shorter horizon");
    L.stocks.push_back(std::move(next));
  }
  return L;
}

int StockPolicy::action(const StockLattice& lattice, int h, int s, int64_t stock) const {
  if (!band_action.empty()) {
    const int begin = band_begin[static_cast<size_t>(h)], end = band_end[static_cast<size_t>(h)];
    const std::vector<int64_t>& C = lattice.stocks[static_cast<size_t>(h)];
    const size_t k = index_of(C, stock);
    if (static_cast<int>(k) >= begin && static_cast<int>(k) < end && C[k] == stock)
      return band_action[static_cast<size_t>(h)][static_cast<size_t>(s) * static_cast<size_t>(end - begin) + k - static_cast<size_t>(begin)];
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

ReturnDistribution return_distribution(const Mdp& m, const StockLattice& L, const StockPolicy& pi) {
  const int S = m.states;
  std::vector<double> mass(static_cast<size_t>(S), 0.0);  // (S × |C_h|) probability of (s, c), c ∈ C_h; C_0 = {0}
  for (int s = 0; s < S; ++s) mass[static_cast<size_t>(s)] = m.start[static_cast<size_t>(s)];
  for (int h = 0; h < L.horizon; ++h) {
    const std::vector<int64_t>& C = L.stocks[static_cast<size_t>(h)];
    const std::vector<int64_t>& D = L.stocks[static_cast<size_t>(h) + 1];
    std::vector<double> next(static_cast<size_t>(S) * D.size(), 0.0);
    for (int s = 0; s < S; ++s)
      for (size_t k = 0; k < C.size(); ++k) {
        const double p = mass[static_cast<size_t>(s) * C.size() + k];
        if (p == 0.0) continue;
        const int i = m.first_pair[s] + pi.action(L, h, s, C[k]);
        for (int o = L.first[i]; o < L.first[i + 1]; ++o)
          next[static_cast<size_t>(L.next[o]) * D.size() + index_of(D, C[k] + L.units[o])] += p * L.prob[o];
      }
    mass = std::move(next);
  }
  const std::vector<int64_t>& C = L.stocks.back();
  ReturnDistribution d;
  for (size_t k = 0; k < C.size(); ++k) {
    double p = 0.0;
    for (int s = 0; s < S; ++s) p += mass[static_cast<size_t>(s) * C.size() + k];
    if (p > 0.0) d.values.push_back(static_cast<double>(C[k]) * L.quantum), d.probs.push_back(p);
  }
  return d;
}

double sample_return(const Mdp& m, const StockLattice& L, const StockPolicy& pi, Rng& rng) {
  int s = sample_start(view(m), rng.uniform());
  int64_t c = 0;
  for (int h = 0; h < L.horizon; ++h) {
    const int i = m.first_pair[s] + pi.action(L, h, s, c);
    const double u = rng.uniform();
    int o = L.first[i];
    double cumulative = L.prob[o];
    while (o + 1 < L.first[i + 1] && u >= cumulative) cumulative += L.prob[++o];  // the last outcome takes any remainder
    c += L.units[o];
    s = L.next[o];
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

StockPolicy entropic_policy(const Mdp& m, const StockLattice& L, double beta) {
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
  return markov_policy(m, H, q, nullptr);
}

CvarSolution cvar_policy(const Mdp& m, const StockLattice& L, double alpha) {
  std::vector<double> w, q;
  risk_neutral_values(m, L, &w, &q);
  CvarSolution best;
  best.policy = markov_policy(m, L.horizon, q, nullptr);
  best.cvar = -INFINITY;
  ThresholdDp dp(m, L, w, q);
  const std::vector<int64_t>& finals = L.stocks.back();
  for (size_t k = finals.size(); k-- > 0;) {
    const double b = static_cast<double>(finals[k]) * L.quantum;
    if (b <= best.cvar) break;  // b − E[(b − G)⁺]/α ≤ b: no lower threshold can do better
    const double value = b + dp.solve(finals[k]) / alpha;
    ++best.thresholds_tried;
    if (value > best.cvar) {
      best.cvar = value;
      best.threshold = b;
      dp.policy(&best.policy);
    }
  }
  return best;
}

}  // namespace klab::mdp
