// offline.edge_of_reach on the batched engine (engine.hpp): the plain-data config and pool of a
// batch, and each run's record from its learners' snapshots, as EdgeExperiment's CPU cursor writes
// it (the exact evaluations of the greedy policies run here, on the host).
// EdgeExperiment::run_cuda_blocks (edge_cuda.cpp) is built from these; the unit test compares the host
// twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/experiment.hpp"
#include "offline/edge_experiment.hpp"
#include "offline/engine.hpp"

namespace klab::offline {

// The config of the experiment's parameters (every method runs on the engine), or an error naming
// what it cannot hold.
Expected<EdgeBatchConfig> edge_batch_config(const EdgeExperiment& e);

// Runs first_run .. first_run + runs − 1 built on this CPU: their problems (world, optimum, dataset,
// measures) and edge-of-reach states, and the pool the engine reads.
struct EdgeBatch {
  std::vector<OfflineProblem> problems;
  std::vector<std::vector<int>> edges;
  EdgeWorldPool pool;
};
Expected<EdgeBatch> edge_batch(const EdgeExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs);

// Run r's record (r counted from the batch's first run) from its learners' snapshots (cfg.n_series ×
// cfg.n_snapshots × max_pairs, engine.hpp's layout).
void fill_edge_record(const EdgeBatchConfig& cfg, const EdgeBatch& batch, uint32_t r, const double* snapshots, RunRecord& out);

}  // namespace klab::offline
