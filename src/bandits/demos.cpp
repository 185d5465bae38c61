// The bandits chapter's entries in the demo table.
#include "bandits/demos.hpp"

#include "bandits/bai_experiment.hpp"
#include "bandits/free_experiment.hpp"
#include "bandits/judges_experiment.hpp"
#include "bandits/regret_experiment.hpp"
#include "bandits/streaming_experiment.hpp"

namespace klab::bandits {

void register_demos(Registry& registry) {
  registry.add_chapter({"bandits", "Bandits", "Stochastic bandits and budgeted exploration: regret, free exploration, streaming, judges, best-arm identification."});
  registry.add(regret_demo());
  registry.add(free_exploration_demo());
  registry.add(streaming_demo());
  registry.add(judges_demo());
  registry.add(bai_demo());
}

}  // namespace klab::bandits
