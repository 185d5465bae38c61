// mdp.learning on the batched TD engine (engine.hpp): the plain-data config and world pool of a
// batch, and each run's record from its outcomes, as LearningExperiment's CPU cursor writes it.
// LearningExperiment::run_cuda_blocks (learning_cuda.cpp) is built from these; the unit test compares the
// host twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>

#include "core/experiment.hpp"
#include "mdp/engine.hpp"
#include "mdp/learning_experiment.hpp"

namespace klab::mdp {

// The config of the experiment's parameters: one job per control learner, 1 + 6 per trace
// evaluator (the learning-curve λ and the λ grid), as LearningCursor runs them.
Expected<TdBatchConfig> td_batch_config(const LearningExperiment& e);
// The worlds of runs first_run .. first_run + runs − 1 (built and solved on this CPU: rescaled
// rewards, Q*_h, V*_0(ρ), reachable stage-states, UCBVI's L; π, μ and V(ρ; π) when an evaluator
// runs), consecutive runs of one world sharing an entry.
// A new world per run (random MDPs with vary_world) is built in blocks of kBlockRuns runs on
// `threads` threads (0: all cores, as BatchJob), appended in block order: the same pool, entry for
// entry and bit for bit, whatever the number of threads (unit test "mdp.learning engine: the world
// pool").
Expected<TdWorldPool> td_world_pool(const LearningExperiment& e, int horizon, double gamma, uint64_t seed, uint32_t first_run, uint32_t runs,
                                    int threads = 0);
// One run's record from its cfg.n_jobs outcomes (job j writes layout slot cfg.slot[j]).
void fill_td_record(const TdBatchConfig& cfg, const TdOutcome* outcome, RunRecord& out);

}  // namespace klab::mdp
