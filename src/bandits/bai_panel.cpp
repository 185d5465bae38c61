// bandits.bai live view. Headline: the error probabilities the paper's claim is about, over a live
// batch of runs 1..R (core/live_batch.hpp: the Runs tab's runs and statistics, R growing as runs
// finish): P(wrong arm) against ε, the private algorithms' curves with 95% bands, the non-private
// ones flat (dashed) at their error at T. Beside it, the arms a_k ∈ ℝ² on the quarter circle and θ
// (drag an arm along the circle, or θ's tip), and run 1 of DP-BAI at budget T replayed phase by
// phase as the batch plays: active arms, the Max-Det collection pulled in that phase, the private
// estimates μ̂ against the true means, and the pulls each algorithm spent per arm.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bandits/bai_experiment.hpp"
#include "bandits/panel_util.hpp"
#include "bandits/panel_views.hpp"
#include "core/colormap.hpp"
#include "core/live_batch.hpp"
#include "core/portable.hpp"
#include "core/result_plots.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::bandits {
namespace {

using panel::num;

class BaiView final : public ui::DemoView {
 public:
  static constexpr int kStepsPerRun = 4;  // a run (≈ 3·10⁵ pulls at the defaults) in four view steps

  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const BaiExperiment&>(ctx.experiment);
    problem_ = e.problem();
    best_ = e.best_arm();
    const long long budget = e.p().budget;
    dp_ = run_bai(BaiAlgo::DpBai, problem_, budget, e.p().epsilon, ctx.seed, 0, true);
    sh_ = run_bai(BaiAlgo::Sh, problem_, budget, 0.0, ctx.seed, 0);
    dp_sh_ = run_bai(BaiAlgo::DpSh, problem_, budget, e.p().epsilon, ctx.seed, 0);
    phase_ = 0;
    live_.reset(e, ctx.seed, bai_demo().default_runs, kStepsPerRun);  // the Runs tab's default runs
  }

