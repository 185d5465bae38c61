// The unit of a job's work, on either engine: blocks [first, first + count) of one point.
//   CPU engine: one block per unit (run_block), abandoned between runs when asked to stop.
//   CUDA engine: many blocks per unit in one Experiment::run_cuda_blocks call, as many as take about
//   kCudaUnitSeconds at the rate seen so far (doubling from one block), so a GPU gets large launches
//   while progress, checkpoints (SIGTERM) and the hand-out to MPI ranks still come every few seconds;
//   at most kMaxUnitBytes of block statistics (an MPI message, and the leader's copy).
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
constexpr size_t kMaxUnitBytes = size_t{256} << 20;

// The bytes of one block's statistics in a message: (count, mean, M2) per curve and final slot.
size_t block_bytes(const RunLayout& layout);

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
  // `bytes_per_block`: the largest block_bytes of the job's points.
  UnitSizer(Backend backend, size_t bytes_per_block) : backend_(backend), bytes_per_block_(bytes_per_block) {}
  // With `in_range` blocks left in the range it is cut from and `in_job` in the whole job, shared by
  // `ranks` ranks (the job's last units are split evenly between them).
  uint32_t next(uint32_t in_range, uint64_t in_job, int ranks) const;
  // A unit of `blocks` blocks took `seconds`.
  void observe(uint32_t blocks, double seconds);

 private:
  Backend backend_;
  size_t bytes_per_block_;
  uint32_t largest_ = 0;             // the largest unit seen
  double blocks_per_second_ = 0.0;   // the rate of the last unit
};

// A test hook, read once: KLAB_CUDA_UNITS_ON_CPU=1 computes the CUDA engine's units with run_block on
// the CPU, so the whole --backend cuda path (unit sizes, MPI hand-out, checkpoints) is tested on
// machines without a GPU (tests/cli/mpi.sh); KLAB_CUDA_UNITS_ON_CPU=fail@B makes the unit holding
// block B fail, as a CUDA error would. The CUDA engines themselves are checked by tests/cuda.
bool cuda_units_on_cpu();

}  // namespace klab
