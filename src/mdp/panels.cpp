// The mdp chapter's live views: plots and readouts only; every number comes from the chapter's
// planners (planner.hpp), the code `klab run mdp.planning` and the tests run.
#include "mdp/panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "mdp/irl_safe_risk_panels.hpp"
#include "mdp/learning_panels.hpp"
#include "mdp/planning_experiment.hpp"
#include "mdp/planning_record.hpp"
#include "mdp/policy_iteration.hpp"
#include "mdp/robust_experiment.hpp"
#include "mdp/value_iteration.hpp"
#include "mdp/world_editor_panel.hpp"
#include "ui/param_panel.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::mdp {
namespace {

std::string num(double v) { return plot::format_number(v); }

// ---------------------------------------------------------------------------------------------
// mdp.planning: every method iterates on run 0's world, one iteration per view step. On a
// gridworld the first method's value estimate V̂_k is a heat map with its policy π_k as rays; on
// other worlds its gap |V*(s) − V̂_k(s)| is drawn against s on a log axis fixed from the start's gap
// to the floor (the line sinks as V̂_k converges, long after π_k is optimal). The headline, V*(ρ) − V(ρ; π_k) against k,
// comes first; the value picture beside it.
// "Edit the world" opens the gridworld editor (world_editor_panel.hpp) in place of the gap plot:
// each edit re-solves, the painted grid next to the values on it.
class PlanningView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const PlanningExperiment&>(ctx.experiment);
    if (!e.p().grid.empty() && !editor_dismissed_) editor_.set_open(true);  // a link with an edited grid
    planners_.clear();
    gaps_.assign(e.p().methods.size(), {});
    ks_.clear();
    series_ = e.p().methods;
    iterations_ = e.p().iterations;
    world_.reset();
    Expected<std::shared_ptr<const World>> w = e.world_for(ctx.seed, 0);
    if (!w.ok()) {
      problem_ = w.status().message();
      return;
    }
    problem_.clear();
    world_ = w.value();
    const Optimum o = solve_optimal(world_->mdp);
    v_star_ = o.v;
    start_star_ = start_value(world_->mdp, o.v);
    floor_ = kPlanRelativeFloor * (1.0 + o.v.lpNorm<Eigen::Infinity>());
    for (const std::string& id : series_)
      planners_.push_back(std::make_unique<Planner>(world_->mdp, static_cast<PlanMethod>(id_of(id)), e.settings()));
    start_gap_ = std::max(floor_, (v_star_ - planners_.front()->estimate()).lpNorm<Eigen::Infinity>());
  }
  bool animates() const override { return true; }
  bool finished() const override { return planners_.empty() || planners_.front()->iteration() >= iterations_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "iteration %d / %d", planners_.empty() ? 0 : planners_.front()->iteration(), iterations_);
    return s;
  }
  double steps_done() const override { return planners_.empty() ? 0.0 : planners_.front()->iteration(); }
  double steps_total() const override { return iterations_; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      for (size_t m = 0; m < planners_.size(); ++m) {
        planners_[m]->iterate();
        gaps_[m].push_back(std::max(floor_, start_star_ - start_value(world_->mdp, planners_[m]->policy_value())));
      }
      ks_.push_back(planners_.front()->iteration());
    }
  }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (editor_.open()) editor_.draw_toolbar(params, world_.get());
    if (!world_) {
      ImGui::TextWrapped("No world: %s", problem_.c_str());
      return;
    }
    // Two numbers: the iteration and PI's gap (the first method's without PI); the plot holds the rest.
    const auto pi = std::find(series_.begin(), series_.end(), "pi");
    const size_t shown = pi == series_.end() ? 0 : static_cast<size_t>(pi - series_.begin());
    const std::string gap = gaps_[shown].empty() ? "–" : num(gaps_[shown].back());
    ui::readout_table("##planning", {{"iteration k", std::to_string(planners_.front()->iteration())}, {"gap " + series_[shown], gap}}, 2);
    build_figure();
    ui::PlotGrid grid(2, 0);
    if (editor_.open()) {
      editor_.draw_canvas(params, grid.cell(0));
      ui::draw_plot("values", figure_.plots[1], grid.cell(1));
    } else {
      ui::draw_plot("gap", figure_.plots[0], grid.cell(0));
      ui::draw_plot("values", figure_.plots[1], grid.cell(1));
    }
    grid.end();
  }

 private:
  static int id_of(const std::string& id) {
    const auto& ids = plan_method_ids();
    return static_cast<int>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }

  void build_figure() {
    const Planner& first = *planners_.front();
    const Eigen::VectorXd& v = first.estimate();
    plot::Plot values;
    if (world_->layout.rows > 0) {
      GridPlotInput in;
      in.mdp = &world_->mdp;
      in.layout = &world_->layout;
      in.state_values.assign(v.data(), v.data() + v.size());
      in.policy = &first.policy();
      in.title = series_.front() + ": value estimate V̂_k (colour) and policy π_k (rays)";
      in.value_label = "V̂_k(s)";
      values = grid_plot(in);
    } else {
      // The gap, not the two values: V̂_k converges like γ^k long after π_k is optimal, and two curves
      // 0.9 apart at k = 57 read as a contradiction of the headline.
      values.title = series_.front() + ": gap |V*(s) − V̂_k(s)| per state";
      values.x = {"state s", plot::Scale::Linear};
      values.y = {"|V*(s) − V̂_k(s)|", plot::Scale::Log};
      values.y.cover_lo = floor_, values.y.cover_hi = start_gap_;
      plot::Line est;
      est.name = "|V*(s) − V̂_k(s)|";
      est.color = palette(0);
      for (int s = 0; s < v.size(); ++s) est.x.push_back(s), est.y.push_back(std::max(floor_, std::fabs(v_star_[s] - v[s])));
      values.lines = {est};
    }
    plot::Plot gap;
    gap.title = "Suboptimality V*(ρ) − V(ρ; π_k)";
    gap.x = {"iteration k", plot::Scale::Log};
    gap.x.cover_lo = 1, gap.x.cover_hi = std::max(2, iterations_);
    gap.y = {"V*(ρ) − V(ρ; π_k)", plot::Scale::Log};
    for (size_t m = 0; m < series_.size(); ++m) {
      plot::Line l;
      l.name = series_[m];
      l.color = palette(m);
      l.x = ks_;
      l.y = gaps_[m];
      gap.lines.push_back(l);
    }
    figure_.title = "mdp.planning on " + world_->name + ", run 1";
    figure_.plots = {gap, values};  // the suboptimality is the headline: the Look-for line is about it
  }

  std::shared_ptr<const World> world_;
  std::string problem_;
  std::vector<std::unique_ptr<Planner>> planners_;
  std::vector<std::string> series_;
  std::vector<std::vector<double>> gaps_;  // (methods, iterations)
  std::vector<double> ks_;
  Eigen::VectorXd v_star_;
  double start_star_ = 0.0, floor_ = 0.0;
  double start_gap_ = 0.0;  // max_s |V*(s) − V̂_0(s)|: the top of the gap plot's axis
  int iterations_ = 0;
  WorldEditor editor_;
  bool editor_dismissed_ = false;  // closed by the reader: a link with a grid no longer opens it
};

