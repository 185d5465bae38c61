// The alignment chapter's live views: widgets and plots only. Every number comes from the chapter's
// trainers (the classes the batch runs and the claim tests drive) and alignment/live.hpp.
#include "alignment/panels.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "alignment/closed_form.hpp"
#include "alignment/constrained_experiment.hpp"
#include "alignment/figures.hpp"
#include "alignment/live.hpp"
#include "alignment/online_experiment.hpp"
#include "alignment/overopt_experiment.hpp"
#include "alignment/softmax.hpp"
#include "alignment/unlearning_experiment.hpp"
#include "core/plot_scale.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::alignment {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kFrameBudget = 0.010;  // seconds of training per frame, so the page keeps 60 FPS

std::string num(double v) { return plot::format_number(v); }

plot::Line history_line(const std::string& name, const std::vector<double>& x, const std::vector<double>& y, Rgba c,
                        bool dashed = false) {
  plot::Line l;
  l.name = name;
  l.x = x;
  l.y = y;
  l.color = c;
  l.dash = dashed ? plot::Dash::Dashed : plot::Dash::Solid;
  return l;
}
// Method i's curve: its series colour and, from the 11th method on, its dash pattern.
plot::Line history_line(const std::string& name, const std::vector<double>& x, const std::vector<double>& y, size_t i) {
  plot::Line l = history_line(name, x, y, series_color(i));
  l.dash = plot::series_dash(i);
  return l;
}

// A view that trains run 0 of its experiment live: the trainer steps under a time budget per frame.
template <class Trainer, class Exp>
class TrainerView : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    const Exp& e = static_cast<const Exp&>(ctx.experiment);
    trainer_ = std::make_unique<Trainer>(e.p(), ctx.seed, 0);
    total_ = total_steps(e);
    names_ = e.p().methods;
    on_reset(e);
  }
  bool animates() const override { return true; }
  bool finished() const override { return !trainer_ || trainer_->steps_done() >= total_; }
  double steps_done() const override { return trainer_ ? static_cast<double>(trainer_->steps_done()) : 0.0; }
  double steps_total() const override { return static_cast<double>(total_); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "step %lld / %lld", trainer_ ? trainer_->steps_done() : 0LL, total_);
    return s;
  }
  void advance(const ui::ViewContext&, int steps) override {
    const auto t0 = Clock::now();
    for (int i = 0; i < steps && !finished(); ++i) {
      trainer_->step();
      on_step();
      if (std::chrono::duration<double>(Clock::now() - t0).count() > kFrameBudget) break;
    }
  }

 protected:
  virtual long long total_steps(const Exp& e) const = 0;
  virtual void on_reset(const Exp& e) {}
  virtual void on_step() {}

  // Tracked quantity `k` of every method over the live run: one line per method.
  plot::Plot history_plot(const History& h, size_t k, const std::string& title, const std::string& x_label,
                          plot::Scale scale = plot::Scale::Linear) const {
    plot::Plot p;
    p.title = title;
    p.x = {x_label};
    p.x.cover_lo = 0, p.x.cover_hi = static_cast<double>(total_);  // the whole run's axis from the start
    p.y = {"", scale};
    for (size_t i = 0; i < h.methods(); ++i)
      p.lines.push_back(history_line(names_[i], h.steps(), h.values(i, k), i));
    return p;
  }

  // The index of method `id` among the compared ones (0 if it is not compared).
  size_t method_index(const std::string& id) const {
    const auto it = std::find(names_.begin(), names_.end(), id);
    return it == names_.end() ? 0 : static_cast<size_t>(it - names_.begin());
  }
  bool compared(const std::string& id) const { return std::find(names_.begin(), names_.end(), id) != names_.end(); }

  std::unique_ptr<Trainer> trainer_;
  long long total_ = 0;
  std::vector<std::string> names_;
};

// The responses 1..K of a prompt as a categorical axis.
plot::Axis response_axis(int k) {
  std::vector<std::string> names;
  for (int y = 0; y < k; ++y) names.push_back("y" + std::to_string(y + 1));
  return plot::category_axis("response", names);
}

