// The alignment chapter's entries in the demo table.
#include "alignment/demos.hpp"

#include "alignment/constrained_experiment.hpp"
#include "alignment/nash_experiment.hpp"
#include "alignment/offline_experiment.hpp"
#include "alignment/online_experiment.hpp"
#include "alignment/overopt_experiment.hpp"
#include "alignment/unlearning_experiment.hpp"

namespace klab::alignment {

void register_demos(Registry& registry) {
  registry.add_chapter({"alignment", "Alignment",
                        "KL-regularised preference optimisation, unlearning, Nash alignment, over-optimisation and "
                        "constrained alignment on a toy preference bandit with exact optima."});
  registry.add(offline_demo());
  registry.add(online_demo());
  registry.add(unlearning_demo());
  registry.add(nash_demo());
  registry.add(overoptimization_demo());
  registry.add(constrained_demo());
}

}  // namespace klab::alignment
