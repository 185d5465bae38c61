// The live views of mdp.irl, mdp.safe_meta and mdp.risk: plots and readouts only. Every number comes
// from the code the Runs tab's runs step (IrlRun; the safe-meta tasks, trainer and adaptation paths;
// solve_risk and sample_return), on run 1's seed.
#include "mdp/irl_safe_risk_panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "mdp/irl_experiment.hpp"
#include "mdp/risk_experiment.hpp"
#include "mdp/safe_meta_experiment.hpp"
#include "mdp/world_editor_panel.hpp"
#include "ui/param_panel.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::mdp {
namespace {

std::string live_view_number(double v) { return plot::format_number(v); }

// Sample sizes of the live run: the Runs tab's n grid and 40 log-spaced values between the same
// ends (trajectories are nested, so every n sees the first n of run 1's stream, whichever grid).
// A view step is one IrlRun step: a chunk of trajectories, one Newton iteration, or a measurement.
constexpr int kIrlLivePoints = 40;
constexpr int kIrlTypicalIterations = 4;  // Newton iterations per warm-started fit (about: 2 to 6 at the defaults)

// ---------------------------------------------------------------------------------------------
// mdp.irl (Schlaginhaufen & Kamgarpour, "Fast Rates for Inverse Reinforcement Learning", 2026):
// the view samples the expert's demonstrations up to the next n and refits θ̂ (one Newton iteration
// per step: the recovered map moves with them), then measures. Left, the true reward r* with the
// expert's policy π*_h, and the recovered reward θ̂ᵀφ with its soft-optimal policy π̂_h (same colour scale: the right map turns into the left one as n grows); right, the
// headline: the (excess) trajectory KL against n on log-log axes with the O(1/n) line d/(2n) and a
// slope −1/2 line, or the Hessian-norm parameter error with d/n, or every method's gap in the true
// return (feature matching's only finite metric) (toggle). "Edit the world" opens the gridworld
// editor before them: a painted grid is the `grid` parameter (irl_grid.hpp), so the run restarts on it.
class IrlView final : public ui::DemoView {
 public:
  IrlView() {
    editor_.set_default_world(std::nullopt, "mdp.irl's default world deals the cells of its size × size grid into random feature groups "
                                            "(world_seed): it is not a painted grid. Start one with \"New grid\" (a goal to reach) or "
                                            "load a klab.gridworld file; each distinct cell value then becomes a feature.");
    editor_.set_new_grid_side(8);  // 64 open cells: within kMaxIrlGridStates
  }
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const IrlExperiment&>(ctx.experiment);
    params_ = e.p();
    if (!params_.grid.empty() && !editor_dismissed_) editor_.set_open(true);  // a link with an edited grid
    std::vector<int> sizes = irl_sample_sizes(params_);
    const std::vector<int> dense = plot::log_spaced_range(params_.n_min, params_.n_max, kIrlLivePoints);
    sizes.insert(sizes.end(), dense.begin(), dense.end());
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    // View steps: a chunk of trajectories per n (each n adds fewer than 500 at the defaults), a few
    // Newton iterations and the measurement (an estimate: the scrubber's length).
    total_ = static_cast<int>(sizes.size()) * (2 + kIrlTypicalIterations);
    points_ = static_cast<int>(sizes.size());
    steps_ = 0;
    run_ = std::make_unique<IrlRun>(params_, std::move(sizes), ctx.seed, 0);
    mle_ = std::find(params_.methods.begin(), params_.methods.end(), "mle") != params_.methods.end();
    bc_ = std::find(params_.methods.begin(), params_.methods.end(), "bc") != params_.methods.end();
    fm_ = std::find(params_.methods.begin(), params_.methods.end(), "fm") != params_.methods.end();
    if (!mle_ && !bc_) shown_ = kShowGap;  // feature matching alone: its KL is infinite
    stage_ = std::min(stage_, params_.horizon - 1);
    world_.reset();
    if (!run_->status().ok()) return;
    true_values_ = state_rewards(run_->problem().theta_star, true);
    world_ = std::make_shared<const World>(World{"mdp.irl world", run_->problem().mdp, run_->layout()});  // what "Download MDP" saves
    fitted_policy_ = run_->policy_of(run_->theta());
  }
  bool animates() const override { return true; }
  bool finished() const override { return !run_ || run_->done(); }
  std::string status() const override {
    char s[128];
    std::snprintf(s, sizeof s, "n = %d trajectories (%d / %d sample sizes)%s", run_ ? run_->trajectories() : 0,
                  run_ ? static_cast<int>(run_->points().size()) : 0, points_, run_ && run_->fitting() ? ", fitting θ̂" : "");
    return s;
  }
  double steps_done() const override { return steps_; }
  double steps_total() const override { return finished() ? steps_ : std::max(total_, steps_ + 1); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k, ++steps_) run_->step();
    if (run_ && run_->status().ok()) fitted_policy_ = run_->policy_of(run_->theta());
  }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (editor_.open()) editor_.draw_toolbar(params, world_.get());
    if (!run_ || !run_->status().ok()) {
      ImGui::TextWrapped("No live run: %s", run_ ? run_->status().message().c_str() : "");
      if (editor_.open()) editor_.draw_canvas(params, ImVec2(ImGui::GetContentRegionAvail().x * 0.5f, ImGui::GetContentRegionAvail().y));
      return;
    }
    ImGui::TextUnformatted("show:");
    ImGui::SameLine();
    ImGui::RadioButton("trajectory KL", &shown_, kShowKl);
    ui::record_item("button:irl_kl");
    ImGui::SameLine();
    ImGui::RadioButton("parameter error", &shown_, kShowError);
    ui::record_item("button:irl_param_error");
    ImGui::SameLine();
    ImGui::RadioButton("return gap", &shown_, kShowGap);
    ui::record_item("button:irl_return_gap");
    ui::same_line_if_fits(ImGui::GetFontSize() * 16.0f);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    ImGui::SliderInt("policy stage h", &stage_, 0, params_.horizon - 1);
    ui::help_tooltip("The policies are non-stationary (finite horizon): the rays show π_h(a|s) at step h of the episode.");
    const double d = run_->problem().features;
    const std::vector<IrlPoint>& pts = run_->points();
    const double n = pts.empty() ? 0.0 : pts.back().n;
    auto last = [&](double IrlPoint::*field) { return pts.empty() ? std::string("–") : live_view_number(pts.back().*field); };
    // The numbers of the plot shown (the toggle above), at most four: n and the curves' latest values with their references.
    std::vector<std::pair<std::string, std::string>> rows{{"demonstrations n", std::to_string(run_->trajectories())}};
    std::vector<std::string> tips(1);
    const auto rate = [&](double scale) { return pts.empty() ? std::string("–") : live_view_number(scale * d / n); };
    if (shown_ == kShowKl) {
      if (mle_) rows.push_back({params_.misspecification == 0.0 ? "IRL KL(P* ‖ P_θ̂)" : "IRL excess KL", last(&IrlPoint::mle_excess_kl)});
      if (mle_) rows.push_back({"d/(2n)", rate(0.5)});
      if (bc_) rows.push_back({"behaviour cloning KL", last(&IrlPoint::bc_kl)});
    } else if (shown_ == kShowError) {
      if (mle_) rows.push_back({"‖θ̂ − θ†‖²_H", last(&IrlPoint::mle_param_error)}), rows.push_back({"d/n", rate(1.0)});
    } else {
      if (mle_) rows.push_back({"IRL return gap", last(&IrlPoint::mle_gap)});
      if (bc_) rows.push_back({"BC return gap", last(&IrlPoint::bc_gap)});
      if (fm_) {
        rows.push_back({"FM return gap", last(&IrlPoint::fm_gap)});
        tips.resize(rows.size() - 1);
        tips.push_back("feature matching's projection stopped at ‖μ̂_E − μ̄‖ = " + last(&IrlPoint::fm_distance) + " after " +
                       last(&IrlPoint::fm_iterations) + " iterations");
      }
    }
    ui::readout_table("##irl", rows, 2, tips);
    build_figure();
    const int count = static_cast<int>(figure_.plots.size()), canvas = editor_.open() ? 1 : 0;
    ui::PlotGrid grid(count + canvas, editor_.open() ? -1 : count - 1);  // the painted grid first, then the maps and the rate
    if (canvas) editor_.draw_canvas(params, grid.cell(0));
    for (int i = 0; i < count; ++i)
      ui::draw_plot(i == count - 1 ? "rate" : i == 0 ? "true" : "recovered", figure_.plots[static_cast<size_t>(i)], grid.cell(canvas + i));
    grid.end();
  }

 private:
  // θ_j of each state's own cell's group j (0 without a feature), plus its misspecified part ε·ψ
  // with `extra`: the default world's r(s), a painted grid's value for entering the cell (irl_grid.hpp).
  std::vector<double> state_rewards(const Eigen::VectorXd& theta, bool extra) const {
    const IrlProblem& pr = run_->problem();
    std::vector<double> v(static_cast<size_t>(pr.mdp.states));
    for (size_t s = 0; s < v.size(); ++s) {
      const int j = pr.state_group[s];
      v[s] = (j >= 0 ? theta[j] : 0.0) + (extra ? pr.state_extra[s] : 0.0);
    }
    return v;
  }

  // Stage h of a non-stationary policy (H·SA) as a stationary one (SA), for the rays.
  Policy stage_policy(const std::vector<double>& pi) const {
    const size_t pairs = static_cast<size_t>(run_->problem().mdp.pairs()), at = static_cast<size_t>(stage_) * pairs;
    return Policy(pi.begin() + static_cast<long>(at), pi.begin() + static_cast<long>(at + pairs));
  }

  plot::Plot reward_map(const std::vector<double>& values, const Policy& pi, const std::string& title, const std::string& label) const {
    GridPlotInput in;
    in.mdp = &run_->problem().mdp;
    in.layout = &run_->layout();
    in.state_values = values;
    in.policy = &pi;
    in.title = title;
    in.value_label = label;
    in.colormap = Colormap::Diverging;
    // One symmetric colour scale for both maps, from the true reward (a recovered value beyond it saturates).
    double span = 1e-12;
    for (double v : true_values_) span = std::max(span, std::abs(v));
    in.vmin = -span, in.vmax = span;
    return grid_plot(in);
  }

  plot::Plot rate_plot() const {
    const std::vector<IrlPoint>& pts = run_->points();
    const double d = run_->problem().features, n0 = params_.n_min, n1 = params_.n_max;
    plot::Plot p;
    p.x = {"expert trajectories n", plot::Scale::Log};
    p.x.cover_lo = n0, p.x.cover_hi = n1;
    auto curve = [&](const std::string& name, const std::string& id, double IrlPoint::*field) {
      plot::Line l;
      l.name = name;
      l.color = palette(id_index(params_.methods, id));
      for (const IrlPoint& pt : pts) l.x.push_back(pt.n), l.y.push_back(pt.*field);
      return l;
    };
    if (shown_ == kShowGap) {
      p.title = "Gap in the true return |V(π̂) − V(π_E)| against n, run 1";
      p.y = {"gap in the expected true return", plot::Scale::Log};
      if (mle_) p.lines.push_back(curve("mle", "mle", &IrlPoint::mle_gap));
      if (bc_) p.lines.push_back(curve("bc", "bc", &IrlPoint::bc_gap));
      if (fm_) p.lines.push_back(curve("fm", "fm", &IrlPoint::fm_gap));
      return p;
    }
    if (shown_ == kShowError) {
      p.title = "Parameter error ‖θ̂ − θ†‖²_H against n, run 1";
      p.y = {"squared error in the Hessian norm", plot::Scale::Log};
      if (mle_) p.lines.push_back(curve("mle", "mle", &IrlPoint::mle_param_error));
      p.lines.push_back(plot::reference_line("d/n", {n0, n1}, {d / n0, d / n1}));
      return p;
    }
    p.title = params_.misspecification == 0.0 ? "Trajectory KL(P_θ* ‖ P_θ̂) against n, run 1" : "Excess trajectory KL against n, run 1";
    p.y = {"trajectory-level KL", plot::Scale::Log};
    if (mle_) p.lines.push_back(curve("mle", "mle", &IrlPoint::mle_excess_kl));
    if (bc_) p.lines.push_back(curve("bc", "bc", &IrlPoint::bc_kl));
    add_irl_rate_references(p, run_->problem().features, n0, n1, mle_ && !pts.empty() ? pts.front().mle_excess_kl : 0.0);
    return p;
  }

  void build_figure() {
    const std::string h = std::to_string(stage_);
    const Policy expert = stage_policy(run_->expert());
    const bool painted = !params_.grid.empty();  // rewards for entering a cell (irl_grid.hpp), not for being in it
    std::vector<plot::Plot> plots{reward_map(true_values_, expert,
                                             painted ? "Painted grid: reward for entering each cell (θ*) and the expert's π*_" + h + " (rays)"
                                                     : "True reward r*(s) and the expert's π*_" + h + " (rays)",
                                             painted ? "θ*_j of the cell" : "r*(s)")};
    if (mle_) {
      const Policy fitted = stage_policy(fitted_policy_);
      plots.push_back(reward_map(state_rewards(run_->theta(), false), fitted,
                                 (painted ? "Recovered θ̂_j of each cell and its policy π̂_" : "Recovered reward θ̂ᵀφ(s) and its policy π̂_") + h +
                                     ", n = " + std::to_string(run_->trajectories()) +
                                     (run_->fitting() ? " (Newton iteration " + std::to_string(run_->fit_iterations()) + ")" : ""),
                                 painted ? "θ̂_j of the cell" : "θ̂ᵀφ(s)"));
    }
    plots.push_back(rate_plot());
    figure_.title = "mdp.irl: maximum-likelihood IRL, run 1";
    figure_.plots = std::move(plots);
    figure_.headline = static_cast<int>(figure_.plots.size()) - 1;
  }

  IrlParams params_;
  std::shared_ptr<const World> world_;  // run 1's MDP (γ = 1, horizon H)
  WorldEditor editor_;
  bool editor_dismissed_ = false;  // closed by the reader: a link with a grid no longer opens it
  std::unique_ptr<IrlRun> run_;
  std::vector<double> true_values_, fitted_policy_;
  int total_ = 0, points_ = 0, steps_ = 0, stage_ = 0;
  enum { kShowKl, kShowError, kShowGap };
  int shown_ = kShowKl;
  bool mle_ = false, bc_ = false, fm_ = false;
};


