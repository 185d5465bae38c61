// diffusion.constrained's live view: one primal-dual iteration per play step. The headline is the
// claim's plot: the largest violation of the trained model against the iterations, equal weights'
// as a guide. Then a film of the current iterate's model p_θ: its samples' DPM-Solver++ 2M paths (the
// same draw the iteration trains on), at the sampler step the slider picks, over the exact
// constrained optimum p* noised to that step's t, with their trajectories and p*_t's score field on
// request; at the last step (the default) the samples beside the equal-weight model's, over p*
// (alignment) or the experts (composition). Then the multipliers against λ* and the objective
// against the optimum.
#include <algorithm>
#include <array>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "diffusion/constrained_experiment.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/film_controls.hpp"
#include "diffusion/film_view.hpp"
#include "diffusion/mixture_editor.hpp"
#include "diffusion/mixture_text.hpp"
#include "diffusion/views.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::diffusion {
namespace {

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
    marks_.clear();
    for (const QuadraticReward& r : pr.rewards) marks_.push_back({r.cx, r.cy});
    for (const Component& c : pr.experts) marks_.push_back({c.mx, c.my});
    optimum_ = run_->optimal_model();
    schedule_ = NoiseSchedule{};
    film_for_ = -1;
    state_ = params_.nfe;  // the film starts at the samples (t_end); its slider goes back to the noise
    field_state_ = -1;
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
    controls();
    record_film();
    refresh_field();
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
    // The headline first: the violation, the claim's plot (trained model against equal weights).
    figure_.plots = {trace(run_->violation_trace(), ConstrainedSeries::EqualWeights, run_->violation(ConstrainedSeries::EqualWeights), 0.0,
                           align_ ? "Largest violation max_i (b_i − E r_i)" : "Largest KL above u*: max_i KL(p‖q_i) − u*", "violation"),
                     clouds(when), duals(),
                     trace(run_->objective_trace(), ConstrainedSeries::EqualWeights, run_->values(ConstrainedSeries::EqualWeights).objective,
                           run_->optimum(), align_ ? "Objective KL(p‖q) vs the exact optimum" : "Objective max_i KL(p‖q_i) vs u*", "objective")};
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("violation", figure_.plots[0], grid.cell(0));
    ui::draw_plot("clouds", figure_.plots[1], grid.cell(1));
    ui::draw_plot("duals", figure_.plots[2], grid.cell(2));
    ui::draw_plot("objective", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  // The film of the current iterate's draw: its first particles at DPM-Solver++ 2M step state_, over
  // the exact optimum's noised marginal p*_t at that step's t (the backdrop at t_end is the view's
  // fixed density: p* for alignment, the experts for composition); the equal-weight model's samples
  // join at t_end.
  void record_film() {
    if (film_for_ == run_->iteration() + (run_->done() ? 1 : 0)) return;
    film_for_ = run_->iteration() + (run_->done() ? 1 : 0);
    const size_t count = std::min({kFilmParticles, static_cast<size_t>(params_.particles), kFilmStates / (static_cast<size_t>(params_.nfe) + 1)});
    paths_ = run_->paths(std::max<size_t>(1, count));
  }

  void refresh_field() {
    if (field_state_ == state_) return;
    field_state_ = state_;
    const double t = paths_.times[static_cast<size_t>(state_)];
    field_ = film_field(marginal_at(optimum_, schedule_, t), box_, "p*_t(x), the exact constrained optimum, noised to t");
  }

  void controls() {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 12);
    ImGui::SliderInt("##film step", &state_, 0, params_.nfe, "sampler step %d", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The film's step of DPM-Solver++ 2M from t = 1 (noise, step 0) to t_end (the samples, the last step); the play bar plays the primal-dual iterations");
    film_toggles(&toggles_, "The paths of the first samples of the current iterate through the sampler's steps");
  }

  plot::Plot clouds(const std::string& when) const {
    const size_t k = static_cast<size_t>(state_);
    const bool end = state_ >= params_.nfe;
    char at[96];
    std::snprintf(at, sizeof at, ", step %zu / %d, t = %.3g", k, params_.nfe, paths_.times[k]);
    // No legend (a beside-the-headline cell: a legend row would squeeze the equal-aspect cloud below a
    // usable size on phones); the title names the colours.
    const std::string marks = std::string(", grey: ") + (align_ ? "reward centres" : "expert means");
    const std::string title = end ? "Trained (" + when + ", blue) vs equal weights (orange)" + marks : "Trained model (" + when + at + ") over p*_t" + marks;
    FilmLayers layers;
    layers.paths = toggles_.paths ? &paths_ : nullptr;
    layers.arrows = toggles_.score ? &field_.arrows : nullptr;
    const plot::Heatmap& heat = end ? density_ : field_.heat;
    plot::Plot p = film_plot(FilmField{heat, {}}, box_, path_state(paths_, k), title, "primal_dual", 0, layers);
    if (end) {
      const Particles& eq = run_->samples(ConstrainedSeries::EqualWeights);
      plot::Points e{"equal_weights", {}, {}, palette(1), 1.6f, ""};
      const size_t n = std::min(eq.size(), kFilmParticles);
      e.x.assign(eq.x.begin(), eq.x.begin() + static_cast<long>(n));
      e.y.assign(eq.y.begin(), eq.y.begin() + static_cast<long>(n));
      p.points.push_back(e);
    }
    // The problem's centres in the reference grey: gold would read as equal_weights' orange.
    plot::Points m{align_ ? "reward centres c_i" : "expert means", {}, {}, plot::kReferenceGrey, 4.5f, ""};
    for (const auto& c : marks_) {
      m.x.push_back(c[0]);
      m.y.push_back(c[1]);
    }
    p.points.push_back(m);
    p.legend = false;
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
  Mixture optimum_;  // p*, the film's backdrop noised to its t
  NoiseSchedule schedule_;
  int film_for_ = -1;  // the iteration (+1 once done) paths_ were recorded at
  Paths paths_;
  int state_ = 0, field_state_ = -1;  // the film's sampler step; the step field_ was computed for
  FilmField field_;
  FilmToggles toggles_;
  MixtureEditor editor_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_constrained_view() { return std::make_unique<ConstrainedView>(); }

}  // namespace klab::diffusion
