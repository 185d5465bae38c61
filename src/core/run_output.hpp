// What a batch run writes, in the forms fixed by DESIGN.md:
//   config.json   everything needed to rerun: demo, params, runs, seed, threads, backend, command
//   summary.json  {"demo", "params", "runs", "seed", "series": {name: {metric: {mean, stderr}}},
//                  "timing": {"seconds", "<unit>_per_second"}}
//   curves.csv    tidy: series,metric,x_name,x,mean,stderr,ci95_lo,ci95_hi
//   figure.svg    the experiment's figure
// plus the "Copy CLI command" text and the JSON form of parameters (config.json is also accepted
// back by `klab run --config`).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/batch.hpp"
#include "core/registry.hpp"
#include "core/run_settings.hpp"

namespace klab {

nlohmann::json params_to_json(const ParamSet& params);
// Every key must be known and every value valid; errors name the field and its range.
Status params_from_json(ParamSet& params, const nlohmann::json& object);

// `klab run <id> --set k=v ... --runs N --seed S --out results/<id>` (shell-quoted where needed).
std::string cli_command(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);

std::string config_json(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);
std::string summary_json(const std::string& demo_id, const ParamSet& params, const BatchResult& result);
std::string curves_csv(const BatchResult& result);

// Writes the four files into `dir` (created if needed). Each file is written to a temporary name
// and renamed, so an interrupted run never leaves a half-written file. Refuses to replace an
// earlier run's results unless `overwrite`.
Status write_run_outputs(const std::string& dir, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result, bool overwrite);

}  // namespace klab
