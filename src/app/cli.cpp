#include "app/cli.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "app/catalog.hpp"
#include "app/job_driver.hpp"
#include "app/sweep.hpp"
#include "core/batch.hpp"
#include "core/did_you_mean.hpp"
#include "core/run_config.hpp"
#include "core/run_output.hpp"

namespace klab {
namespace {

const char* kUsage =
    "KL Lab: algorithms of KL-regularised and constrained decision-making, at full scale.\n"
    "\n"
    "usage:\n"
    "  klab list                             list the demos\n"
    "  klab run <demo-id> --help             a demo's parameters, ranges and defaults (or klab help <demo-id>)\n"
    "  klab run <demo-id> [options] --out DIR\n"
    "  klab run --config DIR/config.json [options] --out DIR2   rerun a saved configuration\n"
    "\n"
    "options (each at most once; --set once per key):\n"
    "  --set key=value     set a demo parameter (repeatable; see `klab run <id> --help`)\n"
    "  --config FILE       start from a config.json written by an earlier run\n"
    "  --runs N            independent runs, 1..10000000 (default: the demo's default)\n"
    "  --seed S            random seed, 0..2^64-1 (default 1)\n"
    "  --threads T         worker threads (with --backend cuda: the host's), 0 = all cores (default 0)\n"
    "  --backend cpu|cuda  engine (cuda only for demos with a CUDA engine, on a machine with a GPU)\n"
    "  --out DIR           the result folder: config.json, summary.json, curves.csv, figure.svg\n"
    "  --overwrite         replace an earlier result folder DIR\n"
    "  --resume            continue an interrupted run from its checkpoint (none: start afresh)\n"
    "  --quiet             no progress bar or summary table\n"
    "\n"
    "Precedence: a flag overrides the same field of --config (seed, runs, threads, backend, and\n"
    "each --set parameter); what neither gives comes from the demo's defaults. A config's\n"
    "\"command\" field is informational and never applied; any unknown field is an error.\n"
    "Numbers are read exactly: 1e3 is an integer, 2.5 or 1e-400 are refused where they would\n"
    "change meaning. DIR is checked and locked before any work, then written in one step:\n"
    "it holds either its earlier content or the complete new results, never a mix.\n"
    "\n"
    "Interrupted (SIGTERM, as Slurm sends, or Ctrl-C), a run saves its completed blocks in\n"
    "DIR's checkpoint (.<DIR>.klab-checkpoint beside it) and exits with 128 + the signal;\n"
    "the same command with --resume continues it, and the results are bit-identical to an\n"
    "uninterrupted run. Under MPI (mpirun/srun, in a build with KLAB_MPI) the runs are split over\n"
    "the ranks, with the same results byte for byte.\n"
    "\n"
    "  klab sweep <demo-id> --grid key=v1,v2,… [--grid key2=…] [run options] --out DIR\n"
    "      runs every point of the grid (at most 1000): one result folder per point, and\n"
    "      DIR/sweep.csv, sweep.svg, sweep.json; list-valued parameters separate values by ';'.\n";

std::string wrap_help(const ParamSpec& s) {
  std::string line = "  --set " + s.key + "=" + format_value(s, s.def);
  line.resize(std::max<size_t>(line.size() + 2, 34), ' ');
  return line + s.help + "\n" + std::string(34, ' ') + "(" + describe_range(s) + ")\n";
}

// Characters on screen of UTF-8 text: code points, less the combining marks U+0300–U+036F (the
// hat of p̂ sits on its letter).
size_t text_width(const std::string& text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    const bool combining = c == 0xCC || (c == 0xCD && i + 1 < text.size() &&
                                         static_cast<unsigned char>(text[i + 1]) < 0xB0);
    if (!combining) ++n;
  }
  return n;
}

// `text` followed by spaces to `width` characters on screen (at least one space).
std::string padded(const std::string& text, size_t width) {
  const size_t w = text_width(text);
  return text + std::string(w < width ? width - w : 1, ' ');
}

void print_demo_help(const DemoInfo& d, Experiment& e, std::ostream& out) {
  out << d.id << ": " << d.title << "\n\n" << d.summary << "\n\n" << d.about << "\n\nPapers:\n";
  for (const auto& p : d.papers) out << "  - " << p << "\n";
  out << "\nParameters (defaults shown):\n";
  for (const ParamSpec& s : e.params().specs()) out << wrap_help(s);
  out << "\nDefault runs: " << d.default_runs << "\nExample:\n  klab run " << d.id << " --runs " << d.default_runs
      << " --seed 1 --out results/" << d.id << "\n";
}

void print_summary(const BatchResult& r, std::ostream& out) {
  // Columns as wide as their longest entry (series names and metric names vary by demo).
  size_t series_width = std::string("series").size();
  for (const auto& name : r.layout.series) series_width = std::max(series_width, text_width(name));
  series_width += 2;
  std::vector<std::string> cells;
  size_t cell_width = 0;
  for (size_t s = 0; s < r.layout.series.size(); ++s)
    for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) {
      const RunningStat& st = r.final_stat(s, m);
      std::ostringstream cell;
      if (st.count() == 0)
        cell << "—";  // no run gave a finite value (an undefined or infinite metric: the demo's text says which)
      else
        cell << std::setprecision(4) << st.mean() << " ± " << std::setprecision(2) << st.sem();
      cells.push_back(cell.str());
      cell_width = std::max(cell_width, text_width(cells.back()));
    }
  for (const auto& name : r.layout.final_metrics) cell_width = std::max(cell_width, text_width(name));
  cell_width += 2;
  out << "\n" << padded("series", series_width);
  for (const auto& m : r.layout.final_metrics) out << padded(m, cell_width);
  out << "\n";
  for (size_t s = 0, k = 0; s < r.layout.series.size(); ++s) {
    out << padded(r.layout.series[s], series_width);
    for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) out << padded(cells[k++], cell_width);
    out << "\n";
  }
  out << std::right << "\n"
      << r.runs_done << " runs in " << std::setprecision(3) << r.seconds << " s ("
      << std::setprecision(4) << r.work_per_second() << " " << r.layout.work_unit << "/s)\n";
}