// A prompt selector (1-based) for views that track the first `count` prompts.
void prompt_slider(int* prompt, int count) {
  if (count <= 1) {
    *prompt = 1;
    return;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderInt("prompt", prompt, 1, count, "prompt %d");
  *prompt = std::clamp(*prompt, 1, count);
}

// ---------------------------------------------------------------------------------------------
// alignment.offline: the simplex with paths and the loss field, the reward–KL frontier, curves.
class OfflineView final : public TrainerView<OfflineTrainer, OfflineExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    const World& w = trainer_->world();
    const bool simplex = w.K == 3;
    // Controls: which prompt is drawn, which loss's field is shown.
    int shown = prompt_ + 1;
    prompt_slider(&shown, simplex ? history_.tracked_prompts() : w.P);
    if (shown - 1 != prompt_) field_dirty_ = true;
    prompt_ = shown - 1;
    if (simplex) {
      ui::same_line_if_fits(ImGui::GetFontSize() * 14);
      const auto& ids = offline_method_ids();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
      if (ImGui::BeginCombo("field of", ids[static_cast<size_t>(field_loss_)].c_str())) {
        for (size_t i = 0; i < ids.size(); ++i)
          if (ImGui::Selectable(ids[i].c_str(), static_cast<int>(i) == field_loss_)) {
            field_loss_ = static_cast<int>(i);
            field_dirty_ = true;
          }
        ImGui::EndCombo();
      }
      ui::same_line_if_fits(ImGui::CalcTextSize("the gradient-descent flow of this loss").x);
      ImGui::TextDisabled("the gradient-descent flow of this loss");
    }
    if (simplex && field_dirty_) {
      field_ = offline_field(*trainer_, prompt_, static_cast<Method>(field_loss_), 0);
      field_dirty_ = false;
    }
    figure_.title = "Offline preference optimisation (live run 0)";
    figure_.plots.clear();
    figure_.plots.push_back(simplex ? offline_simplex(*trainer_, history_, prompt_, names_, &field_) : bars());
    if (simplex) {
      const Eigen::Vector3d star = row3(trainer_->optimum(), prompt_);
      const auto xy = plot::simplex_xy(star[0], star[1], star[2]);
      figure_.plots[0].annotations.push_back({xy[0], xy[1], "π*_β: where DPO on population data ends"});
    }
    figure_.plots.push_back(frontier());
    figure_.plots.push_back(curve(kOffKlOpt, "KL(π‖π*_β)", plot::Scale::Log));
    plot::Plot lp = curve(kOffChosen, "Chosen (solid) and rejected (dashed) ln π - ln π_ref", plot::Scale::Linear);
    for (size_t i = 0; i < history_.methods(); ++i) {
      lp.lines.push_back(history_line("", history_.steps(), history_.values(i, kOffRejected), series_color(i), true));
      lp.lines.back().group = names_[i];  // highlighted and hidden with its method
    }
    figure_.plots.push_back(lp);
    figure_.columns = 2;
    ui::draw_figure("offline", figure_);
  }

 private:
  long long total_steps(const OfflineExperiment& e) const override { return e.p().steps; }
  void on_reset(const OfflineExperiment& e) override {
    history_ = offline_history(*trainer_);
    frontier_ = reward_kl_frontier(trainer_->world(), e.p().beta);
    prompt_ = std::clamp(prompt_, 0, std::max(0, trainer_->world().P - 1));
    field_dirty_ = true;
  }
  void on_step() override {
    if (history_.wants(trainer_->steps_done(), total_)) record_offline_history(*trainer_, history_);
  }

  plot::Plot curve(int metric, const std::string& title, plot::Scale scale) const {
    plot::Plot p = history_plot(history_, static_cast<size_t>(metric), title, "step", scale);
    for (plot::Line& l : p.lines) l.dash = offline_dash(l.name);
    return p;
  }
  plot::Plot frontier() const {
    plot::Plot p = frontier_;
    for (size_t i = 0; i < history_.methods(); ++i) {
      plot::Line l = history_line(names_[i], history_.values(i, kOffKlRef), history_.values(i, kOffGold), i);
      if (!l.x.empty()) p.points.push_back({"", {l.x.back()}, {l.y.back()}, series_color(i), 4.5f});
      p.lines.push_back(std::move(l));
    }
    return p;
  }
  // K > 3: each method's π(·|x) against π*_β over the responses.
  plot::Plot bars() const {
    plot::Plot p;
    const int x = std::min(prompt_, trainer_->world().P - 1);
    p.title = "Prompt " + std::to_string(x + 1) + ": π(y|x) of each method and π*_β (dashed)";
    p.x = response_axis(static_cast<int>(trainer_->logp(0).cols()));
    p.y = {"probability", plot::Scale::Linear, 0.0, plot::kAuto};
    auto row = [&](const MatrixXd& lp) {
      std::vector<double> ys, ps;
      for (int y = 0; y < lp.cols(); ++y) ys.push_back(y + 1), ps.push_back(std::exp(lp(x, y)));
      return std::make_pair(ys, ps);
    };
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const auto r = row(trainer_->logp(i));
      p.lines.push_back(history_line(names_[i], r.first, r.second, i));
    }
    const auto r = row(trainer_->optimum());
    p.lines.push_back(history_line("π*_β", r.first, r.second, kOptimumColor, true));
    return p;
  }

  History history_;
  plot::Plot frontier_;
  SimplexField field_;
  bool field_dirty_ = true;
  int prompt_ = 0;
  int field_loss_ = 0;
};

