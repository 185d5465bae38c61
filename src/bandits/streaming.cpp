#include "bandits/streaming.hpp"

#include <algorithm>
#include <cmath>

#include "bandits/arms.hpp"

namespace klab::bandits {
namespace {

constexpr double kCap = 1e15;  // sample sizes and promotion counts beyond any horizon

// The trials of one pass: pulls, their regret, the budget T, the trace.
class Pass {
 public:
  Pass(const std::vector<double>& means, long long horizon, uint64_t seed, uint32_t run, std::vector<StreamEvent>* trace)
      : means_(means), horizon_(horizon), seed_(seed), run_(run), trace_(trace), pulls_(means.size(), 0),
        best_(*std::max_element(means.begin(), means.end())) {}

  // Pulls `arm` `count` times (fewer if the budget ends); false when the budget is exhausted.
  bool pull(int arm, long long count, double* estimate) {
    const long long n = std::min(count, horizon_ - used_);
    if (n <= 0) return false;
    const long long s = stream_successes(seed_, run_, arm, pulls_[arm], n, means_[arm]);
    pulls_[arm] += n;
    used_ += n;
    regret_ += n * (best_ - means_[arm]);
    *estimate = static_cast<double>(s) / n;
    event(StreamEvent::Pull, arm, -1, n, *estimate);
    return n == count;
  }

  void event(StreamEvent::Kind kind, int arm, int slot, long long pulls = 0, double estimate = 0.0) {
    if (trace_) trace_->push_back({kind, arm, slot, kind == StreamEvent::Pull ? pulls : used_, estimate, regret_});
  }

  StreamResult commit(int arm, int memory) {
    StreamResult r;
    r.exploration = used_;
    r.committed = arm;
    r.memory = memory;
    if (arm >= 0) regret_ += (horizon_ - used_) * (best_ - means_[arm]);
    used_ = horizon_;
    event(StreamEvent::Commit, arm, 0);
    r.regret = regret_;
    return r;
  }

 private:
  const std::vector<double>& means_;
  long long horizon_, used_ = 0;
  uint64_t seed_;
  uint32_t run_;
  std::vector<StreamEvent>* trace_;
  std::vector<long long> pulls_;
  double best_, regret_ = 0.0;
};

double cap(double x) { return std::min(x, kCap); }

// One stored arm: each arriving arm is pulled `batch` times and replaces the stored one when better.
StreamResult run_king(Pass& pass, int k, long long batch) {
  int king = -1;
  double king_mean = -1.0;
  for (int i = 0; i < k; ++i) {
    pass.event(StreamEvent::Read, i, -1);
    double est;
    if (!pass.pull(i, batch, &est)) return pass.commit(king >= 0 ? king : i, 1);
    if (est > king_mean) {
      if (king >= 0) pass.event(StreamEvent::Discard, king, 0);
      king = i, king_mean = est;
      pass.event(StreamEvent::Keep, i, 0, 0, est);
    } else {
      pass.event(StreamEvent::Discard, i, -1);
    }
  }
  return pass.commit(king, 1);
}

struct Tower {
  struct Level {
    int king = -1;
    double estimate = 0.0;
    double seen = 0;  // arms this level has received since it was last emptied
  };
  std::vector<Level> levels;
  std::vector<double> samples, promote_after;
  int memory = 0;
  bool exhausted = false;

  Tower(long long k, long long horizon) {
    const int L = tower_levels(k);
    const double eps2 = std::pow(static_cast<double>(k) / horizon, 2.0 / 3.0);  // ε² with ε = (K/T)^{1/3}
    double rho_prev = 2.0, rho = 4.0;
    levels.resize(L);
    for (int l = 0; l < L; ++l) {
      samples.push_back(std::ceil(cap((l == 0 ? 1.0 : rho) / eps2)));
      promote_after.push_back(l == 0 ? 4.0 : cap(std::exp2(std::min(60.0, rho - rho_prev))));
      if (l >= 1) rho_prev = rho, rho = cap(std::exp2(std::min(60.0, rho)));
    }
  }

