// Known answers computed independently with SciPy (tests/reference/make_references.py, run by
// ctest's reference_generate fixture into $KLAB_REFERENCE_DIR):
//   kl_ucb.csv     p, level, upper, lower  (scipy.optimize.brentq on kl(p, q) - level, xtol 1e-15)
//   student_t.csv  df, t975                (scipy.stats.t.ppf(0.975, df))
//   mdp_<k>.json, mdp_vstar.csv, mdp_cmdp.csv  random MDPs and their LP optima (scipy.optimize.linprog,
//                  HiGHS dual simplex): V*, the greedy policy, the CMDP optimum at a budget (issue 7, claim 1)
// A missing directory or file fails the suite: a reference check must never pass by not running.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/divergences.hpp"
#include "core/stats.hpp"
#include "mdp/lp.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/value_iteration.hpp"

namespace {

// The rows of a numeric CSV with the expected header; fails the test on any problem.
std::vector<std::vector<double>> read_reference(const std::string& name, const std::string& header) {
  std::vector<std::vector<double>> rows;
  const char* dir = std::getenv("KLAB_REFERENCE_DIR");
  if (!dir || !*dir) {
    FAIL("KLAB_REFERENCE_DIR is not set: run the 'reference' ctest (it generates the SciPy references with "
         "tests/reference/make_references.py), or set it to that script's output directory");
  }
  const std::string folder(dir), path = folder + "/" + name;
  std::ifstream in(path);
  if (!in) FAIL("cannot read the SciPy reference file '" << path << "' (generate it with /usr/bin/python3 "
                "tests/reference/make_references.py " << folder << ")");
  std::string line;
  std::getline(in, line);
  REQUIRE_MESSAGE(line == header, path << ": unexpected header '" << line << "'");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) {
      char* end = nullptr;
      row.push_back(std::strtod(field.c_str(), &end));
      REQUIRE_MESSAGE(*end == '\0', path << ": bad number '" << field << "'");
    }
    rows.push_back(row);
  }
  REQUIRE_MESSAGE(!rows.empty(), path << " has no rows");
  return rows;
}

}  // namespace

TEST_SUITE("reference") {
  TEST_CASE("kl_bernoulli_upper/lower match SciPy's brentq roots to 1e-9") {
    const auto rows = read_reference("kl_ucb.csv", "p,level,upper,lower");
    CHECK(rows.size() >= 100);
    for (const auto& r : rows) {
      REQUIRE(r.size() == 4);
      CAPTURE(r[0]);
      CAPTURE(r[1]);
      CHECK(std::fabs(klab::kl_bernoulli_upper(r[0], r[1]) - r[2]) <= 1e-9);
      CHECK(std::fabs(klab::kl_bernoulli_lower(r[0], r[1]) - r[3]) <= 1e-9);
    }
  }

  TEST_CASE("student_t_975 matches scipy.stats.t.ppf(0.975, df)") {
    const auto rows = read_reference("student_t.csv", "df,t975");
    CHECK(rows.size() >= 40);
    for (const auto& r : rows) {
      REQUIRE(r.size() == 2);
      CAPTURE(r[0]);
      // The table holds 6 significant digits up to 30 degrees of freedom; beyond, a Cornish–Fisher
      // expansion accurate to a few 1e-6.
      CHECK(std::fabs(klab::student_t_975(r[0]) - r[1]) <= (r[0] <= 30 ? 1e-4 : 2e-5));
    }
  }

  TEST_CASE("mdp claim 1: VI, PI and our simplex agree with SciPy's linprog on V*, the greedy policy and the CMDP optimum") {
    const auto vstar = read_reference("mdp_vstar.csv", "mdp,state,v_star,greedy");
    const auto cmdp = read_reference("mdp_cmdp.csv", "mdp,budget,value");
    REQUIRE(cmdp.size() == 4);
    const std::string dir = std::getenv("KLAB_REFERENCE_DIR");
    for (const auto& row : cmdp) {
      const int k = static_cast<int>(row[0]);
      CAPTURE(k);
      const klab::Expected<klab::mdp::World> w = klab::mdp::load_world_file(dir + "/mdp_" + std::to_string(k) + ".json");
      REQUIRE_MESSAGE(w.ok(), w.error());
      const klab::mdp::Mdp& m = w.value().mdp;
      const klab::mdp::Optimum pi = klab::mdp::solve_optimal(m);
      const Eigen::VectorXd vi = klab::mdp::value_iteration(m, 1e-13, 1000000);
      const klab::mdp::OccupancySolution lp = klab::mdp::solve_occupancy_lp(m, nullptr);
      REQUIRE(lp.status == klab::mdp::LpStatus::Optimal);
      const std::vector<int> greedy_pi = klab::mdp::greedy_actions(m, pi.q), greedy_vi = klab::mdp::greedy_actions(m, klab::mdp::q_from_v(m, vi, m.reward));
      int states = 0;
      for (const auto& v : vstar) {
        if (static_cast<int>(v[0]) != k) continue;
        const int s = static_cast<int>(v[1]);
        CAPTURE(s);
        CHECK(std::fabs(pi.v[s] - v[2]) <= 1e-8);
        CHECK(std::fabs(vi[s] - v[2]) <= 1e-8);
        CHECK(std::fabs(lp.v[s] - v[2]) <= 1e-8);
        CHECK(greedy_pi[static_cast<size_t>(s)] == static_cast<int>(v[3]));
        CHECK(greedy_vi[static_cast<size_t>(s)] == static_cast<int>(v[3]));
        ++states;
      }
      CHECK(states == m.states);
      const double budget = row[1];
      const klab::mdp::OccupancySolution c = klab::mdp::solve_occupancy_lp(m, &budget);
      REQUIRE(c.status == klab::mdp::LpStatus::Optimal);
      CHECK(std::fabs(c.reward - row[2]) <= 1e-8);
    }
  }
}