// ---------------------------------------------------------------------------------------------
// alignment.online: curves of the live run.
class OnlineView final : public TrainerView<OnlineTrainer, OnlineExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    figure_.title = "Online data (live run 0)";
    const char* titles[] = {"Gold reward E_π[r*]", "KL(π‖π_ref)", "KL(π‖π*_β)", "Probability of responses never seen offline"};
    figure_.plots.clear();
    for (size_t k = 0; k < 4; ++k)
      figure_.plots.push_back(history_plot(history_, k, titles[k], "step", k == 2 ? plot::Scale::Log : plot::Scale::Linear));
    figure_.plots[0].guides.push_back({false, optimum_gold_, "π*_β", kReferenceColor, true});
    figure_.plots[0].annotations.push_back({0.7 * static_cast<double>(total_), optimum_gold_, "π*_β: the best KL-regularised policy"});
    figure_.columns = 2;
    ui::draw_figure("online", figure_);
  }

 private:
  long long total_steps(const OnlineExperiment& e) const override { return e.p().steps; }
  void on_reset(const OnlineExperiment&) override {
    history_ = History(trainer_->size(), 4, 0);
    optimum_gold_ = mean_expectation(trainer_->optimum(), trainer_->world().gold);
    record();
  }
  void on_step() override {
    if (history_.wants(trainer_->steps_done(), total_)) record();
  }
  void record() {
    std::vector<std::vector<double>> v(trainer_->size());
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const PolicyStats s = trainer_->stats(i);
      v[i] = {s.gold_reward, s.kl_ref, s.kl_opt, trainer_->uncovered_mass(i)};
    }
    history_.push(trainer_->steps_done(), v, std::vector<std::vector<Eigen::Vector3d>>(trainer_->size()));
  }

  History history_;
  double optimum_gold_ = 0;
};

// ---------------------------------------------------------------------------------------------
// alignment.unlearning: forget likelihood, utility, distance to the oracle and the trade-off path.
class UnlearnView final : public TrainerView<UnlearnTrainer, UnlearnExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    figure_.title = "Unlearning (live run 0)";
    const char* titles[] = {"Forget set: mean ln π(y|x)", "Utility: retain ln-likelihood minus π_0's",
                            "KL(π_retrain‖π) on the forget prompts"};
    figure_.plots.clear();
    for (const size_t k : {size_t{1}, size_t{0}, size_t{2}})  // utility first: the headline, the callout's claim
      figure_.plots.push_back(history_plot(history_, k, titles[k], "step", k == 2 ? plot::Scale::Log : plot::Scale::Linear));
    plot::Plot phase;
    phase.title = "Trade-off: utility against forget NLL (paths)";
    phase.x = {"forget NLL  -mean ln π", plot::Scale::Log};  // GA's runs to hundreds, NPO's stays near a few
    phase.y = {"utility"};
    for (size_t i = 0; i < history_.methods(); ++i) {
      std::vector<double> nll = history_.values(i, 0);
      for (double& v : nll) v = -v;
      phase.lines.push_back(history_line(names_[i], nll, history_.values(i, 1), i));
    }
    figure_.plots.push_back(phase);
    const bool npo = compared("npo");
    if (!history_.steps().empty() && npo)
      figure_.plots[0].annotations.push_back({history_.steps().back(), history_.values(method_index("npo"), 1).back(),
                                              compared("ga") ? "npo levels off; ga's utility collapses" : "npo: utility levels off"});
    figure_.columns = 2;
    ui::draw_figure("unlearning", figure_);
  }

 private:
  long long total_steps(const UnlearnExperiment& e) const override { return e.p().steps; }
  void on_reset(const UnlearnExperiment&) override {
    history_ = History(trainer_->size(), 4, 0);
    record();
  }
  void on_step() override {
    if (history_.wants(trainer_->steps_done(), total_)) record();
  }
  void record() {
    std::vector<std::vector<double>> v(trainer_->size());
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const auto m = trainer_->metrics(i);
      v[i] = {m[0], m[1], m[2], m[3]};
    }
    history_.push(trainer_->steps_done(), v, std::vector<std::vector<Eigen::Vector3d>>(trainer_->size()));
  }

  History history_;
};

