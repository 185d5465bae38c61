// Proxy reward models for alignment.overoptimization: small random-feature networks
//     r_k(x, y) = v_kᵀ tanh(W_k φ(x, y) + c_k),   W_k, c_k ~ N(0, 1) fixed per member k (its "seed"),
// with the head v_k trained by L2-regularised Bradley–Terry logistic regression
//     min_v  -mean ln σ(r(y_w) - r(y_l)) + (λ/2)‖v‖²   (Newton's method: the problem is convex).
// Members differ only in their random first layer, as the ensemble members of Coste et al. (2024)
// differ only in their initialisation seed.
#pragma once
#include <vector>

#include "alignment/preferences.hpp"
#include "alignment/world.hpp"
#include "core/rng.hpp"

namespace klab::alignment {

struct RandomFeatureRm {
  MatrixXd W;  // m × d
  VectorXd c;  // m
  VectorXd v;  // m (trained head)
};

// Draws member k's first layer (m hidden units) from rng.
RandomFeatureRm random_feature_rm(int m, int d, Rng& rng);
// Fits the head on the comparisons (Newton, ≤ 50 iterations).
void fit_head(RandomFeatureRm& rm, const World& world, const PreferenceData& data, double ridge);
// r(x, y) for every prompt and response (P × K).
MatrixXd reward_table(const RandomFeatureRm& rm, const World& world);

// Ensemble objectives of Coste et al. (2024) on member tables R_1..R_k (each P × K):
//   mean  (1/k) Σ_i R_i,   WCO  min_i R_i,   UWO  mean - λ·Var_i R_i (population variance).
enum class EnsembleObjective { Single, Mean, Worst, UncertaintyWeighted };
MatrixXd ensemble_objective(const std::vector<MatrixXd>& members, EnsembleObjective objective, double uwo_lambda);

// Best-of-n from π_ref under a proxy score s: the distribution of argmax_{i≤n} s(y_i), y_i ~ π_ref.
// Sorting responses by s, P_n(y) = F(y)^n - F(y⁻)^n with F the π_ref-CDF in score order. Returns ln P_n.
MatrixXd best_of_n_logp(const MatrixXd& ref_logp, const MatrixXd& score, double n);

}  // namespace klab::alignment
