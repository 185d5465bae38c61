// offline.dice on the batched engine (dice_engine.hpp): the plain-data config and pool of a batch,
// and each run's record from its learners' snapshots, as DiceExperiment's CPU cursor writes it (the
// policies, their exact evaluations and the walk back to the data run here, on the host).
// DiceExperiment::run_cuda_blocks (dice_cuda.cpp) is built from these; the unit test compares the
// host twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/experiment.hpp"
#include "offline/dice_engine.hpp"
#include "offline/dice_experiment.hpp"

namespace klab::offline {

// The config of the experiment's parameters (every method and feature set runs on the engine), or
// an error naming what it cannot hold.
Expected<DiceBatchConfig> dice_batch_config(const DiceExperiment& e);

// Runs first_run .. first_run + runs − 1 built on this CPU: their problems (world, optimum, dataset,
// measures) and the pool the engine reads.
struct DiceBatch {
  std::vector<OfflineProblem> problems;
  DiceWorldPool pool;
  std::vector<std::shared_ptr<const Features>> features;  // per pool world (the records' DiceRuns share them)
};
Expected<DiceBatch> dice_batch(const DiceExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs);

// Run r's record (r counted from the batch's first run, which is first_run) from its learners'
// snapshots (cfg.n_series × cfg.n_snapshots × snapshot_stride, dice_engine.hpp's layout).
void fill_dice_record(const DiceExperiment& e, const DiceBatchConfig& cfg, const DiceBatch& batch, uint64_t seed, uint32_t first_run, uint32_t r,
                      const double* snapshots, RunRecord& out);

}  // namespace klab::offline
