// A small multilayer perceptron with ReLU hidden layers and a linear output, written out by hand
// (forward, backward, Adam) for the offline chapter's continuous learners (td3.hpp).
//
//   h₀ = x,   h_l = relu(W_l h_{l−1} + b_l)  (l < L),   y = W_L h_{L−1} + b_L
//   backward: δ_L = ∂ℓ/∂y;  ∂ℓ/∂W_l = δ_l h_{l−1}ᵀ,  ∂ℓ/∂b_l = δ_l,  δ_{l−1} = (W_lᵀ δ_l) ⊙ 1[h_{l−1} > 0]
//   init (PyTorch's nn.Linear default, the one the TD3/PRDC code uses): W, b ~ U[−1/√fan_in, 1/√fan_in]
//   Adam (Kingma & Ba, ICLR 2015): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂/(√v̂ + ε)
// Every sum runs in one fixed order with +, −, ×, ÷ and √ only (no Eigen products: their vectorised
// kernels sum in a different order with SSE than in WebAssembly), so with -ffp-contract=off a
// training run gives the same bits natively and in wasm.
// Parameters live in one flat vector (layer after layer: W stored by columns, (in, out) row-major, so that the
// forward pass's inner loop runs over independent outputs; then b (out)): soft
// target updates and Adam are loops over it.
#pragma once
#include <cstddef>
#include <vector>

#include "core/rng.hpp"

namespace klab::offline {

class Mlp {
 public:
  Mlp() = default;
  // sizes = {inputs, hidden…, outputs}; weights drawn from `rng`.
  Mlp(const std::vector<int>& sizes, Rng& rng);

  int inputs() const { return sizes_.front(); }
  int outputs() const { return sizes_.back(); }
  size_t parameter_count() const { return theta_.size(); }
  std::vector<double>& parameters() { return theta_; }
  const std::vector<double>& parameters() const { return theta_; }

  // Activations of one batch, kept for the backward pass: layer l's outputs are act[l] (batch × width_l),
  // act[0] the input; the last is the linear output.
  struct Tape {
    int batch = 0;
    std::vector<std::vector<double>> act;
    const double* output() const { return act.back().data(); }
  };
  // x: (batch × inputs) row-major.
  void forward(const double* x, int batch, Tape& tape) const;
  // One input (no tape): y (outputs).
  void predict(const double* x, double* y) const;
  // dy: ∂ℓ/∂y (batch × outputs). Adds ∂ℓ/∂θ to grad (parameter_count) when grad is not null; writes
  // ∂ℓ/∂x (batch × inputs) to dx when dx is not null.
  void backward(const Tape& tape, const double* dy, double* grad, double* dx) const;

 private:
  std::vector<int> sizes_;
  std::vector<double> theta_;  // (parameter_count)
};

struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

class Adam {
 public:
  Adam() = default;
  Adam(size_t parameters, const AdamSettings& s) : s_(s), m_(parameters, 0.0), v_(parameters, 0.0) {}
  void step(std::vector<double>& theta, const std::vector<double>& grad);

 private:
  AdamSettings s_;
  std::vector<double> m_, v_;
  double b1t_ = 1.0, b2t_ = 1.0;  // β₁ᵗ, β₂ᵗ
};

// θ′ ← τθ + (1 − τ)θ′ (the target networks' soft update).
void soft_update(const std::vector<double>& theta, double tau, std::vector<double>& target);

}  // namespace klab::offline