std::vector<std::string> demo_ids(const Registry& catalog) {
  std::vector<std::string> ids;
  for (const auto& d : catalog.demos()) ids.push_back(d.id);
  return ids;
}

// `klab run`'s flags: those followed by a value, then the switches.
const std::vector<std::string> kValueOptions = {"--set", "--runs", "--seed", "--threads", "--backend", "--out", "--config"};
const std::vector<std::string> kSwitches = {"--help", "-h", "--overwrite", "--quiet", "--resume"};
const std::vector<std::string> kCommands = {"list", "run", "sweep", "help"};

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The demo a request names, directly or through its --config file (read into *config).
Expected<const DemoInfo*> find_demo(const RunRequest& request, const Registry& catalog, RunConfig* config) {
  std::string id = request.demo_id;
  if (!request.config_path.empty()) {
    Expected<RunConfig> read = read_run_config(request.config_path);
    if (!read.ok()) return Status::error("--config '" + request.config_path + "': " + read.error());
    *config = std::move(read.value());
    if (!id.empty() && id != config->demo)
      return Status::error("demo '" + id + "' does not match the config's demo '" + config->demo + "'");
    id = config->demo;
  }
  if (id.empty()) return Status::error("which demo? (klab list shows them)");
  const DemoInfo* demo = catalog.find(id);
  if (!demo) {
    // With a suggestion, the list of every id would only bury it.
    const std::string hint = did_you_mean(id, demo_ids(catalog));
    std::string ids;
    for (const auto& d : catalog.demos()) ids += (ids.empty() ? "" : ", ") + d.id;
    return Status::error("unknown demo '" + id.substr(0, 80) + "'" + hint + (hint.empty() ? " (available: " + ids + ")" : " (klab list shows them all)"));
  }
  return demo;
}

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto fail = [&](int code, const std::string& message) {
    if (Cluster::get().leader()) err << "klab run: " << message << "\n";  // under MPI, once
    return code;
  };
  const Expected<RunRequest> parsed = parse_run_args(args);
  if (!parsed.ok()) return fail(kBadInput, parsed.error());
  const RunRequest& request = parsed.value();
  const Registry catalog = make_catalog();
  if (request.help) {
    RunConfig config;
    const Expected<const DemoInfo*> demo = find_demo(request, catalog, &config);
    if (!demo.ok()) return fail(kBadInput, demo.error());
    print_demo_help(*demo.value(), *demo.value()->make(), out);
    return 0;
  }
  Expected<RunPlan> planned = plan_run(request, catalog);
  if (!planned.ok()) return fail(kBadInput, planned.error());
  RunPlan& plan = planned.value();
  const std::string& demo_id = plan.demo->id;
  Experiment& experiment = *plan.experiment;
  const RunSettings& settings = plan.settings;
  if (request.out_dir.empty())
    return fail(kBadInput, "--out DIR is required (the result folder: config.json, summary.json, curves.csv, figure.svg)");
  Cluster& cluster = Cluster::get();
  if (settings.backend == Backend::Cuda)
    if (const int c = prepare_cuda_backend(experiment, demo_id, "klab run", err); c != 0) return c;
  // Everything about --out is checked, and the folder locked, before any work (by rank 0 only).
  std::unique_ptr<ResultFolder> folder;
  int code = 0;
  if (cluster.leader()) {
    Expected<std::unique_ptr<ResultFolder>> claimed = ResultFolder::claim(request.out_dir, request.overwrite);
    if (claimed.ok()) folder = std::move(claimed.value());
    else code = fail(kBadInput, claimed.error());
  }
  if ((code = cluster.agree(code)) != 0) return code;

  std::string resume = "klab run";
  for (const std::string& a : args) resume += " " + shell_quote(a);
  if (!request.resume) resume += " --resume";
  JobSpec spec;
  spec.command = "klab run";
  spec.identity = run_identity(demo_id, experiment.params(), settings);
  spec.experiments = {&experiment};
  spec.seed = settings.seed;
  spec.runs = settings.runs;
  spec.threads = settings.threads;
  spec.backend = settings.backend;
  spec.resume = request.resume;
  spec.quiet = request.quiet;
  spec.resume_command = resume;
  JobOutcome outcome;
  code = drive_job(spec, folder.get(), err, &outcome);
  if (code != 0 || !cluster.leader()) return code;
  const BatchResult result = BatchJob(experiment.clone(), settings.seed, settings.runs, std::move(outcome.points[0])).result();
  const Status s = write_run_outputs(*folder, demo_id, experiment, settings, result);
  if (!s.ok()) return fail(kRunFailed, s.message());
  folder->remove_checkpoint();
  if (!folder->warning().empty()) err << "klab run: note: " << folder->warning() << "\n";
  if (!request.quiet) {
    print_summary(result, out);
    out << "wrote " << request.out_dir << "/{config.json, summary.json, curves.csv, figure.svg}\n";
  }
  return 0;
}

}  // namespace

