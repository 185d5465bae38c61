#include "offline/problem.hpp"

namespace klab::offline {
namespace {
constexpr uint32_t kDatasetStream = 0x8D0;
}

Expected<OfflineProblem> make_problem(const mdp::WorldCache& cache, const mdp::WorldParams& w, uint64_t version,
                                      const DatasetSpec& spec, uint64_t seed, uint32_t run) {
  Expected<std::shared_ptr<const mdp::World>> world = cache.get(w, version, seed, run);
  if (!world.ok()) return world.status();
  OfflineProblem p;
  p.world = world.value();
  const mdp::Mdp& m = p.world->mdp;
  p.optimum = mdp::solve_optimal(m);
  Rng rng(seed, run, kDatasetStream);
  p.dataset = generate_dataset(m, p.optimum.actions, spec, rng);
  if (p.dataset.size() == 0) return Status::error("the dataset is empty: every start state of the world is absorbing");
  p.measures = measure_dataset(m, p.optimum.actions, spec, p.dataset, seed, run);
  p.data_states = visited_states(m, p.dataset);
  return p;
}

}  // namespace klab::offline
