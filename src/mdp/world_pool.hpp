// The worlds of a batch of runs as one flat pool (the CUDA engines of the mdp chapter: mdp.learning's
// TdWorld, engine.hpp; mdp.planning's ViWorld, vi_engine.hpp): every world's arrays appended to one
// vector per type (ints, reals, flags), a world entry holding offsets into them, and the world of
// each run. Plain data, copied to the GPU as it is; world_pool_build.hpp builds it on the host.
// Both world types extend WorldCsr (world_csr.hpp): an entry's MDP is packed and read there.
#pragma once
#include <cstdint>
#include <vector>

namespace klab::mdp {

template <class World>
struct WorldPool {
  std::vector<World> worlds;
  std::vector<int> ints;
  std::vector<double> reals;
  std::vector<char> flags;
  std::vector<uint32_t> world_of_run;  // run first_run + r → worlds[world_of_run[r]]
  int max_pairs() const {
    int m = 0;
    for (const World& w : worlds) m = w.pairs > m ? w.pairs : m;
    return m;
  }
  int max_states() const {
    int m = 0;
    for (const World& w : worlds) m = w.states > m ? w.states : m;
    return m;
  }
};

// Where a part starts in the whole pool: its worlds, ints, reals and flags (a world type's
// shift_world(World&, const PoolAt&) adds these to its offsets).
struct PoolAt {
  size_t worlds = 0, ints = 0, reals = 0, flags = 0;
};

}  // namespace klab::mdp
