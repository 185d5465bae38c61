// Summary statistics for repeated runs.
//
// RunningStat: Welford's one-pass mean and variance,
//   n += 1; δ = x - mean; mean += δ/n; M2 += δ (x - mean);   var = M2/(n-1),
// and Chan, Golub & LeVeque's pairwise merge for combining partial results:
//   mean = mean_a + δ n_b/n,  M2 = M2_a + M2_b + δ² n_a n_b / n,  δ = mean_b - mean_a.
// Standard error of the mean sem = sqrt(var/n); the 95% confidence half-width uses Student's t quantile
// t_{0.975, n-1} (exact table up to 30 degrees of freedom, Cornish–Fisher expansion beyond).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace klab {

// t_{0.975, df}: the two-sided 95% Student-t quantile.
double student_t_975(double df);

class RunningStat {
 public:
  void push(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }

  void merge(const RunningStat& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double na = static_cast<double>(n_), nb = static_cast<double>(o.n_), n = na + nb;
    const double delta = o.mean_ - mean_;
    mean_ += delta * nb / n;
    m2_ += o.m2_ + delta * delta * na * nb / n;
    n_ += o.n_;
  }

  // The exact internal state (a checkpoint saves it and a resumed run continues from it bit for bit).
  struct State {
    uint64_t n = 0;
    double mean = 0.0, m2 = 0.0;
  };
  State state() const { return State{n_, mean_, m2_}; }
  static RunningStat from_state(const State& s) {
    RunningStat r;
    r.n_ = s.n;
    r.mean_ = s.mean;
    r.m2_ = s.m2;
    return r;
  }

  uint64_t count() const { return n_; }
  double mean() const { return n_ ? mean_ : std::nan(""); }
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double stddev() const { return std::sqrt(variance()); }
  double sem() const { return n_ > 0 ? std::sqrt(variance() / static_cast<double>(n_)) : 0.0; }
  // Half-width of the 95% confidence interval for the mean.
  double ci95() const { return n_ > 1 ? student_t_975(static_cast<double>(n_ - 1)) * sem() : 0.0; }

 private:
  uint64_t n_ = 0;
  double mean_ = 0.0, m2_ = 0.0;
};

}  // namespace klab
