// diffusion.constrained's problems (src/diffusion/constrained) against known answers: the tilt
// family's closed-form KL and rewards equal quadrature of its density on a fine grid; the product of
// Gaussian experts is Π q_i^{θ_i} normalised; the exact multipliers satisfy the KKT conditions with
// no duality gap; the simplex projection; bad parameters name the field.
#include <doctest/doctest.h>

#include <cmath>

#include "diffusion/constrained.hpp"
#include "diffusion/constrained_experiment.hpp"

namespace {

using namespace klab::diffusion;

// ∫ p log(p/q) and ∫ p f on an h-grid over [−6, 6]², from the mixtures' log densities.
struct Quadrature {
  double kl = 0.0, mass = 0.0;
  std::vector<double> expectations;
};
Quadrature quadrature(const Mixture& p, const Mixture& q, const std::vector<QuadraticReward>& f) {
  Quadrature out;
  out.expectations.assign(f.size(), 0.0);
  const double h = 0.02;
  for (double x = -6.0 + h / 2; x < 6.0; x += h)
    for (double y = -6.0 + h / 2; y < 6.0; y += h) {
      const double lp = log_density(p, x, y), w = std::exp(lp) * h * h;
      out.mass += w;
      out.kl += w * (lp - log_density(q, x, y));
      for (size_t i = 0; i < f.size(); ++i) out.expectations[i] += w * f[i](x, y);
    }
  return out;
}

ConstrainedProblem default_problem(ConstrainedKind kind) {
  ConstrainedParams p;
  p.problem = kind;
  return constrained_problem(p);
}

}  // namespace

TEST_CASE("diffusion constrained: the tilt family's closed forms equal quadrature of its density") {
  const ConstrainedProblem a = default_problem(ConstrainedKind::Alignment);
  const std::vector<double> theta{0.7, 0.2};
  const ConstrainedValues v = exact_values(a, theta, {0.0, 0.0});
  const Quadrature qa = quadrature(tilt_model(a, theta), a.base, a.rewards);
  CHECK(qa.mass == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(v.objective == doctest::Approx(qa.kl).epsilon(1e-5));
  for (size_t i = 0; i < 2; ++i) CHECK(v.values[i] == doctest::Approx(qa.expectations[i]).epsilon(1e-5));
  // θ = 0 is the pretrained model itself.
  CHECK(exact_values(a, {0.0, 0.0}, {0.0, 0.0}).objective == doctest::Approx(0.0));

  const ConstrainedProblem c = default_problem(ConstrainedKind::Composition);
  const std::vector<double> mu{0.5, 0.3, 0.2};
  const Mixture prod = tilt_model(c, mu);
  // log p_μ − Σ μ_i log q_i is constant (= −log Z) in x.
  auto offset = [&](double x, double y) {
    double s = log_density(prod, x, y);
    for (size_t i = 0; i < 3; ++i) s -= mu[i] * log_density(Mixture{{c.experts[i]}}, x, y);
    return s;
  };
  CHECK(offset(0.3, -0.2) == doctest::Approx(offset(-1.1, 0.8)).epsilon(1e-9));
  const ConstrainedValues vc = exact_values(c, mu, mu);
  for (size_t i = 0; i < 3; ++i) CHECK(vc.values[i] == doctest::Approx(quadrature(prod, Mixture{{c.experts[i]}}, {}).kl).epsilon(1e-5));
}

TEST_CASE("diffusion constrained: the exact multipliers satisfy KKT with no duality gap") {
  const ConstrainedProblem a = default_problem(ConstrainedKind::Alignment);
  const std::vector<double> la = exact_multipliers(a);
  const ConstrainedValues va = exact_values(a, la, la);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(la[i] >= 0.0);
    CHECK(va.values[i] >= a.thresholds[i] - 1e-7);                       // primal feasible
    CHECK(la[i] * (va.values[i] - a.thresholds[i]) == doctest::Approx(0.0).epsilon(1e-7));  // complementary slackness
  }
  CHECK(va.lagrangian == doctest::Approx(va.objective).epsilon(1e-7));  // g(λ*) = KL(p*‖q)
  // Any other feasible member of the family has a larger KL: nudge λ* upwards.
  const ConstrainedValues up = exact_values(a, {la[0] * 1.05, la[1] * 1.05}, la);
  CHECK(up.objective > va.objective);

  const ConstrainedProblem c = default_problem(ConstrainedKind::Composition);
  const std::vector<double> mu = exact_multipliers(c);
  const ConstrainedValues vc = exact_values(c, mu, mu);
  double sum = 0.0;
  for (size_t i = 0; i < 3; ++i) {
    sum += mu[i];
    CHECK(mu[i] > 0.0);  // the three ring experts 0, 3, 5 form an acute triangle: all active
    CHECK(vc.values[i] == doctest::Approx(vc.objective).epsilon(1e-7));
  }
  CHECK(sum == doctest::Approx(1.0));
  // The minimax point of three equal isotropic experts on a circle is its centre: u* = R²/(2s²).
  CHECK(vc.objective == doctest::Approx(4.0 / (2.0 * 0.09)).epsilon(1e-7));
  CHECK(mu[0] == doctest::Approx(std::sqrt(2.0) - 1.0).epsilon(1e-6));
}

TEST_CASE("diffusion constrained: simplex projection; parameters name the field") {
  const ConstrainedProblem c = default_problem(ConstrainedKind::Composition);
  const std::vector<double> p = project(c, {0.9, 0.6, -0.3});
  CHECK(p[0] == doctest::Approx(0.65));
  CHECK(p[1] == doctest::Approx(0.35));
  CHECK(p[2] == doctest::Approx(0.0));
  ConstrainedExperiment e;
  klab::Status st = e.params().set_texts({{"problem", "alignment"}, {"threshold1", "-0.1"}, {"threshold2", "-0.1"}});
  CHECK(!st.ok());
  CHECK(st.message().find("'threshold1'") != std::string::npos);
  st = e.params().set_texts({{"experts", "0,8"}});
  CHECK(st.message().find("'experts'") != std::string::npos);
  st = e.params().set_texts({{"experts", "2,2"}});
  CHECK(st.message().find("'experts'") != std::string::npos);
  st = e.params().set_texts({{"experts", "1.5,2"}});
  CHECK(!st.ok());
}
