// The MLP's arithmetic (mlp.hpp: the equations) as KLAB_INLINE functions on plain arrays, so that the
// CPU class Mlp, offline.prdc's CUDA kernel (prdc_engine.cu, one GPU thread per (run, learner)) and its
// host twin run the very same loops in the very same order. A network is its sizes {inputs, hidden…,
// outputs} (n_sizes entries) and its flat parameters θ (layer after layer: W by columns, (in, out)
// row-major, then b (out)). A tape holds one batch's activations, layer after layer: layer l's
// (batch × sizes[l]) values start at batch·(sizes[0] + … + sizes[l − 1]).
#pragma once
#include <cmath>
#include <cstddef>

#include "core/portable.hpp"
#include "core/rng.hpp"

namespace klab::offline {

KLAB_INLINE size_t mlp_parameter_count(const int* sizes, int n_sizes) {
  size_t count = 0;
  for (int l = 1; l < n_sizes; ++l) count += static_cast<size_t>(sizes[l]) * static_cast<size_t>(sizes[l - 1] + 1);
  return count;
}

// Doubles of a tape of `batch` inputs.
KLAB_INLINE size_t mlp_tape_size(const int* sizes, int n_sizes, int batch) {
  size_t width = 0;
  for (int l = 0; l < n_sizes; ++l) width += static_cast<size_t>(sizes[l]);
  return width * static_cast<size_t>(batch);
}

// Where layer l's activations start in a tape of `batch` inputs.
KLAB_INLINE size_t mlp_tape_offset(const int* sizes, int l, int batch) {
  size_t at = 0;
  for (int k = 0; k < l; ++k) at += static_cast<size_t>(sizes[k]);
  return at * static_cast<size_t>(batch);
}

// Doubles of backward's scratch for `batch` inputs: two (batch × widest layer) arrays.
KLAB_INLINE size_t mlp_backward_scratch(const int* sizes, int n_sizes, int batch) {
  int widest = 0;
  for (int l = 0; l < n_sizes; ++l) widest = sizes[l] > widest ? sizes[l] : widest;
  return 2 * static_cast<size_t>(widest) * static_cast<size_t>(batch);
}

// W, b ~ U[−1/√fan_in, 1/√fan_in], drawn layer after layer from rng (PyTorch's nn.Linear default).
KLAB_INLINE void mlp_init(const int* sizes, int n_sizes, double* theta, Rng& rng) {
  for (int l = 1; l < n_sizes; ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes[l - 1]));
    for (int k = 0; k < sizes[l] * (sizes[l - 1] + 1); ++k) *theta++ = bound * (2.0 * rng.uniform() - 1.0);
  }
}

// x: (batch × inputs) row-major, copied to the tape's first layer.
KLAB_INLINE void mlp_forward(const int* sizes, int n_sizes, const double* theta, const double* x, int batch, double* tape) {
  for (size_t k = 0; k < static_cast<size_t>(batch) * static_cast<size_t>(sizes[0]); ++k) tape[k] = x[k];
  const double* w = theta;
  const double* below = tape;
  for (int l = 1; l < n_sizes; ++l) {
    const int in = sizes[l - 1], out = sizes[l];
    const double* b = w + static_cast<size_t>(out) * static_cast<size_t>(in);
    double* h = tape + mlp_tape_offset(sizes, l, batch);
    const bool relu = l + 1 < n_sizes;
    for (int n = 0; n < batch; ++n) {
      const double* hin = below + static_cast<size_t>(n) * in;
      double* hout = h + static_cast<size_t>(n) * out;
      // z_j = b_j + Σ_i W_ji h_i, summed in the order i = 0, 1, …: the loop over j is the inner one (independent sums).
      for (int j = 0; j < out; ++j) hout[j] = b[j];
      for (int i = 0; i < in; ++i) {
        const double* column = w + static_cast<size_t>(i) * out;  // W_{·i}
        for (int j = 0; j < out; ++j) hout[j] += column[j] * hin[i];
      }
      if (relu)
        for (int j = 0; j < out; ++j) hout[j] = hout[j] < 0.0 ? 0.0 : hout[j];
    }
    below = h;
    w = b + out;
  }
}

