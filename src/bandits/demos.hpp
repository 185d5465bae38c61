#pragma once
#include "core/registry.hpp"

namespace klab::bandits {
void register_demos(Registry& registry);
}
