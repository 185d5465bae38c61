// What a batch run writes (core/run_output.hpp): the DESIGN.md shape of summary.json, config.json
// and its way back into parameters, curves.csv, the four files on disk, and the CLI command text.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/catalog.hpp"
#include "core/batch.hpp"
#include "core/result_folder.hpp"
#include "core/run_output.hpp"
#include "small_configs.hpp"
#include "test_util.hpp"

using klab::test::contains;
using nlohmann::json;

namespace {

// A deterministic toy: run r reports r·(k+1) at checkpoint k for series "s,1" and 1 for "s2";
// final "run" = r, final "never" is never reported.
struct OutputToyParams {
  bool flag = false;
  int label = 0;
  double x = 0.25;
  std::vector<double> list;
};

class ToyExperiment final : public klab::ExperimentOf<OutputToyParams, ToyExperiment> {
 public:
  ToyExperiment() : ExperimentOf(table()) {}
  klab::RunLayout layout() const override {
    klab::RunLayout l;
    l.series = {"s,1", "s2"};
    l.axes = {{"x axis", {1, 2, 3}}};
    l.curves = {{"value", 0}};
    l.final_metrics = {"run", "never"};
    l.work_unit = "widgets";
    l.work_per_run = 10.0;
    return l;
  }
  void run(uint64_t, uint32_t run, const klab::RunLayout&, klab::RunRecord& out) const override {
    for (size_t k = 0; k < 3; ++k) {
      out.curve(0, 0, k, static_cast<double>(run) * static_cast<double>(k + 1));
      out.curve(1, 0, k, 1.0);
    }
    out.final(0, 0, run);
    out.final(1, 0, run);
  }
  klab::plot::Figure figure(const klab::BatchResult& r) const override {
    klab::plot::Figure f;
    f.title = "toy over " + std::to_string(r.runs_done) + " runs";
    return f;
  }

 private:
  static std::shared_ptr<const klab::ParamTable<OutputToyParams>> table() {
    auto t = std::make_shared<klab::ParamTable<OutputToyParams>>();
    t->boolean("flag", &OutputToyParams::flag, false);
    t->choice("label", &OutputToyParams::label, 0, {"plain", "a b", "it's", "say \"hi\""});
    t->real("x", &OutputToyParams::x, 0.25, 0.0, 1.0);
    t->real_list("list", &OutputToyParams::list, {1.0, 2.0}, -10.0, 10.0, 1, 3);
    return t;
  }
};

std::set<std::string> keys(const json& object) {
  std::set<std::string> k;
  for (auto it = object.begin(); it != object.end(); ++it) k.insert(it.key());
  return k;
}

klab::BatchResult run_batch(const klab::Experiment& e, uint64_t seed, uint32_t runs) {
  klab::BatchJob job(e.clone(), seed, runs);
  job.run_all(1);
  return job.result();
}

}  // namespace

TEST_CASE("summary.json has exactly the DESIGN.md shape") {
  const klab::Registry catalog = klab::make_catalog();
  for (const klab::DemoInfo& d : catalog.demos()) {
    CAPTURE(d.id);
    auto e = d.make();
    const klab::test::SmallConfig* small = klab::test::small_config(d.id);  // the shape, not the numbers
    REQUIRE(small != nullptr);
    REQUIRE(e->params().set_texts(small->params).ok());
    const klab::BatchResult r = run_batch(*e, 12, 3);  // the shape, not the statistics: 3 runs give a standard error
    const json j = json::parse(klab::summary_json(d.id, e->params(), r));
    CHECK(keys(j) == std::set<std::string>{"demo", "params", "runs", "seed", "series", "timing"});
    CHECK(j["demo"] == d.id);
    CHECK(j["runs"] == 3);
    CHECK(j["seed"] == 12);
    CHECK(j["params"] == klab::params_to_json(e->params()));
    CHECK(keys(j["series"]) == std::set<std::string>(r.layout.series.begin(), r.layout.series.end()));
    for (size_t s = 0; s < r.layout.series.size(); ++s) {
      const json& metrics = j["series"][r.layout.series[s]];
      CHECK(keys(metrics) == std::set<std::string>(r.layout.final_metrics.begin(), r.layout.final_metrics.end()));
      for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) {
        const json& stat = metrics[r.layout.final_metrics[m]];
        CHECK(keys(stat) == std::set<std::string>{"mean", "stderr"});
        if (r.final_stat(s, m).count() == 0) {  // a metric this series does not report (e.g. mdp.learning's evaluators have no regret)
          CHECK(stat["mean"].is_null());
          CHECK(stat["stderr"].is_null());
          continue;
        }
        CHECK(stat["mean"].get<double>() == r.final_stat(s, m).mean());  // written to full precision
        CHECK(stat["stderr"].get<double>() == r.final_stat(s, m).sem());
      }
    }
    const std::string rate = r.layout.work_unit + "_per_second";
    CHECK(keys(j["timing"]) == std::set<std::string>{"seconds", rate});
    CHECK(j["timing"]["seconds"].get<double>() == r.seconds);
    CHECK(j["timing"][rate].get<double>() == r.work_per_second());
  }
}

