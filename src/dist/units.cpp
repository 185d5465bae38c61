#include "dist/units.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace klab {

bool cuda_units_on_cpu() {
  static const bool on = [] {
    const char* v = std::getenv("KLAB_CUDA_UNITS_ON_CPU");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return on;
}

UnitOutcome compute_unit(const Experiment& experiment, const RunLayout& layout, uint64_t seed, uint32_t runs, Backend backend,
                         uint32_t first, uint32_t count, const std::function<bool()>& keep_going) {
  const auto t0 = std::chrono::steady_clock::now();
  UnitOutcome u;
  if (backend == Backend::Cuda && !cuda_units_on_cpu()) {
    const Status s = experiment.run_cuda_blocks(seed, runs, first, first + count, &u.blocks);
    if (!s.ok()) u.kind = UnitOutcome::Failed, u.error = s.message();
    else if (u.blocks.size() != count) u.kind = UnitOutcome::Failed, u.error = "the CUDA engine returned the wrong number of blocks";
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

uint32_t UnitSizer::next(uint32_t remaining, int ranks) const {
  if (backend_ == Backend::Cpu || remaining <= 1) return std::min<uint32_t>(1, remaining);
  // Doubling from one block until a unit takes about kCudaUnitSeconds (a first launch also pays the
  // context and module load), then the rate's worth of kCudaUnitSeconds.
  double size = largest_ == 0 ? 1.0 : 2.0 * largest_;
  if (blocks_per_second_ > 0) size = std::min(size, std::max(1.0, blocks_per_second_ * kCudaUnitSeconds));
  const uint32_t share = (remaining + static_cast<uint32_t>(ranks) - 1) / static_cast<uint32_t>(ranks);  // the tail, split evenly
  return std::max<uint32_t>(1, std::min<uint32_t>({static_cast<uint32_t>(std::min(size, 4e9)), share, remaining}));
}

void UnitSizer::observe(uint32_t blocks, double seconds) {
  largest_ = std::max(largest_, blocks);
  if (seconds > 0) blocks_per_second_ = blocks / seconds;
}

}  // namespace klab
