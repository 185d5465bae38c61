// The `klab` command line, in process (klab::cli_main with string streams): listing, per-demo
// help, bad input (exit 2, a message naming the flag or parameter and its range), the CUDA
// backend where none exists, determinism, reruns from config.json, --overwrite, and "did you mean"
// for near-miss demo ids, commands, options, keys, choices and config fields.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/catalog.hpp"
#include "app/cli.hpp"
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

// summary.json without its "timing" object (the only part that may differ between reruns).
nlohmann::json summary_without_timing(const std::string& dir) {
  nlohmann::json j = nlohmann::json::parse(klab::test::read_text(dir + "/summary.json"));
  REQUIRE(j.contains("timing"));
  j.erase("timing");
  return j;
}

}  // namespace

TEST_CASE("klab list shows every chapter and demo; no arguments print the usage and fail") {
  const CliResult r = cli({"list"});
  CHECK(r.rc == 0);
  const klab::Registry catalog = klab::make_catalog();
  for (const klab::ChapterInfo& c : catalog.chapters()) CHECK(contains(r.out, c.id + " — " + c.title));
  for (const klab::DemoInfo& d : catalog.demos()) {
    CHECK(contains(r.out, d.id));
    CHECK(contains(r.out, d.summary));
  }
  const CliResult none = cli({});
  CHECK(none.rc == 2);
  CHECK(contains(none.err, "usage:"));
  const CliResult help = cli({"--help"});
  CHECK(help.rc == 0);
  CHECK(contains(help.out, "klab run <demo-id>"));
  const CliResult unknown = cli({"frobnicate"});
  CHECK(unknown.rc == 2);
  CHECK(contains(unknown.err, "unknown command 'frobnicate'"));
}

TEST_CASE("klab run <id> --help lists every parameter with its default and range") {
  const klab::Registry catalog = klab::make_catalog();
  for (const klab::DemoInfo& d : catalog.demos()) {
    CAPTURE(d.id);
    const CliResult r = cli({"run", d.id, "--help"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, d.title));
    for (const std::string& paper : d.papers) CHECK(contains(r.out, paper));
    auto e = d.make();
    for (size_t i = 0; i < e->params().specs().size(); ++i) {
      const klab::ParamSpec& s = e->params().specs()[i];
      CAPTURE(s.key);
      CHECK(contains(r.out, "--set " + s.key + "=" + e->params().text(i)));
      CHECK(contains(r.out, "(" + klab::describe_range(s) + ")"));
      CHECK(contains(r.out, s.help));
    }
  }
}

