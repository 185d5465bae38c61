// diffusion.federated's pieces (src/diffusion/federated) against known answers: the clients' blocks
// recompose the data mixture; without DP the server's composed score is the pooled mixture's exact
// score; under DP a single client's score carries the Gaussian mechanism's noise s·C/σ_t; bad
// parameters name the field.
#include <doctest/doctest.h>

#include <cmath>

#include "diffusion/federated.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/marginal.hpp"

using namespace klab::diffusion;

TEST_CASE("diffusion federated: the clients recompose the data; the no-DP composed score is the pooled score") {
  Mixture data = make_preset(Preset::Ring, 0.1);
  normalise(data);
  const Clients c = split_by_angle(data, 3);
  REQUIRE(c.models.size() == 3);
  CHECK(c.models[0].components.size() + c.models[1].components.size() + c.models[2].components.size() == 8);
  CHECK(c.shares[0] + c.shares[1] + c.shares[2] == doctest::Approx(1.0));
  const NoiseSchedule s;
  klab::Rng rng(1, 0, 0);
  const ScoreQuery q = federated_score(c, s, GaussianMechanism{}, rng);
  Particles x;
  x.x = {0.3, -1.9, 1.2, 0.0};
  x.y = {0.1, 0.4, 1.7, -2.2};
  for (double t : {0.9, 0.3, 0.05, 0.002}) {
    Particles g;
    q(t, x, g);
    const Marginal pooled = marginal_at(data, s, t);
    for (size_t i = 0; i < x.size(); ++i) {
      double gx, gy;
      score(pooled, x.x[i], x.y[i], &gx, &gy);
      CHECK(g.x[i] == doctest::Approx(gx).epsilon(1e-10));
      CHECK(g.y[i] == doctest::Approx(gy).epsilon(1e-10));
    }
  }
}

TEST_CASE("diffusion federated: the Gaussian mechanism's noise on one client's score is s·C/σ_t") {
  Mixture one;
  one.components.push_back(Component{1.0, 0.0, 0.0, 0.04, 0.0, 0.04});
  const Clients c = split_by_angle(one, 1);
  const NoiseSchedule s;
  const GaussianMechanism dp{2.0, 1e-5, 1.5};
  CHECK(dp.noise_multiplier() == doctest::Approx(std::sqrt(2.0 * std::log(1.25e5)) / 2.0));
  klab::Rng rng(3, 0, 0);
  const ScoreQuery q = federated_score(c, s, dp, rng);
  Particles x;
  x.x.assign(20000, 0.0);
  x.y.assign(20000, 0.0);
  Particles g;
  const double t = 0.5;
  q(t, x, g);
  double sum = 0.0, sum2 = 0.0;
  for (double v : g.x) {
    sum += v;
    sum2 += v * v;
  }
  const double mean = sum / 20000.0, sd = std::sqrt(sum2 / 20000.0 - mean * mean), expected = dp.noise_multiplier() * dp.clip / s.sigma(t);
  CHECK(std::fabs(mean) < 4.0 * expected / std::sqrt(20000.0));  // the score at the mean is 0
  CHECK(sd == doctest::Approx(expected).epsilon(0.03));
}

TEST_CASE("diffusion.federated parameters: bad values name the field") {
  FederatedExperiment e;
  klab::Status st = e.params().set_texts({{"epsilons", "4,2"}});
  CHECK(st.message().find("'epsilons'") != std::string::npos);
  st = e.params().set_texts({{"preset", "rare_mode"}, {"clients", "4"}});
  CHECK(st.message().find("'clients'") != std::string::npos);
  st = e.params().set_texts({{"snr", "0"}});
  CHECK(st.message().find("'snr'") != std::string::npos);
}
