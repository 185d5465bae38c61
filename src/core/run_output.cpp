#include "core/run_output.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

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

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._-,=+/:", c) != nullptr);
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Status make_dirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!path.empty() && mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        return Status::error("cannot create directory '" + path + "': " + std::strerror(errno));
    }
    if (i < dir.size()) path += dir[i];
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Status::error("'" + dir + "' is not a directory");
  return {};
}

Status write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error("cannot write '" + tmp + "': " + std::strerror(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return Status::error("writing '" + path + "' failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::error("cannot rename '" + tmp + "': " + std::strerror(errno));
  return {};
}

// The JSON type of each kind, as params_to_json writes it: numbers, true/false, an id string,
// arrays of numbers or of ids.
bool json_type_fits(ParamKind kind, const json& v) {
  auto all_of = [&v](bool (json::*is)() const noexcept) {
    for (const json& e : v)
      if (!(e.*is)()) return false;
    return true;
  };
  switch (kind) {
    case ParamKind::Real:
    case ParamKind::Integer: return v.is_number();
    case ParamKind::Boolean: return v.is_boolean();
    case ParamKind::Choice: return v.is_string();
    case ParamKind::RealList: return v.is_array() && all_of(&json::is_number);
    case ParamKind::MultiChoice: return v.is_array() && all_of(&json::is_string);
    case ParamKind::Text: return v.is_string();
  }
  return false;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
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

Status params_from_json(ParamSet& params, const json& object) {
  if (!object.is_object()) return Status::error("\"params\" must be a JSON object");
  std::vector<std::pair<std::string, std::string>> texts;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const int i = params.find(it.key());
    if (i < 0) return params.set_texts({{it.key(), ""}});  // its message lists the known keys
    const ParamSpec& spec = params.specs()[static_cast<size_t>(i)];
    const json& v = it.value();
    if (!json_type_fits(spec.kind, v))
      return Status::error("parameter '" + spec.key + "' must be " + describe_range(spec) + " (got a JSON " +
                           v.type_name() + ")");
    std::string text;
    if (v.is_array()) {
      for (size_t k = 0; k < v.size(); ++k)
        text += (k ? "," : "") + (v[k].is_string() ? v[k].get<std::string>() : format_real(v[k].get<double>()));
    } else if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_integer()) {
      text = v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : std::to_string(v.get<int64_t>());
    } else {
      text = format_real(v.get<double>());
    }
    texts.emplace_back(it.key(), text);
  }
  return params.set_texts(texts);
}

std::string cli_command(const std::string& demo_id, const ParamSet& params, const RunSettings& settings) {
  std::string cmd = "klab run " + demo_id;
  for (size_t i = 0; i < params.specs().size(); ++i)
    cmd += " --set " + shell_quote(params.specs()[i].key + "=" + params.text(i));
  cmd += " --runs " + std::to_string(settings.runs) + " --seed " + std::to_string(settings.seed);
  if (settings.backend == Backend::Cuda) cmd += " --backend cuda";
  cmd += " --out results/" + demo_id;
  return cmd;
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

Status write_run_outputs(const std::string& dir, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result, bool overwrite) {
  Status s = make_dirs(dir);
  if (!s.ok()) return s;
  const std::string summary = dir + "/summary.json";
  if (!overwrite && file_exists(summary))
    return Status::error("'" + dir + "' already holds results (" + summary +
                         "); choose another --out directory or pass --overwrite to replace them");
  const std::pair<std::string, std::string> files[] = {
      {"config.json", config_json(demo_id, experiment.params(), settings)},
      {"curves.csv", curves_csv(result)},
      {"figure.svg", plot::render_svg(experiment.figure(result))},
      {"summary.json", summary_json(demo_id, experiment.params(), result)},  // last: marks a complete run
  };
  for (const auto& [name, text] : files) {
    s = write_atomically(dir + "/" + name, text);
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace klab