TEST_CASE("summary.json: a metric no run reported is null; values are exact means and standard errors") {
  ToyExperiment toy;
  const klab::BatchResult r = run_batch(toy, 1, 5);
  const json j = json::parse(klab::summary_json("toy.demo", toy.params(), r));
  CHECK(j["series"]["s,1"]["never"]["mean"].is_null());
  CHECK(j["series"]["s,1"]["never"]["stderr"].is_null());
  // runs 0..4: mean 2, sample variance 2.5, standard error sqrt(2.5/5).
  CHECK(j["series"]["s,1"]["run"]["mean"].get<double>() == 2.0);
  CHECK(j["series"]["s,1"]["run"]["stderr"].get<double>() == doctest::Approx(std::sqrt(0.5)).epsilon(1e-15));
  CHECK(j["series"]["s2"]["run"]["mean"].get<double>() == 2.0);
  CHECK(j["timing"].contains("widgets_per_second"));
}

TEST_CASE("config.json holds everything to rerun; its params read back through params_from_json") {
  const klab::Registry catalog = klab::make_catalog();
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> changes = {
      {"kl.bernoulli", {{"p_hat", "0.123"}, {"n", "77"}, {"t", "1e6"}, {"c", "3"}}},
      {"kl.forward_reverse",
       {{"means", "-1,0.5,3"}, {"sds", "0.3,1,2"}, {"weights", "0.2,0.3,0.5"}, {"estimator", "monte_carlo"}, {"init", "fixed"}}},
      {"kl.categorical", {{"p", "1,2,3"}, {"q", "3,2,1"}, {"alpha", "0.3"}}},
  };
  for (const auto& change : changes) {
    const std::string& id = change.first;
    CAPTURE(id);
    auto a = catalog.find(id)->make();
    REQUIRE(a->params().set_texts(change.second).ok());
    const klab::RunSettings settings{42, 321, 3, klab::Backend::Cpu};
    const json config = json::parse(klab::config_json(id, a->params(), settings));
    CHECK(keys(config) == std::set<std::string>{"demo", "params", "runs", "seed", "threads", "backend", "command"});
    CHECK(config["demo"] == id);
    CHECK(config["runs"] == 321);
    CHECK(config["seed"] == 42);
    CHECK(config["threads"] == 3);
    CHECK(config["backend"] == "cpu");
    CHECK(config["command"] == klab::cli_command(id, a->params(), settings));
    auto b = catalog.find(id)->make();
    REQUIRE(klab::params_from_json(b->params(), config["params"]).ok());
    for (size_t i = 0; i < a->params().specs().size(); ++i) {
      CAPTURE(a->params().specs()[i].key);
      CHECK(b->params().get(i) == a->params().get(i));
    }
    // A config with values different from the defaults really changed b.
    CHECK(klab::params_to_json(b->params()) != klab::params_to_json(catalog.find(id)->make()->params()));
  }
}

