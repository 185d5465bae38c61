// The blackbox chapter's live views: widgets and plots only; every number comes from the chapter's
// experiment code (EsRun, BoRun, the NSGA-II runs, PrivateRun: the same code the CLI and the tests run).
#include "blackbox/panels.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "blackbox/bo_experiment.hpp"
#include "blackbox/categorical.hpp"
#include "blackbox/es_experiment.hpp"
#include "blackbox/nsga2_concurrent.hpp"
#include "blackbox/nsga2_experiment.hpp"
#include "blackbox/private_gsd_experiment.hpp"
#include "blackbox/disom.hpp"
#include "core/result_plots.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"
#include "ui/theme.hpp"

namespace klab::blackbox {
namespace {

constexpr int kLiveFrames = 90;  // log-spaced evaluation counts the live run stops at (one view step each)
// Work per advance() call: a stop far out (n = 10⁴, budgets of 10⁹ evaluations) is reached over
// many frames, so the page keeps drawing; the view step counts once the stop is reached.
constexpr double kFrameBudgetSeconds = 0.008;

bool out_of_time(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > kFrameBudgetSeconds;
}

std::string num(double v) { return plot::format_number(v); }

// ---------------------------------------------------------------------------------------------
// blackbox.es: runs 1–10 of every strategy at the largest n (each run its own landscape, shared by
// the strategies). The headline: the OneMax value of each run of the first strategy, coloured by
// whether it has reached the target yet (the plus strategy's stuck runs stay below n to the end of
// the budget); beside it, how many runs of each strategy have reached the target against evaluations.
class EsView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const EsExperiment&>(ctx.experiment);
    const int n = es_n_grid(e.p()).back();
    series_ = e.p().series;
    runs_.clear();
    for (const std::string& s : series_)
      for (uint32_t r = 0; r < kLiveRuns; ++r) runs_.emplace_back(e.p(), s, n, ctx.seed, r);
    stops_ = plot::log_spaced_counts(runs_.front().budget(), kLiveFrames);
    next_ = 0;
    evaluations_.clear();
    reached_.assign(series_.size(), {});
    ones_.assign(kLiveRuns, {});
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override { return next_ >= stops_.size(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "%s / %s evaluations", num(next_ < stops_.size() ? stops_[next_] : stops_.back()).c_str(),
                  num(stops_.empty() ? 0 : stops_.back()).c_str());
    return s;
  }
  double steps_done() const override { return static_cast<double>(next_); }
  double steps_total() const override { return static_cast<double>(stops_.size()); }
  void advance(const ui::ViewContext&, int steps) override {
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < steps && next_ < stops_.size(); ++k) {
      for (EsRun& r : runs_)
        while (!r.done() && r.state().evaluations < static_cast<long long>(stops_[next_])) {
          r.generation();
          if (out_of_time(start)) return;  // this stop continues on the next frame
        }
      ++next_;
      record();
    }
  }

  void draw(ui::ViewContext&) override {
    const EsRun& first = runs_.front();
    std::vector<std::pair<std::string, std::string>> rows{{"n", std::to_string(first.n())}, {"λ", std::to_string(first.lambda())}};
    // Each strategy's runs: where their OneMax values are now (moving from the first frame), and how
    // many have reached the target.
    for (size_t s = 0; s < series_.size(); ++s) {
      long long lo = first.n(), hi = 0;
      for (uint32_t r = 0; r < kLiveRuns; ++r) {
        const long long ones = runs_[s * kLiveRuns + r].state().ones;
        lo = std::min(lo, ones), hi = std::max(hi, ones);
      }
      rows.push_back({series_[s] + ": OM(x) of its runs; at the target",
                      std::to_string(lo) + "–" + std::to_string(hi) + "; " + std::to_string(static_cast<int>(reached_[s].back())) + " / " +
                          std::to_string(kLiveRuns)});
    }
    ui::readout_table("##es", rows, 3);
    build_figure();
    // The headline (runs at the target against evaluations: the claim) across the full width, the
    // first strategy's trajectories below it in the rest of the region.
    const float fs = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float top = std::max(ui::kMinCellHeightEm * fs * 1.3f, avail.y * 0.58f);
    ui::draw_plot("reached", figure_.plots[0], ImVec2(std::max(avail.x, 8 * fs), top));
    ui::PlotGrid rest(1, 0);
    ui::draw_plot("trajectories", figure_.plots[1], rest.cell(0));
    rest.end();
  }

 private:
  static constexpr uint32_t kLiveRuns = 10;

  void record() {
    evaluations_.push_back(next_ == 0 ? 1.0 : stops_[next_ - 1]);
    for (size_t s = 0; s < series_.size(); ++s) {
      int reached = 0;
      for (uint32_t r = 0; r < kLiveRuns; ++r) reached += runs_[s * kLiveRuns + r].reached();
      reached_[s].push_back(reached);
    }
    for (uint32_t r = 0; r < kLiveRuns; ++r) ones_[r].push_back(runs_[r].state().ones);
  }