// ---------------------------------------------------------------------------------------------
// alignment.nash: paths on the simplex over the duality-gap landscape, gap and win rate curves.
class NashView final : public TrainerView<NashTrainer, NashExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    const bool simplex = trainer_->world().K == 3;
    int shown = prompt_ + 1;
    prompt_slider(&shown, simplex ? history_.tracked_prompts() : trainer_->world().P);
    if (shown - 1 != prompt_) landscape_dirty_ = true;
    prompt_ = shown - 1;
    if (simplex && landscape_dirty_) {
      landscape_ = nash_gap_landscape(*trainer_, prompt_);
      landscape_dirty_ = false;
    }
    figure_.title = "Nash alignment (live run 0)";
    figure_.plots.clear();
    figure_.plots.push_back(simplex ? nash_simplex(*trainer_, history_, prompt_, names_, &landscape_) : bars());
    if (simplex) {
      const VectorXd& n = trainer_->nash(prompt_);
      const auto xy = plot::simplex_xy(n[0], n[1], n[2]);
      figure_.plots[0].annotations.push_back({xy[0], xy[1], "π_N: the Nash (minimax) policy"});
    }
    const std::string titles[] = {"Duality gap (τ-regularised game)", "Win rate against π_N: P(π ≻ π_N)",
                                  kl_nash_title(trainer_->nash_full_support())};
    for (size_t k = 0; k < 3; ++k) {
      figure_.plots.push_back(history_plot(history_, k, titles[k], "iteration", k == 1 ? plot::Scale::Linear : plot::Scale::Log));
      for (plot::Line& l : figure_.plots.back().lines) l.dash = nash_dash(l.name);
      if (k == 1) figure_.plots.back().guides.push_back({false, 0.5, "½", kReferenceColor, true});
    }
    figure_.columns = 2;
    ui::draw_figure("nash", figure_);
  }

 private:
  long long total_steps(const NashExperiment& e) const override { return e.p().iterations; }
  void on_reset(const NashExperiment&) override {
    history_ = nash_history(*trainer_);
    prompt_ = std::clamp(prompt_, 0, std::max(0, trainer_->world().P - 1));
    landscape_dirty_ = true;
  }
  void on_step() override {
    if (history_.wants(trainer_->steps_done(), total_)) record_nash_history(*trainer_, history_);
  }
  plot::Plot bars() const {
    plot::Plot p;
    const int x = std::min(prompt_, trainer_->world().P - 1);
    p.title = "Prompt " + std::to_string(x + 1) + ": each method's policy and π_N (dashed)";
    p.x = response_axis(trainer_->world().K);
    p.y = {"probability", plot::Scale::Linear, 0.0, plot::kAuto};
    std::vector<double> ys;
    for (int y = 0; y < trainer_->world().K; ++y) ys.push_back(y + 1);
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const VectorXd pi = trainer_->policy(i, x);
      p.lines.push_back(history_line(names_[i], ys, std::vector<double>(pi.data(), pi.data() + pi.size()), i));
    }
    const VectorXd& n = trainer_->nash(x);
    p.lines.push_back(history_line("π_N", ys, std::vector<double>(n.data(), n.data() + n.size()), kOptimumColor, true));
    return p;
  }

  History history_;
  plot::Heatmap landscape_;
  bool landscape_dirty_ = true;
  int prompt_ = 0;
};