TEST_CASE("params_from_json rejects unknown keys and wrong types, naming the key") {
  ToyExperiment toy;
  const struct {
    const char* json_text;
    const char* names;
  } bad[] = {
      {R"({"nope": 1})", "'nope'"},
      {R"({"x": "abc"})", "'x'"},
      {R"({"x": 2})", "'x'"},
      {R"({"x": null})", "'x'"},
      {R"({"x": {"a": 1}})", "'x'"},
      {R"({"x": true})", "'x'"},
      {R"({"x": [0.5]})", "'x'"},
      {R"({"x": "0.5"})", "'x'"},
      {R"({"flag": 1})", "'flag'"},
      {R"({"flag": "true"})", "'flag'"},
      {R"({"label": ["a b"]})", "'label'"},
      {R"({"list": 0.5})", "'list'"},
      {R"({"label": 3})", "'label'"},
      {R"({"label": "unknown"})", "'label'"},
      {R"({"list": [1, true]})", "'list'"},
      {R"({"list": [1, [2]]})", "'list'"},
      {R"({"list": [1, 2, 3, 4]})", "'list'"},
      {R"({"list": "1,x"})", "'list'"},
  };
  for (const auto& b : bad) {
    const std::string text = b.json_text;
    CAPTURE(text);
    const klab::Status s = klab::params_from_json(toy.params(), json::parse(text));
    REQUIRE_FALSE(s.ok());
    CHECK(contains(s.message(), b.names));
    if (text != R"({"nope": 1})") CHECK(contains(s.message(), " must be "));  // with the range text
  }
  CHECK(contains(klab::params_from_json(toy.params(), json::parse(R"({"nope": 1})")).message(), "flag, label, x, list"));
  CHECK_FALSE(klab::params_from_json(toy.params(), json::array()).ok());
  CHECK_FALSE(klab::params_from_json(toy.params(), json(3)).ok());
  // Nothing was changed by the rejected objects; a good one changes everything it names.
  CHECK(toy.p().x == 0.25);
  REQUIRE(klab::params_from_json(toy.params(), json::parse(R"({"x": 0.75, "label": "a b", "list": [3, -4.5], "flag": true})")).ok());
  CHECK(toy.p().flag);
  CHECK(toy.p().x == 0.75);
  CHECK(toy.p().label == 1);
  CHECK(toy.p().list == std::vector<double>{3.0, -4.5});
  // Integers may be written as JSON integers or exact reals.
  auto bern = klab::make_catalog().find("kl.bernoulli")->make();
  REQUIRE(klab::params_from_json(bern->params(), json::parse(R"({"n": 50, "t": 1e5})")).ok());
  CHECK(bern->params().text(static_cast<size_t>(bern->params().find("t"))) == "100000");
  CHECK(contains(klab::params_from_json(bern->params(), json::parse(R"({"n": 2.5})")).message(), "'n'"));
}

TEST_CASE("curves.csv: header, one row per reported point, RFC 4180 quoting") {
  ToyExperiment toy;
  const klab::BatchResult r = run_batch(toy, 1, 5);
  const std::string csv = klab::curves_csv(r);
  std::vector<std::string> lines;
  for (size_t start = 0; start < csv.size();) {
    const size_t end = csv.find('\n', start);
    lines.push_back(csv.substr(start, end - start));
    start = end + 1;
  }
  REQUIRE(lines.size() == 1 + 2 * 3);
  CHECK(lines[0] == "series,metric,x_name,x,mean,stderr,ci95_lo,ci95_hi");
  // Series "s,1" at x = 2: values 0, 2, 4, 6, 8: mean 4, sd sqrt(10), sem sqrt(2), ci95 = t_4·sqrt(2).
  const double sem = std::sqrt(2.0), half = klab::student_t_975(4) * sem;
  CHECK(lines[2] == "\"s,1\",value,x axis,2,4," + klab::format_real(sem) + "," + klab::format_real(4 - half) + "," +
                        klab::format_real(4 + half));
  CHECK(lines[4] == "s2,value,x axis,1,1,0,1,1");
  for (size_t i = 1; i < lines.size(); ++i) {
    // 8 fields: 7 commas outside quotes.
    int commas = 0;
    bool quoted = false;
    for (char c : lines[i]) {
      if (c == '"') quoted = !quoted;
      commas += c == ',' && !quoted;
    }
    CHECK(commas == 7);
  }
}

