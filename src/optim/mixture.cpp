// The mixture-weight estimators of mixture.hpp: the dictionary, sampling, the SMD steps, batch EM
// and the error measures. Equations are in mixture.hpp.
#include "optim/mixture.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/divergences.hpp"
#include "core/lab_math.hpp"
#include "core/samplers.hpp"
#include "optim/mixture_kernels.hpp"
#include "optim/simplex_projection.hpp"

namespace klab::optim {

MixtureModel make_model(Dictionary dictionary, int components, int zeros, double width) {
  MixtureModel m;
  m.dictionary = dictionary;
  m.components = components;
  m.width = width;
  if (dictionary == Dictionary::Bumps2d) m.side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(components))));
  m.target.assign(static_cast<size_t>(components), 0.0);
  double total = 0.0;
  for (int i = 0; i < components; ++i) {
    double w = 0.0;
    switch (dictionary) {
      case Dictionary::Categorical: w = i < components - zeros ? 1.0 / (i + 1.0) : 0.0; break;
      case Dictionary::Bumps: {
        const double mu = i * m.spacing();
        w = math::exp(-(mu - 0.3) * (mu - 0.3) / 0.02) + 0.6 * math::exp(-(mu - 0.75) * (mu - 0.75) / 0.005);
        break;
      }
      case Dictionary::Bumps2d: {
        const double dx = (i % m.side) * m.spacing() - 0.5, dy = (i / m.side) * m.spacing() - 0.5;
        const double r2 = dx * dx + dy * dy, ring = std::sqrt(r2) - 0.3;
        w = math::exp(-ring * ring / 0.008) + 0.5 * math::exp(-r2 / 0.004);
        break;
      }
    }
    m.target[static_cast<size_t>(i)] = w;
    total += w;
  }
  for (double& w : m.target) w /= total;
  return m;
}

void evaluate_components(const MixtureModel& m, const MixturePoint& x, double* f) {
  const int n = m.components;
  switch (m.dictionary) {
    case Dictionary::Categorical: {
      std::fill(f, f + n, 0.0);
      const long k = std::lround(x.x);
      if (k >= 0 && k < n) f[k] = 1.0;
      return;
    }
    case Dictionary::Bumps: bump_row(n, m.spacing(), m.width, x.x, f); return;
    case Dictionary::Bumps2d: {
      std::array<double, kMaxGridSide> along_x, along_y;  // (s) the 1-D factors
      const int s = m.side;
      bump_row(s, m.spacing(), m.width, x.x, along_x.data());
      bump_row(s, m.spacing(), m.width, x.y, along_y.data());
      for (int b = 0; b < s; ++b)
        for (int a = 0; a < s; ++a) f[b * s + a] = along_y[static_cast<size_t>(b)] * along_x[static_cast<size_t>(a)];
      return;
    }
  }
}