  void build_figure() {
    const EsRun& first = runs_.front();
    const std::string runs = "runs 1–" + std::to_string(kLiveRuns) + " at n = " + std::to_string(first.n());
    plot::Plot om, reached;
    om.title = series_.front() + ", " + runs + ": OM(x) of the parent";
    om.x = {"evaluations", plot::Scale::Log};
    om.y = {"OM(x)"};
    reached.title = "Runs at the target, " + runs;
    reached.x = {"evaluations", plot::Scale::Log};
    reached.y = {"runs at the target", plot::Scale::Linear, 0.0, static_cast<double>(kLiveRuns)};
    for (plot::Plot* q : {&om, &reached}) {
      q->x.cover_lo = 1, q->x.cover_hi = static_cast<double>(first.budget());
      plot::Guide budget;  // where a run still below the target counts as stuck
      budget.value = static_cast<double>(first.budget());
      budget.label = "budget c·n²";
      q->guides.push_back(budget);
    }
    // The first strategy's colour (as in the headline), one legend entry each: a run at the target
    // solid, one still below it dashed (stuck if still below when the budget c·n² runs out).
    const std::string at = "reached the target", below = finished() ? "stuck below the target" : "below the target so far";
    for (uint32_t r = 0; r < kLiveRuns; ++r) {
      const bool done = runs_[r].reached();
      plot::Line l{done ? at : below, evaluations_, ones_[r], {}, {}, palette(0), 1.4f};
      if (!done) l.dash = plot::Dash::Dashed;
      om.lines.push_back(l);
    }
    plot::Guide target;
    target.vertical = false;
    target.value = first.target();
    target.label = first.target() == first.n() ? "optimum n" : "target n − k*";
    om.guides.push_back(target);
    for (size_t s = 0; s < series_.size(); ++s) reached.lines.push_back({series_[s], evaluations_, reached_[s], {}, {}, palette(s), 2.0f});
    figure_.title = "blackbox.es, runs 1–" + std::to_string(kLiveRuns);
    figure_.plots = {reached, om};  // the headline first
  }

  std::vector<std::string> series_;
  std::vector<EsRun> runs_;  // (series, run) series-major
  std::vector<double> stops_;
  size_t next_ = 0;
  std::vector<double> evaluations_;           // (records)
  std::vector<std::vector<double>> reached_;  // (series, records) runs at the optimum
  std::vector<std::vector<double>> ones_;     // (runs, records) OM(x) of the first series' runs
};