// dy: ∂ℓ/∂y (batch × outputs). Adds ∂ℓ/∂θ to grad when grad is not null; writes ∂ℓ/∂x (batch ×
// inputs) to dx when dx is not null. scratch: mlp_backward_scratch doubles.
KLAB_INLINE void mlp_backward(const int* sizes, int n_sizes, const double* theta, const double* tape, int batch, const double* dy, double* grad,
                              double* dx, double* scratch) {
  const size_t half = mlp_backward_scratch(sizes, n_sizes, batch) / 2;
  double* delta = scratch;
  double* below = scratch + half;
  for (size_t k = 0; k < static_cast<size_t>(batch) * static_cast<size_t>(sizes[n_sizes - 1]); ++k) delta[k] = dy[k];
  size_t offset = mlp_parameter_count(sizes, n_sizes);  // of layer l's W in θ, from the top
  for (int l = n_sizes - 1; l >= 1; --l) {
    const int in = sizes[l - 1], out = sizes[l];
    offset -= static_cast<size_t>(out) * static_cast<size_t>(in + 1);
    const double* w = theta + offset;
    const double* hin = tape + mlp_tape_offset(sizes, l - 1, batch);
    if (grad) {
      double* gw = grad + offset;
      double* gb = gw + static_cast<size_t>(out) * static_cast<size_t>(in);
      for (int n = 0; n < batch; ++n) {
        const double* d = delta + static_cast<size_t>(n) * out;
        const double* h = hin + static_cast<size_t>(n) * in;
        for (int i = 0; i < in; ++i) {
          double* gc = gw + static_cast<size_t>(i) * out;
          for (int j = 0; j < out; ++j) gc[j] += d[j] * h[i];
        }
        for (int j = 0; j < out; ++j) gb[j] += d[j];
      }
    }
    if (l == 1 && !dx) break;
    for (int n = 0; n < batch; ++n) {
      const double* d = delta + static_cast<size_t>(n) * out;
      double* e = (l == 1 ? dx : below) + static_cast<size_t>(n) * in;
      for (int i = 0; i < in; ++i) {  // e_i = Σ_j W_ji δ_j, in the order j = 0, 1, …
        const double* column = w + static_cast<size_t>(i) * out;
        double sum = 0.0;
        for (int j = 0; j < out; ++j) sum += column[j] * d[j];
        e[i] = sum;
      }
      if (l > 1) {  // through the ReLU below: the gradient passes where h > 0
        const double* h = hin + static_cast<size_t>(n) * in;
        for (int i = 0; i < in; ++i)
          if (h[i] <= 0.0) e[i] = 0.0;
      }
    }
    if (l == 1) break;
    double* swap = delta;
    delta = below;
    below = swap;
  }
}

struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

// One Adam step on n parameters; b1t, b2t hold β₁ᵗ, β₂ᵗ of the steps so far (1 before the first).
KLAB_INLINE void adam_update(const AdamSettings& s, size_t n, double* theta, const double* grad, double* m, double* v, double& b1t, double& b2t) {
  b1t *= s.beta1;
  b2t *= s.beta2;
  const double c1 = 1.0 - b1t, c2 = 1.0 - b2t;
  for (size_t k = 0; k < n; ++k) {
    m[k] = s.beta1 * m[k] + (1.0 - s.beta1) * grad[k];
    v[k] = s.beta2 * v[k] + (1.0 - s.beta2) * grad[k] * grad[k];
    theta[k] -= s.lr * (m[k] / c1) / (std::sqrt(v[k] / c2) + s.eps);
  }
}

// θ′ ← τθ + (1 − τ)θ′ over n parameters.
KLAB_INLINE void soft_update(size_t n, const double* theta, double tau, double* target) {
  for (size_t k = 0; k < n; ++k) target[k] = tau * theta[k] + (1.0 - tau) * target[k];
}

}  // namespace klab::offline
