// The mdp chapter's experiments and learners: `klab run mdp.<demo>` writes the four files, a JSON
// world loads through mdp_file (and a bad one exits 2 naming the field), the parameter rules, the
// eligibility traces' structure (on-policy RBIS is Retrace; λ = 0 makes all three one-step), the
// live view's stepper TraceEvaluator against the batch's numbers, the
// switching policies of StepMix against exact evaluation, and UCBVI's bonus.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli.hpp"
#include "core/batch.hpp"
#include "mdp/conservative.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/learning_experiment.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/presets.hpp"
#include "mdp/trace_evaluator.hpp"
#include "test_util.hpp"

using klab::test::contains;

namespace {

struct CliResult {
  int rc;
  std::string out, err;
};

CliResult cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int rc = klab::cli_main(args, out, err);
  return {rc, out.str(), err.str()};
}

void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

}  // namespace

TEST_CASE("klab run mdp.<demo> writes the four files; mdp_file loads a JSON world and a bad one exits 2 naming the field") {
  const std::string dir = klab::test::fresh_dir("mdp_cli");
  const struct {
    const char* demo;
    std::vector<std::string> sets;
  } small[] = {
      {"mdp.planning", {"--set", "iterations=20", "--set", "size=12"}},
      {"mdp.learning", {"--set", "episodes=40", "--set", "horizon=6"}},
      {"mdp.constrained", {"--set", "iterations=10", "--set", "episodes=20"}},
      {"mdp.safe_meta", {"--set", "meta_iterations=5", "--set", "test_tasks=3", "--set", "train_tasks=3"}},
      {"mdp.irl", {"--set", "n_max=100", "--set", "points=4"}},
      {"mdp.robust", {"--set", "points=3", "--set", "iterations=3"}},
  };
  for (const auto& c : small) {
    CAPTURE(c.demo);
    const std::string out = klab::test::fresh_dir(std::string("mdp_cli_") + c.demo);
    std::vector<std::string> args = {"run", c.demo, "--runs", "3", "--out", out, "--quiet"};
    args.insert(args.end(), c.sets.begin(), c.sets.end());
    const CliResult r = cli(args);
    CHECK_MESSAGE(r.rc == 0, r.err);
    for (const char* f : {"config.json", "summary.json", "curves.csv", "figure.svg"}) CHECK(klab::test::file_exists(out + "/" + f));
  }
  // A gridworld file (what the browser editor will save) runs in mdp.planning and is named in the figure.
  klab::mdp::GridSpec g;
  g.rows = {"S..#", "..H.", "#..G"};
  g.slip = 0.1;
  write_file(dir + "/maze.json", klab::mdp::gridworld_to_json(g));
  const std::string out = klab::test::fresh_dir("mdp_cli_file");
  const CliResult ok = cli({"run", "mdp.planning", "--set", "mdp_file=" + dir + "/maze.json", "--set", "iterations=30", "--runs", "2", "--out", out, "--quiet"});
  CHECK_MESSAGE(ok.rc == 0, ok.err);
  CHECK(contains(klab::test::read_text(out + "/figure.svg"), "file maze.json"));
  const nlohmann::json config = nlohmann::json::parse(klab::test::read_text(out + "/config.json"));
  CHECK(config["params"]["mdp_file"] == dir + "/maze.json");
  // The saved config reruns the same file.
  const std::string again = klab::test::fresh_dir("mdp_cli_file_again");
  CHECK(cli({"run", "--config", out + "/config.json", "--out", again, "--quiet"}).rc == 0);
  // Bad files: the message names the file's field; nothing is written.
  write_file(dir + "/bad.json", R"({"format": "klab.mdp", "version": 1, "states": 1, "discount": 1.2, "start": [[0, 1]],
                                   "actions": [[{"reward": 0, "next": [[0, 1]]}]]})");
  const std::string none = klab::test::fresh_dir("mdp_cli_bad");
  for (const auto& [file, says] : {std::pair{dir + "/bad.json", std::string("bad.json: discount: must be in [0, 1)")},
                                   std::pair{dir + "/missing.json", "parameter 'mdp_file': cannot read the MDP file '" + dir +
                                                                        "/missing.json': No such file or directory"},
                                   std::pair{dir, "parameter 'mdp_file': cannot read the MDP file '" + dir + "': it is a directory"}}) {
    const CliResult bad = cli({"run", "mdp.learning", "--set", "mdp_file=" + file, "--out", none});
    CHECK(bad.rc == 2);
    CHECK(contains(bad.err, says));
    CHECK_FALSE(klab::test::file_exists(none + "/summary.json"));
  }
}