TEST_CASE("write_run_outputs writes the four files atomically and keeps earlier results") {
  ToyExperiment toy;
  const klab::BatchResult r = run_batch(toy, 1, 5);
  const klab::RunSettings settings{1, 5, 1, klab::Backend::Cpu};
  const std::string dir = klab::test::fresh_dir("run_output_files");
  REQUIRE(klab::write_run_outputs(dir, "toy.demo", toy, settings, r, false).ok());
  std::set<std::string> names;
  for (const std::string& n : klab::test::list_dir(dir)) names.insert(n);
  CHECK(names == std::set<std::string>{"config.json", "summary.json", "curves.csv", "figure.svg"});
  CHECK(klab::test::read_text(dir + "/summary.json") == klab::summary_json("toy.demo", toy.params(), r));
  CHECK(klab::test::read_text(dir + "/curves.csv") == klab::curves_csv(r));
  CHECK(klab::test::read_text(dir + "/config.json") == klab::config_json("toy.demo", toy.params(), settings));
  CHECK(contains(klab::test::read_text(dir + "/figure.svg"), "toy over 5 runs"));

  // A second run into the same directory is refused unless asked to overwrite.
  const klab::BatchResult r2 = run_batch(toy, 2, 7);
  const klab::Status refused = klab::write_run_outputs(dir, "toy.demo", toy, settings, r2, false);
  CHECK_FALSE(refused.ok());
  CHECK(contains(refused.message(), "--overwrite"));
  CHECK(klab::test::read_text(dir + "/summary.json") == klab::summary_json("toy.demo", toy.params(), r));
  REQUIRE(klab::write_run_outputs(dir, "toy.demo", toy, settings, r2, true).ok());
  CHECK(klab::test::read_text(dir + "/summary.json") == klab::summary_json("toy.demo", toy.params(), r2));
  for (const std::string& n : klab::test::list_dir(dir)) CHECK_FALSE(contains(n, ".tmp"));
  CHECK(klab::test::list_dir(dir).size() == 4);

  // Nested directories are created; a path through a file is an error.
  const std::string nested = klab::test::fresh_dir("run_output_nested") + "/a/b";
  REQUIRE(klab::write_run_outputs(nested, "toy.demo", toy, settings, r, true).ok());
  CHECK(klab::test::file_exists(nested + "/summary.json"));
  const klab::Status blocked = klab::write_run_outputs(dir + "/summary.json/sub", "toy.demo", toy, settings, r, true);
  CHECK_FALSE(blocked.ok());
  CHECK(contains(blocked.message(), "summary.json"));
}

TEST_CASE("cli_command names every parameter and shell-quotes values with spaces and quotes") {
  ToyExperiment toy;
  REQUIRE(toy.params().set_texts({{"label", "it's"}}).ok());
  const klab::RunSettings settings{9, 77, 0, klab::Backend::Cpu};
  std::string cmd = klab::cli_command("toy.demo", toy.params(), settings);
  CHECK(cmd == "klab run toy.demo --set flag=false --set 'label=it'\\''s' --set x=0.25 --set list=1,2 --runs 77 --seed 9 --out results/toy.demo");
  REQUIRE(toy.params().set_texts({{"label", "a b"}}).ok());
  CHECK(contains(klab::cli_command("toy.demo", toy.params(), settings), " --set 'label=a b' "));
  REQUIRE(toy.params().set_texts({{"label", "say \"hi\""}}).ok());
  CHECK(contains(klab::cli_command("toy.demo", toy.params(), settings), " --set 'label=say \"hi\"' "));
  CHECK(contains(klab::cli_command("toy.demo", toy.params(), {9, 77, 0, klab::Backend::Cuda}), " --backend cuda "));
}

TEST_CASE("result folders: --overwrite replaces the folder as a whole and leaves nothing beside it") {
  ToyExperiment toy;
  const klab::RunSettings settings{1, 5, 1, klab::Backend::Cpu};
  const std::string parent = klab::test::fresh_dir("result_folder_whole");
  const std::string dir = parent + "/results";
  REQUIRE(klab::write_run_outputs(dir, "toy.demo", toy, settings, run_batch(toy, 1, 5), false).ok());
  const klab::BatchResult r2 = run_batch(toy, 2, 7);
  REQUIRE(klab::write_run_outputs(dir, "toy.demo", toy, settings, r2, true).ok());
  CHECK(klab::test::read_text(dir + "/summary.json") == klab::summary_json("toy.demo", toy.params(), r2));
  // No partial or replaced folder, no lock file: only the result folder (and the parent's own files).
  for (const std::string& n : klab::test::list_dir(parent)) CHECK(n == "results");
  // An empty directory is a valid --out (it is replaced by the results).
  const std::string empty = parent + "/empty";
  mkdir(empty.c_str(), 0755);
  REQUIRE(klab::write_run_outputs(empty, "toy.demo", toy, settings, r2, false).ok());
  CHECK(klab::test::list_dir(empty).size() == 4);
  // A trailing slash names the same folder.
  const klab::Status refused = klab::write_run_outputs(dir + "/", "toy.demo", toy, settings, r2, false);
  CHECK(contains(refused.message(), "already holds results"));
}

