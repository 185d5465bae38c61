// blackbox.bo's pieces with known answers (the SciPy comparisons are in blackbox_reference_test.cpp):
// the appended Cholesky factor against Eigen's LLT of the whole K, the test functions' published
// minima against a dense grid refined by coordinate search, EI's limits, the discretised KG against
// Monte Carlo, and a BO run's bookkeeping; the drawn objective's parameter text, interpolant and
// sketch (drawn_curve.hpp; its values against SciPy's PCHIP are in blackbox_reference_test.cpp).
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "blackbox/acquisition.hpp"
#include "blackbox/bo_experiment.hpp"
#include "blackbox/drawn_curve.hpp"
#include "blackbox/gp.hpp"
#include "blackbox/nsga2.hpp"
#include "blackbox/test_functions.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"

using namespace klab;
using namespace klab::blackbox;

TEST_CASE("blackbox.bo: the appended Cholesky factor equals Eigen's LLT of the whole K") {
  for (KernelKind kind : {KernelKind::SquaredExponential, KernelKind::Matern52}) {
    const GpHyper h{kind, 1.3, 0.3, 1e-3, 0.2};
    Gp gp(h, 2);
    Rng r(3, 0, 0);
    std::vector<double> xs;
    for (int i = 0; i < 40; ++i) {
      const double x[2] = {r.uniform(), r.uniform()};
      xs.insert(xs.end(), x, x + 2);
      REQUIRE(gp.add(x, r.uniform()).ok());
    }
    Eigen::MatrixXd k(40, 40);
    for (int i = 0; i < 40; ++i)
      for (int j = 0; j < 40; ++j) k(i, j) = kernel_value(h, &xs[2 * i], &xs[2 * j], 2) + (i == j ? h.noise : 0.0);
    const Eigen::MatrixXd l = Eigen::LLT<Eigen::MatrixXd>(k).matrixL();
    CHECK((gp.factor() - l).cwiseAbs().maxCoeff() < 1e-10);
  }
}

TEST_CASE("blackbox.bo: a repeated point without noise is refused and leaves the GP unchanged") {
  Gp gp({KernelKind::SquaredExponential, 1.0, 0.2, 0.0, 0.0}, 1);
  const double x = 0.3;
  REQUIRE(gp.add(&x, 1.0).ok());
  CHECK_FALSE(gp.add(&x, 1.0).ok());
  CHECK(gp.size() == 1);
}

TEST_CASE("blackbox.bo: the test functions' published minima match a dense grid refined by coordinate search") {
  for (size_t k = 0; k < test_function_ids().size(); ++k) {
    const Objective f(static_cast<TestFunction>(k), kDefaultDrawnText);  // drawn: the default curve, f* = min_i y_i
    const FunctionInfo& fi = f.info();
    const int side = fi.dim == 1 ? 20000 : fi.dim == 2 ? 600 : 80, cells = fi.dim == 1 ? side : fi.dim == 2 ? side * side : side * side * side;
    double best = 1e300, bx[3] = {0, 0, 0};
    for (int i = 0; i < cells; ++i) {
      double x[3] = {0, 0, 0};
      for (int c = 0, rest = i; c < fi.dim; ++c, rest /= side) x[c] = fi.lo[c] + (fi.hi[c] - fi.lo[c]) * (rest % side) / (side - 1.0);
      const double v = f(x);
      if (v < best) best = v, bx[0] = x[0], bx[1] = x[1], bx[2] = x[2];
    }
    for (double step = 1e-2; step > 1e-12; step *= 0.5)  // coordinate search from the grid's best point
      for (bool moved = true; moved;) {
        moved = false;
        for (int c = 0; c < fi.dim; ++c)
          for (double s : {step, -step}) {
            double x[3] = {bx[0], bx[1], bx[2]};
            x[c] += s;
            const double v = f(x);
            if (v < best) best = v, bx[0] = x[0], bx[1] = x[1], bx[2] = x[2], moved = true;
          }
      }
    CAPTURE(fi.id);
    CHECK(best == doctest::Approx(fi.minimum).epsilon(1e-9));
    CHECK(best >= fi.minimum - 1e-9);
  }
}

