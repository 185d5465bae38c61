// kl.bernoulli: the geometry of the KL-UCB confidence bound, and its coverage by simulation.
#pragma once
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::kl {

struct BernoulliParams {
  double p_hat = 0.05;    // empirical mean shown in the geometry view
  long long n = 20;       // number of samples N behind p̂
  long long t = 50;       // time t in the level (ln t + c ln ln t)/N
  double c = 0.0;         // coefficient of ln ln t
  double p_true = 0.05;   // true mean for the coverage simulation
  long long samples = 1000;  // samples per simulated run
};

class BernoulliExperiment final : public ExperimentOf<BernoulliParams, BernoulliExperiment> {
 public:
  BernoulliExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The kl geometry for the current p̂, N, t, c: the curve q ↦ kl(p̂, q), the level, the Pinsker
  // parabola and the bounds; and the bounds as functions of N.
  plot::Figure geometry() const;
};

DemoInfo bernoulli_demo();

}  // namespace klab::kl
