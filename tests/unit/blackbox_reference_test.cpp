// blackbox.bo's claim 1 against SciPy (tests/reference/make_references.py, run by ctest's
// reference_generate fixture into $KLAB_REFERENCE_DIR; the "reference" suite):
//   gp_points.csv, gp_lml.csv   GP posterior mean, variance and log marginal likelihood (scipy.linalg
//                               cho_factor/cho_solve, numpy slogdet) for both kernels, 1-D and 2-D: to 1e-9
//   acquisition.csv             EI (scipy.integrate.quad), PI (scipy.stats.norm.sf), UCB: to 1e-9
//   kg.csv, kg_value.csv        E max_i(a_i + b_i Z) − max a_i (quad between the breakpoints): to 1e-9
//   pchip.csv                   the drawn curve (drawn_curve.hpp) against scipy.interpolate.PchipInterpolator: to 1e-12
// A missing directory or file fails the suite: a reference check must never pass by not running.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "blackbox/acquisition.hpp"
#include "blackbox/drawn_curve.hpp"
#include "blackbox/gp.hpp"

namespace {

std::vector<std::vector<double>> read_csv(const std::string& name, const std::string& header) {
  const char* dir = std::getenv("KLAB_REFERENCE_DIR");
  if (!dir || !*dir) FAIL("KLAB_REFERENCE_DIR is not set: run the 'reference' ctest (tests/reference/make_references.py)");
  const std::string path = std::string(dir) + "/" + name;
  std::ifstream in(path);
  if (!in) FAIL("cannot read the SciPy reference file '" << path << "'");
  std::string line;
  std::getline(in, line);
  REQUIRE_MESSAGE(line == header, path << ": unexpected header '" << line << "'");
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) row.push_back(std::strtod(field.c_str(), nullptr));
    if (!row.empty()) rows.push_back(row);
  }
  REQUIRE_MESSAGE(!rows.empty(), path << " has no rows");
  return rows;
}

}  // namespace

TEST_SUITE("reference") {
  TEST_CASE("claim 1: blackbox.bo's GP posterior mean, variance and log marginal likelihood match SciPy to 1e-9") {
    const auto points = read_csv("gp_points.csv", "case,kernel,signal,length,noise,mean,role,x1,x2,y,mu,var");
    const auto lml = read_csv("gp_lml.csv", "case,lml");
    std::map<int, klab::blackbox::Gp> gps;
    int tested = 0;
    for (const auto& r : points) {
      const int c = static_cast<int>(r[0]);
      const int dim = std::isnan(r[8]) ? 1 : 2;
      klab::blackbox::GpHyper h{r[1] == 0 ? klab::blackbox::KernelKind::SquaredExponential : klab::blackbox::KernelKind::Matern52, r[2], r[3], r[4], r[5]};
      auto it = gps.try_emplace(c, h, dim).first;
      const double x[2] = {r[7], r[8]};
      if (r[6] == 0) {
        REQUIRE(it->second.add(x, r[9]).ok());
        continue;
      }
      double mean, var;
      it->second.predict(x, &mean, &var);
      CAPTURE(c);
      CHECK(std::fabs(mean - r[10]) <= 1e-9);
      CHECK(std::fabs(var - r[11]) <= 1e-9);
      ++tested;
    }
    CHECK(tested >= 100);
    for (const auto& r : lml) {
      CAPTURE(r[0]);
      CHECK(std::fabs(gps.at(static_cast<int>(r[0])).log_marginal_likelihood() - r[1]) <= 1e-9);
    }
  }

  TEST_CASE("claim 1: EI, PI and GP-UCB match their SciPy integrals and tails; the discretised KG matches quadrature, to 1e-9") {
    for (const auto& r : read_csv("acquisition.csv", "mean,sd,best,beta,ei,pi,ucb")) {
      CAPTURE(r[0]);
      CAPTURE(r[1]);
      CAPTURE(r[2]);
      CHECK(std::fabs(klab::blackbox::expected_improvement(r[0], r[1], r[2]) - r[4]) <= 1e-9);
      CHECK(std::fabs(klab::blackbox::probability_of_improvement(r[0], r[1], r[2]) - r[5]) <= 1e-9);
      CHECK(std::fabs(klab::blackbox::upper_confidence_bound(r[0], r[1], r[3]) - r[6]) <= 1e-9);
    }
    std::map<int, std::vector<double>> a, b;
    for (const auto& r : read_csv("kg.csv", "case,a,b")) a[static_cast<int>(r[0])].push_back(r[1]), b[static_cast<int>(r[0])].push_back(r[2]);
    std::vector<int> scratch;
    for (const auto& r : read_csv("kg_value.csv", "case,gain")) {
      const int c = static_cast<int>(r[0]);
      CAPTURE(c);
      CHECK(std::fabs(klab::blackbox::expected_max_gain(a[c].data(), b[c].data(), static_cast<int>(a[c].size()), &scratch) - r[1]) <= 1e-9);
    }
  }

  TEST_CASE("blackbox.bo drawn: the curve equals SciPy's PchipInterpolator to 1e-12") {
    std::map<int, std::vector<double>> xs, ys;
    std::vector<std::vector<double>> queries;
    for (const auto& r : read_csv("pchip.csv", "case,role,x,y")) {
      if (r[1] == 0)
        xs[static_cast<int>(r[0])].push_back(r[2]), ys[static_cast<int>(r[0])].push_back(r[3]);
      else
        queries.push_back(r);
    }
    std::map<int, klab::blackbox::DrawnCurve> curves;
    for (const auto& [c, x] : xs) {
      REQUIRE(klab::blackbox::check_drawn_points(x, ys[c]).ok());
      curves[c] = klab::blackbox::make_drawn_curve(x, ys[c]);
    }
    CHECK(curves.size() >= 8);
    for (const auto& r : queries) {
      CAPTURE(r[0]);
      CAPTURE(r[2]);
      CHECK(std::fabs(klab::blackbox::drawn_value(curves.at(static_cast<int>(r[0])), r[2]) - r[3]) <= 1e-12);
    }
  }
}
