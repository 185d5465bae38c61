// A config.json read back (`klab run --config FILE`), field by field.
//
// A config holds demo (required), params, runs, seed, threads, backend and command; any other
// field is refused by name. "command" is informational: the command line that reran the config
// when it was written, for a person to read; it is checked to be a string and never applied
// (the other fields say everything it says). Numbers are read by the same strict parsers as the
// command line (core/number_text.hpp): "runs": 1e3 is 1000 there as it is in `--runs 1e3`.
// How a config combines with flags: resolve_settings (core/run_settings.hpp) and the CLI.
#pragma once
#include <string>
#include <string_view>

#include "core/json_reader.hpp"
#include "core/run_settings.hpp"

namespace klab {

struct RunConfig {
  std::string demo;
  JsonValue params;  // an object (empty when the config has none); applied by params_from_json
  GivenSettings settings;
};

// Errors name the field and its allowed values: "\"runs\" must be an integer in [1, 10000000] (got '0')".
Expected<RunConfig> parse_run_config(std::string_view text);
// The file at `path`, read only up to the JSON size limit.
Expected<RunConfig> read_run_config(const std::string& path);

}  // namespace klab
