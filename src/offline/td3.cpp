#include "offline/td3.hpp"

#include <cmath>

namespace klab::offline {
namespace {
constexpr double kSdFloor = 1e-3;
}  // namespace

void Td3Data::append(const PointTransition& x) {
  const Point2 sn = normalise(x.state), s2n = normalise(x.next);
  s.insert(s.end(), sn.begin(), sn.end());
  a.insert(a.end(), x.action.begin(), x.action.end());
  r.push_back(x.reward);
  s2.insert(s2.end(), s2n.begin(), s2n.end());
}

Td3Data make_td3_data(const PointDataset& d, double beta) {
  Td3Data t;
  t.beta = beta;
  const size_t n = d.transitions.size();
  for (int k = 0; k < kTd3S; ++k) {
    double sum = 0.0;
    for (const PointTransition& x : d.transitions) sum += x.state[k];
    t.mean[k] = n ? sum / static_cast<double>(n) : 0.0;
    double ss = 0.0;
    for (const PointTransition& x : d.transitions) ss += (x.state[k] - t.mean[k]) * (x.state[k] - t.mean[k]);
    t.sd[k] = (n ? std::sqrt(ss / static_cast<double>(n)) : 0.0) + kSdFloor;
  }
  std::vector<double> keys;
  keys.reserve(n * 4);
  for (const PointTransition& x : d.transitions) {
    t.append(x);
    const Point2 s = t.normalise(x.state);
    keys.insert(keys.end(), {beta * s[0], beta * s[1], x.action[0], x.action[1]});
  }
  t.tree = KdTree(std::move(keys), 4);
  return t;
}

Td3Learner::Td3Learner(const Td3Data& data, const Td3Settings& s, Rng init)
    : data_(&data), settings_(s), layout_(td3_layout(s.hidden)), idx_(static_cast<size_t>(s.batch)) {
  state_.resize(layout_.size);
  scratch_.resize(td3_scratch(layout_, s.batch, nullptr).size);
  td3_init(layout_, state_.data(), init);
}

void Td3Learner::step(Rng& rng) { td3_step(settings_, layout_, data_->view(), state_.data(), steps_, scratch_.data(), idx_.data(), rng); }

Point2 Td3Learner::act(const Point2& state) const {
  std::vector<double> tape(mlp_tape_size(layout_.critic, 4, 1));
  return td3_act(layout_, data_->view(), state_.data(), state, tape.data());
}

double Td3Learner::q(const Point2& state, const Point2& action) const {
  std::vector<double> tape(mlp_tape_size(layout_.critic, 4, 1));
  return td3_q(layout_, data_->view(), state_.data(), state, action, tape.data());
}

int Td3Learner::nearest(const Point2& state, const Point2& action) const {
  const Point2 s = data_->normalise(state);
  const double key[4] = {data_->beta * s[0], data_->beta * s[1], action[0], action[1]};
  return data_->tree.nearest(key);
}

Td3Check Td3Learner::check(const PointMassWorld& w, const std::vector<Point2>& starts, int horizon, const std::vector<Point2>& eval_states,
                           int rollout_length) const {
  std::vector<double> tape(mlp_tape_size(layout_.critic, 4, 1));
  return td3_check(w, layout_, data_->view(), state_.data(), has_critic(), starts.data(), static_cast<int>(starts.size()), horizon, eval_states.data(),
                   static_cast<int>(eval_states.size()), rollout_length, tape.data());
}

}  // namespace klab::offline
