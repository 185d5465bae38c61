// The optim chapter's entries in the demo table.
#include "optim/demos.hpp"

#include "optim/bilevel_experiment.hpp"
#include "optim/halpern_experiment.hpp"
#include "optim/lion_experiment.hpp"
#include "optim/mixture_experiment.hpp"
#include "optim/online_experiment.hpp"

namespace klab::optim {

void register_demos(Registry& registry) {
  registry.add_chapter({"optim", "Mirror descent", "Stochastic mirror descent and first-order optimisation: mixture weights on the simplex, Lion as box-constrained optimisation, optimistic online mirror descent between stochastic and adversarial losses, variance-reduced Halpern iteration, penalty methods for bilevel problems."});
  registry.add(mixture_demo());
  registry.add(lion_demo());
  registry.add(online_demo());
  registry.add(halpern_demo());
  registry.add(bilevel_demo());
}

}  // namespace klab::optim
