#include "blackbox/synthesizers.hpp"

#include <algorithm>
#include <cmath>

#include "blackbox/categorical.hpp"
#include "core/adam.hpp"
#include "core/lab_math.hpp"

namespace klab::blackbox {
namespace {

// A uniform value of attribute k: in [0, 1] (levels empty) or one of its levels[k] categories.
double uniform_value(const std::vector<int>& levels, size_t k, Rng& rng) {
  return levels.empty() ? rng.uniform() : static_cast<double>(rng.below(static_cast<uint32_t>(levels[k])));
}

// n uniform rows, drawn row by row, attribute by attribute.
Rows uniform_rows(int n, int dims, const std::vector<int>& levels, Rng& rng) {
  Rows rows;
  rows.dims = dims;
  rows.v.resize(static_cast<size_t>(n) * static_cast<size_t>(dims));
  for (size_t i = 0; i < rows.v.size(); ++i) rows.v[i] = uniform_value(levels, i % static_cast<size_t>(dims), rng);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Private-GSD
class GsdSynthesizer final : public Synthesizer {
 public:
  GsdSynthesizer(const GsdSettings& s, Rng rng) : s_(s), rng_(rng) {
    for (int e = 0; e < s_.elite; ++e) elites_.push_back({uniform_rows(s_.rows, s_.dims, s_.levels, rng_), {}, 0.0});
  }

  void measured(const std::vector<Query>& queries, const Measurements& m) override {
    // Answers recomputed from the rows (this also clears the rounding the sparse updates gathered).
    for (Member& e : elites_) {
      e.fitted.assign(m.index.size(), 0.0);
      for (size_t j = 0; j < m.index.size(); ++j) {
        double sum = 0.0;
        for (size_t i = 0; i < e.rows.size(); ++i) sum += query_value(queries[static_cast<size_t>(m.index[j])], e.rows[i]);
        e.fitted[j] = sum / s_.rows;
      }
      e.loss = loss_of(e.fitted, m);
    }
    std::stable_sort(elites_.begin(), elites_.end(), [](const Member& a, const Member& b) { return a.loss < b.loss; });
  }

  void fit_step(const std::vector<Query>& queries, const Measurements& m) override {
    const size_t measured_count = m.index.size(), d = static_cast<size_t>(s_.dims);
    const uint32_t elite = static_cast<uint32_t>(elites_.size()), rows = static_cast<uint32_t>(s_.rows);
    children_.resize(static_cast<size_t>(s_.population));
    values_.resize(children_.size() * d);
    for (size_t c = 0; c < children_.size(); ++c) {
      Child& ch = children_[c];
      ch.parent = static_cast<uint32_t>(c % elite);
      ch.row = rng_.below(rows);
      const double* old = elites_[ch.parent].rows[ch.row];
      double* value = &values_[c * d];
      std::copy(old, old + d, value);
      const uint32_t k = rng_.below(static_cast<uint32_t>(d));
      if (rng_.uniform() < 0.5) {
        value[k] = uniform_value(s_.levels, k, rng_);  // mutation
      } else {
        const Member& partner = elites_[rng_.below(elite)];  // crossover
        value[k] = partner.rows[rng_.below(rows)][k];
      }
      const std::vector<double>& f = elites_[ch.parent].fitted;
      double loss = 0.0;
      for (size_t j = 0; j < measured_count; ++j) {
        const Query& q = queries[static_cast<size_t>(m.index[j])];
        const double r = f[j] + (query_value(q, value) - query_value(q, old)) / s_.rows - m.noisy[j];
        loss += r * r;
      }
      ch.loss = loss;
    }
    // Candidates: elite members 0..E−1, then children E..E+P−1; the best E survive.
    order_.resize(elite + children_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint32_t>(i);
    auto loss_of_candidate = [&](uint32_t i) { return i < elite ? elites_[i].loss : children_[i - elite].loss; };
    std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) { return loss_of_candidate(a) < loss_of_candidate(b); });
    std::vector<Member> next;
    next.reserve(elite);
    for (uint32_t r = 0; r < elite; ++r) {
      const uint32_t i = order_[r];
      if (i < elite) {
        next.push_back(elites_[i]);
        continue;
      }
      const Child& ch = children_[i - elite];
      const double* value = &values_[(i - elite) * d];
      Member child = elites_[ch.parent];
      double* row = child.rows[ch.row];
      for (size_t j = 0; j < measured_count; ++j) {
        const Query& q = queries[static_cast<size_t>(m.index[j])];
        child.fitted[j] += (query_value(q, value) - query_value(q, row)) / s_.rows;
      }
      std::copy(value, value + d, row);
      child.loss = ch.loss;
      next.push_back(std::move(child));
    }
    elites_ = std::move(next);
  }

  std::vector<double> answers(const std::vector<Query>& queries) const override { return query_answers(queries, elites_.front().rows); }
  SyntheticData data() const override { return {elites_.front().rows, {}, 0}; }

 private:
  struct Member {
    Rows rows;                   // (N, d)
    std::vector<double> fitted;  // (|S|) q_j(D̂) of the measured queries
    double loss;
  };
  struct Child {  // one changed row of elite member `parent`; its new value in values_
    uint32_t parent = 0, row = 0;
    double loss = 0;
  };
  static double loss_of(const std::vector<double>& fitted, const Measurements& m) {
    double loss = 0.0;
    for (size_t j = 0; j < fitted.size(); ++j) loss += (fitted[j] - m.noisy[j]) * (fitted[j] - m.noisy[j]);
    return loss;
  }

  GsdSettings s_;
  Rng rng_;
  std::vector<Member> elites_;  // (E) best first
  std::vector<Child> children_;
  std::vector<double> values_;  // (P, d) the children's changed rows
  std::vector<uint32_t> order_;
};

// ---------------------------------------------------------------------------------------------
// RAP: Adam on the relaxed loss
class RapSynthesizer final : public Synthesizer {
 public:
  RapSynthesizer(const RapSettings& s, Rng rng) : s_(s) {
    points_ = uniform_rows(s_.rows, s_.dims, {}, rng);
    m1_.assign(points_.v.size(), 0.0);
    m2_.assign(points_.v.size(), 0.0);
  }

