// The reward-model parameters shared by the bandit demos (declared once, in the ParamTable of any
// parameter struct P with the fields dist, sigma, low, high): the distribution family, the
// Gaussian noise σ and the two-valued support {low, high} (see arms.hpp).
#pragma once
#include "bandits/arms.hpp"
#include "core/params.hpp"

namespace klab::bandits {

template <class P>
void declare_arm_model(ParamTable<P>& t) {
  t.choice("dist", &P::dist, ArmDist::Bernoulli, {"bernoulli", "gaussian", "two_valued"})
      .label("reward distribution")
      .choice_labels({"Bernoulli", "Gaussian (known σ)", "two-valued {low, high}"})
      .help("Bernoulli(μ); N(μ, σ²) with σ known to the policies; or rewards in {low, high} with mean μ.");
  t.real("sigma", &P::sigma, 1.0, 0.01, 10.0).label("σ  (Gaussian)").log_scale().help("Standard deviation of Gaussian rewards.");
  t.real("low", &P::low, 0.05, 0.0, 0.45).label("low  (two-valued)").help("Smaller reward value of two-valued arms (below 0.5); means below it are clamped.");
  t.real("high", &P::high, 0.95, 0.55, 1.0).label("high  (two-valued)").help("Larger reward value of two-valued arms (above 0.5); means above it are clamped.");
}

// The ArmModel of such a parameter struct.
template <class P>
ArmModel arm_model_of(const P& p) {
  ArmModel m;
  m.dist = p.dist;
  m.sigma = p.sigma;
  m.lo = p.low;
  m.hi = p.high;
  return m;
}

}  // namespace klab::bandits
