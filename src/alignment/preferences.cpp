#include "alignment/preferences.hpp"

#include <cmath>

#include "alignment/softmax.hpp"
#include "core/samplers.hpp"

namespace klab::alignment {

PreferenceOracle gold_oracle(const World& world, PreferenceModel model) {
  const World* w = &world;
  if (model == PreferenceModel::Deterministic)
    return [w](int x, int a, int b) {
      const double ra = w->gold(x, a), rb = w->gold(x, b);
      return ra > rb || (ra == rb && a < b) ? 1.0 : 0.0;
    };
  return [w](int x, int a, int b) { return sigmoid(w->gold(x, a) - w->gold(x, b)); };
}

PreferenceData ComparisonTable::data() const {
  PreferenceData d;
  for (int x = 0; x < P_; ++x)
    for (int a = 0; a < K_; ++a)
      for (int b = 0; b < K_; ++b) {
        const double v = w_[(static_cast<size_t>(x) * K_ + a) * K_ + b];
        if (v > 0) {
          d.items.push_back({x, a, b, v});
          d.total += v;
        }
      }
  return d;
}

PreferenceData sample_preferences(const World& world, const PreferenceOracle& oracle, const MatrixXd& sampling_logp,
                                  long long pairs, double flip, Rng& rng) {
  ComparisonTable table(world.P, world.K);
  std::vector<double> weights(static_cast<size_t>(world.K));
  for (long long i = 0; i < pairs; ++i) {
    const int x = static_cast<int>(rng.below(static_cast<uint32_t>(world.P)));
    const double m = sampling_logp.row(x).maxCoeff();
    for (int y = 0; y < world.K; ++y) weights[static_cast<size_t>(y)] = std::exp(sampling_logp(x, y) - m);
    const int a = static_cast<int>(sample_categorical(rng, weights.data(), weights.size()));
    // y' from μ restricted to responses other than a (the pair must be informative).
    const double keep = weights[static_cast<size_t>(a)];
    weights[static_cast<size_t>(a)] = 0.0;
    double rest = 0.0;
    for (double v : weights) rest += v;
    if (!(rest > 0)) {  // μ is a point mass: compare with a uniformly drawn other response
      const int other = static_cast<int>(rng.below(static_cast<uint32_t>(world.K - 1)));
      weights.assign(weights.size(), 0.0);
      weights[static_cast<size_t>(other >= a ? other + 1 : other)] = 1.0;
    }
    const int b = static_cast<int>(sample_categorical(rng, weights.data(), weights.size()));
    weights[static_cast<size_t>(a)] = keep;
    bool a_wins = rng.uniform() < oracle(x, a, b);
    if (flip > 0 && rng.uniform() < flip) a_wins = !a_wins;
    if (a_wins) table.add(x, a, b, 1.0);
    else table.add(x, b, a, 1.0);
  }
  return table.data();
}

PreferenceData population_preferences(const World& world, const PreferenceOracle& oracle, const MatrixXd& sampling_logp,
                                      double flip) {
  ComparisonTable table(world.P, world.K);
  for (int x = 0; x < world.P; ++x) {
    const Eigen::RowVectorXd mu = (sampling_logp.row(x).array() - logsumexp(sampling_logp.row(x))).exp();
    const double distinct = 1.0 - mu.squaredNorm();
    if (!(distinct > 1e-300)) continue;
    for (int a = 0; a < world.K; ++a)
      for (int b = 0; b < world.K; ++b) {
        if (a == b) continue;
        const double p = oracle(x, a, b);
        const double q = (1.0 - flip) * p + flip * (1.0 - p);
        // the ordered draw (a, b) or (b, a), then the label a ≻ b
        const double weight = 2.0 * mu[a] * mu[b] / distinct * q / world.P;
        if (weight > 0) table.add(x, a, b, weight);
      }
  }
  return table.data();
}

double mean_logp_delta(const PreferenceData& data, const MatrixXd& logp, const MatrixXd& ref_logp, bool chosen) {
  double s = 0.0;
  for (const Comparison& c : data.items) {
    const int y = chosen ? c.w : c.l;
    s += c.weight * (logp(c.x, y) - ref_logp(c.x, y));
  }
  return data.total > 0 ? s / data.total : 0.0;
}

}  // namespace klab::alignment