  void measured(const std::vector<Query>&, const Measurements&) override {}

  void fit_step(const std::vector<Query>& queries, const Measurements& m) override {
    const size_t n = points_.size(), k = m.index.size(), d = static_cast<size_t>(s_.dims);
    if (k == 0) return;
    total_.resize(d);
    residual_.assign(k, 0.0);
    evals_.resize(k * n);
    // One evaluation of every relaxed query at every row (value and gradient factors), used twice:
    // for the residuals r_j = (1/N) Σ_i q̃_j(x_i) − ã_j, then for the gradients below.
    for (size_t j = 0; j < k; ++j) {
      const Query& q = queries[static_cast<size_t>(m.index[j])];
      double sum = 0.0;
      for (size_t i = 0; i < n; ++i) sum += (evals_[j * n + i] = relaxed_eval(q, points_[i], s_.slope)).value;
      residual_[j] = sum / static_cast<double>(n) - m.noisy[j];
    }
    // ∂L/∂x_i = (2/N) Σ_j r_j ∇q̃_j(x_i); Adam with bias correction, then the clip to [0,1]^d.
    const AdamStep adam(++t_);
    for (size_t i = 0; i < n; ++i) {
      std::fill(total_.begin(), total_.end(), 0.0);
      for (size_t j = 0; j < k; ++j) add_relaxed_gradient(queries[static_cast<size_t>(m.index[j])], evals_[j * n + i], residual_[j], total_.data());
      for (size_t a = 0; a < d; ++a) {
        double& x = points_[i][a];
        adam.apply(x, m1_[i * d + a], m2_[i * d + a], total_[a] * (2.0 / static_cast<double>(n)), s_.learning_rate);
        x = std::min(1.0, std::max(0.0, x));
      }
    }
  }

  std::vector<double> answers(const std::vector<Query>& queries) const override { return query_answers(queries, points_); }
  SyntheticData data() const override { return {points_, {}, 0}; }

