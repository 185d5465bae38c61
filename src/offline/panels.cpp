// The offline chapter's live views: plots and readouts only; every number comes from the chapter's
// learners (dice.hpp through DiceRun; r2pvi.hpp through RobustExperiment's runs; td3.hpp through PrdcRun), the code `klab run`
// and the tests run.
#include "offline/panels.hpp"

#include <algorithm>
#include <cstdio>

#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "offline/dice_experiment.hpp"
#include "offline/prdc_experiment.hpp"
#include "offline/robust_experiment.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::offline {
namespace {

std::string num(double v) { return plot::format_number(v); }

// A live view that trains run 1's learners one step per view step and measures them at kChecks evenly
// spaced steps (check()); Run has step() and steps_done(), Params the step budget `steps`.
template <class Params, class Run>
class TrainingView : public ui::DemoView {
 public:
  bool animates() const override { return true; }
  bool finished() const override { return !run_ || run_->steps_done() >= p_.steps; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "%s %d / %d", step_name_, run_ ? run_->steps_done() : 0, p_.steps);
    return s;
  }
  double steps_done() const override { return run_ ? run_->steps_done() : 0.0; }
  double steps_total() const override { return p_.steps; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      run_->step();
      if (run_->steps_done() % check_every() == 0 || finished()) check();
    }
  }

 protected:
  explicit TrainingView(const char* step_name) : step_name_(step_name) {}
  virtual void check() = 0;

  Params p_;
  std::unique_ptr<Run> run_;
  std::vector<double> steps_;  // the checked steps

  // One line per method against the checked steps (a method whose values are all NaN is left out).
  plot::Plot over_steps(const std::string& title, const std::string& y, const std::vector<std::vector<double>>& series) const {
    plot::Plot q;
    q.title = title;
    q.x = {std::string(step_name_) + "s", plot::Scale::Linear};
    q.x.cover_lo = 0, q.x.cover_hi = p_.steps;
    q.y = {y, plot::Scale::Linear};
    for (size_t m = 0; m < series.size(); ++m) {
      if (std::all_of(series[m].begin(), series[m].end(), [](double v) { return v != v; })) continue;  // NaN: not this method's (BC has no critic)
      plot::Line l;
      l.name = p_.methods[m];
      l.color = palette(m);
      l.x = steps_;
      l.y = series[m];
      q.lines.push_back(l);
    }
    return q;
  }

 private:
  static constexpr int kChecks = 40;
  int check_every() const { return std::max(1, p_.steps / kChecks); }
  const char* step_name_;
};

