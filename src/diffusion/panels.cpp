// The diffusion chapter's live views: widgets and plots only (each with the data-mixture editor,
// mixture_editor.hpp, above its plots); every number comes from the chapter's experiment code
// (SamplersRun, TsmcRun, ConstrainedRun, FederatedRun: the same code the CLI and the tests run).
// diffusion.samplers' view is here; the other three are in tsmc_view.cpp, constrained_view.cpp and
// federated_view.cpp. All four show a film of their sampler (film_view.hpp).
#include "diffusion/panels.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include "core/plot_scale.hpp"
#include "diffusion/film_controls.hpp"
#include "diffusion/film_view.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/mixture_editor.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/usf_plan_text.hpp"
#include "diffusion/views.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"
#include "ui/typeset.hpp"

namespace klab::diffusion {
namespace {


size_t index_of(const std::vector<std::string>& ids, const std::string& id, size_t fallback) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? fallback : static_cast<size_t>(it - ids.begin());
}

// ---------------------------------------------------------------------------------------------
// diffusion.samplers: the headline is run 1's discretisation error against NFE, its cells computed as
// the film plays (all of them by its end), with the NFE at which DDIM matches DPM-Solver++ 2M's error
// at 20 NFE (the demo's claim); beside it a film of two samplers at one NFE budget (20 by default),
// from noise at t = 1 to data at t_end, over the exact noised density p_t, with their trajectories
// and the score field at t on request. The film's particles are recorded by the solvers' own step
// code (SamplersRun::paths: the first particles of the cell, from the cell's noise), so its last
// frame is the cell's samples.
constexpr int kFilmFrames = 240;  // view steps from t = 1 to t_end, uniform in λ = log(α/σ)
constexpr double kClaimNfe = 20.0;  // the claim's budget: DPM-Solver++ 2M at 20 NFE against DDIM

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
    budgets_ = nfe_budgets(params_);
    run_ = std::make_unique<SamplersRun>(params_, ctx.seed, 0, cpu_particle_engine, e.paths());
    schedule_ = run_->schedule();
    box_ = view_box(run_->mixture());
    if (run_->paths()) paths_curves_ = paths_plot(*run_->paths(), params_.path, "The four paths (σ_t, α_t) from noise to data; the dot: this run's at t");
    // The story's pair: DDIM against DPM-Solver++ 2M at the claim's 20 NFE (or the nearest budget
    // run; a view setting: every cell is computed whatever the film shows). On a cond-OT or KO path,
    // Euler against Heun: the exponential integrators do not see the path (kinetic.hpp).
    const bool on_path = params_.path != PathKind::Process;
    left_ = index_of(params_.solvers, on_path ? "euler" : "ddim", 0);
    right_ = index_of(params_.solvers, on_path ? "heun" : "dpmpp_2m", params_.solvers.size() - 1);
    nfe_ = 0;
    for (size_t k = 0; k < budgets_.size(); ++k)
      if (std::fabs(budgets_[k] - kClaimNfe) < std::fabs(budgets_[nfe_] - kClaimNfe)) nfe_ = k;
    // The film's pair and the claim's pair first: their read-outs and curves fill in first.
    std::vector<size_t> first{left_, right_};
    if (const auto pair = claim_pair()) first.push_back(pair->first), first.push_back(pair->second);
    // USF's cell at the film's budget before all: its plan table runs that search on the first frame.
    std::vector<size_t> cells;
    if (const size_t u = index_of(params_.solvers, "usf", SIZE_MAX); u != SIZE_MAX) cells.push_back(u * budgets_.size() + nfe_);
    run_->prioritise(first, cells);
    films_for_ = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    heat_frame_ = -1;
  }
  bool animates() const override { return true; }
  bool finished() const override { return frame_ >= kFilmFrames && run_->done(); }
  std::string status() const override {
    char s[96];
    std::snprintf(s, sizeof s, "t = %.3g, cells %zu / %zu", run_ ? film_t() : 1.0, run_ ? run_->cells_done() : 0, run_ ? run_->cells() : 0);
    return s;
  }
  double steps_done() const override { return static_cast<double>(frame_); }
  double steps_total() const override { return kFilmFrames; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !finished(); ++k) {
      if (frame_ < kFilmFrames) ++frame_;
      // The cells keep pace with the film (all done by its end); past its end, one cell a step.
      const size_t cells = run_->cells(), frames = kFilmFrames;
      const size_t due = frame_ < kFilmFrames ? (cells * static_cast<size_t>(frame_) + frames - 1) / frames : run_->cells_done() + 1;
      while (!run_->done() && run_->cells_done() < due) run_->step();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    // On a phone (PlotGrid's one plot per row) the headline comes first, above the film's controls
    // and the read-outs, which would otherwise fill the first screen.
    const bool phone = ImGui::GetContentRegionAvail().x < 2 * ui::kMinCellWidthEm * ImGui::GetFontSize();
    const double match = ddim_matching_nfe();
    plot::Plot headline = disc_plot(match);
    if (phone) {
      ui::PlotGrid top(1, 0);
      ui::draw_plot("disc", headline, top.cell(0));
      top.end();
    }
    controls();
    record_films();
    refresh_field();
    std::vector<std::pair<std::string, std::string>> rows;
    const size_t k = nfe_;
    for (size_t s : {left_, right_}) {
      const double d = run_->metric(s, k, kDiscError);
      rows.push_back({params_.solvers[s] + " ‖x̂ − x*‖ at " + num(budgets_[k]) + " NFE", std::isnan(d) ? "–" : num(d)});
    }
    if (claim_pair())
      rows.push_back({"NFE DDIM needs for dpmpp_2m's error at " + num(kClaimNfe) + " NFE", match_readout(match)});
    if (params_.path != PathKind::Process) {
      std::string ke;
      for (int i = 0; i < kPathKinds; ++i)
        ke += (i ? ", " : "") + path_labels()[static_cast<size_t>(i)] + " " + num(run_->kinetic_energy(static_cast<PathKind>(i)));
      rows.push_back({"kinetic energy ∫E‖u_t‖²dt (this run: " + path_labels()[static_cast<size_t>(params_.path)] + ")", ke});
    }
    ui::readout_table("##samplers", rows, 3);
    usf_table();
    figure_.title = "diffusion.samplers, run 1";
    figure_.plots = {std::move(headline), film_plot(0), film_plot(1),
                     run_->paths() ? paths_curves_ : run_quality_plot(*run_, params_, kW2, "Sliced W2 to exact samples: the noise floor hides solvers", "sW2")};
    if (run_->paths()) mark_path_time(figure_.plots[3], *run_->paths(), params_.path, film_t());
    const int first = phone ? 1 : 0;  // on a phone the headline is drawn above
    ui::PlotGrid grid(4 - first, phone ? -1 : 0);
    if (!phone) ui::draw_plot("disc", figure_.plots[0], grid.cell(0));
    ui::draw_plot("left", figure_.plots[1], grid.cell(1 - first));
    ui::draw_plot("right", figure_.plots[2], grid.cell(2 - first));
    ui::draw_plot(run_->paths() ? "paths" : "w2", figure_.plots[3], grid.cell(3 - first));
    grid.end();
  }

 private:
  // The claim's two samplers, DPM-Solver++ 2M and DDIM, as indices into the solvers (on the diffusion
  // process, with both chosen; else none).
  std::optional<std::pair<size_t, size_t>> claim_pair() const {
    const size_t a = index_of(params_.solvers, "dpmpp_2m", SIZE_MAX), b = index_of(params_.solvers, "ddim", SIZE_MAX);
    if (params_.path != PathKind::Process || a == SIZE_MAX || b == SIZE_MAX) return std::nullopt;
    return std::make_pair(a, b);
  }
  // The NFE at which run 1's DDIM reaches DPM-Solver++ 2M's error at 20 NFE (matching_nfe on the
  // run's curves; NaN while a cell it needs is not computed, or without either sampler).
  double ddim_matching_nfe() const {
    const auto pair = claim_pair();
    if (!pair) return std::nan("");
    const auto [a, b] = *pair;
    std::vector<double> ea, eb;
    for (size_t k = 0; k < budgets_.size(); ++k) {
      ea.push_back(run_->metric(a, k, kDiscError));
      eb.push_back(run_->metric(b, k, kDiscError));
    }
    return matching_nfe(budgets_, ea, kClaimNfe, eb);
  }

  // The headline: the ODE samplers' error against NFE, the claim's match marked once run 1 has it.
  plot::Plot disc_plot(double match) const {
    plot::Plot q = run_quality_plot(*run_, params_, kDiscError, "Discretisation error vs NFE, run 1", "mean ‖x̂ − x*‖");
    // USF's searched budgets as markers: its cells come one at a time (each a search), and a single
    // cell is no visible line.
    for (const plot::Line& l : q.lines)
      if (l.name == "usf") q.points.push_back(plot::Points{l.name, l.x, l.y, l.color, 4.5f, ""});
    if (std::isfinite(match)) {
      plot::Guide g;
      g.vertical = true;
      g.value = match;
      g.label = "DDIM matches DPM-Solver++ 2M at " + num(kClaimNfe) + " NFE here: " + match_text(match);
      q.guides.push_back(g);
    }
    return q;
  }
  // The match read-out, or why there is none: the budgets lack the claim's 20 NFE, DDIM never reaches
  // the error on the grid, or the cells are still being computed ("–").
  std::string match_readout(double match) const {
    if (std::isfinite(match)) return match_text(match);
    if (std::find(budgets_.begin(), budgets_.end(), kClaimNfe) == budgets_.end()) return "– (add " + num(kClaimNfe) + " to the NFE budgets)";
    if (run_->done()) return "– (DDIM does not reach it by " + num(budgets_.back()) + " NFE)";
    return "–";
  }
  // "75 NFE (3.7×)": the matching budget and its ratio to the claim's budget.
  static std::string match_text(double match) {
    return num(std::round(match)) + " NFE (" + num(std::round(match / kClaimNfe * 10.0) / 10.0) + "×)";
  }

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
    field_ = film_field(marginal_at(run_->mixture(), schedule_, t), box_, "p_t(x), exact");
  }

  // Side 0 or 1's particles at the film's λ: on the chord between the states of the two steps
  // around it (the solver computes the steps only; between them the cloud is interpolated in λ).
  Particles film_cloud(const SamplerFilm& f) const {
    const double lam = film_lambda(frame_);
    const std::vector<double>& l = f.lambda;
    size_t i = 0;
    while (i + 2 < l.size() && l[i + 1] <= lam) ++i;
    const double u = frame_ >= kFilmFrames ? 1.0 : std::clamp((lam - l[i]) / (l[i + 1] - l[i]), 0.0, 1.0);
    return path_state(f.paths, i, u);
  }

  plot::Plot film_plot(int side) const {
    const SamplerFilm& f = films_[side];
    const size_t s = side == 0 ? left_ : right_;
    const size_t steps = f.paths.states() - 1;
    size_t done = 0;  // steps the solver has completed at the film's t
    while (done < steps && f.lambda[done + 1] <= film_lambda(frame_) + 1e-12) ++done;
    char when[96];
    std::snprintf(when, sizeof when, ", step %zu/%zu: t = %.3g", frame_ >= kFilmFrames ? steps : done, steps, film_t());
    FilmLayers layers;
    layers.paths = toggles_.paths ? &f.paths : nullptr;
    layers.arrows = toggles_.score ? &field_.arrows : nullptr;
    return diffusion::film_plot(field_, box_, film_cloud(f), params_.solvers[s] + ", " + num(budgets_[nfe_]) + " NFE" + when, params_.solvers[s], s,
                     layers);
  }

  // The USF plan run 1 found at the chosen budget (searched on first display): its time grid, its
  // text (usf_plan_text.hpp) and, per run of consecutive steps with one strategy, a row of the steps'
  // times, order, prediction, derivative estimation and corrector.
  void usf_table() {
    const size_t u = index_of(params_.solvers, "usf", SIZE_MAX);
    if (u == SIZE_MAX) return;
    const UsfSearch& r = run_->usf(nfe_);
    const std::string head = "USF plan searched at " + num(budgets_[nfe_]) + " NFE (run 1)";
    if (!ImGui::CollapsingHeader((head + "##usf").c_str())) return;
    const std::vector<UsfStep>& st = r.plan.steps;
    const std::vector<double> t = usf_time_grid(schedule_, r.plan.blend, r.plan.power, static_cast<int>(st.size()));
    std::vector<std::pair<std::string, std::string>> rows;
    rows.push_back({"search", params_.usf_search == UsfMethod::Evolution
                                  ? "evolution as the authors' released code runs it, the true error in place of FID (no predictor)"
                                  : "coordinate descent from DPM-Solver++ 2M"});
    rows.push_back({"time grid", "blend " + num(r.plan.blend) + " (0: t-uniform, 1: λ-uniform), power " + num(r.plan.power)});
    rows.push_back({"search batch ‖x̂ − x*‖", num(r.error) + " (DPM-Solver++ 2M: " + num(r.start_error) + ", " + std::to_string(r.candidates) + " plans tried)"});
    rows.push_back({"plan", format_usf_plan(r.plan)});
    ui::readout_table("##usf", rows, 1);
    static const char* kColumns[] = {"steps", "t", "order", "prediction", "derivatives", "corrector"};
    if (!ImGui::BeginTable("##usfsteps", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
    for (const char* c : kColumns) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    static const char* kDeriv[] = {"DPM-Solver's rule", "Taylor", "low-order first derivative"};
    static_assert(std::size(kDeriv) == kUsfDerivCount);
    auto derivatives = [](const UsfStep& s) -> std::string {  // with the evolution's linear relaxation m′ × (1 ± c h), if any
      if (s.order == 1) return "–";
      const std::string rule = kDeriv[static_cast<size_t>(s.deriv)];
      if (s.relax == 0.0) return rule;
      return rule + ", m′ × (1 " + (s.relax < 0 ? "− " : "+ ") + num(std::fabs(s.relax)) + " h)";
    };
    for (size_t i = 0; i < st.size();) {
      size_t j = i;
      while (j + 1 < st.size() && st[j + 1] == st[i]) ++j;
      const std::string cells[] = {i == j ? std::to_string(i + 1) : std::to_string(i + 1) + "–" + std::to_string(j + 1),
                                   num(t[i]) + " → " + num(t[j + 1]),
                                   std::to_string(st[i].order),
                                   st[i].noise ? "ε̂ (noise)" : "x̂₀ (data)",
                                   derivatives(st[i]),
                                   st[i].corrector ? "pseudo" : "–"};
      ImGui::TableNextRow();
      for (const std::string& c : cells) {
        ImGui::TableNextColumn();
        ui::rich_text(c);
      }
      i = j + 1;
    }
    ImGui::EndTable();
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
    film_toggles(&toggles_, "The paths of the first particles through the solver's steps (the same starting noise on both sides)");
  }

  SamplersParams params_;
  NoiseSchedule schedule_;
  std::vector<double> budgets_;  // NFE budgets as run
  std::unique_ptr<SamplersRun> run_;
  plot::Plot paths_curves_;  // the four paths on a cond-OT or KO run (paths_plot), built once per run
  uint64_t version_ = 0, seed_ = 0;  // the parameters and seed run_ was made for
  Box box_{};
  size_t left_ = 0, right_ = 0, nfe_ = 0;
  std::array<size_t, 3> films_for_{SIZE_MAX, SIZE_MAX, SIZE_MAX};  // (left, right, NFE index) the films show
  SamplerFilm films_[2];
  int frame_ = 0;
  int heat_frame_ = -1;  // the frame field_ was computed for
  FilmField field_;
  FilmToggles toggles_;
  MixtureEditor editor_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "diffusion.samplers") return std::make_unique<SamplersView>();
  if (demo_id == "diffusion.tsmc") return make_tsmc_view();
  if (demo_id == "diffusion.constrained") return make_constrained_view();
  if (demo_id == "diffusion.federated") return make_federated_view();
  return nullptr;
}

}  // namespace klab::diffusion
