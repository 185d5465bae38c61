#include "alignment/losses.hpp"

#include <algorithm>
#include <cmath>

#include "alignment/softmax.hpp"

namespace klab::alignment {

const std::vector<std::string>& offline_method_ids() {
  static const std::vector<std::string> ids = {"dpo",          "ipo",      "kto",        "simpo",     "rdpo",
                                               "dpo_shift",    "gpo_logistic", "gpo_hinge", "gpo_square", "gpo_exp",
                                               "gpo_power",    "rpo",      "wpo",        "rlhf"};
  return ids;
}

Method method_from_id(const std::string& id) {
  const auto& ids = offline_method_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<Method>(i);
  return Method::Dpo;
}

Detached detach(const MatrixXd& logp, const MatrixXd& ref_logp) {
  Detached d;
  d.kto_z0.resize(logp.rows());
  d.wpo_log_w.resize(logp.rows(), logp.cols());
  for (Eigen::Index x = 0; x < logp.rows(); ++x) {
    d.kto_z0[x] = std::max(0.0, kl_from_logp(logp.row(x), ref_logp.row(x)));
    // ln w(y) = ln π(y|x) - ln Σ_v π(v|x)²; E_{y~π}[w(y)] = 1 (WPO's sampled alignment).
    const double log_sum_sq = logsumexp(2.0 * logp.row(x));
    d.wpo_log_w.row(x) = logp.row(x).array() - log_sum_sq;
  }
  return d;
}

double gpo_f(Method m, double z, double power, double* df) {
  switch (m) {
    case Method::GpoHinge:  // SLiC: max(0, 1 - z)
      *df = z < 1.0 ? -1.0 : 0.0;
      return std::max(0.0, 1.0 - z);
    case Method::GpoSquare:  // (z - 1)²
      *df = 2.0 * (z - 1.0);
      return (z - 1.0) * (z - 1.0);
    case Method::GpoExp: {  // e^{-z}
      const double e = std::exp(-z);
      *df = -e;
      return e;
    }
    case Method::GpoPower: {  // max(0, 1 - z)^p, p ≥ 1
      const double u = std::max(0.0, 1.0 - z);
      *df = u > 0 ? -power * std::pow(u, power - 1.0) : 0.0;
      return std::pow(u, power);
    }
    default:  // logistic ln(1 + e^{-z}) = softplus(-z), f' = -σ(-z)
      *df = -sigmoid(-z);
      return softplus(-z);
  }
}

PairTerm pair_loss(Method m, const LossConfig& c, double logp_w, double logp_l, double ref_w, double ref_l, double len_w,
                   double len_l, double wpo_weight) {
  const double dw = logp_w - ref_w, dl = logp_l - ref_l, rho = dw - dl, b = c.beta;
  switch (m) {
    case Method::Ipo: {  // (ρ - 1/(2τ))², τ = β
      const double e = rho - 0.5 / b;
      return {e * e, 2.0 * e, -2.0 * e};
    }
    case Method::Simpo: {  // -ln σ(β_s ln π_w/|y_w| - β_s ln π_l/|y_l| - γ)
      const double h = c.simpo_beta * logp_w / len_w - c.simpo_beta * logp_l / len_l - c.simpo_gamma;
      const double s = sigmoid(-h);
      return {softplus(-h), -s * c.simpo_beta / len_w, s * c.simpo_beta / len_l};
    }
    case Method::Rdpo: {  // [(1-ε) ℓ(ρ) - ε ℓ(-ρ)]/(1-2ε), ℓ(ρ) = softplus(-βρ)
      const double eps = c.flip, k = 1.0 / (1.0 - 2.0 * eps);
      const double loss = k * ((1.0 - eps) * softplus(-b * rho) - eps * softplus(b * rho));
      // dℓ(ρ)/dρ = -β σ(-βρ), dℓ(-ρ)/dρ = β σ(βρ)
      const double dr = k * ((1.0 - eps) * (-b * sigmoid(-b * rho)) - eps * (b * sigmoid(b * rho)));
      return {loss, dr, -dr};
    }
    case Method::DpoShift: {  // -ln σ(βΔ_w - λβΔ_l)
      const double h = b * dw - c.shift_lambda * b * dl, s = sigmoid(-h);
      return {softplus(-h), -b * s, c.shift_lambda * b * s};
    }
    case Method::Rpo: {  // DPO + η β (-ln π(y_w))
      const double s = sigmoid(-b * rho);
      return {softplus(-b * rho) - c.rpo_eta * b * logp_w, -b * s - c.rpo_eta * b, b * s};
    }
    case Method::Wpo: {  // ω·DPO, ω fixed
      const double s = sigmoid(-b * rho);
      return {wpo_weight * softplus(-b * rho), -wpo_weight * b * s, wpo_weight * b * s};
    }
    case Method::GpoHinge:
    case Method::GpoSquare:
    case Method::GpoExp:
    case Method::GpoPower:
    case Method::GpoLogistic:
    case Method::Dpo:
    default: {  // f(βρ): d/dΔ_w = β f'(βρ)
      double df;
      const double f = gpo_f(m, b * rho, c.gpo_power, &df);
      return {f, b * df, -b * df};
    }
  }
}

double offline_loss(Method m, const LossConfig& c, const World& world, const PreferenceData& data, const MatrixXd& logp,
                    const Detached& detached, MatrixXd* grad_logits) {
  MatrixXd g = MatrixXd::Zero(logp.rows(), logp.cols());  // ∂L/∂ln π
  double loss = 0.0;
  const double inv_total = data.total > 0 ? 1.0 / data.total : 0.0;
  const MatrixXd& ref = world.ref_logp;
  if (m == Method::Kto) {
    // KTO: λ_y - v(x, y) for y_w (desirable) and y_l (undesirable), both halves of every pair.
    const double b = c.beta;
    for (const Comparison& cp : data.items) {
      const double z0 = detached.kto_z0[cp.x], wt = cp.weight * inv_total;
      const double hd = b * (logp(cp.x, cp.w) - ref(cp.x, cp.w) - z0);
      const double hu = b * (z0 - (logp(cp.x, cp.l) - ref(cp.x, cp.l)));
      const double sd = sigmoid(hd), su = sigmoid(hu);
      loss += wt * (c.kto_lambda_d * (1.0 - sd) + c.kto_lambda_u * (1.0 - su));
      // d(λ(1 - σ(h)))/dh = -λ σ(h)(1 - σ(h)); dh_d/dlnπ_w = β, dh_u/dlnπ_l = -β.
      g(cp.x, cp.w) += wt * (-c.kto_lambda_d * sd * (1.0 - sd) * b);
      g(cp.x, cp.l) += wt * (c.kto_lambda_u * su * (1.0 - su) * b);
    }
  } else {
    for (const Comparison& cp : data.items) {
      double omega = 1.0;
      if (m == Method::Wpo) omega = std::min(1.0, std::exp(detached.wpo_log_w(cp.x, cp.w) + detached.wpo_log_w(cp.x, cp.l)));
      const PairTerm t = pair_loss(m, c, logp(cp.x, cp.w), logp(cp.x, cp.l), ref(cp.x, cp.w), ref(cp.x, cp.l),
                                   world.length(cp.x, cp.w), world.length(cp.x, cp.l), omega);
      const double wt = cp.weight * inv_total;
      loss += wt * t.loss;
      g(cp.x, cp.w) += wt * t.d_w;
      g(cp.x, cp.l) += wt * t.d_l;
    }
  }
  if (grad_logits) *grad_logits = logits_grad_from_logp_grad(logp, g);
  return loss;
}

double bt_reward_loss(const PreferenceData& data, const MatrixXd& reward, MatrixXd* grad_reward) {
  double loss = 0.0;
  MatrixXd g = MatrixXd::Zero(reward.rows(), reward.cols());
  const double inv_total = data.total > 0 ? 1.0 / data.total : 0.0;
  for (const Comparison& cp : data.items) {
    const double h = reward(cp.x, cp.w) - reward(cp.x, cp.l), wt = cp.weight * inv_total;
    loss += wt * softplus(-h);
    const double s = sigmoid(-h);
    g(cp.x, cp.w) -= wt * s;
    g(cp.x, cp.l) += wt * s;
  }
  if (grad_reward) *grad_reward = g;
  return loss;
}

}  // namespace klab::alignment
