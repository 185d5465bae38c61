#pragma once
#include "core/registry.hpp"

namespace klab::kl {
void register_demos(Registry& registry);
}
