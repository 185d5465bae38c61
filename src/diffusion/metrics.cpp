#include "diffusion/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/lab_math.hpp"

namespace klab::diffusion {

double discretisation_error(const Particles& a, const Particles& reference) {
  double total = 0.0;
  for (size_t i = 0; i < a.size(); ++i) total += std::hypot(a.x[i] - reference.x[i], a.y[i] - reference.y[i]);
  return total / static_cast<double>(a.size());
}

namespace {

// Sorts v ascending, in O(n) for the samples the metrics see: each double is mapped to an
// order-preserving 64-bit key (negatives bit-inverted, positives with the sign bit set), the keys
// are put in order of their top 31 bits by three LSD radix passes of 11 bits (a pass skipped where
// every key has the same digit), then each run of keys equal in those bits (values within a
// relative 2⁻¹⁹ of each other: runs of 1–3 at n = 10⁶) is sorted whole. At n = 10⁶ it takes
// about a third of std::sort's time, which is what makes sliced W2 affordable per cell. The
// sorted values are std::sort's (tested through sliced_w2, bit for bit); −0 sorts before +0 and
// NaNs go to the ends, neither of which changes a sum.
void sort_values(std::vector<double>& v, std::vector<uint64_t>& keys, std::vector<uint64_t>& spare) {
  const size_t n = v.size();
  constexpr int kBits = 11, kFirstShift = 33;  // passes at shifts 33, 44, 55: key bits 33–63
  constexpr size_t kBuckets = size_t{1} << kBits;
  keys.resize(n);
  spare.resize(n);
  std::vector<size_t> count(3 * kBuckets, 0);  // (pass, digit)
  auto digit = [](uint64_t key, int pass) { return static_cast<size_t>((key >> (kFirstShift + pass * kBits)) & (kBuckets - 1)); };
  for (size_t i = 0; i < n; ++i) {
    uint64_t u;
    std::memcpy(&u, &v[i], sizeof u);
    u = (u >> 63) ? ~u : u | (uint64_t{1} << 63);
    keys[i] = u;
    for (int p = 0; p < 3; ++p) ++count[p * kBuckets + digit(u, p)];
  }
  for (int p = 0; p < 3 && n > 0; ++p) {
    size_t* c = &count[p * kBuckets];
    if (c[digit(keys[0], p)] == n) continue;  // one digit for all keys: the order is unchanged
    size_t sum = 0;
    for (size_t d = 0; d < kBuckets; ++d) {
      const size_t k = c[d];
      c[d] = sum;
      sum += k;
    }
    for (size_t i = 0; i < n; ++i) spare[c[digit(keys[i], p)]++] = keys[i];
    keys.swap(spare);
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && (keys[j] >> kFirstShift) == (keys[i] >> kFirstShift)) ++j;
    if (j - i > 1) std::sort(keys.begin() + static_cast<long>(i), keys.begin() + static_cast<long>(j));
    i = j;
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t u = keys[i];
    u = (u >> 63) ? u & ~(uint64_t{1} << 63) : ~u;
    std::memcpy(&v[i], &u, sizeof u);
  }
}

}  // namespace

double sliced_w2(const Particles& a, const Particles& b, int projections) {
  const size_t n = std::min(a.size(), b.size());
  std::vector<double> pa(n), pb(n);
  std::vector<uint64_t> keys, spare;
  double total = 0.0;
  for (int l = 0; l < projections; ++l) {
    const double theta = kPi * (l + 0.5) / projections, c = std::cos(theta), s = std::sin(theta);
    for (size_t i = 0; i < n; ++i) {
      pa[i] = c * a.x[i] + s * a.y[i];
      pb[i] = c * b.x[i] + s * b.y[i];
    }
    sort_values(pa, keys, spare);
    sort_values(pb, keys, spare);
    double w = 0.0;
    for (size_t i = 0; i < n; ++i) w += (pa[i] - pb[i]) * (pa[i] - pb[i]);
    total += w / static_cast<double>(n);
  }
  return std::sqrt(total / projections);
}

