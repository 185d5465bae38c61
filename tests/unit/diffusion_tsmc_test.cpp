// The diffusion chapter's reward tilting and SMC engine (src/diffusion/tilt, tsmc) against known
// answers: the tilted mixture is p·e^{r/β} normalised; the twisted weights are the path ratio
// (any twists give consistent self-normalised estimates of the tilted mean); the weighted ML of
// the kernels returns the base kernel on base paths; tempering meets the trust region.
#include <doctest/doctest.h>

#include <cmath>

#include "diffusion/marginal.hpp"
#include "diffusion/tilt.hpp"
#include "diffusion/tsmc.hpp"
#include "diffusion/tsmc_experiment.hpp"

namespace {

using namespace klab::diffusion;

double tilted_mean_y(const Mixture& m) {
  double s = 0.0;
  for (const Component& c : m.components) s += c.weight * c.my;
  return s;
}

}  // namespace

TEST_CASE("diffusion tilt: the tilted mixture is p·exp(r/β) normalised") {
  const Mixture m = make_preset(Preset::RareMode, 0.1);
  const QuadraticReward r{0.3, 1.5, 2.0};
  const Mixture t = tilted_mixture(m, r, 0.7);
  CHECK(check_mixture(t).ok());
  // log p*(x) − log p(x) − r(x)/β is the same constant everywhere.
  const double c0 = log_density(t, 0.0, 0.0) - log_density(m, 0.0, 0.0) - r(0.0, 0.0) / 0.7;
  for (double x : {-1.5, -0.2, 0.8})
    for (double y : {-0.7, 0.4, 2.1}) CHECK(log_density(t, x, y) - log_density(m, x, y) - r(x, y) / 0.7 == doctest::Approx(c0).epsilon(1e-10));
}

TEST_CASE("diffusion tsmc: every proposal and potential estimates the same tilted path target; base weights are exp(r/β)") {
  // A mild tilt (β = 2), 40 DDPM steps, 10⁴ particles. The reference is importance sampling from
  // the base (ESS ≈ 0.58): its tilted mean of y differs from the exact p*'s (0.033) by the DDPM's
  // own 40-step discretisation (about −0.1 here), which every method shares. Twisted proposals,
  // look-ahead potentials and decoupled proposals must agree with it (sampling noise ≈ 0.01).
  const Mixture m = make_preset(Preset::RareMode, 0.15);
  const QuadraticReward r{0.0, 2.0, 1.0};
  const TiltProblem p = make_tilt_problem(m, r, 2.0, 40);
  SmcRandom rng{3, 0, 0, 0};
  auto mean_y = [&](const std::vector<Twist>& twists, bool resample, const std::vector<Twist>* proposal, Potentials potentials) {
    SmcOptions o;
    o.particles = 10000;
    o.outputs = 10000;
    o.resample = resample;
    o.proposal = proposal;
    o.potentials = potentials;
    const SmcResult s = run_smc(p, twists, o, rng);
    double y = 0.0;
    for (double v : s.outputs.y) y += v;
    return y / static_cast<double>(s.outputs.size());
  };
  const std::vector<Twist> zero(40), mild(40, Twist{0.05, 0.0, 0.1});
  {
    SmcOptions o;
    o.particles = 1000;
    o.outputs = 1;
    o.resample = false;
    const SmcResult base = run_smc(p, zero, o, rng);
    for (size_t i = 0; i < 50; ++i) CHECK(base.log_w[i] == doctest::Approx(r(base.last.x[i], base.last.y[i]) / 2.0).epsilon(1e-9));
  }
  const double reference = mean_y(zero, false, nullptr, Potentials::Twists);
  CHECK(std::fabs(reference - tilted_mean_y(tilted_mixture(m, r, 2.0))) < 0.2);
  for (double y : {mean_y(mild, false, nullptr, Potentials::Twists), mean_y(mild, true, nullptr, Potentials::Twists), mean_y(fixed_twists(p), true, nullptr, Potentials::Twists),
                   mean_y(zero, true, nullptr, Potentials::LookAhead), mean_y(zero, true, &mild, Potentials::LookAhead)}) {
    INFO("estimate " << y << " vs base importance sampling " << reference);
    CHECK(std::fabs(y - reference) < 0.03);
  }
}

TEST_CASE("diffusion tsmc: the projection of base paths is the base kernel; tempering meets the trust region") {
  const Mixture m = make_preset(Preset::Ring, 0.2);
  const TiltProblem p = make_tilt_problem(m, QuadraticReward{2.0, 0.0, 1.0}, 1.0, 10);
  SmcOptions o;
  o.particles = 20000;
  o.outputs = 10;
  o.resample = false;
  o.keep_paths = true;
  SmcRandom rng{5, 0, 0, 0};
  const std::vector<Twist> zero(10);
  const SmcResult sis = run_smc(p, zero, o, rng);
  // Uniform weights (η → 0 under a tiny trust region is close): fit with the weights of the base itself.
  SmcResult flat = sis;
  std::fill(flat.log_w.begin(), flat.log_w.end(), 0.0);
  const TrustRegionStep step = trust_region_update(flat, zero, 0.5);
  CHECK(step.eta == 1.0);
  for (size_t k = 0; k < zero.size(); ++k) {
    // b = P x̄' − m̄/v ≈ (x̄' − m̄)/v: the sampling noise of x̄' is √(v/N), so b ≈ 0 within 5/√(vN).
    const double tol = 5.0 / std::sqrt(sis.var[k] * 20000.0);
    CHECK(std::fabs(step.twists[k].bx) < tol);
    CHECK(std::fabs(step.twists[k].by) < tol);
  }
  const TrustRegionStep tr = trust_region_update(sis, zero, 0.05);
  CHECK(tr.eta < 1.0);
  CHECK(weights_kl(sis.log_w, tr.eta) == doctest::Approx(0.05).epsilon(1e-6));
  CHECK(ess_fraction(std::vector<double>(7, 1.3)) == doctest::Approx(1.0));
}

TEST_CASE("diffusion.tsmc parameters: bad values name the field") {
  TsmcExperiment e;
  klab::Status st = e.params().set_texts({{"particles", "1000000"}, {"steps", "1000"}});
  CHECK(!st.ok());
  CHECK(st.message().find("'particles'") != std::string::npos);
  st = e.params().set_texts({{"beta", "0"}});
  CHECK(st.message().find("'beta'") != std::string::npos);
  st = e.params().set_texts({{"methods", "tri_tsmc,tri_tsmc"}});
  CHECK(!st.ok());
}