TEST_CASE("bad input exits 2 with a message naming the flag or parameter and its range") {
  const std::string out = klab::test::fresh_dir("cli_bad_input");
  const struct {
    std::vector<std::string> args;
    std::vector<std::string> says;
  } cases[] = {
      {{"--frobnicate"}, {"unknown option '--frobnicate'"}},
      {{"--runs", "0"}, {"--runs must be an integer in [1, 10000000]", "(got '0')"}},
      {{"--runs", "abc"}, {"--runs must be an integer in [1, 10000000]", "(got 'abc')"}},
      {{"--runs", "1e9"}, {"--runs must be an integer in [1, 10000000]", "(got '1e9')"}},
      {{"--runs", "2.5"}, {"--runs must be an integer in [1, 10000000]"}},
      {{"--runs"}, {"--runs needs a value"}},
      {{"--seed", "-1"}, {"--seed must be an integer in [0, 18446744073709551615]", "(got '-1')"}},
      {{"--seed", "18446744073709551616"}, {"--seed must be an integer in [0, 18446744073709551615]"}},
      {{"--threads", "5000"}, {"--threads must be an integer in [0, 1024]", "(got '5000')"}},
      {{"--backend", "gpu"}, {"--backend must be one of cpu, cuda", "(got 'gpu')"}},
      {{"--set", "p_hat"}, {"--set needs key=value", "(got 'p_hat')"}},
      {{"--set", "=0.5"}, {"--set needs key=value"}},
      {{"--set", "zz=1"}, {"unknown parameter 'zz'", "(this demo has: p_hat, n, t, c, p_true, samples)"}},
      {{"--set", "p_hat=1.5"}, {"parameter 'p_hat' must be a real number in [0, 1]", "(got '1.5')"}},
      {{"--set", "n=0"}, {"parameter 'n' must be an integer in [1, 100000]", "(got '0')"}},
      {{"--set", "samples=1e7"}, {"parameter 'samples' must be an integer in [1, 1000000]"}},
      {{"extra"}, {"unexpected argument 'extra'"}},
      {{"--config", out + "/missing.json"}, {"--config '" + out + "/missing.json': cannot read it"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "kl.bernoulli"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    if (c.args[0] != "--runs" || c.args.size() > 1) args.insert(args.end(), {"--out", out});
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    CAPTURE(joined);
    const CliResult r = cli(args);
    CHECK(r.rc == 2);
    CAPTURE(r.err);
    for (const std::string& s : c.says) CHECK(contains(r.err, s));
  }
  // Without --out, an unknown demo, no demo.
  CliResult r = cli({"run", "kl.bernoulli", "--runs", "3"});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "--out DIR is required"));
  r = cli({"run", "kl.nope", "--out", out});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "unknown demo 'kl.nope' (available: kl.bernoulli, kl.forward_reverse, kl.categorical"));
  r = cli({"run", "--out", out});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "which demo?"));
  // Nothing was written by any of them.
  CHECK(klab::test::list_dir(out).empty());
}

TEST_CASE("--backend cuda fails clearly where there is no CUDA engine or GPU") {
  const std::string out = klab::test::fresh_dir("cli_cuda");
  for (const char* id : {"kl.bernoulli", "kl.forward_reverse", "kl.categorical"}) {
    const CliResult r = cli({"run", id, "--backend", "cuda", "--runs", "2", "--out", out});
    CAPTURE(r.err);
    CHECK(r.rc != 0);
    CHECK(contains(r.err, "cuda"));
    CHECK((contains(r.err, "no CUDA engine") || contains(r.err, "without CUDA") || contains(r.err, "GPU") ||
           contains(r.err, "device")));
  }
  CHECK_FALSE(klab::test::file_exists(out + "/summary.json"));
}

