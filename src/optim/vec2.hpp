// A point or vector of the plane: the optim chapter's 2-D problems (lion, online, halpern, bilevel).
#pragma once
#include <array>
#include <cmath>

namespace klab::optim {
using Vec2 = std::array<double, 2>;
inline double norm(const Vec2& v) { return std::sqrt(v[0] * v[0] + v[1] * v[1]); }  // ‖v‖₂
// The largest eigenvalue of the symmetric matrix [[a, b], [b, c]].
inline double max_eigenvalue(double a, double b, double c) { return 0.5 * (a + c) + std::sqrt(0.25 * (a - c) * (a - c) + b * b); }
}
