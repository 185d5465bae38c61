// The blackbox chapter's entries in the demo table.
#include "blackbox/demos.hpp"

#include "blackbox/bo_experiment.hpp"
#include "blackbox/es_experiment.hpp"
#include "blackbox/nsga2_experiment.hpp"
#include "blackbox/private_gsd_experiment.hpp"

namespace klab::blackbox {

void register_demos(Registry& registry) {
  registry.add_chapter({"blackbox", "Black-box search", "Evolutionary algorithms and black-box optimisation: plus vs comma selection on planted optima, Bayesian optimisation, NSGA-II with dynamic population sizes, private synthetic data by a genetic algorithm."});
  registry.add(es_demo());
  registry.add(bo_demo());
  registry.add(nsga2_demo());
  registry.add(pgsd_demo());
}

}  // namespace klab::blackbox