// ---------------------------------------------------------------------------------------------
// offline.dice: run 1's learners take one gradient step per view step. Headline: O-DICE's (else the
// first method's) probability of walking back to the data from each state, with its policy; beside it
// the overestimation V̂ − V^π at dataset states and the cosine between the forward and backward
// gradients, both against the steps. The learners are checked (exact evaluation) at 40 evenly spaced steps.
class DiceView final : public TrainingView<DiceParams, DiceRun> {
 public:
  DiceView() : TrainingView("gradient step") {}
  ~DiceView() override { run_.reset(); }  // the run refers to problem_, which goes first otherwise
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const DiceExperiment&>(ctx.experiment);
    p_ = e.p();
    run_.reset();
    steps_.clear();
    over_.assign(p_.methods.size(), {});
    cosine_.assign(p_.methods.size(), {});
    checks_.clear();
    Expected<OfflineProblem> pb = e.problem(ctx.seed, 0);
    if (!pb.ok()) {
      problem_text_ = pb.status().message();
      return;
    }
    problem_text_.clear();
    problem_ = std::make_unique<OfflineProblem>(std::move(pb.value()));
    run_ = std::make_unique<DiceRun>(p_, *problem_, ctx.seed, 0);
    const auto at = std::find(p_.methods.begin(), p_.methods.end(), "orthogonal");
    shown_ = at == p_.methods.end() ? 0 : static_cast<size_t>(at - p_.methods.begin());
    check();
  }

  void draw(ui::ViewContext&) override {
    if (!run_) {
      ImGui::TextWrapped("No dataset: %s", problem_text_.c_str());
      return;
    }
    std::vector<std::pair<std::string, std::string>> rows{{"V*(ρ)", num(mdp::start_value(problem_->world->mdp, problem_->optimum.v))}};
    for (size_t m = 0; m < p_.methods.size(); ++m)
      rows.push_back({p_.methods[m] + ": return / back to data", num(checks_[m].ret) + " / " + num(checks_[m].support_rate)});
    ui::readout_table("##dice", rows, 3);
    build_figure();
    if (figure_.plots.size() == 3) {
      ui::PlotGrid grid(3, 0);
      ui::draw_plot("map", figure_.plots[0], grid.cell(0));
      ui::draw_plot("over", figure_.plots[1], grid.cell(1));
      ui::draw_plot("cos", figure_.plots[2], grid.cell(2));
      grid.end();
    } else {
      ui::PlotGrid grid(2, 0);
      ui::draw_plot("over", figure_.plots[0], grid.cell(0));
      ui::draw_plot("cos", figure_.plots[1], grid.cell(1));
      grid.end();
    }
  }

 private:
  void check() override {
    checks_.clear();
    steps_.push_back(run_->steps_done());
    for (size_t m = 0; m < run_->methods(); ++m) {
      checks_.push_back(run_->check(m));
      over_[m].push_back(checks_.back().overestimation);
      cosine_[m].push_back(checks_.back().cosine);
    }
  }

  void build_figure() {
    plot::Plot over = over_steps("Overestimation V̂ − V^π at dataset states", "V̂(s) − V^π(s)", over_);
    over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
    plot::Plot cosine = over_steps("cos∠(g→, g←): −1 = the true gradient's parts cancel", "cosine", cosine_);
    cosine.y.cover_lo = -1.0, cosine.y.cover_hi = 1.0;
    figure_.title = "offline.dice, run 1";
    figure_.plots.clear();
    if (problem_->world->layout.rows > 0)
      figure_.plots.push_back(support_map(*problem_, checks_[shown_],
                                          p_.methods[shown_] + ": P(back to the data within " + std::to_string(p_.support_steps) + " steps), its policy; white: dataset states"));
    figure_.plots.push_back(over);
    figure_.plots.push_back(cosine);
  }

  std::unique_ptr<OfflineProblem> problem_;
  std::string problem_text_;
  size_t shown_ = 0;
  std::vector<DiceRun::Check> checks_;
  std::vector<std::vector<double>> over_, cosine_;  // (methods, checks)
};


// ---------------------------------------------------------------------------------------------
// offline.robust: the batch of the Runs tab, one run (a fresh dataset, every learner trained on it and
// evaluated exactly at every q) per view step, drawn with the experiment's own figure as it fills in.
// Headline: the return under perturbation q with 95 % bands, and the best policy that knows q.
class RobustView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const RobustExperiment&>(ctx.experiment);
    runs_ = static_cast<uint32_t>(robust_demo().default_runs);
    job_ = std::make_unique<BatchJob>(e.clone(), ctx.seed, runs_);
    job_->advance(0.0);  // the first run: the plot has data from the first frame
    rebuild(e);
  }
  bool animates() const override { return true; }
  bool finished() const override { return !job_ || job_->done(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "run %u / %u", job_ ? job_->result().runs_done : 0u, runs_);
    return s;
  }
  double steps_done() const override { return job_ ? job_->result().runs_done : 0.0; }
  double steps_total() const override { return runs_; }
  void advance(const ui::ViewContext& ctx, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) job_->advance(0.0);  // exactly one run each
    rebuild(static_cast<const RobustExperiment&>(ctx.experiment));
  }

  void draw(ui::ViewContext&) override {
    if (figure_.plots.size() != 3) return;
    std::vector<std::pair<std::string, std::string>> rows;
    const BatchResult r = job_->result();
    for (size_t s = 0; s < r.layout.series.size(); ++s) {
      const RunningStat& worst = r.final_stat(s, static_cast<size_t>(r.layout.find_final("worst_case_return")));
      rows.push_back({r.layout.series[s] + ": worst case over q", num(worst.mean()) + " ± " + num(worst.ci95())});
    }
    ui::readout_table("##robust", rows, 2);
    ui::PlotGrid grid(3, 0);
    ui::draw_plot("return", figure_.plots[0], grid.cell(0));
    ui::draw_plot("sweep", figure_.plots[1], grid.cell(1));
    ui::draw_plot("load", figure_.plots[2], grid.cell(2));
    grid.end();
  }

 private:
  void rebuild(const RobustExperiment& e) {
    figure_ = e.figure(job_->result());
    figure_.title = "offline.robust, runs so far: " + figure_.title;
  }

  uint32_t runs_ = 0;
  std::unique_ptr<BatchJob> job_;
};


