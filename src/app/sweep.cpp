#include "app/sweep.hpp"

#include <unistd.h>

#include <cstdio>

#include "app/catalog.hpp"
#include "app/job_driver.hpp"
#include "core/figure_csv.hpp"
#include "core/run_output.hpp"
#include "core/svg.hpp"

namespace klab {
namespace {

using nlohmann::json;

// [SECTION] the grid ------------------------------------------------------------------------------

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

bool is_list_kind(ParamKind kind) { return kind == ParamKind::RealList || kind == ParamKind::MultiChoice; }

std::string point_folder(size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "point-%03zu", i + 1);
  return name;
}

std::string describe_point(const std::vector<std::pair<std::string, std::string>>& values) {
  std::string text;
  for (const auto& [k, v] : values) text += (text.empty() ? "" : ", ") + k + "=" + v;
  return text;
}

// [SECTION] the outputs ---------------------------------------------------------------------------

std::string sweep_csv(const SweepGrid& grid, const std::vector<BatchResult>& results) {
  std::string out = "point";
  for (const auto& axis : grid.axes) out += "," + plot::csv_field(axis.first);
  out += ",series,metric,mean,stderr,ci95_lo,ci95_hi,runs\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const BatchResult& r = results[i];
    std::string prefix = point_folder(i);
    for (const auto& kv : grid.point(i)) prefix += "," + plot::csv_field(kv.second);
    for (size_t s = 0; s < r.layout.series.size(); ++s)
      for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) {
        const RunningStat& st = r.final_stat(s, m);
        out += prefix + "," + plot::csv_field(r.layout.series[s]) + "," + plot::csv_field(r.layout.final_metrics[m]) + ",";
        if (st.count() == 0) out += ",,,";
        else out += format_real(st.mean()) + "," + format_real(st.sem()) + "," + format_real(st.mean() - st.ci95()) + "," +
                    format_real(st.mean() + st.ci95());
        out += "," + std::to_string(st.count()) + "\n";
      }
  }
  return out;
}

// Each final metric against the first swept parameter: numeric parameters on their own axis,
// others (choices, lists) as categories; a line per series and per value of the other axes.
plot::Figure sweep_figure(const std::string& demo_id, const SweepGrid& grid, const ParamSet& params,
                          const std::vector<BatchResult>& results) {
  plot::Figure figure;
  figure.title = demo_id + ": sweep over " + grid.axes[0].first;
  const ParamSpec& spec = params.specs()[static_cast<size_t>(params.find(grid.axes[0].first))];
  const std::vector<std::string>& xs = grid.axes[0].second;
  const bool numeric = spec.kind == ParamKind::Real || spec.kind == ParamKind::Integer;
  const size_t inner = grid.points() / xs.size();  // points per value of the first axis
  const RunLayout& layout = results[0].layout;
  for (size_t m = 0; m < layout.final_metrics.size(); ++m) {
    plot::Plot p;
    p.title = layout.final_metrics[m];
    p.y.label = layout.final_metrics[m];
    if (numeric) {
      p.x.label = grid.axes[0].first;
      if (spec.log_scale) p.x.scale = plot::Scale::Log;
    } else {
      p.x = plot::category_axis(grid.axes[0].first, xs, 0.0);
    }
    // A series keeps its colour; the values of the other swept parameters change the stroke
    // (solid, dashed, dotted, dash-dotted), then the colours move on by a palette's worth.
    for (size_t j = 0; j < inner; ++j)
      for (size_t s = 0; s < layout.series.size(); ++s) {
        plot::Line line;
        std::string others;
        for (size_t a = 1; a < grid.axes.size(); ++a) others += (others.empty() ? "" : ", ") + grid.point(j)[a].first + "=" + grid.point(j)[a].second;
        line.name = layout.series[s] + (others.empty() ? "" : " (" + others + ")");
        line.color = palette(s + layout.series.size() * (j / 4));
        line.dash = static_cast<plot::Dash>(j % 4);
        for (size_t x = 0; x < xs.size(); ++x) {
          const RunningStat& st = results[x * inner + j].final_stat(s, m);
          double value = static_cast<double>(x);
          if (numeric) parse_real(xs[x], &value);
          line.x.push_back(value);
          line.y.push_back(st.count() ? st.mean() : NAN);
          line.lo.push_back(st.count() ? st.mean() - st.ci95() : NAN);
          line.hi.push_back(st.count() ? st.mean() + st.ci95() : NAN);
        }
        p.lines.push_back(std::move(line));
      }
    figure.plots.push_back(std::move(p));
  }
  return figure;
}