TEST_CASE("determinism: the same seed twice gives the same summary.json; --config reruns it; --overwrite") {
  const std::string a = klab::test::fresh_dir("cli_seed7_a"), b = klab::test::fresh_dir("cli_seed7_b");
  const std::string c = klab::test::fresh_dir("cli_seed7_config"), d = klab::test::fresh_dir("cli_seed8");
  // Fewer steps and runs than the defaults keep this fast; thread counts differ on purpose.
  const std::vector<std::string> base = {"run", "kl.forward_reverse", "--seed", "7", "--runs", "10", "--set", "steps=8", "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  CliResult r = with({"--threads", "1", "--out", a});
  REQUIRE(r.rc == 0);
  CHECK(r.out.empty());  // --quiet
  r = with({"--threads", "3", "--out", b});
  REQUIRE(r.rc == 0);
  for (const char* f : {"config.json", "summary.json", "curves.csv", "figure.svg"}) CHECK(klab::test::file_exists(a + "/" + f));
  const nlohmann::json sa = summary_without_timing(a);
  CHECK(sa == summary_without_timing(b));
  CHECK(sa["seed"] == 7);
  CHECK(sa["runs"] == 10);
  CHECK(sa["params"]["steps"] == 8);
  CHECK(klab::test::read_text(a + "/curves.csv") == klab::test::read_text(b + "/curves.csv"));

  // Another seed gives another result.
  REQUIRE(cli({"run", "kl.forward_reverse", "--seed", "8", "--runs", "10", "--set", "steps=8", "--quiet", "--out", d}).rc == 0);
  CHECK(summary_without_timing(d) != sa);

  // --config reruns exactly what config.json describes (demo, params, runs, seed).
  r = cli({"run", "--config", a + "/config.json", "--out", c});
  REQUIRE(r.rc == 0);
  CHECK(contains(r.out, "wrote " + c));
  CHECK(summary_without_timing(c) == sa);
  // ... and --set overrides it; a mismatching demo id is refused.
  r = cli({"run", "--config", a + "/config.json", "--set", "lr=0.05", "--out", c, "--overwrite", "--quiet"});
  REQUIRE(r.rc == 0);
  CHECK(summary_without_timing(c)["params"]["lr"] == 0.05);
  r = cli({"run", "kl.bernoulli", "--config", a + "/config.json", "--out", c});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "does not match the config's demo 'kl.forward_reverse'"));

  // Results already in a directory are kept unless --overwrite.
  const std::string before = klab::test::read_text(a + "/summary.json");
  r = cli({"run", "kl.forward_reverse", "--seed", "8", "--runs", "10", "--set", "steps=8", "--quiet", "--out", a});
  CHECK(r.rc == 2);  // an unusable --out is bad input, found before any work
  CHECK(contains(r.err, "already holds results"));
  CHECK(contains(r.err, "--overwrite"));
  CHECK(klab::test::read_text(a + "/summary.json") == before);
  r = cli({"run", "kl.forward_reverse", "--seed", "8", "--runs", "10", "--set", "steps=8", "--quiet", "--out", a,
           "--overwrite"});
  CHECK(r.rc == 0);
  CHECK(summary_without_timing(a) == summary_without_timing(d));
}

TEST_CASE("one precedence rule: flags override the config field by field; defaults come from the demo") {
  const std::string dir = klab::test::fresh_dir("cli_precedence");
  const std::string config = dir + "/config.json";
  auto write_config = [&](const std::string& fields) {
    klab::test::write_text(config, R"({"demo": "kl.forward_reverse", "params": {"steps": 4}, )" + fields + "}");
  };
  auto run = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--config", config, "--quiet", "--out", dir + "/" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  auto written = [&](const std::string& name, const char* file) {
    return nlohmann::json::parse(klab::test::read_text(dir + "/" + name + "/" + file));
  };
  // --seed overrides the config's seed (it used to be ignored), as --runs does.
  write_config(R"("seed": 7, "runs": 20, "threads": 3, "backend": "cpu")");
  CliResult r = run("seed_flag", {"--seed", "8", "--runs", "10"});
  REQUIRE(r.rc == 0);
  CHECK(written("seed_flag", "summary.json")["seed"] == 8);
  CHECK(written("seed_flag", "summary.json")["runs"] == 10);
  // threads and backend from the config are applied (they used to be ignored); flags override them.
  CHECK(written("seed_flag", "config.json")["threads"] == 3);
  REQUIRE(run("threads_flag", {"--threads", "1"}).rc == 0);
  CHECK(written("threads_flag", "config.json")["threads"] == 1);
  CHECK(written("threads_flag", "summary.json")["seed"] == 7);
  // --set overrides the config's parameter of the same name.
  REQUIRE(run("set_flag", {"--set", "steps=6"}).rc == 0);
  CHECK(written("set_flag", "summary.json")["params"]["steps"] == 6);
  write_config(R"("seed": 7, "runs": 20, "backend": "cuda")");
  r = run("cuda", {});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "--backend cuda: demo 'kl.forward_reverse' has no CUDA engine"));
  REQUIRE(run("cpu_flag", {"--backend", "cpu"}).rc == 0);
  CHECK(written("cpu_flag", "config.json")["backend"] == "cpu");
  // A config without runs runs the demo's default number of runs (not 100).
  klab::test::write_text(config, R"({"demo": "alignment.nash", "params": {"iterations": 4, "samples": 8}})");
  REQUIRE(run("nash_default", {}).rc == 0);
  const uint32_t nash_runs = klab::make_catalog().find("alignment.nash")->default_runs;
  REQUIRE(nash_runs != 100);
  CHECK(written("nash_default", "summary.json")["runs"] == nash_runs);
  // "runs": 1e3 is read like --runs 1e3.
  write_config(R"("runs": 1e3, "seed": 1.5e1)");
  REQUIRE(run("exponent", {}).rc == 0);
  CHECK(written("exponent", "summary.json")["runs"] == 1000);
  CHECK(written("exponent", "summary.json")["seed"] == 15);
  // "command" is informational: not applied, whatever it says, but it must be a string.
  write_config(R"("runs": 10, "command": "klab run kl.bernoulli --runs 5")");
  REQUIRE(run("command", {}).rc == 0);
  CHECK(written("command", "summary.json")["demo"] == "kl.forward_reverse");
  CHECK(written("command", "summary.json")["runs"] == 10);
}

