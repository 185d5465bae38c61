#include "blackbox/private_query.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/samplers.hpp"

namespace klab::blackbox {
namespace {

double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

double sigmoid(double z) { return 1.0 / (1.0 + math::exp(-z)); }

Point2 around(Rng& rng, double cx, double cy, double sd) {
  const double x = sample_normal(rng, cx, sd), y = sample_normal(rng, cy, sd);
  return {clamp01(x), clamp01(y)};
}

}  // namespace

std::vector<Point2> make_real_data(RealData kind, int n, Rng& rng) {
  std::vector<Point2> pts;
  pts.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    switch (kind) {
      case RealData::Blobs: {  // weights 0.4, 0.35, 0.25
        if (u < 0.4) pts.push_back(around(rng, 0.25, 0.3, 0.07));
        else if (u < 0.75) pts.push_back(around(rng, 0.72, 0.28, 0.06));
        else pts.push_back(around(rng, 0.5, 0.75, 0.08));
        break;
      }
      case RealData::Moons: {  // upper half circle about (0.38, 0.42), lower one about (0.62, 0.58), radius 0.26
        const double angle = kPi * rng.uniform();
        const bool upper = u < 0.5;
        const double cx = upper ? 0.38 : 0.62, cy = upper ? 0.42 : 0.58, sign = upper ? 1.0 : -1.0;
        pts.push_back(around(rng, cx + 0.26 * math::cos(angle), cy + sign * 0.26 * math::cos(angle - 0.5 * kPi), 0.035));
        break;
      }
      case RealData::Ring: {
        const double angle = 2.0 * kPi * u;
        pts.push_back(around(rng, 0.5 + 0.3 * math::cos(angle), 0.5 + 0.3 * math::cos(angle - 0.5 * kPi), 0.04));
        break;
      }
    }
  }
  return pts;
}

std::vector<Query> make_queries(QueryKind kind, int m, double bandwidth, Rng& rng) {
  std::vector<Query> qs;
  qs.reserve(static_cast<size_t>(m));
  for (int j = 0; j < m; ++j) {
    Query q;
    q.kind = kind;
    const double u = rng.uniform(), v = rng.uniform();
    switch (kind) {
      case QueryKind::Halfspace: {  // direction φ ~ U[0, 2π), the boundary through the point (u, v)
        const double phi = 2.0 * kPi * rng.uniform();
        q.a = math::cos(phi), q.b = math::cos(phi - 0.5 * kPi), q.c = q.a * u + q.b * v;
        break;
      }
      case QueryKind::Prefix: q.a = u, q.b = v; break;
      case QueryKind::Bump: q.a = u, q.b = v, q.c = bandwidth; break;
    }
    qs.push_back(q);
  }
  return qs;
}

double query_value(const Query& q, Point2 p) {
  switch (q.kind) {
    case QueryKind::Halfspace: return q.a * p.x + q.b * p.y <= q.c ? 1.0 : 0.0;
    case QueryKind::Prefix: return p.x <= q.a && p.y <= q.b ? 1.0 : 0.0;
    case QueryKind::Bump: {
      const double dx = p.x - q.a, dy = p.y - q.b;
      return math::exp(-(dx * dx + dy * dy) / (2.0 * q.c * q.c));
    }
  }
  return 0.0;
}

double relaxed_value(const Query& q, Point2 p, double slope, Point2* gradient) {
  switch (q.kind) {
    case QueryKind::Halfspace: {  // σ(s(c − θ·x)), ∇ = −s σ(1 − σ) θ
      const double v = sigmoid(slope * (q.c - q.a * p.x - q.b * p.y));
      const double d = -slope * v * (1.0 - v);
      *gradient = {d * q.a, d * q.b};
      return v;
    }
    case QueryKind::Prefix: {  // σ(s(τ₁ − x₁))·σ(s(τ₂ − x₂))
      const double v1 = sigmoid(slope * (q.a - p.x)), v2 = sigmoid(slope * (q.b - p.y));
      *gradient = {-slope * v1 * (1.0 - v1) * v2, -slope * v2 * (1.0 - v2) * v1};
      return v1 * v2;
    }
    case QueryKind::Bump: {  // exp(−|x − c|²/(2h²)), ∇ = −v (x − c)/h²
      const double v = query_value(q, p), h2 = q.c * q.c;
      *gradient = {-v * (p.x - q.a) / h2, -v * (p.y - q.b) / h2};
      return v;
    }
  }
  *gradient = {};
  return 0.0;
}

std::vector<double> query_answers(const std::vector<Query>& queries, const std::vector<Point2>& points) {
  std::vector<double> a(queries.size(), 0.0);
  for (size_t j = 0; j < queries.size(); ++j) {
    double s = 0.0;
    for (const Point2& p : points) s += query_value(queries[j], p);
    a[j] = s / static_cast<double>(points.size());
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
