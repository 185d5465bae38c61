// The host twin of the batched value iteration engine (vi_engine.hpp): the same vi_run on this CPU,
// run after run, with a team of one thread.
#include "mdp/vi_engine.hpp"

namespace klab::mdp {

void run_vi_batch_host(const ViBatchConfig& cfg, const ViWorldPool& pool, uint32_t runs, std::vector<ViOutcome>* out, std::vector<int>* log) {
  const size_t n_s = static_cast<size_t>(pool.max_states()), stride = static_cast<size_t>(cfg.max_policies + 1) * n_s;
  out->assign(runs, ViOutcome());
  log->assign(runs * stride, 0);
  std::vector<double> v(n_s), v_next(n_s);
  HostTeam team;
  for (uint32_t r = 0; r < runs; ++r) {
    const ViWorld& w = pool.worlds[pool.world_of_run[r]];
    vi_run(team, cfg, vi_world_view(w, pool.ints.data(), pool.reals.data()), v.data(), v_next.data(), log->data() + r * stride, &(*out)[r]);
  }
}

}  // namespace klab::mdp
