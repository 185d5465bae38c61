#include "offline/mlp.hpp"

#include <cmath>

namespace klab::offline {

Mlp::Mlp(const std::vector<int>& sizes, Rng& rng) : sizes_(sizes) {
  theta_.resize(mlp_parameter_count(sizes_.data(), static_cast<int>(sizes_.size())));
  mlp_init(sizes_.data(), static_cast<int>(sizes_.size()), theta_.data(), rng);
}

void Mlp::forward(const double* x, int batch, Tape& tape) const {
  const int n = static_cast<int>(sizes_.size());
  tape.batch = batch;
  tape.act.resize(mlp_tape_size(sizes_.data(), n, batch));
  tape.out_at = mlp_tape_offset(sizes_.data(), n - 1, batch);
  mlp_forward(sizes_.data(), n, theta_.data(), x, batch, tape.act.data());
}

void Mlp::backward(const Tape& tape, const double* dy, double* grad, double* dx) const {
  const int n = static_cast<int>(sizes_.size());
  std::vector<double> scratch(mlp_backward_scratch(sizes_.data(), n, tape.batch));
  mlp_backward(sizes_.data(), n, theta_.data(), tape.act.data(), tape.batch, dy, grad, dx, scratch.data());
}

}  // namespace klab::offline
