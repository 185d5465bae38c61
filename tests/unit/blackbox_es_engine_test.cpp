// The CUDA engine's host twin (src/blackbox/engine_host.cpp: es_landscape_run with on-demand Zobrist
// keys and a packed string, the code the GPU kernel runs) against the CPU engine (EsRun: a key table
// and a byte per bit), landscape by landscape: the same final parent (OM(x), hash, fitness bits),
// evaluations and generations. This runs everywhere, so a GPU session only has to show that the
// GPU computes what this host twin computes (tests/cuda/blackbox_cuda_test.cpp).
#include <doctest/doctest.h>

#include <cstring>

#include "blackbox/engine.hpp"
#include "blackbox/es_experiment.hpp"

using namespace klab;
using namespace klab::blackbox;

TEST_CASE("blackbox.es engine: the host twin of the CUDA engine walks the CPU engine's trajectories") {
  EsExperiment e;
  // n = 8 has fewer bits than kMaxFlips (the clamp), n = 67 needs three words; Gaussian heights
  // (planted dips too) and a target gap; a small budget so that the plus strategy gets stuck.
  REQUIRE(e.params().set_texts({{"n_min", "8"}, {"n_max", "67"}, {"n_points", "3"}, {"random_law", "gaussian"}, {"spread", "2"},
                                {"target_gap", "1"}, {"budget_factor", "4"}, {"series", "plus_random,comma_random,plus_equal,comma_equal"}})
              .ok());
  const EsConfig c = es_config(e.p());
  REQUIRE(c.n_series == 4);
  REQUIRE(c.n_grid == 3);
  const uint32_t first = 5, runs = 6;
  std::vector<EsOutcome> twin;
  run_es_batch_host(c, 11, first, runs, &twin);
  int stuck = 0, reached = 0;
  for (uint32_t i = 0; i < runs; ++i)
    for (int s = 0; s < c.n_series; ++s)
      for (int k = 0; k < c.n_grid; ++k) {
        EsRun r(e.p(), e.p().series[static_cast<size_t>(s)], c.grid[k].n, 11, first + i);
        while (!r.done()) r.generation();
        const EsOutcome& o = twin[(i * 4 + static_cast<uint32_t>(s)) * 3 + static_cast<uint32_t>(k)];
        CAPTURE(i);
        CAPTURE(s);
        CAPTURE(k);
        CHECK(o.evaluations == r.state().evaluations);
        CHECK(o.generations == r.state().generations);
        CHECK(o.ones == r.state().ones);
        CHECK(o.hash == r.state().hash);
        CHECK(std::memcmp(&o.f, &r.state().f, sizeof o.f) == 0);
        CHECK(o.reached == (r.reached() ? 1 : 0));
        (o.reached ? reached : stuck) += 1;
      }
  CHECK(stuck > 0);  // both outcomes occur: the comparison covers stuck runs and successful ones
  CHECK(reached > 0);
}

TEST_CASE("blackbox.es engine: a packed string gives the same run at any stride") {
  EsExperiment e;
  REQUIRE(e.params().set_texts({{"n_min", "100"}, {"n_max", "100"}, {"n_points", "1"}, {"budget_factor", "2"}}).ok());
  const EsConfig c = es_config(e.p());
  std::vector<uint32_t> alone(4, 0xA5A5A5A5u), interleaved(4 * 3, 0xA5A5A5A5u);  // the GPU's layout: word w of thread t at w·stride + t
  EsOutcome a, b;
  es_landscape_run(c, 0, 0, 3, 2, PackedGenome{alone.data(), 1}, &a);
  es_landscape_run(c, 0, 0, 3, 2, PackedGenome{interleaved.data() + 1, 3}, &b);
  CHECK(a.evaluations == b.evaluations);
  CHECK(a.hash == b.hash);
  for (size_t w = 0; w < 4; ++w) CHECK(alone[w] == interleaved[w * 3 + 1]);
  for (size_t w = 0; w < 4; ++w) CHECK((interleaved[w * 3] == 0xA5A5A5A5u && interleaved[w * 3 + 2] == 0xA5A5A5A5u));  // neighbours untouched
}
