#include "offline/mlp.hpp"

#include <cmath>

namespace klab::offline {

Mlp::Mlp(const std::vector<int>& sizes, Rng& rng) : sizes_(sizes) {
  size_t count = 0;
  for (size_t l = 1; l < sizes.size(); ++l) count += static_cast<size_t>(sizes[l]) * static_cast<size_t>(sizes[l - 1] + 1);
  theta_.reserve(count);
  for (size_t l = 1; l < sizes.size(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes[l - 1]));
    for (int k = 0; k < sizes[l] * (sizes[l - 1] + 1); ++k) theta_.push_back(bound * (2.0 * rng.uniform() - 1.0));
  }
}

void Mlp::forward(const double* x, int batch, Tape& tape) const {
  const size_t layers = sizes_.size();
  tape.batch = batch;
  tape.act.resize(layers);
  tape.act[0].assign(x, x + static_cast<size_t>(batch) * static_cast<size_t>(sizes_[0]));
  const double* w = theta_.data();
  for (size_t l = 1; l < layers; ++l) {
    const int in = sizes_[l - 1], out = sizes_[l];
    const double* b = w + static_cast<size_t>(out) * static_cast<size_t>(in);
    std::vector<double>& h = tape.act[l];
    h.resize(static_cast<size_t>(batch) * static_cast<size_t>(out));
    const bool relu = l + 1 < layers;
    for (int n = 0; n < batch; ++n) {
      const double* hin = tape.act[l - 1].data() + static_cast<size_t>(n) * in;
      double* hout = h.data() + static_cast<size_t>(n) * out;
      // z_j = b_j + Σ_i W_ji h_i, summed in the order i = 0, 1, …: the loop over j is the inner one (independent sums).
      for (int j = 0; j < out; ++j) hout[j] = b[j];
      for (int i = 0; i < in; ++i) {
        const double* column = w + static_cast<size_t>(i) * out;  // W_{·i}
        for (int j = 0; j < out; ++j) hout[j] += column[j] * hin[i];
      }
      if (relu)
        for (int j = 0; j < out; ++j) hout[j] = hout[j] < 0.0 ? 0.0 : hout[j];
    }
    w = b + out;
  }
}

void Mlp::predict(const double* x, double* y) const {
  Tape t;
  forward(x, 1, t);
  for (int j = 0; j < outputs(); ++j) y[j] = t.act.back()[static_cast<size_t>(j)];
}

void Mlp::backward(const Tape& tape, const double* dy, double* grad, double* dx) const {
  const size_t layers = sizes_.size();
  const int batch = tape.batch;
  // Offsets of each layer's W in θ.
  std::vector<size_t> offset(layers, 0);
  for (size_t l = 1; l + 1 < layers; ++l) offset[l + 1] = offset[l] + static_cast<size_t>(sizes_[l]) * static_cast<size_t>(sizes_[l - 1] + 1);
  std::vector<double> delta(dy, dy + static_cast<size_t>(batch) * static_cast<size_t>(sizes_.back())), below;
  for (size_t l = layers - 1; l >= 1; --l) {
    const int in = sizes_[l - 1], out = sizes_[l];
    const double* w = theta_.data() + offset[l];
    const std::vector<double>& hin = tape.act[l - 1];
    if (grad) {
      double* gw = grad + offset[l];
      double* gb = gw + static_cast<size_t>(out) * static_cast<size_t>(in);
      for (int n = 0; n < batch; ++n) {
        const double* d = delta.data() + static_cast<size_t>(n) * out;
        const double* h = hin.data() + static_cast<size_t>(n) * in;
        for (int i = 0; i < in; ++i) {
          double* gc = gw + static_cast<size_t>(i) * out;
          for (int j = 0; j < out; ++j) gc[j] += d[j] * h[i];
        }
        for (int j = 0; j < out; ++j) gb[j] += d[j];
      }
    }
    if (l == 1 && !dx) break;
    below.assign(static_cast<size_t>(batch) * static_cast<size_t>(in), 0.0);
    for (int n = 0; n < batch; ++n) {
      const double* d = delta.data() + static_cast<size_t>(n) * out;
      double* e = below.data() + static_cast<size_t>(n) * in;
      for (int i = 0; i < in; ++i) {  // e_i = Σ_j W_ji δ_j, in the order j = 0, 1, …
        const double* column = w + static_cast<size_t>(i) * out;
        double sum = 0.0;
        for (int j = 0; j < out; ++j) sum += column[j] * d[j];
        e[i] = sum;
      }
      if (l > 1) {  // through the ReLU below: the gradient passes where h > 0
        const double* h = hin.data() + static_cast<size_t>(n) * in;
        for (int i = 0; i < in; ++i)
          if (h[i] <= 0.0) e[i] = 0.0;
      }
    }
    if (l == 1) {
      for (size_t k = 0; k < below.size(); ++k) dx[k] = below[k];
      break;
    }
    delta.swap(below);
  }
}

void Adam::step(std::vector<double>& theta, const std::vector<double>& grad) {
  b1t_ *= s_.beta1;
  b2t_ *= s_.beta2;
  const double c1 = 1.0 - b1t_, c2 = 1.0 - b2t_;
  for (size_t k = 0; k < theta.size(); ++k) {
    m_[k] = s_.beta1 * m_[k] + (1.0 - s_.beta1) * grad[k];
    v_[k] = s_.beta2 * v_[k] + (1.0 - s_.beta2) * grad[k] * grad[k];
    theta[k] -= s_.lr * (m_[k] / c1) / (std::sqrt(v_[k] / c2) + s_.eps);
  }
}

void soft_update(const std::vector<double>& theta, double tau, std::vector<double>& target) {
  for (size_t k = 0; k < theta.size(); ++k) target[k] = tau * theta[k] + (1.0 - tau) * target[k];
}

}  // namespace klab::offline
