// The diffusion chapter's world (src/diffusion/mixture2d, noise_schedule, marginal) against known
// answers, and claim 1 of issue 13: the closed-form score matches finite differences of log p_t,
// and the VP marginal's moments match Monte Carlo of the forward process.
#include <doctest/doctest.h>

#include <cmath>

#include "core/samplers.hpp"
#include "core/url_state.hpp"
#include "diffusion/constrained_experiment.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/mixture_text.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/tsmc_experiment.hpp"

namespace {

using namespace klab::diffusion;

const Preset kPresets[] = {Preset::Ring, Preset::Checkerboard, Preset::Moons, Preset::RareMode};

NoiseSchedule schedule(Process p) {
  NoiseSchedule s;
  s.process = p;
  return s;
}

}  // namespace

TEST_CASE("diffusion claim 1: the exact score of p_t equals central differences of log p_t") {
  klab::Rng rng(11, 0, 0);
  for (Process process : {Process::Vp, Process::Ve})
    for (Preset preset : kPresets) {
      const Mixture m = make_preset(preset, 0.1);
      const NoiseSchedule s = schedule(process);
      for (double t : {1e-3, 0.02, 0.1, 0.4, 1.0}) {
        const Marginal p = marginal_at(m, s, t);
        for (int k = 0; k < 20; ++k) {
          // Points drawn from p_t itself (where the score matters), by the forward process.
          double x0, y0;
          sample_mixture(m, rng, &x0, &y0);
          const double x = p.alpha * x0 + p.sigma * klab::sample_normal(rng), y = p.alpha * y0 + p.sigma * klab::sample_normal(rng);
          double gx, gy, ux, uy;
          score(p, x, y, &gx, &gy);
          const double h = 1e-5 * std::max(1.0, p.sigma);
          const double fx = (score(p, x + h, y, &ux, &uy) - score(p, x - h, y, &ux, &uy)) / (2 * h);
          const double fy = (score(p, x, y + h, &ux, &uy) - score(p, x, y - h, &ux, &uy)) / (2 * h);
          const double scale = std::max(1.0, std::hypot(gx, gy));
          INFO("preset " << static_cast<int>(preset) << " t " << t << " at (" << x << ", " << y << ")");
          CHECK(std::fabs(gx - fx) < 2e-5 * scale);
          CHECK(std::fabs(gy - fy) < 2e-5 * scale);
        }
      }
    }
}

TEST_CASE("diffusion claim 1: the VP marginal's moments match Monte Carlo of the forward process") {
  // x_t = α_t x_0 + σ_t ε with x_0 drawn exactly: mean and covariance within 5 standard errors.
  constexpr int kDraws = 40000;
  for (Preset preset : kPresets) {
    const Mixture m = make_preset(preset, 0.1);
    const NoiseSchedule s = schedule(Process::Vp);
    for (double t : {0.05, 0.3, 1.0}) {
      const Moments exact = marginal_moments(m, s, t);
      klab::Rng rng(5, static_cast<uint32_t>(preset), static_cast<uint32_t>(t * 100));
      const double a = s.alpha(t), sd = s.sigma(t);
      double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
      double cxxxx = 0;  // for the covariance's standard error: E (x − μ)⁴
      std::vector<double> xs(kDraws), ys(kDraws);
      for (int i = 0; i < kDraws; ++i) {
        double x0, y0;
        sample_mixture(m, rng, &x0, &y0);
        xs[i] = a * x0 + sd * klab::sample_normal(rng);
        ys[i] = a * y0 + sd * klab::sample_normal(rng);
        sx += xs[i];
        sy += ys[i];
      }
      const double mx = sx / kDraws, my = sy / kDraws;
      for (int i = 0; i < kDraws; ++i) {
        const double dx = xs[i] - mx, dy = ys[i] - my;
        sxx += dx * dx, sxy += dx * dy, syy += dy * dy, cxxxx += dx * dx * dx * dx;
      }
      sxx /= kDraws, sxy /= kDraws, syy /= kDraws;
      const double se_mean = std::sqrt(std::max(exact.cxx, exact.cyy) / kDraws);
      const double se_cov = std::sqrt(cxxxx / kDraws / kDraws) + std::sqrt(exact.cxx * exact.cyy / kDraws);
      INFO("preset " << static_cast<int>(preset) << " t " << t);
      CHECK(std::fabs(mx - exact.mx) < 5 * se_mean);
      CHECK(std::fabs(my - exact.my) < 5 * se_mean);
      CHECK(std::fabs(sxx - exact.cxx) < 5 * se_cov);
      CHECK(std::fabs(sxy - exact.cxy) < 5 * se_cov);
      CHECK(std::fabs(syy - exact.cyy) < 5 * se_cov);
    }
  }
}

