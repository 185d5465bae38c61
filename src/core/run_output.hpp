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
#include <vector>

#include "core/batch.hpp"
#include "core/json_reader.hpp"
#include "core/registry.hpp"
#include "core/result_folder.hpp"
#include "core/run_settings.hpp"

namespace klab {

nlohmann::json params_to_json(const ParamSet& params);
// Every key must be known and every value valid, of the JSON type params_to_json writes (numbers
// read from their text by the strict parsers); errors name the field and its range. Atomic: on
// any error nothing changes.
Status params_from_json(ParamSet& params, const JsonValue& object);
// The same for an in-memory document (its numbers in their shortest exact text).
Status params_from_json(ParamSet& params, const nlohmann::json& object);

// The arguments of `klab run <id> --set k=v ... --runs N --seed S [--backend cuda] --out results/<id>`
// that rerun a configuration, and the same as one shell-quoted command line.
std::vector<std::string> cli_args(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);
std::string cli_command(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);
// The browser's "Copy cluster script": a Slurm batch script running the same command under srun
// on `tasks` MPI tasks (1 .. kMaxClusterTasks), with --resume so that a preempted, requeued job
// continues from its checkpoint. MPI ranks run the CPU engine (a CUDA setting is left out and the
// script says so). Results are bit-identical to the single-process command (README, "Running on a
// cluster").
constexpr int kMaxClusterTasks = 100000;
std::string cluster_script(const std::string& demo_id, const ParamSet& params, const RunSettings& settings, int tasks);
// One argument as a POSIX shell reads it back ('…' where needed).
std::string shell_quote(const std::string& s);

std::string config_json(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);
std::string summary_json(const std::string& demo_id, const ParamSet& params, const BatchResult& result);
std::string curves_csv(const BatchResult& result);

// Publishes the four files as the claimed result folder (core/result_folder.hpp: all four or none,
// never a mix with an earlier run's files).
Status write_run_outputs(ResultFolder& folder, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result);
// Claims `dir` (refusing an earlier run's results unless `overwrite`) and publishes into it.
Status write_run_outputs(const std::string& dir, const std::string& demo_id, const Experiment& experiment,
                         const RunSettings& settings, const BatchResult& result, bool overwrite);

}  // namespace klab
