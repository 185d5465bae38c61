// The live views' films (src/diffusion/film_view, SmcFilm in tsmc, ConstrainedRun::paths): a film
// is the sampler's own run recorded, so its last states are the samples the run reports; the SMC
// genealogy's parents are valid indices and lead to the outputs.
#include <doctest/doctest.h>

#include "diffusion/constrained_experiment.hpp"
#include "diffusion/film_view.hpp"
#include "diffusion/tsmc_experiment.hpp"

namespace {

using namespace klab::diffusion;

// The film's outputs (state K at output_parent) against the run's samples; the parents' ranges;
// parents only where the film resampled (none in SIS); the genealogy ends at the outputs.
void check_film(const TsmcRun& run, TsmcMethod m, bool sis) {
  SmcFilm f;
  REQUIRE(run.film(m, &f));
  const size_t steps = static_cast<size_t>(run.problem().steps());
  REQUIRE(f.state.size() == steps + 1);
  REQUIRE(f.log_w.size() == steps + 1);
  REQUIRE(f.parent.size() == steps);
  const Particles& out = run.samples(m);
  REQUIRE(f.output_parent.size() == out.size());
  const size_t n = f.state.back().size();
  for (size_t i = 0; i < out.size(); ++i) {
    REQUIRE(f.output_parent[i] < n);
    CHECK(f.state.back().x[f.output_parent[i]] == out.x[i]);
    CHECK(f.state.back().y[f.output_parent[i]] == out.y[i]);
  }
  for (size_t k = 0; k < steps; ++k) {
    if (sis) CHECK(!f.resampled(k));
    if (!f.resampled(k)) continue;  // the identity, stored as no parents
    REQUIRE(f.parent[k].size() == n);
    for (size_t i = 0; i < n; ++i) REQUIRE(f.parent[k][i] < n);
  }
  const Paths g = genealogy(f, run.problem().t, 5);
  REQUIRE(g.count == 5);
  for (size_t j = 0; j < g.count; ++j) {
    CHECK(g.x[j * g.states() + steps] == out.x[j]);
    CHECK(g.y[j * g.states() + steps] == out.y[j]);
  }
}

}  // namespace

TEST_CASE("diffusion films: an SMC film replays the run (outputs, parents, genealogy)") {
  TsmcParams p;
  p.particles = 64;
  p.steps = 6;
  p.iterations = 2;
  TsmcRun run(p, 5, 0);
  SmcFilm none;
  CHECK(!run.film(TsmcMethod::TriTsmc, &none));  // no iteration yet
  CHECK(!run.film(TsmcMethod::BestOfN, &none));
  check_film(run, TsmcMethod::SmcBase, false);
  check_film(run, TsmcMethod::Tds, false);
  run.step();
  check_film(run, TsmcMethod::TriTsmc, true);
  check_film(run, TsmcMethod::FullStep, true);
  while (!run.done()) run.step();
  check_film(run, TsmcMethod::TriTsmc, false);
  SmcFilm f;
  run.film(TsmcMethod::SmcBase, &f);
  bool resampled = false;
  for (size_t k = 0; k < f.parent.size(); ++k) resampled = resampled || f.resampled(k);
  CHECK(resampled);  // the base proposal's weights degenerate: the film shows resampling
}

TEST_CASE("diffusion films: the constrained iterate's paths end at its samples") {
  ConstrainedParams p;
  p.particles = 40;
  p.iterations = 2;
  p.nfe = 5;
  ConstrainedRun run(p, 3, 0);
  for (int step = 0; step < 4; ++step) {
    const Paths paths = run.paths(10);
    REQUIRE(paths.states() == 6);
    const Particles last = path_state(paths, paths.states() - 1);
    const Particles& s = run.samples(ConstrainedSeries::PrimalDual);
    for (size_t j = 0; j < 10; ++j) {
      CHECK(last.x[j] == s.x[j]);
      CHECK(last.y[j] == s.y[j]);
    }
    run.step();
  }
  CHECK(run.done());
}
