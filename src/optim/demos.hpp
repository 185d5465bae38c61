#pragma once
#include "core/registry.hpp"

namespace klab::optim {
void register_demos(Registry& registry);
}