// The command that reruns the sweep: every --grid, every other parameter, runs and seed.
std::string sweep_cli_command(const std::string& demo_id, const SweepGrid& grid, const ParamSet& base, const RunSettings& settings) {
  std::string cmd = "klab sweep " + shell_quote(demo_id);
  for (const auto& [key, values] : grid.axes) {
    const char separator = is_list_kind(base.specs()[static_cast<size_t>(base.find(key))].kind) ? ';' : ',';
    std::string list;
    for (const std::string& v : values) list += (list.empty() ? "" : std::string(1, separator)) + v;
    cmd += " --grid " + shell_quote(key + "=" + list);
  }
  for (size_t i = 0; i < base.specs().size(); ++i) {
    const std::string& key = base.specs()[i].key;
    bool swept = false;
    for (const auto& axis : grid.axes) swept = swept || axis.first == key;
    if (!swept) cmd += " --set " + shell_quote(key + "=" + base.text(i));
  }
  return cmd + " --runs " + std::to_string(settings.runs) + " --seed " + std::to_string(settings.seed) + " --out " +
         shell_quote("results/" + demo_id + "-sweep");
}

std::string sweep_json(const std::string& demo_id, const SweepGrid& grid, const ParamSet& base, const RunSettings& settings) {
  json axes = json::array(), points = json::array();
  for (const auto& [key, values] : grid.axes) axes.push_back(json{{"key", key}, {"values", values}});
  for (size_t i = 0; i < grid.points(); ++i) {
    json values = json::object();
    for (const auto& [k, v] : grid.point(i)) values[k] = v;
    points.push_back(json{{"folder", point_folder(i)}, {"values", values}});
  }
  json j;
  j["demo"] = demo_id;
  j["grid"] = axes;
  j["params"] = params_to_json(base);
  j["runs"] = settings.runs;
  j["seed"] = settings.seed;
  j["points"] = points;
  j["command"] = sweep_cli_command(demo_id, grid, base, settings);
  return j.dump(2) + "\n";
}

// [SECTION] the command ---------------------------------------------------------------------------

// The --grid texts taken out of the arguments; the rest are `klab run`'s.
Status split_grid_args(const std::vector<std::string>& args, std::vector<std::string>* grids, std::vector<std::string>* rest) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--grid") {
      rest->push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) return Status::error("--grid needs key=v1,v2,…");
    grids->push_back(args[++i]);
  }
  return {};
}

}  // namespace

size_t SweepGrid::points() const {
  size_t n = 1;
  for (const auto& axis : axes) n *= axis.second.size();
  return n;
}

std::vector<std::pair<std::string, std::string>> SweepGrid::point(size_t i) const {
  std::vector<std::pair<std::string, std::string>> values(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const size_t n = axes[a].second.size();
    values[a] = {axes[a].first, axes[a].second[i % n]};
    i /= n;
  }
  return values;
}

