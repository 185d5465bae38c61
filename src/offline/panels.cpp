// The offline chapter's live views: plots and readouts only; every number comes from the chapter's
// learners (rollout_learner.hpp through EdgeRun; weighting.hpp through WeightingRun; dice.hpp through
// DiceRun; r2pvi.hpp through RobustExperiment's runs; td3.hpp through PrdcRun), the code `klab run`
// and the tests run.
#include "offline/panels.hpp"

#include <algorithm>
#include <cstdio>

#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "offline/dice_experiment.hpp"
#include "offline/edge_experiment.hpp"
#include "offline/prdc_experiment.hpp"
#include "offline/robust_experiment.hpp"
#include "offline/weighting_experiment.hpp"
#include "ui/app.hpp"  // drawer_layout
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::offline {
namespace {

std::string num(double v) { return plot::format_number(v); }

// The width of ImGui::RadioButton(label): its circle, the gap and the text.
float radio_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

// The headline of a view with a square map (equal aspect) beside curves: the curve plot (0) in a window
// wide enough for the side panel; in smaller windows and on phones (the controls in a drawer) the other
// plots get short cells where the map would be under 150 px wide, so there the map (1) keeps the large cell.
int curve_headline_beside_map() { return ui::drawer_layout() ? 1 : 0; }

// A live view's steps in all (TrainingView): gradient or training steps, rollout iterations.
int training_steps(const DiceParams& p) { return p.steps; }
int training_steps(const PrdcParams& p) { return p.steps; }
int training_steps(const EdgeParams& p) { return p.iterations; }

// A live view that trains run 1's learners one step per view step and measures them at kChecks evenly
// spaced steps (check()); Run has step() and steps_done(), training_steps(Params) is the step budget.
template <class Params, class Run>
class TrainingView : public ui::DemoView {
 public:
  bool animates() const override { return true; }
  bool finished() const override { return !run_ || run_->steps_done() >= training_steps(p_); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "%s %d / %d", step_name_, run_ ? run_->steps_done() : 0, training_steps(p_));
    return s;
  }
  double steps_done() const override { return run_ ? run_->steps_done() : 0.0; }
  double steps_total() const override { return training_steps(p_); }
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
    q.x.cover_lo = 0, q.x.cover_hi = training_steps(p_);
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
  int check_every() const { return std::max(1, training_steps(p_) / kChecks); }
  const char* step_name_;
};

// A TrainingView on run 1's tabular dataset (OfflineProblem): start() builds the dataset and the run
// (the run refers to the problem, so it goes first), or keeps the reason there is none, which
// no_dataset() shows in place of the view.
template <class Params, class Run>
class DatasetTrainingView : public TrainingView<Params, Run> {
 protected:
  using TrainingView<Params, Run>::TrainingView;
  ~DatasetTrainingView() override { this->run_.reset(); }
  template <class Experiment>
  bool start(const Experiment& e, uint64_t seed) {
    this->p_ = e.p();
    this->run_.reset();
    this->steps_.clear();
    Expected<OfflineProblem> pb = e.problem(seed, 0);
    if (!pb.ok()) {
      problem_text_ = pb.status().message();
      return false;
    }
    problem_text_.clear();
    problem_ = std::make_unique<OfflineProblem>(std::move(pb.value()));
    this->run_ = std::make_unique<Run>(this->p_, *problem_, seed, 0);
    return true;
  }
  bool no_dataset() const {
    if (this->run_) return false;
    ImGui::TextWrapped("No dataset: %s", problem_text_.c_str());
    return true;
  }

  std::unique_ptr<OfflineProblem> problem_;

 private:
  std::string problem_text_;
};

// ---------------------------------------------------------------------------------------------
// offline.edge_of_reach: run 1's learners take one iteration each per view step (k-step rollouts from
// dataset states in the true dynamics, then updates_per_iteration Q updates: EdgeRun, the code of the
// Runs tab). The grid (the chosen learner's Q̂ − Q^π, the data's actions, the reach, the edge of
// reach, the greedy paths); beside it the headline curve, Q̂ − Q^π at the dataset states against the
// iterations, one line per learner (MOPO's stays above 0, its targets fed by the never-trained edge;
// RAVL's ensemble minimum and the full-horizon learner's go to 0), and the return. The learners are
// checked (exact evaluation) at 40 evenly spaced iterations.
class EdgeView final : public DatasetTrainingView<EdgeParams, EdgeRun> {
 public:
  EdgeView() : DatasetTrainingView("iteration") {}
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const EdgeExperiment&>(ctx.experiment);
    over_.assign(e.p().methods.size(), {});
    ret_.assign(e.p().methods.size(), {});
    checks_.clear();
    if (!start(e, ctx.seed)) return;
    shown_ = std::min(shown_, p_.methods.size() - 1);
    check();
  }

  void draw(ui::ViewContext&) override {
    if (no_dataset()) return;
    std::vector<std::pair<std::string, std::string>> rows{
        {"V*(ρ)", num(mdp::start_value(problem_->world->mdp, problem_->optimum.v))},
        {"edge-of-reach states (k = " + std::to_string(p_.rollout_length) + ")", std::to_string(run_->edge_states().size())}};
    for (size_t m = 0; m < p_.methods.size(); ++m)
      rows.push_back({p_.methods[m] + ": Q̂ − Q^π at the edge", num(checks_[m].edge_overestimation)});
    ui::readout_table("##edge", rows, 3);
    if (map_.heatmaps.empty()) {  // not a grid world: the curves only
      draw_curves(2);
      return;
    }
    ImGui::TextUnformatted("heat map of");
    for (size_t m = 0; m < p_.methods.size(); ++m) {
      ui::same_line_if_fits(radio_width(p_.methods[m].c_str()));
      int chosen = static_cast<int>(shown_);
      if (ImGui::RadioButton(p_.methods[m].c_str(), &chosen, static_cast<int>(m))) {
        shown_ = m;
        build_map();
      }
    }
    draw_curves(3);
  }

 private:
  void check() override {
    checks_.clear();
    steps_.push_back(run_->steps_done());
    for (size_t m = 0; m < run_->methods(); ++m) {
      checks_.push_back(run_->check(m));
      over_[m].push_back(checks_.back().overestimation);
      ret_[m].push_back(checks_.back().value);
    }
    build_map();
  }

  void build_map() {
    map_ = {};
    if (problem_->world->layout.rows > 0)
      map_ = edge_map(p_, *problem_, *run_, checks_, shown_, p_.methods[shown_] + "'s Q̂ − Q^π, the data's actions, greedy paths");
  }

  // The evidence first: the overestimation at the data over the iterations is the headline (the
  // largest cell), the map and the return (its range always holds 0) beside or below it; in small
  // windows and on phones the map keeps the large cell (curve_headline_beside_map), as in the other views.
  void draw_curves(int plots) {
    plot::Plot over = over_steps("Overestimation at dataset states (π: greedy in Q̂)", "Q̂ − Q^π", over_);
    over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
    plot::Plot ret = over_steps("Return of the greedy policy (exact)", "V^π(ρ)", ret_);
    ret.y.cover_lo = 0.0;  // a return of 0 (a greedy policy that never reaches the goal) stays in range
    ret.guides.push_back(mdp::reference_guide("optimal V*(ρ)", mdp::start_value(problem_->world->mdp, problem_->optimum.v)));
    figure_.title = "offline.edge_of_reach, run 1";
    figure_.plots = {over};
    if (plots == 3) figure_.plots.push_back(map_);
    figure_.plots.push_back(ret);
    const char* ids[] = {"over", plots == 3 ? "map" : "return", "return"};
    figure_.headline = plots == 3 ? curve_headline_beside_map() : 0;
    ui::PlotGrid grid(plots, figure_.headline);
    for (int i = 0; i < plots; ++i) ui::draw_plot(ids[i], figure_.plots[static_cast<size_t>(i)], grid.cell(i));
    grid.end();
  }

  size_t shown_ = 0;
  plot::Plot map_;
  std::vector<EdgeRun::Check> checks_;
  std::vector<std::vector<double>> over_, ret_;  // (methods, checks)
};


