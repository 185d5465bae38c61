// The live views of mdp.learning and mdp.constrained: plots and readouts only. Every number comes
// from the code `klab run` and the tests run: ControlLearner (control_learner.hpp) and
// TraceEvaluator (trace_evaluator.hpp) for mdp.learning, in a live batch of runs 1..R
// (learning_live.hpp: its bands are the Runs tab's of R runs); PrimalDual through
// lagrangian_iteration (constrained_experiment.hpp) for mdp.constrained, on run 1's world and seed,
// so its live curves are the Runs tab's run 1.
#include "mdp/learning_panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "mdp/constrained_experiment.hpp"
#include "mdp/control_learner.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "mdp/learning_experiment.hpp"
#include "mdp/learning_live.hpp"
#include "mdp/trace_evaluator.hpp"
#include "mdp/world_editor_panel.hpp"
#include "ui/param_panel.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::mdp {
namespace {

std::string live_number(double v) { return plot::format_number(v); }

// At most this many points per live curve: long runs record every ⌈K/kLiveCurvePoints⌉-th step.
constexpr long long kLiveCurvePoints = 1000;

// A curve against the live steps, in palette colour `slot` (the series' colour in the Runs tab).
plot::Line live_curve(const std::string& name, size_t slot, const std::vector<double>& x, const std::vector<double>& y) {
  plot::Line l;
  l.name = name;
  l.color = palette(slot);
  l.x = x;
  l.y = y;
  return l;
}

// ---------------------------------------------------------------------------------------------
// mdp.learning: the learners the parameters select, each one episode per view step, in a live batch
// of runs 1..R (learning_live.hpp: R = 8 by default, the view's "runs" setting; fewer on worlds
// where R runs would slow the play): the control learners (Q-learning, SARSA, expected SARSA,
// UCBVI, through ControlLearner) and the off-policy evaluators at the chosen λ (Retrace, tree
// backup, RBIS, through TraceEvaluator). Left: run 1's first control learner's values and ε-greedy
// policy on the grid with its latest episode's path and the agent at its end; or state-visitation
// counts; or the first evaluator's V̂^π under the target's rays (toggle); on other worlds V̂ against
// V* (or V^π) over the states, or the visits. Right, the headline: every control learner's
// cumulative regret, mean over the R runs with its 95% band (the Runs tab's band of R runs), with
// the evaluators' errors (mean and band) beside it; when only evaluators are selected their errors
// are the headline. Last, run 1's λ sweep: each evaluator also runs at every λ of trace_lambdas(),
// in step with the others (the same behaviour episodes), its error at the latest episode drawn
// against λ. A parameter λ on that grid is the sweep's own entry (the same seed: the same evaluator).
class LearningView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const LearningExperiment&>(ctx.experiment);
    if (!e.p().grid.empty() && !editor_dismissed_) editor_.set_open(true);
    sweep_.clear();
    names_.clear();
    slots_.clear();
    eval_names_.clear();
    eval_slots_.clear();
    sweep_errors_.clear();
    done_ = 0;
    episodes_ = e.p().episodes;
    lambda_ = e.p().lambda;
    stride_ = std::max(1LL, (episodes_ + kLiveCurvePoints - 1) / kLiveCurvePoints);
    batch_ = std::make_unique<LearningLiveBatch>(e, ctx.seed, wanted_runs_);
    if (batch_->runs() == 0) {
      problem_text_ = batch_->world_error();
      batch_.reset();
      return;
    }
    problem_text_.clear();
    const std::vector<double>& grid = trace_lambdas();
    const auto on_grid = std::find(grid.begin(), grid.end(), lambda_);
    sweep_at_lambda_ = on_grid == grid.end() ? -1 : static_cast<int>(on_grid - grid.begin());
    const EpisodicProblem& problem = batch_->problem();
    for (size_t s = 0; s < e.p().methods.size(); ++s) {
      const LearningMethod method = learning_method(e.p().methods[s]);
      if (std::holds_alternative<ControlMethod>(method)) {
        names_.push_back(e.p().methods[s]);
        slots_.push_back(s);
        continue;
      }
      if (eval_names_.empty()) target_values_ = evaluate_finite(problem.scaled, batch_->ope().target, problem.scaled.reward);
      const TraceMethod trace = std::get<TraceMethod>(method);
      sweep_.emplace_back();
      for (size_t k = 0; k < grid.size(); ++k)  // λ's own entry is run 1's evaluator of the batch (stepped there)
        sweep_.back().push_back(static_cast<int>(k) == sweep_at_lambda_ ? batch_->evaluator(eval_names_.size())
                                                                        : std::make_shared<TraceEvaluator>(problem, batch_->ope(), trace, grid[k],
                                                                                                           e.p().ope_alpha, ctx.seed, 0));
      eval_names_.push_back(e.p().methods[s]);
      eval_slots_.push_back(s);
    }
    sweep_errors_.assign(eval_names_.size(), {});
    path_.assign(static_cast<size_t>(e.p().horizon + 1), 0);
    path_ready_ = false;
    earliest_stage_ = earliest_stages();
  }
  bool animates() const override { return true; }
  bool finished() const override { return !batch_ || done_ >= episodes_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "episode %lld / %lld", done_, episodes_);
    return s;
  }
  double steps_done() const override { return static_cast<double>(done_); }
  double steps_total() const override { return static_cast<double>(episodes_); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      batch_->run_episode(names_.empty() ? nullptr : path_.data());
      for (auto& row : sweep_)
        for (size_t i = 0; i < row.size(); ++i)
          if (static_cast<int>(i) != sweep_at_lambda_) row[i]->run_episode();
      path_ready_ = !names_.empty();
      ++done_;
      if (done_ % stride_ != 0 && done_ != episodes_) continue;
      batch_->record();
      for (size_t m = 0; m < sweep_.size(); ++m) {
        sweep_errors_[m].clear();
        for (const auto& ev : sweep_[m]) sweep_errors_[m].push_back(ev->error());
      }
    }
  }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (batch_) draw_map_toggle();
    draw_runs_setting(ctx);
    if (editor_.open()) editor_.draw_toolbar(params, batch_ ? batch_->world_ptr().get() : nullptr);
    if (!batch_) {
      ImGui::TextWrapped("No live run: %s", problem_text_.c_str());
      return;
    }
    const std::vector<double>& recorded = batch_->recorded_episodes();
    // A learning curve's latest mean ± half-width of its band ("–" before the first record).
    const auto latest = [&](const LiveBand& b) {
      if (recorded.empty()) return std::string("–");
      const double half = 0.5 * (b.hi.back() - b.lo.back());
      return live_number(b.mean.back()) + (batch_->runs() > 1 ? " ± " + live_number(half) : "");
    };
    // Three numbers: the episode and the headline's first and last series (on the defaults Q-learning's
    // linear regret and UCBVI's); the plots and their legends hold the rest.
    std::vector<std::pair<std::string, std::string>> rows{{"episode k", std::to_string(done_)}};
    const bool control = !names_.empty();
    const std::vector<std::string>& headline = control ? names_ : eval_names_;
    const auto add_row = [&](size_t m) {
      rows.push_back({(control ? "regret " : "|V̂−V^π|(ρ) ") + headline[m], latest(control ? batch_->regret()[m] : batch_->ope_error()[m])});
    };
    if (!headline.empty()) add_row(0);
    if (headline.size() > 1) add_row(headline.size() - 1);
    ui::readout_table("##learning", rows, 3);
    build_figure();
    if (editor_.open()) {
      ui::PlotGrid grid(2, 0);
      editor_.draw_canvas(params, grid.cell(0));
      ui::draw_plot("map", figure_.plots[0], grid.cell(1));
      grid.end();
      return;
    }
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), figure_.headline);
    ui::draw_plot("map", figure_.plots[0], grid.cell(0));
    for (size_t i = 1; i < figure_.plots.size(); ++i) ui::draw_plot(plot_ids_[i].c_str(), figure_.plots[i], grid.cell(static_cast<int>(i)));
    grid.end();
  }

 private:
  enum class MapShows { Values, Visits, Evaluator };

  // "runs [1, 16]": how many runs the learning curves average (a view setting, not a parameter: the
  // link and `klab run` are unchanged); a new value restarts the live batch.
  void draw_runs_setting(ui::ViewContext& ctx) {
    ImGui::SameLine();
    ImGui::TextUnformatted("  runs:");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    ImGui::SliderInt("##live_runs", &slider_runs_, 1, static_cast<int>(kBlockRuns));
    ui::record_item("button:learning_runs");
    ui::help_tooltip("Runs 1 to R of the Runs tab, stepped together: the learning curves show their mean with a 95% confidence band; "
                     "the map and the λ plot follow run 1. On large worlds fewer runs are kept (\"runs in the mean\") so that the "
                     "play keeps its speed.");
    if (ImGui::IsItemDeactivatedAfterEdit() && static_cast<uint32_t>(slider_runs_) != wanted_runs_) {  // on release, like the editor's sliders
      wanted_runs_ = static_cast<uint32_t>(slider_runs_);
      reset(ctx);
    }
  }

  // "show: values | visits | evaluator's V̂ of π" (a button label is not typeset): values needs a control learner, the last an evaluator.
  void draw_map_toggle() {
    if (shows_ == MapShows::Values && names_.empty()) shows_ = MapShows::Evaluator;
    if (shows_ == MapShows::Evaluator && eval_names_.empty()) shows_ = MapShows::Values;
    ImGui::SameLine();
    ImGui::TextUnformatted("  show:");
    int shown = static_cast<int>(shows_);
    if (!names_.empty()) {
      ImGui::SameLine();
      ImGui::RadioButton("values", &shown, static_cast<int>(MapShows::Values));
      ui::record_item("button:learning_values");
    }
    ImGui::SameLine();
    ImGui::RadioButton("visits", &shown, static_cast<int>(MapShows::Visits));
    ui::record_item("button:learning_visits");
    if (!eval_names_.empty()) {
      ImGui::SameLine();
      ImGui::RadioButton("evaluator's V̂ of π", &shown, static_cast<int>(MapShows::Evaluator));
      ui::record_item("button:learning_evaluator");
      ui::help_tooltip("The first off-policy evaluator's V̂^π_h(s) = Σ_a π_h(a|s) Q̂_h(s, a) under the target π's rays; on other worlds "
                       "against the exact V^π_h(s).");
    }
    shows_ = static_cast<MapShows>(shown);
  }

  // For each state the first stage h at which it can be occupied (H when never): the stage whose
  // Q̂_h the map shows (stage-indexed values; a state first reachable at step h has no Q̂_0).
  std::vector<int> earliest_stages() const {
    const Mdp& m = batch_->problem().scaled;
    const int horizon = batch_->problem().task.horizon;
    std::vector<int> first(static_cast<size_t>(m.states), horizon);
    for (int h = horizon - 1; h >= 0; --h)
      for (int s = 0; s < m.states; ++s)
        if (batch_->problem().reachable[static_cast<size_t>(h) * m.states + s]) first[static_cast<size_t>(s)] = h;
    return first;
  }

  // Σ_a visits(s, a).
  std::vector<double> state_visits(const std::vector<uint32_t>& visits) const {
    const Mdp& mdp = batch_->problem().scaled;
    std::vector<double> n(static_cast<size_t>(mdp.states), 0.0);
    for (int s = 0; s < mdp.states; ++s)
      for (int i = mdp.first_pair[s]; i < mdp.first_pair[s + 1]; ++i) n[static_cast<size_t>(s)] += visits[static_cast<size_t>(i)];
    return n;
  }

  // What the map shows at each state's earliest stage h: an estimate, its exact reference and a
  // policy (rays). Control: V̂_h(s) = max_a Q̂_h(s, a), V*_h(s), the ε-greedy π_h of Q̂. Evaluator:
  // V̂^π_h(s) = Σ_a π_h(a|s) Q̂_h(s, a), V^π_h(s), the target π_h.
  struct MapValues {
    std::vector<double> estimate, reference;
    Policy pi;
  };
  MapValues map_values(bool evaluator) const {
    const Mdp& m = batch_->problem().scaled;
    const std::vector<double>& q = evaluator ? batch_->evaluator(0)->q() : batch_->learner(0).q();
    MapValues out{std::vector<double>(static_cast<size_t>(m.states), NAN), std::vector<double>(static_cast<size_t>(m.states), NAN),
                  Policy(static_cast<size_t>(m.pairs()), 0.0)};
    for (int s = 0; s < m.states; ++s) {
      const int h = earliest_stage_[static_cast<size_t>(s)];
      if (h >= batch_->problem().task.horizon) continue;
      const size_t at = static_cast<size_t>(h) * m.pairs() + m.first_pair[s];
      const size_t vs = static_cast<size_t>(h) * m.states + s;
      const int n = m.actions(s);
      double v = evaluator ? 0.0 : *std::max_element(q.begin() + static_cast<long>(at), q.begin() + static_cast<long>(at) + n);
      for (int a = 0; a < n; ++a) {
        const double p = evaluator ? batch_->ope().target[at + a] : epsilon_greedy_prob(&q[at], n, batch_->learner(0).epsilon(), a);
        out.pi[static_cast<size_t>(m.first_pair[s] + a)] = p;
        if (evaluator) v += p * q[at + a];
      }
      out.estimate[static_cast<size_t>(s)] = v;
      out.reference[static_cast<size_t>(s)] = evaluator ? target_values_.v[vs] : batch_->problem().optimum.v[vs];
    }
    return out;
  }

  plot::Plot map_plot() const {
    const Mdp& m = batch_->problem().scaled;
    const bool evaluator = shows_ == MapShows::Evaluator;
    const bool control = !names_.empty() && !evaluator;  // the first control learner's map (its path, its visits)
    const std::string who = (control ? names_.front() : eval_names_.front()) + ", run 1";
    if (batch_->world().layout.rows > 0) {
      GridPlotInput in;
      in.mdp = &m;
      in.layout = &batch_->world().layout;
      MapValues mv;
      if (shows_ == MapShows::Visits) {
        const std::vector<double> n = state_visits(control ? batch_->learner(0).visits() : batch_->evaluator(0)->visits());
        for (double c : n) in.state_values.push_back(std::log10(1.0 + c));
        in.title = control ? who + ": state visits (colour), latest episode (line), agent (dot)" : "behaviour μ, run 1: state visits";
        in.value_label = "log₁₀(1 + visits)";
      } else {
        mv = map_values(evaluator);
        in.state_values = mv.estimate;
        in.policy = &mv.pi;
        in.title = evaluator ? who + ": V̂^π_h(s) (colour), target π_h (rays)" : who + ": V̂_h(s) (colour), ε-greedy π_h (rays), latest episode, agent";
        in.value_label = evaluator ? "Σ_a π Q̂_h(s, a), h: first stage at s" : "max_a Q̂_h(s, a), h: first stage at s";
        in.vmin = 0.0;
      }
      plot::Plot p = grid_plot(in);
      if (control && path_ready_) {
        p.lines.push_back(grid_path(batch_->world().layout, path_, "episode path", {1.0f, 0.55f, 0.2f, 0.9f}, 2.0f));
        p.points.push_back(grid_points(batch_->world().layout, {path_.back()}, "agent", plot::kOptimumGold, 6.0f));
      }
      return p;
    }
    plot::Plot p;
    p.x = {"state s", plot::Scale::Linear};
    if (shows_ == MapShows::Visits) {
      p.title = "State visits of every learner, run 1 (0 drawn at 1)";
      p.y = {"visits of s", plot::Scale::Log};
      const auto add = [&](const std::string& name, size_t slot, const std::vector<uint32_t>& visits) {
        const std::vector<double> n = state_visits(visits);
        plot::Line line = live_curve(name, slot, {}, {});
        for (int s = 0; s < m.states; ++s) line.x.push_back(s), line.y.push_back(std::max(1.0, n[static_cast<size_t>(s)]));
        p.lines.push_back(line);
      };
      for (size_t l = 0; l < names_.size(); ++l) add(names_[l], slots_[l], batch_->learner(l).visits());
      if (!eval_names_.empty()) add("behaviour μ", eval_slots_.front(), batch_->evaluator(0)->visits());  // every evaluator sees μ's episodes
    } else {
      const MapValues mv = map_values(evaluator);
      p.title = evaluator ? who + ": V̂^π_h(s) and V^π_h(s)" : who + ": V̂_h(s) and V*_h(s)";
      p.y = {"V_h(s), h: first stage at s", plot::Scale::Linear};
      p.y.clip_outliers = false;  // the exact reference stays in view while the estimate is still near 0
      plot::Line ref = plot::reference_line(evaluator ? "V^π_h(s)" : "V*_h(s)");
      plot::Line est = live_curve(evaluator ? "V̂^π_h(s)" : "V̂_h(s)", evaluator ? eval_slots_.front() : slots_.front(), {}, {});
      for (int s = 0; s < m.states; ++s) {
        ref.x.push_back(s), ref.y.push_back(mv.reference[static_cast<size_t>(s)]);
        est.x.push_back(s), est.y.push_back(mv.estimate[static_cast<size_t>(s)]);
      }
      p.lines = {ref, est};
    }
    if (control && path_ready_) {
      plot::Guide agent;
      agent.value = path_.back();
      agent.label = "agent";
      agent.color = plot::kOptimumGold;
      p.guides.push_back(agent);
    }
    return p;
  }

  // One curve per series against the recorded episodes, the mean over the live batch with its 95%
  // band (lo, hi: drawn as the Runs tab draws its bands); x covers 0 (log: 1) to K.
  plot::Plot episode_plot(const std::string& title, plot::Scale scale, const std::string& y_label, const std::vector<std::string>& names,
                          const std::vector<size_t>& slots, const std::vector<LiveBand>& bands) const {
    plot::Plot p;
    p.title = title;
    p.x = {"episode k", scale};
    p.x.cover_lo = scale == plot::Scale::Log ? 1.0 : 0.0, p.x.cover_hi = static_cast<double>(episodes_);
    p.y = {y_label, scale};
    for (size_t m = 0; m < names.size(); ++m) {
      plot::Line l = live_curve(names[m], slots[m], batch_->recorded_episodes(), bands[m].mean);
      if (batch_->runs() > 1) l.lo = bands[m].lo, l.hi = bands[m].hi;
      p.lines.push_back(std::move(l));
    }
    plot::mark_repeated_lines(p.lines);  // at the defaults SARSA's and expected SARSA's regret on Q-learning's: "(≈ q_learning)"
    return p;
  }

  // "mean of R runs ± 95% CI" (or "run 1" for a batch of one).
  std::string over_runs() const {
    return batch_->runs() > 1 ? "mean of " + std::to_string(batch_->runs()) + " runs ± 95% CI" : "run 1";
  }

  // Each evaluator's error at the latest recorded episode against λ (trace_lambdas(): the Runs tab's
  // "ope_error_vs_lambda", which it equals at the last episode), the parameter λ marked.
  plot::Plot lambda_plot() const {
    plot::Plot p;
    const std::vector<double>& recorded = batch_->recorded_episodes();
    p.title = "Evaluation error vs λ after " + plot::format_number(recorded.empty() ? 0.0 : recorded.back()) + " episodes, run 1";
    p.x = {"λ", plot::Scale::Linear};
    p.x.cover_lo = 0.0, p.x.cover_hi = 1.0;
    p.y = {"error", plot::Scale::Log};
    for (size_t m = 0; m < sweep_errors_.size() && !recorded.empty(); ++m) {
      p.lines.push_back(live_curve(eval_names_[m], eval_slots_[m], trace_lambdas(), sweep_errors_[m]));
      plot::Points grid;  // the λ grid's points (one legend entry with the line: same name)
      grid.name = eval_names_[m];
      grid.x = trace_lambdas();
      grid.y = sweep_errors_[m];
      grid.color = palette(eval_slots_[m]);
      grid.radius = 3.0f;
      p.points.push_back(grid);
    }
    plot::Guide at;
    at.value = lambda_;
    at.label = "λ of the learning curves";
    p.guides.push_back(at);
    return p;
  }

  // The headline is the regret when a control learner runs, else the evaluators' errors.
  void build_figure() {
    figure_.title = "mdp.learning on " + batch_->world().name + (batch_->runs() > 1 ? ", runs 1–" + std::to_string(batch_->runs()) : ", run 1");
    figure_.plots = {map_plot()};
    plot_ids_ = {"map"};
    if (!names_.empty()) {
      figure_.plots.push_back(episode_plot("Cumulative regret Σ_k (V*₀(ρ) − G_k), " + over_runs(), plot::Scale::Linear, "regret", names_, slots_,
                                           batch_->regret()));
      plot_ids_.push_back("regret");
    }
    if (!eval_names_.empty()) {
      const std::string title = "Off-policy evaluation, λ = " + format_real(lambda_) + ": |V̂(ρ; π) − V(ρ; π)|, " + over_runs();
      figure_.plots.push_back(episode_plot(title, plot::Scale::Log, "error", eval_names_, eval_slots_, batch_->ope_error()));
      plot_ids_.push_back("ope");
      figure_.plots.push_back(lambda_plot());
      plot_ids_.push_back("ope_vs_lambda");
    }
    figure_.headline = 1;
  }

  std::unique_ptr<LearningLiveBatch> batch_;  // runs 1..R of every learner (run 1: the map, the readouts)
  std::string problem_text_;
  std::vector<std::vector<std::shared_ptr<TraceEvaluator>>> sweep_;  // (evaluators, trace_lambdas()) run 1's λ sweep, in step with them
  FiniteValues target_values_;              // V^π_h, Q^π_h of run 1's target
  std::vector<std::string> names_, eval_names_;  // method ids of the control learners, of the evaluators
  std::vector<size_t> slots_, eval_slots_;  // their index in `methods` (palette colour)
  std::vector<std::vector<double>> sweep_errors_;      // (evaluators, trace_lambdas()) at the latest recorded episode
  std::vector<std::string> plot_ids_;       // the ids of figure_.plots
  std::vector<int> path_;                   // (H+1) the first learner's latest episode s_0 .. s_H
  std::vector<int> earliest_stage_;         // (S)
  double lambda_ = 0.0;
  int sweep_at_lambda_ = -1;  // λ's index in trace_lambdas() (its sweep entry is the batch's run 1 evaluator), -1: none
  uint32_t wanted_runs_ = kLiveRuns;  // the "runs" setting
  int slider_runs_ = static_cast<int>(kLiveRuns);
  bool path_ready_ = false;
  MapShows shows_ = MapShows::Values;
  long long done_ = 0, episodes_ = 0, stride_ = 1;
  WorldEditor editor_;
  bool editor_dismissed_ = false;
};

