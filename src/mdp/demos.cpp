// The mdp chapter's entries in the demo table.
#include "mdp/demos.hpp"

#include "mdp/constrained_experiment.hpp"
#include "mdp/irl_experiment.hpp"
#include "mdp/learning_experiment.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/risk_experiment.hpp"
#include "mdp/robust_experiment.hpp"
#include "mdp/safe_meta_experiment.hpp"

namespace klab::mdp {

void register_demos(Registry& registry) {
  registry.add_chapter({"mdp", "Tabular MDPs", "Planning and learning in tabular MDPs, constrained MDPs and conservative exploration, safe meta-RL, inverse RL, robust MDPs, risk-sensitive planning."});
  registry.add(planning_demo());
  registry.add(learning_demo());
  registry.add(constrained_demo());
  registry.add(safe_meta_demo());
  registry.add(irl_demo());
  registry.add(robust_demo());
  registry.add(risk_demo());
}

}  // namespace klab::mdp
