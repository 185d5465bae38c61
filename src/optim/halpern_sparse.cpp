// oracle = sparse (halpern_sparse.hpp): the lazily clipped block, and the sparse steps of vr_eg, of VR-FoRB (Algorithm 2's
// resolvent) and of vr_halpern's estimate. On dro_least_squares each does the dense step's arithmetic in the same order (the
// same bits); on wdro_logistic the lazy block's closed form differs from the dense steps by rounding (test:
// tests/unit/optim_halpern_dro_test.cpp, "sparse").
#include "optim/halpern_sparse.hpp"

#include <algorithm>
#include <utility>

#include "core/rng.hpp"
#include "optim/halpern.hpp"

namespace klab::optim {

// [SECTION] the lazy block

void LazyClippedBlock::reset(double a, std::vector<double> c, double lo, double hi) {
  if (a != a_) power_.assign(1, 1.0), sum_.assign(1, 0.0);
  a_ = a, lo_ = lo, hi_ = hi, steps_ = 0;
  c_ = std::move(c);
  stamp_.assign(c_.size(), 0);
}

void LazyClippedBlock::settle(double* x, long long j) {
  const size_t m = static_cast<size_t>(steps_ - stamp_[static_cast<size_t>(j)]);
  if (m == 0) return;
  while (power_.size() <= m) sum_.push_back(sum_.back() + power_.back()), power_.push_back(power_.back() * a_);
  x[j] = std::clamp(power_[m] * x[j] + c_[static_cast<size_t>(j)] * sum_[m], lo_, hi_);
  stamp_[static_cast<size_t>(j)] = steps_;
}

void LazyClippedBlock::settle_all(double* x) {
  for (size_t j = 0; j < stamp_.size(); ++j) settle(x, static_cast<long long>(j));
}

namespace {

// wdro_logistic's Π_C on its two parts: the cone on the head (β, λ), the box [−1, 1] on a γ entry.
void project_head(double* head) { project_second_order_cone(head, WdroLogistic::kDim, &head[WdroLogistic::kLambda]); }
double clip_flip(double gamma) { return std::clamp(gamma, -1.0, 1.0); }

// The lazy block holds wdro_logistic's γ (the only separable Π_C among the sparse problems).
bool lazy_problem(const FiniteSumGame& g) { return g.problem == HalpernProblem::WdroLogistic; }

}  // namespace

// [SECTION] vr_eg

// vr_eg (halpern.hpp): with z̄ = αz + (1 − α)w and t = z̄ − τF(w),
//     z_½ = Π_C(t),   z⁺ = Π_C(z̄ − τ(F(w) + F_i(z_½) − F_i(w))),
// and z⁺ differs from Π_C(t) before projection only on the head and at block entry i.
// dro_least_squares: t and both projections stay dense (the capped simplex couples every weight: expected O(n) per projection,
// capped_simplex.hpp);
// the components cost O(h) instead of two dense vectors and a dense combination.
// wdro_logistic: every untouched γ_j takes γ_j ← clip(αγ_j + c_j, −1, 1), c_j = (1 − α)w_j − τF(w)_j, fixed until w is
// refreshed, so the block is lazy (LazyClippedBlock) and z_½ is needed on the head and at i only: O(h) per step; a refresh
// (n calls) settles the block, O(n).
void sparse_vr_eg_step(const FiniteSumGame& g, HalpernState* s, Rng& rng) {
  const StepRules& rules = s->rules;
  const double p = rules.vr_eg_refresh, alpha = 1.0 - p, lam = 1.0 - alpha, tau = rules.vr_eg;  // 1 − lam = α exactly (α ≥ ½)
  const size_t h = g.head(), dim = s->z.size();
  const VecZ &w = s->snapshot, &fw = s->estimate;
  VecZ& z = s->z;
  const auto epoch_offsets = [&] {  // c_j = (1 − α)w_j − τF(w)_j
    std::vector<double> c(static_cast<size_t>(g.n));
    for (size_t j = 0; j < c.size(); ++j) c[j] = lam * w[h + j] - tau * fw[h + j];
    return c;
  };
  if (!lazy_problem(g)) {
    VecZ bar(dim), half(dim);
    for (size_t j = 0; j < dim; ++j) bar[j] = lam * w[j] + alpha * z[j], half[j] = -tau * fw[j] + bar[j];
    z = half;  // z⁺ = t off the head and i
    g.constrain(&half);
    const long long i = draw_component(rng, g.n);
    const size_t own = h + static_cast<size_t>(i);
    const SparseComponent a = g.sparse_component(i, half.data(), half[own]), b = g.sparse_component(i, w.data(), w[own]);
    for (size_t j = 0; j < h; ++j) z[j] = -tau * ((fw[j] + a.head[j]) - b.head[j]) + bar[j];
    z[own] = -tau * ((fw[own] + a.own) - b.own) + bar[own];
    g.constrain(&z);
    s->point = z;
  } else {
    if (!s->lazy.active()) s->lazy.reset(alpha, epoch_offsets(), -1.0, 1.0);
    double bar[SparseComponent::kMaxHead], half[SparseComponent::kMaxHead];
    for (size_t j = 0; j < h; ++j) bar[j] = lam * w[j] + alpha * z[j], half[j] = -tau * fw[j] + bar[j];
    project_head(half);
    const long long i = draw_component(rng, g.n);
    const size_t own = h + static_cast<size_t>(i);
    s->lazy.settle(z.data() + h, i);
    const double bar_own = lam * w[own] + alpha * z[own], half_own = clip_flip(-tau * fw[own] + bar_own);
    const SparseComponent a = g.sparse_component(i, half, half_own), b = g.sparse_component(i, w.data(), w[own]);
    for (size_t j = 0; j < h; ++j) z[j] = -tau * ((fw[j] + a.head[j]) - b.head[j]) + bar[j];
    project_head(z.data());
    s->lazy.step();
    z[own] = clip_flip(-tau * ((fw[own] + a.own) - b.own) + bar_own);
    s->lazy.touch(i);
  }
  s->calls += 2.0;
  if (rng.uniform() < p) {
    settle(s, g);
    s->snapshot = z;
    s->estimate = g.full(z);
    s->calls += static_cast<double>(g.n);
    if (lazy_problem(g)) s->lazy.reset(alpha, epoch_offsets(), -1.0, 1.0);
  }
}

// [SECTION] VR-FoRB (Algorithm 2's resolvent)

namespace {

struct ForbConstants {
  double eta, p, alpha, lam, tau;  // η, p, α = 1 − p, 1 − α, τ (the run's StepRules)
};

// Coordinate j of a VR-FoRB iteration before Π_C, in the dense step's arithmetic (halpern.cpp): with G_i(v) = ηF_i(v) + v − u,
//     (1 − α)w_j + αv_j − τ(G(w)_j + G_i(v)_j − G_i(w₋)_j),   fv = F_i(v)_j, fw = F_i(w₋)_j (0 off the head and entry i).
double forb_coordinate(const ForbConstants& k, size_t j, const VecZ& u, const VecZ& v, const VecZ& w, const VecZ& wb, const VecZ& gw,
                       double fv, double fw) {
  return -k.tau * ((gw[j] + (k.eta * fv + (v[j] - u[j]))) - (k.eta * fw + (wb[j] - u[j]))) + (k.lam * w[j] + k.alpha * v[j]);
}

// One VR-FoRB iteration on every coordinate, then Π_C.
void forb_dense_iteration(const FiniteSumGame& g, const ForbConstants& k, const VecZ& u, const VecZ& w, const VecZ& wb,
                          const VecZ& gw, long long i, VecZ* v) {
  const size_t h = g.head(), own = h + static_cast<size_t>(i);
  VecZ& x = *v;
  const SparseComponent a = g.sparse_component(i, x.data(), x[own]), b = g.sparse_component(i, wb.data(), wb[own]);
  double head[SparseComponent::kMaxHead], own_value = forb_coordinate(k, own, u, x, w, wb, gw, a.own, b.own);
  for (size_t j = 0; j < h; ++j) head[j] = forb_coordinate(k, j, u, x, w, wb, gw, a.head[j], b.head[j]);
  for (size_t j = h; j < x.size(); ++j)
    if (j != own) x[j] = forb_coordinate(k, j, u, x, w, wb, gw, 0.0, 0.0);
  std::copy(head, head + h, x.begin());
  x[own] = own_value;
  g.constrain(v);
}

}  // namespace

// Ĵ(u) by `iterations` steps of VR-FoRB (halpern.hpp) with sparse components.
// dro_least_squares: every iteration is forb_dense_iteration (Π_C couples the weights).
// wdro_logistic: while w₋ = w (every iteration but the first after a refresh of w), an untouched γ_j takes
//     γ_j ← clip((α − τ)γ_j + c_j, −1, 1),   c_j = (1 − α + τ)w_j − τG(w)_j
// ((1 − α)w_j + αγ_j − τ(G(w)_j + (γ_j − u_j) − (w_j − u_j))), the same map for every step until the next refresh: the lazy
// block, with slope α − τ > 0 (τ ≤ 0.99√(p(1 − p)) as L_G ≥ 1, and p + 0.99√(p(1 − p)) < 1 for p = 1/n ≤ ¼). The head and γ_i
// take the dense formula; the iteration after a refresh (w₋ ≠ w) is a dense one, O(n) like the refresh itself (n calls).
VecZ sparse_vr_forb_resolvent(const FiniteSumGame& g, const StepRules& rules, const VecZ& u, long long iterations, Rng& rng,
                              double* calls) {
  const double n = static_cast<double>(g.n);
  ForbConstants k{rules.resolvent, rules.inner_refresh, 1.0 - rules.inner_refresh, 0.0, rules.inner};
  k.lam = 1.0 - k.alpha;
  const size_t h = g.head();
  const bool lazy = lazy_problem(g) && k.alpha - k.tau > 0.0;
  LazyClippedBlock block;
  const auto start_epoch = [&](const VecZ& w, const VecZ& gw) {
    std::vector<double> c(static_cast<size_t>(g.n));
    for (size_t j = 0; j < c.size(); ++j) c[j] = (k.lam + k.tau) * w[h + j] - k.tau * gw[h + j];
    block.reset(k.alpha - k.tau, std::move(c), -1.0, 1.0);
  };
  VecZ v = u, w = u, w_before;  // w_before: w₋ while it differs from w (the iteration after a refresh), else empty
  VecZ gw = resolvent_operator(g, k.eta, u, w);
  *calls += n;
  if (lazy) start_epoch(w, gw);
  for (long long t = 0; t < iterations; ++t) {
    const long long i = draw_component(rng, g.n);
    const size_t own = h + static_cast<size_t>(i);
    if (!lazy || w_before.size() > 0) {
      forb_dense_iteration(g, k, u, w, w_before.size() > 0 ? w_before : w, gw, i, &v);
      w_before = VecZ();
      if (lazy) start_epoch(w, gw);
    } else {
      block.settle(v.data() + h, i);
      const SparseComponent a = g.sparse_component(i, v.data(), v[own]), b = g.sparse_component(i, w.data(), w[own]);
      double head[SparseComponent::kMaxHead];
      for (size_t j = 0; j < h; ++j) head[j] = forb_coordinate(k, j, u, v, w, w, gw, a.head[j], b.head[j]);
      const double own_value = clip_flip(forb_coordinate(k, own, u, v, w, w, gw, a.own, b.own));
      project_head(head);
      std::copy(head, head + h, v.begin());
      block.step();
      v[own] = own_value;
      block.touch(i);
    }
    *calls += 2.0;
    if (rng.uniform() < k.p) {
      if (lazy) block.settle_all(v.data() + h);
      w_before = std::move(w);
      w = v;
      gw = resolvent_operator(g, k.eta, u, w);
      *calls += n;
    }
  }
  if (lazy && w_before.size() == 0) block.settle_all(v.data() + h);
  return v;
}

// [SECTION] vr_halpern's estimate

// F̃ ← F̃ + (1/b) Σ_{i∈S} (F_i(z) − F_i(previous)) with O(h) per component, summed as the dense path sums (per coordinate, in
// the batch's order), so the same bits. The step around it stays dense: vr_halpern runs (μ > 0) on dro_least_squares only
// among the sparse problems, whose projection costs O(n) per step (expected, capped_simplex.hpp). Without a projection the Halpern anchoring
// z_{k+1} = λ_k z₀ + (1 − λ_k)(z_k − ηF̃_k), λ_k = 1/(k + 2), could be lazy too: (k + 2)z_{k+1} = z₀ + (k + 1)(z_k − ηF̃_k), so
// y_k = (k + 1)z_k obeys y_{k+1} = y_k + z₀ − (k + 1)ηF̃_k, and an entry whose F̃ does not change between steps j and k
// gathers y_k = y_j + (k − j)z₀ − ηF̃ Σ_{m=j}^{k−1}(m + 1) in O(1); the capped simplex's projection, one shift for every weight,
// breaks that form.
void sparse_estimate_update(const FiniteSumGame& g, const std::vector<long long>& batch, const VecZ& z, const VecZ& previous,
                            VecZ* estimate) {
  const size_t h = g.head();
  const double scale = 1.0 / static_cast<double>(batch.size());
  double head[SparseComponent::kMaxHead] = {};
  std::vector<std::pair<long long, double>> block;  // (entry, its sum), in the order of first appearance
  for (long long i : batch) {
    const size_t own = h + static_cast<size_t>(i);
    const SparseComponent a = g.sparse_component(i, z.data(), z[own]), b = g.sparse_component(i, previous.data(), previous[own]);
    for (size_t j = 0; j < h; ++j) head[j] = (head[j] + a.head[j]) - b.head[j];
    auto hit = std::find_if(block.begin(), block.end(), [i](const std::pair<long long, double>& e) { return e.first == i; });
    if (hit == block.end()) block.push_back({i, (0.0 + a.own) - b.own});
    else hit->second = (hit->second + a.own) - b.own;
  }
  VecZ& f = *estimate;
  for (size_t j = 0; j < h; ++j) f[j] = scale * head[j] + f[j];
  for (const auto& [i, sum] : block) f[h + static_cast<size_t>(i)] = scale * sum + f[h + static_cast<size_t>(i)];
}

}  // namespace klab::optim
