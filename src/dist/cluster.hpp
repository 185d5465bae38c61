// Where a job's blocks run: one process (threads), or the ranks of an MPI job (`mpirun -np N klab
// run …`, `srun -n N klab run …`). The CLI (src/app/cli.cpp, sweep.cpp) runs every job through
// Cluster, so one code path serves both; the algorithms and the batch engine know nothing of MPI.
//
// A job is a list of points (one for `klab run`, the grid for `klab sweep`), each an experiment with
// `runs` runs of `seed` that may already have a prefix of blocks done (a checkpoint). The unit of
// work is a unit of blocks of one point (units.hpp: one block on the CPU engine, a few seconds' worth
// on the CUDA engine): in one process the points run one after another (on BatchJob's threads, or
// unit after unit on the GPU); under MPI rank 0 hands out units one at a time to whichever rank asks
// (faster ranks take more), computes units itself between its answers, and merges each point's
// blocks in block order. Either way each point's statistics are the in-order merge of its blocks
// (core/batch.hpp), so the result is bit-identical however many ranks or threads ran it. With the
// CUDA engine each rank drives one GPU (app/gpu.hpp's select_cuda_device, by node-local rank).
//
// Every rank parses the same command line and builds the same points; only rank 0 (the leader)
// reads or writes files, prints, and learns the outcome.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/run_settings.hpp"

namespace klab {

struct PointJob {
  const Experiment* experiment = nullptr;  // its parameters set for this point
  BlockPrefix start;                       // blocks already done (empty: none)
};

struct JobOutcome {
  std::vector<BlockPrefix> points;  // each point's merged blocks (complete or a prefix)
  bool complete = false;            // every block of every point is merged
  std::string error;                // why the job stopped short, when a unit failed (a CUDA error), else ""
};

class Cluster {
 public:
  // This process's place: under an MPI launcher in an MPI build (KLAB_MPI), the world; otherwise
  // one process of one rank. Initialised on first use, finalised at exit.
  static Cluster& get();
  virtual ~Cluster() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool leader() const { return rank() == 0; }
  // The node-local rank (OMPI_COMM_WORLD_LOCAL_RANK, SLURM_LOCALID; 0 alone): which GPU to drive.
  virtual int local_rank() const = 0;
  // The leader's `code` on every rank (0: go on; anything else: every rank stops with it).
  virtual int agree(int code) = 0;
  // The largest of every rank's `code` on every rank (a check each rank makes, e.g. its GPU).
  virtual int agree_all(int code) = 0;
  // Runs every block not yet done on `backend`'s engine. On the leader the outcome; elsewhere an
  // empty one. `progress` (leader only) gets the fraction of the whole job's work done. When `*stop`
  // becomes true on the leader (a signal), or a unit fails on any rank, handing out stops and the
  // ranks' unfinished units are abandoned.
  virtual JobOutcome run(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads, Backend backend,
                         const std::function<void(double)>& progress, const std::atomic<bool>* stop) = 0;
  // A short description for messages: "3 MPI ranks" or "1 process".
  virtual std::string describe() const = 0;
};

// The points one after another on this process: on BatchJob's threads (CPU), or unit after unit on
// the GPU (CUDA).
JobOutcome run_points_locally(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads, Backend backend,
                              const std::function<void(double)>& progress, const std::atomic<bool>* stop);
// The fraction of a job's work that the points' prefixes hold (weights: runs × work per run).
double work_fraction(const std::vector<PointJob>& points, const std::vector<BlockPrefix>& done, uint32_t runs);

}  // namespace klab