// ---------------------------------------------------------------------------------------------
// mdp.robust: IWOCS one worst-case search per step. The headline: its worst case against the search,
// the nominal, domain-randomisation and robust-VI policies' worst cases as guides; then V^{π_i}_θ(ρ)
// over the set with the models found so far; last (gridworlds only: the random world has no picture
// of its states), its policy π_i and the nominal policy π_0 on the grid, each coloured by its values
// in its worst model. The random world is run 1's (seed, run 0).
class RobustView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const RobustExperiment&>(ctx.experiment);
    iterations_ = e.p().iterations;
    worst_.clear();
    iwocs_.reset();
    Expected<RobustWorld> w = robust_world(e.p(), ctx.seed, 0);
    if (!w.ok()) {
      problem_ = w.status().message();
      return;
    }
    problem_.clear();
    world_ = std::move(w.value());
    // The other methods' policies are fixed: their worst cases are the headline's guides.
    const auto worst_of = [&](const std::vector<int>& actions) {
      const std::vector<double> v = values_over_set(world_.set, actions);
      return *std::min_element(v.begin(), v.end());
    };
    nominal_actions_ = solve_optimal(world_.set.models.front()).actions;
    nominal_values_ = values_over_set(world_.set, nominal_actions_);
    nominal_worst_ = *std::min_element(nominal_values_.begin(), nominal_values_.end());
    if (world_.layout.rows > 0) nominal_map_ = policy_plot(nominal_actions_, nominal_values_, "nominal π_0");  // fixed: drawn once
    average_worst_ = worst_of(solve_optimal(average_model(world_.set)).actions);
    robust_vi_worst_ = worst_of(demo_robust_vi(world_.set).actions);
    iwocs_ = std::make_unique<Iwocs>(world_.set, 0);
    search();  // π_0: the nominal model's optimal policy
  }
  bool animates() const override { return true; }
  bool finished() const override { return !iwocs_ || iwocs_->iteration() >= iterations_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "search %d / %d%s", iwocs_ ? iwocs_->iteration() : 0, iterations_, iwocs_ && iwocs_->converged() ? " (converged)" : "");
    return s;
  }
  double steps_done() const override { return iwocs_ ? iwocs_->iteration() : 0.0; }
  double steps_total() const override { return iterations_; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) search();
  }

  void draw(ui::ViewContext&) override {
    if (!iwocs_) {
      ImGui::TextWrapped("No world: %s", problem_.c_str());
      return;
    }
    ui::readout_table("##robust",
                      {{"search i", std::to_string(iwocs_->iteration() - 1)},
                       {"models found", std::to_string(iwocs_->found().size())},
                       {"IWOCS worst case", num(iwocs_->worst_case())},
                       {"nominal worst case", num(nominal_worst_)},
                       {"robust VI worst case", num(robust_vi_worst_)},
                       {"domain randomisation worst case", num(average_worst_)}},
                      3);
    build_figure();
    const size_t n = figure_.plots.size();
    ui::PlotGrid grid(static_cast<int>(n), 0);
    for (size_t k = 0; k < n; ++k) ui::draw_plot(kPlotIds[k], figure_.plots[k], grid.cell(static_cast<int>(k)));
    grid.end();
  }

 private:
  void search() {
    iwocs_->iterate();
    worst_.push_back(iwocs_->worst_case());
  }

  static constexpr const char* kPlotIds[4] = {"worst", "set", "grid", "nominal"};

  // The worst-case curve (the headline, with the other methods' worst cases as guides in their Runs
  // colours), the set map and the policy on the grid (gridworlds).
  void build_figure() {
    const std::vector<double>& values = iwocs_->values();
    SetMapInput set;
    set.slips = world_.slips, set.winds = world_.winds;
    set.values = values;
    set.found = iwocs_->found();
    set.title = "V^π_θ(ρ) over the set (numbers: models found)";
    plot::Plot curve;
    curve.title = "Worst case over the set";
    curve.x = {"search i", plot::Scale::Linear};
    curve.x.cover_lo = 0, curve.x.cover_hi = std::max(1, iterations_ - 1);
    curve.y = {"min over θ of V^π_θ(ρ)", plot::Scale::Linear};
    plot::Line iw;
    iw.name = "IWOCS";
    iw.color = palette(3);
    for (size_t i = 0; i < worst_.size(); ++i) iw.x.push_back(static_cast<double>(i)), iw.y.push_back(worst_[i]);
    curve.lines = {iw};
    const std::pair<const char*, double> fixed[] = {{"nominal policy", nominal_worst_}, {"domain randomisation", average_worst_}, {"robust VI's policy", robust_vi_worst_}};
    for (size_t m = 0; m < 3; ++m) {
      curve.guides.push_back(reference_guide(fixed[m].first, fixed[m].second));
      curve.guides.back().color = palette(m);  // robust_method_ids() order, as in the Runs tab
    }
    // The guides near the top lie a few units apart on an axis of hundreds: a note at the curve's end
    // gives the gap to domain randomisation (and to robust VI) in numbers.
    if (!worst_.empty()) {
      const double w = worst_.back(), gap = w - average_worst_;
      std::string note = "IWOCS " + num(w) + ": " + num(std::fabs(gap)) + (gap >= 0 ? " above" : " below") +
                         " domain randomisation's " + num(average_worst_);
      note += std::fabs(w - robust_vi_worst_) <= 1e-9 * std::max(1.0, std::fabs(robust_vi_worst_))
                  ? ", equal to robust VI's"
                  : "; robust VI's " + num(robust_vi_worst_);
      curve.annotations.push_back({iw.x.back(), w, note});
    }
    figure_.title = "mdp.robust: IWOCS on the set of " + std::to_string(world_.set.models.size()) + " models";
    figure_.plots = {curve, set_value_map(set)};
    if (world_.layout.rows > 0) {
      // The policy stops changing once a worst case repeats: π_i of the last search that added a model.
      const int i = iwocs_->converged() ? static_cast<int>(iwocs_->found().size()) - 1 : iwocs_->iteration() - 1;
      figure_.plots.push_back(policy_plot(iwocs_->actions(), iwocs_->values(), "IWOCS π_" + std::to_string(i)));
      figure_.plots.push_back(nominal_map_);
    }
  }

  // A deterministic policy and its values in its worst model of the set.
  plot::Plot policy_plot(const std::vector<int>& actions, const std::vector<double>& values, const std::string& name) const {
    const size_t arg = static_cast<size_t>(std::min_element(values.begin(), values.end()) - values.begin());
    const Mdp& worst_model = world_.set.models[arg];
    const Policy pi = deterministic_policy(worst_model, actions);
    const Eigen::VectorXd v = evaluate(worst_model, pi, worst_model.reward);
    GridPlotInput in;
    in.mdp = &worst_model;
    in.layout = &world_.layout;
    in.state_values.assign(v.data(), v.data() + v.size());
    in.policy = &pi;
    in.title = name + " and its values in its worst model (slip " + num(world_.slips[arg % world_.slips.size()]) +
               ", wind " + num(world_.winds[arg / world_.slips.size()]) + ")";
    in.value_label = "V^π(s)";
    return grid_plot(in);
  }

  RobustWorld world_;
  std::string problem_;
  std::unique_ptr<Iwocs> iwocs_;
  std::vector<double> worst_;
  std::vector<int> nominal_actions_;   // π_0: the nominal model's optimal policy
  std::vector<double> nominal_values_;  // V^{π_0}_θ(ρ) over the set
  plot::Plot nominal_map_;              // π_0 on the grid in its worst model (gridworlds)
  double nominal_worst_ = 0.0, average_worst_ = 0.0, robust_vi_worst_ = 0.0;
  int iterations_ = 0;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "mdp.planning") return std::make_unique<PlanningView>();
  if (demo_id == "mdp.robust") return std::make_unique<RobustView>();
  if (demo_id == "mdp.learning") return make_learning_view();
  if (demo_id == "mdp.constrained") return make_constrained_view();
  if (demo_id == "mdp.irl") return make_irl_view();
  if (demo_id == "mdp.safe_meta") return make_safe_meta_view();
  if (demo_id == "mdp.risk") return make_risk_view();
  return nullptr;
}

}  // namespace klab::mdp
