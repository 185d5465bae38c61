// The diffusion chapter's live views: widgets and plots only (each with the data-mixture editor,
// mixture_editor.hpp, above its plots); every number comes from the
// chapter's experiment code (SamplersRun, TsmcRun, ConstrainedRun, FederatedRun: the same code the CLI and the tests run).
#include "diffusion/panels.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "diffusion/constrained_experiment.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/mixture_editor.hpp"
#include "diffusion/mixture_text.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/tsmc_experiment.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::diffusion {
namespace {

constexpr size_t kMaxCloudPoints = 20000;  // particles drawn per cloud
constexpr int kHeatmapCells = 128;

std::string num(double v) { return plot::format_number(v); }

size_t index_of(const std::vector<std::string>& ids, const std::string& id, size_t fallback) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? fallback : static_cast<size_t>(it - ids.begin());
}

// ---------------------------------------------------------------------------------------------
// diffusion.samplers: a film of two samplers at one NFE budget, from noise at t = 1 to data at
// t_end, over the exact noised density p_t (the headline), with their trajectories and the score
// field at t on request; beside it run 1's quality against NFE, its cells computed as the film plays
// (all of them by its end). The film's particles are recorded by the solvers' own step code
// (SamplersRun::paths: the first particles of the cell, from the cell's noise), so its last frame
// is the cell's samples.
constexpr int kFilmFrames = 240;          // view steps from t = 1 to t_end, uniform in λ = log(α/σ)
constexpr size_t kFilmParticles = 2000;   // particles per film (the first ones of the cell)
constexpr size_t kFilmStates = 2000000;   // particles × recorded states per film, at most (32 MB)
constexpr size_t kFilmTrajectories = 48;  // paths drawn by the "trajectories" toggle
constexpr int kFilmHeatCells = 80;        // p_t's heatmap, recomputed when t moves (6,400 densities a film frame)
constexpr int kScoreGrid = 15;            // the score field's arrows: kScoreGrid² lattice points

// One sampler's recorded paths and the λ of their states (increasing along the steps).
struct SamplerFilm {
  Paths paths;
  std::vector<double> lambda;
};