TEST_CASE("blackbox.bo: EI's limits and the discretised KG against Monte Carlo") {
  CHECK(expected_improvement(1.0, 0.0, 0.4) == doctest::Approx(0.6));
  CHECK(expected_improvement(0.0, 1.0, 0.0) == doctest::Approx(0.3989422804014327));  // σφ(0)
  CHECK(expected_improvement(-50.0, 1.0, 0.0) < 1e-300);
  const double a[4] = {0.1, 0.3, -0.2, 0.25}, b[4] = {-0.5, 0.2, 1.1, 0.2};
  std::vector<int> scratch;
  const double exact = expected_max_gain(a, b, 4, &scratch);
  Rng r(9, 0, 0);
  double sum = 0.0, sq = 0.0;
  const int draws = 200000;
  for (int i = 0; i < draws; ++i) {
    const double z = sample_normal(r);
    double m = -1e300;
    for (int j = 0; j < 4; ++j) m = std::max(m, a[j] + b[j] * z);
    sum += m - 0.3, sq += (m - 0.3) * (m - 0.3);
  }
  const double mean = sum / draws, se = std::sqrt((sq / draws - mean * mean) / draws);
  CHECK(std::fabs(exact - mean) < 4 * se);
}

TEST_CASE("blackbox.bo: a run evaluates inside the box, shares its initial design, and its regret never increases") {
  BoExperiment e;
  REQUIRE(e.params().set_texts({{"function", "six_hump_camel"}, {"evaluations", "12"}, {"init_points", "4"}}).ok());
  std::vector<std::vector<double>> design;
  for (const std::string& m : bo_method_ids()) {
    BoRun r(e.p(), m, 5, 2);
    double last = 1e300;
    while (!r.done()) {
      r.step();
      CHECK(r.regret() <= last);
      CHECK(r.regret() >= 0.0);
      last = r.regret();
      for (double u : r.points().back()) CHECK((u >= 0.0 && u <= 1.0));
    }
    const std::vector<std::vector<double>> first(r.points().begin(), r.points().begin() + 4);
    if (design.empty()) design = first;
    CHECK(first == design);  // common random numbers: the same initial design for every method
  }
  CHECK_FALSE(e.params().set_texts({{"init_points", "20"}}).ok());
}

TEST_CASE("blackbox.bo drawn: the curve's text round-trips, and a bad one is refused with the point, the field and the range named") {
  const Expected<DrawnCurve> d = parse_drawn_curve(kDefaultDrawnText);
  REQUIRE(d.ok());
  CHECK(format_drawn_curve(d.value()) == kDefaultDrawnText);
  CHECK(parse_drawn_curve(" 0 : 0.5 ,1:-1").ok());  // spaces around a field
  const struct {
    const char* text;
    const char* message;
  } bad[] = {
      {"", "point 1 must be x:y, points separated by ',' (got '')"},
      {"0:0.5", "needs 2 to 64 points x:y separated by ',' (got 1)"},
      {"0:0.5,1", "point 2 must be x:y, points separated by ',' (got '1')"},
      {"0:0.5,0.5:1:2", "point 2 must be x:y"},
      {"0:a,1:0", "point 1: y must be a real number (got 'a')"},
      {"0:0,1:inf", "point 2: y must be a real number (got 'inf')"},
      {"0:0,1.5:0", "point 2: x must be in [0, 1] (got 1.5)"},
      {"0:0,0.5:0,0.2:0", "point 3: x must be at least 0.001 above point 2's x = 0.5 (x strictly increasing in [0, 1]; got 0.2)"},
      {"0:0,0.0005:0", "point 2: x must be at least 0.001 above point 1's x = 0"},
      {"0:0,1:1.5", "point 2: y must be in [-1, 1] (got 1.5)"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.text);
    const Expected<DrawnCurve> c = parse_drawn_curve(b.text);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find(b.message) == 0);
  }
  std::string many;
  for (int k = 0; k <= kDrawnMaxPoints; ++k) many += (k ? "," : "") + std::to_string(k * 0.01) + ":0";
  CHECK(parse_drawn_curve(many).error() == "at most 64 points x:y");
  // Through the parameter table (CLI, link, JSON): the message starts with the parameter's name, nothing changes.
  BoExperiment e;
  const Status st = e.params().set_texts({{"function", "drawn"}, {"drawn", "0:0,1:1.5"}});
  CHECK(st.message() == "parameter 'drawn': point 2: y must be in [-1, 1] (got 1.5)");
  CHECK(e.p().function == TestFunction::Forrester);
  CHECK(e.p().drawn == kDefaultDrawnText);
}