Expected<RunRequest> parse_run_args(const std::vector<std::string>& args, const std::vector<std::string>& more_options) {
  RunRequest r;
  std::vector<std::string> seen;  // the flags given so far: each at most once
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool takes_value = listed(kValueOptions, a);
    const bool is_switch = listed(kSwitches, a);
    if (!takes_value && !is_switch) {
      if (!a.empty() && a[0] == '-') {
        std::vector<std::string> options = kValueOptions;
        options.insert(options.end(), kSwitches.begin(), kSwitches.end());
        options.insert(options.end(), more_options.begin(), more_options.end());
        return Status::error("unknown option '" + a.substr(0, 80) + "'" + did_you_mean(a, options) + " (see klab --help)");
      }
      if (!r.demo_id.empty()) return Status::error("unexpected argument '" + a.substr(0, 80) + "'");
      if (a.empty()) return Status::error("the demo id is empty (klab list shows them)");
      r.demo_id = a;
      continue;
    }
    if (a != "--set") {
      for (const std::string& f : seen)
        if (f == a) return Status::error(a + " is given twice; give it once");
      seen.push_back(a);
    }
    if (is_switch) {
      if (a == "--overwrite") r.overwrite = true;
      else if (a == "--quiet") r.quiet = true;
      else if (a == "--resume") r.resume = true;
      else r.help = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      if (a == "--set") return Status::error("--set needs key=value");
      if (a == "--out") return Status::error("--out needs a directory");
      if (a == "--config") return Status::error("--config needs a file");
      return Status::error(a + " needs a value");
    }
    const std::string& v = args[++i];
    Status s;
    if (a == "--set") {
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return Status::error("--set needs key=value (got '" + v.substr(0, 80) + "')");
      r.sets.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--runs") {
      uint32_t runs = 0;
      s = parse_runs(v, &runs);
      r.flags.runs = runs;
    } else if (a == "--seed") {
      uint64_t seed = 0;
      s = parse_seed(v, &seed);
      r.flags.seed = seed;
    } else if (a == "--threads") {
      int threads = 0;
      s = parse_threads(v, &threads);
      r.flags.threads = threads;
    } else if (a == "--backend") {
      Backend backend = Backend::Cpu;
      s = parse_backend(v, &backend);
      r.flags.backend = backend;
    } else if (a == "--out") {
      if (v.empty()) return Status::error("--out needs a directory (got an empty value)");
      r.out_dir = v;
    } else {
      if (v.empty()) return Status::error("--config needs a file (got an empty value)");
      r.config_path = v;
    }
    if (!s.ok()) return Status::error("--" + s.message());
  }
  return r;
}

