#include "core/run_settings.hpp"

#include "core/params.hpp"

namespace klab {
namespace {

bool parse_u64(const std::string& t, uint64_t* out) {
  if (t.empty() || t.size() > 20) return false;
  uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

Status parse_seed(const std::string& text, uint64_t* seed) {
  if (!parse_u64(text, seed))
    return Status::error("seed must be an integer in [0, 18446744073709551615] (got '" + text + "')");
  return {};
}

Status parse_runs(const std::string& text, uint32_t* runs) {
  double x;
  if (!parse_real(text, &x) || x != static_cast<double>(static_cast<long long>(x)) || x < 1 || x > kMaxRuns)
    return Status::error("runs must be an integer in [1, " + std::to_string(kMaxRuns) + "] (got '" + text + "')");
  *runs = static_cast<uint32_t>(x);
  return {};
}

Status parse_threads(const std::string& text, int* threads) {
  uint64_t v;
  if (!parse_u64(text, &v) || v > static_cast<uint64_t>(kMaxThreads))
    return Status::error("threads must be an integer in [0, " + std::to_string(kMaxThreads) + "], 0 = all cores (got '" +
                         text + "')");
  *threads = static_cast<int>(v);
  return {};
}

Status parse_backend(const std::string& text, Backend* backend) {
  if (text == "cpu") *backend = Backend::Cpu;
  else if (text == "cuda") *backend = Backend::Cuda;
  else return Status::error("backend must be one of cpu, cuda (got '" + text + "')");
  return {};
}

const char* backend_name(Backend b) { return b == Backend::Cuda ? "cuda" : "cpu"; }

}  // namespace klab
