// The `klab` command line (native and, for the wasm determinism test, under node):
//   klab list
//   klab run <demo-id> --help
//   klab run <demo-id> [--set key=value ...] [--config FILE] [--runs N] [--seed S] [--threads T]
//                      [--backend cpu|cuda] --out DIR [--overwrite] [--resume] [--quiet]
//   klab sweep <demo-id> --grid key=v1,v2,… [--grid …] [options] --out DIR   (app/sweep.hpp)
// Returns the process exit code: 0 on success, 2 on bad input or an unusable --out (with a
// message naming the flag or parameter and its allowed range; all of it is checked before any
// work), 1 when the run itself fails.
#pragma once
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/registry.hpp"
#include "core/run_settings.hpp"

namespace klab {

int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The arguments after `klab run`, parsed; nothing is read or written. Each flag may be given once
// (each --set key too); values are parsed strictly (core/number_text.hpp).
struct RunRequest {
  std::string demo_id, config_path, out_dir;
  std::vector<std::pair<std::string, std::string>> sets;  // --set key=value, in order
  GivenSettings flags;
  bool overwrite = false, quiet = false, help = false, resume = false;
};
// `more_options` are the caller's own flags (sweep's --grid), taken out of `args` before; they only
// widen the "did you mean" of an unknown option.
Expected<RunRequest> parse_run_args(const std::vector<std::string>& args, const std::vector<std::string>& more_options = {});

// What a request runs, by the one precedence rule: a command-line flag (or --set) overrides the
// same field of the --config file, which overrides the demo's defaults. Reads --config.
struct RunPlan {
  const DemoInfo* demo = nullptr;
  std::unique_ptr<Experiment> experiment;
  RunSettings settings;
};
Expected<RunPlan> plan_run(const RunRequest& request, const Registry& catalog);

// What a run computes, for its checkpoint: demo, params, runs, seed and the block size (threads,
// backend and ranks change how, not what).
nlohmann::json run_identity(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);

}  // namespace klab
