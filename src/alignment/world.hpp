// The alignment chapter's toy world, shared by every demo: a "preference bandit".
//
// P prompts x, each with K candidate responses y. Every (x, y) has
//   features      φ(x, y) ∈ ℝ^d,  φ ~ N(0, I_d)
//   a length      |y| ∈ {1..8}   (used by the length-normalised losses SimPO and SimNPO)
//   gold reward   r*(x, y) = w*ᵀφ(x, y) + a·√2·sin(3·vᵀφ(x, y))
//                 (linear part with ‖w*‖ = reward_scale, plus a non-linear part of weight a =
//                 `nonlinearity`, so that a reward model or policy linear in φ is misspecified)
//   reference     π_ref(y|x) = softmax_y(θ_refᵀφ(x, y)), a log-linear "SFT model" whose direction
//                 has cosine `ref_alignment` with w* and norm `ref_sharpness`.
// Prompts are equally likely: ρ(x) = 1/P. Everything is drawn from Rng(world_seed, 0, stream), so
// the world (and π*) stays fixed while the preference data are redrawn for every run.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/params.hpp"
#include "core/rng.hpp"

namespace klab::alignment {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Parameters of the world (every demo's parameter struct derives from this).
struct WorldParams {
  int prompts = 8;
  int responses = 3;
  int features = 4;
  double reward_scale = 1.5;
  double nonlinearity = 0.0;
  double ref_alignment = 0.0;
  double ref_sharpness = 1.0;
  long long world_seed = 1;
};

struct World {
  int P = 0, K = 0, d = 0;
  MatrixXd phi;       // (P·K) × d, row x·K + y
  MatrixXd gold;      // P × K, r*(x, y)
  MatrixXd ref_logp;  // P × K, ln π_ref(y|x)
  MatrixXd length;    // P × K, |y|
  VectorXd theta_ref, w_star, nonlinear_dir;

  int row(int x, int y) const { return x * K + y; }
};

// Random-stream ids of the chapter (Rng(seed, run, stream)).
enum Stream : uint32_t {
  kStreamWorld = 1,
  kStreamData = 2,
  kStreamOnline = 3,
  kStreamModel = 4,
  kStreamSafety = 5,
  kStreamExtra = 6,
};

World make_world(const WorldParams& p);

// Declares the world's parameters in a demo's table (P derives from WorldParams), with the demo's
// own defaults `d` and at most `max_responses` responses per prompt.
template <class P>
void add_world_params(ParamTable<P>& t, const WorldParams& d, int max_responses) {
  t.template integer<int>("prompts", static_cast<int P::*>(&WorldParams::prompts), d.prompts, 1, 64)
      .label("prompts P")
      .help("Number of prompts x in the toy world (each equally likely).");
  t.template integer<int>("responses", static_cast<int P::*>(&WorldParams::responses), d.responses, 3, max_responses)
      .label("responses K")
      .help("Candidate responses per prompt (3: the probability simplex is drawn).");
  t.template integer<int>("features", static_cast<int P::*>(&WorldParams::features), d.features, 2, 16)
      .label("features d")
      .help("Dimension of the response features φ(x, y) (the log-linear policy class has d parameters).");
  t.real("reward_scale", static_cast<double P::*>(&WorldParams::reward_scale), d.reward_scale, 0.0, 5.0)
      .label("gold reward scale")
      .help("‖w*‖: standard deviation of the linear part of the gold reward r*.");
  t.real("nonlinearity", static_cast<double P::*>(&WorldParams::nonlinearity), d.nonlinearity, 0.0, 3.0)
      .label("non-linear reward part a")
      .help("Weight of the non-linear part a·√2·sin(3vᵀφ) of r* (misspecifies linear models).");
  t.real("ref_alignment", static_cast<double P::*>(&WorldParams::ref_alignment), d.ref_alignment, -1.0, 1.0)
      .label("π_ref alignment")
      .help("Cosine between π_ref's score direction θ_ref and w* (1: the reference already prefers good responses).");
  t.real("ref_sharpness", static_cast<double P::*>(&WorldParams::ref_sharpness), d.ref_sharpness, 0.0, 4.0)
      .label("π_ref sharpness")
      .help("‖θ_ref‖: 0 gives a uniform reference policy.");
  t.template integer<long long>("world_seed", static_cast<long long P::*>(&WorldParams::world_seed), d.world_seed, 0, 1000000)
      .label("world seed")
      .help("Seed of the world (features, gold reward, π_ref); the data are redrawn per run from the run seed.");
}

// WorldParams with the given sizes (the other fields at their defaults).
inline WorldParams world_defaults(int prompts, int responses, double reward_scale = 1.5) {
  WorldParams w;
  w.prompts = prompts;
  w.responses = responses;
  w.reward_scale = reward_scale;
  return w;
}

}  // namespace klab::alignment