TEST_CASE("diffusion world: schedules invert λ, Tweedie on one Gaussian, presets are valid") {
  for (Process process : {Process::Vp, Process::Ve}) {
    const NoiseSchedule s = schedule(process);
    for (double t : {1e-3, 0.01, 0.2, 0.7, 1.0}) CHECK(s.t_of_lambda(s.lambda(t)) == doctest::Approx(t).epsilon(1e-10));
  }
  // One Gaussian N(μ, Σ): E[x_0 | x_t] = μ + αΣ(α²Σ + σ²I)⁻¹(x − αμ); the score form must agree.
  Mixture one;
  one.components.push_back(Component{1.0, 0.5, -1.0, 0.3, 0.1, 0.2});
  const NoiseSchedule s = schedule(Process::Vp);
  const double t = 0.3, a = s.alpha(t), v = s.sigma(t) * s.sigma(t), x = 0.7, y = 0.2;
  const Marginal p = marginal_at(one, s, t);
  double gx, gy;
  score(p, x, y, &gx, &gy);
  const double cxx = a * a * 0.3 + v, cxy = a * a * 0.1, cyy = a * a * 0.2 + v, det = cxx * cyy - cxy * cxy;
  const double dx = x - a * 0.5, dy = y + a * 1.0;
  const double ix = (cyy * dx - cxy * dy) / det, iy = (-cxy * dx + cxx * dy) / det;
  CHECK((x + v * gx) / a == doctest::Approx(0.5 + a * (0.3 * ix + 0.1 * iy)).epsilon(1e-12));
  CHECK((y + v * gy) / a == doctest::Approx(-1.0 + a * (0.1 * ix + 0.2 * iy)).epsilon(1e-12));
  for (Preset preset : kPresets) CHECK(check_mixture(make_preset(preset, 0.1)).ok());
  Mixture bad = one;
  bad.components[0].sxy = 0.3;
  const klab::Status st = check_mixture(bad);
  CHECK(!st.ok());
  CHECK(st.message().find("component 1") != std::string::npos);
}

// The edited mixture as a parameter value (mixture_text.hpp): exact round trip, messages that name
// the component and the field, and the one `mixture` parameter of every diffusion demo.
TEST_CASE("diffusion mixture text: print and parse round-trip exactly") {
  for (Preset preset : kPresets) {
    const Mixture m = make_preset(preset, 0.07);
    const std::string text = format_mixture(m);
    const klab::Expected<Mixture> back = parse_mixture(text);
    REQUIRE(back.ok());
    REQUIRE(back.value().components.size() == m.components.size());
    for (size_t k = 0; k < m.components.size(); ++k) {
      const Component &a = m.components[k], &b = back.value().components[k];
      CHECK((a.weight == b.weight && a.mx == b.mx && a.my == b.my && a.sxx == b.sxx && a.sxy == b.sxy && a.syy == b.syy));
    }
    CHECK(format_mixture(back.value()) == text);
    CHECK(text.size() <= static_cast<size_t>(kMixtureTextMaxChars));
  }
  // Spaces around fields are read; weights are relative (normalised by world_mixture).
  const klab::Expected<Mixture> typed = parse_mixture(" 2 : -1.5:0.5 :0.04:0.01:0.09; 6:1e0:0:0.25:0:0.25");
  REQUIRE(typed.ok());
  CHECK(typed.value().components[0].my == 0.5);
  const Mixture world = world_mixture(Preset::Ring, 0.1, "2:-1.5:0.5:0.04:0.01:0.09;6:1e0:0:0.25:0:0.25");
  CHECK(world.components[0].weight == 0.25);
  CHECK(world.components[1].weight == 0.75);
  CHECK(world_mixture(Preset::Moons, 0.1, "").components.size() == 16);  // empty: the preset
}

