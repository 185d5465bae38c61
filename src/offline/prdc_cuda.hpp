// offline.prdc on the batched engine (prdc_engine.hpp): the plain-data config and pool of a batch, and
// each run's record from its learners' checks, as PrdcExperiment's cursor writes it (the datasets, their
// measures, KD-trees, evaluation states and the expert's return are made here, on the host).
// PrdcExperiment::run_cuda_blocks (prdc_cuda.cpp) is built from these; the unit test compares the
// host twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/experiment.hpp"
#include "offline/prdc_engine.hpp"
#include "offline/prdc_experiment.hpp"

namespace klab::offline {

// The config of the experiment's parameters (every method runs on the engine), or an error naming
// what it cannot hold.
Expected<PrdcBatchConfig> prdc_batch_config(const PrdcExperiment& e);

// Runs first_run .. first_run + runs − 1 built on this CPU (PrdcRun without learners: dataset,
// measures, KD-tree, evaluation states) and the pool the engine reads.
struct PrdcBatch {
  std::vector<std::unique_ptr<PrdcRun>> runs;
  PrdcPool pool;
};
PrdcBatch prdc_batch(const PrdcExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs);

// Run r's record (r counted from the batch's first run) from its learners' checks (cfg.n_series ×
// cfg.n_checkpoints, prdc_engine.hpp's layout).
void fill_prdc_record(const PrdcBatchConfig& cfg, const PrdcBatch& batch, uint32_t r, const Td3Check* checks, RunRecord& out);

}  // namespace klab::offline