Expected<SweepGrid> parse_grid(const std::vector<std::string>& grids, const ParamSet& params,
                               const std::vector<std::pair<std::string, std::string>>& sets) {
  if (grids.empty()) return Status::error("a sweep needs at least one --grid key=v1,v2,…");
  SweepGrid grid;
  double product = 1.0;
  for (const std::string& g : grids) {
    const size_t eq = g.find('=');
    if (eq == std::string::npos || eq == 0) return Status::error("--grid needs key=v1,v2,… (got '" + g.substr(0, 80) + "')");
    const std::string key = g.substr(0, eq), list = g.substr(eq + 1);
    const int index = params.find(key);
    if (index < 0) {
      ParamSet& probe = const_cast<ParamSet&>(params);  // set_texts of an unknown key changes nothing
      return Status::error("--grid: " + probe.set_texts({{key, ""}}).message());
    }
    for (const auto& axis : grid.axes)
      if (axis.first == key) return Status::error("--grid " + key + " is given twice; list all its values in one --grid");
    for (const auto& set : sets)
      if (set.first == key) return Status::error("'" + key + "' is both swept (--grid) and fixed (--set); give one");
    if (list.empty()) return Status::error("--grid " + key + " has no values; give --grid " + key + "=v1,v2,…");
    const ParamSpec& spec = params.specs()[static_cast<size_t>(index)];
    const char separator = is_list_kind(spec.kind) ? ';' : ',';
    const std::vector<std::string> texts = split(list, separator);
    std::vector<std::string> values;
    for (size_t k = 0; k < texts.size(); ++k) {
      if (texts[k].empty())
        return Status::error("--grid " + key + ": value " + std::to_string(k + 1) + " of " + std::to_string(texts.size()) +
                             " is empty" + (separator == ';' ? " (values of a list parameter are separated by ';')" : ""));
      const Expected<ParamValue> v = parse_value(spec, texts[k]);
      if (!v.ok()) return Status::error("--grid: " + v.error());
      const std::string canonical = format_value(spec, v.value());
      for (const std::string& seen : values)
        if (seen == canonical) return Status::error("--grid " + key + " lists " + canonical + " twice");
      values.push_back(canonical);
    }
    product *= static_cast<double>(values.size());
    grid.axes.emplace_back(key, std::move(values));
  }
  if (product > static_cast<double>(kMaxSweepPoints)) {
    std::string factors;
    for (const auto& axis : grid.axes) factors += (factors.empty() ? "" : " × ") + std::to_string(axis.second.size());
    return Status::error("--grid: the grid has " + std::to_string(static_cast<unsigned long long>(product)) + " points (" +
                         factors + "); a sweep has at most " + std::to_string(kMaxSweepPoints) + " points");
  }
  return grid;
}

