#include "alignment/live.hpp"

#include <algorithm>
#include <cmath>

#include "alignment/figures.hpp"
#include "alignment/nash.hpp"
#include "alignment/softmax.hpp"

namespace klab::alignment {

History::History(size_t methods, size_t metrics, int prompts)
    : prompts_(prompts),
      values_(methods, std::vector<std::vector<double>>(metrics)),
      paths_(methods, std::vector<std::vector<Eigen::Vector3d>>(static_cast<size_t>(prompts))) {}

void History::thin() {
  auto half = [](auto& v) {
    size_t j = 0;
    for (size_t i = 0; i < v.size(); i += 2) v[j++] = v[i];
    v.resize(j);
  };
  half(steps_);
  for (auto& m : values_)
    for (auto& k : m) half(k);
  for (auto& m : paths_)
    for (auto& p : m) half(p);
  stride_ *= 2;
}

void History::push(long long step, const std::vector<std::vector<double>>& values,
                   const std::vector<std::vector<Eigen::Vector3d>>& points) {
  if (steps_.size() >= kMaxPoints) thin();
  steps_.push_back(static_cast<double>(step));
  for (size_t m = 0; m < values_.size() && m < values.size(); ++m) {
    for (size_t k = 0; k < values_[m].size() && k < values[m].size(); ++k) values_[m][k].push_back(values[m][k]);
    for (size_t x = 0; x < paths_[m].size() && x < points[m].size(); ++x) paths_[m][x].push_back(points[m][x]);
  }
}

History offline_history(const OfflineTrainer& t) {
  const int tracked = t.world().K == 3 ? std::min(t.world().P, History::kTrackedPrompts) : 0;
  History h(t.size(), kOffMetrics, tracked);
  record_offline_history(t, h);
  return h;
}

void record_offline_history(const OfflineTrainer& t, History& h) {
  std::vector<std::vector<double>> values(t.size());
  std::vector<std::vector<Eigen::Vector3d>> points(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const PolicyStats s = t.stats(i);
    values[i] = {s.gold_reward, s.kl_ref, s.kl_opt, t.logp_delta(i, true), t.logp_delta(i, false)};
    for (int x = 0; x < h.tracked_prompts(); ++x) points[i].push_back(row3(t.logp(i), x));
  }
  h.push(t.steps_done(), values, points);
}

SimplexField offline_field(const OfflineTrainer& t, int x, Method loss, size_t reference) {
  SimplexField f;
  const World& w = t.world();
  if (w.K != 3 || t.size() == 0) return f;
  // The comparisons of prompt x alone: the other prompts' terms do not depend on π(·|x).
  PreferenceData local;
  for (const Comparison& c : t.data().items)
    if (c.x == x) {
      local.items.push_back(c);
      local.total += c.weight;
    }
  const MatrixXd base = t.logp(std::min(reference, t.size() - 1));
  const Method shown = loss == Method::Rlhf ? Method::Dpo : loss;
  f.landscape = simplex_heatmap(
      [&](const Eigen::Vector3d& pi) {
        if (local.items.empty()) return 0.0;
        MatrixXd lp = base;
        for (int y = 0; y < 3; ++y) lp(x, y) = std::log(pi[y]);
        Detached d;
        if (shown == Method::Kto || shown == Method::Wpo) d = detach(lp, w.ref_logp);
        return offline_loss(shown, t.config(), w, local, lp, d, nullptr);
      },
      64, 56, "loss on prompt " + std::to_string(x + 1));
  f.arrows = simplex_field(
      [&](const Eigen::Vector3d& pi) { return simplex_flow(shown, t.config(), w, local, base, x, pi); }, 14,
      {0.95f, 0.95f, 0.95f, 0.75f});
  return f;
}

plot::Plot offline_simplex(const OfflineTrainer& t, const History& h, int x, const std::vector<std::string>& names,
                           const SimplexField* field) {
  plot::Plot s = simplex_frame(t.world(), x, "Prompt " + std::to_string(x + 1) + ": paths on the simplex, π*_β (★)");
  if (field) {
    if (field->landscape.nx > 0) s.heatmaps.push_back(field->landscape);
    if (!field->arrows.x.empty()) s.lines.push_back(field->arrows);
  }
  for (size_t i = 0; i < h.methods() && x < h.tracked_prompts(); ++i) {
    const auto& path = h.path(i, x);
    if (path.empty()) continue;
    s.lines.push_back(simplex_path(i < names.size() ? names[i] : "", path, series_color(i)));
    s.points.push_back(simplex_point("", path.back(), series_color(i), 4.5f));
  }
  const Eigen::Vector3d opt = row3(t.optimum(), x);
  const auto xy = plot::simplex_xy(opt[0], opt[1], opt[2]);
  add_optimum_star(s, "π*_β", xy[0], xy[1]);
  s.points.push_back(simplex_point("π_ref", row3(t.world().ref_logp, x), kReferenceColor, 5.0f));
  return s;
}

History nash_history(const NashTrainer& t) {
  const int tracked = t.world().K == 3 ? std::min(t.world().P, History::kTrackedPrompts) : 0;
  History h(t.size(), 3, tracked);
  record_nash_history(t, h);
  return h;
}

void record_nash_history(const NashTrainer& t, History& h) {
  std::vector<std::vector<double>> values(t.size());
  std::vector<std::vector<Eigen::Vector3d>> points(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const auto m = t.metrics(i);
    values[i] = {m[0], m[1], m[2]};
    for (int x = 0; x < h.tracked_prompts(); ++x) {
      const VectorXd p = t.policy(i, x);
      points[i].push_back(Eigen::Vector3d(p[0], p[1], p[2]));
    }
  }
  h.push(t.steps_done(), values, points);
}

plot::Heatmap nash_gap_landscape(const NashTrainer& t, int x) {
  const MatrixXd& A = t.game(x);
  const VectorXd ref = t.world().ref_logp.row(x).transpose();
  return simplex_heatmap([&](const Eigen::Vector3d& pi) { return duality_gap(A, ref, t.tau(), VectorXd(pi)); }, 64, 56,
                         "duality gap");
}

plot::Plot nash_simplex(const NashTrainer& t, const History& h, int x, const std::vector<std::string>& names,
                        const plot::Heatmap* landscape) {
  plot::Plot s = simplex_frame(t.world(), x, "Prompt " + std::to_string(x + 1) + ": paths and the Nash policy π_N (★)");
  if (landscape && landscape->nx > 0) s.heatmaps.push_back(*landscape);
  for (size_t i = 0; i < h.methods() && x < h.tracked_prompts(); ++i) {
    const auto& path = h.path(i, x);
    if (path.empty()) continue;
    s.lines.push_back(simplex_path(i < names.size() ? names[i] : "", path, series_color(i)));
    s.points.push_back(simplex_point("", path.back(), series_color(i), 4.5f));
  }
  const VectorXd& n = t.nash(x);
  const auto xy = plot::simplex_xy(n[0], n[1], n[2]);
  add_optimum_star(s, "π_N", xy[0], xy[1]);
  s.points.push_back(simplex_point("π_ref", row3(t.world().ref_logp, x), kReferenceColor, 5.0f));
  return s;
}

}  // namespace klab::alignment