class SamplersView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    frame_ = 0;
    // A replay of the same parameters and seed restarts the film; the run's cells are kept.
    const uint64_t version = ctx.experiment.params().version();
    if (run_ && version == version_ && ctx.seed == seed_) return;
    version_ = version;
    seed_ = ctx.seed;
    auto& e = static_cast<const SamplersExperiment&>(ctx.experiment);
    params_ = e.p();
    schedule_ = samplers_schedule(params_);
    budgets_ = nfe_budgets(params_);
    run_ = std::make_unique<SamplersRun>(params_, ctx.seed, 0);
    box_ = view_box(run_->mixture());
    // The story's pair: DDIM against DPM-Solver++ 2M at 10 NFE (or the nearest budget run).
    left_ = index_of(params_.solvers, "ddim", 0);
    right_ = index_of(params_.solvers, "dpmpp_2m", params_.solvers.size() - 1);
    nfe_ = 0;
    for (size_t k = 0; k < budgets_.size(); ++k)
      if (std::fabs(budgets_[k] - 10.0) < std::fabs(budgets_[nfe_] - 10.0)) nfe_ = k;
    films_for_ = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    heat_frame_ = -1;
  }
  bool animates() const override { return true; }
  bool finished() const override { return frame_ >= kFilmFrames && run_->done(); }
  std::string status() const override {
    char s[96];
    std::snprintf(s, sizeof s, "t = %.3g, cells %zu / %zu", run_ ? film_t() : 1.0, run_ ? run_->next_cell() : 0, run_ ? run_->cells() : 0);
    return s;
  }
  double steps_done() const override { return static_cast<double>(frame_); }
  double steps_total() const override { return kFilmFrames; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      if (frame_ < kFilmFrames) ++frame_;
      // The cells keep pace with the film (all done by its end); past its end, one cell a step.
      const size_t cells = run_->cells(), frames = kFilmFrames;
      const size_t due = frame_ < kFilmFrames ? (cells * static_cast<size_t>(frame_) + frames - 1) / frames : run_->next_cell() + 1;
      while (!run_->done() && run_->next_cell() < due) run_->step();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    controls();
    record_films();
    refresh_field();
    std::vector<std::pair<std::string, std::string>> rows;
    const size_t k = nfe_;
    for (size_t s : {left_, right_}) {
      const double d = run_->metric(s, k, kDiscError);
      rows.push_back({params_.solvers[s] + " ‖x̂ − x*‖ at " + num(budgets_[k]) + " NFE", std::isnan(d) ? "–" : num(d)});
    }
    rows.push_back({"sW2 noise floor (exact samples)", num(run_->floor(kW2))});
    ui::readout_table("##samplers", rows, 3);
    usf_table();
    figure_.title = "diffusion.samplers, run 1";
    figure_.plots = {film_plot(0), film_plot(1),
                     run_quality_plot(*run_, params_, kDiscError, "Discretisation error vs NFE (same noise, exact score)", "mean ‖x̂ − x*‖"),
                     run_quality_plot(*run_, params_, kW2, "Sliced W2 to exact samples: the noise floor hides solvers", "sW2")};
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("left", figure_.plots[0], grid.cell(0));
    ui::draw_plot("right", figure_.plots[1], grid.cell(1));
    ui::draw_plot("disc", figure_.plots[2], grid.cell(2));
    ui::draw_plot("w2", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  // The film's clock: frame f at λ uniform between λ(1) and λ(t_end).
  double film_lambda(int frame) const {
    const double l0 = schedule_.lambda(1.0), l1 = schedule_.lambda(schedule_.t_end);
    return l0 + (l1 - l0) * frame / kFilmFrames;
  }
  double film_t() const { return frame_ >= kFilmFrames ? schedule_.t_end : frame_ <= 0 ? 1.0 : schedule_.t_of_lambda(film_lambda(frame_)); }

  // The films of the chosen samplers at the chosen budget, recorded when the choice changes.
  void record_films() {
    const std::array<size_t, 3> chosen{left_, right_, nfe_};
    if (chosen == films_for_) return;
    films_for_ = chosen;
    const size_t states = static_cast<size_t>(budgets_[nfe_]) + 1;  // at most: NFE steps + 1
    const size_t count = std::max<size_t>(1, std::min(kFilmParticles, kFilmStates / states));
    for (int side = 0; side < 2; ++side) {
      SamplerFilm& f = films_[side];
      f.paths = run_->paths(side == 0 ? left_ : right_, nfe_, count);
      f.lambda.clear();
      for (double t : f.paths.times) f.lambda.push_back(schedule_.lambda(t));
    }
  }

  // p_t's heatmap and score arrows at the film's t (recomputed when the frame moves).
  void refresh_field() {
    if (heat_frame_ == frame_) return;
    heat_frame_ = frame_;
    const double t = film_t();
    const Marginal pt = marginal_at(run_->mixture(), schedule_, t);
    heat_ = density_heatmap(pt, box_, kFilmHeatCells, "p_t(x), the exact noised marginal");
    arrows_ = score_arrows(pt, box_, kScoreGrid, Rgba{1.0f, 1.0f, 1.0f, 0.8f});
  }

  // Side 0 or 1's particles at the film's λ: on the chord between the states of the two steps
  // around it (the solver computes the steps only; between them the cloud is interpolated in λ).
  Particles film_cloud(const SamplerFilm& f) const {
    const double lam = film_lambda(frame_);
    const std::vector<double>& l = f.lambda;
    size_t i = 0;
    while (i + 2 < l.size() && l[i + 1] <= lam) ++i;
    const double u = frame_ >= kFilmFrames ? 1.0 : std::clamp((lam - l[i]) / (l[i + 1] - l[i]), 0.0, 1.0);
    const size_t states = f.paths.states();
    Particles c;
    for (size_t j = 0; j < f.paths.count; ++j) {
      const size_t a = j * states + i;
      c.x.push_back((1 - u) * f.paths.x[a] + u * f.paths.x[a + 1]);
      c.y.push_back((1 - u) * f.paths.y[a] + u * f.paths.y[a + 1]);
    }
    return c;
  }

  plot::Plot film_plot(int side) const {
    const SamplerFilm& f = films_[side];
    const size_t s = side == 0 ? left_ : right_;
    const size_t steps = f.paths.states() - 1;
    size_t done = 0;  // steps the solver has completed at the film's t
    while (done < steps && f.lambda[done + 1] <= film_lambda(frame_) + 1e-12) ++done;
    char when[96];
    std::snprintf(when, sizeof when, " at t = %.3g (step %zu of %zu)", film_t(), frame_ >= kFilmFrames ? steps : done, steps);
    plot::Plot p = cloud_plot(heat_, box_, film_cloud(f), kFilmParticles, params_.solvers[s] + ", " + num(budgets_[nfe_]) + " NFE" + when + " over p_t",
                              params_.solvers[s], s);
    if (show_paths_) {
      plot::Line l;
      l.name = params_.solvers[s];
      l.color = palette(s);
      l.color.a = 0.55f;
      l.width = 1.0f;
      const size_t states = f.paths.states();
      for (size_t j = 0; j < std::min(kFilmTrajectories, f.paths.count); ++j) {
        l.x.insert(l.x.end(), f.paths.x.begin() + static_cast<long>(j * states), f.paths.x.begin() + static_cast<long>((j + 1) * states));
        l.y.insert(l.y.end(), f.paths.y.begin() + static_cast<long>(j * states), f.paths.y.begin() + static_cast<long>((j + 1) * states));
        l.x.push_back(__builtin_nan(""));
        l.y.push_back(__builtin_nan(""));
      }
      p.lines.push_back(l);
    }
    if (show_score_) p.lines.push_back(arrows_);
    return p;
  }

  // The USF plan run 1 found at the chosen budget (searched on first display): its time grid and,
  // per run of consecutive steps with one strategy, the steps' times, order and prediction.
  void usf_table() {
    const size_t u = index_of(params_.solvers, "usf", SIZE_MAX);
    if (u == SIZE_MAX) return;
    const UsfSearch& r = run_->usf(nfe_);
    const std::string head = "USF plan searched at " + num(budgets_[nfe_]) + " NFE (run 1)";
    if (!ImGui::CollapsingHeader((head + "##usf").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
    const std::vector<double> t = usf_time_grid(schedule_, r.plan.blend, r.plan.power, static_cast<int>(r.plan.steps.size()));
    std::vector<std::pair<std::string, std::string>> rows;
    rows.push_back({"time grid", "blend " + num(r.plan.blend) + " (0: t-uniform, 1: λ-uniform), power " + num(r.plan.power)});
    rows.push_back({"search batch ‖x̂ − x*‖", num(r.error) + " (DPM-Solver++ 2M: " + num(r.start_error) + ", " + std::to_string(r.candidates) + " plans tried)"});
    for (size_t i = 0; i < r.plan.steps.size();) {
      size_t j = i;
      while (j + 1 < r.plan.steps.size() && r.plan.steps[j + 1].order == r.plan.steps[i].order && r.plan.steps[j + 1].noise == r.plan.steps[i].noise) ++j;
      const std::string steps = i == j ? "step " + std::to_string(i + 1) : "steps " + std::to_string(i + 1) + "–" + std::to_string(j + 1);
      rows.push_back({steps + ": t " + num(t[i]) + " → " + num(t[j + 1]),
                      "order " + std::to_string(r.plan.steps[i].order) + ", " + (r.plan.steps[i].noise ? "ε̂ (noise)" : "x̂₀ (data)")});
      i = j + 1;
    }
    ui::readout_table("##usf", rows, 2);
  }

  void combo(const char* label, const std::vector<std::string>& items, size_t* chosen) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::BeginCombo(label, items[*chosen].c_str())) {
      for (size_t i = 0; i < items.size(); ++i)
        if (ImGui::Selectable(items[i].c_str(), i == *chosen)) *chosen = i;
      ImGui::EndCombo();
    }
  }

  void controls() {
    std::vector<std::string> labels;
    for (double k : budgets_) labels.push_back(num(k) + " NFE");
    combo("left", params_.solvers, &left_);
    ui::same_line_if_fits(ImGui::GetFontSize() * 13);
    combo("right", params_.solvers, &right_);
    ui::same_line_if_fits(ImGui::GetFontSize() * 14);
    combo("budget", labels, &nfe_);
    // The film's clock as a slider in t (uniform in λ, as the film plays): noise at the left.
    const float fs = ImGui::GetFontSize();
    ui::same_line_if_fits(fs * 16);
    float at = static_cast<float>(frame_) / kFilmFrames;
    char label[64];
    std::snprintf(label, sizeof label, "t = %.3g (λ = %.2f)", film_t(), film_lambda(frame_));
    ImGui::SetNextItemWidth(fs * 12);
    if (ImGui::SliderFloat("##film t", &at, 0.0f, 1.0f, label, ImGuiSliderFlags_AlwaysClamp))
      frame_ = static_cast<int>(std::lround(at * kFilmFrames));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Diffusion time t from 1 (noise) to t_end (data), uniform in logSNR λ; the play bar moves it");
    ui::same_line_if_fits(fs * 8);
    ImGui::Checkbox("trajectories", &show_paths_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The paths of %zu particles through the solver's steps (the same starting noise on both sides)", kFilmTrajectories);
    ui::same_line_if_fits(fs * 8);
    ImGui::Checkbox("score field", &show_score_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("∇log p_t(x) at t as arrows on a %d × %d grid (lengths scaled within this t, capped)", kScoreGrid, kScoreGrid);
  }

  SamplersParams params_;
  NoiseSchedule schedule_;
  std::vector<double> budgets_;  // NFE budgets as run
  std::unique_ptr<SamplersRun> run_;
  uint64_t version_ = 0, seed_ = 0;  // the parameters and seed run_ was made for
  Box box_{};
  size_t left_ = 0, right_ = 0, nfe_ = 0;
  std::array<size_t, 3> films_for_{SIZE_MAX, SIZE_MAX, SIZE_MAX};  // (left, right, NFE index) the films show
  SamplerFilm films_[2];
  int frame_ = 0;
  int heat_frame_ = -1;  // the frame heat_ and arrows_ were computed for
  plot::Heatmap heat_;
  plot::Line arrows_;
  bool show_paths_ = true, show_score_ = false;
  MixtureEditor editor_;
};

// ---------------------------------------------------------------------------------------------
// diffusion.tsmc: one trust-region iteration per step; the learners' samples over the exact
// tilted density, their residual log-weight variance, and the KL against the baselines' values.
class TsmcView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const TsmcExperiment&>(ctx.experiment);
    params_ = e.p();
    run_ = std::make_unique<TsmcRun>(params_, ctx.seed, 0);
    box_ = view_box(run_->problem().mixture);
    density_ = density_heatmap(run_->target(), box_, kHeatmapCells, "p*(x) ∝ p(x)·exp(r(x)/β)");
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->done(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "iteration %d / %d", run_ ? std::min(run_->iteration(), params_.iterations) : 0, params_.iterations);
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->iteration()); }
  double steps_total() const override { return params_.iterations + 1.0; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !run_->done(); ++k) run_->step();
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    const int i = run_->iteration() - 1;
    std::vector<std::pair<std::string, std::string>> rows;
    for (TsmcMethod m : {TsmcMethod::TriTsmc, TsmcMethod::FullStep}) {
      const std::string id = tsmc_method_ids()[static_cast<size_t>(m)];
      rows.push_back({id + " Var log w", i >= 0 ? num(run_->trace(m, std::min(i, params_.iterations - 1), kTsmcLogWVar)) : "–"});
      rows.push_back({id + " tempering η", i >= 0 ? num(run_->eta(m, std::min(i, params_.iterations - 1))) : "–"});
    }
    rows.push_back({"KL floor (exact samples)", num(run_->floor_kl())});
    ui::readout_table("##tsmc", rows, 3);
    const std::string when = run_->done() ? "output run" : i < 0 ? "not started" : "iteration " + std::to_string(i + 1);
    figure_.title = "diffusion.tsmc, run 1";
    figure_.plots = {cloud(TsmcMethod::TriTsmc, "TRI-TSMC (" + when + ") over the exact tilted target p*"),
                     cloud(TsmcMethod::FullStep, "Full step η = 1 (" + when + ")"), trace_plot(kTsmcLogWVar, "Residual log-weight variance (SIS)", "Var log w"),
                     trace_plot(kTsmcKl, "KL(p*‖p̂): learners per iteration, baselines at the whole budget", "KL")};
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("tri", figure_.plots[0], grid.cell(0));
    ui::draw_plot("full", figure_.plots[1], grid.cell(1));
    ui::draw_plot("var", figure_.plots[2], grid.cell(2));
    ui::draw_plot("kl", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  plot::Plot cloud(TsmcMethod m, const std::string& title) const {
    const size_t s = static_cast<size_t>(m);
    plot::Plot p = cloud_plot(density_, box_, run_->samples(m), kMaxCloudPoints, title, tsmc_method_ids()[s], s);
    p.points.push_back(plot::Points{"reward centre c", {params_.reward_x}, {params_.reward_y}, plot::kOptimumGold, 4.5f, ""});
    return p;
  }

  plot::Plot trace_plot(TsmcMetric metric, const std::string& title, const std::string& y) const {
    plot::Plot q;
    q.title = title;
    q.x = plot::Axis{"trust-region iteration", plot::Scale::Linear};
    q.y = plot::Axis{y, plot::Scale::Log};
    q.x.cover_lo = 1;
    q.x.cover_hi = params_.iterations;
    for (TsmcMethod m : {TsmcMethod::TriTsmc, TsmcMethod::FullStep}) {
      const size_t s = static_cast<size_t>(m);
      plot::Line l;
      l.name = tsmc_method_ids()[s];
      l.color = palette(s);
      for (int i = 0; i < std::min(run_->iteration(), params_.iterations); ++i) {
        l.x.push_back(i + 1);
        l.y.push_back(run_->trace(m, i, metric));
      }
      q.lines.push_back(l);
    }
    if (metric == kTsmcKl) {
      for (TsmcMethod m : {TsmcMethod::SmcBase, TsmcMethod::Tds}) {
        plot::Line l = plot::reference_line(tsmc_method_ids()[static_cast<size_t>(m)] + " at the budget", {1.0, static_cast<double>(params_.iterations)},
                                            {run_->final_value(m, kTsmcKl), run_->final_value(m, kTsmcKl)});
        l.color = palette(static_cast<size_t>(m));
        q.lines.push_back(l);
      }
      q.lines.push_back(plot::reference_line("exact samples (noise floor)", {1.0, static_cast<double>(params_.iterations)}, {run_->floor_kl(), run_->floor_kl()}));
    }
    return q;
  }

  TsmcParams params_;
  std::unique_ptr<TsmcRun> run_;
  Box box_{};
  plot::Heatmap density_;
  MixtureEditor editor_;
};


// ---------------------------------------------------------------------------------------------
// diffusion.constrained: one primal-dual iteration per step; the headline is the trained model's
// samples beside the equal-weight model's (over the experts, or over the exact optimum p*), then the
// multipliers against λ*, the largest violation and the objective against the optimum.
class ConstrainedView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const ConstrainedExperiment&>(ctx.experiment);
    params_ = e.p();
    run_ = std::make_unique<ConstrainedRun>(params_, ctx.seed, 0);
    const ConstrainedProblem& pr = run_->problem();
    align_ = pr.kind == ConstrainedKind::Alignment;
    Mixture backdrop;  // alignment: the exact optimum p*; composition: the experts, equally weighted
    if (align_) {
      backdrop = run_->optimal_model();
    } else {
      backdrop.components = pr.experts;
      normalise(backdrop);
    }
    box_ = view_box(world_mixture(params_.preset, params_.width, params_.mixture));
    density_ = density_heatmap(backdrop, box_, kHeatmapCells, align_ ? "p*(x), the exact constrained optimum" : "the experts q_i (equal mixture, for orientation)");
    for (const QuadraticReward& r : pr.rewards) marks_.push_back({r.cx, r.cy});
    for (const Component& c : pr.experts) marks_.push_back({c.mx, c.my});
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->done(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "iteration %d / %d", run_ ? run_->iteration() : 0, params_.iterations);
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->iteration()) + (run_->done() ? 1.0 : 0.0); }
  double steps_total() const override { return params_.iterations + 1.0; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !run_->done(); ++k) run_->step();
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    const ConstrainedValues v = run_->values(ConstrainedSeries::PrimalDual);
    const std::vector<double>& lambda = run_->multipliers(ConstrainedSeries::PrimalDual);
    const std::vector<double>& star = run_->multipliers(ConstrainedSeries::Exact);
    std::vector<std::pair<std::string, std::string>> rows;
    for (size_t i = 0; i < lambda.size(); ++i) rows.push_back({"λ" + std::to_string(i + 1) + " (exact λ*" + std::to_string(i + 1) + ")", num(lambda[i]) + " (" + num(star[i]) + ")"});
    rows.push_back({"largest violation: trained / equal weights", num(run_->violation(ConstrainedSeries::PrimalDual)) + " / " + num(run_->violation(ConstrainedSeries::EqualWeights))});
    rows.push_back({std::string(align_ ? "KL(p‖q)" : "max KL(p‖q_i)") + " (exact optimum)", num(v.objective) + " (" + num(run_->optimum()) + ")"});
    ui::readout_table("##constrained", rows, 3);
    figure_.title = "diffusion.constrained, run 1";
    const std::string when = run_->done() ? "averaged iterate" : "iteration " + std::to_string(run_->iteration());
    figure_.plots = {clouds("Samples: trained model (" + when + ") and equal weights"), duals(),
                     trace(run_->violation_trace(), ConstrainedSeries::EqualWeights, run_->violation(ConstrainedSeries::EqualWeights), 0.0,
                           align_ ? "Largest violation max_i (b_i − E r_i)" : "Largest KL above u*: max_i KL(p‖q_i) − u*", "violation"),
                     trace(run_->objective_trace(), ConstrainedSeries::EqualWeights, run_->values(ConstrainedSeries::EqualWeights).objective,
                           run_->optimum(), align_ ? "Objective KL(p‖q) vs the exact optimum" : "Objective max_i KL(p‖q_i) vs u*", "objective")};
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("clouds", figure_.plots[0], grid.cell(0));
    ui::draw_plot("duals", figure_.plots[1], grid.cell(1));
    ui::draw_plot("violation", figure_.plots[2], grid.cell(2));
    ui::draw_plot("objective", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  plot::Plot clouds(const std::string& title) const {
    plot::Plot p = cloud_plot(density_, box_, run_->samples(ConstrainedSeries::PrimalDual), kMaxCloudPoints, title, "primal_dual", 0);
    const Particles& eq = run_->samples(ConstrainedSeries::EqualWeights);
    plot::Points e{"equal_weights", {}, {}, palette(1), 1.6f, ""};
    const size_t n = std::min(eq.size(), kMaxCloudPoints);
    e.x.assign(eq.x.begin(), eq.x.begin() + static_cast<long>(n));
    e.y.assign(eq.y.begin(), eq.y.begin() + static_cast<long>(n));
    p.points.push_back(e);
    plot::Points m{align_ ? "reward centres c_i" : "expert means", {}, {}, plot::kOptimumGold, 4.5f, ""};
    for (const auto& c : marks_) {
      m.x.push_back(c[0]);
      m.y.push_back(c[1]);
    }
    p.points.push_back(m);
    p.legend = true;
    return p;
  }

  plot::Plot duals() const {
    plot::Plot q;
    q.title = align_ ? "Dual variables λ_i (dashed: exact λ*)" : "Dual variables μ_i on the simplex (dashed: exact μ*)";
    q.x = plot::Axis{"primal-dual iteration", plot::Scale::Linear};
    q.y = plot::Axis{"multiplier", plot::Scale::Linear};
    q.x.cover_lo = 1;
    q.x.cover_hi = params_.iterations;
    const auto& trace = run_->lambda_trace();
    const std::vector<double>& star = run_->multipliers(ConstrainedSeries::Exact);
    for (size_t i = 0; i < star.size(); ++i) {
      plot::Line l;
      l.name = "λ" + std::to_string(i + 1);
      l.color = palette(i);
      for (size_t k = 0; k < trace.size(); ++k) {
        l.x.push_back(static_cast<double>(k + 1));
        l.y.push_back(trace[k][i]);
      }
      plot::Line s = plot::reference_line("λ*" + std::to_string(i + 1), {1.0, static_cast<double>(params_.iterations)}, {star[i], star[i]});
      s.color = palette(i);
      q.lines.push_back(l);
      q.lines.push_back(s);
    }
    return q;
  }

  plot::Plot trace(const std::vector<double>& values, ConstrainedSeries baseline, double baseline_value, double reference, const std::string& title,
                   const std::string& y) const {
    plot::Plot q;
    q.title = title;
    q.x = plot::Axis{"primal-dual iteration", plot::Scale::Linear};
    q.y = plot::Axis{y, plot::Scale::Linear};
    q.x.cover_lo = 1;
    q.x.cover_hi = params_.iterations;
    plot::Line l;
    l.name = "primal_dual";
    l.color = palette(0);
    for (size_t k = 0; k < values.size(); ++k) {
      l.x.push_back(static_cast<double>(k + 1));
      l.y.push_back(values[k]);
    }
    plot::Line b{constrained_series_ids()[static_cast<size_t>(baseline)], {1.0, static_cast<double>(params_.iterations)}, {baseline_value, baseline_value}, {}, {}, palette(1)};
    b.dash = plot::Dash::Dotted;
    q.lines = {l, b, plot::reference_line(reference == 0.0 ? "0 (constraints met)" : "exact optimum", {1.0, static_cast<double>(params_.iterations)}, {reference, reference})};
    return q;
  }

  ConstrainedParams params_;
  std::unique_ptr<ConstrainedRun> run_;
  bool align_ = false;
  Box box_{};
  plot::Heatmap density_;
  std::vector<std::array<double, 2>> marks_;
  MixtureEditor editor_;
};


