// The diffusion chapter's entries in the demo table.
#include "diffusion/demos.hpp"

#include "diffusion/constrained_experiment.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/tsmc_experiment.hpp"

namespace klab::diffusion {

void register_demos(Registry& registry) {
  registry.add_chapter({"diffusion", "Diffusion sampling", "Samplers and reward-tilted sampling on 2-D Gaussian mixtures whose noised score is exact: nothing is trained."});
  registry.add(samplers_demo());
  registry.add(tsmc_demo());
  registry.add(constrained_demo());
  registry.add(federated_demo());
}

}  // namespace klab::diffusion
