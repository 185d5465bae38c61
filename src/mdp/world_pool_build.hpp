// pool_runs: a WorldPool (world_pool.hpp) of a batch of runs built on several threads. A new world
// per run (random MDPs with vary_world) is built in blocks of kBlockRuns runs (BatchJob's blocks),
// each into its own part, and the parts are copied to their places with their offsets shifted: the
// same pool, entry for entry and bit for bit, whatever the number of threads (unit test
// "mdp.learning engine: the world pool"). Host code only (learning_cuda.cpp, planning_cuda.cpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/batch.hpp"
#include "core/parallel_for.hpp"
#include "core/status.hpp"
#include "mdp/world_pool.hpp"

namespace klab::mdp {

// The pool of runs first_run .. first_run + runs − 1. build(first, count, &part) appends the worlds
// of runs first .. first + count − 1 to `part` (offsets into its own arrays, an entry whenever the
// world changes); `varies`: whether runs have worlds of their own (else one build on this thread).
template <class World, class Build>
Expected<WorldPool<World>> pool_runs(bool varies, uint32_t first_run, uint32_t runs, int threads, const Build& build) {
  WorldPool<World> pool;
  if (!varies || runs <= kBlockRuns) {
    const Status s = build(first_run, runs, &pool);
    if (!s.ok()) return s;
    return pool;
  }
  const uint32_t blocks = block_count(runs);
  std::vector<WorldPool<World>> parts(blocks);
  std::vector<Status> errors(blocks);
  parallel_for(blocks, [&](uint32_t b) { errors[b] = build(first_run + b * kBlockRuns, std::min(kBlockRuns, runs - b * kBlockRuns), &parts[b]); },
               threads);
  std::vector<PoolAt> at(blocks + 1);
  for (uint32_t b = 0; b < blocks; ++b) {
    if (!errors[b].ok()) return errors[b];
    at[b + 1] = {at[b].worlds + parts[b].worlds.size(), at[b].ints + parts[b].ints.size(), at[b].reals + parts[b].reals.size(),
                 at[b].flags + parts[b].flags.size()};
  }
  pool.worlds.resize(at[blocks].worlds);
  pool.ints.resize(at[blocks].ints);
  pool.reals.resize(at[blocks].reals);
  pool.flags.resize(at[blocks].flags);
  pool.world_of_run.resize(runs);
  // Parts touch disjoint ranges: placed on several threads at once, each freed once placed.
  parallel_for(blocks, [&](uint32_t b) {
    const WorldPool<World>& part = parts[b];
    for (size_t i = 0; i < part.worlds.size(); ++i) {
      World w = part.worlds[i];
      shift_world(w, at[b]);
      pool.worlds[at[b].worlds + i] = w;
    }
    std::copy(part.ints.begin(), part.ints.end(), pool.ints.begin() + static_cast<long>(at[b].ints));
    std::copy(part.reals.begin(), part.reals.end(), pool.reals.begin() + static_cast<long>(at[b].reals));
    std::copy(part.flags.begin(), part.flags.end(), pool.flags.begin() + static_cast<long>(at[b].flags));
    const size_t first = static_cast<size_t>(b) * kBlockRuns;
    for (size_t r = 0; r < part.world_of_run.size(); ++r) pool.world_of_run[first + r] = static_cast<uint32_t>(at[b].worlds) + part.world_of_run[r];
    parts[b] = WorldPool<World>();
  }, threads);
  return pool;
}

}  // namespace klab::mdp
