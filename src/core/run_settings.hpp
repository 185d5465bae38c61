// Settings of a batch run that are not demo parameters: seed, number of runs, threads, backend.
// Their ranges are declared here once and used by the CLI, the URL codec and the UI.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.hpp"

namespace klab {

enum class Backend { Cpu, Cuda };

struct RunSettings {
  uint64_t seed = 1;
  uint32_t runs = 100;
  int threads = 0;  // 0: all cores
  Backend backend = Backend::Cpu;
};

// The settings one source gives (the command line, a config file); unset: not given there.
struct GivenSettings {
  std::optional<uint64_t> seed;
  std::optional<uint32_t> runs;
  std::optional<int> threads;
  std::optional<Backend> backend;
};

// The one precedence rule, field by field: a command-line flag, else the config file, else the
// default (seed 1, the demo's default number of runs, all cores, cpu).
RunSettings resolve_settings(const GivenSettings& flags, const GivenSettings& config, uint32_t demo_default_runs);

constexpr uint32_t kMaxRuns = 10000000;
constexpr int kMaxThreads = 1024;

// "--seed 7", "seed=7" in the URL: integers 0 .. 2^64-1, strictly parsed.
Status parse_seed(const std::string& text, uint64_t* seed);
// 1 .. kMaxRuns.
Status parse_runs(const std::string& text, uint32_t* runs);
Status parse_threads(const std::string& text, int* threads);
Status parse_backend(const std::string& text, Backend* backend);
const char* backend_name(Backend b);

}  // namespace klab