 private:
  RapSettings s_;
  Rows points_;                    // (N, d)
  std::vector<double> m1_, m2_;    // (N, d) Adam's moments
  std::vector<RelaxedEval> evals_;  // (|S|, N) q̃_j at x_i with its gradient factors, this step's
  std::vector<double> total_;       // (d) Σ_j r_j ∇q̃_j(x_i) of the current row
  std::vector<double> residual_;    // (|S|) r_j
  double t_ = 0;
};

// ---------------------------------------------------------------------------------------------
// MWEM: multiplicative weights over the grid
class MwemSynthesizer final : public Synthesizer {
 public:
  explicit MwemSynthesizer(const MwemSettings& s) : g_(s.levels.empty() ? s.grid : 0) {
    const size_t cells = static_cast<size_t>(s.levels.empty() ? mwem_cells(s.grid, s.dims) : categorical_domain_cells(s.levels));
    weights_.assign(cells, 1.0 / static_cast<double>(cells));
    // Cell c has index Σ_k i_k Π_{k'<k} r_k' (attribute 1 fastest; radix r_k = g, or s_k categories) and
    // centre ((i_k + 0.5)/g)_k, or the record (i_k)_k.
    centres_.dims = s.dims;
    centres_.v.resize(cells * static_cast<size_t>(s.dims));
    for (size_t c = 0; c < cells; ++c) {
      size_t rest = c;
      for (size_t k = 0; k < static_cast<size_t>(s.dims); ++k) {
        const size_t radix = static_cast<size_t>(s.levels.empty() ? g_ : s.levels[k]);
        const double i = static_cast<double>(rest % radix);
        centres_[c][k] = s.levels.empty() ? (i + 0.5) / g_ : i;
        rest /= radix;
      }
    }
  }

  void measured(const std::vector<Query>& queries, const Measurements& m) override {
    for (size_t j = cache_.size(); j < m.index.size(); ++j) {  // q_j at every cell centre, (|S|, g^d)
      std::vector<double> v(weights_.size());
      for (size_t c = 0; c < v.size(); ++c) v[c] = query_value(queries[static_cast<size_t>(m.index[j])], centres_[c]);
      cache_.push_back(std::move(v));
    }
  }

  void fit_step(const std::vector<Query>&, const Measurements& m) override {
    for (size_t j = 0; j < cache_.size(); ++j) {
      const std::vector<double>& q = cache_[j];
      double current = 0.0;
      for (size_t c = 0; c < weights_.size(); ++c) current += weights_[c] * q[c];
      const double step = 0.5 * (m.noisy[j] - current);
      // exp(step·q) with q ∈ {0, 1} (counting queries) is 1 or e^step: one exp per query, not per cell.
      const double up = math::exp(step);
      double total = 0.0;
      for (size_t c = 0; c < weights_.size(); ++c) total += (weights_[c] *= q[c] == 0.0 ? 1.0 : q[c] == 1.0 ? up : math::exp(step * q[c]));
      for (double& w : weights_) w /= total;
    }
  }

  std::vector<double> answers(const std::vector<Query>& queries) const override {
    std::vector<double> a(queries.size(), 0.0);
    for (size_t j = 0; j < queries.size(); ++j)
      for (size_t c = 0; c < weights_.size(); ++c) a[j] += weights_[c] * query_value(queries[j], centres_[c]);
    return a;
  }
  // The marginal on attributes 1, 2: cell c lies over the planar cell c mod g² (empty on categorical rows).
  SyntheticData data() const override {
    if (g_ == 0) return {};
    const size_t plane = static_cast<size_t>(g_) * static_cast<size_t>(g_);
    if (weights_.size() == plane) return {{}, weights_, g_};
    std::vector<double> marginal(plane, 0.0);
    for (size_t c = 0; c < weights_.size(); ++c) marginal[c % plane] += weights_[c];
    return {{}, marginal, g_};
  }

 private:
  int g_;                                   // g; 0 on categorical rows
  std::vector<double> weights_;             // (g^d or Π_k s_k) A
  Rows centres_;                            // (g^d, d)
  std::vector<std::vector<double>> cache_;  // (|S|, g^d)
};

}  // namespace

double mwem_cells(int grid, int dims) {
  double cells = 1.0;
  for (int k = 0; k < dims; ++k) cells *= grid;  // exact while it matters (≤ 2^53)
  return cells;
}

std::unique_ptr<Synthesizer> make_gsd(const GsdSettings& s, Rng rng) { return std::make_unique<GsdSynthesizer>(s, rng); }
std::unique_ptr<Synthesizer> make_rap(const RapSettings& s, Rng rng) { return std::make_unique<RapSynthesizer>(s, rng); }
std::unique_ptr<Synthesizer> make_mwem(const MwemSettings& s) { return std::make_unique<MwemSynthesizer>(s); }

double measured_loss(const std::vector<Query>& queries, const Measurements& m, const Rows& rows) {
  double loss = 0.0;
  for (size_t j = 0; j < m.index.size(); ++j) {
    double sum = 0.0;
    for (size_t i = 0; i < rows.size(); ++i) sum += query_value(queries[static_cast<size_t>(m.index[j])], rows[i]);
    const double r = sum / static_cast<double>(rows.size()) - m.noisy[j];
    loss += r * r;
  }
  return loss;
}

}  // namespace klab::blackbox
