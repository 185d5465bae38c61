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
//   replay  every transition an online TD3 learner (td3.hpp, no regulariser) collected while it learned from
//           nothing, in the spirit of Schweighofer et al., CoLLAs 2022, whose replay dataset is every transition
//           their online DQN saw during training (authors' code kschweig/OfflineRL, train_online.py: the `er_buffer`).
//           Reading for the point mass: the learner acts a = clip(π(s) + N(0, noise²), −1, 1) per component
//           (TD3's Gaussian exploration; the noisy expert's σ), and after each environment step, once the buffer
//           holds a batch, makes one TD3 step on a minibatch drawn uniformly from everything collected so far (like
//           their DQN: one update per step from step `batch` on; no uniform warm-up, no capacity limit). Its
//           networks and settings are the offline demo's defaults (point_replay_settings in point_mass.cpp); states
//           enter its networks mapped from the square to [−1, 1]² (it cannot know its data's statistics in advance).
// A trajectory starts at s₀, or with probability random_starts at a uniformly random free point of the square
// (outside the wall: the coverage knob, dataset.hpp's `random_starts` for the point mass). Every trajectory
// runs episode_length steps (nothing terminates), so a dataset holds episodes · episode_length transitions.
// Normal draws use the lab's own log and cos (core/elementary.hpp) so that native and wasm datasets
// agree bit for bit in every build.
#pragma once
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/elementary.hpp"
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
// The dynamics are KLAB_INLINE: offline.prdc's CUDA kernel evaluates its policies with them (prdc_engine.hpp).
// clip(v, lo, hi) as std::min(hi, std::max(lo, v)) evaluates it.
KLAB_INLINE double point_clip(double v, double lo, double hi) {
  const double x = lo < v ? v : lo;
  return x < hi ? x : hi;
}
KLAB_INLINE bool in_wall(const PointMassWorld& w, const Point2& p) { return w.wall && p[0] >= w.wall_x0 && p[0] <= w.wall_x1 && p[1] <= w.wall_top; }
KLAB_INLINE bool in_goal(const PointMassWorld& w, const Point2& p) {
  const double dx = p[0] - w.goal[0], dy = p[1] - w.goal[1];
  return dx * dx + dy * dy <= w.goal_radius * w.goal_radius;
}
KLAB_INLINE PointStep point_mass_step(const PointMassWorld& w, const Point2& s, const Point2& a) {
  PointStep out;
  out.next = {point_clip(s[0] + w.step * point_clip(a[0], -1.0, 1.0), 0.0, 1.0), point_clip(s[1] + w.step * point_clip(a[1], -1.0, 1.0), 0.0, 1.0)};
  if (in_wall(w, out.next)) out.next = s;  // a step is at most as long as the wall is thick: no tunnelling
  out.reward = in_goal(w, out.next) ? 1.0 : 0.0;
  return out;
}
Point2 draw_start(const PointMassWorld& w, Rng& rng);
// A uniformly random point of [0, 1]² outside the wall (rejection: the wall covers 7 % of the square).
Point2 draw_free_state(const PointMassWorld& w, Rng& rng);

// The expert's action in state s (each component in [−1, 1]).
Point2 expert_action(const PointMassWorld& w, const Point2& s);

// N(0, 1) by Box–Muller with the lab's own log and cos: the same bits on every target.
KLAB_INLINE double portable_normal(Rng& rng) {
  const double u1 = rng.uniform_open(), u2 = rng.uniform();
  return std::sqrt(-2.0 * elementary::log(u1)) * elementary::cos(2.0 * kPi * u2);
}

enum class PointBehaviour { Expert, Noisy, Random, Mixed, Replay };
constexpr int kPointBehaviourCount = 5;
extern const char* const kPointBehaviourIds[kPointBehaviourCount];     // "expert", "noisy", "random", "mixed", "replay"
extern const char* const kPointBehaviourLabels[kPointBehaviourCount];

struct PointDatasetSpec {
  PointBehaviour behaviour = PointBehaviour::Noisy;
  int episodes = 10;             // trajectories
  int episode_length = 40;       // steps per trajectory
  double noise = 0.5;            // σ of the Gaussian noise per component: the noisy expert's, the replay learner's exploration
  double expert_fraction = 0.2;  // mixed: probability that a trajectory is the expert's
  double random_starts = 0.0;    // probability that a trajectory starts at a uniformly random free point instead of s₀
};

struct PointTransition {
  Point2 state, action, next;
  double reward = 0.0;
};

struct PointDataset {
  std::vector<PointTransition> transitions;  // (episodes · episode_length), trajectory after trajectory, in time order
  int episode_length = 0;                    // L: trajectory b is transitions [b·L, (b + 1)·L)
  double mean_return = 0.0;                  // mean over trajectories of Σ_t r_t (the behaviour's return)
  int trajectories() const { return episode_length > 0 ? static_cast<int>(transitions.size() / static_cast<size_t>(episode_length)) : 0; }
};

// The dataset of `spec` in world w; draws from `rng` only.
PointDataset generate_point_dataset(const PointMassWorld& w, const PointDatasetSpec& spec, Rng& rng);

}  // namespace klab::offline
