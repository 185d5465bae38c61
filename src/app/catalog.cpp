#include "app/catalog.hpp"

#include "alignment/demos.hpp"
#include "blackbox/demos.hpp"
#include "bandits/demos.hpp"
#include "diffusion/demos.hpp"
#include "kl/demos.hpp"
#include "mdp/demos.hpp"
#include "offline/demos.hpp"
#include "optim/demos.hpp"

namespace klab {

Registry make_catalog() {
  Registry r;
  kl::register_demos(r);
  bandits::register_demos(r);
  alignment::register_demos(r);
  mdp::register_demos(r);
  optim::register_demos(r);
  diffusion::register_demos(r);
  blackbox::register_demos(r);
  offline::register_demos(r);
  return r;
}

}  // namespace klab
