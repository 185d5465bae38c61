// Trajectory weighting of a mixed dataset (Z.-W. Hong, P. Agrawal, R. Tachet des Combes, R. Laroche,
// "Harnessing Mixed Offline Reinforcement Learning Datasets via Trajectory Weighting", ICLR 2023;
// the weights as in the authors' code, Improbable-AI/harness-offline-rl, weighted.py):
//   uniform  every transition equally likely
//   RW       transition t of trajectory i with probability ∝ exp(G_i/α)        (return-weighted)
//   AW       … ∝ exp((G_i − V̂(s₀,i))/α), V̂(s₀) the mean return of the trajectories
//            that start in s₀ (the authors fit a linear regression of G on s₀; with one-hot
//            states that is this mean)                                          (advantage-weighted)
// with G_i = Σ_t r_{i,t} the undiscounted return and α = `temperature` (the authors' 0.1). Any offline
// learner then trains on transitions drawn this way; here two fixed tabular learners:
//   behaviour cloning   π(a|s) ∝ Σ_{transitions (s, a)} p(transition)   (the infinite-sample fit)
//   CQL (Kumar, Zhou, Tucker, Levine, NeurIPS 2020), tabular, on sampled transitions:
//     Q(s, a) += α_Q (r + γ max_a′ Q(s′, a′) − Q(s, a))                          (0 after a terminal s′)
//     Q(s, b) −= α_Q c (softmax_b Q(s, ·) − 1[b = a])   for every action b of s  (the CQL(H) gradient)
//   whose greedy policy leans towards the actions the (re-weighted) data take most.
#pragma once
#include <vector>

#include "core/rng.hpp"
#include "offline/dataset.hpp"
#include "offline/weighting_core.hpp"

namespace klab::offline {

enum class Sampler { Uniform, ReturnWeighted, AdvantageWeighted };

// The probability of drawing each transition (N), summing to 1.
std::vector<double> transition_probabilities(const Dataset& d, Sampler sampler, double temperature);

// Behaviour cloning under the sampling probabilities: π(a|s) (SA), uniform where no transition starts.
std::vector<double> weighted_behaviour_cloning(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p);

// The running sums C_k = p_0 + … + p_k (N) that a CQL learner draws from (weighting_core.hpp).
std::vector<double> cumulative_probabilities(const std::vector<double>& p);

// argmax_a Q(s, a) of q (SA), the first among ties (S).
std::vector<int> cql_greedy(const mdp::Mdp& m, const double* q);

// Tabular CQL(H) trained in chunks of updates (the live view steps it; train_cql runs it at once): Q
// from 0, each update on a transition drawn with probabilities p by inversion of their cumulative sum
// (cql_update, weighting_core.hpp: the code the CUDA engine runs). Refers to m and d (non-empty),
// which must outlive it.
class CqlLearner {
 public:
  CqlLearner(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p, const CqlSettings& s);
  // `updates` more updates, their draws from rng.
  void train(int updates, Rng& rng);
  const std::vector<double>& values() const { return q_; }  // Q (SA)
  // argmax_a Q(s, a), the first among ties (S).
  std::vector<int> greedy() const { return cql_greedy(*m_, q_.data()); }

 private:
  const mdp::Mdp* m_;
  const Dataset* d_;
  CqlSettings s_;
  std::vector<double> cumulative_, q_, soft_;
};

// Q (SA) after `updates` CQL updates on transitions drawn with probabilities p (from 0).
std::vector<double> train_cql(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p, const CqlSettings& s, Rng& rng);

// The share of the draws whose transition starts in each state (S): Σ p over the transitions from s.
std::vector<double> state_draw_shares(const mdp::Mdp& m, const Dataset& d, const std::vector<double>& p);

}  // namespace klab::offline
