#include "dist/units.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace klab {

namespace {

struct UnitsHook {
  bool on = false;
  uint64_t fail_block = ~uint64_t{0};  // fail@B
};

const UnitsHook& units_hook() {
  static const UnitsHook hook = [] {
    UnitsHook h;
    const char* v = std::getenv("KLAB_CUDA_UNITS_ON_CPU");
    h.on = v && *v && std::strcmp(v, "0") != 0;
    if (h.on && std::strncmp(v, "fail@", 5) == 0) h.fail_block = std::strtoull(v + 5, nullptr, 10);
    return h;
  }();
  return hook;
}

}  // namespace

bool cuda_units_on_cpu() { return units_hook().on; }

size_t block_bytes(const RunLayout& layout) { return 24 * (layout.curve_slots() + layout.final_slots()); }

UnitOutcome compute_unit(const Experiment& experiment, const RunLayout& layout, uint64_t seed, uint32_t runs, Backend backend,
                         uint32_t first, uint32_t count, const std::function<bool()>& keep_going) {
  const auto t0 = std::chrono::steady_clock::now();
  UnitOutcome u;
  if (backend == Backend::Cuda && !cuda_units_on_cpu()) {
    const Status s = experiment.run_cuda_blocks(seed, runs, first, first + count, &u.blocks);
    if (!s.ok()) u.kind = UnitOutcome::Failed, u.error = s.message();
    else if (u.blocks.size() != count) u.kind = UnitOutcome::Failed, u.error = "the CUDA engine returned the wrong number of blocks";
  } else if (backend == Backend::Cuda && units_hook().fail_block >= first && units_hook().fail_block < first + count) {
    u.kind = UnitOutcome::Failed, u.error = "test hook: the unit of block " + std::to_string(units_hook().fail_block) + " failed";
  } else {
    const bool stoppable = backend == Backend::Cpu;  // a GPU launch is not interrupted: neither is its stand-in
    for (uint32_t b = first; b < first + count; ++b) {
      SlotStats stats;
      if (!run_block(experiment, layout, seed, runs, b, &stats, stoppable ? keep_going : std::function<bool()>{})) {
        u.kind = UnitOutcome::Abandoned;
        break;
      }
      u.blocks.push_back(std::move(stats));
    }
  }
  u.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return u;
}

uint32_t UnitSizer::next(uint32_t in_range, uint64_t in_job, int ranks) const {
  if (backend_ == Backend::Cpu || in_range <= 1) return std::min<uint32_t>(1, in_range);
  // Doubling from one block until a unit takes about kCudaUnitSeconds (a first launch also pays the
  // context and module load), then the rate's worth of kCudaUnitSeconds; never more than
  // kMaxUnitBytes of statistics, nor more than the job's blocks left shared between the ranks.
  double size = largest_ == 0 ? 1.0 : 2.0 * largest_;
  if (blocks_per_second_ > 0) size = std::min(size, blocks_per_second_ * kCudaUnitSeconds);
  size = std::min(size, static_cast<double>(kMaxUnitBytes / std::max<size_t>(1, bytes_per_block_)));
  size = std::min(size, std::ceil(static_cast<double>(in_job) / std::max(1, ranks)));
  return static_cast<uint32_t>(std::max(1.0, std::min(size, static_cast<double>(in_range))));
}

void UnitSizer::observe(uint32_t blocks, double seconds) {
  largest_ = std::max(largest_, blocks);
  if (seconds > 0) blocks_per_second_ = blocks / seconds;
}

}  // namespace klab
