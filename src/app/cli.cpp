#include "app/cli.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unistd.h>

#include "app/catalog.hpp"
#include "app/gpu.hpp"
#include "core/batch.hpp"
#include "core/run_output.hpp"

namespace klab {
namespace {

constexpr int kBadInput = 2, kRunFailed = 1;

const char* kUsage =
    "KL Lab: algorithms of KL-regularised and constrained decision-making, at full scale.\n"
    "\n"
    "usage:\n"
    "  klab list                             list the demos\n"
    "  klab run <demo-id> --help             a demo's parameters, ranges and defaults\n"
    "  klab run <demo-id> [options] --out DIR\n"
    "  klab run --config DIR/config.json [options] --out DIR2   rerun a saved configuration\n"
    "\n"
    "options:\n"
    "  --set key=value     set a demo parameter (repeatable; see `klab run <id> --help`)\n"
    "  --config FILE       start from a config.json written by an earlier run (then --set overrides)\n"
    "  --runs N            independent runs, 1..10000000 (default: the demo's browser default)\n"
    "  --seed S            random seed, 0..2^64-1 (default 1)\n"
    "  --threads T         worker threads, 0 = all cores (default 0)\n"
    "  --backend cpu|cuda  engine (cuda only for demos with a CUDA engine, on a machine with a GPU)\n"
    "  --out DIR           where to write config.json, summary.json, curves.csv, figure.svg\n"
    "  --overwrite         replace results already in DIR\n"
    "  --quiet             no progress bar or summary table\n";

std::string wrap_help(const ParamSpec& s) {
  std::string line = "  --set " + s.key + "=" + format_value(s, s.def);
  line.resize(std::max<size_t>(line.size() + 2, 34), ' ');
  return line + s.help + "\n" + std::string(34, ' ') + "(" + describe_range(s) + ")\n";
}

void print_demo_help(const DemoInfo& d, Experiment& e, std::ostream& out) {
  out << d.id << ": " << d.title << "\n\n" << d.summary << "\n\n" << d.about << "\n\nPapers:\n";
  for (const auto& p : d.papers) out << "  - " << p << "\n";
  out << "\nParameters (defaults shown):\n";
  for (const ParamSpec& s : e.params().specs()) out << wrap_help(s);
  out << "\nDefault runs: " << d.default_runs << "\nExample:\n  klab run " << d.id << " --runs " << d.default_runs
      << " --seed 1 --out results/" << d.id << "\n";
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled, std::ostream& err) : enabled_(enabled), err_(err), t0_(Clock::now()) {}
  void update(double fraction, uint32_t runs) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0_).count();
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::ostringstream line;
    line << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << std::setw(3)
         << static_cast<int>(100 * fraction) << "%  " << static_cast<uint32_t>(fraction * runs) << "/" << runs << " runs  "
         << std::fixed << std::setprecision(1) << elapsed << " s";
    if (fraction > 0.01 && fraction < 1) line << "  ETA " << elapsed * (1 - fraction) / fraction << " s";
    line << "   ";
    err_ << line.str() << std::flush;
  }
  void finish() {
    if (enabled_) err_ << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::ostream& err_;
  Clock::time_point t0_;
};

void print_summary(const BatchResult& r, std::ostream& out) {
  out << "\n" << std::left << std::setw(18) << "series";
  for (const auto& m : r.layout.final_metrics) out << std::setw(24) << m;
  out << "\n";
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    out << std::setw(18) << r.layout.series[s];
    for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) {
      const RunningStat& st = r.final_stat(s, m);
      std::ostringstream cell;
      cell << std::setprecision(4) << st.mean() << " ± " << std::setprecision(2) << st.sem();
      out << std::setw(24) << cell.str();
    }
    out << "\n";
  }
  out << std::right << "\n"
      << r.runs_done << " runs in " << std::setprecision(3) << r.seconds << " s ("
      << std::setprecision(4) << r.work_per_second() << " " << r.layout.work_unit << "/s)\n";
}

