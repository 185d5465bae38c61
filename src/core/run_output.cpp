#include "core/run_output.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/figure_csv.hpp"
#include "core/svg.hpp"

namespace klab {
namespace {

using nlohmann::json;

// The metric statistics: mean and standard error; null when no run reported the metric.
json stat_json(const RunningStat& s) {
  if (s.count() == 0) return json{{"mean", nullptr}, {"stderr", nullptr}};
  return json{{"mean", s.mean()}, {"stderr", s.sem()}};
}

}  // namespace

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._-,=+/:", c) != nullptr);
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

namespace {

// The value's text as parse_value reads it, if its JSON type is the one params_to_json writes for
// the kind: numbers as written, true/false, an id, arrays of numbers or of ids (comma-joined).
Expected<std::string> json_text(const ParamSpec& spec, const JsonValue& v) {
  using Type = JsonValue::Type;
  auto wrong = [&] {
    return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got a JSON " + v.type_name() + ")");
  };
  switch (spec.kind) {
    case ParamKind::Real:
    case ParamKind::Integer: return v.type == Type::Number ? Expected<std::string>(v.text) : wrong();
    case ParamKind::Boolean: return v.type == Type::Boolean ? Expected<std::string>(v.text) : wrong();
    case ParamKind::Choice: return v.type == Type::String ? Expected<std::string>(v.text) : wrong();
    case ParamKind::RealList:
    case ParamKind::MultiChoice: {
      const Type element = spec.kind == ParamKind::RealList ? Type::Number : Type::String;
      if (v.type != Type::Array) return wrong();
      std::string text;
      for (size_t k = 0; k < v.items.size(); ++k) {
        const JsonValue& e = v.items[k];
        // An id with a comma would read as two ids once joined.
        if (e.type != element || e.text.find(',') != std::string::npos)
          return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + ": element " +
                               std::to_string(k + 1) + " is not (got a JSON " + e.type_name() +
                               (e.type == Type::String ? " '" + e.text.substr(0, 80) + "'" : std::string()) + ")");
        text += (k ? "," : "") + e.text;
      }
      return text;
    }
    case ParamKind::Text: return v.type == Type::String ? Expected<std::string>(v.text) : wrong();
  }
  return wrong();
}

}  // namespace

json params_to_json(const ParamSet& params) {
  json out = json::object();
  const auto& specs = params.specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    const ParamSpec& s = specs[i];
    const ParamValue v = params.get(i);
    switch (s.kind) {
      case ParamKind::Real: out[s.key] = v.real; break;
      case ParamKind::Integer: out[s.key] = v.integer; break;
      case ParamKind::Boolean: out[s.key] = v.boolean; break;
      case ParamKind::Choice: out[s.key] = s.choices[static_cast<size_t>(v.choice)]; break;
      case ParamKind::RealList: out[s.key] = v.list; break;
      case ParamKind::Text: out[s.key] = v.text; break;
      case ParamKind::MultiChoice: {
        json ids = json::array();
        for (int k : v.picks) ids.push_back(s.choices[static_cast<size_t>(k)]);
        out[s.key] = ids;
        break;
      }
    }
  }
  return out;
}

Status params_from_json(ParamSet& params, const JsonValue& object) {
  if (object.type != JsonValue::Type::Object)
    return Status::error("\"params\" must be a JSON object (got a JSON " + std::string(object.type_name()) + ")");
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& [key, value] : object.members) {
    const int i = params.find(key);
    if (i < 0) return params.set_texts({{key, ""}});  // its message lists the known keys
    Expected<std::string> text = json_text(params.specs()[static_cast<size_t>(i)], value);
    if (!text.ok()) return text.status();
    texts.emplace_back(key, text.value());
  }
  return params.set_texts(texts);
}

Status params_from_json(ParamSet& params, const json& object) {
  const Expected<JsonValue> doc = read_json(object.dump());
  if (!doc.ok()) return Status::error("\"params\": " + doc.error());
  return params_from_json(params, doc.value());
}

std::vector<std::string> cli_args(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  std::vector<std::string> args = {"klab", "run", demo_id};
  for (size_t i = 0; i < params.specs().size(); ++i) args.insert(args.end(), {"--set", params.specs()[i].key + "=" + params.text(i)});
  args.insert(args.end(), {"--runs", std::to_string(settings.runs), "--seed", std::to_string(settings.seed)});
  if (settings.backend == Backend::Cuda) args.insert(args.end(), {"--backend", "cuda"});
  args.insert(args.end(), {"--out", "results/" + demo_id});
  return args;
}

