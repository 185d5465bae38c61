// RAP on categorical rows: Adam on the logits of the one-hot relaxation (equations in synthesizers.hpp).
#include <algorithm>
#include <cmath>

#include "blackbox/synthesizers.hpp"
#include "core/adam.hpp"
#include "core/lab_math.hpp"

namespace klab::blackbox {
namespace {

// (d + 1) attribute a's entries at offsets[a] .. offsets[a + 1) of a row of Σ_a s_a entries.
std::vector<size_t> block_offsets(const std::vector<int>& levels) {
  std::vector<size_t> offset(levels.size() + 1, 0);
  for (size_t a = 0; a < levels.size(); ++a) offset[a + 1] = offset[a] + static_cast<size_t>(levels[a]);
  return offset;
}

// q̃(x_i) = Π_t p_{i,a_t}(v_t) of a marginal cell at relaxed row i.
double relaxed_cell(const std::vector<double>& p, const std::vector<size_t>& offset, const Query& q, size_t i) {
  double v = 1.0;
  for (size_t t = 0; t < q.attributes.size(); ++t) v *= p[i * offset.back() + offset[static_cast<size_t>(q.attributes[t])] + static_cast<size_t>(q.values[t])];
  return v;
}

}  // namespace

std::vector<double> relaxed_rows(const std::vector<int>& levels, const std::vector<double>& z) {
  size_t width = 0;
  for (int s : levels) width += static_cast<size_t>(s);
  std::vector<double> p(z.size());
  for (size_t row = 0; row < z.size(); row += width)
    for (size_t a = 0, begin = row; a < levels.size(); begin += static_cast<size_t>(levels[a]), ++a) {  // one attribute's block
      const size_t end = begin + static_cast<size_t>(levels[a]);
      const double top = *std::max_element(z.begin() + static_cast<std::ptrdiff_t>(begin), z.begin() + static_cast<std::ptrdiff_t>(end));
      double total = 0.0;
      for (size_t c = begin; c < end; ++c) total += (p[c] = math::exp(z[c] - top));  // shifted by the block's maximum
      for (size_t c = begin; c < end; ++c) p[c] /= total;
    }
  return p;
}

double relaxed_marginal_loss(const std::vector<int>& levels, const std::vector<double>& p, const std::vector<Query>& queries, const Measurements& m,
                             std::vector<double>* gradient) {
  const std::vector<size_t> offset = block_offsets(levels);
  const size_t width = offset.back(), n = p.size() / width, k = m.index.size();
  // q̃_j(x_i) once for every measured cell and row: the residuals, then the gradients.
  std::vector<double> value(k * n), residual(k);
  double loss = 0.0;
  for (size_t j = 0; j < k; ++j) {
    const Query& q = queries[static_cast<size_t>(m.index[j])];
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) sum += (value[j * n + i] = relaxed_cell(p, offset, q, i));
    residual[j] = sum / static_cast<double>(n) - m.noisy[j];
    loss += residual[j] * residual[j];
  }
  // ∂L/∂z_{i,a}(c) = (2/N) Σ_j r_j q̃_j(x_i) Σ_{t: a_t = a} (1[c = v_t] − p_{i,a}(c)).
  gradient->assign(p.size(), 0.0);
  for (size_t i = 0; i < n; ++i) {
    double* g = gradient->data() + i * width;
    const double* pi = &p[i * width];
    for (size_t j = 0; j < k; ++j) {
      const Query& q = queries[static_cast<size_t>(m.index[j])];
      const double w = residual[j] * value[j * n + i];
      for (size_t t = 0; t < q.attributes.size(); ++t) {
        const size_t a = static_cast<size_t>(q.attributes[t]);
        for (size_t c = offset[a]; c < offset[a + 1]; ++c) g[c] -= w * pi[c];
        g[offset[a] + static_cast<size_t>(q.values[t])] += w;
      }
    }
    for (size_t c = 0; c < width; ++c) g[c] = g[c] * (2.0 / static_cast<double>(n));
  }
  return loss;
}

namespace {

class RapCategoricalSynthesizer final : public Synthesizer {
 public:
  RapCategoricalSynthesizer(const RapSettings& s, const std::vector<int>& levels, Rng rng) : s_(s), levels_(levels), offset_(block_offsets(levels)) {
    z_.resize(static_cast<size_t>(s_.rows) * offset_.back());
    for (double& z : z_) z = rng.uniform();
    m1_.assign(z_.size(), 0.0);
    m2_.assign(z_.size(), 0.0);
    p_ = relaxed_rows(levels_, z_);
  }

  void measured(const std::vector<Query>&, const Measurements&) override {}

  // One Adam step (bias-corrected) on the logits.
  void fit_step(const std::vector<Query>& queries, const Measurements& m) override {
    if (m.index.empty()) return;
    relaxed_marginal_loss(levels_, p_, queries, m, &gradient_);
    const AdamStep adam(++t_);
    for (size_t c = 0; c < z_.size(); ++c) adam.apply(z_[c], m1_[c], m2_[c], gradient_[c], s_.learning_rate);
    p_ = relaxed_rows(levels_, z_);
  }

  // The relaxed rows' answers (1/N) Σ_i Π_t p_{i,a_t}(v_t).
  std::vector<double> answers(const std::vector<Query>& queries) const override {
    std::vector<double> out(queries.size(), 0.0);
    for (size_t j = 0; j < queries.size(); ++j) {
      double sum = 0.0;
      for (size_t i = 0; i < static_cast<size_t>(s_.rows); ++i) sum += relaxed_cell(p_, offset_, queries[j], i);
      out[j] = sum / s_.rows;
    }
    return out;
  }
  SyntheticData data() const override { return {}; }

 private:
  RapSettings s_;
  std::vector<int> levels_;      // (d) s_a
  std::vector<size_t> offset_;   // (d + 1) block_offsets(levels_)
  std::vector<double> z_, p_;    // (N, Σ_a s_a) logits and relaxed_rows(levels_, z_)
  std::vector<double> m1_, m2_;  // (N, Σ_a s_a) Adam's moments
  std::vector<double> gradient_;  // (N, Σ_a s_a) ∂L/∂z of this step
  double t_ = 0;
};

}  // namespace

std::unique_ptr<Synthesizer> make_rap_categorical(const RapSettings& s, const std::vector<int>& levels, Rng rng) {
  return std::make_unique<RapCategoricalSynthesizer>(s, levels, rng);
}

}  // namespace klab::blackbox
