// RAP on categorical rows: Adam on the logits of the one-hot relaxation (equations in synthesizers.hpp).
#include <algorithm>
#include <cmath>

#include "blackbox/synthesizers.hpp"
#include "core/lab_math.hpp"

namespace klab::blackbox {
namespace {

class RapCategoricalSynthesizer final : public Synthesizer {
 public:
  RapCategoricalSynthesizer(const RapSettings& s, const std::vector<int>& levels, Rng rng) : s_(s), offset_(levels.size() + 1, 0) {
    for (size_t a = 0; a < levels.size(); ++a) offset_[a + 1] = offset_[a] + static_cast<size_t>(levels[a]);
    width_ = offset_.back();
    z_.resize(static_cast<size_t>(s_.rows) * width_);
    for (double& z : z_) z = rng.uniform();
    m1_.assign(z_.size(), 0.0);
    m2_.assign(z_.size(), 0.0);
    p_.resize(z_.size());
    softmax();
  }

  void measured(const std::vector<Query>&, const Measurements&) override {}

  void fit_step(const std::vector<Query>& queries, const Measurements& m) override {
    const size_t n = static_cast<size_t>(s_.rows), k = m.index.size();
    if (k == 0) return;
    // q̃_j(x_i) once for every measured cell and row: the residuals, then the gradients.
    value_.resize(k * n);
    residual_.assign(k, 0.0);
    for (size_t j = 0; j < k; ++j) {
      const Query& q = queries[static_cast<size_t>(m.index[j])];
      double sum = 0.0;
      for (size_t i = 0; i < n; ++i) sum += (value_[j * n + i] = relaxed_cell(q, i));
      residual_[j] = sum / static_cast<double>(n) - m.noisy[j];
    }
    // ∂L/∂z_{i,a}(c) = (2/N) Σ_j r_j q̃_j(x_i) Σ_{t: a_t = a} (1[c = v_t] − p_{i,a}(c)); Adam with bias correction.
    ++t_;
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const double c1 = 1.0 - math::pow(b1, t_), c2 = 1.0 - math::pow(b2, t_);
    gradient_.resize(width_);
    for (size_t i = 0; i < n; ++i) {
      std::fill(gradient_.begin(), gradient_.end(), 0.0);
      const double* p = &p_[i * width_];
      for (size_t j = 0; j < k; ++j) {
        const Query& q = queries[static_cast<size_t>(m.index[j])];
        const double w = residual_[j] * value_[j * n + i];
        for (size_t t = 0; t < q.attributes.size(); ++t) {
          const size_t a = static_cast<size_t>(q.attributes[t]);
          for (size_t c = offset_[a]; c < offset_[a + 1]; ++c) gradient_[c] -= w * p[c];
          gradient_[offset_[a] + static_cast<size_t>(q.values[t])] += w;
        }
      }
      for (size_t c = 0; c < width_; ++c) {
        const double g = gradient_[c] * (2.0 / static_cast<double>(n));
        double& m1 = m1_[i * width_ + c];
        double& m2 = m2_[i * width_ + c];
        m1 = b1 * m1 + (1 - b1) * g;
        m2 = b2 * m2 + (1 - b2) * g * g;
        z_[i * width_ + c] -= s_.learning_rate * (m1 / c1) / (std::sqrt(m2 / c2) + eps);
      }
    }
    softmax();
  }

  // The relaxed rows' answers (1/N) Σ_i Π_t p_{i,a_t}(v_t).
  std::vector<double> answers(const std::vector<Query>& queries) const override {
    std::vector<double> a(queries.size(), 0.0);
    for (size_t j = 0; j < queries.size(); ++j) {
      double sum = 0.0;
      for (size_t i = 0; i < static_cast<size_t>(s_.rows); ++i) sum += relaxed_cell(queries[j], i);
      a[j] = sum / s_.rows;
    }
    return a;
  }
  SyntheticData data() const override { return {}; }

 private:
  double relaxed_cell(const Query& q, size_t i) const {
    double v = 1.0;
    for (size_t t = 0; t < q.attributes.size(); ++t) v *= p_[i * width_ + offset_[static_cast<size_t>(q.attributes[t])] + static_cast<size_t>(q.values[t])];
    return v;
  }
  // p_{i,a} = softmax(z_{i,a}) for every row and attribute (shifted by the block's maximum).
  void softmax() {
    for (size_t i = 0; i < static_cast<size_t>(s_.rows); ++i)
      for (size_t a = 0; a + 1 < offset_.size(); ++a) {
        const double* z = &z_[i * width_];
        double* p = &p_[i * width_];
        const double top = *std::max_element(z + offset_[a], z + offset_[a + 1]);
        double total = 0.0;
        for (size_t c = offset_[a]; c < offset_[a + 1]; ++c) total += (p[c] = math::exp(z[c] - top));
        for (size_t c = offset_[a]; c < offset_[a + 1]; ++c) p[c] /= total;
      }
  }

  RapSettings s_;
  std::vector<size_t> offset_;  // (d + 1) attribute a's logits at offset_[a] .. offset_[a + 1) of a row
  size_t width_ = 0;            // Σ_a s_a
  std::vector<double> z_, p_;   // (N, Σ_a s_a) logits and their per-attribute softmax
  std::vector<double> m1_, m2_; // (N, Σ_a s_a) Adam's moments
  std::vector<double> value_;   // (|S|, N) q̃_j(x_i) of this step
  std::vector<double> residual_;  // (|S|) r_j
  std::vector<double> gradient_;  // (Σ_a s_a) ∂L/∂z_i of the current row, before the factor 2/N
  double t_ = 0;
};

}  // namespace

std::unique_ptr<Synthesizer> make_rap_categorical(const RapSettings& s, const std::vector<int>& levels, Rng rng) {
  return std::make_unique<RapCategoricalSynthesizer>(s, levels, rng);
}

}  // namespace klab::blackbox
