#include "offline/linear_mdp.hpp"

#include <map>

namespace klab::offline {

double LinearMdp::reward(int h, int pair) const {
  double r = 0.0;
  for (int i = 0; i < dim; ++i) r += feature(pair, i) * theta[static_cast<size_t>(h) * dim + i];
  return r;
}

LinearMdp simulated_linear_mdp(const ToySpec& spec) {
  constexpr int kX1 = 0, kX2 = 1, kX3 = 2, kX4 = 3, kX5 = 4;
  LinearMdp m;
  m.start = kX1, m.fail = kX4, m.perturbed_factor = 3;
  for (int s = 0; s < m.states; ++s)
    for (int a = 0; a < m.actions; ++a) {
      double sum = 0.0;  // Σ_j a_j with a_j = +1 where bit j of the action index is set, else −1
      for (int j = 0; j < 4; ++j) sum += (a >> j) & 1 ? 1.0 : -1.0;
      const double load = spec.delta + spec.xi_norm / 4.0 * sum;  // δ + ⟨ξ, a⟩
      double* f = &m.phi[static_cast<size_t>(s * m.actions + a) * m.dim];
      if (s <= kX3) {
        f[s] = 1.0 - load;  // factor 1, 2 or 3
        f[3] = load;
      } else {
        f[s == kX4 ? 2 : 3] = 1.0;
      }
    }
  const auto set_mu = [&](int i, int s, double p) { m.mu[static_cast<size_t>(i * m.states + s)] = p; };
  set_mu(0, kX2, 0.999), set_mu(0, kX4, 0.001);
  set_mu(1, kX3, 0.999), set_mu(1, kX4, 0.001);
  set_mu(2, kX4, 1.0);
  set_mu(3, kX5, 1.0);
  for (int h = 1; h < m.horizon; ++h) m.theta[static_cast<size_t>(h * m.dim + 3)] = 1.0;
  return m;
}

mdp::Mdp perturbed_model(const LinearMdp& m, double q) {
  mdp::MdpBuilder b;
  for (int s = 0; s < m.states; ++s) {
    b.add_state();
    for (int a = 0; a < m.actions; ++a) {
      const int pair = s * m.actions + a;
      b.add_action(m.reward(s == m.start ? 0 : 1, pair));
      std::map<int, double> next;  // P(s′|s, a) = Σ_i φ_i(s, a) μ_i(s′), successors in order
      for (int i = 0; i < m.dim; ++i) {
        const double w = m.feature(pair, i);
        if (w == 0.0) continue;
        const bool perturbed = s == m.start && i == m.perturbed_factor;
        for (int t = 0; t < m.states; ++t) {
          const double mu = perturbed ? (1.0 - q) * m.factor(i, t) + (t == m.fail ? q : 0.0) : m.factor(i, t);
          if (mu > 0.0) next[t] += w * mu;
        }
      }
      for (const auto& [t, p] : next) b.add_next(t, p);
    }
  }
  std::vector<double> rho(static_cast<size_t>(m.states), 0.0);
  rho[static_cast<size_t>(m.start)] = 1.0;
  return b.finish(rho, 1.0, m.horizon);
}

std::vector<std::vector<LinearStep>> collect_uniform(const LinearMdp& m, const mdp::MdpView& nominal, int trajectories, Rng& rng) {
  std::vector<std::vector<LinearStep>> data(static_cast<size_t>(m.horizon));
  for (auto& stage : data) stage.reserve(static_cast<size_t>(trajectories));
  for (int k = 0; k < trajectories; ++k) {
    int s = m.start;
    for (int h = 0; h < m.horizon; ++h) {
      data[static_cast<size_t>(h)].push_back(draw_linear_step(m, nominal, h, s, rng));
      s = data[static_cast<size_t>(h)].back().next;
    }
  }
  return data;
}

}  // namespace klab::offline
