#include "offline/point_mass.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/elementary.hpp"
#include "offline/td3.hpp"

namespace klab::offline {

const char* const kPointBehaviourIds[kPointBehaviourCount] = {"expert", "noisy", "random", "mixed", "replay"};
const char* const kPointBehaviourLabels[kPointBehaviourCount] = {"expert", "noisy expert", "random", "mixed (expert or random)",
                                                                 "replay (an online TD3 learner's experience)"};

namespace {
constexpr double kWaypointMargin = 0.05;  // the expert passes the wall this far from its corners
}  // namespace

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
  return {point_clip((target[0] - s[0]) / w.step, -1.0, 1.0), point_clip((target[1] - s[1]) / w.step, -1.0, 1.0)};
}

namespace {

// The replay behaviour's learner (reading): TD3 without a regulariser, with the offline demo's default networks and
// steps (prdc_experiment.hpp: 16 hidden units, batch 32, Adam 10⁻³, τ = 0.05) and the world's γ.
Td3Settings point_replay_settings(const PointMassWorld& w) {
  Td3Settings s;
  s.regulariser = ActorRegulariser::None;
  s.gamma = w.gamma;
  s.tau = 0.05;
  s.batch = 32;
  s.hidden = 16;
  s.actor_lr = s.critic_lr = 1e-3;
  return s;
}

// The replay learner's buffer, empty, with states normalised by the square's range, s ↦ (s − ½)/½ ∈ [−1, 1]²: an online
// learner cannot know its data's mean and spread in advance (the offline learners normalise by them).
Td3Data point_replay_buffer() {
  Td3Data d;
  d.mean = {0.5, 0.5};
  d.sd = {0.5, 0.5};
  return d;
}

// The online learner of the replay behaviour: the buffer of everything collected so far and TD3 on it. Its networks
// are drawn from a stream seeded by the dataset's stream. Not copyable (the learner points at the buffer).
class PointReplayLearner {
 public:
  PointReplayLearner(const PointMassWorld& w, double noise, Rng& rng)
      : buffer_(point_replay_buffer()),
        learner_(buffer_, point_replay_settings(w), Rng(rng.next_u64(), 0, 0)),
        batch_(point_replay_settings(w).batch),
        noise_(noise) {}
  PointReplayLearner(const PointReplayLearner&) = delete;
  PointReplayLearner& operator=(const PointReplayLearner&) = delete;

  // a = clip(π(s) + ε, −1, 1), ε ~ N(0, noise²) per component: TD3's Gaussian exploration.
  Point2 act(const Point2& s, Rng& rng) const {
    Point2 a = learner_.act(s);
    for (double& c : a) c = point_clip(c + noise_ * portable_normal(rng), -1.0, 1.0);
    return a;
  }
  // Stores t and, once the buffer holds a batch, makes one TD3 step on a minibatch of the whole buffer.
  void learn(const PointTransition& t, Rng& rng) {
    buffer_.append(t);
    if (buffer_.size() >= batch_) learner_.step(rng);
  }

 private:
  Td3Data buffer_;  // before learner_, which points at it
  Td3Learner learner_;
  int batch_;
  double noise_;
};

}  // namespace

Point2 draw_free_state(const PointMassWorld& w, Rng& rng) {
  for (;;) {
    const Point2 p{rng.uniform(), rng.uniform()};
    if (!in_wall(w, p)) return p;
  }
}

PointDataset generate_point_dataset(const PointMassWorld& w, const PointDatasetSpec& spec, Rng& rng) {
  PointDataset d;
  d.episode_length = spec.episode_length;
  d.transitions.reserve(static_cast<size_t>(spec.episodes) * static_cast<size_t>(spec.episode_length));
  std::unique_ptr<PointReplayLearner> replay;
  if (spec.behaviour == PointBehaviour::Replay) replay = std::make_unique<PointReplayLearner>(w, spec.noise, rng);
  double total = 0.0;
  for (int e = 0; e < spec.episodes; ++e) {
    PointBehaviour who = spec.behaviour;
    if (who == PointBehaviour::Mixed) who = rng.uniform() < spec.expert_fraction ? PointBehaviour::Expert : PointBehaviour::Random;
    // No draw when random_starts = 0: those datasets are the ones measured before the knob existed (README).
    Point2 s = spec.random_starts > 0.0 && rng.uniform() < spec.random_starts ? draw_free_state(w, rng) : draw_start(w, rng);
    for (int t = 0; t < spec.episode_length; ++t) {
      Point2 a{0.0, 0.0};
      switch (who) {
        case PointBehaviour::Expert: a = expert_action(w, s); break;
        case PointBehaviour::Noisy:
          a = expert_action(w, s);
          for (double& c : a) c = point_clip(c + spec.noise * portable_normal(rng), -1.0, 1.0);
          break;
        case PointBehaviour::Random: a = {2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0}; break;
        case PointBehaviour::Mixed: break;  // resolved above
        case PointBehaviour::Replay: a = replay->act(s, rng); break;
      }
      const PointStep st = point_mass_step(w, s, a);
      d.transitions.push_back({s, a, st.next, st.reward});
      if (replay) replay->learn(d.transitions.back(), rng);
      total += st.reward;
      s = st.next;
    }
  }
  d.mean_return = spec.episodes > 0 ? total / spec.episodes : 0.0;
  return d;
}

}  // namespace klab::offline
