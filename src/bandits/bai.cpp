#include "bandits/bai.hpp"

#include <algorithm>
#include <cmath>

#include "bandits/streaming.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

namespace klab::bandits {
namespace {

constexpr uint32_t kTieStream = 3000, kLaplaceStream = 3001;

// Pulls with common random numbers: the n-th pull of arm k is the same for every algorithm.
class Pulls {
 public:
  Pulls(const BaiProblem& p, uint64_t seed, uint32_t run) : p_(p), seed_(seed), run_(run), n_(p.mean.size(), 0) {}
  // Mean of `count` fresh pulls of arm k.
  double sample(int k, long long count) {
    const long long s = stream_successes(seed_, run_, k, n_[k], count, p_.mean[k]);
    n_[k] += count;
    return count > 0 ? static_cast<double>(s) / count : 0.0;
  }
  const std::vector<long long>& counts() const { return n_; }

 private:
  const BaiProblem& p_;
  uint64_t seed_;
  uint32_t run_;
  std::vector<long long> n_;
};

// A standard Laplace variate for (phase, arm): the same draw whatever ε, so smaller ε only
// scales the same noise up (common random numbers across the ε sweep).
double laplace(uint64_t seed, uint32_t run, int phase, int arm) {
  Rng rng = Rng::substream(seed, run, kLaplaceStream, static_cast<uint32_t>(phase * 4096 + arm));
  const double e = sample_exponential(rng);
  return rng.uniform() < 0.5 ? -e : e;
}

// Keeps the `keep` arms of `active` with the largest score (random priority breaks ties).
std::vector<int> keep_best(const std::vector<int>& active, const std::vector<double>& score, const std::vector<double>& priority,
                           size_t keep) {
  std::vector<int> order = active;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return score[a] != score[b] ? score[a] > score[b] : priority[a] > priority[b];
  });
  order.resize(std::min(keep, order.size()));
  return order;
}

int best_of(const std::vector<int>& active, const std::vector<double>& score, const std::vector<double>& priority) {
  return keep_best(active, score, priority, 1).front();
}

int ceil_log2(size_t k) {
  int r = 0;
  while ((size_t{1} << r) < k) ++r;
  return std::max(r, 1);
}

// Sequential Halving, optionally with Laplace-noised round means (ε > 0).
int sequential_halving(Pulls& pulls, size_t k, long long budget, double epsilon, uint64_t seed, uint32_t run,
                       const std::vector<double>& priority) {
  std::vector<int> active(k);
  for (size_t i = 0; i < k; ++i) active[i] = static_cast<int>(i);
  const int rounds = ceil_log2(k);
  std::vector<double> score(k, 0.0);
  for (int r = 0; r < rounds && active.size() > 1; ++r) {
    const long long n = std::max<long long>(1, budget / (static_cast<long long>(active.size()) * rounds));
    for (int a : active) {
      score[a] = pulls.sample(a, n);
      if (epsilon > 0.0) score[a] += laplace(seed, run, r, a) / (epsilon * n);
    }
    active = keep_best(active, score, priority, (active.size() + 1) / 2);
  }
  return active.front();
}

int successive_rejects(Pulls& pulls, size_t k, long long budget, const std::vector<double>& priority) {
  double log_bar = 0.5;
  for (size_t i = 2; i <= k; ++i) log_bar += 1.0 / i;
  std::vector<int> active(k);
  for (size_t i = 0; i < k; ++i) active[i] = static_cast<int>(i);
  std::vector<double> sum(k, 0.0);
  long long prev = 0;
  for (size_t phase = 1; phase < k; ++phase) {
    const long long nk = static_cast<long long>(std::ceil((budget - static_cast<double>(k)) / (log_bar * (k + 1 - phase))));
    const long long extra = std::max<long long>(0, nk - prev);
    for (int a : active) sum[a] += pulls.sample(a, extra) * extra;
    prev = std::max(prev, nk);
    std::vector<double> mean(k, 0.0);
    for (int a : active) mean[a] = prev > 0 ? sum[a] / prev : 0.0;
    active = keep_best(active, mean, priority, active.size() - 1);  // reject the empirical worst
  }
  return active.front();
}