TEST_CASE("result folders: a failed publish leaves the folder as it was and no partial folder") {
  ToyExperiment toy;
  const klab::RunSettings settings{1, 5, 1, klab::Backend::Cpu};
  const std::string parent = klab::test::fresh_dir("result_folder_failed");
  const std::string dir = parent + "/results";
  REQUIRE(klab::write_run_outputs(dir, "toy.demo", toy, settings, run_batch(toy, 1, 5), false).ok());
  const std::string before = klab::test::read_text(dir + "/summary.json");
  auto claimed = klab::ResultFolder::claim(dir, true);
  REQUIRE(claimed.ok());
  // The second file cannot be written (a name no result folder holds): nothing changes.
  const klab::Status s = claimed.value()->publish({{"summary.json", "new"}, {"notes.txt", "x"}});
  REQUIRE_FALSE(s.ok());
  CHECK(contains(s.message(), "is unchanged"));
  CHECK(klab::test::read_text(dir + "/summary.json") == before);
  claimed.value().reset();  // releases the lock
  for (const std::string& n : klab::test::list_dir(parent)) CHECK(n == "results");
}

#ifndef __EMSCRIPTEN__  // node's file system has no flock (Emscripten's succeeds without locking)
TEST_CASE("result folders: a second claim on the same folder is refused while the first holds it") {
  const std::string parent = klab::test::fresh_dir("result_folder_lock");
  const std::string dir = parent + "/results";
  auto first = klab::ResultFolder::claim(dir, false);
  REQUIRE(first.ok());
  auto second = klab::ResultFolder::claim(dir, false);
  REQUIRE_FALSE(second.ok());
  CHECK(contains(second.error(), "another klab run is writing to '" + dir + "'"));
  first.value().reset();
  CHECK(klab::ResultFolder::claim(dir, false).ok());  // free again once the first is gone
}
#endif

TEST_CASE("result folders: a folder that cannot be written beside is refused at the claim") {
  if (geteuid() == 0) {
    MESSAGE("skipped: running as root, permissions do not apply (tests/cli/out_checked_before_work.sh uses a read-only mount)");
    return;
  }
  const std::string parent = klab::test::fresh_dir("result_folder_readonly");
  const std::string locked = parent + "/locked";
  mkdir(locked.c_str(), 0555);
  chmod(locked.c_str(), 0555);
  auto claimed = klab::ResultFolder::claim(locked + "/results", false);
  CHECK_FALSE(claimed.ok());
  CHECK(contains(claimed.error(), "Permission denied"));
  chmod(locked.c_str(), 0755);
}

TEST_CASE("the cluster script runs the CLI command under srun on the chosen number of tasks, resumably") {
  const klab::Registry catalog = klab::make_catalog();
  auto e = catalog.find("bandits.regret")->make();
  REQUIRE(e->params().set_texts({{"horizon", "5000"}}).ok());
  klab::RunSettings settings;
  settings.runs = 100000;
  settings.seed = 7;
  const std::string script = klab::cluster_script("bandits.regret", e->params(), settings, 128);
  CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(script.find("#SBATCH --ntasks=128\n") != std::string::npos);
  CHECK(script.find("#SBATCH --signal=TERM@120\n") != std::string::npos);  // the checkpoint before the time limit
  CHECK(script.find("#SBATCH --requeue\n") != std::string::npos);
  const std::string srun = "\nsrun " + klab::cli_command("bandits.regret", e->params(), settings) + " --threads 1 --resume\n";
  CHECK(script.find(srun) != std::string::npos);
  // Tasks are clamped to [1, kMaxClusterTasks]; a CUDA setting asks Slurm for one GPU per task and keeps --backend cuda.
  CHECK(klab::cluster_script("bandits.regret", e->params(), settings, 0).find("--ntasks=1\n") != std::string::npos);
  CHECK(script.find("--gpus-per-task") == std::string::npos);
  settings.backend = klab::Backend::Cuda;
  const std::string cuda = klab::cluster_script("bandits.regret", e->params(), settings, 4);
  CHECK(cuda.find("#SBATCH --gpus-per-task=1\n") != std::string::npos);
  CHECK(cuda.find("#SBATCH --cpus-per-task=8\n") != std::string::npos);
  CHECK(cuda.find("\nsrun " + klab::cli_command("bandits.regret", e->params(), settings) + " --resume\n") != std::string::npos);
  CHECK(contains(cuda, " --backend cuda "));
}
