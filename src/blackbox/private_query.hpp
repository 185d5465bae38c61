// blackbox.private_gsd, part 1: the sensitive d-dimensional data, the statistical queries and the
// private release of their answers.
//
// Data: n real rows x_1..x_n in [0,1]^d (d attributes; d = 2 is the plane). A statistical query
// q: [0,1]^d → [0,1] has the answer q(D) = (1/n) Σ_i q(x_i); changing one row moves it by at most 1/n
// (sensitivity 1/n). Halfspaces look at all d attributes; prefixes and bumps at two of them, u and v
// (2-way queries, like the 2-way prefix and marginal queries of the paper's tabular experiments):
//   halfspace   q(x) = 1[θ·x ≤ c]                 (θ a unit vector of ℝ^d: non-differentiable)
//   prefix      q(x) = 1[x_u ≤ τ₁ ∧ x_v ≤ τ₂]      (2-way threshold: non-differentiable)
//   bump        q(x) = exp(−((x_u − c₁)² + (x_v − c₂)²)/(2h²))  (a smooth kernel count: differentiable)
// RAP needs gradients, so a hard query is replaced by its sigmoid relaxation (RAP++, Vietri et al.
// 2022), σ(z) = 1/(1 + e^−z) with slope s:
//   halfspace   σ(s(c − θ·x))      prefix   σ(s(τ₁ − x_u))·σ(s(τ₂ − x_v))      bump   itself
//
// Privacy (zero-concentrated DP, Bun & Steinke 2016): a mechanism is ρ-zCDP; ρ-zCDP implies
// (ρ + 2√(ρ ln(1/δ)), δ)-DP, so the largest ρ for a target (ε, δ) is ρ = (√(ε + L) − √L)², L = ln(1/δ).
// The Gaussian mechanism with noise σ on a query of sensitivity Δ is Δ²/(2σ²)-zCDP; the exponential
// mechanism with parameter ε₀ is ε₀²/8-zCDP; budgets add up (composition).
// Adaptive release (the framework of RAP, Aydore et al. 2021, which Private-GSD runs in; its budget
// split is a reading of the papers): T rounds; in each, K queries not yet measured are picked one
// after another by the exponential mechanism on the score |q(D) − q(D̂)| (D̂ the current synthetic
// data), and each picked query is measured with Gaussian noise (the noisy answer clipped to [0, 1]). Each of the T·K picks and T·K
// measurements gets ρ/(2TK): ε₀ = √(8ρ/(2TK)), σ = (1/n)/√(2ρ/(2TK)).
// Papers: T. Liu, J. Tang, G. Vietri, Z. S. Wu, Generating Private Synthetic Data with Genetic
// Algorithms, ICML 2023; S. Aydore et al., Differentially Private Query Release Through Adaptive
// Projection, ICML 2021.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace klab::blackbox {

// Categorical: rows of categorical attributes with k-way marginal queries (categorical.hpp).
enum class RealData { Blobs, Moons, Ring, Categorical };  // ids: blobs, moons, ring, categorical
// Marginal: a cell of a k-way marginal on categorical rows (categorical.hpp; not a choice of `queries`).
enum class QueryKind { Halfspace, Prefix, Bump, Marginal };  // ids: halfspace, prefix, bump

// Rows of d attributes, row-major: row i is v[i·d .. i·d + d).
struct Rows {
  int dims = 2;
  std::vector<double> v;
  size_t size() const { return v.size() / static_cast<size_t>(dims); }
  const double* operator[](size_t i) const { return v.data() + i * static_cast<size_t>(dims); }
  double* operator[](size_t i) { return v.data() + i * static_cast<size_t>(dims); }
};

// One query. halfspace: θ = theta (d entries), threshold c; prefix: attributes (u, v), τ = (a, b);
// bump: attributes (u, v), centre (a, b), width c; marginal: 1[x_{attributes[t]} = values[t] for all t].
struct Query {
  QueryKind kind = QueryKind::Halfspace;
  std::vector<double> theta;
  int u = 0, v = 1;
  double a = 0, b = 0, c = 0;
  std::vector<int> attributes, values;  // (k) marginal cells only
};

