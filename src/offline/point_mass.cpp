#include "offline/point_mass.hpp"

#include <algorithm>
#include <cmath>

#include "core/elementary.hpp"

namespace klab::offline {

const char* const kPointBehaviourIds[kPointBehaviourCount] = {"expert", "noisy", "random", "mixed"};
const char* const kPointBehaviourLabels[kPointBehaviourCount] = {"expert", "noisy expert", "random", "mixed (expert or random)"};

namespace {
double clip(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }
constexpr double kWaypointMargin = 0.05;  // the expert passes the wall this far from its corners
}  // namespace

bool in_wall(const PointMassWorld& w, const Point2& p) {
  return w.wall && p[0] >= w.wall_x0 && p[0] <= w.wall_x1 && p[1] <= w.wall_top;
}

bool in_goal(const PointMassWorld& w, const Point2& p) {
  const double dx = p[0] - w.goal[0], dy = p[1] - w.goal[1];
  return dx * dx + dy * dy <= w.goal_radius * w.goal_radius;
}

PointStep point_mass_step(const PointMassWorld& w, const Point2& s, const Point2& a) {
  PointStep out;
  out.next = {clip(s[0] + w.step * clip(a[0], -1.0, 1.0), 0.0, 1.0), clip(s[1] + w.step * clip(a[1], -1.0, 1.0), 0.0, 1.0)};
  if (in_wall(w, out.next)) out.next = s;  // a step is at most as long as the wall is thick: no tunnelling
  out.reward = in_goal(w, out.next) ? 1.0 : 0.0;
  return out;
}

Point2 draw_start(const PointMassWorld& w, Rng& rng) {
  const double u = rng.uniform(), v = rng.uniform();
  return {w.start[0] + w.start_jitter * (2.0 * u - 1.0), w.start[1] + w.start_jitter * (2.0 * v - 1.0)};
}

Point2 expert_action(const PointMassWorld& w, const Point2& s) {
  // Climb along the wall's left side to above its top, cross above it, then head for the goal.
  const double over = w.wall_top + 2.0 * kWaypointMargin;
  Point2 target = w.goal;
  if (w.wall && s[0] < w.wall_x0 && s[1] < w.wall_top + kWaypointMargin)
    target = {std::min(s[0], w.wall_x0 - kWaypointMargin), over};
  else if (w.wall && s[0] < w.wall_x1 + kWaypointMargin && s[1] >= w.wall_top)
    target = {w.wall_x1 + kWaypointMargin, over};
  return {clip((target[0] - s[0]) / w.step, -1.0, 1.0), clip((target[1] - s[1]) / w.step, -1.0, 1.0)};
}

double portable_normal(Rng& rng) {
  const double u1 = rng.uniform_open(), u2 = rng.uniform();
  return std::sqrt(-2.0 * elementary::log(u1)) * elementary::cos(2.0 * kPi * u2);
}

PointDataset generate_point_dataset(const PointMassWorld& w, const PointDatasetSpec& spec, Rng& rng) {
  PointDataset d;
  d.transitions.reserve(static_cast<size_t>(spec.episodes) * static_cast<size_t>(spec.episode_length));
  double total = 0.0;
  for (int e = 0; e < spec.episodes; ++e) {
    bool expert = spec.behaviour == PointBehaviour::Expert || spec.behaviour == PointBehaviour::Noisy;
    if (spec.behaviour == PointBehaviour::Mixed) expert = rng.uniform() < spec.expert_fraction;
    Point2 s = draw_start(w, rng);
    for (int t = 0; t < spec.episode_length; ++t) {
      Point2 a;
      if (expert) {
        a = expert_action(w, s);
        if (spec.behaviour == PointBehaviour::Noisy)
          for (double& c : a) c = clip(c + spec.noise * portable_normal(rng), -1.0, 1.0);
      } else {
        a = {2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0};
      }
      const PointStep st = point_mass_step(w, s, a);
      d.transitions.push_back({s, a, st.next, st.reward});
      total += st.reward;
      s = st.next;
    }
  }
  d.mean_return = spec.episodes > 0 ? total / spec.episodes : 0.0;
  return d;
}

}  // namespace klab::offline