MmdReference::MmdReference(const Mixture& p, double length) : length_(length) {
  const double l2 = length * length;
  for (const Component& c : p.components) {
    const double xx = c.sxx + l2, xy = c.sxy, yy = c.syy + l2, det = xx * yy - xy * xy;
    mx_.push_back(c.mx);
    my_.push_back(c.my);
    pxx_.push_back(yy / det);
    pxy_.push_back(-xy / det);
    pyy_.push_back(xx / det);
    coef_.push_back(c.weight * l2 / std::sqrt(det));  // 2πℓ² w / (2π √det)
  }
  // E k(Y, Y') = 2πℓ² Σ_jk w_j w_k N(μ_j − μ_k; 0, Σ_j + Σ_k + ℓ²I)
  for (const Component& a : p.components)
    for (const Component& b : p.components) {
      const double xx = a.sxx + b.sxx + l2, xy = a.sxy + b.sxy, yy = a.syy + b.syy + l2, det = xx * yy - xy * xy;
      const double dx = a.mx - b.mx, dy = a.my - b.my;
      const double q = (yy * dx * dx - 2.0 * xy * dx * dy + xx * dy * dy) / det;
      self_ += a.weight * b.weight * l2 / std::sqrt(det) * math::exp(-0.5 * q);
    }
}

double MmdReference::mmd(const Particles& a) const {
  const size_t n = a.size();
  const double inv2l2 = 0.5 / (length_ * length_);
  double within = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double row = 0.0;
    for (size_t j = i + 1; j < n; ++j) {
      const double dx = a.x[i] - a.x[j], dy = a.y[i] - a.y[j];
      row += math::exp(-(dx * dx + dy * dy) * inv2l2);
    }
    within += 2.0 * row + 1.0;
  }
  double cross = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < mx_.size(); ++k) {
      const double dx = a.x[i] - mx_[k], dy = a.y[i] - my_[k];
      cross += coef_[k] * math::exp(-0.5 * (pxx_[k] * dx * dx + 2.0 * pxy_[k] * dx * dy + pyy_[k] * dy * dy));
    }
  const double nn = static_cast<double>(n);
  return std::sqrt(std::max(0.0, within / (nn * nn) - 2.0 * cross / nn + self_));
}

KdeReference::KdeReference(const Mixture& p, int grid, double bandwidth) : g_(grid), h_(bandwidth), box_(bounding_box(p, 4.0)) {
  q_.assign(static_cast<size_t>(g_) * g_, 0.0);
  const double dx = (box_.x1 - box_.x0) / g_, dy = (box_.y1 - box_.y0) / g_;
  double total = 0.0;
  for (int j = 0; j < g_; ++j)
    for (int i = 0; i < g_; ++i) {
      const double v = math::exp(log_density(p, box_.x0 + (i + 0.5) * dx, box_.y0 + (j + 0.5) * dy));
      q_[static_cast<size_t>(j) * g_ + i] = v;
      total += v;
    }
  for (double& v : q_) v /= total;
}

namespace {

// p̂ ← (1 − δ) p̂/Σp̂ + δ/G² with δ = 10⁻³, so that KL(p_data ‖ p̂) is finite.
void floor_density(std::vector<double>& p, double total) {
  constexpr double kFloor = 1e-3;
  for (double& v : p) v = (1.0 - kFloor) * (total > 0 ? v / total : 0.0) + kFloor / static_cast<double>(p.size());
}

}  // namespace