// Random streams of one run (Rng(seed, run, stream)).
constexpr uint32_t kPrivateDataStream = 90, kPrivateQueryStream = 91, kPrivateMechanismStream = 92;

// n rows of d attributes in [0,1]^d (Categorical: categorical.hpp's rows instead). Attributes 1, 2 have the chosen shape (blobs: 3 Gaussians; moons:
// two half circles; ring); for d > 2 the others follow a latent-class model: the row's class (its
// blob, its moon, its half of the ring) sets each further attribute's mean, μ_{c,k} = 0.2 + 0.3·(((c + 1)·k) mod 3),
// with noise N(0, 0.1²) clipped to [0, 1], drawn after the row's first two attributes.
Rows make_real_data(RealData kind, int n, int dims, Rng& rng);
// m random queries on [0,1]^d: halfspaces through a uniform point with a uniform direction (d = 2:
// the angle φ ~ U[0, 2π); d > 2: a normalised Gaussian vector), prefixes with a uniform corner and
// bumps with a uniform centre and width `bandwidth` on attributes (u, v) (d = 2: (1, 2); d > 2: two
// distinct uniform attributes).
std::vector<Query> make_queries(QueryKind kind, int m, int dims, double bandwidth, Rng& rng);

// q(x) (the query the analyst asks) and the surrogate RAP differentiates, with its gradient (d
// entries written, zero on the attributes the query does not read).
double query_value(const Query& q, const double* x);
double relaxed_value(const Query& q, const double* x, int dims, double slope, double* gradient);

// The relaxed query at one row in compact form, so that RAP evaluates it once per step and reuses it:
// the value and the gradient's non-zero factors. halfspace: ∇ = du·θ (dv unused); prefix and bump:
// ∂/∂x_u = du, ∂/∂x_v = dv, zero elsewhere; marginal: the cell's indicator, ∇ = 0 (it is flat in the
// real coordinates: RAP on categorical rows differentiates its one-hot relaxation instead,
// synthesizers.hpp). relaxed_value is this, expanded to d entries.
struct RelaxedEval {
  double value = 0, du = 0, dv = 0;
};
RelaxedEval relaxed_eval(const Query& q, const double* x, double slope);
// total += weight·∇q̃(x) from a compact evaluation (only the entries the query reads are touched,
// with the same products relaxed_value's gradient would add).
void add_relaxed_gradient(const Query& q, const RelaxedEval& e, double weight, double* total);

// q_j(D) for every query: (queries) = (1/|D|) Σ_i q_j(x_i).
std::vector<double> query_answers(const std::vector<Query>& queries, const Rows& rows);

// ρ of the tightest ρ-zCDP guarantee that implies (ε, δ)-DP: (√(ε + L) − √L)², L = ln(1/δ).
double zcdp_rho(double epsilon, double delta);

// The per-pick and per-measurement budget of the adaptive release (see the header comment).
struct ReleaseBudget {
  double pick_epsilon = 0;  // ε₀ of each exponential-mechanism pick
  double noise_sd = 0;      // σ of each Gaussian measurement
};
ReleaseBudget release_budget(double rho, int rounds, int per_round, int n);

// K picks without replacement among the queries not yet measured, each by the exponential
// mechanism P(j) ∝ exp(ε₀·n·|real_j − synthetic_j|/2): the K largest of score + Gumbel noise, which
// has the law of K successive picks (Durfee & Rogers 2019). Returns query indices, first pick first.
std::vector<int> pick_queries(const std::vector<double>& real, const std::vector<double>& synthetic,
                              const std::vector<char>& measured, int k, double pick_epsilon, int n, Rng& rng);

}  // namespace klab::blackbox
