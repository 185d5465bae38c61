// mdp.planning on the batched value iteration engine (vi_engine.hpp): the plain-data config and MDP
// pool of a batch, and each run's record from its outcome and policy log, filled by PlanRecorder
// as the CPU cursor fills it. PlanningExperiment::run_cuda_blocks (planning_cuda.cpp) is built from
// these; the unit test compares the host twin's records with the CPU engine's through them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/experiment.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/vi_engine.hpp"

namespace klab::mdp {

// The config of the experiment's parameters, or an error naming the methods the engine does not
// run (it runs "vi" only). max_policies: the size of a run's policy log, 2 … kMaxViPolicies (tests
// make it small), refused outside.
Expected<ViBatchConfig> vi_batch_config(const PlanningExperiment& e, int max_policies = kMaxViPolicies);
// The MDPs of runs first_run .. first_run + runs − 1 with their V*(ρ) and max|V*| (solve_optimal on
// this CPU), consecutive runs of one world sharing an entry; a world per run is built on `threads`
// threads (0: all cores), the same pool whatever their number (pool_runs, world_pool_build.hpp).
Expected<ViWorldPool> vi_world_pool(const PlanningExperiment& e, uint64_t seed, uint32_t first_run, uint32_t runs, int threads = 0);
// The record of run `run` (entry r of the pool): V^{π} = (I − γP^π)⁻¹ r^π of each logged policy
// (evaluate, as the CPU's Planner does), then PlanRecorder over k = 1 … K. A run whose log
// overflowed is run by the CPU engine instead (e.run).
void fill_vi_record(const PlanningExperiment& e, const RunLayout& layout, const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t r,
                    const ViOutcome& outcome, const int* log, uint64_t seed, uint32_t run, RunRecord& out);
// The records of a chunk (its run i is entry first_r + i of the pool) into records[0 … runs − 1]:
// fill_vi_record on all cores for the first run of each pool entry, and for any later run of the
// entry whose outcome and policy log differ from it; the entry's other runs copy its record (a
// fixed world gives every run the same outcome, so one set of policy evaluations serves them all).
void fill_vi_records(const PlanningExperiment& e, const RunLayout& layout, const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t first_r,
                     const ViChunk& chunk, uint64_t seed, std::vector<RunRecord>& records);

}  // namespace klab::mdp