int sweep_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Cluster& cluster = Cluster::get();
  auto fail = [&](int code, const std::string& message) {
    if (cluster.leader()) err << "klab sweep: " << message << "\n";
    return code;
  };
  std::vector<std::string> grids, rest;
  Status s = split_grid_args(args, &grids, &rest);
  if (!s.ok()) return fail(kBadInput, s.message());
  const Expected<RunRequest> parsed = parse_run_args(rest, {"--grid"});
  if (!parsed.ok()) return fail(kBadInput, parsed.error());
  const RunRequest& request = parsed.value();
  if (request.help) {
    out << "usage: klab sweep <demo-id> --grid key=v1,v2,… [--grid key2=…] [--set key=value …] [--runs N] [--seed S]\n"
           "                  [--threads T] --out DIR [--overwrite] [--resume] [--quiet]\n"
           "The parameters: klab run <demo-id> --help.\n";
    return 0;
  }
  const Registry catalog = make_catalog();
  Expected<RunPlan> planned = plan_run(request, catalog);
  if (!planned.ok()) return fail(kBadInput, planned.error());
  RunPlan& plan = planned.value();
  const std::string& demo_id = plan.demo->id;
  const RunSettings& settings = plan.settings;
  if (settings.backend == Backend::Cuda)
    if (const int c = prepare_cuda_backend(*plan.experiment, demo_id, "klab sweep", err); c != 0) return c;
  const Expected<SweepGrid> parsed_grid = parse_grid(grids, plan.experiment->params(), request.sets);
  if (!parsed_grid.ok()) return fail(kBadInput, parsed_grid.error());
  const SweepGrid& grid = parsed_grid.value();
  if (request.out_dir.empty()) return fail(kBadInput, "--out DIR is required (the sweep's result folder)");

  // Every point's parameters, checked together (cross-field rules) before any work.
  std::vector<std::unique_ptr<Experiment>> points;
  for (size_t i = 0; i < grid.points(); ++i) {
    std::unique_ptr<Experiment> e = plan.experiment->clone();
    s = e->params().set_texts(grid.point(i));
    if (!s.ok()) return fail(kBadInput, "point " + std::to_string(i + 1) + " (" + describe_point(grid.point(i)) + "): " + s.message());
    points.push_back(std::move(e));
  }

  std::unique_ptr<ResultFolder> folder;
  int code = 0;
  if (cluster.leader()) {
    Expected<std::unique_ptr<ResultFolder>> claimed = ResultFolder::claim(request.out_dir, request.overwrite, FolderKind::Sweep);
    if (claimed.ok()) folder = std::move(claimed.value());
    else code = fail(kBadInput, claimed.error());
  }
  if ((code = cluster.agree(code)) != 0) return code;

  std::string command = "klab sweep";
  for (const std::string& a : args) command += " " + shell_quote(a);
  json axes = json::array();
  for (const auto& [key, values] : grid.axes) axes.push_back(json::array({key, values}));
  JobSpec spec;
  spec.command = "klab sweep";
  spec.identity = json{{"job", "sweep"},          {"demo", demo_id},         {"params", params_to_json(plan.experiment->params())},
                       {"grid", axes},            {"runs", settings.runs}, {"seed", settings.seed},
                       {"block_runs", kBlockRuns}};
  if (settings.backend == Backend::Cuda) spec.identity["backend"] = backend_name(settings.backend);  // as in run_identity
  for (const auto& e : points) spec.experiments.push_back(e.get());
  spec.seed = settings.seed;
  spec.runs = settings.runs;
  spec.threads = settings.threads;
  spec.backend = settings.backend;
  spec.resume = request.resume;
  spec.quiet = request.quiet;
  spec.resume_command = command + (request.resume ? "" : " --resume");
  JobOutcome outcome;
  code = drive_job(spec, folder.get(), err, &outcome);
  if (code != 0 || !cluster.leader()) return code;

  std::vector<BatchResult> results;
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < points.size(); ++i) {
    const Experiment& e = *points[i];
    results.push_back(BatchJob(e.clone(), settings.seed, settings.runs, std::move(outcome.points[i])).result());
    const std::string dir = point_folder(i) + "/";
    files.emplace_back(dir + "config.json", config_json(demo_id, e.params(), settings));
    files.emplace_back(dir + "summary.json", summary_json(demo_id, e.params(), results.back()));
    files.emplace_back(dir + "curves.csv", curves_csv(results.back()));
    files.emplace_back(dir + "figure.svg", plot::render_svg(e.figure(results.back())));
  }
  files.emplace_back("sweep.json", sweep_json(demo_id, grid, plan.experiment->params(), settings));
  files.emplace_back("sweep.csv", sweep_csv(grid, results));
  files.emplace_back("sweep.svg", plot::render_svg(sweep_figure(demo_id, grid, plan.experiment->params(), results)));
  s = folder->publish(files);
  if (!s.ok()) return fail(kRunFailed, s.message());
  folder->remove_checkpoint();
  if (!folder->warning().empty()) err << "klab sweep: note: " << folder->warning() << "\n";
  if (!request.quiet)
    out << grid.points() << " points × " << settings.runs << " runs; wrote " << request.out_dir
        << "/{sweep.json, sweep.csv, sweep.svg, point-001 … " << point_folder(grid.points() - 1) << "}\n";
  return 0;
}

}  // namespace klab