// ---------------------------------------------------------------------------------------------
// mdp.safe_meta (Xu & Zhu, "Efficient Safe Meta-RL", NeurIPS 2025; the step rules are our reading,
// README): run 1's tasks and meta-training, then its unseen tasks one after the other, every
// method adapting one step k per view step. The steps are Adaptation's and the meta-policy is
// SafeMetaTrainer's: the code the Runs tab's cursor runs. Left, the chosen method's π_k over its cost-to-go with the
// hazards and the goal; the headline, J_c(π_k) of this task against the budget b (anytime safety:
// the safe steps never cross it from a feasible start); right, J_r(π_k) against the task's LP optimum.
// "Edit the world" opens the gridworld editor before them, on the default distribution painted (G, H
// candidates) until a stroke sets the `grid` parameter (safe_meta_tasks.hpp): the run restarts on it.
class SafeMetaView final : public ui::DemoView {
 public:
  SafeMetaView() { editor_.set_new_grid_side(6); }  // 36 open cells: within kMaxMetaStates (a new grid has no H: paint some, or hazards = 0)
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const SafeMetaExperiment&>(ctx.experiment);
    params_ = e.p();
    if (!params_.grid.empty() && !editor_dismissed_) editor_.set_open(true);  // a link with an edited grid
    editor_.set_default_world(meta_default_grid(params_.size), "");  // the default distribution, painted: G where goals may be, H where hazards may be
    Expected<MetaTaskSpec> spec = safe_meta_task_spec(params_);
    train_rng_ = std::make_unique<Rng>(safe_meta_task_rng(ctx.seed, 0, true));
    test_rng_ = std::make_unique<Rng>(safe_meta_task_rng(ctx.seed, 0, false));
    trainer_.reset();
    train_.clear();
    meta_reward_.clear(), meta_excess_.clear();
    problem_.clear();
    task_.reset();
    adaptations_.clear();
    meta_task_ = 0;
    anytime_.assign(safe_meta_method_ids().size(), 0), from_feasible_.assign(safe_meta_method_ids().size(), 0);
    worst_.assign(safe_meta_method_ids().size(), -kInf);
    shown_.clear();
    for (size_t s = 0; s < params_.methods.size(); ++s) shown_.push_back(id_index(safe_meta_method_ids(), params_.methods[s]));
    meta_ = std::any_of(shown_.begin(), shown_.end(), [](size_t m) { return m != kUniformSafe; });
    choice_ = std::min(choice_, shown_.size() - 1);
    tasks_done_ = 0, drawn_ = 0, step_ = 0, k_ = 0;
    if (spec.ok()) spec_ = std::move(spec.value());
    else problem_ = spec.error();
  }
  bool animates() const override { return true; }
  bool finished() const override { return !problem_.empty() || tasks_done_ >= params_.test_tasks; }
  std::string status() const override {
    char s[96];
    if (train_.size() < static_cast<size_t>(params_.train_tasks))
      std::snprintf(s, sizeof s, "drawing training task %zu / %d", train_.size() + 1, params_.train_tasks);
    else if (training())
      std::snprintf(s, sizeof s, "meta-iteration %zu / %d", meta_reward_.size(), params_.meta_iterations);
    else
      std::snprintf(s, sizeof s, "unseen task %d / %d, step k = %d / %d", drawn_, params_.test_tasks, k_, params_.adapt_steps);
    return s;
  }
  double steps_done() const override { return step_; }
  double steps_total() const override {
    const int per_iteration = (params_.train_tasks + kMetaTasksPerStep - 1) / kMetaTasksPerStep;
    return params_.train_tasks + (meta_ ? params_.meta_iterations * per_iteration : 0) + static_cast<double>(params_.test_tasks) * (params_.adapt_steps + 1);
  }
  void advance(const ui::ViewContext&, int steps) override {
    for (int i = 0; i < steps && !finished(); ++i, ++step_) {
      if (train_.size() < static_cast<size_t>(params_.train_tasks)) {
        Expected<std::vector<MetaTask>> t = draw_meta_tasks(spec_, *train_rng_, 1);
        if (!t.ok()) problem_ = t.status().message();
        else train_.push_back(std::move(t.value().front()));
        continue;
      }
      if (!trainer_) trainer_ = std::make_unique<SafeMetaTrainer>(train_, safe_meta_training_settings(params_));  // train_ is complete: no reallocation
      if (training()) {  // a meta-iteration in steps of kMetaTasksPerStep training tasks, then its update
        for (int j = 0; j < kMetaTasksPerStep && meta_task_ < train_.size(); ++j) trainer_->add_task(meta_task_++);
        if (meta_task_ < train_.size()) continue;
        trainer_->apply();
        meta_task_ = 0;
        meta_reward_.push_back(trainer_->adapted_reward()), meta_excess_.push_back(trainer_->worst_excess());
      } else if (task_ && k_ < params_.adapt_steps) {
        for (Adaptation& a : adaptations_) a.adapt(), a.evaluate();
        if (++k_ == params_.adapt_steps) finish_task();
      } else {
        next_task();
      }
    }
  }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (editor_.open()) editor_.draw_toolbar(params, nullptr);
    if (!problem_.empty()) {
      ImGui::TextWrapped("No live run: %s", problem_.c_str());
      if (editor_.open()) editor_.draw_canvas(params, ImVec2(ImGui::GetContentRegionAvail().x * 0.5f, ImGui::GetContentRegionAvail().y));
      return;
    }
    if (shown_.size() > 1) {
      ImGui::TextUnformatted("map shows:");
      for (size_t i = 0; i < shown_.size(); ++i) {
        ImGui::SameLine();
        int c = static_cast<int>(choice_);
        ImGui::RadioButton(safe_meta_method_ids()[shown_[i]].c_str(), &c, static_cast<int>(i));
        ui::record_item(("button:safe_meta_map_" + std::to_string(i)).c_str());
        choice_ = static_cast<size_t>(c);
      }
    }
    std::vector<std::pair<std::string, std::string>> rows{{"meta-iteration t", std::to_string(meta_reward_.size()) + " / " + std::to_string(meta_ ? params_.meta_iterations : 0)},
                                                          {"unseen tasks done", std::to_string(tasks_done_) + " / " + std::to_string(params_.test_tasks)}};
    // Per method: the worst J_c(π_k) − b over the finished tasks' steps k = 0 … K (below 0: never over
    // budget, and by how much); on hover how many tasks went over b at some step, and how many of
    // those started feasible (what anytime safety rules out).
    std::vector<std::string> tips(rows.size());
    for (size_t m : shown_) {
      rows.push_back({safe_meta_method_ids()[m] + ": worst J_c − b", tasks_done_ > 0 ? live_view_number(worst_[m]) : "–"});
      tips.push_back(std::to_string(anytime_[m]) + " of the " + std::to_string(tasks_done_) + " finished tasks went over b at some step; " +
                     std::to_string(from_feasible_[m]) + " of these started from a feasible π_0 (J_c(π_0) ≤ b), the others' π_0 was already over b.");
    }
    ui::readout_table("##safe_meta", rows, 3, tips);
    build_figure();
    const int count = static_cast<int>(figure_.plots.size()), canvas = editor_.open() ? 1 : 0;
    ui::PlotGrid grid(count + canvas, editor_.open() ? -1 : figure_.headline);  // the painted layout first, then the map and the curves
    if (canvas) editor_.draw_canvas(params, grid.cell(0));
    for (int i = 0; i < count; ++i) ui::draw_plot(i == 0 ? "map" : i == 1 ? "cost" : "reward", figure_.plots[static_cast<size_t>(i)], grid.cell(canvas + i));
    grid.end();
  }

 private:
  static constexpr size_t kUniformSafe = 2, kPrimalDual = 3;  // safe_meta_method_ids() order
  static constexpr int kMetaTasksPerStep = 5;                 // training tasks of a meta-iteration per view step

  bool training() const { return meta_ && static_cast<int>(meta_reward_.size()) < params_.meta_iterations; }

  // The next unseen task, and every shown method's π_0 on it evaluated (each step then adapts them all once).
  void next_task() {
    Expected<std::vector<MetaTask>> t = draw_meta_tasks(spec_, *test_rng_, 1);
    if (!t.ok()) {
      problem_ = t.status().message();
      return;
    }
    task_ = std::make_unique<MetaTask>(std::move(t.value().front()));
    ++drawn_;
    Expected<Grid> g = meta_task_grid(spec_, task_->goal_cell, task_->hazards);
    if (!g.ok()) {
      problem_ = g.status().message();
      return;
    }
    layout_ = std::move(g.value().layout);
    const Policy start = meta_ ? trainer_->policy() : uniform_policy(task_->mdp);
    constexpr AdaptationRule kRules[] = {AdaptationRule::Safe, AdaptationRule::Unconstrained, AdaptationRule::Safe, AdaptationRule::PrimalDual};
    adaptations_.clear();
    adaptations_.reserve(shown_.size());
    for (size_t m : shown_) {
      adaptations_.emplace_back(params_, task_->mdp, m == kUniformSafe ? uniform_policy(task_->mdp) : start, kRules[m], true);
      adaptations_.back().evaluate();
    }
    k_ = 0;
  }

  void finish_task() {
    for (size_t i = 0; i < shown_.size(); ++i) {
      const size_t m = shown_[i];
      const std::vector<double>& c = adaptations_[i].path().cost;
      const bool over = std::any_of(c.begin(), c.end(), [&](double x) { return x > params_.budget + kSafeMetaViolationTolerance; });
      anytime_[m] += over ? 1 : 0;
      worst_[m] = std::max(worst_[m], *std::max_element(c.begin(), c.end()) - params_.budget);
      from_feasible_[m] += over && c.front() <= params_.budget + kSafeMetaViolationTolerance ? 1 : 0;
    }
    ++tasks_done_;
  }

  plot::Plot step_plot(const std::string& title, const std::string& y_label, std::vector<double> AdaptationPath::*field) const {
    plot::Plot p;
    p.title = title;
    p.x = {"adaptation step k", plot::Scale::Linear};
    p.x.cover_lo = 0, p.x.cover_hi = params_.adapt_steps;
    p.y = {y_label, plot::Scale::Linear};
    for (size_t i = 0; i < shown_.size(); ++i) {
      const std::vector<double>& v = adaptations_[i].path().*field;
      plot::Line l;
      l.name = safe_meta_method_ids()[shown_[i]];
      l.color = palette(i);
      for (int k = 0; k <= k_ && k < static_cast<int>(v.size()); ++k) l.x.push_back(k), l.y.push_back(v[static_cast<size_t>(k)]);
      p.lines.push_back(l);
    }
    return p;
  }

  // π over its cost-to-go V_c^π(s) on `task`, hazards "H", the goal "G".
  plot::Plot cost_map(const Mdp& task, const GridLayout& layout, int goal_cell, const Policy& pi, const std::string& title) const {
    const Eigen::VectorXd vc = evaluate(task, pi, task.cost);
    GridPlotInput in;
    in.mdp = &task;
    in.layout = &layout;
    in.state_values.assign(vc.data(), vc.data() + vc.size());
    in.policy = &pi;
    in.title = title;
    in.value_label = "V_c^π(s)";
    in.vmin = 0.0;
    plot::Plot p = grid_plot(in);
    for (int cell = 0; cell < layout.rows * layout.cols; ++cell)
      if (layout.cell[static_cast<size_t>(cell)] == 'H') p.annotations.push_back({cell % layout.cols + 0.5, layout.rows - cell / layout.cols - 0.5, "H"});
    p.annotations.push_back({goal_cell % layout.cols + 0.5, layout.rows - goal_cell / layout.cols - 0.5, "G"});
    return p;
  }

  void build_figure() {
    figure_.title = "mdp.safe_meta, run 1";
    figure_.plots.clear();
    figure_.headline = 1;
    if (!task_) {  // drawing tasks and meta-training: the meta-policy on the first training task
      if (!train_.empty()) {
        Expected<Grid> g = meta_task_grid(spec_, train_.front().goal_cell, train_.front().hazards);
        const Policy pi = trainer_ ? trainer_->policy() : uniform_policy(train_.front().mdp);
        if (g.ok())
          figure_.plots.push_back(cost_map(train_.front().mdp, g.value().layout, train_.front().goal_cell, pi,
                                           "Meta-policy π_φ on training task 1 over its cost-to-go; H: hazards, G: goal"));
      }
      plot::Plot excess;
      excess.title = "Meta-training: the meta-policy's cost J_c − b on its worst training task";
      excess.x = {"meta-iteration t", plot::Scale::Linear};
      excess.x.cover_lo = 0, excess.x.cover_hi = std::max(1, params_.meta_iterations);
      excess.y = {"worst task's J_c(π_φ) − b", plot::Scale::Linear};
      plot::Line ex;
      ex.name = "meta-policy";
      ex.color = palette(0);
      plot::Line rew = ex;
      rew.name = "J_r after one safe step";
      rew.color = palette(1);
      for (size_t t = 0; t < meta_reward_.size(); ++t) ex.x.push_back(t), ex.y.push_back(meta_excess_[t]), rew.x.push_back(t), rew.y.push_back(meta_reward_[t]);
      excess.lines = {ex};
      excess.guides.push_back(reference_guide("budget (excess 0)", 0.0));
      plot::Plot reward;
      reward.title = "Meta-training: mean J_r after one safe step (training tasks)";
      reward.x = excess.x;
      reward.y = {"mean J_r", plot::Scale::Linear};
      reward.lines = {rew};
      figure_.plots.push_back(excess);
      figure_.plots.push_back(reward);
      figure_.headline = static_cast<int>(figure_.plots.size()) - 2;
      return;
    }
    const size_t shown = shown_[choice_];
    const AdaptationPath& path = adaptations_[choice_].path();
    const int k = std::min(k_, static_cast<int>(path.policies.size()) - 1);
    figure_.plots.push_back(cost_map(task_->mdp, layout_, task_->goal_cell, path.policies[static_cast<size_t>(k)],
                                     safe_meta_method_ids()[shown] + ": π_" + std::to_string(k) + " (rays) over its cost-to-go; H: hazards, G: goal"));
    plot::Plot cost = step_plot("Cost J_c(π_k) on unseen task " + std::to_string(drawn_) + " against the budget b", "J_c(π_k)", &AdaptationPath::cost);
    cost.guides.push_back(reference_guide("budget b", params_.budget));
    plot::Plot reward = step_plot("Reward J_r(π_k) against the task's CMDP optimum", "J_r(π_k)", &AdaptationPath::reward);
    reward.guides.push_back(reference_guide("CMDP optimum (LP)", task_->optimum_reward));
    figure_.plots.push_back(cost);
    figure_.plots.push_back(reward);
  }

  SafeMetaParams params_;
  WorldEditor editor_;
  bool editor_dismissed_ = false;  // closed by the reader: a link with a grid no longer opens it
  MetaTaskSpec spec_;
  std::unique_ptr<Rng> train_rng_, test_rng_;
  std::vector<MetaTask> train_;
  std::unique_ptr<SafeMetaTrainer> trainer_;
  std::vector<double> meta_reward_, meta_excess_;
  std::unique_ptr<MetaTask> task_;
  GridLayout layout_;
  std::vector<Adaptation> adaptations_;  // (shown methods) on the current task (they refer to *task_ and params_)
  size_t meta_task_ = 0;                  // training tasks added to the meta-iteration under way
  std::vector<size_t> shown_;           // the selected methods (ids), in parameter order
  std::vector<int> anytime_, from_feasible_;  // (methods) finished tasks over budget at some k, and of those from a feasible π_0
  std::vector<double> worst_;                 // (methods) max over the finished tasks and k of J_c(π_k) − b
  std::string problem_;
  size_t choice_ = 0;
  bool meta_ = false;
  int tasks_done_ = 0, drawn_ = 0, step_ = 0, k_ = 0;
};

