// The offline chapter's entry point in the demo table.
#pragma once
#include "core/registry.hpp"

namespace klab::offline {
void register_demos(Registry& registry);
}
