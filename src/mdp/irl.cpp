#include "mdp/irl.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mdp/occupancy.hpp"

namespace klab::mdp {

std::vector<double> soft_optimal_policy(const Mdp& m, const std::vector<double>& reward, const Eigen::MatrixXd* phi, Eigen::MatrixXd* g) {
  const int n_s = m.states, n_sa = m.pairs(), horizon = m.horizon;
  const int d = phi ? static_cast<int>(phi->cols()) : 0;
  std::vector<double> pi(static_cast<size_t>(horizon) * n_sa), v_next(static_cast<size_t>(n_s), 0.0), v(static_cast<size_t>(n_s));
  Eigen::MatrixXd f_next = Eigen::MatrixXd::Zero(n_s, d), f(n_s, d);
  if (g) g->resize(static_cast<Eigen::Index>(horizon) * n_sa, d);
  std::vector<double> q(static_cast<size_t>(n_sa));
  for (int h = horizon - 1; h >= 0; --h) {
    double* p = pi.data() + static_cast<size_t>(h) * n_sa;
    for (int s = 0; s < n_s; ++s) {
      const int lo = m.first_pair[s], hi = m.first_pair[s + 1];
      double top = -std::numeric_limits<double>::infinity();
      for (int i = lo; i < hi; ++i) {
        double next = 0.0;
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) next += m.next_prob[e] * v_next[static_cast<size_t>(m.next_state[e])];
        q[static_cast<size_t>(i)] = reward[static_cast<size_t>(i)] + m.discount * next;
        top = std::max(top, q[static_cast<size_t>(i)]);
      }
      double z = 0.0;
      for (int i = lo; i < hi; ++i) z += std::exp(q[static_cast<size_t>(i)] - top);
      v[static_cast<size_t>(s)] = top + std::log(z);
      for (int i = lo; i < hi; ++i) p[i] = std::exp(q[static_cast<size_t>(i)] - v[static_cast<size_t>(s)]);
      if (!phi) continue;
      f.row(s).setZero();
      for (int i = lo; i < hi; ++i) {
        Eigen::RowVectorXd gi = phi->row(i);
        for (int e = m.first_next[i]; e < m.first_next[i + 1]; ++e) gi += m.discount * m.next_prob[e] * f_next.row(m.next_state[e]);
        if (g) g->row(static_cast<Eigen::Index>(h) * n_sa + i) = gi;
        f.row(s) += p[i] * gi;
      }
    }
    v_next.swap(v);
    if (phi) f_next.swap(f);
  }
  return pi;
}

double irl_loss(const IrlProblem& p, const std::vector<double>& w, const Eigen::VectorXd& theta, Eigen::VectorXd* grad) {
  const Mdp& m = p.mdp;
  const Eigen::VectorXd r = p.phi * theta;
  const std::vector<double> reward(r.data(), r.data() + r.size());
  Eigen::MatrixXd g;
  const std::vector<double> pi = soft_optimal_policy(m, reward, grad ? &p.phi : nullptr, grad ? &g : nullptr);
  const int n_sa = m.pairs();
  double loss = 0.0;
  if (grad) grad->setZero(p.features);
  for (int h = 0; h < m.horizon; ++h)
    for (int s = 0; s < m.states; ++s) {
      const int lo = m.first_pair[s], hi = m.first_pair[s + 1];
      double mass = 0.0;
      for (int i = lo; i < hi; ++i) mass += w[static_cast<size_t>(h) * n_sa + i];
      if (mass == 0.0) continue;
      Eigen::RowVectorXd mean;
      if (grad) {
        mean = Eigen::RowVectorXd::Zero(p.features);
        for (int i = lo; i < hi; ++i) mean += pi[static_cast<size_t>(h) * n_sa + i] * g.row(static_cast<Eigen::Index>(h) * n_sa + i);
      }
      for (int i = lo; i < hi; ++i) {
        const double wi = w[static_cast<size_t>(h) * n_sa + i];
        if (wi == 0.0) continue;
        loss -= wi * std::log(pi[static_cast<size_t>(h) * n_sa + i]);
        if (grad) *grad -= wi * (g.row(static_cast<Eigen::Index>(h) * n_sa + i) - mean).transpose();
      }
    }
  return loss;
}