TEST_CASE("mdp parameter rules: sizes beyond the bounds and Taylor's γ_e ≥ γ are refused with the parameter named") {
  klab::mdp::PlanningExperiment plan;
  CHECK(contains(plan.params().set_texts({{"size", "10000"}, {"actions", "64"}, {"branching", "64"}}).message(), "transitions; the limit is 4000000"));
  CHECK(contains(plan.params().set_texts({{"methods", "vi,taylor_pi"}, {"taylor_gamma", "0.97"}}).message(), "parameter 'taylor_gamma' must be below gamma"));
  CHECK(plan.params().set_texts({{"methods", "vi"}, {"taylor_gamma", "0.97"}}).ok());  // unused without taylor_pi
  klab::mdp::LearningExperiment learn;
  CHECK(contains(learn.params().set_texts({{"world", "random"}, {"size", "1000"}, {"actions", "64"}, {"horizon", "200"}}).message(), "horizon × pairs"));
  CHECK(contains(learn.params().set_texts({{"mdp_file", "/no/such.json"}}).message(), "cannot read the MDP file '/no/such.json'"));
}

TEST_CASE("eligibility traces: on-policy RBIS is Retrace; at λ = 0 Retrace, tree backup and RBIS coincide") {
  klab::mdp::LearningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "retrace,tree_backup,rbis"}, {"episodes", "200"}, {"target_eps", "0.5"}, {"behaviour_eps", "0.5"}}).ok());
  klab::BatchJob job(e.clone(), 3, 4);
  job.run_all(1);
  const klab::BatchResult r = job.result();
  const auto final = [&](const char* s) { return r.final_stat(static_cast<size_t>(r.layout.find_series(s)), static_cast<size_t>(r.layout.find_final("ope_error"))).mean(); };
  CHECK(final("retrace") == final("rbis"));   // ρ = 1: min(1, ρ)·β and min(λ^{t−k}, ρβ) are both λ^{t−k}
  CHECK(final("retrace") != final("tree_backup"));
  const int vs = r.layout.find_curve("ope_error_vs_lambda");
  const auto at0 = [&](const char* s) { return r.curve_stat(static_cast<size_t>(r.layout.find_series(s)), static_cast<size_t>(vs), 0).mean(); };
  CHECK(klab::mdp::trace_lambdas()[0] == 0.0);
  CHECK(at0("retrace") == at0("tree_backup"));
  CHECK(at0("retrace") == at0("rbis"));
}