  bool animates() const override { return true; }
  bool finished() const override { return live_.finished(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "run %u / %u", live_.runs_done(), live_.runs());
    return s;
  }
  // The batch's steps; run 1's phases are replayed over the batch.
  void advance(const ui::ViewContext& ctx, int steps) override {
    live_.advance(steps);
    const double shown = live_.steps_done() / std::max(1.0, live_.steps_total()) * dp_.phases.size();
    phase_ = std::min(static_cast<size_t>(shown), std::max<size_t>(dp_.phases.size(), 1) - 1);
  }
  double steps_done() const override { return live_.steps_done(); }
  double steps_total() const override { return live_.steps_total(); }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<BaiExperiment&>(ctx.experiment);
    const auto verdict = [this](int arm) { return arm == best_ ? std::string("correct") : "arm " + std::to_string(arm + 1) + " (wrong)"; };
    const BatchResult& r = live_.result();
    // P(error) at the smallest ε of the sweep, where the privacy term dominates (mean ± 95% half-width).
    const int vs_eps = r.layout.find_curve("error_vs_eps");
    const auto at_small_eps = [&r, vs_eps](size_t series) {
      if (r.runs_done == 0 || vs_eps < 0) return std::string("—");
      const RunningStat& s = r.curve_stat(series, static_cast<size_t>(vs_eps), 0);
      return num(s.mean()) + (r.runs_done > 1 ? " ± " + num(s.ci95()) : std::string());
    };
    const std::string small_eps = ", ε = " + num(e.epsilons().front());
    ui::readout_table("##bai",
                    {{"best arm", std::to_string(best_ + 1)},
                     {"gap to 2nd", num(gap())},
                     {"runs in the headline", std::to_string(r.runs_done)},
                     {"P(error) dp_bai" + small_eps, at_small_eps(4)},
                     {"P(error) dp_sh" + small_eps, at_small_eps(3)},
                     {"run 1: DP-BAI says", verdict(dp_.recommended)}},
                    3);
    build_figure(e);
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("errors", figure_.plots[0], grid.cell(0));
    draw_geometry(e, grid.cell(1));
    ui::draw_plot("estimates", figure_.plots[2], grid.cell(2));
    ui::draw_plot("pulls", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  double gap() const {
    double second = -1.0;
    for (size_t a = 0; a < problem_.mean.size(); ++a)
      if (static_cast<int>(a) != best_) second = std::max(second, problem_.mean[a]);
    return problem_.mean[static_cast<size_t>(best_)] - second;
  }

  const BaiPhase* phase() const { return phase_ < dp_.phases.size() ? &dp_.phases[phase_] : nullptr; }

  void build_figure(const BaiExperiment& e) {
    const size_t k = problem_.mean.size();
    const BaiPhase* ph = phase();
    plot::Plot geo;
    geo.title = "Arms a_k and θ (drag); large: Max-Det basis";
    geo.x = {"x", plot::Scale::Linear, -0.08, 1.12};
    geo.y = {"y", plot::Scale::Linear, -0.08, 1.12};
    // The unit circle stays a circle where the cell allows it (draw_geometry): not in the small
    // cells beside the headline, where equal units would leave a sliver of a plot.
    plot::Line arc = plot::reference_line("unit circle");
    for (int i = 0; i <= 90; ++i) arc.x.push_back(std::cos(i * kPi / 180.0)), arc.y.push_back(std::sin(i * kPi / 180.0));
    const double psi = e.p().theta_angle * kPi / 180.0, r = e.p().theta_norm;
    plot::Line theta{"θ", {0.0, r * std::cos(psi)}, {0.0, r * std::sin(psi)}, {}, {}, palette(3), 3.0f};
    geo.lines = {arc, theta};
    plot::Points out{"eliminated", {}, {}, {0.35f, 0.35f, 0.35f, 1}, 5.0f}, in{"active", {}, {}, palette(0), 6.0f},
        basis{"basis", {}, {}, panel::kMarker, 9.0f}, best{"best arm: largest ⟨a_k, θ⟩", {}, {}, palette(2), 4.0f};
    for (size_t a = 0; a < k; ++a) {
      const bool active = ph && std::find(ph->active.begin(), ph->active.end(), static_cast<int>(a)) != ph->active.end();
      const bool in_basis = ph && std::find(ph->basis.begin(), ph->basis.end(), static_cast<int>(a)) != ph->basis.end();
      if (in_basis) basis.x.push_back(problem_.x[a]), basis.y.push_back(problem_.y[a]);
      (active || !ph ? in : out).x.push_back(problem_.x[a]);
      (active || !ph ? in : out).y.push_back(problem_.y[a]);
      if (static_cast<int>(a) == best_) best.x.push_back(problem_.x[a]), best.y.push_back(problem_.y[a]);
    }
    // What "best" means is in the legend: as a note beside the best arm it covered the θ ray (every
    // other place near the arm covers the circle or other arms).
    geo.points = {basis, out, in, best};

    plot::Plot est;
    est.title = "Phase estimates μ̂ (bars) vs true μ (points)";
    est.x = panel::arm_axis(k);
    est.y = {"mean"};
    plot::Bars bars{"μ̂ (active arms)", {}, {}, palette(0)};
    for (size_t a = 0; a < k; ++a) {
      double v = 0.0;
      if (ph)
        for (size_t i = 0; i < ph->active.size(); ++i)
          if (ph->active[i] == static_cast<int>(a)) v = ph->estimate[i];
      bars.edges.push_back(a + 0.65);
      bars.heights.push_back(v);
    }
    bars.edges.push_back(k + 0.65);
    plot::Points truth{"true μ", {}, {}, panel::kMarker, 4.5f};
    for (size_t a = 0; a < k; ++a) truth.x.push_back(a + 1.0), truth.y.push_back(problem_.mean[a]);
    est.bars = {bars};
    est.points = {truth};

    plot::Plot pulls;
    pulls.title = "Pulls per arm in this run";
    pulls.x = panel::arm_axis(k);
    pulls.y = {"pulls", plot::Scale::Log};
    const struct {
      const char* name;
      const BaiOutcome* o;
      size_t colour;
    } rows[3] = {{"sh", &sh_, 2}, {"dp_sh", &dp_sh_, 3}, {"dp_bai", &dp_, 4}};
    for (const auto& row : rows) {
      plot::Line l{row.name, {}, {}, {}, {}, palette(row.colour), 2.0f};
      for (size_t a = 0; a < k && a < row.o->pulls.size(); ++a) l.x.push_back(a + 1.0), l.y.push_back(std::max<double>(1.0, row.o->pulls[a]));
      pulls.lines.push_back(l);
    }
    plot::mark_repeated_lines(pulls.lines, 1);  // sh's pulls often equal dp_sh's arm for arm: "(≈ sh)" keeps both visible
    figure_.title = "bandits.bai — " + std::to_string(live_.result().runs_done) + " live runs; run 1 of DP-BAI";
    figure_.plots = {live_errors(e), geo, est, pulls};
  }

  // The headline: the Runs tab's P(error) vs ε plot of the live batch's runs so far.
  plot::Plot live_errors(const BaiExperiment& e) const {
    const BatchResult& r = live_.result();
    plot::Plot p = e.figure(r).plots[1];
    p.title = "P(wrong arm) vs privacy ε at T = " + plot::format_number(static_cast<double>(e.p().budget)) + ", " +
              std::to_string(r.runs_done) + " of " + std::to_string(live_.runs()) + " runs (dashed: non-private)";
    return p;
  }

  // The geometry plot; dragging near an arm moves it along the circle, elsewhere moves θ's tip.
  void draw_geometry(BaiExperiment& e, ImVec2 size) {
    ui::PlotOptions opt;
    opt.left_drag_pans = false;
    figure_.plots[1].equal_aspect = std::min(size.x, size.y) >= 20.0f * ImGui::GetFontSize();
    const ui::PlotFrame f = ui::draw_plot("geometry", figure_.plots[1], size, opt);
    const bool active = ImGui::IsItemActive();
    if (f.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      dragging_ = -1;  // θ unless an arm is near
      double nearest = 0.08 * 0.08;
      for (size_t a = 0; a < problem_.x.size(); ++a) {
        const double dx = f.mouse_x - problem_.x[a], dy = f.mouse_y - problem_.y[a];
        if (dx * dx + dy * dy < nearest) nearest = dx * dx + dy * dy, dragging_ = static_cast<int>(a);
      }
      drag_on_ = true;
    }
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) drag_on_ = false;
    if (!drag_on_ || !active) return;
    const double angle = std::clamp(std::atan2(f.mouse_y, f.mouse_x) * 180.0 / kPi, 0.0, 90.0);
    if (dragging_ >= 0 && static_cast<size_t>(dragging_) < e.p().angles.size()) {
      std::vector<double> angles = e.p().angles;
      angles[static_cast<size_t>(dragging_)] = plot::round_for_range(angle, 90.0, false);
      panel::assign(e.params(), {{"angles", panel::list_value(angles)}});
    } else {
      const double norm = std::clamp(std::hypot(f.mouse_x, f.mouse_y), 0.05, 1.0);
      panel::assign(e.params(), {{"theta_angle", panel::real_value(plot::round_for_range(angle, 90.0, false))},
                                 {"theta_norm", panel::real_value(plot::round_for_range(norm, 1.0, false))}});
    }
  }

  BaiProblem problem_;
  int best_ = 0;
  BaiOutcome dp_, sh_, dp_sh_;
  LiveBatch live_;
  size_t phase_ = 0;
  int dragging_ = -1;
  bool drag_on_ = false;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_bai_view() { return std::make_unique<BaiView>(); }

}  // namespace klab::bandits
