// The CUDA engine's host twin for offline.robust (src/offline/engine_host.cpp: robust_learner_run,
// the code the GPU kernel runs: each learner draws its run's dataset into the ridge statistics step
// by step) against the CPU engine (RobustExperiment::run: the dataset drawn once and stored, shared
// by the learners), run by run: every curve point and final value, bit for bit. This runs everywhere,
// so a GPU session only has to show that the GPU computes what this host twin computes
// (tests/cuda/offline_robust_cuda_test.cpp). Also: the engines' exact evaluation of a stage policy
// (stage_policy_return) equals mdp::evaluate_finite's, bit for bit.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "mdp/evaluation.hpp"
#include "offline/robust_experiment.hpp"

using namespace klab;
using namespace klab::offline;

namespace {

// Runs first .. first + runs − 1 through both engines; the records must be bitwise equal.
void check_robust_twin_equals_cpu(const std::vector<std::pair<std::string, std::string>>& params, uint64_t seed, uint32_t first, uint32_t runs) {
  RobustExperiment e;
  REQUIRE(e.params().set_texts(params).ok());
  const RunLayout layout = e.layout();
  const RobustBatch b = robust_batch(e.p());
  std::vector<double> twin;
  run_robust_batch_host(b.cfg, b.ints, b.reals, seed, first, runs, &twin);
  const size_t per_run = static_cast<size_t>(b.cfg.n_series) * b.cfg.outcome_stride();
  RunRecord cpu(layout), gpu_path(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    cpu.clear();
    gpu_path.clear();
    e.run(seed, first + r, layout, cpu);
    fill_robust_record(b, twin.data() + r * per_run, gpu_path);
    REQUIRE(cpu.curves().size() == gpu_path.curves().size());
    CHECK(std::memcmp(cpu.curves().data(), gpu_path.curves().data(), cpu.curves().size() * sizeof(double)) == 0);
    CHECK(std::memcmp(cpu.finals().data(), gpu_path.finals().data(), cpu.finals().size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("offline.robust engine: the host twin of the CUDA engine equals the CPU engine run by run") {
  // The defaults (every learner, 11 q, 7 λ), a few runs.
  check_robust_twin_equals_cpu({}, 3, 2, 4);
  // Few trajectories (factors never seen), a small ridge, χ² before PEVI, a short grid, a wide sweep.
  check_robust_twin_equals_cpu({{"methods", "r2pvi_chi2,pevi"}, {"episodes", "4"}, {"ridge", "0.001"}, {"lambda", "0.03"}, {"perturbations", "0,0.5,1"},
                                {"lambda_sweep", "0.01,1,100"}},
                               5, 0, 6);
  // The widest actions (loads 0 to 1), no bonus, KL and TV, more data.
  check_robust_twin_equals_cpu({{"methods", "r2pvi_kl,r2pvi_tv"}, {"delta", "0.5"}, {"xi_norm", "0.5"}, {"beta", "0"}, {"episodes", "300"}}, 7, 1, 2);

  // The engines' evaluation of a stage policy is mdp::evaluate_finite's arithmetic (one-hot policy).
  const LinearMdp m = simulated_linear_mdp({});
  const mdp::Mdp p0 = perturbed_model(m, 0.0);
  Rng rng(11, 0, 1);
  const RidgeFit fit = ridge_fit(m, collect_uniform(m, mdp::view(p0), 30, rng), 0.1);
  for (Divergence f : {Divergence::None, Divergence::ChiSquare, Divergence::Tv}) {
    PviSettings s;
    s.divergence = f;
    s.robust_bonus = f != Divergence::None;
    s.lambda = 0.1;
    const PviResult learned = pessimistic_vi(m, fit, s);
    for (double q : {0.0, 0.35, 1.0}) {
      const mdp::Mdp model = perturbed_model(m, q);
      const double exact = mdp::evaluate_finite(model, stage_policy(m, learned), model.reward).v[static_cast<size_t>(m.start)];
      const double engine = stage_policy_return(mdp::view(model), learned.actions.data(), m.horizon, m.start);
      CHECK(std::memcmp(&exact, &engine, sizeof(double)) == 0);
    }
  }
}
