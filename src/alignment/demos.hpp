// The alignment chapter's entries in the demo table.
#pragma once
#include "core/registry.hpp"

namespace klab::alignment {
void register_demos(Registry& registry);
}