// ---------------------------------------------------------------------------------------------
// diffusion.federated: the no-DP federated set and the centralised one are made at reset; then the
// privacy budgets ε in the grid's order, one noise level of the server's annealed ULA per step (the
// right-hand cloud anneals from noise towards the data). The headline is the federated set over the
// pooled density; then the set at the current ε, and MMD against ε.
// The live view keeps frames responsive: at most this many client queries per sampling pass
// (particles × levels × steps × clients), by sampling fewer particles; `klab run` and the Runs tab
// use every particle. The defaults (500 × 100 × 4 × 3 = 6·10⁵) are not cut.
constexpr double kLiveQueries = 2e6;

class FederatedView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const FederatedExperiment&>(ctx.experiment);
    params_ = e.p();
    const double per_particle = static_cast<double>(params_.levels) * params_.steps * params_.clients;
    const long long fit = std::max<long long>(8, std::llround(kLiveQueries / per_particle));
    FederatedParams live = params_;
    live.particles = std::min(params_.particles, fit);
    run_ = std::make_unique<FederatedRun>(live, ctx.seed, 0);
    live_particles_ = live.particles;
    box_ = view_box(run_->data());
    density_ = density_heatmap(run_->data(), box_, kHeatmapCells, "the pooled mixture Σ_k π_k p_k (no one holds it)");
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->done(); }
  std::string status() const override {
    char s[64];
    if (run_ && !run_->done())
      std::snprintf(s, sizeof s, "privacy budget %zu / %zu, noise level %zu / %d", run_->next() + 1, params_.epsilons.size(), run_->level(), params_.levels);
    else
      std::snprintf(s, sizeof s, "privacy budgets %zu / %zu", params_.epsilons.size(), params_.epsilons.size());
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->next() * static_cast<size_t>(params_.levels) + run_->level()); }
  double steps_total() const override { return static_cast<double>(params_.epsilons.size() * static_cast<size_t>(params_.levels)); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !run_->done(); ++k) run_->step();
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    std::vector<std::pair<std::string, std::string>> rows;
    rows.push_back({"MMD federated, no DP", num(run_->value(FederatedSeries::Federated, kFedMmd))});
    rows.push_back({"MMD centralised (pooled model)", num(run_->value(FederatedSeries::Centralised, kFedMmd))});
    rows.push_back({"MMD noise floor (exact draws)", num(run_->value(FederatedSeries::Exact, kFedMmd))});
    if (run_->next() > 0)
      rows.push_back({"MMD federated at ε = " + num(params_.epsilons[run_->next() - 1]), num(run_->dp_value(run_->next() - 1, kFedMmd))});
    if (live_particles_ < params_.particles)
      rows.push_back({"particles in this live view (Runs and klab run use all " + std::to_string(params_.particles) + ")",
                      std::to_string(live_particles_)});
    ui::readout_table("##federated", rows, 3);
    figure_.title = "diffusion.federated, run 1";
    plot::Plot headline = cloud_plot(density_, box_, run_->samples(FederatedSeries::Federated), kMaxCloudPoints,
                                     std::to_string(params_.clients) + " clients, no model shared: the federated synthetic set (no DP)", "federated", 0);
    plot::Plot dp;
    if (const Particles* annealing = run_->in_progress())
      dp = cloud_plot(density_, box_, *annealing, kMaxCloudPoints,
                      "DP messages, ε = " + num(params_.epsilons[run_->next()]) + ": annealing, level " + std::to_string(run_->level()) +
                          " / " + std::to_string(params_.levels),
                      "federated with DP", 3);
    else if (run_->next() > 0)
      dp = cloud_plot(density_, box_, run_->dp_samples(), kMaxCloudPoints,
                      "DP messages (noised score), ε = " + num(params_.epsilons[run_->next() - 1]), "federated with DP", 3);
    else
      dp = cloud_plot(density_, box_, run_->samples(FederatedSeries::Centralised), kMaxCloudPoints,
                      "Centralised sampling of the pooled model (no ε run yet)", "centralised", 1);
    figure_.plots = {headline, dp, mmd_plot()};
    ui::PlotGrid grid(3, 0);
    ui::draw_plot("fed", figure_.plots[0], grid.cell(0));
    ui::draw_plot("dp", figure_.plots[1], grid.cell(1));
    ui::draw_plot("mmd", figure_.plots[2], grid.cell(2));
    grid.end();
  }

 private:
  plot::Plot mmd_plot() const {
    plot::Plot q;
    q.title = "MMD to the pooled mixture vs ε";
    q.x = plot::Axis{"ε per message", plot::Scale::Log};
    q.y = plot::Axis{"MMD", plot::Scale::Log};
    q.x.cover_lo = params_.epsilons.front();
    q.x.cover_hi = params_.epsilons.back();
    plot::Line l;
    l.name = "federated with DP";
    l.color = palette(3);
    for (size_t k = 0; k < run_->next(); ++k) {
      l.x.push_back(params_.epsilons[k]);
      l.y.push_back(run_->dp_value(k, kFedMmd));
    }
    const std::vector<double> ends{params_.epsilons.front(), params_.epsilons.back()};
    plot::Line none{"federated, no DP", ends, {run_->value(FederatedSeries::Federated, kFedMmd), run_->value(FederatedSeries::Federated, kFedMmd)}, {}, {}, palette(0)};
    plot::Line central{"centralised", ends, {run_->value(FederatedSeries::Centralised, kFedMmd), run_->value(FederatedSeries::Centralised, kFedMmd)}, {}, {}, palette(1)};
    central.dash = plot::Dash::Dotted;
    q.lines = {l, none, central,
               plot::reference_line("exact draws (noise floor)", ends, {run_->value(FederatedSeries::Exact, kFedMmd), run_->value(FederatedSeries::Exact, kFedMmd)})};
    return q;
  }

  FederatedParams params_;
  long long live_particles_ = 0;
  std::unique_ptr<FederatedRun> run_;
  Box box_{};
  plot::Heatmap density_;
  MixtureEditor editor_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "diffusion.samplers") return std::make_unique<SamplersView>();
  if (demo_id == "diffusion.tsmc") return std::make_unique<TsmcView>();
  if (demo_id == "diffusion.constrained") return std::make_unique<ConstrainedView>();
  if (demo_id == "diffusion.federated") return std::make_unique<FederatedView>();
  return nullptr;
}

}  // namespace klab::diffusion
