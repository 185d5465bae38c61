#include "blackbox/test_functions.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/lab_math.hpp"

namespace klab::blackbox {
namespace {

const FunctionInfo& test_function_info(TestFunction f) {
  static const FunctionInfo infos[] = {
      {"forrester", "Forrester (1-D)", 1, {0.0, 0.0, 0.0}, {1.0, 0.0, 0.0}, -6.020740055767083},
      {"gramacy_lee", "Gramacy & Lee (1-D)", 1, {0.5, 0.0, 0.0}, {2.5, 0.0, 0.0}, -0.869011134989500},
      {"branin", "Branin (2-D)", 2, {-5.0, 0.0, 0.0}, {10.0, 15.0, 0.0}, 0.39788735772973816},
      {"six_hump_camel", "Six-Hump Camel (2-D)", 2, {-3.0, -2.0, 0.0}, {3.0, 2.0, 0.0}, -1.0316284534898774},
      {"hartmann3", "Hartmann-3 (3-D)", 3, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, -3.8627797873326628},
      {"drawn", "drawn (1-D)", 1, {0.0, 0.0, 0.0}, {1.0, 0.0, 0.0}, std::numeric_limits<double>::quiet_NaN()},  // minimum: set from the curve (Objective)
  };
  static_assert(std::size(infos) == static_cast<size_t>(TestFunction::Drawn) + 1);
  return infos[static_cast<int>(f)];
}

}  // namespace

const std::vector<std::string>& test_function_ids() {
  static const std::vector<std::string> ids{"forrester", "gramacy_lee", "branin", "six_hump_camel", "hartmann3", "drawn"};
  return ids;
}

Objective::Objective(TestFunction f, std::string_view drawn_text) : function_(f), info_(test_function_info(f)) {
  if (f != TestFunction::Drawn) return;
  Expected<DrawnCurve> c = parse_drawn_curve(drawn_text);
  if (!c.ok()) {
    std::fprintf(stderr, "Objective: an unchecked drawn curve reached the experiment: %s\n", c.error().c_str());
    std::abort();
  }
  curve_ = std::move(c.value());
  info_.minimum = drawn_minimum(curve_);
}

double Objective::operator()(const double* x) const {
  switch (function_) {
    case TestFunction::Forrester: {
      const double a = 6.0 * x[0] - 2.0;
      return a * a * math::cos(12.0 * x[0] - 4.0 - 0.5 * kPi);  // sin θ = cos(θ − π/2)
    }
    case TestFunction::GramacyLee: {
      const double b = x[0] - 1.0;
      return math::cos(10.0 * kPi * x[0] - 0.5 * kPi) / (2.0 * x[0]) + b * b * b * b;
    }
    case TestFunction::Branin: {
      const double a = x[1] - 5.1 * x[0] * x[0] / (4.0 * kPi * kPi) + 5.0 * x[0] / kPi - 6.0;
      return a * a + 10.0 * (1.0 - 1.0 / (8.0 * kPi)) * math::cos(x[0]) + 10.0;
    }
    case TestFunction::SixHumpCamel: {
      const double u = x[0] * x[0], v = x[1] * x[1];
      return (4.0 - 2.1 * u + u * u / 3.0) * u + x[0] * x[1] + (-4.0 + 4.0 * v) * v;
    }
    case TestFunction::Hartmann3: {
      static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
      static const double a[4][3] = {{3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}, {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}};
      static const double p[4][3] = {{0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.0381, 0.5743, 0.8828}};
      double f = 0.0;
      for (int i = 0; i < 4; ++i) {
        double e = 0.0;
        for (int j = 0; j < 3; ++j) e += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
        f -= alpha[i] * math::exp(-e);
      }
      return f;
    }
    case TestFunction::Drawn: return drawn_value(curve_, x[0]);
  }
  return 0.0;
}

}  // namespace klab::blackbox
