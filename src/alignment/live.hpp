// The data behind the chapter's live views, kept out of the UI code so that the tests draw on the
// same functions: a thinned history of per-method metrics and simplex paths, and the plots built
// from a trainer and its history (the simplex of a 3-response prompt with π*, the loss landscape and
// its gradient-descent field; the same for the Nash demo with the duality-gap landscape).
#pragma once
#include <vector>

#include "alignment/losses.hpp"
#include "alignment/nash_experiment.hpp"
#include "alignment/offline_experiment.hpp"
#include "core/figure.hpp"

namespace klab::alignment {

// Per-method metric history with thinning: at most about kMaxPoints points, the recording stride
// doubling whenever the buffer fills. Simplex paths are kept for the first kTrackedPrompts prompts.
class History {
 public:
  static constexpr size_t kMaxPoints = 600;
  static constexpr int kTrackedPrompts = 8;
  History() = default;
  History(size_t methods, size_t metrics, int prompts);
  // Whether step `s` should be recorded (always the first and `last`).
  bool wants(long long step, long long last) const { return step % stride_ == 0 || step == last; }
  // values[m][k]: metric k of method m; points[m][x]: π(·|x) of method m (3 responses) or empty.
  void push(long long step, const std::vector<std::vector<double>>& values,
            const std::vector<std::vector<Eigen::Vector3d>>& points);
  const std::vector<double>& steps() const { return steps_; }
  const std::vector<double>& values(size_t method, size_t metric) const { return values_[method][metric]; }
  const std::vector<Eigen::Vector3d>& path(size_t method, int prompt) const {
    return paths_[method][static_cast<size_t>(prompt)];
  }
  int tracked_prompts() const { return prompts_; }
  size_t methods() const { return values_.size(); }

 private:
  void thin();
  long long stride_ = 1;
  int prompts_ = 0;
  std::vector<double> steps_;
  std::vector<std::vector<std::vector<double>>> values_;           // [method][metric][point]
  std::vector<std::vector<std::vector<Eigen::Vector3d>>> paths_;   // [method][prompt][point]
};

// Offline: metrics {gold, KL(π‖π_ref), KL(π‖π*), chosen Δ ln π, rejected Δ ln π} and simplex points.
enum OfflineMetric { kOffGold, kOffKlRef, kOffKlOpt, kOffChosen, kOffRejected, kOffMetrics };
History offline_history(const OfflineTrainer& t);
void record_offline_history(const OfflineTrainer& t, History& h);

// The loss landscape of prompt x as a function of π(·|x) (3 responses) and its gradient-descent field
// for the tabular class, other prompts held at method `reference`'s current policy.
struct SimplexField {
  plot::Heatmap landscape;
  plot::Line arrows;
};
SimplexField offline_field(const OfflineTrainer& t, int x, Method loss, size_t reference);

// The simplex of prompt x with every method's path, π*_β, π_ref and (optionally) a field.
plot::Plot offline_simplex(const OfflineTrainer& t, const History& h, int x, const std::vector<std::string>& names,
                           const SimplexField* field);

// Nash: metrics {duality gap, P(π ≻ π_N), KL(π‖π_N)} and simplex points of the reported policies.
History nash_history(const NashTrainer& t);
void record_nash_history(const NashTrainer& t, History& h);
// The duality-gap landscape of prompt x, paths, π_N and π_ref.
plot::Plot nash_simplex(const NashTrainer& t, const History& h, int x, const std::vector<std::string>& names,
                        const plot::Heatmap* landscape);
plot::Heatmap nash_gap_landscape(const NashTrainer& t, int x);

}  // namespace klab::alignment
