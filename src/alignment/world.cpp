#include "alignment/world.hpp"

#include <cmath>

#include "alignment/softmax.hpp"
#include "core/samplers.hpp"

namespace klab::alignment {
namespace {

VectorXd random_unit(Rng& rng, int d) {
  VectorXd v(d);
  for (int i = 0; i < d; ++i) v[i] = sample_normal(rng);
  const double n = v.norm();
  return n > 0 ? VectorXd(v / n) : VectorXd(VectorXd::Unit(d, 0));
}

}  // namespace

World make_world(const WorldParams& p) {
  World w;
  w.P = p.prompts;
  w.K = p.responses;
  w.d = p.features;
  Rng rng(static_cast<uint64_t>(p.world_seed), 0, kStreamWorld);
  w.phi.resize(w.P * w.K, w.d);
  for (int r = 0; r < w.P * w.K; ++r)
    for (int j = 0; j < w.d; ++j) w.phi(r, j) = sample_normal(rng);
  const VectorXd w_dir = random_unit(rng, w.d);
  w.w_star = p.reward_scale * w_dir;
  w.nonlinear_dir = random_unit(rng, w.d);
  // θ_ref = s·(c·ŵ + sqrt(1 - c²)·u⊥), u⊥ a random unit vector orthogonal to ŵ.
  VectorXd u = random_unit(rng, w.d);
  u -= u.dot(w_dir) * w_dir;
  u = u.norm() > 1e-12 ? VectorXd(u / u.norm()) : VectorXd(VectorXd::Zero(w.d));
  const double c = p.ref_alignment;
  w.theta_ref = p.ref_sharpness * (c * w_dir + std::sqrt(std::max(0.0, 1.0 - c * c)) * u);

  w.gold.resize(w.P, w.K);
  w.length.resize(w.P, w.K);
  MatrixXd scores(w.P, w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) {
      const auto f = w.phi.row(w.row(x, y));
      // r* = w*ᵀφ + a·√2·sin(3 vᵀφ): E[2 sin²(3z)] ≈ 1 for z ~ N(0,1), so the non-linear part has
      // about unit variance per unit of a.
      w.gold(x, y) = f.dot(w.w_star) + p.nonlinearity * std::sqrt(2.0) * std::sin(3.0 * f.dot(w.nonlinear_dir));
      scores(x, y) = f.dot(w.theta_ref);
      w.length(x, y) = 1.0 + static_cast<double>(rng.below(8));
    }
  w.ref_logp = log_softmax_rows(scores);
  return w;
}

}  // namespace klab::alignment
