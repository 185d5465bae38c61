#include "app/catalog.hpp"

#include "kl/demos.hpp"

namespace klab {

Registry make_catalog() {
  Registry r;
  kl::register_demos(r);
  return r;
}

}  // namespace klab
