#include "bandits/judges.hpp"

#include <algorithm>
#include <cmath>

#include "bandits/chi_square.hpp"
#include "core/samplers.hpp"

namespace klab::bandits {
namespace {

constexpr uint32_t kJudgeStream = 2000;  // streams kJudgeStream + pair: the answers of that pair
constexpr double kVarianceFloor = 1e-8;

double p_moment(double p) { return std::pow(2.0, p / 2.0) * std::tgamma((p + 1.0) / 2.0) / std::sqrt(kPi); }

// The most efficient judge of item k: argmin_j c_j σ²_kj.
int best_judge(const JudgeInstance& inst, int k) {
  int best = 0;
  for (int j = 1; j < inst.judges; ++j) {
    const double a = inst.cost[j] * inst.sd[k * inst.judges + j] * inst.sd[k * inst.judges + j];
    const double b = inst.cost[best] * inst.sd[k * inst.judges + best] * inst.sd[k * inst.judges + best];
    if (a < b) best = j;
  }
  return best;
}

}  // namespace

JudgeInstance make_judge_instance(int items, const std::vector<double>& costs, const std::vector<double>& noise, double hetero,
                                  uint64_t instance_seed) {
  JudgeInstance inst;
  inst.items = items;
  inst.judges = static_cast<int>(costs.size());
  inst.cost = costs;
  Rng rng(instance_seed, 0, 0);
  for (int k = 0; k < items; ++k) inst.score.push_back(sample_uniform(rng, 0.1, 0.9));
  for (int k = 0; k < items; ++k)
    for (int j = 0; j < inst.judges; ++j) inst.sd.push_back(noise[j] * std::exp(hetero * sample_normal(rng)));
  return inst;
}

JudgeSim::JudgeSim(const JudgeInstance& inst, Allocation rule, double p, uint64_t seed, uint32_t run)
    : inst_(&inst), rule_(rule), p_(p), seed_(seed), run_(run) {
  const size_t pairs = static_cast<size_t>(inst.items) * inst.judges;
  n_.assign(pairs, 0);
  sum_.assign(pairs, 0.0);
  sumsq_.assign(pairs, 0.0);
  best_gain_.assign(inst.items, 0.0);
  best_judge_.assign(inst.items, 0);
}

// Sample variance of pair i (n ≥ 2).
double JudgeSim::sample_variance(size_t i) const {
  const double n = static_cast<double>(n_[i]);
  return std::max(kVarianceFloor, (sumsq_[i] - sum_[i] * sum_[i] / n) / (n - 1.0));
}

// The confidence factors of a variance estimated from n answers at the current δ = 1/spent:
// σ̄² = σ̂²·upper, σ̲² = σ̂²·lower (chi_square.hpp), cached per ν = n - 1 until δ changes.
const std::pair<double, double>& JudgeSim::confidence(size_t i) const {
  const size_t nu = static_cast<size_t>(n_[i] - 1);
  if (factors_.size() <= nu) factors_.resize(nu + 1, {0.0, 0.0});
  std::pair<double, double>& f = factors_[nu];
  if (f.first == 0.0) {
    const double v = static_cast<double>(nu);
    f = {v / chi_square_quantile(v, delta_, z_low_), v / chi_square_quantile(v, 1.0 - delta_, -z_low_)};
  }
  return f;
}

// The variance of pair (k, j) as the allocation sees it: the truth for the oracle; for EST-IVWE
// the upper confidence bound for the precision already collected (`upper`) and the lower one for
// the value of a new answer, so that the gain below is an optimistic (upper-confidence) gain.
double JudgeSim::variance_for_allocation(int k, int j, bool upper) const {
  const size_t i = static_cast<size_t>(k) * inst_->judges + j;
  if (rule_ == Allocation::Oracle) return inst_->sd[i] * inst_->sd[i];
  return sample_variance(i) * (upper ? confidence(i).first : confidence(i).second);
}

// The variance the estimator weights by: the truth for the oracle; otherwise the upper confidence
// bound of the sample variance (0: the pair has too few answers to be used), so that a pair with
// two answers and an unluckily small sample variance cannot take over the estimate.
double JudgeSim::variance_for_estimate(int k, int j) const {
  const size_t i = static_cast<size_t>(k) * inst_->judges + j;
  if (rule_ == Allocation::Oracle) return n_[i] > 0 ? inst_->sd[i] * inst_->sd[i] : 0.0;
  if (n_[i] < 2) return 0.0;
  return sample_variance(i) * confidence(i).first;
}

// Greedy gain of one more answer from (k, j): the decrease of Var_k^{p/2} per unit cost, with
// Var_k = 1 / Σ_j n_kj / σ²_kj.
void JudgeSim::refresh_item(int k) {
  double precision = 0.0;
  for (int j = 0; j < inst_->judges; ++j)
    if (n_[static_cast<size_t>(k) * inst_->judges + j] > 0)
      precision += n_[static_cast<size_t>(k) * inst_->judges + j] / variance_for_allocation(k, j, true);
  const double now = std::pow(precision, -p_ / 2.0);
  best_gain_[k] = -1.0;
  for (int j = 0; j < inst_->judges; ++j) {
    const double gain = (now - std::pow(precision + 1.0 / variance_for_allocation(k, j, false), -p_ / 2.0)) / inst_->cost[j];
    if (gain > best_gain_[k]) best_gain_[k] = gain, best_judge_[k] = j;
  }
}

int JudgeSim::pick_pair() const {
  const int pairs = inst_->items * inst_->judges;
  if (rule_ == Allocation::Uniform) return static_cast<int>(queries_ % pairs);
  if (rule_ == Allocation::Est && queries_ < 2LL * pairs) return static_cast<int>(queries_ % pairs);  // warm-up
  if (rule_ == Allocation::Oracle && queries_ < inst_->items) {  // one answer per item from its best judge
    const int k = static_cast<int>(queries_);
    return k * inst_->judges + best_judge(*inst_, k);
  }
  int k = 0;
  for (int i = 1; i < inst_->items; ++i)
    if (best_gain_[i] > best_gain_[k]) k = i;
  return k * inst_->judges + best_judge_[k];
}

double JudgeSim::next_cost() const { return inst_->cost[pick_pair() % inst_->judges]; }

void JudgeSim::query() {
  const int pair = pick_pair(), k = pair / inst_->judges, j = pair % inst_->judges;
  Rng rng = Rng::substream(seed_, run_, kJudgeStream + static_cast<uint32_t>(pair), static_cast<uint32_t>(n_[pair]));
  const double y = inst_->score[k] + inst_->sd[pair] * sample_normal(rng);
  n_[pair] += 1;
  sum_[pair] += y;
  sumsq_[pair] += y * y;
  spent_ += inst_->cost[j];
  ++queries_;
  const int pairs = inst_->items * inst_->judges;
  const bool greedy_ready = rule_ == Allocation::Oracle ? queries_ >= inst_->items : rule_ == Allocation::Est && queries_ >= 2LL * pairs;
  if (!greedy_ready) return;
  // The confidence level δ = 1/spent is refreshed whenever the spent budget doubles.
  if (spent_ >= next_refresh_ || (rule_ == Allocation::Oracle && queries_ == inst_->items) ||
      (rule_ == Allocation::Est && queries_ == 2LL * pairs)) {
    delta_ = 1.0 / std::max(spent_, 10.0);
    z_low_ = normal_quantile(delta_);
    factors_.clear();
    next_refresh_ = 2.0 * spent_;
    for (int i = 0; i < inst_->items; ++i) refresh_item(i);
  } else {
    refresh_item(k);
  }
}

std::vector<double> JudgeSim::estimate() const {
  std::vector<double> s(inst_->items, 0.5);
  for (int k = 0; k < inst_->items; ++k) {
    double w = 0.0, wy = 0.0, count = 0.0, total = 0.0;
    for (int j = 0; j < inst_->judges; ++j) {
      const size_t i = static_cast<size_t>(k) * inst_->judges + j;
      count += n_[i], total += sum_[i];
      const double v = variance_for_estimate(k, j);
      if (v > 0.0) w += n_[i] / v, wy += sum_[i] / v;  // (n/σ²)·ȳ = sum/σ²
    }
    if (w > 0.0) s[k] = wy / w;
    else if (count > 0.0) s[k] = total / count;
  }
  return s;
}

double JudgeSim::error() const {
  const std::vector<double> s = estimate();
  double e = 0.0;
  for (int k = 0; k < inst_->items; ++k) e += std::pow(std::fabs(s[k] - inst_->score[k]), p_);
  return std::pow(e, 1.0 / p_);
}

double oracle_rate(const JudgeInstance& inst, double p, double budget) {
  double sum = 0.0;
  for (int k = 0; k < inst.items; ++k) {
    const int j = best_judge(inst, k);
    const double v = inst.cost[j] * inst.sd[k * inst.judges + j] * inst.sd[k * inst.judges + j];
    sum += std::pow(v, p / (p + 2.0));
  }
  return std::pow(p_moment(p) * std::pow(budget, -p / 2.0) * std::pow(sum, (p + 2.0) / 2.0), 1.0 / p);
}

std::vector<double> oracle_shares(const JudgeInstance& inst, double p) {
  std::vector<double> share(static_cast<size_t>(inst.items) * inst.judges, 0.0);
  double total = 0.0;
  for (int k = 0; k < inst.items; ++k) {
    const int j = best_judge(inst, k);
    const double v = inst.cost[j] * inst.sd[k * inst.judges + j] * inst.sd[k * inst.judges + j];
    total += share[static_cast<size_t>(k) * inst.judges + j] = std::pow(v, p / (p + 2.0));
  }
  for (double& x : share) x /= total;
  return share;
}

}  // namespace klab::bandits
