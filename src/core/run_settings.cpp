#include "core/run_settings.hpp"

#include "core/number_text.hpp"

namespace klab {
namespace {

// "<name> must be an integer in [lo, hi]<extra> (got 'text'[, which ...])"
Status integer_error(const char* name, const std::string& range, const std::string& text, NumberProblem problem) {
  const std::string why = number_problem_note(problem);
  const std::string got = text.empty() ? "an empty value" : "'" + text + "'" + (why.empty() ? "" : ", which " + why);
  return Status::error(std::string(name) + " must be an integer in " + range + " (got " + got + ")");
}

}  // namespace

Status parse_seed(const std::string& text, uint64_t* seed) {
  const NumberProblem p = parse_unsigned_text(text, UINT64_MAX, seed);
  return p == NumberProblem::None ? Status() : integer_error("seed", "[0, 18446744073709551615]", text, p);
}

Status parse_runs(const std::string& text, uint32_t* runs) {
  uint64_t v = 0;
  NumberProblem p = parse_unsigned_text(text, kMaxRuns, &v);
  if (p == NumberProblem::None && v < 1) p = NumberProblem::OutOfRange;
  if (p != NumberProblem::None) return integer_error("runs", "[1, " + std::to_string(kMaxRuns) + "]", text, p);
  *runs = static_cast<uint32_t>(v);
  return {};
}

Status parse_threads(const std::string& text, int* threads) {
  uint64_t v = 0;
  const NumberProblem p = parse_unsigned_text(text, static_cast<uint64_t>(kMaxThreads), &v);
  if (p != NumberProblem::None)
    return integer_error("threads", "[0, " + std::to_string(kMaxThreads) + "] (0 = all cores)", text, p);
  *threads = static_cast<int>(v);
  return {};
}

Status parse_backend(const std::string& text, Backend* backend) {
  if (text == "cpu") *backend = Backend::Cpu;
  else if (text == "cuda") *backend = Backend::Cuda;
  else return Status::error("backend must be one of cpu, cuda (got '" + text + "')");
  return {};
}

RunSettings resolve_settings(const GivenSettings& flags, const GivenSettings& config, uint32_t demo_default_runs) {
  RunSettings s;
  s.seed = flags.seed.value_or(config.seed.value_or(s.seed));
  s.runs = flags.runs.value_or(config.runs.value_or(demo_default_runs));
  s.threads = flags.threads.value_or(config.threads.value_or(s.threads));
  s.backend = flags.backend.value_or(config.backend.value_or(s.backend));
  return s;
}

const char* backend_name(Backend b) { return b == Backend::Cuda ? "cuda" : "cpu"; }

}  // namespace klab
