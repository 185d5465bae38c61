// Fuzz target: config files (core/json_reader.hpp, core/run_config.hpp, params_from_json).
//   - any text: a document or a message, never a crash (limits before parsing, no recursion);
//   - a config that applies: config.json written for it reads back to the same demo, parameters
//     and settings, and is written again byte for byte (a fixed point);
//   - a config whose parameters are refused changes nothing.
// Input: the file's text.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/run_config.hpp"
#include "core/run_output.hpp"
#include "fuzz_util.hpp"

using namespace klab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Expected<RunConfig> config = parse_run_config(text);
  if (!config.ok()) {
    KLAB_FUZZ_CHECK(!config.error().empty(), "a refusal has a message");
    return 0;
  }
  const DemoInfo* demo = fuzz::catalog().find(config.value().demo);
  if (!demo) return 0;
  std::unique_ptr<Experiment> e = demo->make();
  const std::vector<std::string> before = fuzz::texts(e->params());
  const uint64_t version = e->params().version();
  if (!params_from_json(e->params(), config.value().params).ok()) {
    KLAB_FUZZ_CHECK(fuzz::texts(e->params()) == before && e->params().version() == version, "a refused config changed nothing");
    return 0;
  }
  const RunSettings settings = resolve_settings({}, config.value().settings, demo->default_runs);
  const std::string written = config_json(demo->id, e->params(), settings);
  const Expected<RunConfig> again = parse_run_config(written);
  KLAB_FUZZ_CHECK(again.ok(), "a written config reads back: " + again.error());
  KLAB_FUZZ_CHECK(again.value().demo == demo->id, "demo round trip");
  std::unique_ptr<Experiment> back = demo->make();
  KLAB_FUZZ_CHECK(params_from_json(back->params(), again.value().params).ok(), "written parameters apply");
  KLAB_FUZZ_CHECK(fuzz::same_values(e->params(), back->params()), "parameters round trip");
  const RunSettings settings_back = resolve_settings({}, again.value().settings, demo->default_runs);
  KLAB_FUZZ_CHECK(settings_back.seed == settings.seed && settings_back.runs == settings.runs &&
                      settings_back.threads == settings.threads && settings_back.backend == settings.backend,
                  "settings round trip");
  KLAB_FUZZ_CHECK(config_json(demo->id, back->params(), settings_back) == written, "config.json is a fixed point");
  return 0;
}
