// A point or vector of the plane: the optim chapter's 2-D problems (lion, online, halpern, bilevel).
#pragma once
#include <array>
#include <cmath>

namespace klab::optim {
using Vec2 = std::array<double, 2>;
inline double norm(const Vec2& v) { return std::sqrt(v[0] * v[0] + v[1] * v[1]); }  // ‖v‖₂
}
