// Test functions of Bayesian optimisation (minimisation benchmarks; the optimiser maximises −f).
//   forrester     f(x) = (6x − 2)² sin(12x − 4), x ∈ [0, 1]; f* = −6.020740 at x = 0.757249
//                 (Forrester, Sóbester, Keane, Engineering Design via Surrogate Modelling, 2008)
//   gramacy_lee   f(x) = sin(10πx)/(2x) + (x − 1)⁴, x ∈ [0.5, 2.5]; f* = −0.869011 at x = 0.548563
//                 (Gramacy & Lee 2012)
//   branin        f = (x₂ − 5.1x₁²/(4π²) + 5x₁/π − 6)² + 10(1 − 1/(8π)) cos x₁ + 10,
//                 [−5, 10] × [0, 15]; f* = 0.397887 at three points (Dixon & Szegő 1978)
//   six_hump_camel f = (4 − 2.1x₁² + x₁⁴/3)x₁² + x₁x₂ + (−4 + 4x₂²)x₂², [−3, 3] × [−2, 2];
//                 f* = −1.031628 at (±0.0898, ∓0.7126)
//   hartmann3     f = −Σ_{i=1}^{4} α_i exp(−Σ_{j=1}^{3} A_ij (x_j − P_ij)²), [0, 1]³, α = (1, 1.2, 3, 3.2),
//                 A = [3 10 30; 0.1 10 35; 3 10 30; 0.1 10 35], P = 10⁻⁴·[3689 1170 2673; 4699 4387 7470;
//                 1091 8732 5547; 381 5743 8828]; f* = −3.8627797873 at (0.114589, 0.555649, 0.852547)
//                 (Hartmann 1973; Dixon & Szegő 1978). The value usually quoted, −3.86278, is f at the rounded
//                 minimiser (0.114614, 0.555649, 0.852547), −3.862782148; the minimum of the formula above is
//                 2·10⁻⁶ lower (found by coordinate search; the test below finds it from a grid)
//   drawn         the user's curve through control points on [0, 1] (drawn_curve.hpp: monotone
//                 piecewise-cubic Hermite); f* = min_i y_i, exact because the interpolant does not overshoot
// The minima are the published values (Hartmann-3: see above); the test "blackbox.bo: the test functions' minima" checks
// them (and the default drawn curve's) against a dense grid refined by golden-section/coordinate search.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "blackbox/drawn_curve.hpp"

namespace klab::blackbox {

enum class TestFunction { Forrester, GramacyLee, Branin, SixHumpCamel, Hartmann3, Drawn };

struct FunctionInfo {
  const char* id;
  const char* label;
  int dim;
  std::array<double, 3> lo, hi;  // box (the first dim coordinates are used)
  double minimum;                // f*
};

const std::vector<std::string>& test_function_ids();

// The function a BO run minimises: a test function, or (TestFunction::Drawn) the curve given by its
// parameter text, which must have passed check_drawn_text (the parameter rule sees to it; an
// unchecked invalid text is a programming error and aborts with its message). Other functions
// ignore the text.
class Objective {
 public:
  Objective(TestFunction f, std::string_view drawn_text);
  const FunctionInfo& info() const { return info_; }  // for Drawn the minimum is the curve's
  double operator()(const double* x) const;            // f at a point of the box (dim coordinates)
  const DrawnCurve& curve() const { return curve_; }  // Drawn: the control points; otherwise empty

 private:
  TestFunction function_;
  FunctionInfo info_;
  DrawnCurve curve_;
};

}  // namespace klab::blackbox
