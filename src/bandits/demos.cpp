// The bandits chapter's entries in the demo table.
#include "bandits/demos.hpp"

#include "bandits/regret_experiment.hpp"

namespace klab::bandits {

void register_demos(Registry& registry) {
  registry.add_chapter({"bandits", "Bandits", "Stochastic bandits and budgeted exploration: regret, free exploration, streaming, judges, best-arm identification."});
  registry.add(regret_demo());
}

}  // namespace klab::bandits