std::string cli_command(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  std::string cmd;
  for (const std::string& a : cli_args(demo_id, params, settings)) cmd += (cmd.empty() ? "" : " ") + shell_quote(a);
  return cmd;
}

std::string cluster_script(const std::string& demo_id, const ParamSet& params, const RunSettings& settings, int tasks) {
  tasks = std::max(1, std::min(tasks, kMaxClusterTasks));
  const bool cuda = settings.backend == Backend::Cuda;
  const std::string n = std::to_string(tasks);
  std::string script =
      "#!/bin/bash\n"
      "# KL Lab: " + demo_id + " at full scale on " + n + " MPI tasks under Slurm. Submit: sbatch <this file>\n"
      "# The runs are split over the tasks in fixed blocks merged in order: summary.json and curves.csv\n"
      "# are byte for byte those of the same command in one process (timing aside).\n"
      "# Preempted or out of time, klab saves its completed blocks (SIGTERM below, 2 minutes before the\n"
      "# limit); the requeued job's --resume continues from them.\n";
  if (cuda) script += "# --backend cuda: one GPU per task (each task drives the one GPU it sees; on a node of several\n"
                      "# GPUs without --gpus-per-task, klab gives each task its node-local rank's GPU), and a few cores\n"
                      "# for the engines' host side (the records' aggregation, and some demos' exact evaluations).\n";
  script +=
      "#SBATCH --job-name=klab-" + demo_id + "\n"
      "#SBATCH --ntasks=" + n + "\n"
      "#SBATCH --cpus-per-task=" + (cuda ? "8\n#SBATCH --gpus-per-task=1\n" : "1\n") +
      "#SBATCH --time=01:00:00\n"
      "#SBATCH --signal=TERM@120\n"
      "#SBATCH --requeue\n"
      "#SBATCH --output=klab-" + demo_id + "-%j.log\n"
      "set -euo pipefail\n"
      "srun " + cli_command(demo_id, params, settings) + (cuda ? "" : " --threads 1") + " --resume\n";
  return script;
}

std::string config_json(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  json j;
  j["demo"] = demo_id;
  j["params"] = params_to_json(params);
  j["runs"] = settings.runs;
  j["seed"] = settings.seed;
  j["threads"] = settings.threads;
  j["backend"] = backend_name(settings.backend);
  j["command"] = cli_command(demo_id, params, settings);
  return j.dump(2) + "\n";
}

std::string summary_json(const std::string& demo_id, const ParamSet& params, const BatchResult& r) {
  json j;
  j["demo"] = demo_id;
  j["params"] = params_to_json(params);
  j["runs"] = r.runs_done;
  j["seed"] = r.seed;
  json series = json::object();
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    json metrics = json::object();
    for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) metrics[r.layout.final_metrics[m]] = stat_json(r.final_stat(s, m));
    series[r.layout.series[s]] = metrics;
  }
  j["series"] = series;
  j["timing"] = json{{"seconds", r.seconds}, {r.layout.work_unit + "_per_second", r.work_per_second()}};
  return j.dump(2) + "\n";
}

std::string curves_csv(const BatchResult& r) {
  std::string out = "series,metric,x_name,x,mean,stderr,ci95_lo,ci95_hi\n";
  for (size_t s = 0; s < r.layout.series.size(); ++s)
    for (size_t m = 0; m < r.layout.curves.size(); ++m) {
      const CurveAxis& axis = r.layout.axes[r.layout.curves[m].axis];
      for (size_t k = 0; k < axis.x.size(); ++k) {
        const RunningStat& st = r.curve_stat(s, m, k);
        if (st.count() == 0) continue;
        out += plot::csv_field(r.layout.series[s]) + "," + plot::csv_field(r.layout.curves[m].name) + "," +
               plot::csv_field(axis.label) + "," + format_real(axis.x[k]) + "," + format_real(st.mean()) + "," + format_real(st.sem()) + "," +
               format_real(st.mean() - st.ci95()) + "," + format_real(st.mean() + st.ci95()) + "\n";
      }
    }
  return out;
}

Status write_run_outputs(ResultFolder& folder, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result) {
  return folder.publish({
      {"config.json", config_json(demo_id, experiment.params(), settings)},
      {"summary.json", summary_json(demo_id, experiment.params(), result)},
      {"curves.csv", curves_csv(result)},
      {"figure.svg", plot::render_svg(experiment.figure(result))},
  });
}

Status write_run_outputs(const std::string& dir, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result, bool overwrite) {
  Expected<std::unique_ptr<ResultFolder>> folder = ResultFolder::claim(dir, overwrite);
  if (!folder.ok()) return folder.status();
  return write_run_outputs(*folder.value(), demo_id, experiment, settings, result);
}

}  // namespace klab