Eigen::MatrixXd irl_hessian(const IrlProblem& p, const std::vector<double>& w, const Eigen::VectorXd& theta) {
  constexpr double kStep = 1e-5;
  const int d = p.features;
  Eigen::MatrixXd h(d, d);
  Eigen::VectorXd up, down;
  for (int j = 0; j < d; ++j) {
    Eigen::VectorXd t = theta;
    t[j] += kStep;
    irl_loss(p, w, t, &up);
    t[j] -= 2 * kStep;
    irl_loss(p, w, t, &down);
    h.col(j) = (up - down) / (2 * kStep);
  }
  return 0.5 * (h + h.transpose());
}

IrlNewtonFit::IrlNewtonFit(const IrlProblem& p, const std::vector<double>& w, Eigen::VectorXd start, double bound)
    : p_(p), w_(w), bound_(bound), theta_(clip(start)) {
  loss_ = irl_loss(p_, w_, theta_, &grad_);
}

Eigen::VectorXd IrlNewtonFit::clip(const Eigen::VectorXd& t) const { return t.cwiseMax(-bound_).cwiseMin(bound_); }

bool IrlNewtonFit::iterate() {
  Eigen::LLT<Eigen::MatrixXd> llt(irl_hessian(p_, w_, theta_));
  for (const Eigen::VectorXd& direction : {llt.info() == Eigen::Success ? Eigen::VectorXd(-llt.solve(grad_)) : Eigen::VectorXd(-grad_), Eigen::VectorXd(-grad_)}) {
    double t = 1.0;
    for (int k = 0; k < 60; ++k, t *= 0.5) {  // Armijo backtracking along the projected path
      const Eigen::VectorXd next = clip(theta_ + t * direction);
      const double decrease = -grad_.dot(next - theta_);
      if (!(decrease > 1e-20)) break;
      Eigen::VectorXd g2;
      const double l2 = irl_loss(p_, w_, next, &g2);
      if (l2 <= loss_ - 0.25 * decrease) {
        theta_ = next, loss_ = l2, grad_ = g2;
        return true;
      }
    }
  }
  return false;
}

Eigen::VectorXd fit_irl_mle(const IrlProblem& p, const std::vector<double>& w, Eigen::VectorXd start, double bound) {
  constexpr int kIterations = kIrlNewtonIterations;
  IrlNewtonFit fit(p, w, std::move(start), bound);
  for (int it = 0; it < kIterations; ++it)
    if (!fit.iterate()) break;
  return fit.theta();
}

double trajectory_kl(const Mdp& m, const std::vector<double>& pa, const std::vector<double>& pb) {
  const std::vector<double> mu = occupancy_finite(m, pa);
  double kl = 0.0;
  for (size_t i = 0; i < mu.size(); ++i)
    if (mu[i] > 0.0) kl += mu[i] * std::log(pa[i] / pb[i]);
  return kl;
}

void sample_trajectories(const Mdp& m, const std::vector<double>& expert, uint64_t seed, uint32_t run, uint32_t stream, int first, int last,
                         std::vector<double>& counts) {
  const MdpView mv = view(m);
  const int n_sa = m.pairs();
  for (int t = first; t < last; ++t) {
    Rng rng = Rng::substream(seed, run, stream, static_cast<uint32_t>(t));
    int s = sample_start(mv, rng.uniform());
    for (int h = 0; h < m.horizon; ++h) {
      const int lo = m.first_pair[s], hi = m.first_pair[s + 1];
      double u = rng.uniform();
      int i = hi - 1;
      for (int j = lo; j < hi - 1; ++j) {
        u -= expert[static_cast<size_t>(h) * n_sa + j];
        if (u < 0.0) {
          i = j;
          break;
        }
      }
      counts[static_cast<size_t>(h) * n_sa + i] += 1.0;
      s = sample_next(mv, i, rng.uniform());
    }
  }
}

std::vector<double> behaviour_cloning(const Mdp& m, const std::vector<double>& counts) {
  std::vector<double> pi(counts.size());
  const int n_sa = m.pairs();
  for (int h = 0; h < m.horizon; ++h)
    for (int s = 0; s < m.states; ++s) {
      const int lo = m.first_pair[s], hi = m.first_pair[s + 1];
      double total = 0.0;
      for (int i = lo; i < hi; ++i) total += counts[static_cast<size_t>(h) * n_sa + i];
      for (int i = lo; i < hi; ++i) pi[static_cast<size_t>(h) * n_sa + i] = (counts[static_cast<size_t>(h) * n_sa + i] + 1.0) / (total + (hi - lo));
    }
  return pi;
}

}  // namespace klab::mdp