// ---------------------------------------------------------------------------------------------
// blackbox.bo: run 1 of every method, one evaluation per step. The first method's GP is drawn: in
// 1-D its posterior mean and ±2σ band over the true f with the acquisition curve below; in 2-D the
// posterior mean and the acquisition as maps. The simple regret of every method's run 1 alongside.
// Draw mode (function = drawn): the posterior plot is a canvas. Press and drag across it to sketch f
// (redraw_with_sketch resamples the stroke to kDrawnSketchPoints points), or drag one control point;
// on release the curve goes to the `drawn` parameter (so to the link and the CLI command), and the
// parameter change restarts every run on the new function.
class BoView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const BoExperiment&>(ctx.experiment);
    series_ = e.p().methods;
    runs_.clear();
    for (const std::string& s : series_) runs_.emplace_back(e.p(), s, ctx.seed, 0);
    regret_.assign(series_.size(), {});
    evaluations_ = e.p().evaluations;
    // A drawn function opens Draw mode when it arrives (a link, the function menu, the Draw button);
    // another function closes it.
    const bool drawn = e.p().function == TestFunction::Drawn;
    if (drawn != drawn_function_) drawing_ = drawn;
    drawn_function_ = drawn;
    draft_ = runs_.front().objective().curve();
    dragging_ = -1;
    sketching_ = false;
    sketch_x_.clear(), sketch_y_.clear();
  }
  bool animates() const override { return true; }
  bool finished() const override { return runs_.front().done(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "evaluation %d / %d", runs_.front().evaluated(), evaluations_);
    return s;
  }
  double steps_done() const override { return runs_.front().evaluated(); }
  double steps_total() const override { return evaluations_; }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && !runs_.front().done(); ++k)
      for (size_t s = 0; s < runs_.size(); ++s) {
        runs_[s].step();
        regret_[s].push_back(runs_[s].regret());
      }
  }

  void draw(ui::ViewContext& ctx) override {
    const BoRun& r = runs_.front();
    std::vector<std::pair<std::string, std::string>> rows{{"evaluations", std::to_string(r.evaluated())}, {"ℓ (" + series_.front() + ")", r.has_model() ? num(r.length_used()) : "–"}};
    for (size_t s = 0; s < series_.size(); ++s)
      rows.push_back({"regret " + series_[s], runs_[s].evaluated() ? num(runs_[s].regret()) : "–"});
    ui::readout_table("##bo", rows, 3);
    draw_toolbar(ctx.experiment.params());
    build_figure();
    ui::PlotGrid grid(3, 0);
    if (drawing_)
      draw_canvas(ctx.experiment.params(), grid.cell(0));
    else
      ui::draw_plot("posterior", figure_.plots[0], grid.cell(0));
    ui::draw_plot("acquisition", figure_.plots[1], grid.cell(1));
    ui::draw_plot("regret", figure_.plots[2], grid.cell(2));
    grid.end();
  }

 private:
  // The Draw button and its one-line hint (Draw mode: the hint says what the mouse does).
  void draw_toolbar(ParamSet& params) {
    if (ImGui::Button(drawing_ ? "Done drawing" : "Draw f")) {
      if (drawing_) {
        drawing_ = false;
      } else if (drawn_function_) {
        drawing_ = true;
      } else {  // function = drawn (its curve as the parameter holds it): the reset opens Draw mode
        ParamValue v = params.get(static_cast<size_t>(params.find("function")));
        v.choice = static_cast<int>(TestFunction::Drawn);
        report(params.set(static_cast<size_t>(params.find("function")), v));
      }
    }
    ui::record_item("button:bo_draw");
    if (drawing_) {
      ui::same_line_if_fits(ImGui::CalcTextSize("Default curve").x + 2 * ImGui::GetStyle().FramePadding.x);
      if (ImGui::Button("Default curve")) commit(params, kDefaultDrawnText);
    }
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0.0f);
    if (drawing_)
      ImGui::TextDisabled("Drag across the top plot to sketch f (%d points), or drag a point; right-drag pans. BO restarts on release; the link carries the curve.",
                          kDrawnSketchPoints);
    else
      ImGui::TextDisabled("Sketch your own 1-D function with the mouse and watch BO search it.");
    ImGui::PopTextWrapPos();
    if (!message_.empty()) ui::error_text(message_);
  }

  // The posterior plot as a canvas: control points as handles, a stroke while sketching.
  void draw_canvas(ParamSet& params, ImVec2 size) {
    const ui::PlotFrame f = ui::draw_plot("posterior", figure_.plots[0], size, ui::kWithHandles);
    const bool active = ImGui::IsItemActive();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float radius = 8.0f * ImGui::GetFontSize() / 15.0f;
    int hovered = -1;
    float nearest = radius * radius;
    for (size_t k = 0; k < draft_.x.size(); ++k) {
      const ImVec2 c = f.to_screen(draft_.x[k], draft_.y[k]);
      const float d2 = (mouse.x - c.x) * (mouse.x - c.x) + (mouse.y - c.y) * (mouse.y - c.y);
      if (f.hovered && d2 < nearest) nearest = d2, hovered = static_cast<int>(k);
    }
    const double x = std::clamp(f.mouse_x, 0.0, 1.0), y = std::clamp(f.mouse_y, kDrawnYMin, kDrawnYMax);
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      dragging_ = hovered;
      sketching_ = hovered < 0;
      sketch_x_.clear(), sketch_y_.clear();
    }
    if (dragging_ >= 0 && static_cast<size_t>(dragging_) < draft_.x.size()) move_point(static_cast<size_t>(dragging_), x, y);
    if (sketching_ && (sketch_x_.empty() || x != sketch_x_.back() || y != sketch_y_.back())) sketch_x_.push_back(x), sketch_y_.push_back(y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(f.min, f.max, true);
    for (size_t j = 1; j < sketch_x_.size(); ++j)
      dl->AddLine(f.to_screen(sketch_x_[j - 1], sketch_y_[j - 1]), f.to_screen(sketch_x_[j], sketch_y_[j]), IM_COL32(250, 184, 26, 255), 2.5f);
    for (size_t k = 0; k < draft_.x.size(); ++k) {
      const ImVec2 c = f.to_screen(draft_.x[k], draft_.y[k]);
      const bool hot = static_cast<int>(k) == hovered || static_cast<int>(k) == dragging_;
      dl->AddCircleFilled(c, hot ? 0.75f * radius : 0.5f * radius, IM_COL32(235, 235, 235, 255));
      dl->AddCircle(c, 0.75f * radius, IM_COL32(0, 0, 0, 170));
    }
    dl->PopClipRect();
    if (hovered >= 0 && dragging_ < 0 && !sketching_) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
      ImGui::SetTooltip("point %d: drag to move it", hovered + 1);
    } else if (f.hovered && dragging_ < 0) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    }
    // Released: the edited curve goes to the parameters (and restarts the runs).
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left) && (dragging_ >= 0 || sketching_)) {
      if (sketching_) draft_ = redraw_with_sketch(draft_, sketch_x_, sketch_y_);
      dragging_ = -1;
      sketching_ = false;
      sketch_x_.clear(), sketch_y_.clear();
      commit(params, format_drawn_curve(draft_));
    }
  }

  // Point k to (x, y): y in [−1, 1], x kept 2·kDrawnMinGap inside its neighbours (so that rounding
  // to 0.001 leaves it more than kDrawnMinGap from each), both rounded to 0.001 (a short link).
  void move_point(size_t k, double x, double y) {
    const size_t n = draft_.x.size();
    const double lo = k == 0 ? 0.0 : draft_.x[k - 1] + 2 * kDrawnMinGap, hi = k + 1 == n ? 1.0 : draft_.x[k + 1] - 2 * kDrawnMinGap;
    std::vector<double> xs = draft_.x, ys = draft_.y;
    if (lo <= hi) xs[k] = std::round(std::clamp(x, lo, hi) * 1000.0) / 1000.0;  // moves it at most 0.0005: still in [0, 1], 1.5·gap from each
    ys[k] = std::round(y * 1000.0) / 1000.0;
    if (check_drawn_points(xs, ys).ok()) draft_ = make_drawn_curve(std::move(xs), std::move(ys));
  }

  // function = drawn with the curve `text`, in one change (nothing when both are already so).
  void commit(ParamSet& params, const std::string& text) {
    const size_t fi = static_cast<size_t>(params.find("function")), di = static_cast<size_t>(params.find("drawn"));
    ParamValue function = params.get(fi), drawn = params.get(di);
    if (function.choice == static_cast<int>(TestFunction::Drawn) && drawn.text == text) return;
    function.choice = static_cast<int>(TestFunction::Drawn);
    drawn.text = text;
    report(params.assign({{fi, function}, {di, drawn}}));
  }
  void report(const Status& st) { message_ = st.ok() ? "" : st.message(); }

  void build_figure() {
    const BoRun& r = runs_.front();
    const FunctionInfo& fi = r.info();
    const std::string who = method_label(series_.front());
    plot::Plot post, acq, reg;
    const std::vector<double> next = r.to_box(r.proposal());
    if (r.dim() == 1) {
      post.title = who + ", run 1: posterior mean ± 2σ and the true f";
      post.x = {"x", plot::Scale::Linear, fi.lo[0], fi.hi[0]};
      post.y = {"f(x)"};
      plot::Line truth = plot::reference_line(drawn_function_ ? "drawn f" : "true f");
      const int g = r.grid_size();
      for (int i = 0; i < g; ++i) {
        const double x = r.to_box({(i + 0.5) / g})[0];  // the 1-D candidate grid
        truth.x.push_back(x);
        truth.y.push_back(drawn_function_ ? drawn_value(draft_, x) : r.objective()(&x));  // the draft: a dragged point shows at once
      }
      if (drawn_function_) post.y.cover_lo = kDrawnYMin, post.y.cover_hi = kDrawnYMax;  // the whole range a point may take
      post.lines.push_back(truth);
      acq.title = "Acquisition (" + who + ") and the next point";
      acq.x = post.x;
      acq.y = {"acquisition"};
      if (r.has_model()) {
        plot::Line mean{"posterior mean", truth.x, {}, {}, {}, palette(0), 2.0f};
        plot::Line a{who, truth.x, {}, {}, {}, palette(1), 2.0f};
        for (int i = 0; i < g; ++i) {
          const double m = r.posterior_mean()[i], sd = r.posterior_sd()[i];
          mean.y.push_back(m), mean.lo.push_back(m - 2 * sd), mean.hi.push_back(m + 2 * sd);
          a.y.push_back(r.acquisition()[i]);
        }
        post.lines.push_back(mean);
        acq.lines.push_back(a);
      }
      plot::Points seen{"evaluations", {}, {}, {0.95f, 0.95f, 0.95f, 1.0f}, 4.0f};
      for (size_t i = 0; i < r.points().size(); ++i) seen.x.push_back(r.to_box(r.points()[i])[0]), seen.y.push_back(r.values()[i]);
      post.points.push_back(seen);
      if (!r.done()) {
        plot::Guide g1;
        g1.value = next[0];
        g1.label = "next";
        post.guides.push_back(g1);
        acq.guides.push_back(g1);
      }
    } else {
      // 2-D: maps over the box; 3-D: the slice of the candidate grid's x₃ layer that holds the next point.
      const int side = r.grid_side();
      const int layer = r.dim() == 3 ? std::min(side - 1, static_cast<int>(r.proposal()[2] * side)) : 0;
      const int offset = layer * side * side;  // grid row of the slice's first cell
      const std::string slice = r.dim() == 3 ? ", slice x₃ = " + num(r.to_box({0.0, 0.0, (layer + 0.5) / side})[2]) : "";
      auto map = [&](const std::string& title, const std::string& label) {
        plot::Plot m;
        m.title = title;
        m.x = {"x₁", plot::Scale::Linear, fi.lo[0], fi.hi[0]};
        m.y = {"x₂", plot::Scale::Linear, fi.lo[1], fi.hi[1]};
        plot::Heatmap h;
        h.nx = h.ny = side;
        h.x0 = fi.lo[0], h.x1 = fi.hi[0], h.y0 = fi.lo[1], h.y1 = fi.hi[1];
        h.label = label;
        m.heatmaps.push_back(h);
        return m;
      };
      post = map((r.has_model() ? who + ", run 1: posterior mean of f" : "The true f (the GP starts after the initial design)") + slice, r.has_model() ? "μ_n" : "f");
      acq = map("Acquisition (" + who + ")" + slice, "acquisition");
      plot::Heatmap& hp = post.heatmaps[0];
      plot::Heatmap& ha = acq.heatmaps[0];
      for (int i = 0; i < side * side; ++i) {
        if (r.has_model()) {
          hp.values.push_back(static_cast<float>(r.posterior_mean()[offset + i]));
          ha.values.push_back(static_cast<float>(r.acquisition()[offset + i]));
        } else {
          std::vector<double> u{(i % side + 0.5) / side, (i / side + 0.5) / side};
          if (r.dim() == 3) u.push_back((layer + 0.5) / side);
          const std::vector<double> x = r.to_box(u);
          hp.values.push_back(static_cast<float>(r.objective()(x.data())));
        }
      }
      if (!r.has_model()) acq.heatmaps.clear();
      plot::Points seen{r.dim() == 3 ? "evaluations (every x₃)" : "evaluations", {}, {}, {0.95f, 0.95f, 0.95f, 1.0f}, 4.0f};
      for (const auto& u : r.points()) {
        const std::vector<double> x = r.to_box(u);
        seen.x.push_back(x[0]), seen.y.push_back(x[1]);
      }
      post.points.push_back(seen);
      if (!r.done()) {
        plot::Points nxt{"next", {next[0]}, {next[1]}, {1.0f, 0.3f, 0.3f, 1.0f}, 6.0f};
        post.points.push_back(nxt);
        acq.points.push_back(nxt);
      }
      post.equal_aspect = acq.equal_aspect = false;
    }
    if (!r.has_model()) {  // the initial design: nothing to draw yet, a fixed range and a note
      acq.y.min = 0.0, acq.y.max = 1.0;
      if (r.dim() >= 2) acq.x.min = fi.lo[0], acq.x.max = fi.hi[0], acq.y.min = fi.lo[1], acq.y.max = fi.hi[1];
      acq.annotations.push_back({0.5 * (acq.x.min + acq.x.max), 0.5 * (acq.y.min + acq.y.max), "the acquisition starts after the initial design"});
    }
    reg.title = "Run 1: simple regret min f(x_i) − f*";
    reg.x = {"evaluations t", plot::Scale::Linear, 1.0, static_cast<double>(evaluations_)};
    reg.y = {"simple regret", plot::Scale::Log};
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line l{series_[s], {}, regret_[s], {}, {}, palette(s), 2.0f};
      for (size_t t = 0; t < regret_[s].size(); ++t) l.x.push_back(static_cast<double>(t + 1));
      reg.lines.push_back(l);
    }
    figure_.title = "blackbox.bo, run 1";
    figure_.plots = {post, acq, reg};
  }

  static std::string method_label(const std::string& id) {
    static const std::vector<std::string> labels{"EI", "PI", "GP-UCB", "Thompson", "KG", "random search"};
    const auto& ids = bo_method_ids();
    return labels[static_cast<size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin())];
  }

  std::vector<std::string> series_;
  std::vector<BoRun> runs_;
  std::vector<std::vector<double>> regret_;  // (series, evaluations) run 1's simple regret
  int evaluations_ = 0;
  bool drawn_function_ = false;  // function = drawn at the last reset
  bool drawing_ = false;         // Draw mode: the posterior plot is a canvas
  DrawnCurve draft_;             // the curve shown and edited (the parameter's until a drag or sketch)
  int dragging_ = -1;            // control point being dragged
  bool sketching_ = false;
  std::vector<double> sketch_x_, sketch_y_;  // (stroke samples) the sketch so far, data units
  std::string message_;                      // the last rejected change's message
};