  void count_memory() {
    int stored = 0;
    for (const Level& l : levels) stored += l.king >= 0;
    memory = std::max(memory, stored);
  }

  // Level l receives `arm`: fresh pulls, compare with its king, maybe promote the king.
  void insert(Pass& pass, int l, int arm) {
    double est;
    if (!pass.pull(arm, static_cast<long long>(samples[l]), &est)) {
      exhausted = true;
      return;
    }
    Level& lv = levels[l];
    lv.seen += 1;
    if (lv.king < 0 || est > lv.estimate) {
      if (lv.king >= 0) pass.event(StreamEvent::Discard, lv.king, l);
      lv.king = arm, lv.estimate = est;
      pass.event(StreamEvent::Keep, arm, l, 0, est);
    } else {
      pass.event(StreamEvent::Discard, arm, -1);
    }
    count_memory();
    if (lv.seen >= promote_after[l] && l + 1 < static_cast<int>(levels.size())) {
      const int king = lv.king;
      lv = Level{};
      pass.event(StreamEvent::Promote, king, l + 1);
      insert(pass, l + 1, king);
    }
  }
};

StreamResult run_tower(Pass& pass, int k, long long horizon) {
  Tower tower(k, horizon);
  for (int i = 0; i < k && !tower.exhausted; ++i) {
    pass.event(StreamEvent::Read, i, -1);
    tower.insert(pass, 0, i);
  }
  // The best of the stored kings on s_1 fresh pulls each (the top king if the budget ran out).
  int best = -1;
  double best_est = -1.0;
  for (int l = static_cast<int>(tower.levels.size()) - 1; l >= 0; --l) {
    const int king = tower.levels[l].king;
    if (king < 0) continue;
    if (best < 0) best = king;  // the highest level's king, if no comparison can be paid for
    double est;
    if (tower.exhausted || !pass.pull(king, static_cast<long long>(tower.samples[std::min<size_t>(1, tower.samples.size() - 1)]), &est)) {
      tower.exhausted = true;
      continue;
    }
    if (est > best_est) best_est = est, best = king;
  }
  return pass.commit(best, tower.memory);
}

}  // namespace

int tower_levels(long long k) {
  int levels = 1;
  for (double x = static_cast<double>(k); x >= 1.0; x = std::log(x)) ++levels;
  return levels;
}

long long stream_batch(StreamAlgo algo, long long k, long long horizon) {
  const double ratio = std::pow(static_cast<double>(horizon) / k, 2.0 / 3.0);  // 1/ε²
  switch (algo) {
    case StreamAlgo::Uniform: return static_cast<long long>(std::ceil(cap(ratio * std::cbrt(std::log(static_cast<double>(horizon))))));
    case StreamAlgo::Single: return static_cast<long long>(std::ceil(cap(ratio * std::log(static_cast<double>(k)))));
    case StreamAlgo::Tower: return static_cast<long long>(std::ceil(cap(ratio)));
  }
  return 1;
}

long long stream_successes(uint64_t seed, uint32_t run, int arm, long long first, long long count, double mean) {
  Rng rng(seed, run, kArmStream + static_cast<uint32_t>(arm), static_cast<uint64_t>(first) / 4);
  for (long long skip = first % 4; skip > 0; --skip) rng.next_u32();
  const uint64_t threshold = static_cast<uint64_t>(mean * 4294967296.0);  // success iff word < μ·2^32
  long long s = 0;
  for (long long i = 0; i < count; ++i) s += rng.next_u32() < threshold;
  return s;
}

StreamResult run_stream(StreamAlgo algo, const std::vector<double>& means, long long horizon, uint64_t seed, uint32_t run,
                        std::vector<StreamEvent>* trace) {
  Pass pass(means, horizon, seed, run, trace);
  const int k = static_cast<int>(means.size());
  if (algo == StreamAlgo::Tower) return run_tower(pass, k, horizon);
  return run_king(pass, k, stream_batch(algo, k, horizon));
}

}  // namespace klab::bandits