// ---------------------------------------------------------------------------------------------
// mdp.constrained: the Lagrangian learners of run 1 (plain primal-dual, whose running average is
// the averaged iterate, and PID), one iteration each per view step. The headline: λ_k against the
// LP's λ* (plain primal-dual swings around it; PID over the same range, but nearer λ*); beside it the cost V_c(ρ; π_k) against
// the budget b and the reward against the LP optimum; on a gridworld
// also the last iterate π_k as rays over its cost-to-go V_c^{π_k}(s), hazard cells marked.
class ConstrainedView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const ConstrainedExperiment&>(ctx.experiment);
    if (!e.p().grid.empty() && !editor_dismissed_) editor_.set_open(true);
    plain_.reset();
    pid_.reset();
    world_.reset();
    ks_.clear();
    series_.clear();
    iterations_ = e.p().iterations;
    samples_ = e.p().samples;
    seed_ = ctx.seed;
    sum_reward_ = sum_cost_ = 0.0;
    shown_cost_values_.resize(0);
    done_ = 0;
    stride_ = std::max(1LL, (static_cast<long long>(iterations_) + kLiveCurvePoints - 1) / kLiveCurvePoints);
    Expected<std::shared_ptr<const World>> w = e.world_for(ctx.seed, 0);
    if (!w.ok()) {
      problem_text_ = w.status().message();
      return;
    }
    world_ = w.value();
    ref_ = e.reference(*world_);
    if (!ref_.ok) {
      problem_text_ = "the exact CMDP LP found no optimum on this world";
      world_.reset();
      return;
    }
    const auto slot = [&](const char* id) -> int {
      const auto& m = e.p().methods;
      const auto it = std::find(m.begin(), m.end(), id);
      return it == m.end() ? -1 : static_cast<int>(it - m.begin());
    };
    last_slot_ = slot("primal_dual"), avg_slot_ = slot("primal_dual_avg"), pid_slot_ = slot("pid");
    if (last_slot_ >= 0 || avg_slot_ >= 0) plain_ = std::make_unique<PrimalDual>(world_->mdp, ref_.budget, lagrangian_settings(e.p(), false));
    if (pid_slot_ >= 0) pid_ = std::make_unique<PrimalDual>(world_->mdp, ref_.budget, lagrangian_settings(e.p(), true));
    if (!plain_ && !pid_) {
      problem_text_ = "the live view runs the Lagrangian learners (primal-dual, averaged, PID); select one. StepMix, EpsMix, UCBVI and the "
                      "baseline are in the Runs tab.";
      world_.reset();
      return;
    }
    problem_text_.clear();
    // Curves: last iterate, average, PID (each only when selected): reward, cost, λ.
    if (last_slot_ >= 0) series_.push_back({"primal_dual", static_cast<size_t>(last_slot_), {}, {}, {}});
    if (avg_slot_ >= 0) series_.push_back({"primal_dual_avg", static_cast<size_t>(avg_slot_), {}, {}, {}});
    if (pid_slot_ >= 0) series_.push_back({"pid", static_cast<size_t>(pid_slot_), {}, {}, {}});
  }
  bool animates() const override { return true; }
  bool finished() const override { return !world_ || done_ >= iterations_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "iteration %d / %d", done_, iterations_);
    return s;
  }
  double steps_done() const override { return done_; }
  double steps_total() const override { return iterations_; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      LagrangianIterate plain, pid;
      if (plain_) plain = lagrangian_iteration(*plain_, world_->mdp, samples_, seed_, 0, static_cast<uint32_t>(done_));
      if (pid_) pid = lagrangian_iteration(*pid_, world_->mdp, samples_, seed_, 0, static_cast<uint32_t>(done_));
      ++done_;
      sum_reward_ += plain.reward, sum_cost_ += plain.cost;
      shown_cost_values_ = plain_ ? std::move(plain.cost_values) : std::move(pid.cost_values);
      if (done_ % stride_ != 0 && done_ != iterations_) continue;
      ks_.push_back(done_);
      for (ConstrainedSeries& s : series_) {
        if (s.id == "primal_dual") s.push(plain.reward, plain.cost, plain_->lambda());
        if (s.id == "primal_dual_avg") s.push(sum_reward_ / done_, sum_cost_ / done_, plain_->lambda());
        if (s.id == "pid") s.push(pid.reward, pid.cost, pid_->lambda());
      }
    }
  }

  void draw(ui::ViewContext& ctx) override {
    ParamSet& params = ctx.experiment.params();
    draw_edit_world_button(editor_, editor_dismissed_, params);
    if (editor_.open()) editor_.draw_toolbar(params, world_.get());
    if (!world_) {
      ImGui::TextWrapped("No live run: %s", problem_text_.c_str());
      return;
    }
    // The headline's numbers: λ* and the current λ_k (λ = 0 is the projection when the cost is under budget).
    std::vector<std::pair<std::string, std::string>> rows{{"λ* (LP)", live_number(ref_.lambda)}};
    if (plain_) rows.push_back({"λ_k primal_dual", live_number(plain_->lambda())});
    if (pid_) rows.push_back({"λ_k pid", live_number(pid_->lambda())});
    ui::readout_table("##constrained", rows, 3);
    build_figure();
    const bool has_map = figure_.plots.size() == 4;
    if (editor_.open()) {  // the painted grid next to the policy on it (the cost curve on other worlds)
      ui::PlotGrid grid(2, 0);
      editor_.draw_canvas(params, grid.cell(0));
      ui::draw_plot(has_map ? "map" : "cost", figure_.plots[has_map ? 3 : 1], grid.cell(1));
      grid.end();
      return;
    }
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), 0);
    ui::draw_plot("lambda", figure_.plots[0], grid.cell(0));
    ui::draw_plot("cost", figure_.plots[1], grid.cell(1));
    ui::draw_plot("reward", figure_.plots[2], grid.cell(2));
    if (has_map) ui::draw_plot("map", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  struct ConstrainedSeries {
    std::string id;
    size_t slot;
    std::vector<double> reward, cost, lambda;  // (recorded iterations)
    void push(double r, double c, double l) {
      reward.push_back(r), cost.push_back(c), lambda.push_back(l);
    }
  };

  plot::Plot iteration_plot(const std::string& title, const std::string& y_label) const {
    plot::Plot p;
    p.title = title;
    p.x = {"iteration k", plot::Scale::Linear};
    p.x.cover_lo = 0, p.x.cover_hi = iterations_;
    p.y = {y_label, plot::Scale::Linear};
    return p;
  }

  // The last iterate π_k (plain primal-dual, else PID) over its cost-to-go V_c^{π_k}(s) (π_0, uniform,
  // over zeros before the first iteration).
  plot::Plot cost_map() const {
    const PrimalDual& shown = plain_ ? *plain_ : *pid_;
    const Mdp& m = world_->mdp;
    GridPlotInput in;
    in.mdp = &m;
    in.layout = &world_->layout;
    in.state_values.assign(static_cast<size_t>(m.states), 0.0);
    if (shown_cost_values_.size() == m.states) in.state_values.assign(shown_cost_values_.data(), shown_cost_values_.data() + m.states);
    in.policy = &shown.policy();
    in.title = std::string(plain_ ? "primal_dual" : "pid") + ": π_k (rays) over its cost-to-go V_c^{π_k}(s); H: hazards";
    in.value_label = "V_c^{π_k}(s)";
    in.vmin = 0.0;
    plot::Plot p = grid_plot(in);
    const GridLayout& g = world_->layout;
    for (int cell = 0; cell < g.rows * g.cols; ++cell)
      if (g.cell[static_cast<size_t>(cell)] == 'H') p.annotations.push_back({cell % g.cols + 0.5, g.rows - cell / g.cols - 0.5, "H"});
    return p;
  }

  void build_figure() {
    plot::Plot cost = iteration_plot("Cost V_c(ρ; π_k) against the budget b, run 1", "V_c(ρ)");
    plot::Plot lambda = iteration_plot("Lagrange multiplier λ_k", "λ");
    plot::Plot reward = iteration_plot("Reward V_r(ρ; π_k) against the CMDP optimum (LP)", "V_r(ρ)");
    for (const ConstrainedSeries& s : series_) {
      cost.lines.push_back(live_curve(s.id, s.slot, ks_, s.cost));
      reward.lines.push_back(live_curve(s.id, s.slot, ks_, s.reward));
      if (s.id != "primal_dual_avg") lambda.lines.push_back(live_curve(s.id, s.slot, ks_, s.lambda));  // the average has the plain λ
    }
    cost.guides.push_back(reference_guide("budget b = " + live_number(ref_.budget), ref_.budget));
    lambda.guides.push_back(reference_guide("λ* (LP dual) = " + live_number(ref_.lambda), ref_.lambda));
    reward.guides.push_back(reference_guide("LP optimum " + live_number(ref_.reward) + (ref_.randomised_states ? " (randomised)" : ""), ref_.reward));
    figure_.title = "mdp.constrained on " + world_->name + ", run 1";
    figure_.plots = {lambda, cost, reward};  // λ_k is the headline: the Look-for line is about it
    if (world_->layout.rows > 0) figure_.plots.push_back(cost_map());
    figure_.headline = 0;
  }

  std::shared_ptr<const World> world_;
  std::string problem_text_;
  CmdpReference ref_;
  std::unique_ptr<PrimalDual> plain_, pid_;
  int last_slot_ = -1, avg_slot_ = -1, pid_slot_ = -1;
  std::vector<ConstrainedSeries> series_;
  std::vector<double> ks_;
  Eigen::VectorXd shown_cost_values_;  // (S) V_c^{π_k}(s) of the policy the map shows
  double sum_reward_ = 0.0, sum_cost_ = 0.0;
  int iterations_ = 0, samples_ = 0, done_ = 0;
  long long stride_ = 1;
  uint64_t seed_ = 0;
  WorldEditor editor_;
  bool editor_dismissed_ = false;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_learning_view() { return std::make_unique<LearningView>(); }
std::unique_ptr<ui::DemoView> make_constrained_view() { return std::make_unique<ConstrainedView>(); }

}  // namespace klab::mdp
