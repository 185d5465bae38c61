#include "alignment/reward_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "alignment/softmax.hpp"
#include "core/samplers.hpp"

namespace klab::alignment {
RandomFeatureRm random_feature_rm(int m, int d, Rng& rng) {
  RandomFeatureRm rm;
  rm.W.resize(m, d);
  rm.c.resize(m);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < d; ++j) rm.W(i, j) = sample_normal(rng);
    rm.c[i] = sample_normal(rng);
  }
  rm.v = VectorXd::Zero(m);
  return rm;
}

void fit_head(RandomFeatureRm& rm, const World& world, const PreferenceData& data, double ridge) {
  const int m = static_cast<int>(rm.c.size());
  const Eigen::Index n = static_cast<Eigen::Index>(data.items.size());
  // Hidden features of every (x, y), then the feature difference of every comparison (rows of D).
  const MatrixXd H = ((world.phi * rm.W.transpose()).rowwise() + rm.c.transpose()).array().tanh();
  MatrixXd D(n, m);
  VectorXd weight(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Comparison& c = data.items[static_cast<size_t>(i)];
    D.row(i) = H.row(world.row(c.x, c.w)) - H.row(world.row(c.x, c.l));
    weight[i] = c.weight / data.total;
  }
  // Newton: g = λv - Dᵀ(w ⊙ σ(-Dv)),  h = λI + Dᵀ diag(w ⊙ σ(1-σ)) D.
  VectorXd v = VectorXd::Zero(m);
  for (int it = 0; it < 50; ++it) {
    const VectorXd z = D * v;
    VectorXd s(n), c(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double q = sigmoid(-z[i]);
      s[i] = weight[i] * q;
      c[i] = weight[i] * q * (1.0 - q);
    }
    const VectorXd g = ridge * v - D.transpose() * s;
    MatrixXd h = D.transpose() * c.asDiagonal() * D;
    h.diagonal().array() += ridge;
    const VectorXd step = h.ldlt().solve(g);
    v -= step;
    if (step.norm() < 1e-10 * (1.0 + v.norm())) break;
  }
  rm.v = v;
}

MatrixXd reward_table(const RandomFeatureRm& rm, const World& world) {
  const VectorXd flat = ((world.phi * rm.W.transpose()).rowwise() + rm.c.transpose()).array().tanh().matrix() * rm.v;
  MatrixXd r(world.P, world.K);
  for (int x = 0; x < world.P; ++x)
    for (int y = 0; y < world.K; ++y) r(x, y) = flat[world.row(x, y)];
  return r;
}

MatrixXd ensemble_objective(const std::vector<MatrixXd>& members, EnsembleObjective objective, double uwo_lambda) {
  if (objective == EnsembleObjective::Single || members.size() == 1) return members.front();
  const double k = static_cast<double>(members.size());
  MatrixXd mean = MatrixXd::Zero(members[0].rows(), members[0].cols());
  for (const MatrixXd& r : members) mean += r / k;
  if (objective == EnsembleObjective::Mean) return mean;
  if (objective == EnsembleObjective::Worst) {
    MatrixXd w = members[0];
    for (const MatrixXd& r : members) w = w.cwiseMin(r);
    return w;
  }
  MatrixXd var = MatrixXd::Zero(mean.rows(), mean.cols());
  for (const MatrixXd& r : members) var.array() += (r - mean).array().square() / k;
  return mean - uwo_lambda * var;
}

MatrixXd best_of_n_logp(const MatrixXd& ref_logp, const MatrixXd& score, double n) {
  const Eigen::Index P = ref_logp.rows(), K = ref_logp.cols();
  MatrixXd out(P, K);
  std::vector<Eigen::Index> order(static_cast<size_t>(K));
  for (Eigen::Index x = 0; x < P; ++x) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
      return score(x, a) < score(x, b) || (score(x, a) == score(x, b) && a < b);
    });
    // F^n - F⁻^n computed as exp(n ln F) - exp(n ln F⁻) in logs for accuracy at large n.
    double below = 0.0;
    for (Eigen::Index i = 0; i < K; ++i) {
      const Eigen::Index y = order[static_cast<size_t>(i)];
      const double p = std::exp(ref_logp(x, y)), above = std::min(1.0, below + p);
      const double la = n * std::log(above), lb = below > 0 ? n * std::log(below) : -kInf;
      // ln(e^la - e^lb) = la + ln(-expm1(lb - la))
      out(x, y) = la + std::log(-std::expm1(lb - la));
      if (!(p > 0)) out(x, y) = -kInf;
      below = above;
    }
  }
  return out;
}

}  // namespace klab::alignment