// ---------------------------------------------------------------------------------------------
// blackbox.nsga2: run 1 of each algorithm at the largest n, advanced to the same evaluation counts:
// the headline is front coverage (solid) and hypervolume ratio (dashed) against evaluations (the
// claim: when each algorithm covers the front); beside it both populations on the objective plane
// with the true front (ZDT in the problem's own, minimised f₁, f₂).
class Nsga2View final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const Nsga2Experiment&>(ctx.experiment);
    n_ = nsga2_n_grid(e.p()).back();
    benchmark_ = e.p().benchmark;
    series_ = e.p().series;
    cdf_ = flip_count_cdf(n_);
    settings_.clear(), runs_.clear(), rngs_.clear();
    target_ = nsga2_front(nsga2_settings(e.p(), series_.front(), n_), e.p().front_tolerance);
    for (size_t s = 0; s < series_.size(); ++s) {
      settings_.push_back(nsga2_settings(e.p(), series_[s], n_));
      rngs_.emplace_back(ctx.seed, 0, kNsgaStream + salt_of_size(n_) + static_cast<uint32_t>(s));  // the experiment's stream of run 1
      runs_.emplace_back(settings_.back(), target_, rngs_.back());
    }
    stops_ = plot::log_spaced_counts(nsga2_budget(e.p(), n_), kLiveFrames);
    next_ = 0;
    coverage_.assign(series_.size(), {});
    hypervolume_.assign(series_.size(), {});
    evaluations_.assign(series_.size(), {});
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override {
    if (next_ >= stops_.size()) return true;
    for (const Nsga2Search& r : runs_)
      if (r.covered() < targets()) return false;
    return true;
  }
  std::string status() const override {
    char s[80];
    std::snprintf(s, sizeof s, "%s evaluations", num(next_ < stops_.size() ? stops_[next_] : stops_.back()).c_str());
    return s;
  }
  double steps_done() const override { return static_cast<double>(next_); }
  double steps_total() const override { return static_cast<double>(stops_.size()); }
  void advance(const ui::ViewContext&, int steps) override {
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < steps && next_ < stops_.size(); ++k) {
      for (size_t s = 0; s < runs_.size(); ++s)
        while (runs_[s].covered() < targets() && runs_[s].evaluations() < static_cast<long long>(stops_[next_])) {
          runs_[s].step(target_, cdf_, rngs_[s]);
          if (out_of_time(start)) return;  // this stop continues on the next frame
        }
      ++next_;
      record();
    }
  }

  void draw(ui::ViewContext&) override {
    std::vector<std::pair<std::string, std::string>> rows{{"n", std::to_string(n_)}};
    for (size_t s = 0; s < series_.size(); ++s) {
      const Nsga2Search& r = runs_[s];  // concurrent: the instance holding the most front values, of all started
      const std::string of = settings_[s].concurrent ? " (τ = " + std::to_string(r.started() ? r.shown_settings().tau : 0) + ", " + std::to_string(r.instances()) + " runs)" : "";
      rows.push_back({series_[s] + " population", std::to_string(r.started() ? r.shown().size : 0) + of});
      rows.push_back({series_[s] + " front", std::to_string(r.covered()) + " / " + std::to_string(targets())});
      rows.push_back({series_[s] + " HV ratio", num(hypervolume_[s].back())});
    }
    ui::readout_table("##nsga2", rows, 3);
    build_figure();
    ui::PlotGrid grid(2, 0);
    ui::draw_plot("coverage", figure_.plots[0], grid.cell(0));
    ui::draw_plot("plane", figure_.plots[1], grid.cell(1));
    grid.end();
  }

 private:
  static constexpr size_t kFrontDrawn = 400;  // points of a dense (ZDT) front drawn

  int targets() const { return static_cast<int>(target_.f1.size()); }
  // The plane shows the problem's own objectives: maximised counts on bits, minimised f on ZDT.
  double shown(double internal) const { return real_coded(benchmark_) ? -internal : internal; }

  void record() {
    for (size_t s = 0; s < runs_.size(); ++s) {
      const Nsga2Search& r = runs_[s];
      if (!evaluations_[s].empty() && evaluations_[s].back() == static_cast<double>(r.evaluations())) continue;
      evaluations_[s].push_back(static_cast<double>(r.evaluations()));
      coverage_[s].push_back(static_cast<double>(r.covered()) / targets());
      hypervolume_[s].push_back(r.started() ? population_hypervolume(target_, r.shown()) / target_.hypervolume : 0.0);
    }
  }

  void build_figure() {
    plot::Plot plane, cov;
    plane.title = std::string("Run 1 at n = ") + std::to_string(n_) + ": the populations on the objective plane (" + benchmark_label(benchmark_) + ")";
    plot::Points front{"true Pareto front", {}, {}, plot::kReferenceGrey, real_coded(benchmark_) ? 1.5f : 2.5f};
    const size_t stride = std::max<size_t>(1, target_.curve1.size() / kFrontDrawn);
    for (size_t i = 0; i < target_.curve1.size(); i += stride) front.x.push_back(shown(target_.curve1[i])), front.y.push_back(shown(target_.curve2[i]));
    plane.points.push_back(front);
    if (real_coded(benchmark_)) {  // minimised; f₂ starts near 1 + 9·½ = 5.5 and falls towards the front
      plane.x = {"f₁", plot::Scale::Linear, 0.0, 1.0};
      plane.y = {"f₂"};
      plane.y.cover_lo = std::min(0.0, *std::min_element(front.y.begin(), front.y.end())), plane.y.cover_hi = 1.0;
      plane.equal_aspect = false;
    } else {
      const double top = n_ + 2.0 * (benchmark_ == Benchmark::OneJumpZeroJump ? settings_.front().jump : 0);
      plane.x = {"f₁", plot::Scale::Linear, -0.5, top + 0.5};
      plane.y = {"f₂", plot::Scale::Linear, -0.5, top + 0.5};
      plane.equal_aspect = true;
    }
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Points p{series_[s], {}, {}, palette(s), s == 0 ? 5.0f : 3.0f};
      if (runs_[s].started())
        for (const Individual& ind : runs_[s].shown().population) p.x.push_back(shown(ind.f1)), p.y.push_back(shown(ind.f2));
      plane.points.push_back(p);
    }
    cov.title = "Front coverage and hypervolume ratio";
    cov.x = {"evaluations", plot::Scale::Log};
    cov.y = {"fraction", plot::Scale::Linear, 0.0, 1.0};
    cov.x.cover_lo = 1, cov.x.cover_hi = stops_.back();
    // One legend entry per algorithm (its colour on the plane too). The records are sparse (a record
    // only where the run moved, and a classic generation is 4(n + 1) evaluations: far apart on the log
    // axis at first): coverage is drawn as the step function it is, with one dot at the latest record
    // (where the run is now), so a run with a single record still reads. (A dot at every record hid
    // the line between close records: the curve read as isolated dots.)
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line step{series_[s], {}, {}, {}, {}, palette(s), 2.0f};
      plot::Points dots{series_[s] + " coverage", {}, {}, palette(s), 3.0f};
      dots.group = series_[s];
      for (size_t i = 0; i < evaluations_[s].size(); ++i) {
        if (evaluations_[s][i] < 1) continue;  // before the first population (off the log axis)
        if (!step.x.empty()) step.x.push_back(evaluations_[s][i]), step.y.push_back(step.y.back());
        step.x.push_back(evaluations_[s][i]), step.y.push_back(coverage_[s][i]);
      }
      if (!step.x.empty()) dots.x.push_back(step.x.back()), dots.y.push_back(step.y.back());
      plot::Line hv{series_[s] + " HV ratio", evaluations_[s], hypervolume_[s], {}, {}, palette(s), 1.5f};
      hv.dash = plot::Dash::Dashed;
      hv.group = series_[s];
      cov.lines.push_back(step);
      cov.lines.push_back(hv);
      cov.points.push_back(dots);
    }
    // A key to the two strokes, in grey (no data: legend entries only).
    cov.lines.push_back(plot::reference_line("coverage"));
    cov.lines.back().dash = plot::Dash::Solid;
    cov.lines.push_back(plot::reference_line("HV ratio"));
    figure_.title = "blackbox.nsga2, run 1";
    figure_.plots = {cov, plane};  // the headline first
  }

  int n_ = 0;
  Benchmark benchmark_ = Benchmark::OneMinMax;
  std::vector<std::string> series_;
  std::vector<double> cdf_;
  std::vector<Nsga2Settings> settings_;
  std::vector<Rng> rngs_;
  std::vector<Nsga2Search> runs_;  // (series) a run, or the concurrent runs
  FrontTarget target_;
  std::vector<double> stops_;
  size_t next_ = 0;
  std::vector<std::vector<double>> coverage_, hypervolume_, evaluations_;  // (series, records)
};

