// A point or vector of the plane: the optim chapter's 2-D problems (lion, online, halpern, bilevel).
#pragma once
#include <array>

namespace klab::optim {
using Vec2 = std::array<double, 2>;
}
