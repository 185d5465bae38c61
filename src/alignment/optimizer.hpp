// First-order optimisers on a parameter vector (minimisation).
//   gradient descent   θ ← θ - η g
//   Adam               Kingma & Ba 2015, Algorithm 1: m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g²,
//                      θ ← θ - η m̂/(√v̂ + ε), m̂ = m/(1-β1^t), v̂ = v/(1-β2^t)
#pragma once
#include <Eigen/Dense>
#include <cmath>

namespace klab::alignment {

enum class OptimizerKind { GradientDescent, Adam };

class Optimizer {
 public:
  Optimizer() = default;
  Optimizer(OptimizerKind kind, double lr, Eigen::Index dim)
      : kind_(kind), lr_(lr), m_(Eigen::VectorXd::Zero(dim)), v_(Eigen::VectorXd::Zero(dim)) {}

  void step(Eigen::VectorXd& params, const Eigen::VectorXd& grad) {
    if (kind_ == OptimizerKind::GradientDescent) {
      params -= lr_ * grad;
      return;
    }
    constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    ++t_;
    m_ = b1 * m_ + (1.0 - b1) * grad;
    v_ = b2 * v_ + (1.0 - b2) * grad.cwiseProduct(grad);
    const double c1 = 1.0 - std::pow(b1, t_), c2 = 1.0 - std::pow(b2, t_);
    params.array() -= lr_ * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps);
  }

 private:
  OptimizerKind kind_ = OptimizerKind::GradientDescent;
  double lr_ = 0.1;
  Eigen::VectorXd m_, v_;
  int t_ = 0;
};

}  // namespace klab::alignment
