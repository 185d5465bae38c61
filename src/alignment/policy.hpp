// The two policy classes of the chapter, as maps from a parameter vector to per-prompt logits:
//   tabular     θ ∈ ℝ^{P·K}, z(x, y) = θ[x·K + y]          (distribution space: any π is reachable)
//   log-linear  θ ∈ ℝ^d,     z(x, y) = θᵀφ(x, y)            (parameter space: π_θ ∝ exp(θᵀφ))
// π_θ(y|x) = softmax_y z(x, y). π_ref is in both classes (tabular: z = ln π_ref; log-linear: θ_ref);
// π*_β ∝ π_ref·exp(r*/β) is in the log-linear class only when r* is linear in φ: the gap between
// the classes is the "parametrisation gap" the demos show.
// Every loss is written as a function of the logits; pullback() applies the chain rule
// ∂L/∂θ = (∂z/∂θ)ᵀ ∂L/∂z (tabular: identity; log-linear: Σ_{x,y} φ(x, y) ∂L/∂z(x, y)).
#pragma once
#include "alignment/optimizer.hpp"
#include "alignment/world.hpp"

namespace klab::alignment {

enum class PolicyClass { Tabular, LogLinear };

class PolicySpace {
 public:
  PolicySpace(const World& world, PolicyClass cls) : world_(&world), cls_(cls) {}
  PolicyClass policy_class() const { return cls_; }
  int dim() const { return cls_ == PolicyClass::Tabular ? world_->P * world_->K : world_->d; }
  // Parameters of π_ref.
  VectorXd reference_params() const;
  // Parameters of π ∝ π_ref·exp(r/β) for a reward in the same class (tabular r: any P×K table;
  // log-linear: r = wᵀφ, given by w). Exact: the KL-regularised optimum of r.
  VectorXd tilted_params(const VectorXd& reward_params, double beta) const;
  MatrixXd logits(const VectorXd& params) const;
  MatrixXd log_probs(const VectorXd& params) const;
  VectorXd pullback(const MatrixXd& grad_logits) const;
  // A reward model of the same class evaluated on every (x, y): tabular table or wᵀφ.
  MatrixXd reward_table(const VectorXd& reward_params) const { return logits(reward_params); }

 private:
  const World* world_;
  PolicyClass cls_;
};

// Whether an optimiser step left the usable range: non-finite values, or parameters so large that
// log-probabilities lose all precision (a learning rate too large for the loss's curvature). The
// trainers undo such a step, so a method stays at its last usable point instead of producing NaN.
inline bool diverged(const VectorXd& params, const MatrixXd& logp) {
  return !params.allFinite() || !logp.allFinite() || params.cwiseAbs().maxCoeff() > 1e6;
}

// One optimiser step on `params`, then `refresh()` recomputes what depends on them (log-probs);
// a step that diverges is undone, so a runaway method (gradient ascent in unlearning) stops
// instead of poisoning its run with NaNs.
template <class Refresh>
void guarded_step(Optimizer& optimizer, VectorXd& params, MatrixXd& logp, const VectorXd& grad, Refresh refresh) {
  const VectorXd before = params;
  const MatrixXd logp_before = logp;
  optimizer.step(params, grad);
  refresh();
  if (diverged(params, logp)) {
    params = before;
    logp = logp_before;
  }
}

}  // namespace klab::alignment