TEST_CASE("TraceEvaluator stepped episode by episode (the live view) gives the batch's run 1 curves, final errors and λ sweep exactly") {
  using namespace klab::mdp;
  LearningExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "retrace,tree_backup,rbis"}, {"episodes", "60"}, {"horizon", "8"}, {"lambda", "0.7"}}).ok());
  const uint64_t seed = 11;
  klab::BatchJob job(e.clone(), seed, 1);
  job.run_all(1);
  const klab::BatchResult r = job.result();
  const auto w = e.world_for(seed, 0);
  REQUIRE(w.ok());
  const EpisodicProblem problem(w.value()->mdp, 8, 1.0);
  const OffPolicyTask task = off_policy_task(problem, 0.1, 0.5);
  const std::vector<double>& ks = r.layout.axes[0].x;
  const size_t curve = static_cast<size_t>(r.layout.find_curve("ope_error"));
  const size_t final = static_cast<size_t>(r.layout.find_final("ope_error"));
  const size_t vs_lambda = static_cast<size_t>(r.layout.find_curve("ope_error_vs_lambda"));
  for (size_t m = 0; m < 3; ++m) {
    CAPTURE(m);
    const TraceMethod method = std::get<TraceMethod>(learning_method(r.layout.series[m]));
    TraceEvaluator ev(problem, task, method, 0.7, 0.2, seed, 0);
    size_t checked = 0;
    for (size_t i = 0; i < ks.size(); ++i) {
      while (ev.episodes_done() < static_cast<uint32_t>(ks[i])) ev.run_episode();
      CHECK(ev.error() == r.curve_stat(m, curve, i).mean());
      ++checked;
    }
    CHECK(checked > 10);
    CHECK(ev.episodes_done() == 60u);
    CHECK(ev.error() == r.final_stat(m, final).mean());
    for (size_t k = 0; k < trace_lambdas().size(); ++k) {  // the live view's λ sweep, run as the view runs it
      TraceEvaluator at(problem, task, method, trace_lambdas()[k], 0.2, seed, 0);
      while (at.episodes_done() < 60u) at.run_episode();
      CHECK(at.error() == r.curve_stat(m, vs_lambda, k).mean());
    }
  }
}

TEST_CASE("StepMix's switching policy: τ = 0 is the baseline, τ = H the optimistic policy, both evaluated exactly") {
  using namespace klab::mdp;
  klab::Rng rng(5, 0, 0);
  const Mdp world = random_mdp(8, 3, 3, rng);
  const EpisodicProblem problem(world, 7, 1.0);
  const Policy base = problem.noisy_optimal_policy(0.4);
  const FiniteValues bv = evaluate_finite(problem.scaled, base, problem.scaled.reward);
  std::vector<int> greedy(static_cast<size_t>(7 * 8));
  for (size_t i = 0; i < greedy.size(); ++i) greedy[i] = static_cast<int>(rng.below(3));
  std::vector<double> v(static_cast<size_t>(8 * 8));
  CHECK(switching_value(problem.task, nullptr, 0, 0, bv.v.data(), greedy.data(), 0.0, v.data()) == doctest::Approx(problem.value(base)).epsilon(1e-13));
  Policy det(static_cast<size_t>(7) * problem.scaled.pairs(), 0.0);
  for (int h = 0; h < 7; ++h)
    for (int s = 0; s < 8; ++s) det[static_cast<size_t>(h) * problem.scaled.pairs() + problem.scaled.first_pair[s] + greedy[static_cast<size_t>(h) * 8 + s]] = 1.0;
  CHECK(switching_value(problem.task, nullptr, 0, 0, bv.v.data(), greedy.data(), 7.0, v.data()) == doctest::Approx(problem.value(det)).epsilon(1e-13));
  // Switching after two and a half steps: greedy at steps 0 and 1, a half-half mixture at step 2, then π_b.
  Policy mixed = base;
  for (int h = 0; h < 3; ++h)
    for (int i = 0; i < problem.scaled.pairs(); ++i) {
      const size_t at = static_cast<size_t>(h) * problem.scaled.pairs() + i;
      mixed[at] = h < 2 ? det[at] : 0.5 * det[at] + 0.5 * base[at];
    }
  CHECK(switching_value(problem.task, nullptr, 0, 0, bv.v.data(), greedy.data(), 2.5, v.data()) == doctest::Approx(problem.value(mixed)).epsilon(1e-13));
  // UCBVI-CH's bonus c·7HL/√N.
  CHECK(ucbvi_bonus(problem.task, 1.0, 3.0, 4) == doctest::Approx(7.0 * 7 * 3.0 / 2.0));
}
