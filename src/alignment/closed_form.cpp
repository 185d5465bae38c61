#include "alignment/closed_form.hpp"

#include "alignment/softmax.hpp"

namespace klab::alignment {

MatrixXd tilted_logp(const MatrixXd& ref_logp, const MatrixXd& reward, double beta) {
  return log_softmax_rows(ref_logp + reward / beta);
}

PolicyStats policy_stats(const World& world, const MatrixXd& logp, const MatrixXd& opt_logp) {
  return {mean_expectation(logp, world.gold), mean_kl(logp, world.ref_logp), mean_kl(logp, opt_logp)};
}

ConstrainedOptimum constrained_optimum(const MatrixXd& ref_logp, const MatrixXd& reward, const MatrixXd& utility,
                                       double beta, double threshold, double lambda_max) {
  auto utility_at = [&](double lambda, MatrixXd* logp) {
    *logp = tilted_logp(ref_logp, reward + lambda * utility, beta);
    return mean_expectation(*logp, utility);
  };
  ConstrainedOptimum out;
  MatrixXd logp;
  out.feasible = true;
  if (utility_at(0.0, &logp) >= threshold) {
    out.lambda = 0.0;
  } else if (utility_at(lambda_max, &logp) < threshold) {
    out.lambda = lambda_max;
    out.feasible = false;
  } else {
    double lo = 0.0, hi = lambda_max;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * (1.0 + hi); ++i) {
      const double mid = 0.5 * (lo + hi);
      if (utility_at(mid, &logp) < threshold) lo = mid;
      else hi = mid;
    }
    out.lambda = hi;
  }
  out.utility = utility_at(out.lambda, &out.logp);
  out.reward = mean_expectation(out.logp, reward);
  return out;
}

}  // namespace klab::alignment