// ---------------------------------------------------------------------------------------------
// offline.weighting: run 1's datasets (one per expert share) and learners (WeightingRun, the code of the
// Runs tab). A view step trains the CQL learners of one share by 1/kWeightingChunks of their updates,
// the shares in turn, and evaluates them again (behaviour cloning needs no training). Headline: each
// method's normalised return against the expert share as it stands now (the Runs figure's curve for
// one run, the CQL lines rising as they train); beside it the chosen share's dataset over the grid:
// where the chosen sampler's draws start and the policy cloned from them.
constexpr int kWeightingChunks = 50;

class WeightingView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const WeightingExperiment&>(ctx.experiment);
    p_ = e.p();
    run_.reset();
    done_ = 0;
    Expected<std::shared_ptr<const mdp::World>> world = e.world(ctx.seed, 0);
    if (!world.ok()) {
      world_text_ = world.status().message();
      return;
    }
    world_text_.clear();
    run_ = std::make_unique<WeightingRun>(p_, world.value(), ctx.seed, 0);
    chunk_ = (p_.updates + kWeightingChunks - 1) / kWeightingChunks;
    total_ = static_cast<int>(run_->shares()) * ((p_.updates + chunk_ - 1) / chunk_);
    share_ = std::min(share_, run_->shares() - 1);
    returns_.assign(run_->methods(), std::vector<double>(run_->shares()));
    for (size_t m = 0; m < run_->methods(); ++m)
      for (size_t k = 0; k < run_->shares(); ++k) returns_[m][k] = run_->normalised_return(k, m);
    build_map();
  }
  bool animates() const override { return true; }
  bool finished() const override { return !run_ || done_ >= total_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "step %d / %d", done_, total_);
    return s;
  }
  double steps_done() const override { return done_; }
  double steps_total() const override { return total_; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k, ++done_) {
      const size_t share = static_cast<size_t>(done_) % run_->shares();
      run_->train(share, chunk_);
      for (size_t m = 0; m < run_->methods(); ++m)  // only CQL's policies change
        if (run_->trains(m)) returns_[m][share] = run_->normalised_return(share, m);
    }
  }

  void draw(ui::ViewContext&) override {
    if (!run_) {
      ImGui::TextWrapped("No world: %s", world_text_.c_str());
      return;
    }
    std::vector<std::pair<std::string, std::string>> rows{
        {"CQL updates per share", std::to_string(run_->updates_done(run_->shares() - 1)) + " / " + std::to_string(p_.updates)}};
    for (size_t m = 0; m < run_->methods(); ++m)
      rows.push_back({p_.methods[m] + " at share " + num(p_.shares[share_]), num(returns_[m][share_])});
    ui::readout_table("##weighting", rows, 3);
    const bool grid_world = run_->world().layout.rows > 0;
    if (grid_world) {
      int share = static_cast<int>(share_), sampler = static_cast<int>(sampler_);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
      const bool moved = ImGui::SliderInt("expert share", &share, 0, static_cast<int>(run_->shares()) - 1, num(p_.shares[share_]).c_str());
      ui::same_line_if_fits(ImGui::CalcTextSize("  draws:").x);
      ImGui::TextUnformatted("  draws:");
      const char* names[] = {"uniform", "RW", "AW"};
      bool toggled = false;
      for (int s = 0; s < 3; ++s) {
        ui::same_line_if_fits(radio_width(names[s]));
        toggled |= ImGui::RadioButton(names[s], &sampler, s);
      }
      if (moved || toggled) {
        share_ = static_cast<size_t>(share);
        sampler_ = static_cast<Sampler>(sampler);
        build_map();
      }
    }
    plot::Plot ret;
    ret.title = "Return vs expert share, run 1: at small shares weighted (solid) above uniform (dashed)";
    ret.x = {"expert share of the trajectories", plot::Scale::Log};
    ret.y = {"mean V^π(s) / mean V*(s)", plot::Scale::Linear, 0.0, plot::kAuto};
    ret.y.cover_hi = 1.0;
    for (size_t m = 0; m < run_->methods(); ++m) {
      plot::Line l;
      l.name = p_.methods[m];
      // Colour by learner (behaviour cloning blue, CQL green), stroke by sampler: uniform and weighted pair up.
      const Sampler sampler = weighting_method_sampler(l.name);
      l.color = palette(weighting_method_trains(l.name) ? 2 : 0);
      l.dash = sampler == Sampler::Uniform ? plot::Dash::Dashed : sampler == Sampler::ReturnWeighted ? plot::Dash::Solid : plot::Dash::Dotted;
      l.x = p_.shares;
      l.y = returns_[m];
      ret.lines.push_back(l);
    }
    ret.guides.push_back(mdp::reference_guide("optimal", 1.0));
    figure_.title = "offline.weighting, run 1";
    figure_.plots = {ret};
    if (grid_world) figure_.plots.push_back(map_);
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), 0);
    for (size_t i = 0; i < figure_.plots.size(); ++i) ui::draw_plot(i == 0 ? "return" : "map", figure_.plots[i], grid.cell(static_cast<int>(i)));
    grid.end();
  }

 private:
  void build_map() {
    if (run_->world().layout.rows == 0) return;
    const char* names[] = {"uniform", "RW", "AW"};
    map_ = weighting_map(*run_, share_, sampler_,
                         "Share " + num(p_.shares[share_]) + ": % of " + names[static_cast<int>(sampler_)] + " draws per state, cloned policy");
  }

  WeightingParams p_;
  std::unique_ptr<WeightingRun> run_;
  std::string world_text_;
  int chunk_ = 1, total_ = 0, done_ = 0;
  size_t share_ = 0;
  Sampler sampler_ = Sampler::ReturnWeighted;
  plot::Plot map_;
  std::vector<std::vector<double>> returns_;  // (methods, shares) the current policies' normalised returns
};


