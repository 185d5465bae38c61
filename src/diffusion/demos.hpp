#pragma once
#include "core/registry.hpp"

namespace klab::diffusion {
void register_demos(Registry& registry);
}