Expected<RunPlan> plan_run(const RunRequest& request, const Registry& catalog) {
  RunConfig config;
  const Expected<const DemoInfo*> demo = find_demo(request, catalog, &config);
  if (!demo.ok()) return demo.status();
  RunPlan plan;
  plan.demo = demo.value();
  plan.experiment = plan.demo->make();
  ParamSet& params = plan.experiment->params();
  if (!request.config_path.empty()) {
    const Status s = params_from_json(params, config.params);
    if (!s.ok()) return Status::error("--config '" + request.config_path + "': " + s.message());
  }
  const Status s = params.set_texts(request.sets);
  if (!s.ok()) return s;
  plan.settings = resolve_settings(request.flags, config.settings, plan.demo->default_runs);
  return Expected<RunPlan>(std::move(plan));
}

nlohmann::json run_identity(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  nlohmann::json identity{{"job", "run"},          {"demo", demo_id},         {"params", params_to_json(params)},
                          {"runs", settings.runs}, {"seed", settings.seed}, {"block_runs", kBlockRuns}};
  // A CUDA job's blocks equal the CPU's bit for bit only in the strict build: its checkpoint says so.
  if (settings.backend == Backend::Cuda) identity["backend"] = backend_name(settings.backend);
  return identity;
}

int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  // `klab help sweep` and `klab help <demo-id>`: the same text as `klab sweep --help`, `klab run <id> --help`.
  if (args.size() == 2 && args[0] == "help" && args[1] != "run" && args[1] != "list") {
    if (args[1] == "sweep") return sweep_command({"--help"}, out, err);
    const Registry catalog = make_catalog();
    if (catalog.find(args[1])) return run_command({args[1], "--help"}, out, err);
    err << "klab help: no help on '" << args[1].substr(0, 80) << "'" << did_you_mean(args[1], demo_ids(catalog))
        << " (klab help [run|sweep|<demo-id>]; klab list shows the demo ids)\n";
    return kBadInput;
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? kBadInput : 0;
  }
  if (args[0] == "list") {
    const Registry catalog = make_catalog();
    size_t id_width = 0;
    for (const DemoInfo& d : catalog.demos()) id_width = std::max(id_width, text_width(d.id));
    for (const ChapterInfo& c : catalog.chapters()) {
      out << c.id << " — " << c.title << "\n";
      for (const DemoInfo& d : catalog.demos())
        if (d.chapter == c.id) out << "  " << padded(d.id, id_width + 2) << d.summary << "\n";
    }
    return 0;
  }
  if (args[0] == "run") return run_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  if (args[0] == "sweep") return sweep_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  // A demo id in the command's place is a run without its verb.
  const Registry catalog = make_catalog();
  const std::string demo = catalog.find(args[0]) ? args[0] : nearest_name(args[0], demo_ids(catalog));
  const std::string hint = !demo.empty() ? "; did you mean 'klab run " + demo + "'?" : did_you_mean(args[0], kCommands);
  err << "klab: unknown command '" << args[0].substr(0, 80) << "'" << hint << " (the commands: list, run, sweep; klab --help shows the usage)\n";
  return kBadInput;
}

}  // namespace klab