TEST_CASE("a config is applied or refused field by field, with messages naming the field") {
  const std::string dir = klab::test::fresh_dir("cli_config_refusals");
  const std::string config = dir + "/config.json";
  const struct {
    std::string json;
    std::string says;
  } bad[] = {
      {R"({"demo": "kl.bernoulli", "sead": 7})", "unknown field 'sead'; did you mean 'seed'? (a config holds demo, params, runs, seed, threads, backend, command)"},
      {R"({"demo": "kl.bernoulli", "runs": "1000"})", "\"runs\" must be a number (got a JSON string)"},
      {R"({"demo": "kl.bernoulli", "runs": 0})", "\"runs\" must be an integer in [1, 10000000] (got '0')"},
      {R"({"demo": "kl.bernoulli", "runs": 100000.0000000000001})", "which is not a whole number"},
      {R"({"demo": "kl.bernoulli", "runs": 1e300})", "\"runs\" must be an integer in [1, 10000000] (got '1e300')"},
      {R"({"demo": "kl.bernoulli", "seed": -1})", "\"seed\" must be an integer in [0, 18446744073709551615]"},
      {R"({"demo": "kl.bernoulli", "threads": 5000})", "\"threads\" must be an integer in [0, 1024]"},
      {R"({"demo": "kl.bernoulli", "backend": "gpu"})", "\"backend\" must be one of cpu, cuda (got 'gpu')"},
      {R"({"demo": "kl.bernoulli", "command": 5})", "\"command\" must be a string"},
      {R"({"demo": "kl.bernoulli", "seed": 1, "seed": 2})", "the key 'seed' appears twice"},
      {R"({"demo": "kl.bernoulli", "params": {"p_hat": 0.3, "p_hat": 0.9}})", "the key 'p_hat' appears twice in the same object (in params)"},
      {R"({"demo": "kl.bernoulli", "params": {"p_hat": 1e-400}})", "parameter 'p_hat' must be a real number in [0, 1] (got '1e-400', which is not zero but rounds to zero"},
      {R"({"demo": "kl.bernoulli", "params": {"n": 100000.0000000000001}})", "parameter 'n' must be an integer in [1, 100000] (got '100000.0000000000001', which is not a whole number)"},
      {R"({"demo": "kl.bernoulli", "params": [1]})", "\"params\" must be an object"},
      {R"({"params": {}})", "missing \"demo\""},
      {R"([1, 2])", "must be a JSON object"},
      {R"({"demo": "kl.bernoulli",)", "syntax error"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.json);
    klab::test::write_text(config, b.json);
    const CliResult r = cli({"run", "--config", config, "--out", dir + "/out"});
    CHECK(r.rc == 2);
    CAPTURE(r.err);
    CHECK(contains(r.err, "klab run: --config '" + config + "': "));
    CHECK(contains(r.err, b.says));
  }
  CHECK_FALSE(klab::test::file_exists(dir + "/out"));
}