// ---------------------------------------------------------------------------------------------
// mdp.risk (Ávila Pires et al., "Optimizing Return Distributions with Distributional DP", 2025;
// Udovichenko et al. 2025 for the exponential utility): the exact policies of solve_risk, and run 1's
// Monte Carlo episodes of each, a chunk per view step, drawn by sample_return from the run's own
// streams (the live estimates are the Runs tab's run 1 after the same number of episodes). Left, the
// chosen policy's first-step actions (the Markov ones: the CVaR policy acts on the stock too), its
// latest episode and every policy's most likely path; the headline, the Monte Carlo histogram of G
// with every policy's exact CVaR_α and mean marked; right, the running CVaR_α estimates against the
// exact values. "Edit the world" opens the gridworld editor (world_editor_panel.hpp) beside the map
// and the histogram: an edit is the `grid` parameter, so the view re-solves and restarts on it.
constexpr int kRiskLiveEpisodes = 20;  // episodes of every policy per view step

class RiskView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const RiskExperiment&>(ctx.experiment);
    params_ = e.p();
    if (!params_.grid.empty() && !editor_dismissed_) editor_.set_open(true);  // a link with an edited grid
    sol_ = e.solution();
    world_.reset();
    if (sol_) world_ = std::make_shared<const World>(sol_->world);
    costs_ = sol_ && std::any_of(sol_->world.mdp.cost.begin(), sol_->world.mdp.cost.end(), [](double c) { return c != 0.0; });
    if (sol_ && sol_ != shown_) map_step_ = stock_policy_step(*sol_);  // a new solution: the step the Runs figure shows
    shown_ = sol_;
    stock_map_ = {};  // holds no earlier solution
    ids_ = params_.methods;
    rngs_.clear();
    for (const std::string& id : ids_) rngs_.emplace_back(ctx.seed, 0, static_cast<uint32_t>(id_index(risk_method_ids(), id)));  // run 1's streams
    samples_.assign(ids_.size(), {});
    counts_.assign(ids_.size(), std::vector<double>(sol_ ? sol_->return_bins.size() : 0, 0.0));
    estimates_.assign(ids_.size(), {});
    episodes_x_.clear();
    episode_.clear();
    episodes_ = 0, steps_ = 0;
    choice_ = std::min(choice_, ids_.size() - 1);
    learners_.clear(), learner_rngs_.clear(), learner_errors_.clear(), sweeps_x_.clear();
    if (!sol_) return;
    for (const std::string& id : params_.learners) {
      learners_.emplace_back(sol_->world.mdp, sol_->lattice, learner_settings(params_, id));
      learner_rngs_.emplace_back(ctx.seed, 0, learner_stream(id));  // run 1's streams
    }
    learner_errors_.assign(learners_.size(), {});
  }
  bool animates() const override { return true; }
  bool finished() const override { return !sol_ || (episodes_ >= params_.episodes && sweeps_done() >= params_.sweeps); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "episode %d / %d of every policy", episodes_, params_.episodes);
    return s;
  }
  double steps_done() const override { return static_cast<double>(steps_); }
  double steps_total() const override { return std::ceil(params_.episodes / static_cast<double>(kRiskLiveEpisodes)); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int i = 0; i < steps && !finished(); ++i, ++steps_) {
      advance_learners();
      const int n = std::min(kRiskLiveEpisodes, params_.episodes - episodes_);
      for (size_t slot = 0; slot < ids_.size(); ++slot) {
        const StockPolicy& pi = sol_->policies[id_index(risk_method_ids(), ids_[slot])];
        for (int j = 0; j < n; ++j) {
          const double g = sample_return(sol_->world.mdp, sol_->lattice, pi, rngs_[slot], slot == choice_ && j == n - 1 ? &episode_ : nullptr);
          samples_[slot].push_back(g);
          counts_[slot][risk_return_bin(*sol_, g)] += 1.0;
        }
        const ReturnDistribution empirical = empirical_distribution(samples_[slot]);
        estimates_[slot].push_back(distribution_cvar(empirical, params_.alpha));
      }
      episodes_ += n;
      episodes_x_.push_back(episodes_);
    }
  }

  // The learners' share of one view step: sweeps spread over the episode steps so both end together.
  void advance_learners() {
    if (learners_.empty()) return;
    const int target = std::min(params_.sweeps, static_cast<int>(std::ceil(params_.sweeps * (steps_ + 1) / steps_total())));
    for (size_t k = 0; k < learners_.size(); ++k) {
      while (learners_[k].sweeps() < target && !learners_[k].diverged()) learners_[k].sweep(learner_rngs_[k]);
      learner_errors_[k].push_back(learners_[k].diverged() ? NAN : max_abs_error(learners_[k].q(), sol_->entropic_q));
    }
    sweeps_x_.push_back(target);
  }
  int sweeps_done() const { return learners_.empty() ? params_.sweeps : static_cast<int>(sweeps_x_.empty() ? 0 : sweeps_x_.back()); }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (editor_.open()) editor_.draw_toolbar(params, world_.get());
    if (!sol_) {
      ImGui::TextWrapped("No live run: the parameters have no exact solution (see the parameter panel's message).");
      return;
    }
    const bool on_grid = sol_->world.layout.rows > 0;
    if (costs_) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped(on_grid ? "This world's hazard and cost cells carry costs: G sums the rewards only, so mdp.risk does not count them."
                              : "This world's actions carry costs: G sums the rewards only, so mdp.risk does not count them.");
      ImGui::PopStyleColor();
    }
    if (!on_grid) {  // the policy map's step
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      ImGui::SliderInt("step h of the policy map", &map_step_, 0, params_.horizon - 1, "%d", ImGuiSliderFlags_AlwaysClamp);
      ui::help_tooltip("The policy map shows the chosen policy's action at this step on every (state, stock) it reaches; it starts at "
                       "the step where the CVaR policy departs most from the risk-neutral one.");
    }
    ImGui::TextUnformatted(on_grid ? "map shows:" : "policy map shows:");
    for (size_t i = 0; i < ids_.size(); ++i) {
      ImGui::SameLine();
      int c = static_cast<int>(choice_);
      ImGui::RadioButton(ids_[i].c_str(), &c, static_cast<int>(i));
      ui::record_item(("button:risk_map_" + std::to_string(i)).c_str());
      choice_ = static_cast<size_t>(c);
    }
    build_figure();
    if (editor_.open()) {  // the painted grid beside the policies on it, the histogram below; no readouts
      ui::PlotGrid grid(3, -1);
      editor_.draw_canvas(params, grid.cell(0));
      ui::draw_plot("map", figure_.plots[0], grid.cell(1));
      ui::draw_plot("histogram", figure_.plots[1], grid.cell(2));
      grid.end();
      return;
    }
    // One read-out: the exact CVaR_α and means are the histogram's dashed and solid lines, the MC
    // estimates the estimates plot, a diverged learner is named in the learners plot's legend.
    ui::readout_table("##risk", {{"episodes n", std::to_string(episodes_)}}, 3);
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), 1);
    ui::draw_plot("map", figure_.plots[0], grid.cell(0));
    ui::draw_plot("histogram", figure_.plots[1], grid.cell(1));
    ui::draw_plot("estimates", figure_.plots[2], grid.cell(2));
    if (figure_.plots.size() > 3) ui::draw_plot("learners", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  plot::Plot map_plot() {
    if (sol_->world.layout.rows == 0) {  // built again only when the solution, the policy or the step changes, not every frame
      if (stock_map_.sol != sol_ || stock_map_.id != ids_[choice_] || stock_map_.step != map_step_) {
        stock_map_.plot = stock_policy_plot(*sol_, ids_[choice_], map_step_,
                                            ids_[choice_] + "'s action at step h = " + std::to_string(map_step_) + " per (state, stock) it reaches (x: stock c_h, y: state)");
        stock_map_.sol = sol_, stock_map_.id = ids_[choice_], stock_map_.step = map_step_;
      }
      return stock_map_.plot;
    }
    const Mdp& m = sol_->world.mdp;
    const StockPolicy& pi = sol_->policies[id_index(risk_method_ids(), ids_[choice_])];
    const bool markov = pi.stock_action.empty();
    const Policy first_step = deterministic_policy(m, std::vector<int>(pi.markov.begin(), pi.markov.begin() + m.states));
    plot::Plot p = likely_paths_plot(*sol_, ids_, markov ? &first_step : nullptr,
                                     ids_[choice_] + (markov ? ": first-step actions π_0(s) (rays)" : ": acts on (h, s, stock), no rays") +
                                         ", latest episode; lines: most likely paths; colour: risk-neutral E[G]");
    if (!episode_.empty()) {
      p.lines.push_back(grid_path(sol_->world.layout, episode_, "latest episode", {1.0f, 0.55f, 0.2f, 0.9f}, 2.0f));
      p.points.push_back(grid_points(sol_->world.layout, {episode_.back()}, "where it ended", plot::kOptimumGold, 6.0f));
      p.legend = true;
    }
    return p;
  }

  void build_figure() {
    std::vector<std::vector<double>> masses = counts_;
    for (std::vector<double>& m : masses)
      for (double& x : m) x /= std::max(1, episodes_);
    plot::Plot hist = return_histogram(*sol_, ids_, masses, params_.alpha,
                                       "Return G of run 1's " + std::to_string(episodes_) + " episodes (dashed: exact CVaR_α; means in the legend)");
    plot::Plot est;
    est.title = "CVaR_α estimated so far (dashed: exact)";
    est.x = {"episodes n", plot::Scale::Linear};
    est.x.cover_lo = 0, est.x.cover_hi = params_.episodes;
    est.y = {"CVaR_α(G)", plot::Scale::Linear};
    for (size_t slot = 0; slot < ids_.size(); ++slot) {
      plot::Line l;
      l.name = ids_[slot];
      l.color = palette(slot);
      l.x = episodes_x_;
      l.y = estimates_[slot];
      est.lines.push_back(l);
      plot::Guide exact;
      exact.vertical = false;
      exact.value = distribution_cvar(sol_->returns[id_index(risk_method_ids(), ids_[slot])], params_.alpha);
      exact.color = palette(slot);
      est.guides.push_back(exact);
    }
    figure_.title = "mdp.risk: run 1's episodes";
    figure_.plots = {map_plot(), hist, est};
    if (!learners_.empty()) figure_.plots.push_back(learner_plot());
    figure_.headline = 1;
  }

  // Run 1's learners: max |Q̂ − Q*| against the sweep (a diverged learner's line stops; its legend says so).
  plot::Plot learner_plot() const {
    plot::Plot p;
    p.title = "Learning Q* of the exponential utility (β = " + format_real(params_.beta) + "): max |Q̂ − Q*|";
    p.x = {"sweep", plot::Scale::Log};
    p.x.cover_lo = 1, p.x.cover_hi = params_.sweeps;
    p.y = {"max |Q̂ − Q*|", plot::Scale::Log};
    for (size_t k = 0; k < learners_.size(); ++k) {
      plot::Line l;
      l.name = params_.learners[k] + (learners_[k].diverged() ? " (diverged)" : "");
      l.group = params_.learners[k];  // one series whether or not it has diverged
      l.color = palette(ids_.size() + k);  // the Runs tab's colour: learners follow the policies
      l.x = sweeps_x_;
      l.y = learner_errors_[k];
      p.lines.push_back(l);
    }
    return p;
  }

  RiskParams params_;
  std::shared_ptr<const RiskSolution> sol_;
  std::shared_ptr<const RiskSolution> shown_;  // the solution map_step_ was chosen for
  int map_step_ = 0;                           // off a grid: the step h of the policy map (stock_policy_plot)
  struct StockMap {                            // off a grid: the policy map last drawn, and what it shows
    std::shared_ptr<const RiskSolution> sol;
    std::string id;
    int step = -1;
    plot::Plot plot;
  } stock_map_;
  std::shared_ptr<const World> world_;  // sol_'s world: what the editor's "Download MDP" saves
  bool costs_ = false;                  // the world has costs (hazard or cost cells), which G does not count
  WorldEditor editor_;
  bool editor_dismissed_ = false;       // closed by the reader: a link with a grid no longer opens it
  std::vector<std::string> ids_;
  std::vector<EntropicQLearner> learners_;  // (params_.learners) on sol_'s MDP
  std::vector<Rng> learner_rngs_;
  std::vector<std::vector<double>> learner_errors_;  // (learners) max |Q̂ − Q*| after each view step (NaN once diverged)
  std::vector<double> sweeps_x_;
  int steps_ = 0;
  std::vector<Rng> rngs_;
  std::vector<std::vector<double>> samples_, counts_, estimates_;  // (policies) returns; per bin; CVaR_α estimate per step
  std::vector<double> episodes_x_;
  std::vector<int> episode_;  // the chosen policy's latest episode (states)
  int episodes_ = 0;
  size_t choice_ = 0;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_irl_view() { return std::make_unique<IrlView>(); }
std::unique_ptr<ui::DemoView> make_safe_meta_view() { return std::make_unique<SafeMetaView>(); }
std::unique_ptr<ui::DemoView> make_risk_view() { return std::make_unique<RiskView>(); }

}  // namespace klab::mdp
