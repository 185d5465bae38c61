// The live views of mdp.irl, mdp.safe_meta and mdp.risk (registered by panels.cpp's make_view): plots and
// readouts only; every number comes from the code `klab run` and the tests run, on run 1's seed.
#pragma once
#include <memory>

#include "ui/demo_view.hpp"

namespace klab::mdp {
// mdp.irl: IrlRun (irl_experiment.hpp) on run 1's seed, one sample size n (its demonstrations
// sampled, θ̂ fitted, KL measured) per step.
std::unique_ptr<ui::DemoView> make_irl_view();
// mdp.safe_meta: run 1's training tasks (one per step), meta-training (one meta-iteration per step),
// then its unseen tasks, every method's adaptation revealed one step k per view step.
std::unique_ptr<ui::DemoView> make_safe_meta_view();
// mdp.risk: the exact policies and run 1's Monte Carlo episodes of each, a chunk per step.
std::unique_ptr<ui::DemoView> make_risk_view();
}  // namespace klab::mdp