AliasTable make_alias_table(const std::vector<double>& weights) {
  const size_t n = weights.size();
  AliasTable t;
  t.accept.assign(n, 1.0);
  t.alias.resize(n);
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    t.alias[i] = static_cast<uint32_t>(i);
    scaled[i] = weights[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    t.accept[s] = scaled[s];
    t.alias[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  return t;  // leftovers (rounding) keep accept = 1
}

uint32_t sample_alias(const AliasTable& table, Rng& rng) {
  return sample_alias(table.accept.data(), table.alias.data(), static_cast<uint32_t>(table.accept.size()), rng);
}

MixturePoint sample_target(const MixtureModel& m, const AliasTable& table, Rng& rng) {
  return sample_point(m.dictionary, m.side, table.accept.data(), table.alias.data(), static_cast<uint32_t>(table.accept.size()), m.spacing(), m.width,
                      rng);
}

double mixture_density(const double* w, const double* f, int m) {
  // Per chunk four partial sums in a fixed order (the same rounding on every build and on the GPU):
  // a single running sum is a chain of M dependent additions, the bottleneck of the whole SMD step.
  if (m <= kComponentChunk) return chunk_density(w, f, 0, m);
  std::array<double, kMaxComponentChunks> sums;  // (chunks)
  const int chunks = component_chunks(m);
  for (int c = 0; c < chunks; ++c) sums[static_cast<size_t>(c)] = chunk_density(w, f, c * kComponentChunk, std::min(m, (c + 1) * kComponentChunk));
  return pairwise_combine(sums.data(), chunks);
}

bool entropic_step(double* w, const double* f, int m, double eta) {
  const double p = mixture_density(w, f, m);
  if (!(p > 0.0)) return false;
  const double keep = 1.0 - eta, gain = eta / p;
  for (int i = 0; i < m; ++i) w[i] *= entropic_factor(keep, gain, f[i]);
  return true;
}

void polynomial_average(double* avg, const double* w, int m, double a) {
  for (int i = 0; i < m; ++i) avg[i] += a * (w[i] - avg[i]);
}

void project_truncated_simplex(double* w, int m, double floor) {
  std::array<double, kMaxComponentChunks> sums, counts;  // (chunks) each pass's partial sums and counts
  project_truncated_simplex_chunked(w, m, floor, sums.data(), counts.data());
}

bool euclidean_step(double* w, const double* f, int m, double eta, double floor) {
  const double p = mixture_density(w, f, m);
  if (!(p > 0.0)) return false;
  const double gain = eta / p;  // w − η g with g_i = −f_i/p
  for (int i = 0; i < m; ++i) w[i] += gain * f[i];
  project_truncated_simplex(w, m, floor);
  return true;
}

int em_fit(const MixtureModel& m, const std::vector<MixturePoint>& samples, int max_sweeps, double* w) {
  const int k = m.components;
  const double n = static_cast<double>(samples.size());
  std::fill(w, w + k, 1.0 / k);
  if (samples.empty()) return 0;
  // The data as distinct points with multiplicities: counts for categorical samples.
  std::vector<MixturePoint> points;
  std::vector<double> weights;
  if (m.dictionary == Dictionary::Categorical) {
    std::vector<double> counts(static_cast<size_t>(k), 0.0);
    for (const MixturePoint& x : samples) counts[static_cast<size_t>(std::lround(x.x))] += 1.0;
    for (int i = 0; i < k; ++i)
      if (counts[static_cast<size_t>(i)] > 0) points.push_back({static_cast<double>(i), 0.0}), weights.push_back(counts[static_cast<size_t>(i)]);
  } else {
    points = samples;
    weights.assign(samples.size(), 1.0);
  }
  std::vector<double> f(static_cast<size_t>(k)), next(static_cast<size_t>(k));
  const double tolerance = 1e-3 / n;  // stop once the mean log-likelihood gains less than this
  double previous = -kInf;
  int sweeps = 0;
  while (sweeps < max_sweeps) {
    std::fill(next.begin(), next.end(), 0.0);
    double loglik = 0.0;
    for (size_t j = 0; j < points.size(); ++j) {
      evaluate_components(m, points[j], f.data());
      const double p = mixture_density(w, f.data(), k);
      loglik += weights[j] * math::log(p);
      const double c = weights[j] / p;
      for (int i = 0; i < k; ++i) next[static_cast<size_t>(i)] += c * f[static_cast<size_t>(i)];
    }
    // loglik is the likelihood of the weights before this sweep: stop when the last sweep gained little.
    if (loglik / n - previous < tolerance) break;
    previous = loglik / n;
    for (int i = 0; i < k; ++i) w[i] *= next[static_cast<size_t>(i)] / n;
    ++sweeps;
  }
  return sweeps;
}

void density_on_grid(const MixtureModel& m, const double* w, const std::vector<double>& xs, const std::vector<double>& ys, double* out) {
  const size_t s = static_cast<size_t>(m.side), nx = xs.size(), ny = ys.size();
  std::vector<double> gx(nx * s), gy(ny * s);  // (nx, s), (ny, s): the 1-D factors at each abscissa
  for (size_t a = 0; a < nx; ++a) bump_row(m.side, m.spacing(), m.width, xs[a], &gx[a * s]);
  for (size_t b = 0; b < ny; ++b) bump_row(m.side, m.spacing(), m.width, ys[b], &gy[b * s]);
  std::vector<double> row(s);  // (s) Σ_j w_{j·s+i} N(y_b; j h, σ²) for each i
  for (size_t b = 0; b < ny; ++b) {
    std::fill(row.begin(), row.end(), 0.0);
    for (size_t j = 0; j < s; ++j) {
      const double g = gy[b * s + j];
      for (size_t i = 0; i < s; ++i) row[i] += w[j * s + i] * g;
    }
    for (size_t a = 0; a < nx; ++a) out[b * nx + a] = mixture_density(row.data(), &gx[a * s], m.side);
  }
}

int quadrature_points_2d(double width) { return static_cast<int>(std::ceil(3.0 * (1.0 + 10.0 * width) / width)) + 1; }

namespace {

// ∫ p ln(p/p̂) and (∫ (p − p̂)²)^{1/2} over [−5σ, 1 + 5σ]² by the product trapezoid rule.
Errors estimation_errors_2d(const MixtureModel& m, const double* w_hat) {
  const int points = quadrature_points_2d(m.width);
  const double lo = -5.0 * m.width, hi = 1.0 + 5.0 * m.width, dx = (hi - lo) / (points - 1);
  std::vector<double> axis(static_cast<size_t>(points));  // (points) the nodes along either axis
  for (int g = 0; g < points; ++g) axis[static_cast<size_t>(g)] = lo + g * dx;
  std::vector<double> p(axis.size() * axis.size()), q(p.size());  // (points, points)
  density_on_grid(m, m.target.data(), axis, axis, p.data());
  density_on_grid(m, w_hat, axis, axis, q.data());
  double kl = 0.0, l2 = 0.0;
  for (int b = 0; b < points; ++b) {
    const double edge_b = (b == 0 || b == points - 1) ? 0.5 : 1.0;  // trapezoid weights
    for (int a = 0; a < points; ++a) {
      const double weight = edge_b * ((a == 0 || a == points - 1) ? 0.5 : 1.0) * dx * dx;
      const size_t k = static_cast<size_t>(b) * axis.size() + static_cast<size_t>(a);
      kl += weight * x_log_x_over_y(p[k], q[k]);
      l2 += weight * (p[k] - q[k]) * (p[k] - q[k]);
    }
  }
  return {kl, std::sqrt(l2)};
}

}  // namespace

Errors estimation_errors(const MixtureModel& m, const double* w_hat) {
  const int k = m.components;
  if (m.dictionary == Dictionary::Categorical) {
    double l2 = 0.0;
    for (int i = 0; i < k; ++i) l2 += (m.target[static_cast<size_t>(i)] - w_hat[i]) * (m.target[static_cast<size_t>(i)] - w_hat[i]);
    return {kl_categorical(m.target.data(), w_hat, static_cast<size_t>(k)), std::sqrt(l2)};
  }
  if (m.dictionary == Dictionary::Bumps2d) return estimation_errors_2d(m, w_hat);
  const double lo = -5.0 * m.width, hi = 1.0 + 5.0 * m.width, dx = (hi - lo) / (kQuadraturePoints - 1);
  std::vector<double> f(static_cast<size_t>(k));
  double kl = 0.0, l2 = 0.0;
  for (int g = 0; g < kQuadraturePoints; ++g) {
    evaluate_components(m, {lo + g * dx, 0.0}, f.data());
    const double p = mixture_density(m.target.data(), f.data(), k), q = mixture_density(w_hat, f.data(), k);
    const double end = (g == 0 || g == kQuadraturePoints - 1) ? 0.5 : 1.0;  // trapezoid weights
    kl += end * dx * x_log_x_over_y(p, q);
    l2 += end * dx * (p - q) * (p - q);
  }
  return {kl, std::sqrt(l2)};
}

}  // namespace klab::optim
