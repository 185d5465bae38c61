// diffusion.tsmc's live view: the headline is the residual log-weight variance per trust-region
// iteration (the demo's claim: it falls for TRI-TSMC and grows for the full step); beside it a film
// of one SMC sampler of the tilted target (TRI-TSMC by default) through its K DDPM steps, over the
// exact tilted marginal p*_t at each step's t, the particles sized by their weights (resampling
// visible as the big ones multiplying and the small ones vanishing), the genealogy of the outputs as
// trajectories; then the ESS over the steps and the KL per iteration. The play bar plays one film per
// iteration: the learners' SIS run of iteration i (no resampling: the weights show what the trust
// region tempers), then their output run; the baselines' films replay their one run at the budget.
//
// p*_t is exact: the tilted path measure's marginal at t is the forward-noised p* (the reverse
// process with the exact score has the forward process's joint law, so tilting x_0 by e^{r/β} tilts
// every marginal through q(x_t | x_0)), and p* is a Gaussian mixture for the quadratic reward
// (tilt.hpp); so p*_t = marginal_at(p*, t), up to DDPM's discretisation.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/plot_scale.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/film_controls.hpp"
#include "diffusion/film_view.hpp"
#include "diffusion/mixture_editor.hpp"
#include "diffusion/tsmc_experiment.hpp"
#include "diffusion/views.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::diffusion {
namespace {

// The SMC samplers the film can show (best-of-n is not sequential: it has no film).
const TsmcMethod kFilmMethods[] = {TsmcMethod::TriTsmc, TsmcMethod::FullStep, TsmcMethod::SmcBase, TsmcMethod::Tds};

class TsmcView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const TsmcExperiment&>(ctx.experiment);
    params_ = e.p();
    run_ = std::make_unique<TsmcRun>(params_, ctx.seed, 0);
    run_->step();  // the learners' first SIS run: the first film
    box_ = view_box(run_->problem().mixture);
    frame_ = 0;
    film_for_ = {-1, -1};
    field_k_ = -1;
  }
  bool animates() const override { return true; }
  bool finished() const override { return frame_ >= frames() && run_->done(); }
  std::string status() const override {
    char s[96];
    std::snprintf(s, sizeof s, "iteration %d / %d, step %d / %d", run_ ? std::min(film_index() + 1, params_.iterations) : 0, params_.iterations,
                  run_ ? state() : 0, params_.steps);
    return s;
  }
  double steps_done() const override { return static_cast<double>(frame_); }
  double steps_total() const override { return static_cast<double>(frames()); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      if (frame_ < frames()) ++frame_;
      while (!run_->done() && run_->iteration() < film_index() + 1) run_->step();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    controls();
    record_film();
    refresh_field();
    const int i = run_->iteration() - 1;
    // Three numbers: the headline's two curves at the current iteration and the trust region's η.
    const int at = std::min(i, params_.iterations - 1);
    auto value = [](double v) { return std::isnan(v) ? std::string("–") : num(v); };  // NaN before iteration 1
    const std::vector<std::pair<std::string, std::string>> rows{
        {"log-weight variance, tri_tsmc", value(run_->trace(TsmcMethod::TriTsmc, at, kTsmcLogWVar))},
        {"log-weight variance, full_step", value(run_->trace(TsmcMethod::FullStep, at, kTsmcLogWVar))},
        {"tri_tsmc's tempering η (full_step: 1)", value(run_->eta(TsmcMethod::TriTsmc, at))}};
    ui::readout_table("##tsmc", rows, 3);
    figure_.title = "diffusion.tsmc, run 1";
    figure_.plots = {trace_plot(kTsmcLogWVar, "Residual log-weight variance of the learned proposal (SIS runs)", "log-weight variance"),
                     film(), ess_plot(), trace_plot(kTsmcKl, "KL(p*‖p̂): learners per iteration, baselines at the whole budget", "KL")};
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("var", figure_.plots[0], grid.cell(0));
    ui::draw_plot("film", figure_.plots[1], grid.cell(1));
    ui::draw_plot("ess", figure_.plots[2], grid.cell(2));
    ui::draw_plot("kl", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  // The play bar: one film of K + 1 states per iteration, the output run's last.
  int frames() const { return (params_.iterations + 1) * (params_.steps + 1); }
  int film_index() const { return std::min(frame_ / (params_.steps + 1), params_.iterations); }
  int state() const { return frame_ >= frames() ? params_.steps : frame_ % (params_.steps + 1); }
  TsmcMethod method() const { return kFilmMethods[method_]; }
  bool learner() const { return method() == TsmcMethod::TriTsmc || method() == TsmcMethod::FullStep; }

  // The chosen method's latest run, recorded again when the method or the run's iteration changes
  // (at most kFilmStates particle states: 500 × 26 by default, the baselines 4,500 × 26).
  void record_film() {
    // (a baseline's film is one run at the whole budget, whatever iteration the learners are at)
    const std::array<int, 2> want{static_cast<int>(method_), learner() ? run_->iteration() : -1};
    if (want == film_for_) return;
    film_for_ = want;
    const double n = static_cast<double>(params_.particles) * (learner() ? 1.0 : params_.iterations + 1.0);
    has_film_ = n * (params_.steps + 1.0) <= static_cast<double>(kFilmStates) && run_->film(method(), &film_);
    if (has_film_) lineage_ = genealogy(film_, run_->problem().t, kFilmTrajectories);
  }

  void refresh_field() {
    if (field_k_ == state()) return;
    field_k_ = state();
    const TiltProblem& pr = run_->problem();
    field_ = film_field(marginal_at(run_->target(), pr.schedule, pr.t[static_cast<size_t>(field_k_)]), box_, "p*_t(x), exact");
  }

  plot::Plot film() const {
    const size_t s = static_cast<size_t>(method()), k = static_cast<size_t>(state());
    const std::string id = tsmc_method_ids()[s];
    if (!has_film_) {
      plot::Plot p = cloud_plot(field_.heat, box_, run_->samples(method()), kFilmParticles, id + ": samples (film off: N·(K + 1) > 2·10⁶ states)", id, s);
      return p;
    }
    const bool output = !learner() || run_->done();
    char when[160];
    std::snprintf(when, sizeof when, "%s, step %zu/%d: t = %.3g", output ? "SMC" : ("SIS run " + std::to_string(film_index() + 1)).c_str(), k,
                  params_.steps, run_->problem().t[k]);
    const bool resampled = film_.resampled(k);
    const std::string title = id + " " + when + (resampled ? ", resampled" : "") + "; size ∝ weight";
    FilmLayers layers;
    layers.paths = toggles_.paths ? &lineage_ : nullptr;
    layers.arrows = toggles_.score ? &field_.arrows : nullptr;
    layers.log_w = &film_.log_w[k];
    plot::Plot p = film_plot(field_, box_, film_.state[k], title, id, s, layers);
    p.points.push_back(plot::Points{"reward centre c", {params_.reward_x}, {params_.reward_y}, plot::kOptimumGold, 4.5f, ""});
    return p;
  }

  // ESS/N of the film's weights over the steps up to the current one, the resampling steps marked.
  plot::Plot ess_plot() const {
    plot::Plot q;
    q.title = "ESS / N over the steps (dots: resampled)";
    q.x = plot::Axis{"DDPM step k", plot::Scale::Linear};
    q.y = plot::Axis{"ESS / N", plot::Scale::Linear};
    q.x.cover_lo = 0;
    q.x.cover_hi = params_.steps;
    q.y.cover_lo = 0;
    q.y.cover_hi = 1;
    if (!has_film_) return q;
    const size_t s = static_cast<size_t>(method());
    plot::Line l;
    l.name = tsmc_method_ids()[s];
    l.color = palette(s);
    plot::Points r{"resampled", {}, {}, palette(s), 4.0f, ""};
    for (size_t k = 0; k <= static_cast<size_t>(state()) && k < film_.ess.size(); ++k) {
      l.x.push_back(static_cast<double>(k));
      l.y.push_back(film_.ess[k]);
      if (film_.resampled(k)) r.x.push_back(static_cast<double>(k)), r.y.push_back(film_.ess[k]);
    }
    q.lines = {l, plot::reference_line("resampling threshold ½", {0.0, static_cast<double>(params_.steps)}, {0.5, 0.5})};
    q.points = {r};
    return q;
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
    q.y.cover_lo = labelled_floor(q);
    return q;
  }

  // The largest 1, 2 or 5 × 10^k at or below every value of the plot: a log axis covering it
  // carries a labelled tick under the lowest curve (the variances span less than a decade, 5–20,
  // and the automatic ticks would label only 10 and 20, above the trust region's curve).
  static double labelled_floor(const plot::Plot& q) {
    double lo = std::numeric_limits<double>::infinity();
    for (const plot::Line& l : q.lines)
      for (double v : l.y)
        if (std::isfinite(v) && v > 0) lo = std::min(lo, v);
    if (!std::isfinite(lo)) return plot::kAuto;
    const double decade = std::pow(10.0, std::floor(std::log10(lo)));
    const double m = lo / decade;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * decade;
  }

  void controls() {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 9);
    if (ImGui::BeginCombo("film", tsmc_method_ids()[static_cast<size_t>(method())].c_str())) {
      for (size_t i = 0; i < std::size(kFilmMethods); ++i)
        if (ImGui::Selectable(tsmc_method_ids()[static_cast<size_t>(kFilmMethods[i])].c_str(), i == method_)) method_ = i;
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The SMC sampler the film shows (best-of-n is not sequential: no film)");
    // The film's step within the current iteration's run, as a slider (the play bar moves it).
    ui::same_line_if_fits(fs * 13);
    int k = state();
    ImGui::SetNextItemWidth(fs * 12);
    if (ImGui::SliderInt("##film step", &k, 0, params_.steps, "step %d", ImGuiSliderFlags_AlwaysClamp))
      frame_ = std::min(film_index(), params_.iterations) * (params_.steps + 1) + k;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("DDPM step k of the film's run: t from 1 (noise) to t_end (data)");
    film_toggles(&toggles_, "The ancestral paths of the run's first outputs (their genealogy through the resamplings)");
  }

  TsmcParams params_;
  std::unique_ptr<TsmcRun> run_;
  Box box_{};
  size_t method_ = 0;  // index into kFilmMethods
  int frame_ = 0;
  std::array<int, 2> film_for_{-1, -1};  // (method_, iteration) the film was recorded for
  bool has_film_ = false;
  SmcFilm film_;
  Paths lineage_;
  int field_k_ = -1;  // the step field_ was computed for
  FilmField field_;
  FilmToggles toggles_;
  MixtureEditor editor_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_tsmc_view() { return std::make_unique<TsmcView>(); }

}  // namespace klab::diffusion
