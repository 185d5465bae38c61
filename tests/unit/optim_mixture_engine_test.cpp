// The CUDA engine's host twin for optim.mixture (src/optim/mixture_engine_host.cpp: the phases the
// GPU block runs, chunk after chunk) against the CPU engine (MixtureExperiment's cursor: MixtureRun),
// run by run: every curve point and final value bit for bit, for entropic and Euclidean SMD. This runs everywhere, so a GPU session
// only has to show that the GPU computes what this host twin computes (tests/cuda/optim_mixture_cuda_test.cpp).
// Also: the chunked bump evaluation (mixture_kernels.hpp) against the Gaussian formula across chunks.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "optim/mixture_cuda.hpp"
#include "optim/mixture_engine.hpp"
#include "optim/mixture_experiment.hpp"

using namespace klab;
using namespace klab::optim;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  MixtureExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const Expected<MixtureBatch> b = mixture_batch(e);
  REQUIRE(b.ok());
  std::vector<double> twin;
  run_mixture_batch_host(b.value().cfg, b.value().tables(), seed, first, runs, &twin);
  const size_t row = mixture_row(b.value().cfg);
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_mixture_record(b.value(), twin.data() + r * row, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("optim.mixture engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // The simplex (M = 3, one zero category), a tilted start.
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"samples", "400"}, {"start_1", "3"}, {"start_2", "0.5"}}, 3, 2, 3);
  // Point masses over three chunks (M = 700: 256 + 256 + 188), 50 zeros, step c = 2.
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"components", "700"}, {"zeros", "50"}, {"samples", "300"}, {"entropic_step", "2"}}, 5, 0, 2);
  // 1-D bumps in one chunk (M = 20) and over three (M = 600: each chunk recurs from its own start).
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"target", "bumps"}, {"components", "20"}, {"samples", "300"}, {"entropic_step", "4"}}, 7, 1, 2);
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"target", "bumps"}, {"components", "600"}, {"width", "0.02"}, {"samples", "200"}}, 9, 4, 2);
  // 2-D bumps in one chunk (s = 10, M = 100) and over two (s = 20, M = 400).
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"target", "bumps2d"}, {"side", "10"}, {"samples", "200"}}, 2, 0, 2);
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"target", "bumps2d"}, {"side", "20"}, {"width", "0.1"}, {"samples", "150"}, {"entropic_step", "2"}},
                        4, 3, 2);
  // The step with a delay t₀ (η_t = c/(t + 1 + c + t₀)), on the 5 × 5 ring.
  check_twin_equals_cpu({{"methods", "smd_entropic"}, {"target", "bumps2d"}, {"side", "5"}, {"width", "0.1"}, {"samples", "300"}, {"entropic_step", "8"},
                         {"entropic_delay", "1600"}},
                        6, 0, 2);
}

TEST_CASE("optim.mixture engine: Euclidean SMD (Michelot's chunked projection) in the host twin equals the CPU engine run by run") {
  // The defaults' simplex (M = 3, both SMD methods in the demo's order), a tilted start.
  check_twin_equals_cpu({{"methods", "smd_entropic,smd_euclidean"}, {"samples", "400"}, {"start_1", "3"}, {"start_2", "0.5"}}, 3, 2, 3);
  // Point masses over three chunks (M = 700), Euclidean first, a small floor (many weights at δ).
  check_twin_equals_cpu({{"methods", "smd_euclidean,smd_entropic"}, {"components", "700"}, {"zeros", "50"}, {"samples", "300"}, {"floor", "0.01"}}, 5, 0, 2);
  // 1-D bumps over three chunks (M = 600) and 2-D bumps over two (s = 20, M = 400), steps scaled for f ≫ 1.
  check_twin_equals_cpu({{"methods", "smd_euclidean"}, {"target", "bumps"}, {"components", "600"}, {"width", "0.02"}, {"samples", "200"},
                         {"euclid_step", "0.05"}},
                        9, 4, 2);
  check_twin_equals_cpu({{"methods", "smd_euclidean"}, {"target", "bumps2d"}, {"side", "20"}, {"width", "0.1"}, {"samples", "150"}, {"euclid_step", "0.1"}},
                        4, 3, 2);
}

TEST_CASE("optim.mixture engine: what the CUDA engine does not run is named") {
  MixtureExperiment e;
  REQUIRE(e.params().set_texts({{"methods", "smd_entropic,frequency,smd_euclidean,laplace"}}).ok());
  Expected<MixtureBatch> b = mixture_batch(e);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().find("'frequency', 'laplace'") != std::string::npos);
  REQUIRE(e.params().set_texts({{"methods", "em,smd_entropic"}, {"target", "bumps2d"}}).ok());
  b = mixture_batch(e);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().find("'em' run on --backend cpu") != std::string::npos);
  REQUIRE(e.params().set_texts({{"methods", "smd_entropic,smd_entropic_avg"}, {"target", "bumps2d"}}).ok());
  b = mixture_batch(e);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().find("'smd_entropic_avg' run on --backend cpu") != std::string::npos);
  REQUIRE(e.params().set_texts({{"methods", "smd_entropic"}, {"target", "categorical"}, {"smd_step", "lazy"}}).ok());
  b = mixture_batch(e);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().find("smd_step=lazy runs on --backend cpu") != std::string::npos);
}

TEST_CASE("optim.mixture engine: the chunked bump recurrence equals the Gaussian density in every chunk") {
  // M = 1000 (4 chunks), σ = 0.01: x near a chunk's edge, inside one, and outside [0, 1].
  const MixtureModel m = make_model(Dictionary::Bumps, 1000, 0, 0.01);
  std::vector<double> f(1000);
  for (double x : {-0.05, 0.2562, 0.5, 0.77, 1.02}) {
    evaluate_components(m, {x, 0.0}, f.data());
    for (int i = 0; i < 1000; ++i) {
      const double d = x - i * m.spacing();
      const double exact = std::exp(-0.5 * d * d / (0.01 * 0.01)) / (0.01 * std::sqrt(2.0 * M_PI));
      CAPTURE(x);
      CAPTURE(i);
      CHECK(std::fabs(f[static_cast<size_t>(i)] - exact) <= 1e-11 * exact + 1e-300);
    }
  }
}