Status read_config(const std::string& path, std::string* demo, nlohmann::json* params, RunSettings* settings) {
  std::ifstream in(path);
  if (!in) return Status::error("cannot read --config file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::error("--config '" + path + "' is not a JSON object");
  if (!j.contains("demo") || !j["demo"].is_string()) return Status::error("--config '" + path + "': missing \"demo\"");
  *demo = j["demo"].get<std::string>();
  if (j.contains("params")) *params = j["params"];
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) return Status::error("--config: \"seed\" must be an integer in [0, 2^64-1]");
    settings->seed = j["seed"].get<uint64_t>();
  }
  if (j.contains("runs")) {
    if (!j["runs"].is_number_unsigned()) return Status::error("--config: \"runs\" must be a positive integer");
    Status s = parse_runs(std::to_string(j["runs"].get<uint64_t>()), &settings->runs);
    if (!s.ok()) return Status::error("--config: " + s.message());
  }
  return {};
}

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Registry catalog = make_catalog();
  std::string demo_id, out_dir, config_path;
  bool overwrite = false, quiet = false, help = false, runs_given = false;
  RunSettings settings;
  std::vector<std::pair<std::string, std::string>> sets;

  auto fail = [&](const std::string& message) {
    err << "klab run: " << message << "\n";
    return kBadInput;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--overwrite") {
      overwrite = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--set") {
      if (!value(&v)) return fail("--set needs key=value");
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return fail("--set needs key=value (got '" + v + "')");
      sets.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--runs") {
      if (!value(&v)) return fail("--runs needs a value");
      Status s = parse_runs(v, &settings.runs);
      if (!s.ok()) return fail("--" + s.message());
      runs_given = true;
    } else if (a == "--seed") {
      if (!value(&v)) return fail("--seed needs a value");
      Status s = parse_seed(v, &settings.seed);
      if (!s.ok()) return fail("--" + s.message());
    } else if (a == "--threads") {
      if (!value(&v)) return fail("--threads needs a value");
      Status s = parse_threads(v, &settings.threads);
      if (!s.ok()) return fail("--" + s.message());
    } else if (a == "--backend") {
      if (!value(&v)) return fail("--backend needs a value");
      Status s = parse_backend(v, &settings.backend);
      if (!s.ok()) return fail("--" + s.message());
    } else if (a == "--out") {
      if (!value(&out_dir)) return fail("--out needs a directory");
    } else if (a == "--config") {
      if (!value(&config_path)) return fail("--config needs a file");
    } else if (!a.empty() && a[0] == '-') {
      return fail("unknown option '" + a + "' (see klab --help)");
    } else if (demo_id.empty()) {
      demo_id = a;
    } else {
      return fail("unexpected argument '" + a + "'");
    }
  }

  nlohmann::json config_params;
  if (!config_path.empty()) {
    RunSettings from_file = settings;
    std::string config_demo;
    Status s = read_config(config_path, &config_demo, &config_params, &from_file);
    if (!s.ok()) return fail(s.message());
    if (!demo_id.empty() && demo_id != config_demo)
      return fail("demo '" + demo_id + "' does not match the config's demo '" + config_demo + "'");
    demo_id = config_demo;
    settings.seed = from_file.seed;
    if (!runs_given) settings.runs = from_file.runs, runs_given = true;
  }
  if (demo_id.empty()) return fail("which demo? (klab list shows them)");
  const DemoInfo* demo = catalog.find(demo_id);
  if (!demo) {
    std::string ids;
    for (const auto& d : catalog.demos()) ids += (ids.empty() ? "" : ", ") + d.id;
    return fail("unknown demo '" + demo_id + "' (available: " + ids + ")");
  }
  std::unique_ptr<Experiment> experiment = demo->make();
  if (help) {
    print_demo_help(*demo, *experiment, out);
    return 0;
  }
  if (!config_params.is_null()) {
    Status s = params_from_json(experiment->params(), config_params);
    if (!s.ok()) return fail("--config: " + s.message());
  }
  Status s = experiment->params().set_texts(sets);
  if (!s.ok()) return fail(s.message());
  if (!runs_given) settings.runs = demo->default_runs;
  if (out_dir.empty()) return fail("--out DIR is required (where config.json, summary.json, curves.csv, figure.svg go)");
  BatchResult result;
  if (settings.backend == Backend::Cuda) {
    if (!experiment->has_cuda_engine())
      return fail("--backend cuda: demo '" + demo_id + "' has no CUDA engine; use --backend cpu");
    const GpuProbe gpu = probe_cuda_device();
    if (gpu.state != GpuState::Available) {
      err << "klab run: --backend cuda: " << gpu.message << "\n";
      return kRunFailed;
    }
    s = experiment->run_cuda(settings.seed, settings.runs, &result);
    if (!s.ok()) {
      err << "klab run: --backend cuda: " << s.message() << "\n";
      return kRunFailed;
    }
  } else {
    const bool bar = !quiet && isatty(2);
    ProgressBar progress(bar, err);
    BatchJob job(experiment->clone(), settings.seed, settings.runs);
    job.run_all(settings.threads, [&](double f) { progress.update(f, settings.runs); });
    progress.finish();
    result = job.result();
  }
  s = write_run_outputs(out_dir, demo_id, *experiment, settings, result, overwrite);
  if (!s.ok()) {
    err << "klab run: " << s.message() << "\n";
    return kRunFailed;
  }
  if (!quiet) {
    print_summary(result, out);
    out << "wrote " << out_dir << "/{config.json, summary.json, curves.csv, figure.svg}\n";
  }
  return 0;
}

}  // namespace

int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? kBadInput : 0;
  }
  if (args[0] == "list") {
    const Registry catalog = make_catalog();
    for (const ChapterInfo& c : catalog.chapters()) {
      out << c.id << " — " << c.title << "\n";
      for (const DemoInfo& d : catalog.demos())
        if (d.chapter == c.id) out << "  " << std::left << std::setw(24) << d.id << std::right << d.summary << "\n";
    }
    return 0;
  }
  if (args[0] == "run") return run_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  err << "klab: unknown command '" << args[0] << "'\n\n" << kUsage;
  return kBadInput;
}

}  // namespace klab
