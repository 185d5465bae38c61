// The `klab` command line, in process (klab::cli_main with string streams): listing, per-demo
// help, bad input (exit 2, a message naming the flag or parameter and its range), the CUDA
// backend where none exists, determinism, reruns from config.json, and --overwrite.
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
      {{"--config", out + "/missing.json"}, {"cannot read --config file"}},
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
  CHECK(r.rc == 1);
  CHECK(contains(r.err, "already holds results"));
  CHECK(contains(r.err, "--overwrite"));
  CHECK(klab::test::read_text(a + "/summary.json") == before);
  r = cli({"run", "kl.forward_reverse", "--seed", "8", "--runs", "10", "--set", "steps=8", "--quiet", "--out", a,
           "--overwrite"});
  CHECK(r.rc == 0);
  CHECK(summary_without_timing(a) == summary_without_timing(d));
}
