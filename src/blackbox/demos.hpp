#pragma once
#include "core/registry.hpp"

namespace klab::blackbox {
void register_demos(Registry& registry);
}