TEST_CASE("diffusion mixture text: bad input names the component and the field") {
  const std::pair<const char*, std::vector<const char*>> cases[] = {
      {"1:0:0:1:0", {"component 1 has 5 fields", "w:mx:my:sxx:sxy:syy"}},
      {"1:0:0:1:0:1;", {"component 2 has 1 field"}},
      {"1:0:0:1:0:1;1:x:0:1:0:1", {"component 2, field 'mx' must be a real number", "'x'"}},
      {"0:0:0:1:0:1", {"component 1, field 'w'", "positive"}},
      {"1:0:0:1:0:1;1:0:2000:1:0:1", {"component 2, field 'my' must be in [-1000, 1000]"}},
      {"1:0:0:0:0:1", {"component 1, field 'sxx'", "[1e-06, 1e+06]"}},
      {"1:0:0:1:0:1;1:0:0:1:0:1;1:0:0:1:1:1", {"component 3, field 'sxy'", "positive definite", "|sxy| < 1", "(got 1)"}},
  };
  for (const auto& entry : cases) {  // named copies: clang (wasm) cannot CAPTURE structured bindings under C++17
    const char* text = entry.first;
    const std::vector<const char*>& parts = entry.second;
    CAPTURE(text);
    const klab::Status st = check_mixture_text(text);
    REQUIRE(!st.ok());
    CHECK(st.message().rfind("parameter 'mixture': ", 0) == 0);
    for (const char* part : parts) CHECK(st.message().find(part) != std::string::npos);
  }
  std::string many;
  for (int k = 0; k <= kMaxComponents; ++k) many += (k ? ";" : "") + std::string("1:0:0:1:0:1");
  CHECK(check_mixture_text(many).message().find("at most 64 components (got 65)") != std::string::npos);
  CHECK(check_mixture_text("").ok());
}

TEST_CASE("diffusion mixture parameter: every diffusion demo takes it, through the URL hash too") {
  const std::string text = "1:-1:0:0.04:0.01:0.09;3:1.25:0.5:0.0625:-0.02:0.04;1:0:-1.5:0.3:0:0.01";
  const klab::DemoInfo demos[] = {samplers_demo(), tsmc_demo(), constrained_demo(), federated_demo()};
  for (const klab::DemoInfo& d : demos) {
    CAPTURE(d.id);
    std::unique_ptr<klab::Experiment> e = d.make();
    klab::ParamSet& ps = e->params();
    const int i = ps.find("mixture");
    REQUIRE(i >= 0);
    CHECK(ps.text(static_cast<size_t>(i)).empty());  // default: the preset
    // (diffusion.constrained's default experts 0, 3, 5 must exist in the mixture: 3 components.)
    const bool composition = d.id == "diffusion.constrained";
    REQUIRE(ps.set_texts(composition ? std::vector<std::pair<std::string, std::string>>{{"mixture", text}, {"experts", "0,2"}}
                                     : std::vector<std::pair<std::string, std::string>>{{"mixture", text}})
                .ok());
    // The link carries the text exactly (':' and ';' are left as they are in the hash).
    const std::string hash = klab::encode_url_hash(d.id, ps, klab::RunSettings{});
    CHECK(hash.find(text) != std::string::npos);
    const klab::Expected<klab::UrlState> state = klab::decode_url_hash(hash);
    REQUIRE(state.ok());
    std::unique_ptr<klab::Experiment> copy = d.make();
    REQUIRE(copy->params().set_texts(state.value().params).ok());
    CHECK(copy->params().text(static_cast<size_t>(i)) == text);
    // A bad text changes nothing and names the field.
    const klab::Status bad = ps.set_texts({{"mixture", "1:0:0:1:2:1"}});
    CHECK(bad.message().find("parameter 'mixture': component 1, field 'sxy'") != std::string::npos);
    CHECK(ps.text(static_cast<size_t>(i)) == text);
  }
  SamplersExperiment samplers;
  REQUIRE(samplers.params().set_texts({{"mixture", text}}).ok());
  const Mixture used = samplers_mixture(samplers.p());
  REQUIRE(used.components.size() == 3);
  CHECK(used.components[1].weight == 0.6);
  CHECK(used.components[1].sxy == -0.02);
  // Composition's experts index the edited mixture's components.
  ConstrainedExperiment constrained;
  CHECK(!constrained.params().set_texts({{"mixture", text}}).ok());  // the default experts 0, 3, 5 do not exist
  REQUIRE(constrained.params().set_texts({{"mixture", text}, {"experts", "0,2"}}).ok());
  CHECK(constrained_problem(constrained.p()).experts[1].my == -1.5);
}