// DP-BAI (see bai.hpp): Max-Det collection, Laplace-released basis means, estimates through the basis.
int dp_bai(Pulls& pulls, const BaiProblem& p, long long budget, double epsilon, uint64_t seed, uint32_t run,
           const std::vector<double>& priority, std::vector<BaiPhase>* phases) {
  const size_t k = p.mean.size();
  std::vector<int> active(k);
  for (size_t i = 0; i < k; ++i) active[i] = static_cast<int>(i);
  const int rounds = ceil_log2(k);
  const long long phase_budget = budget / rounds;
  std::vector<double> score(k, 0.0);
  for (int r = 0; r < rounds && active.size() > 1; ++r) {
    const std::vector<int> basis = active.size() > 2 ? max_det_basis(p, active) : active;
    const long long n = std::max<long long>(1, phase_budget / static_cast<long long>(basis.size()));
    std::vector<double> released(k, 0.0);
    for (int b : basis) released[b] = pulls.sample(b, n) + laplace(seed, run, r, b) / (epsilon * n);
    if (basis.size() == active.size()) {
      for (int a : active) score[a] = released[a];
    } else if (basis.size() == 2) {
      // a = c0 b0 + c1 b1 by Cramer's rule: c0 = det[a, b1]/det[b0, b1], c1 = det[b0, a]/det[b0, b1].
      const int b0 = basis[0], b1 = basis[1];
      const double det = p.x[b0] * p.y[b1] - p.y[b0] * p.x[b1];
      for (int a : active) {
        const double c0 = (p.x[a] * p.y[b1] - p.y[a] * p.x[b1]) / det, c1 = (p.x[b0] * p.y[a] - p.y[b0] * p.x[a]) / det;
        score[a] = c0 * released[b0] + c1 * released[b1];
      }
    } else {  // collinear arms: a = c·b with c = ⟨a, b⟩/|b|²
      const int b = basis[0];
      const double norm2 = p.x[b] * p.x[b] + p.y[b] * p.y[b];
      for (int a : active) score[a] = (p.x[a] * p.x[b] + p.y[a] * p.y[b]) / norm2 * released[b];
    }
    if (phases) {
      BaiPhase ph;
      ph.active = active;
      ph.basis = basis;
      for (int a : active) ph.estimate.push_back(score[a]);
      ph.pulls_per_arm = n;
      phases->push_back(ph);
    }
    active = keep_best(active, score, priority, (active.size() + 1) / 2);
  }
  return active.front();
}

}  // namespace

std::vector<int> max_det_basis(const BaiProblem& p, const std::vector<int>& active) {
  int best_i = active.front(), best_j = -1;
  double best = 0.0;
  for (size_t i = 0; i < active.size(); ++i)
    for (size_t j = i + 1; j < active.size(); ++j) {
      const int a = active[i], b = active[j];
      const double det = std::fabs(p.x[a] * p.y[b] - p.y[a] * p.x[b]);
      if (det > best) best = det, best_i = a, best_j = b;
    }
  if (best > 1e-12) return {best_i, best_j};
  int longest = active.front();
  for (int a : active)
    if (p.x[a] * p.x[a] + p.y[a] * p.y[a] > p.x[longest] * p.x[longest] + p.y[longest] * p.y[longest]) longest = a;
  return {longest};
}

BaiOutcome run_bai(BaiAlgo algo, const BaiProblem& problem, long long budget, double epsilon, uint64_t seed, uint32_t run,
                   bool record_phases) {
  const size_t k = problem.mean.size();
  Pulls pulls(problem, seed, run);
  Rng tie(seed, run, kTieStream);
  std::vector<double> priority(k);
  for (double& x : priority) x = tie.uniform();
  BaiOutcome out;
  switch (algo) {
    case BaiAlgo::Uniform: {
      std::vector<int> all(k);
      std::vector<double> mean(k);
      for (size_t a = 0; a < k; ++a) all[a] = static_cast<int>(a), mean[a] = pulls.sample(static_cast<int>(a), budget / static_cast<long long>(k));
      out.recommended = best_of(all, mean, priority);
      break;
    }
    case BaiAlgo::Sr: out.recommended = successive_rejects(pulls, k, budget, priority); break;
    case BaiAlgo::Sh: out.recommended = sequential_halving(pulls, k, budget, 0.0, seed, run, priority); break;
    case BaiAlgo::DpSh: out.recommended = sequential_halving(pulls, k, budget, epsilon, seed, run, priority); break;
    case BaiAlgo::DpBai:
      out.recommended = dp_bai(pulls, problem, budget, epsilon, seed, run, priority, record_phases ? &out.phases : nullptr);
      break;
  }
  out.pulls = pulls.counts();
  return out;
}

}  // namespace klab::bandits
