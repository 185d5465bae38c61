#include "blackbox/private_query.hpp"

#include "blackbox/categorical.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/samplers.hpp"

namespace klab::blackbox {
namespace {

double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

double sigmoid(double z) { return 1.0 / (1.0 + math::exp(-z)); }

// A 2-D draw around (cx, cy) written to row x (attributes 1, 2).
void around(Rng& rng, double cx, double cy, double sd, double* x) {
  const double a = sample_normal(rng, cx, sd), b = sample_normal(rng, cy, sd);
  x[0] = clamp01(a), x[1] = clamp01(b);
}

}  // namespace

Rows make_real_data(RealData kind, int n, int dims, Rng& rng) {
  if (kind == RealData::Categorical) return make_categorical_data(n, categorical_levels(dims), rng);
  Rows rows;
  rows.dims = dims;
  rows.v.assign(static_cast<size_t>(n) * static_cast<size_t>(dims), 0.0);
  for (int i = 0; i < n; ++i) {
    double* x = rows[static_cast<size_t>(i)];
    const double u = rng.uniform();
    int latent = 0;  // the row's class: its blob, its moon, its half of the ring
    switch (kind) {
      case RealData::Blobs: {  // weights 0.4, 0.35, 0.25
        if (u < 0.4) around(rng, 0.25, 0.3, 0.07, x);
        else if (u < 0.75) around(rng, 0.72, 0.28, 0.06, x), latent = 1;
        else around(rng, 0.5, 0.75, 0.08, x), latent = 2;
        break;
      }
      case RealData::Moons: {  // upper half circle about (0.38, 0.42), lower one about (0.62, 0.58), radius 0.26
        const double angle = kPi * rng.uniform();
        const bool upper = u < 0.5;
        const double cx = upper ? 0.38 : 0.62, cy = upper ? 0.42 : 0.58, sign = upper ? 1.0 : -1.0;
        around(rng, cx + 0.26 * math::cos(angle), cy + sign * 0.26 * math::cos(angle - 0.5 * kPi), 0.035, x);
        latent = upper ? 0 : 1;
        break;
      }
      case RealData::Ring: {
        const double angle = 2.0 * kPi * u;
        around(rng, 0.5 + 0.3 * math::cos(angle), 0.5 + 0.3 * math::cos(angle - 0.5 * kPi), 0.04, x);
        latent = u < 0.5 ? 0 : 1;
        break;
      }
      case RealData::Categorical: break;  // returned above
    }
    for (int k = 2; k < dims; ++k) x[k] = clamp01(sample_normal(rng, 0.2 + 0.3 * (((latent + 1) * k) % 3), 0.1));
  }
  return rows;
}

std::vector<Query> make_queries(QueryKind kind, int m, int dims, double bandwidth, Rng& rng) {
  std::vector<Query> qs;
  qs.reserve(static_cast<size_t>(m));
  for (int j = 0; j < m; ++j) {
    Query q;
    q.kind = kind;
    const double u = rng.uniform(), v = rng.uniform();
    if (kind == QueryKind::Halfspace) {  // the boundary through a uniform point, a uniform direction
      if (dims == 2) {  // φ ~ U[0, 2π) through the point (u, v)
        const double phi = 2.0 * kPi * rng.uniform();
        q.theta = {math::cos(phi), math::cos(phi - 0.5 * kPi)};
        q.c = q.theta[0] * u + q.theta[1] * v;
      } else {  // θ = g/|g|, g ~ N(0, I_d), through the point (u, v, w_3, …, w_d), w_k ~ U[0, 1]
        q.theta.resize(static_cast<size_t>(dims));
        double norm2 = 0.0;
        for (double& t : q.theta) t = sample_normal(rng, 0.0, 1.0), norm2 += t * t;
        const double norm = std::sqrt(norm2);
        q.c = 0.0;
        for (size_t k = 0; k < q.theta.size(); ++k) {
          q.theta[k] /= norm;
          q.c += q.theta[k] * (k == 0 ? u : k == 1 ? v : rng.uniform());
        }
      }
    } else {
      q.a = u, q.b = v;
      if (kind == QueryKind::Bump) q.c = bandwidth;
      if (dims > 2) {  // two distinct attributes
        q.u = static_cast<int>(rng.below(static_cast<uint32_t>(dims)));
        q.v = static_cast<int>(rng.below(static_cast<uint32_t>(dims - 1)));
        if (q.v >= q.u) ++q.v;
      }
    }
    qs.push_back(q);
  }
  return qs;
}

double query_value(const Query& q, const double* x) {
  switch (q.kind) {
    case QueryKind::Halfspace: {
      double s = 0.0;
      for (size_t k = 0; k < q.theta.size(); ++k) s += q.theta[k] * x[k];
      return s <= q.c ? 1.0 : 0.0;
    }
    case QueryKind::Prefix: return x[q.u] <= q.a && x[q.v] <= q.b ? 1.0 : 0.0;
    case QueryKind::Bump: {
      const double dx = x[q.u] - q.a, dy = x[q.v] - q.b;
      return math::exp(-(dx * dx + dy * dy) / (2.0 * q.c * q.c));
    }
    case QueryKind::Marginal:
      for (size_t t = 0; t < q.attributes.size(); ++t)
        if (x[q.attributes[t]] != q.values[t]) return 0.0;  // categories are small integers held exactly
      return 1.0;
  }
  return 0.0;
}

RelaxedEval relaxed_eval(const Query& q, const double* x, double slope) {
  RelaxedEval e;
  switch (q.kind) {
    case QueryKind::Halfspace: {  // σ(s(c − θ·x)), ∇ = −s σ(1 − σ) θ
      double z = q.c;  // c − θ₁x₁ − θ₂x₂ − …, in this order
      for (size_t k = 0; k < q.theta.size(); ++k) z -= q.theta[k] * x[k];
      e.value = sigmoid(slope * z);
      e.du = -slope * e.value * (1.0 - e.value);
      return e;
    }
    case QueryKind::Prefix: {  // σ(s(τ₁ − x_u))·σ(s(τ₂ − x_v))
      const double v1 = sigmoid(slope * (q.a - x[q.u])), v2 = sigmoid(slope * (q.b - x[q.v]));
      e.du = -slope * v1 * (1.0 - v1) * v2, e.dv = -slope * v2 * (1.0 - v2) * v1;
      e.value = v1 * v2;
      return e;
    }
    case QueryKind::Bump: {  // exp(−|x − c|²/(2h²)) on (x_u, x_v), ∇ = −v (x − c)/h²
      const double h2 = q.c * q.c;
      e.value = query_value(q, x);
      e.du = -e.value * (x[q.u] - q.a) / h2, e.dv = -e.value * (x[q.v] - q.b) / h2;
      return e;
    }
    case QueryKind::Marginal: e.value = query_value(q, x); return e;  // ∇ = 0
  }
  return e;
}

void add_relaxed_gradient(const Query& q, const RelaxedEval& e, double weight, double* total) {
  switch (q.kind) {
    case QueryKind::Halfspace:
      for (size_t k = 0; k < q.theta.size(); ++k) total[k] += weight * (e.du * q.theta[k]);
      return;
    case QueryKind::Prefix:
    case QueryKind::Bump:
      total[q.u] += weight * e.du;
      total[q.v] += weight * e.dv;
      return;
    case QueryKind::Marginal: return;  // ∇ = 0
  }
}

double relaxed_value(const Query& q, const double* x, int dims, double slope, double* gradient) {
  for (int k = 0; k < dims; ++k) gradient[k] = 0.0;
  const RelaxedEval e = relaxed_eval(q, x, slope);
  add_relaxed_gradient(q, e, 1.0, gradient);
  return e.value;
}

std::vector<double> query_answers(const std::vector<Query>& queries, const Rows& rows) {
  std::vector<double> a(queries.size(), 0.0);
  const size_t n = rows.size();
  for (size_t j = 0; j < queries.size(); ++j) {
    double s = 0.0;
    for (size_t i = 0; i < n; ++i) s += query_value(queries[j], rows[i]);
    a[j] = s / static_cast<double>(n);
  }
  return a;
}

double zcdp_rho(double epsilon, double delta) {
  const double l = -math::log(delta);
  const double r = epsilon / (std::sqrt(epsilon + l) + std::sqrt(l));  // = √(ε + L) − √L without the cancellation at small ε
  return r * r;
}

ReleaseBudget release_budget(double rho, int rounds, int per_round, int n) {
  const double each = rho / (2.0 * rounds * per_round);  // every pick and every measurement
  ReleaseBudget b;
  b.pick_epsilon = std::sqrt(8.0 * each);                        // ε₀²/8 = each
  b.noise_sd = (1.0 / n) / std::sqrt(2.0 * each);                // Δ²/(2σ²) = each, Δ = 1/n
  return b;
}

std::vector<int> pick_queries(const std::vector<double>& real, const std::vector<double>& synthetic,
                              const std::vector<char>& measured, int k, double pick_epsilon, int n, Rng& rng) {
  struct Scored {
    double key;
    int index;
  };
  std::vector<Scored> open;
  for (size_t j = 0; j < real.size(); ++j) {
    const double gumbel = -math::log(-math::log(rng.uniform_open()));  // drawn for every query: the stream does not depend on `measured`
    if (measured[j]) continue;
    open.push_back({0.5 * pick_epsilon * n * std::fabs(real[j] - synthetic[j]) + gumbel, static_cast<int>(j)});
  }
  const size_t take = std::min(open.size(), static_cast<size_t>(k));
  // Ties (probability zero) go to the lower index, the same on every build.
  std::partial_sort(open.begin(), open.begin() + static_cast<std::ptrdiff_t>(take), open.end(),
                    [](const Scored& l, const Scored& r) { return l.key > r.key || (l.key == r.key && l.index < r.index); });
  std::vector<int> picks;
  for (size_t i = 0; i < take; ++i) picks.push_back(open[i].index);
  return picks;
}

}  // namespace klab::blackbox