std::vector<double> KdeReference::density(const Particles& a) const {
  const size_t cells = static_cast<size_t>(g_) * g_;
  std::vector<double> bins(cells, 0.0), tmp(cells, 0.0);
  const double dx = (box_.x1 - box_.x0) / g_, dy = (box_.y1 - box_.y0) / g_;
  // Linear binning onto the cell centres (samples outside the box are left out).
  for (size_t n = 0; n < a.size(); ++n) {
    const double u = (a.x[n] - box_.x0) / dx - 0.5, v = (a.y[n] - box_.y0) / dy - 0.5;
    if (!(u >= 0.0 && v >= 0.0 && u <= g_ - 1 && v <= g_ - 1)) continue;
    const int i = std::min(static_cast<int>(u), g_ - 2), j = std::min(static_cast<int>(v), g_ - 2);
    const double fu = u - i, fv = v - j;
    bins[static_cast<size_t>(j) * g_ + i] += (1 - fu) * (1 - fv);
    bins[static_cast<size_t>(j) * g_ + i + 1] += fu * (1 - fv);
    bins[static_cast<size_t>(j + 1) * g_ + i] += (1 - fu) * fv;
    bins[static_cast<size_t>(j + 1) * g_ + i + 1] += fu * fv;
  }
  // Separable Gaussian convolution, truncated at 4h.
  auto kernel = [](double h_cells) {
    const int r = std::max(1, static_cast<int>(std::ceil(4.0 * h_cells)));
    std::vector<double> k(2 * static_cast<size_t>(r) + 1);
    for (int i = -r; i <= r; ++i) k[static_cast<size_t>(i + r)] = math::exp(-0.5 * i * i / (h_cells * h_cells));
    return k;
  };
  const std::vector<double> kx = kernel(h_ / dx), ky = kernel(h_ / dy);
  const int rx = static_cast<int>(kx.size() / 2), ry = static_cast<int>(ky.size() / 2);
  for (int j = 0; j < g_; ++j)
    for (int i = 0; i < g_; ++i) {
      double s = 0.0;
      for (int d = std::max(-rx, -i); d <= std::min(rx, g_ - 1 - i); ++d) s += kx[static_cast<size_t>(d + rx)] * bins[static_cast<size_t>(j) * g_ + i + d];
      tmp[static_cast<size_t>(j) * g_ + i] = s;
    }
  double total = 0.0;
  for (int j = 0; j < g_; ++j)
    for (int i = 0; i < g_; ++i) {
      double s = 0.0;
      for (int d = std::max(-ry, -j); d <= std::min(ry, g_ - 1 - j); ++d) s += ky[static_cast<size_t>(d + ry)] * tmp[static_cast<size_t>(j + d) * g_ + i];
      bins[static_cast<size_t>(j) * g_ + i] = s;
      total += s;
    }
  floor_density(bins, total);
  return bins;
}

std::vector<double> KdeReference::density_exact(const Particles& a) const {
  std::vector<double> p(static_cast<size_t>(g_) * g_, 0.0);
  const double dx = (box_.x1 - box_.x0) / g_, dy = (box_.y1 - box_.y0) / g_, inv2h2 = 0.5 / (h_ * h_);
  double total = 0.0;
  for (int j = 0; j < g_; ++j)
    for (int i = 0; i < g_; ++i) {
      const double gx = box_.x0 + (i + 0.5) * dx, gy = box_.y0 + (j + 0.5) * dy;
      double s = 0.0;
      for (size_t n = 0; n < a.size(); ++n) s += math::exp(-((a.x[n] - gx) * (a.x[n] - gx) + (a.y[n] - gy) * (a.y[n] - gy)) * inv2h2);
      p[static_cast<size_t>(j) * g_ + i] = s;
      total += s;
    }
  floor_density(p, total);
  return p;
}

double KdeReference::kl_of(const std::vector<double>& p) const {
  double kl = 0.0;
  for (size_t c = 0; c < q_.size(); ++c)
    if (q_[c] > 0.0) kl += q_[c] * math::log(q_[c] / p[c]);
  return std::max(0.0, kl);
}

Coverage mode_coverage(const Mixture& p, const Particles& a) {
  constexpr double kThreeSigma = 11.829;  // χ²₂ quantile 0.9973 = −2 ln(0.0027)
  const size_t k = p.components.size();
  std::vector<double> counts(k, 0.0);
  double on = 0.0;
  for (size_t n = 0; n < a.size(); ++n) {
    double best = 1e300;
    size_t arg = 0;
    for (size_t c = 0; c < k; ++c) {
      const Component& m = p.components[c];
      const double det = m.sxx * m.syy - m.sxy * m.sxy, dx = a.x[n] - m.mx, dy = a.y[n] - m.my;
      const double d2 = (m.syy * dx * dx - 2.0 * m.sxy * dx * dy + m.sxx * dy * dy) / det;
      if (d2 < best) best = d2, arg = c;
    }
    if (best <= kThreeSigma) {
      counts[arg] += 1.0;
      on += 1.0;
    }
  }
  Coverage c;
  const double n = static_cast<double>(a.size());
  c.samples = on / n;
  for (size_t i = 0; i < k; ++i) c.modes += counts[i] >= std::max(1.0, 0.5 * n * p.components[i].weight) ? 1.0 : 0.0;
  c.modes /= static_cast<double>(k);
  return c;
}

}  // namespace klab::diffusion
