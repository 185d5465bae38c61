// Another libm, simulated: this program is compiled with KLAB_MATH_PERTURB, so every log, log1p,
// exp, pow and cos of the shared KLAB_HD code (core/lab_math.hpp) goes through perturb() below,
// which moves the result by one ulp up, down, or in a direction drawn from the arguments' bits
// (a deterministic function of the arguments, as a different library is). glibc, musl and CUDA's
// libdevice differ from each other by about that much.
//
// Claim (bandits/policies.hpp, "Ties"): choices are decided on exact quantities, so the arm
// pulled at every step of every policy is the same under each perturbation. The control checks
// that the perturbation reached the computation (Gaussian observations and KL-UCB indices move).
//
// Its own program because the macro changes inline functions: linking it with objects built
// without the macro would break the one-definition rule. It includes headers only.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bandits/regret_sim.hpp"

namespace {

enum class Perturbation { None, Up, Down, Hashed };
Perturbation g_mode = Perturbation::None;
long long g_moved = 0;  // results moved so far

int direction(klab::math::Fn fn, double x, double y) {
  switch (g_mode) {
    case Perturbation::None: return 0;
    case Perturbation::Up: return 1;
    case Perturbation::Down: return -1;
    case Perturbation::Hashed: {
      uint64_t bx, by;
      std::memcpy(&bx, &x, sizeof bx);
      std::memcpy(&by, &y, sizeof by);
      uint64_t h = (bx ^ (by * 0x9E3779B97F4A7C15ull) ^ (static_cast<uint64_t>(fn) << 59)) * 0xD6E8FEB86659FD93ull;
      h ^= h >> 32;
      return (h & 1) ? 1 : -1;
    }
  }
  return 0;
}

}  // namespace

double klab::math::perturb(Fn fn, double result, double x, double y) {
  const int d = direction(fn, x, y);
  if (d == 0 || !std::isfinite(result)) return result;
  ++g_moved;
  return std::nextafter(result, d > 0 ? HUGE_VAL : -HUGE_VAL);
}

namespace {

using namespace klab::bandits;

struct Instance {
  std::string name;
  ArmModel model;
  std::vector<double> theta;
  double c;
  uint64_t horizon;
};

std::vector<Instance> instances() {
  ArmModel bernoulli, gaussian, two_valued;
  gaussian.dist = ArmDist::Gaussian;
  gaussian.sigma = 0.5;
  two_valued.dist = ArmDist::TwoValued;
  two_valued.lo = -1.0;
  two_valued.hi = 2.0;
  std::vector<double> nine, hundred{0.9};
  for (int i = 1; i <= 9; ++i) nine.push_back(i / 10.0);
  for (int i = 0; i < 99; ++i) hundred.push_back(0.1 + 0.7 * i / 98.0);
  return {
      {"nine arms", bernoulli, nine, 0.0, 1500},
      {"nine arms, c = 3", bernoulli, nine, 3.0, 1500},
      {"hard: 0.55 and nine 0.5 (many exact ties)", bernoulli, {0.55, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0.0, 1500},
      {"close arms", bernoulli, {0.5, 0.48, 0.46, 0.44}, 0.0, 1500},
      {"two-valued {-1, 2}", two_valued, {0.3, 0.5, 0.5, 0.45}, 0.0, 1500},
      {"Gaussian σ = 0.5", gaussian, nine, 0.0, 1500},
      {"100 arms", bernoulli, hundred, 0.0, 1500},
  };
}

RegretConfig config_of(const Instance& in) {
  RegretConfig cfg;
  cfg.policy.model = in.model;
  cfg.policy.k = static_cast<int>(in.theta.size());
  cfg.policy.horizon = in.horizon;
  cfg.policy.c = in.c;
  double best = in.theta[0];
  for (double t : in.theta) best = t > best ? t : best;
  for (int a = 0; a < cfg.policy.k; ++a) cfg.theta[a] = in.theta[a], cfg.gap[a] = best - in.theta[a];
  cfg.n_checkpoints = 1;
  cfg.checkpoints[0] = static_cast<uint32_t>(in.horizon);
  return cfg;
}

struct Trace {
  std::vector<int> arms;  // the arm pulled at t = 1..T
  std::vector<double> sums;  // S_a at the end (moves with Gaussian observations)
};

Trace trace(const RegretConfig& cfg, Policy policy, uint32_t run) {
  PolicyRun r;
  policy_run_start(r, cfg, policy, 2024, run);
  Trace out;
  while (!policy_run_done(r, cfg)) out.arms.push_back(policy_run_step(r, cfg, 2024, run));
  out.sums.assign(r.stats.sum, r.stats.sum + cfg.policy.k);
  return out;
}

// The KL-UCB index of a few (N, S) pairs: moves with the logarithms.
std::vector<double> some_indices() {
  std::vector<double> out;
  for (double n : {3.0, 40.0, 700.0})
    for (double mean : {0.0, 0.3, 0.8}) out.push_back(klucb_index(ArmModel{}, mean, n, 1000.0, 0.0));
  return out;
}

}  // namespace

TEST_CASE("every policy pulls the same arms when every transcendental result moves by ±1 ulp") {
  const uint32_t runs = 12;
  int sequences = 0;
  for (const Instance& in : instances()) {
    const RegretConfig cfg = config_of(in);
    for (int p = 0; p < kPolicyCount; ++p) {
      for (uint32_t run = 0; run < runs; ++run) {
        g_mode = Perturbation::None;
        const Trace reference = trace(cfg, static_cast<Policy>(p), run);
        for (Perturbation mode : {Perturbation::Up, Perturbation::Down, Perturbation::Hashed}) {
          g_mode = mode;
          const Trace perturbed = trace(cfg, static_cast<Policy>(p), run);
          CAPTURE(in.name);
          CAPTURE(p);
          CAPTURE(run);
          CAPTURE(static_cast<int>(mode));
          size_t first_difference = 0;
          while (first_difference < reference.arms.size() && reference.arms[first_difference] == perturbed.arms[first_difference])
            ++first_difference;
          CAPTURE(first_difference);
          CHECK(perturbed.arms == reference.arms);
          ++sequences;
        }
      }
    }
  }
  g_mode = Perturbation::None;
  CHECK(sequences == 7 * kPolicyCount * 12 * 3);
}

TEST_CASE("control: the perturbation reaches the computation") {
  g_mode = Perturbation::None;
  const std::vector<double> exact = some_indices();
  const RegretConfig gaussian = config_of(instances()[5]);
  const Trace reference = trace(gaussian, Policy::Thompson, 0);
  g_mode = Perturbation::Hashed;
  g_moved = 0;
  const std::vector<double> moved = some_indices();
  const Trace perturbed = trace(gaussian, Policy::Thompson, 0);
  g_mode = Perturbation::None;
  CHECK(g_moved > 1000);
  int changed_indices = 0;
  for (size_t i = 0; i < exact.size(); ++i) changed_indices += moved[i] != exact[i];
  CHECK(changed_indices >= 3);  // the Newton solves see the moved logarithms
  CHECK(perturbed.sums != reference.sums);  // Box–Muller's log and cos moved the observations...
  CHECK(perturbed.arms == reference.arms);  // ...but not the choices
}