// ---------------------------------------------------------------------------------------------
// offline.dice: run 1's learners take one gradient step per view step. Headline: the overestimation
// V̂ − V^π at dataset states against the steps (the true gradient's falls below 0); beside it O-DICE's
// (else the first method's) probability of walking back to the data from each state, with its policy,
// and the cosine between the forward and backward gradients, with −1 (the parts cancel) as a dashed guide.
// The learners are checked (exact evaluation) at 40 evenly spaced steps.
class DiceView final : public DatasetTrainingView<DiceParams, DiceRun> {
 public:
  DiceView() : DatasetTrainingView("gradient step") {}
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const DiceExperiment&>(ctx.experiment);
    over_.assign(e.p().methods.size(), {});
    cosine_.assign(e.p().methods.size(), {});
    checks_.clear();
    if (!start(e, ctx.seed)) return;
    const auto at = std::find(p_.methods.begin(), p_.methods.end(), "orthogonal");
    shown_ = at == p_.methods.end() ? 0 : static_cast<size_t>(at - p_.methods.begin());
    check();
  }

  void draw(ui::ViewContext&) override {
    if (no_dataset()) return;
    std::vector<std::pair<std::string, std::string>> rows{{"V*(ρ)", num(mdp::start_value(problem_->world->mdp, problem_->optimum.v))}};
    for (size_t m = 0; m < p_.methods.size(); ++m)
      rows.push_back({p_.methods[m] + ": return / back to data", num(checks_[m].ret) + " / " + num(checks_[m].support_rate)});
    ui::readout_table("##dice", rows, 3);
    build_figure();
    const bool map = figure_.plots.size() == 3;
    const char* ids[] = {"over", map ? "map" : "cos", "cos"};
    figure_.headline = map ? curve_headline_beside_map() : 0;
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), figure_.headline);
    for (size_t i = 0; i < figure_.plots.size(); ++i) ui::draw_plot(ids[i], figure_.plots[i], grid.cell(static_cast<int>(i)));
    grid.end();
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

  // Headline: the overestimation (the true gradient's falls below 0; its return is in the readouts);
  // the cosine, near −1 for every DICE learner, is a side plot on a range that starts at −1 rather
  // than [−1, 1], so its lines are not squeezed into one edge.
  void build_figure() {
    plot::Plot over = over_steps("Overestimation V̂ − V^π at dataset states", "V̂(s) − V^π(s)", over_);
    over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
    plot::Plot cosine = over_steps("cos(g→, g←)" + overlap_note(), "cosine", cosine_);
    cosine.y.cover_lo = -1.0;
    cosine.guides.push_back(mdp::reference_guide("−1: the parts cancel", -1.0));
    figure_.title = "offline.dice, run 1";
    figure_.plots = {over};
    if (problem_->world->layout.rows > 0)
      figure_.plots.push_back(support_map(*problem_, checks_[shown_],
                                          p_.methods[shown_] + ": P(back to the data within " + std::to_string(p_.support_steps) + " steps), its policy; white: dataset states"));
    figure_.plots.push_back(cosine);
  }

  // " (the 3 lines overlap)" when every DICE learner's cosine is within 0.05 of the others' at every
  // check since the first (at step 0 the nets are untrained): then the legend's entries share one line.
  std::string overlap_note() const {
    std::vector<size_t> lines;
    for (size_t m = 0; m < cosine_.size(); ++m)
      if (!cosine_[m].empty() && cosine_[m].back() == cosine_[m].back()) lines.push_back(m);  // NaN: no cosine (not DICE)
    if (lines.size() < 2 || steps_.size() < 2) return "";
    for (size_t k = 1; k < steps_.size(); ++k) {
      double lo = 2.0, hi = -2.0;  // a cosine is in [−1, 1]
      for (size_t m : lines)
        if (cosine_[m][k] == cosine_[m][k]) lo = std::min(lo, cosine_[m][k]), hi = std::max(hi, cosine_[m][k]);
      if (hi - lo > 0.05) return "";
    }
    return " (the " + std::to_string(lines.size()) + " lines overlap)";
  }

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
// offline.prdc: run 1's learners take one training step per view step. Headline: Q̂ − Q^π at dataset
// states against the steps, with the largest possible value 1/(1 − γ) as a dashed guide (TD3's, and at
// β = 2 PRDC's, climb past it); beside it the world with the dataset, PRDC's (else the first method's)
// policy on a grid and the dataset point PRDC pulls each grid state's π(s) to, and the return against
// the steps. The learners are checked (Monte Carlo rollouts in the true world) at 40 evenly spaced steps.
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
    // The returns only (the headline plots the overestimation); the dataset's numbers and each critic's Q̂ − Q^π on hover.
    std::vector<std::pair<std::string, std::string>> rows{{"expert's return", num(run_->expert_return())}};
    std::vector<std::string> tips{"the dataset's mean return " + num(run_->dataset().mean_return) + "; its TQ " + num(run_->measures().tq) +
                                  " and SACo " + num(run_->measures().saco) + " (About)"};
    for (size_t m = 0; m < p_.methods.size(); ++m) {
      const double over = over_[m].back();
      rows.push_back({p_.methods[m] + "'s return", num(ret_[m].back())});
      tips.push_back(over == over ? "its critic's overestimation Q̂ − Q^π: " + num(over) : "no critic (behaviour cloning)");
    }
    ui::readout_table("##prdc", rows, 3, tips);
    plot::Plot over = styled(over_steps("Overestimation Q̂ − Q^π at dataset states", "Q̂ − Q^π", over_));
    over.guides.push_back(mdp::reference_guide("largest possible value 1/(1 − γ)", 1.0 / (1.0 - p_.gamma)));
    figure_.title = "offline.prdc, run 1";
    figure_.plots = {over, map_, styled(over_steps("Return of the learned policy (true world)", "Σ r", ret_))};
    figure_.headline = curve_headline_beside_map();
    ui::PlotGrid grid(3, figure_.headline);
    ui::draw_plot("over", figure_.plots[0], grid.cell(0));
    ui::draw_plot("map", figure_.plots[1], grid.cell(1));
    ui::draw_plot("return", figure_.plots[2], grid.cell(2));
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

  // TD3 dashed (its vermillion is close to TD3+BC's orange on the dark background), PRDC drawn last
  // (on top: at the defaults TD3's and TD3+BC's returns lie on its line at 0), and a line on an earlier
  // one named "(≈ …)" in a dash of its own, so that no legend entry is left without a visible line.
  static plot::Plot styled(plot::Plot q) {
    for (plot::Line& l : q.lines)
      if (l.name == "td3") l.dash = plot::Dash::Dashed;
    std::stable_partition(q.lines.begin(), q.lines.end(), [](const plot::Line& l) { return l.name != "prdc"; });
    plot::mark_repeated_lines(q.lines);
    return q;
  }

  size_t shown_ = 0;
  plot::Plot map_;
  std::vector<std::vector<double>> over_, ret_;  // (methods, checks)
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "offline.edge_of_reach") return std::make_unique<EdgeView>();
  if (demo_id == "offline.weighting") return std::make_unique<WeightingView>();
  if (demo_id == "offline.dice") return std::make_unique<DiceView>();
  if (demo_id == "offline.robust") return std::make_unique<RobustView>();
  if (demo_id == "offline.prdc") return std::make_unique<PrdcView>();
  return nullptr;
}

}  // namespace klab::offline
