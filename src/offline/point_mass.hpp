// A 2-D continuous point-mass navigation world for the offline chapter's continuous demos, and the
// offline datasets its behaviour policies collect (the continuous twin of dataset.hpp's behaviours).
//
//   state   s = (x, y) ∈ [0, 1]², the position
//   action  a ∈ [−1, 1]² (each component), a displacement of at most `step` per coordinate:
//             s′ = clip(s + step·a, [0, 1]²), unless the segment s → s′ ends inside the wall, then s′ = s
//   reward  r(s, a) = 1 when s′ lies in the goal disc ‖s′ − g‖ ≤ goal_radius, else 0 (nothing terminates:
//           the point may stay in the goal and collect 1 per step)
//   start   s₀ = start + U[−start_jitter, start_jitter]²
// The wall is a vertical barrier between start (left) and goal (right) with a gap at the top: the
// straight line is blocked, the expert goes up, across and down. Actions that head straight for the goal
// from the left are out of the data and worthless (they push into the wall): the trap an extrapolating,
// overestimating critic can lead an actor into (the design's intent). Deterministic dynamics: one rollout of
// a deterministic policy gives its exact discounted value (up to the truncation of the rollout).
//
// Behaviours (dataset generation, like dataset.hpp's Schweighofer et al. list):
//   expert  the waypoint controller: up to the gap height, across, down to the goal, at full speed
//   noisy   the expert's action plus N(0, noise²) per component, clipped to [−1, 1]
//   random  a ~ U[−1, 1]²
//   mixed   each trajectory the expert's with probability expert_fraction, else the random policy's
// Normal draws use the lab's own log and cos (core/elementary.hpp) so that native and wasm datasets
// agree bit for bit in every build.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace klab::offline {

using Point2 = std::array<double, 2>;

struct PointMassWorld {
  double step = 0.1;                       // largest displacement per coordinate and step
  Point2 start{0.15, 0.15};                // centre of the start region
  double start_jitter = 0.05;              // s₀ = start + U[−jitter, jitter]²
  Point2 goal{0.85, 0.15};                 // centre of the goal disc
  double goal_radius = 0.1;
  bool wall = true;                        // the barrier x ∈ [wall_x0, wall_x1], y ∈ [0, wall_top]
  double wall_x0 = 0.45, wall_x1 = 0.55, wall_top = 0.7;
  double gamma = 0.9;                      // discount of the values
};

// One transition of the world; `reward` is r(s, a).
struct PointStep {
  Point2 next;
  double reward = 0.0;
};
PointStep point_mass_step(const PointMassWorld& w, const Point2& s, const Point2& a);
bool in_wall(const PointMassWorld& w, const Point2& p);
bool in_goal(const PointMassWorld& w, const Point2& p);
Point2 draw_start(const PointMassWorld& w, Rng& rng);

// The expert's action in state s (each component in [−1, 1]).
Point2 expert_action(const PointMassWorld& w, const Point2& s);

// N(0, 1) by Box–Muller with the lab's own log and cos: the same bits on every target.
double portable_normal(Rng& rng);

enum class PointBehaviour { Expert, Noisy, Random, Mixed };
constexpr int kPointBehaviourCount = 4;
extern const char* const kPointBehaviourIds[kPointBehaviourCount];     // "expert", "noisy", "random", "mixed"
extern const char* const kPointBehaviourLabels[kPointBehaviourCount];

struct PointDatasetSpec {
  PointBehaviour behaviour = PointBehaviour::Noisy;
  int episodes = 10;             // trajectories
  int episode_length = 40;       // steps per trajectory
  double noise = 0.5;            // σ of the noisy expert's Gaussian noise (per component)
  double expert_fraction = 0.2;  // mixed: probability that a trajectory is the expert's
};

struct PointTransition {
  Point2 state, action, next;
  double reward = 0.0;
};

struct PointDataset {
  std::vector<PointTransition> transitions;  // (episodes · episode_length), trajectory after trajectory
  double mean_return = 0.0;                  // mean over trajectories of Σ_t r_t (the behaviour's return)
};

// The dataset of `spec` in world w; draws from `rng` only.
PointDataset generate_point_dataset(const PointMassWorld& w, const PointDatasetSpec& spec, Rng& rng);

}  // namespace klab::offline
