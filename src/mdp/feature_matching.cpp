#include "mdp/feature_matching.hpp"

#include <algorithm>

#include "mdp/occupancy.hpp"
#include "mdp/value_iteration.hpp"

namespace klab::mdp {
namespace {

// The occupancy (H·SA) of the deterministic non-stationary policy `actions` (H·S).
std::vector<double> deterministic_occupancy(const Mdp& m, const std::vector<int>& actions) {
  const size_t pairs = static_cast<size_t>(m.pairs());
  Policy pi(static_cast<size_t>(m.horizon) * pairs, 0.0);
  for (int h = 0; h < m.horizon; ++h)
    for (int s = 0; s < m.states; ++s)
      pi[static_cast<size_t>(h) * pairs + static_cast<size_t>(m.first_pair[s] + actions[static_cast<size_t>(h) * m.states + s])] = 1.0;
  return occupancy_finite(m, pi);
}

}  // namespace

Eigen::VectorXd feature_expectations(const Mdp& m, const Eigen::MatrixXd& phi, const std::vector<double>& occupancy) {
  const int pairs = m.pairs();
  Eigen::VectorXd mu = Eigen::VectorXd::Zero(phi.cols());
  double weight = 1.0;  // γ^h
  for (int h = 0; h < m.horizon; ++h, weight *= m.discount)
    for (int i = 0; i < pairs; ++i) {
      const double o = occupancy[static_cast<size_t>(h) * pairs + i];
      if (o != 0.0) mu += (weight * o) * phi.row(i).transpose();
    }
  return mu;
}

ProjectionFeatureMatching::ProjectionFeatureMatching(const Mdp& m, const Eigen::MatrixXd& phi, Eigen::VectorXd mu_expert)
    : m_(m), phi_(phi), mu_expert_(std::move(mu_expert)) {
  const std::vector<int> first(static_cast<size_t>(m.horizon) * m.states, 0);  // π^(0): the first action everywhere
  occupancy_ = deterministic_occupancy(m, first);
  mu_bar_ = feature_expectations(m, phi, occupancy_);
  weights_ = {1.0};
}

void ProjectionFeatureMatching::add(const std::vector<double>& occupancy, double c) {
  for (double& l : weights_) l *= 1.0 - c;
  weights_.push_back(c);
  for (size_t k = 0; k < occupancy_.size(); ++k) occupancy_[k] = (1.0 - c) * occupancy_[k] + c * occupancy[k];
}

void ProjectionFeatureMatching::iterate() {
  const Eigen::VectorXd w = mu_expert_ - mu_bar_;
  if (w.squaredNorm() == 0.0 || stalled_) return;
  const Eigen::VectorXd r = phi_ * w;  // the reward w^(i)ᵀφ(s, a)
  std::vector<int> greedy;
  solve_finite(m_, std::vector<double>(r.data(), r.data() + r.size()), &greedy);
  const std::vector<double> occupancy = deterministic_occupancy(m_, greedy);
  const Eigen::VectorXd mu = feature_expectations(m_, phi_, occupancy), step = mu - mu_bar_;
  const double norm2 = step.squaredNorm();
  const double c = norm2 > 0.0 ? std::clamp(step.dot(w) / norm2, 0.0, 1.0) : 0.0;
  add(occupancy, c);
  mu_bar_ += c * step;
  const double before = w.norm();
  stalled_ = before - distance() <= kProjectionStall * before;
}

}  // namespace klab::mdp
