// What every offline demo starts from: the world (the mdp chapter's presets and files,
// mdp/world.hpp), its exact optimum, and one dataset from a behaviour policy with its measures.
// The dataset parameters are declared once here for every demo (declare_dataset_params).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/world.hpp"
#include "offline/dataset.hpp"
#include "offline/measures.hpp"

namespace klab::offline {

struct OfflineProblem {
  std::shared_ptr<const mdp::World> world;
  mdp::Optimum optimum;           // V*, Q*, π*
  Dataset dataset;
  DatasetMeasures measures;       // TQ, SACo
  std::vector<int> data_states;   // states that are the s of some dataset transition, ascending
};

// The world of (seed, run) from `cache`, its optimum, and the dataset of `spec` from stream
// (seed, run, kDatasetStream). Fails with the world's message, or when the dataset is empty (every
// start state absorbing).
Expected<OfflineProblem> make_problem(const mdp::WorldCache& cache, const mdp::WorldParams& w, uint64_t version,
                                      const DatasetSpec& spec, uint64_t seed, uint32_t run);

// Dataset bounds: at most 5·10⁶ transitions (160 MB; the measures generate three reference datasets
// of the same size).
constexpr int kMaxEpisodes = 5000, kMaxEpisodeLength = 1000;

// A demo's parameter struct P holds DatasetSpec's fields under these names.
template <class P>
void declare_dataset_params(ParamTable<P>& t, const DatasetSpec& d) {
  std::vector<std::string> ids(kBehaviourIds, kBehaviourIds + kBehaviourCount), labels(kBehaviourLabels, kBehaviourLabels + kBehaviourCount);
  t.choice("behaviour", &P::behaviour, d.behaviour, ids).label("dataset behaviour").choice_labels(labels).help("The policy that collected the dataset (Schweighofer et al. 2022's five kinds).");
  t.integer("episodes", &P::episodes, d.episodes, 1, kMaxEpisodes).label("trajectories B").log_scale().help("Trajectories in the dataset.");
  t.integer("episode_length", &P::episode_length, d.episode_length, 1, kMaxEpisodeLength).label("trajectory length").log_scale().help("Steps per trajectory at most (a trajectory also ends in a goal).");
  t.real("noise", &P::noise, d.noise, 0.0, 1.0).label("behaviour ε").help("Noisy expert and replay learner: probability of a uniformly random action.");
  t.real("expert_fraction", &P::expert_fraction, d.expert_fraction, 0.0, 1.0).label("expert share (mixed)").help("Mixed dataset: probability that a trajectory is the expert's, else the random policy's (the paper: 0.2).");
  t.real("random_starts", &P::random_starts, d.random_starts, 0.0, 1.0).label("random starts").help("Coverage: probability that a trajectory starts in a uniformly random state instead of s₀ ~ ρ.");
}

template <class P>
DatasetSpec dataset_spec_of(const P& p) {
  DatasetSpec s;
  s.behaviour = p.behaviour;
  s.episodes = p.episodes;
  s.episode_length = p.episode_length;
  s.noise = p.noise;
  s.expert_fraction = p.expert_fraction;
  s.random_starts = p.random_starts;
  return s;
}


}  // namespace klab::offline