// ---------------------------------------------------------------------------------------------
// alignment.overoptimization: best-of-n and KL paths of every proxy objective, the Goodhart curve.
class OveroptView final : public TrainerView<OveroptTrainer, OveroptExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    figure_.title = "Reward over-optimisation (live run 0)";
    figure_.plots.clear();
    if (!trainer_->evaluated()) {
      ImGui::TextDisabled("fitting reward model %lld of %d…", trainer_->steps_done() + 1, members_);
      return;
    }
    plot::Plot gold, proxy, path, pg, kl = bon_kl_plot(ns_);
    gold.title = "Best-of-n: gold reward against its exact KL";
    gold.x = {"KL(BoN_n‖π_ref), exact"};
    proxy.title = "Best-of-n: proxy objective against its exact KL";
    proxy.x = {"KL(BoN_n‖π_ref), exact"};
    path.title = "π_β ∝ π_ref e^{R/β}: gold reward vs KL";
    path.x = {"KL(π_β‖π_ref)"};
    // The callout's Goodhart story is the single reward model's: its proxy (dashed) beside every gold
    // curve. The other objectives' proxies live on their own scales (wco's and uwo's are pessimistic,
    // below their gold) and are one click away.
    ImGui::Checkbox("every objective's proxy", &all_proxies_);
    pg.title = all_proxies_ || !compared("single") ? "Goodhart along the ascent: gold (solid), proxy (dashed); ● early stop"
                                                   : "Goodhart along the ascent: gold (solid), single's proxy (dashed); ● early stop";
    pg.x = {"step"};
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const auto& c = trainer_->curves(i);
      gold.lines.push_back(history_line(names_[i], c.bon_kl, c.bon_gold, i));
      proxy.lines.push_back(history_line(names_[i], c.bon_kl, c.bon_proxy, i));
      kl.lines.push_back(history_line(names_[i], ns_, c.bon_kl, i));
      path.lines.push_back(history_line(names_[i], c.path_kl, c.path_gold, i));
      pg.lines.push_back(history_line(names_[i], c.pg_step, c.pg_gold, i));
      if (all_proxies_ || names_[i] == "single") {
        pg.lines.push_back(history_line("", c.pg_step, c.pg_proxy, series_color(i), true));
        pg.lines.back().group = names_[i];
      }
      if (c.stop_step > 0)  // a stop at step 0 (the ascent never helped) has no point to mark
        pg.points.push_back({"", {static_cast<double>(c.stop_step)}, {c.stop_gold}, series_color(i), 6.0f, names_[i]});
    }
    pg.x.cover_lo = 0, pg.x.cover_hi = static_cast<double>(total_ - members_ - 1);
    figure_.plots = {gold, proxy, path, pg, kl};
    figure_.columns = 2;
    figure_.headline = 3;  // Goodhart: the proxy climbs while the gold reward falls
    ui::draw_figure("overopt", figure_);
  }

 private:
  long long total_steps(const OveroptExperiment& e) const override { return e.p().members + 1 + e.p().pg_steps; }
  void on_reset(const OveroptExperiment& e) override {
    ns_ = bon_grid(e.p().n_max);
    members_ = e.p().members;
  }
  std::vector<double> ns_;
  int members_ = 0;
  bool all_proxies_ = false;  // the Goodhart plot's dashed proxies: every objective's, or single's only
};

