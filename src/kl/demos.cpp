// The kl chapter's entries in the demo table.
#include "kl/demos.hpp"

#include "kl/bernoulli_experiment.hpp"
#include "kl/categorical_experiment.hpp"
#include "kl/fit_experiment.hpp"

namespace klab::kl {

void register_demos(Registry& registry) {
  registry.add_chapter({"kl", "Divergences", "KL and friends: the geometry behind every other chapter."});
  registry.add(bernoulli_demo());
  registry.add(forward_reverse_demo());
  registry.add(categorical_demo());
}

}  // namespace klab::kl
