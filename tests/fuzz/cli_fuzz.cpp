// Fuzz target: `klab run` flags (app/cli.hpp: parse_run_args and plan_run; nothing is run or
// written). A request that plans: the arguments that rerun it (cli_args, the browser's "Copy CLI
// command") plan to the same demo, parameters, runs, seed and backend, and give the same
// arguments again. A refused request has a message.
// Input: the arguments, one per line. Requests naming --config are skipped (no file is read).
#include <cstdint>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "core/run_output.hpp"
#include "fuzz_util.hpp"

using namespace klab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') args.emplace_back();
    else args.back() += static_cast<char>(data[i]);
  }
  for (const std::string& a : args)
    if (a == "--config") return 0;
  const Expected<RunRequest> request = parse_run_args(args);
  if (!request.ok()) {
    KLAB_FUZZ_CHECK(!request.error().empty(), "a refusal has a message");
    return 0;
  }
  const Expected<RunPlan> plan = plan_run(request.value(), fuzz::catalog());
  if (!plan.ok()) {
    KLAB_FUZZ_CHECK(!plan.error().empty(), "a refusal has a message");
    return 0;
  }
  const RunPlan& p = plan.value();
  const std::vector<std::string> rerun = cli_args(p.demo->id, p.experiment->params(), p.settings);
  const Expected<RunRequest> request_back = parse_run_args(std::vector<std::string>(rerun.begin() + 2, rerun.end()));
  KLAB_FUZZ_CHECK(request_back.ok(), "the rerun arguments parse: " + request_back.error());
  const Expected<RunPlan> back = plan_run(request_back.value(), fuzz::catalog());
  KLAB_FUZZ_CHECK(back.ok(), "the rerun arguments plan: " + back.error());
  const RunPlan& q = back.value();
  KLAB_FUZZ_CHECK(q.demo == p.demo, "demo round trip");
  KLAB_FUZZ_CHECK(fuzz::same_values(p.experiment->params(), q.experiment->params()), "parameters round trip");
  KLAB_FUZZ_CHECK(q.settings.runs == p.settings.runs && q.settings.seed == p.settings.seed &&
                      q.settings.backend == p.settings.backend,
                  "settings round trip");
  KLAB_FUZZ_CHECK(cli_args(q.demo->id, q.experiment->params(), q.settings) == rerun, "the rerun arguments are a fixed point");
  return 0;
}