// ---------------------------------------------------------------------------------------------
// blackbox.private_gsd: run 1 at every ε of the grid at once. Every (ε, method) run advances by the
// same share of its work per step, so the headline curve (max error against ε) exists from the first
// frames and falls as the rounds proceed; each run is independent of the others (its own ε index and
// streams), so the final curve is run 1's whatever the order. The largest ε's synthetic data is drawn
// over the real points.
class PgsdView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const PgsdExperiment&>(ctx.experiment);
    params_ = e.p();
    seed_ = ctx.seed;
    problem_ = make_private_problem(params_, seed_, 0);
    grid_ = pgsd_eps_grid(params_);
    series_.clear();
    for (const std::string& id : params_.series)
      if (id != "mwem" || pgsd_mwem_feasible(params_)) series_.push_back(id);
    skipped_ = series_.size() < params_.series.size() ? pgsd_mwem_skip_reason(params_) : "";
    cells_.clear();
    real_marginal_.clear();
    if (!problem_->levels.empty()) {  // categorical: the heat maps show the marginal of attributes 1, 2
      cells_ = marginal_cells(problem_->levels, {0, 1});
      real_marginal_ = query_answers(cells_, problem_->real);
    }
    runs_.clear();
    runs_.resize(grid_.size());
    for (size_t k = 0; k < grid_.size(); ++k)
      for (const std::string& s : series_) runs_[k].emplace_back(params_, s, grid_[k], k, problem_, seed_, 0);
    frame_ = 0;
    measure();
  }
  bool animates() const override { return true; }
  bool finished() const override {
    for (const auto& at_eps : runs_)
      for (const PrivateRun& r : at_eps)
        if (!r.done()) return false;
    return true;
  }
  std::string status() const override {
    if (finished()) return "all " + std::to_string(grid_.size()) + " budgets done";
    const PrivateRun& r = shown_runs().front();
    return "all " + std::to_string(grid_.size()) + " ε at once, round " +
           std::to_string(std::min(params_.rounds, r.units_done() / r.units_per_round() + 1)) + " / " + std::to_string(params_.rounds);
  }
  double steps_done() const override { return static_cast<double>(frame_); }
  double steps_total() const override { return static_cast<double>(frames_total()); }
  void advance(const ui::ViewContext&, int steps) override {
    if (finished()) return;
    for (int i = 0; i < steps && !finished(); ++i) {
      ++frame_;
      for (auto& at_eps : runs_)
        for (PrivateRun& r : at_eps) {
          // Each run reaches the share frame_/frames_total() of its units at this frame.
          const long long target = (static_cast<long long>(r.units_total()) * frame_ + frames_total() - 1) / frames_total();
          while (!r.done() && r.units_done() < target) r.step();
        }
    }
    measure();
  }

  void draw(ui::ViewContext&) override {
    const std::vector<PrivateRun>& shown = shown_runs();
    std::vector<std::pair<std::string, std::string>> rows{{"ε (data plots)", num(grid_.back())},
                                                          {"σ per answer", num(shown.front().noise_sd())},
                                                          {"measured", std::to_string(shown.front().measurements().index.size()) + " / " + std::to_string(problem_->queries.size())}};
    for (size_t s = 0; s < series_.size(); ++s) rows.push_back({"max error " + series_[s], num(max_error_.back()[s])});
    if (!problem_->all_queries.empty()) {  // a random subset of the marginals asked: the error on all of them too
      rows.push_back({"asked", std::to_string(problem_->asked_sets.size()) + " random marginals, " + std::to_string(problem_->queries.size()) + " of " +
                                   std::to_string(problem_->all_queries.size()) + " cells"});
      for (size_t s = 0; s < series_.size(); ++s) rows.push_back({"max error, all cells, " + series_[s], num(max_error_all_[s])});
    }
    if (!skipped_.empty()) rows.push_back({"skipped", skipped_});
    ui::readout_table("##pgsd", rows, 3);
    build_figure();
    ui::PlotGrid grid(static_cast<int>(figure_.plots.size()), 0);
    for (size_t i = 0; i < figure_.plots.size(); ++i) ui::draw_plot(("pgsd" + std::to_string(i)).c_str(), figure_.plots[i], grid.cell(static_cast<int>(i)));
    grid.end();
  }

 private:
  static constexpr int kFramesPerBudget = 48;  // view steps per ε (the whole grid advances together)
  static constexpr size_t kRealShown = 800;    // real points drawn (of n)

  int frames_total() const { return kFramesPerBudget * static_cast<int>(grid_.size()); }
  // The runs at the largest ε: the data plots and the read-outs show them.
  const std::vector<PrivateRun>& shown_runs() const { return runs_.back(); }

  // The max errors of every run now (asked queries), and of the largest ε's on every cell when a
  // random subset of the marginals is asked, once per advance(): draw() reads them every frame.
  void measure() {
    max_error_.assign(grid_.size(), std::vector<double>(series_.size(), 0.0));
    max_error_all_.assign(series_.size(), 0.0);
    double mean = 0;
    for (size_t k = 0; k < grid_.size(); ++k)
      for (size_t s = 0; s < series_.size(); ++s) runs_[k][s].errors(&max_error_[k][s], &mean);
    if (!problem_->all_queries.empty())
      for (size_t s = 0; s < series_.size(); ++s) shown_runs()[s].errors_on_all(&max_error_all_[s], &mean);
  }

  void build_figure() {
    plot::Plot errors;
    errors.title = "Run 1: max query error vs privacy budget ε";
    errors.x = {"ε", plot::Scale::Log};
    errors.x.cover_lo = grid_.front(), errors.x.cover_hi = grid_.back();
    errors.y = {"max error over the m queries", plot::Scale::Log};
    // 1-2-5 ticks on every decade, so that small errors (ε = 1: about 0.05) have labels beside them.
    for (double decade = 1e-4; decade < 5.0; decade *= 10.0)
      for (double m : {1.0, 2.0, 5.0}) errors.y.ticks.push_back({m * decade, plot::format_number(m * decade)});
    const bool running = !finished();
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line l{pgsd_series_label(series_[s]), grid_, {}, {}, {}, palette(s), 2.0f};
      for (size_t k = 0; k < grid_.size(); ++k) l.y.push_back(max_error_[k][s]);
      if (running) {  // markers while the errors still move (the curve is the rounds done so far)
        plot::Points now{pgsd_series_label(series_[s]), l.x, l.y, palette(s), 4.0f};
        now.group = l.name;
        errors.points.push_back(now);
      }
      errors.lines.push_back(l);
    }
    figure_.plots = {errors};
    if (!cells_.empty()) {
      add_marginal_maps();
      return;
    }
    plot::Points real{"real data", {}, {}, {0.55f, 0.55f, 0.55f, 0.7f}, 1.5f};
    const size_t stride = std::max<size_t>(1, problem_->real.size() / kRealShown);
    for (size_t i = 0; i < problem_->real.size(); i += stride) real.x.push_back(problem_->real[i][0]), real.y.push_back(problem_->real[i][1]);
    for (size_t s = 0; s < series_.size(); ++s) {
      const SyntheticData d = shown_runs()[s].synthesizer().data();
      plot::Plot m;
      m.title = pgsd_series_label(series_[s]) + " at ε = " + num(grid_.back());
      if (params_.dims > 2) m.title += ", attributes 1, 2 of " + std::to_string(params_.dims);
      m.x = {"x₁", plot::Scale::Linear, 0.0, 1.0};
      m.y = {"x₂", plot::Scale::Linear, 0.0, 1.0};
      m.equal_aspect = false;  // the unit square fills its cell (squares would be too narrow in four-plot layouts)
      if (d.grid > 0) {
        plot::Heatmap h;
        h.nx = h.ny = d.grid;
        h.values.assign(d.weights.begin(), d.weights.end());
        h.smooth = false;
        h.label = "MWEM weight";
        m.heatmaps.push_back(h);
      }
      m.points.push_back(real);
      if (!d.points.v.empty()) {
        plot::Points syn{"synthetic (N = " + std::to_string(d.points.size()) + ")", {}, {}, palette(s), 3.0f};
        for (size_t i = 0; i < d.points.size(); ++i) syn.x.push_back(d.points[i][0]), syn.y.push_back(d.points[i][1]);
        m.points.push_back(syn);
      }
      figure_.plots.push_back(m);
    }
    figure_.title = "blackbox.private_gsd, run 1";
  }

  // Categorical data: the real marginal of attributes 1, 2 and each method's, as heat maps on one colour scale.
  void add_marginal_maps() {
    std::vector<std::vector<double>> maps{real_marginal_};
    std::vector<std::string> titles{"real data"};
    for (size_t s = 0; s < series_.size(); ++s) {
      maps.push_back(shown_runs()[s].synthesizer().answers(cells_));
      titles.push_back(pgsd_series_label(series_[s]) + " at ε = " + num(grid_.back()));
    }
    double top = 0.0;
    for (const auto& m : maps) top = std::max(top, *std::max_element(m.begin(), m.end()));
    const int s1 = problem_->levels[0], s2 = problem_->levels[1];
    for (size_t k = 0; k < maps.size(); ++k) {
      plot::Plot m;
      m.title = titles[k] + ": 2-way marginal of attributes 1, 2";
      m.x = {"x₁ (category)", plot::Scale::Linear, -0.5, s1 - 0.5};
      m.y = {"x₂ (category)", plot::Scale::Linear, -0.5, s2 - 0.5};
      for (int v = 0; v < s1; ++v) m.x.ticks.push_back({static_cast<double>(v), std::to_string(v)});
      for (int v = 0; v < s2; ++v) m.y.ticks.push_back({static_cast<double>(v), std::to_string(v)});
      plot::Heatmap h;
      h.nx = s1, h.ny = s2;
      h.x0 = -0.5, h.x1 = s1 - 0.5, h.y0 = -0.5, h.y1 = s2 - 0.5;
      h.values.assign(maps[k].begin(), maps[k].end());
      h.vmin = 0.0, h.vmax = top;
      h.smooth = false;
      h.label = "fraction of rows";
      m.heatmaps.push_back(h);
      figure_.plots.push_back(m);
    }
    figure_.title = "blackbox.private_gsd, run 1";
  }

  PgsdParams params_;
  uint64_t seed_ = 0;
  std::shared_ptr<const PrivateProblem> problem_;
  std::vector<double> grid_;
  std::vector<std::string> series_;  // the chosen methods that run (MWEM not above its largest grid)
  std::string skipped_;              // why MWEM does not run, or empty
  std::vector<Query> cells_;         // categorical data: the cells of the marginal of attributes 1, 2 (s₁·s₂), else empty
  std::vector<double> real_marginal_;  // (s₁·s₂) their real answers
  std::vector<std::vector<PrivateRun>> runs_;     // (ε, series)
  std::vector<std::vector<double>> max_error_;    // (ε, series) max errors on the asked queries (measure())
  std::vector<double> max_error_all_;             // (series) the largest ε's max errors on every cell
  int frame_ = 0;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "blackbox.es") return std::make_unique<EsView>();
  if (demo_id == "blackbox.bo") return std::make_unique<BoView>();
  if (demo_id == "blackbox.nsga2") return std::make_unique<Nsga2View>();
  if (demo_id == "blackbox.private_gsd") return std::make_unique<PgsdView>();
  return nullptr;
}

}  // namespace klab::blackbox
