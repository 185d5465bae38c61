// The offline chapter's entries in the demo table.
#include "offline/demos.hpp"

#include "offline/dice_experiment.hpp"
#include "offline/edge_experiment.hpp"
#include "offline/prdc_experiment.hpp"
#include "offline/robust_experiment.hpp"
#include "offline/weighting_experiment.hpp"

namespace klab::offline {

void register_demos(Registry& registry) {
  registry.add_chapter({"offline", "Offline RL", "Learning from a fixed dataset at toy scale: dataset measures, the edge-of-reach problem, trajectory weighting, robust f-divergence regularisation, dataset-constrained policies on a 2-D point mass."});
  registry.add(edge_demo());
  registry.add(weighting_demo());
  registry.add(dice_demo());
  registry.add(robust_demo());
  registry.add(prdc_demo());
}

}  // namespace klab::offline
