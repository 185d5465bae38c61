// offline.weighting on the batched engine (weighting_engine.hpp): the plain-data config and pool of a
// batch, and each run's record from its learners' final Q tables, as WeightingExperiment::run writes
// it (the datasets, behaviour cloning, the greedy policies and their exact evaluations run here, on
// the host). WeightingExperiment::run_cuda_blocks (weighting_cuda.cpp) is built from these; the unit
// test compares the host twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/experiment.hpp"
#include "offline/weighting_engine.hpp"
#include "offline/weighting_experiment.hpp"

namespace klab::offline {

// The config of the experiment's parameters (every method runs: the CQL ones on the engine, behaviour
// cloning on the host), or an error naming what it cannot hold (no CQL method: nothing to train).
Expected<WeightingBatchConfig> weighting_batch_config(const WeightingExperiment& e);

// Runs first_run .. first_run + runs − 1 built on this CPU (WeightingRun: world, optimum, datasets and
// draw probabilities; no CQL learners, WeightingLearners::Engine) and the pool the engine reads.
struct WeightingBatch {
  std::vector<std::unique_ptr<WeightingRun>> runs;
  WeightingPool pool;
};
Expected<WeightingBatch> weighting_batch(const WeightingExperiment& e, const WeightingBatchConfig& cfg, uint64_t seed, uint32_t first_run,
                                         uint32_t runs);

// Run r's record (r counted from the batch's first run) from its learners' final Q tables
// (cfg.n_learners × cfg.n_shares × max_pairs, weighting_engine.hpp's layout).
void fill_weighting_record(const WeightingExperiment& e, const WeightingBatchConfig& cfg, const WeightingBatch& batch, uint32_t r, const double* q,
                           RunRecord& out);

}  // namespace klab::offline