TEST_CASE("a deeply nested or huge config gets a message, not a crash (limits before any parsing)") {
  const std::string dir = klab::test::fresh_dir("cli_config_limits");
  const std::string config = dir + "/config.json";
  // The issue's file (10^6 levels, 2 MB) is over the size limit; 10^5 levels (200 KB) over the depth limit.
  for (size_t depth : {1000000, 100000}) {
    CAPTURE(depth);
    klab::test::write_text(config, R"({"demo":"kl.bernoulli","params":)" + std::string(depth, '[') + std::string(depth, ']') + "}");
    const CliResult r = cli({"run", "--config", config, "--out", dir + "/out"});
    CHECK(r.rc == 2);
    CHECK(contains(r.err, depth > 500000 ? "it is larger than the 1024 KiB a config may be"
                                         : "it nests deeper than 32 levels (at byte 63)"));
  }
  klab::test::write_text(config, R"({"demo":"kl.bernoulli","command":")" + std::string(2 << 20, 'x') + "\"}");
  const CliResult r = cli({"run", "--config", config, "--out", dir + "/out"});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "it is larger than the 1024 KiB a config may be"));
}

TEST_CASE("flags are strict: each at most once, --set once per key, no empty values") {
  const std::string out = klab::test::fresh_dir("cli_strict_flags");
  const struct {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--seed", "1", "--seed", "2"}, "--seed is given twice"},
      {{"--runs", "5", "--runs", "5"}, "--runs is given twice"},
      {{"--out", out + "/a", "--out", out + "/b"}, "--out is given twice"},
      {{"--set", "p_hat=0.3", "--set", "p_hat=0.9"}, "parameter 'p_hat' is given twice ('0.3' and '0.9')"},
      {{"--set", "p_hat="}, "parameter 'p_hat' must be a real number in [0, 1] (got an empty value)"},
      {{"--seed", ""}, "--seed must be an integer in [0, 18446744073709551615] (got an empty value)"},
      {{"--runs", "1e300"}, "--runs must be an integer in [1, 10000000] (got '1e300')"},
      {{"--runs", "18446744073709551615"}, "--runs must be an integer in [1, 10000000]"},
      {{"--set", "n=100000.0000000000001"}, "which is not a whole number"},
      {{"--set", "p_hat=1e-400"}, "rounds to zero"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "kl.bernoulli"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    if (!contains(c.says, "--out")) args.insert(args.end(), {"--out", out + "/x"});
    const CliResult r = cli(args);
    CAPTURE(c.says);
    CAPTURE(r.err);
    CHECK(r.rc == 2);
    CHECK(contains(r.err, c.says));
  }
  CHECK(klab::test::list_dir(out).empty());
}

TEST_CASE("--out is checked before any work: the root, '.', system and home directories, foreign files") {
  const std::string dir = klab::test::fresh_dir("cli_out_checks");
  // A run of 10^7 runs × 10^6 samples would take hours: each refusal must come before it.
  const std::vector<std::string> huge = {"run", "kl.bernoulli", "--runs", "10000000", "--set", "samples=1000000", "--quiet"};
  auto with_out = [&](const std::string& out) {
    std::vector<std::string> args = huge;
    args.insert(args.end(), {"--out", out});
    return cli(args);
  };
  const struct {
    std::string out;
    std::string says;
  } cases[] = {
      {"/", "refusing --out '/': it is the filesystem root"},
      {"//", "refusing --out '//': it is the filesystem root"},
      {".", "name the result folder itself"},
      {dir + "/..", "name the result folder itself"},
      {"/usr", "it is a system directory"},
      {"/etc/", "it is a system directory"},
      {dir + "/file.txt", "exists and is not a directory"},
      {dir + "/file.txt/sub", "file.txt"},
      {dir + "/foreign", "holds files klab did not write ('notes.txt')"},
  };
  klab::test::write_text(dir + "/file.txt", "x");
  mkdir((dir + "/foreign").c_str(), 0755);
  klab::test::write_text(dir + "/foreign/notes.txt", "mine");
  for (const auto& c : cases) {
    CAPTURE(c.out);
    const CliResult r = with_out(c.out);
    CAPTURE(r.err);
    CHECK(r.rc == 2);
    CHECK(contains(r.err, c.says));
  }
  struct stat home_st {};
  const char* home = std::getenv("HOME");
  if (home && *home && stat(home, &home_st) == 0 && S_ISDIR(home_st.st_mode)) {
    const CliResult r = with_out(home);
    CHECK(r.rc == 2);
    CHECK((contains(r.err, "your home directory") || contains(r.err, "system directory")));
  }
  CHECK(klab::test::read_text(dir + "/foreign/notes.txt") == "mine");
}

TEST_CASE("klab's refusals of near-miss names say what was meant, and still fail with status 2") {
  const std::string out = klab::test::fresh_dir("did_you_mean_cli");
  const struct {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"run", "bandits.regrt"}, "unknown demo 'bandits.regrt'; did you mean 'bandits.regret'? (klab list shows them all)"},
      {{"run", "regret"}, "did you mean 'bandits.regret'?"},
      {{"lst"}, "unknown command 'lst'; did you mean 'list'? (the commands: list, run, sweep;"},
      {{"bandits.regret", "--runs", "2"}, "unknown command 'bandits.regret'; did you mean 'klab run bandits.regret'?"},
      {{"run", "bandits.regret", "--seeed", "3"}, "unknown option '--seeed'; did you mean '--seed'? (see klab --help)"},
      {{"run", "bandits.regret", "--sed", "3"}, "unknown option '--sed' (see klab --help)"},  // as near --set as --seed
      {{"run", "bandits.regret", "--overwirte"}, "did you mean '--overwrite'?"},
      {{"sweep", "bandits.regret", "--gird", "horizon=100,200"}, "unknown option '--gird'; did you mean '--grid'?"},
      {{"run", "bandits.regret", "--set", "hoizon=100"}, "unknown parameter 'hoizon'; did you mean 'horizon'? (this demo has: arms,"},
      {{"sweep", "bandits.regret", "--grid", "hoizon=100,200"}, "--grid: unknown parameter 'hoizon'; did you mean 'horizon'?"},
      {{"run", "bandits.regret", "--set", "dist=gausian"},
       "parameter 'dist' must be one of bernoulli, gaussian, two_valued (got 'gausian'); did you mean 'gaussian'?"},
      {{"run", "bandits.regret", "--set", "policies=ucb1,klcub"}, "unknown id 'klcub'; did you mean 'klucb'?"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--out", out + "/r"});
    const CliResult r = cli(args);
    CAPTURE(r.err);
    CHECK(r.rc == 2);
    CHECK(contains(r.err, c.says));
  }
  // klab help <topic>: a demo's help, the sweep's usage, or an unknown topic refused with a suggestion.
  const CliResult demo_help = cli({"help", "kl.bernoulli"});
  CHECK(demo_help.rc == 0);
  CHECK(demo_help.out == cli({"run", "kl.bernoulli", "--help"}).out);
  const CliResult sweep_help = cli({"help", "sweep"});
  CHECK(sweep_help.rc == 0);
  CHECK(contains(sweep_help.out, "usage: klab sweep <demo-id> --grid"));
  const CliResult topic = cli({"help", "regert"});
  CHECK(topic.rc == 2);
  CHECK(contains(topic.err, "klab help: no help on 'regert'; did you mean 'bandits.regret'?"));
  // A config.json's misspelt field.
  klab::test::write_text(out + "/config.json", R"({"demo": "bandits.regret", "paramz": {}})");
  const CliResult r = cli({"run", "--config", out + "/config.json", "--out", out + "/r"});
  CHECK(r.rc == 2);
  CHECK(contains(r.err, "unknown field 'paramz'; did you mean 'params'? (a config holds demo, params,"));
  CHECK_FALSE(klab::test::file_exists(out + "/r"));
}