// ---------------------------------------------------------------------------------------------
// alignment.constrained: dual variable, constraint and reward against the exact optimum.
class ConstrainedView final : public TrainerView<ConstrainedTrainer, ConstrainedExperiment> {
 public:
  void draw(ui::ViewContext& ctx) override {
    if (!trainer_) reset(ctx);
    const ConstrainedProblem& pr = trainer_->problem();
    figure_.title = "Constrained alignment (live run 0)";
    figure_.plots.clear();
    const char* titles[] = {"Gold reward E_π[r*] (dashed: exact constrained optimum)", "Constraint slack E_π[g] - b",
                            "Dual variable λ (dashed: λ*)"};
    for (size_t k = 0; k < 3; ++k) figure_.plots.push_back(history_plot(history_, k, titles[k], "iteration"));
    figure_.plots[0].guides.push_back({false, pr.optimum.reward, "optimum", kReferenceColor, true});
    figure_.plots[1].guides.push_back({false, 0.0, "b", kReferenceColor, true});
    figure_.plots[2].guides.push_back({false, pr.optimum.lambda, "λ*", kReferenceColor, true});
    figure_.plots[0].annotations.push_back({0.7 * static_cast<double>(total_), pr.optimum.reward, "the exact constrained optimum"});
    figure_.plots.push_back(plane_);
    plot::Plot& plane = figure_.plots.back();
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const auto s = trainer_->state(i);
      plane.points.push_back({names_[i], {s[1] + pr.threshold}, {s[0]}, series_color(i), 5.0f});
    }
    figure_.columns = 2;
    if (ctx.runs) {
      // Trial outcomes over the Runs tab's runs, if any.
      const int v = ctx.runs->layout.find_final("violation");
      for (size_t s = 0; s < ctx.runs->layout.series.size() && v >= 0; ++s) {
        const RunningStat& st = ctx.runs->final_stat(s, static_cast<size_t>(v));
        if (!st.count()) continue;
        ImGui::Text("%s: returned an unsafe policy in %s of %llu runs (δ = %s)", ctx.runs->layout.series[s].c_str(),
                    num(st.mean()).c_str(), static_cast<unsigned long long>(st.count()), num(delta_).c_str());
        ImGui::SameLine();
      }
      ImGui::NewLine();
    }
    ui::draw_figure("constrained", figure_);
  }

 private:
  long long total_steps(const ConstrainedExperiment& e) const override { return e.p().iterations; }
  void on_reset(const ConstrainedExperiment& e) override {
    history_ = History(trainer_->size(), 3, 0);
    delta_ = e.p().delta;
    // The reward–utility plane: the family π_λ (the Lagrangian maximisers) with b and the optimum.
    const ConstrainedProblem& pr = trainer_->problem();
    const World& w = pr.world;
    plane_ = plot::Plot{};
    plane_.title = "Reward vs utility: the π_λ family (dashed), b, optimum (★)";
    plane_.x = {"E_π[g]"};
    plane_.y = {"E_π[r*]"};
    plot::Line fam = plot::reference_line("π_λ, λ ≥ 0");
    fam.color = kReferenceColor;
    for (int i = 0; i <= 60; ++i) {
      const double lambda = std::pow(10.0, -2.0 + 4.0 * i / 60.0) - 0.01;
      const MatrixXd lp = tilted_logp(w.ref_logp, w.gold + lambda * pr.utility, e.p().beta);
      fam.x.push_back(mean_expectation(lp, pr.utility));
      fam.y.push_back(mean_expectation(lp, w.gold));
    }
    plane_.lines.push_back(fam);
    plane_.guides.push_back({true, pr.threshold, "b", {0.9f, 0.5f, 0.4f, 1}, true});
    add_optimum_marker(plane_, "optimum", pr.optimum.utility, pr.optimum.reward);
    record();
  }
  void on_step() override {
    if (history_.wants(trainer_->steps_done(), total_)) record();
  }
  void record() {
    std::vector<std::vector<double>> v(trainer_->size());
    for (size_t i = 0; i < trainer_->size(); ++i) {
      const auto s = trainer_->state(i);
      v[i] = {s[0], s[1], s[2]};
    }
    history_.push(trainer_->steps_done(), v, std::vector<std::vector<Eigen::Vector3d>>(trainer_->size()));
  }

  History history_;
  plot::Plot plane_;
  double delta_ = 0.1;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "alignment.offline") return std::make_unique<OfflineView>();
  if (demo_id == "alignment.online") return std::make_unique<OnlineView>();
  if (demo_id == "alignment.unlearning") return std::make_unique<UnlearnView>();
  if (demo_id == "alignment.nash") return std::make_unique<NashView>();
  if (demo_id == "alignment.overoptimization") return std::make_unique<OveroptView>();
  if (demo_id == "alignment.constrained") return std::make_unique<ConstrainedView>();
  return nullptr;
}

}  // namespace klab::alignment