// ---------------------------------------------------------------------------------------------
// offline.prdc: run 1's learners take one training step per view step. Headline: the world with the
// dataset, PRDC's (else the first method's) policy on a grid and the dataset point PRDC pulls each grid
// state's π(s) to; beside it Q̂ − Q^π at dataset states and the return against the steps. The learners
// are checked (Monte Carlo rollouts in the true world) at 40 evenly spaced steps.
class PrdcView final : public TrainingView<PrdcParams, PrdcRun> {
 public:
  PrdcView() : TrainingView("training step") {}
  void reset(const ui::ViewContext& ctx) override {
    p_ = static_cast<const PrdcExperiment&>(ctx.experiment).p();
    run_ = std::make_unique<PrdcRun>(p_, ctx.seed, 0);
    const auto at = std::find(p_.methods.begin(), p_.methods.end(), "prdc");
    shown_ = at == p_.methods.end() ? 0 : static_cast<size_t>(at - p_.methods.begin());
    steps_.clear();
    over_.assign(p_.methods.size(), {});
    ret_.assign(p_.methods.size(), {});
    check();
  }

  void draw(ui::ViewContext&) override {
    if (!run_) return;
    std::vector<std::pair<std::string, std::string>> rows{{"expert's return", num(run_->expert_return())},
                                                          {"dataset's mean return", num(run_->dataset().mean_return)}};
    for (size_t m = 0; m < p_.methods.size(); ++m)
      rows.push_back({p_.methods[m] + ": return / Q̂ − Q^π", num(ret_[m].back()) + " / " + num(over_[m].back())});
    ui::readout_table("##prdc", rows, 3);
    ui::PlotGrid grid(3, 0);
    ui::draw_plot("map", map_, grid.cell(0));
    ui::draw_plot("over", over_steps("Overestimation Q̂ − Q^π at dataset states", "Q̂ − Q^π", over_), grid.cell(1));
    ui::draw_plot("return", over_steps("Return of the learned policy (true world)", "Σ r", ret_), grid.cell(2));
    grid.end();
  }

 private:
  void check() override {
    steps_.push_back(run_->steps_done());
    for (size_t m = 0; m < run_->methods(); ++m) {
      const PrdcRun::Check c = run_->check(m);
      over_[m].push_back(c.overestimation);
      ret_[m].push_back(c.ret);
    }
    map_ = prdc_map(*run_, shown_, "Run 1: dataset (grey), " + p_.methods[shown_] + "'s π(s), PRDC's nearest (ŝ, â) (gold)");
  }

  size_t shown_ = 0;
  plot::Plot map_;
  std::vector<std::vector<double>> over_, ret_;  // (methods, checks)
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "offline.dice") return std::make_unique<DiceView>();
  if (demo_id == "offline.robust") return std::make_unique<RobustView>();
  if (demo_id == "offline.prdc") return std::make_unique<PrdcView>();
  return nullptr;
}

}  // namespace klab::offline
