#pragma once
#include "core/registry.hpp"

namespace klab::mdp {
void register_demos(Registry& registry);
}
