#include "mdp/learning_live.hpp"

#include <algorithm>
#include <cmath>

#include "core/batch.hpp"
#include "core/stats.hpp"

namespace klab::mdp {

namespace {

constexpr double kLiveEntries = 4e6;  // table entries of all runs (≈ 12 bytes each)
constexpr double kLiveWork = 1e5;     // learner steps (and UCBVI planning entries) of all runs per view step

// Appends the mean and 95% band of `s`, exactly as BatchResult::curve computes them (NaN: no run).
void push_band(LiveBand& band, const RunningStat& s) {
  const bool any = s.count() > 0;
  band.mean.push_back(any ? s.mean() : NAN);
  band.lo.push_back(any ? s.mean() - s.ci95() : NAN);
  band.hi.push_back(any ? s.mean() + s.ci95() : NAN);
}

void push_finite(RunningStat& s, double v) {
  if (std::isfinite(v)) s.push(v);
}

}  // namespace

uint32_t live_batch_runs(const EpisodicProblem& problem, int control_learners, bool ucbvi, int evaluators, uint32_t wanted) {
  const Mdp& m = problem.scaled;
  const double h = problem.task.horizon, n = control_learners + evaluators;
  const double entries = std::max(1.0, h * m.pairs() * n);
  const double work = std::max(1.0, h * n + (ucbvi ? h * (m.transitions() + m.pairs()) : 0.0));
  const double fit = std::min({kLiveEntries / entries, kLiveWork / work, static_cast<double>(kBlockRuns)});
  return std::max(1u, std::min(wanted, static_cast<uint32_t>(fit)));
}

LearningLiveBatch::Problem::Problem(std::shared_ptr<const World> w, const LearningParams& p, bool with_ope)
    : world(std::move(w)), episodic(world->mdp, p.horizon, p.gamma) {
  if (with_ope) ope = off_policy_task(episodic, p.target_eps, p.behaviour_eps);
}

LearningLiveBatch::LearningLiveBatch(const LearningExperiment& e, uint64_t seed, uint32_t wanted) {
  const LearningParams& p = e.p();
  std::vector<ControlMethod> control;
  std::vector<TraceMethod> traces;
  for (const std::string& id : p.methods) {
    const LearningMethod m = learning_method(id);
    if (const ControlMethod* c = std::get_if<ControlMethod>(&m))
      control.push_back(*c);
    else
      traces.push_back(std::get<TraceMethod>(m));
  }
  const bool ucbvi = std::find(control.begin(), control.end(), ControlMethod::Ucbvi) != control.end();
  const ControlSettings c = e.control_settings();
  std::shared_ptr<const Problem> shared;  // consecutive runs of one world share it
  uint32_t runs = 1;
  for (uint32_t r = 0; r < runs; ++r) {
    Expected<std::shared_ptr<const World>> w = e.world_for(seed, r);
    if (!w.ok()) {
      error_ = w.status().message();
      runs_.clear();
      return;
    }
    if (!shared || shared->world != w.value()) shared = std::make_shared<const Problem>(w.value(), p, !traces.empty());
    if (r == 0) runs = live_batch_runs(shared->episodic, static_cast<int>(control.size()), ucbvi, static_cast<int>(traces.size()), wanted);
    Run run;
    run.problem = shared;
    for (ControlMethod m : control) run.learners.push_back(std::make_unique<ControlLearner>(shared->episodic, m, c, seed, r));
    for (TraceMethod m : traces)
      run.evaluators.push_back(std::make_shared<TraceEvaluator>(shared->episodic, shared->ope, m, p.lambda, p.ope_alpha, seed, r));
    runs_.push_back(std::move(run));
  }
  regret_.assign(control.size(), {});
  ope_error_.assign(traces.size(), {});
}

void LearningLiveBatch::run_episode(int* path) {
  for (size_t r = 0; r < runs_.size(); ++r) {
    for (size_t m = 0; m < runs_[r].learners.size(); ++m) runs_[r].learners[m]->run_episode(r == 0 && m == 0 ? path : nullptr);
    for (auto& ev : runs_[r].evaluators) ev->run_episode();
  }
}

void LearningLiveBatch::record() {
  if (runs_.empty()) return;
  episodes_.push_back(static_cast<double>(runs_.front().learners.empty() ? runs_.front().evaluators.front()->episodes_done()
                                                                         : runs_.front().learners.front()->episodes_done()));
  for (size_t m = 0; m < regret_.size(); ++m) {
    RunningStat s;  // pushed in run order, as BatchJob pushes a block's records
    for (const Run& run : runs_) push_finite(s, run.learners[m]->regret());
    push_band(regret_[m], s);
  }
  for (size_t m = 0; m < ope_error_.size(); ++m) {
    RunningStat s;
    for (const Run& run : runs_) push_finite(s, run.evaluators[m]->error());
    push_band(ope_error_[m], s);
  }
}

}  // namespace klab::mdp
