// Preference data for the toy world.
//
// A comparison (x, y_w, y_l) says y_w was preferred to y_l for prompt x. Pairs are drawn as
//   x ~ uniform over prompts,  y, y' ~ μ(·|x) independently (redrawn while y' = y),
// labelled by a preference oracle P(y ≻ y' | x), then flipped with probability ε (label noise):
//   Bradley–Terry     P(y ≻ y') = σ(r*(x, y) - r*(x, y'))
//   deterministic     P(y ≻ y') = 1[r*(x, y) > r*(x, y')]   (the IPO paper's failure case for DPO)
//   general           any matrix P(y ≻ y' | x), e.g. intransitive (alignment.nash)
// Identical comparisons are aggregated with a weight (their count), so a loss over N pairs costs
// O(distinct pairs). The population ("infinite data") version has weight
//   ρ(x)·2μ(y|x)μ(y'|x)/(1 - Σ_v μ(v|x)²) · q(y ≻ y'),   q = (1 - ε)P + ε(1 - P)
// (the pair is drawn in either order, then labelled),
// and every loss written as a weighted sum becomes the exact expected loss.
#pragma once
#include <functional>
#include <vector>

#include "alignment/world.hpp"
#include "core/rng.hpp"

namespace klab::alignment {

struct Comparison {
  int x, w, l;
  double weight;
};

struct PreferenceData {
  std::vector<Comparison> items;
  double total = 0.0;  // Σ weights
};

enum class PreferenceModel { BradleyTerry, Deterministic };

// P(a ≻ b | x).
using PreferenceOracle = std::function<double(int x, int a, int b)>;
PreferenceOracle gold_oracle(const World& world, PreferenceModel model);

// `pairs` labelled comparisons with y, y' ~ exp(sampling_logp(x, ·)) (rows need not be normalised
// but must be finite where allowed; -inf excludes a response), label noise ε.
PreferenceData sample_preferences(const World& world, const PreferenceOracle& oracle, const MatrixXd& sampling_logp,
                                  long long pairs, double flip, Rng& rng);
// The population version (weights sum to 1).
PreferenceData population_preferences(const World& world, const PreferenceOracle& oracle, const MatrixXd& sampling_logp,
                                      double flip);

// Accumulates comparisons into a dense P×K×K table and back (merging duplicates).
class ComparisonTable {
 public:
  ComparisonTable(int P, int K) : P_(P), K_(K), w_(static_cast<size_t>(P) * K * K, 0.0) {}
  void add(int x, int w, int l, double weight) { w_[(static_cast<size_t>(x) * K_ + w) * K_ + l] += weight; }
  PreferenceData data() const;

 private:
  int P_, K_;
  std::vector<double> w_;
};

// Mean of ln π(y_w|x) - ln π_ref(y_w|x) (or of y_l) over the data.
double mean_logp_delta(const PreferenceData& data, const MatrixXd& logp, const MatrixXd& ref_logp, bool chosen);

}  // namespace klab::alignment
