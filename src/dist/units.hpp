// The unit of a job's work, on either engine: blocks [first, first + count) of one point.
//   CPU engine: one block per unit (run_block), abandoned between runs when asked to stop.
//   CUDA engine: many blocks per unit in one Experiment::run_cuda_blocks call, as many as take about
//   kCudaUnitSeconds at the rate seen so far (doubling from one block), so a GPU gets large launches
//   while progress, checkpoints (SIGTERM) and the hand-out to MPI ranks still come every few seconds.
// Either way each block's statistics are exactly what run_block computes, merged in block order by
// whoever collects them (run_points.cpp, cluster_mpi.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/run_settings.hpp"

namespace klab {

constexpr double kCudaUnitSeconds = 4.0;

struct UnitOutcome {
  enum Kind { Done, Abandoned, Failed } kind = Done;
  std::vector<SlotStats> blocks;  // Done: `count` blocks in order
  std::string error;              // Failed: what went wrong (a CUDA error)
  double seconds = 0.0;
};

// `keep_going` (CPU engine only) is asked between runs and slices; false abandons the unit.
UnitOutcome compute_unit(const Experiment& experiment, const RunLayout& layout, uint64_t seed, uint32_t runs, Backend backend,
                         uint32_t first, uint32_t count, const std::function<bool()>& keep_going = {});

// How many blocks the next unit holds.
class UnitSizer {
 public:
  explicit UnitSizer(Backend backend) : backend_(backend) {}
  // Of `remaining` blocks of a point, with `ranks` ranks sharing them (the last units split evenly).
  uint32_t next(uint32_t remaining, int ranks) const;
  // A unit of `blocks` blocks took `seconds`.
  void observe(uint32_t blocks, double seconds);

 private:
  Backend backend_;
  uint32_t largest_ = 0;             // the largest unit seen
  double blocks_per_second_ = 0.0;   // the rate of the last unit
};

// A test hook, read once: KLAB_CUDA_UNITS_ON_CPU=1 computes the CUDA engine's units with run_block on
// the CPU, so the whole --backend cuda path (unit sizes, MPI hand-out, checkpoints) is tested on
// machines without a GPU (tests/cli/mpi.sh). The CUDA engines themselves are checked by tests/cuda.
bool cuda_units_on_cpu();

}  // namespace klab
