// A small multilayer perceptron with ReLU hidden layers and a linear output, written out by hand
// (forward, backward, Adam) for the offline chapter's continuous learners (td3.hpp, td3_core.hpp).
//
//   h₀ = x,   h_l = relu(W_l h_{l−1} + b_l)  (l < L),   y = W_L h_{L−1} + b_L
//   backward: δ_L = ∂ℓ/∂y;  ∂ℓ/∂W_l = δ_l h_{l−1}ᵀ,  ∂ℓ/∂b_l = δ_l,  δ_{l−1} = (W_lᵀ δ_l) ⊙ 1[h_{l−1} > 0]
//   init (PyTorch's nn.Linear default, the one the TD3/PRDC code uses): W, b ~ U[−1/√fan_in, 1/√fan_in]
//   Adam (Kingma & Ba, ICLR 2015): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂/(√v̂ + ε)
// The arithmetic is mlp_core.hpp's (KLAB_INLINE, shared with offline.prdc's CUDA engine); this class owns the storage.
// Every sum runs in one fixed order with +, −, ×, ÷ and √ only (no Eigen products: their vectorised
// kernels sum in a different order with SSE than in WebAssembly), so with -ffp-contract=off a
// training run gives the same bits natively and in wasm.
// Parameters live in one flat vector (layer after layer: W stored by columns, (in, out) row-major, so that the
// forward pass's inner loop runs over independent outputs; then b (out)): soft target updates and Adam
// (mlp_core.hpp's adam_update, soft_update) are loops over it. This class owns a network's storage (the
// learners of td3_core.hpp keep theirs in one flat state).
#pragma once
#include <cstddef>
#include <vector>

#include "core/rng.hpp"
#include "offline/mlp_core.hpp"

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

  // Activations of one batch, kept for the backward pass (mlp_core.hpp's layout: layer after layer,
  // the input first, the linear output last).
  struct Tape {
    int batch = 0;
    std::vector<double> act;
    size_t out_at = 0;  // where the output layer starts
    const double* output() const { return act.data() + out_at; }
  };
  // x: (batch × inputs) row-major.
  void forward(const double* x, int batch, Tape& tape) const;
  // dy: ∂ℓ/∂y (batch × outputs). Adds ∂ℓ/∂θ to grad (parameter_count) when grad is not null; writes
  // ∂ℓ/∂x (batch × inputs) to dx when dx is not null.
  void backward(const Tape& tape, const double* dy, double* grad, double* dx) const;

 private:
  std::vector<int> sizes_;
  std::vector<double> theta_;  // (parameter_count)
};

}  // namespace klab::offline