TEST_CASE("blackbox.bo drawn: the curve passes through its points, is monotone between neighbours, flat outside, and its minimum is min y") {
  Rng r(41, 0, 0);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 2 + static_cast<int>(r.below(30));
    std::vector<double> x, y;
    for (int k = 0; k < n; ++k) {
      x.push_back(0.1 + 0.8 * k / (n - 1) + (k > 0 && k < n - 1 ? 0.2 / n * (r.uniform() - 0.5) : 0.0));
      y.push_back(r.below(4) == 0 && k > 0 ? y.back() : 2.0 * r.uniform() - 1.0);  // some flat pieces
    }
    REQUIRE(check_drawn_points(x, y).ok());
    const DrawnCurve c = make_drawn_curve(x, y);
    for (int k = 0; k < n; ++k) CHECK(drawn_value(c, x[static_cast<size_t>(k)]) == y[static_cast<size_t>(k)]);
    CHECK(drawn_value(c, 0.0) == y.front());
    CHECK(drawn_value(c, 1.0) == y.back());
    double least = 1e300;
    for (int k = 0; k + 1 < n; ++k) {
      const double a = y[static_cast<size_t>(k)], b = y[static_cast<size_t>(k) + 1];
      double last = a;
      for (int i = 1; i <= 50; ++i) {
        const double v = drawn_value(c, x[static_cast<size_t>(k)] + (x[static_cast<size_t>(k) + 1] - x[static_cast<size_t>(k)]) * i / 50.0);
        CHECK(v >= std::min(a, b));  // exactly: the minimum is min y, the regret never negative
        CHECK(v <= std::max(a, b));
        CHECK((b >= a ? v >= last - 1e-12 : v <= last + 1e-12));  // monotone like its end points
        last = v, least = std::min(least, v);
      }
    }
    CHECK(drawn_minimum(c) == std::min(least, *std::min_element(y.begin(), y.end())));
  }
}

TEST_CASE("blackbox.bo drawn: a sketch redraws the points under it, the last stroke wins, the rest keep their values") {
  const DrawnCurve old = parse_drawn_curve(kDefaultDrawnText).value();
  // Left to right at y = 0.9 over [0.2, 0.5], then back to 0.3 at y = −0.5 (beyond the range: clamped).
  const std::vector<double> sx{0.2, 0.35, 0.5, 0.5, 0.3}, sy{0.9, 0.9, 0.9, -0.5, -1.5};
  const DrawnCurve c = redraw_with_sketch(old, sx, sy);
  REQUIRE(c.x.size() == static_cast<size_t>(kDrawnSketchPoints));
  CHECK(check_drawn_points(c.x, c.y).ok());
  for (size_t k = 0; k < c.x.size(); ++k) {
    CAPTURE(c.x[k]);
    CHECK(c.x[k] == doctest::Approx(k / 20.0).epsilon(1e-15));
    if (c.x[k] < 0.2 - 1e-12 || c.x[k] > 0.5 + 1e-12)
      CHECK(std::fabs(c.y[k] - drawn_value(old, c.x[k])) <= 0.0005);  // the old curve, rounded to 0.001
    else if (c.x[k] < 0.3 - 1e-12)
      CHECK(c.y[k] == 0.9);
    else  // the stroke back: from (0.5, −0.5) to (0.3, −1.5), clamped at −1
      CHECK(c.y[k] == std::max(-1.0, std::round((-0.5 - (0.5 - c.x[k]) / 0.2) * 1000.0) / 1000.0));
  }
  // A click (one sample between the grid points) changes nothing.
  CHECK(format_drawn_curve(redraw_with_sketch(old, {0.123}, {0.5})) == kDefaultDrawnText);
  // The text stays short: 21 points of three decimals.
  CHECK(format_drawn_curve(c).size() < 260);
}

TEST_CASE("blackbox.nsga2: the fast ranks equal the pairwise definition") {
  klab::Rng r(8, 0, 0);
  for (int trial = 0; trial < 50; ++trial) {
    const int m = 1 + static_cast<int>(r.below(60)), range = 1 + static_cast<int>(r.below(12));
    std::vector<double> f1(static_cast<size_t>(m)), f2(static_cast<size_t>(m));
    for (int i = 0; i < m; ++i) f1[static_cast<size_t>(i)] = r.below(static_cast<uint32_t>(range)), f2[static_cast<size_t>(i)] = r.below(static_cast<uint32_t>(range));
    CHECK(klab::blackbox::nondominated_ranks(f1, f2) == klab::blackbox::nondominated_ranks_reference(f1, f2));
  }
}
