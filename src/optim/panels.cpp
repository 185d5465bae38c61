// The optim chapter's live views: widgets, plots and drag handles only; every number comes from
// the chapter's experiment code (MixtureRun, the same code the CLI and the tests run).
#include "optim/panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/divergences.hpp"
#include "core/lab_math.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "imgui.h"
#include "optim/bilevel_experiment.hpp"
#include "optim/halpern_experiment.hpp"
#include "optim/lion_experiment.hpp"
#include "optim/mixture_experiment.hpp"
#include "optim/online_experiment.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::optim {
namespace {

constexpr int kLiveFrames = 90;  // log-spaced sample (mixture) or oracle-call (halpern) counts the live run stops at, one view step each
constexpr double kMaxLiveEmWork = 2e6;  // EM is refitted live only while n·M stays below this (else: Runs tab)
constexpr double kSimplexHeight = 0.8660254037844386;
constexpr int kMapCells = 96;  // optim.mixture on 2-D bumps: heat map cells per axis

std::string num(double v) { return plot::format_number(v); }

// Whether ui::PlotGrid will stack the plots one per row (a phone): fewer than two minimum cells fit.
bool phone_width() { return ImGui::GetContentRegionAvail().x < 2 * ui::kMinCellWidthEm * ImGui::GetFontSize(); }

// A start point to drag on a plot drawn with ui::kWithHandles (the item just drawn): draws the handle
// at data point (x, y), shows `tooltip` when the mouse is near it, and returns true while the left
// button drags it (the new position is then f.mouse_x, f.mouse_y). `dragging` keeps the state.
bool drag_handle(const ui::PlotFrame& f, double x, double y, const std::string& tooltip, bool* dragging) {
  const bool active = ImGui::IsItemActive();
  const ImVec2 handle = f.to_screen(x, y);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool near = (mouse.x - handle.x) * (mouse.x - handle.x) + (mouse.y - handle.y) * (mouse.y - handle.y) < 120.0f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCircleFilled(handle, near || *dragging ? 7.5f : 6.0f, IM_COL32(245, 245, 245, 255));
  dl->AddCircle(handle, 7.5f, IM_COL32(0, 0, 0, 180), 0, 1.5f);
  if (near && f.hovered) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
    ImGui::SetTooltip("%s", tooltip.c_str());
  }
  if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) *dragging = near;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) *dragging = false;
  return *dragging;
}

// Sets two real parameters at once (one new run), rounded for their range.
void set_pair(ParamSet& ps, const char* kx, double x, const char* ky, double y) {
  ParamValue a, b;
  a.real = x;
  b.real = y;
  (void)ps.assign({{static_cast<size_t>(ps.find(kx)), a}, {static_cast<size_t>(ps.find(ky)), b}});
}

// ---------------------------------------------------------------------------------------------
// optim.mixture: one run, sample by sample; the headline is KL(p‖p̂_n) against n; beside it, with
// M = 3, the estimates move on the simplex and the start w₀ of the SMD methods is a handle to drag;
// with 2-D bumps the target density and the shown method's current estimate are heat maps side by side.
class MixtureView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const MixtureExperiment&>(ctx.experiment);
    run_ = std::make_unique<MixtureRun>(e.p(), ctx.seed, 0);
    stops_ = plot::log_spaced_counts(e.p().samples, kLiveFrames);
    next_ = 0;
    series_ = e.p().methods;
    history_ = History{};
    history_.w.assign(series_.size(), {});
    history_.kl.assign(series_.size(), {});
    landscape_.values.clear();
    const auto entropic = std::find(series_.begin(), series_.end(), "smd_entropic");
    shown_ = entropic == series_.end() ? 0 : static_cast<size_t>(entropic - series_.begin());
    estimate_map_ = plot::Heatmap{};
    if (run_->model().dictionary == Dictionary::Bumps2d) target_map_ = mixture_density_map(run_->model(), run_->model().target, kMapCells);
    record();  // n = 0: the start
  }
  bool animates() const override { return true; }
  bool finished() const override { return next_ >= stops_.size(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "n = %lld / %s", run_ ? run_->samples_seen() : 0LL, num(stops_.empty() ? 0 : stops_.back()).c_str());
    return s;
  }
  double steps_done() const override { return static_cast<double>(next_); }
  double steps_total() const override { return static_cast<double>(stops_.size()); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && next_ < stops_.size(); ++k) {
      while (run_->samples_seen() < static_cast<long long>(stops_[next_])) run_->step();
      ++next_;
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<MixtureExperiment&>(ctx.experiment);
    const MixtureModel& m = run_->model();
    std::vector<std::pair<std::string, std::string>> rows{{"samples n", num(static_cast<double>(run_->samples_seen()))}};
    for (size_t s = 0; s < series_.size(); ++s)
      rows.push_back({"KL(p‖p̂) " + series_[s], history_.kl[s].empty() ? "–" : num(history_.kl[s].back())});
    ui::readout_table("##mixture", rows, 3);
    build_figure(e);
    // Two plots: the headline, KL against n (the Look-for line's slope and floor), and the estimates
    // beside it (an equal-aspect picture needs the cell's whole height); the ℓ₂ error is in the Runs tab.
    ui::PlotGrid grid(2, 0);
    ui::draw_plot("kl", figure_.plots[0], grid.cell(0));
    const bool simplex = m.dictionary == Dictionary::Categorical && m.components == 3;
    if (simplex) {
      draw_simplex(e, grid.cell(1));
    } else if (m.dictionary == Dictionary::Bumps2d) {
      draw_maps(grid.cell(1));
    } else {
      ui::draw_plot("estimate", figure_.plots[1], grid.cell(1));
    }
    grid.end();
  }

 private:
  struct History {
    std::vector<double> n;                            // sample counts recorded
    std::vector<std::vector<std::vector<double>>> w;  // (methods, records, M) estimates
    std::vector<std::vector<double>> kl;              // (methods, records); NaN: not computed (KL = ∞ or EM skipped)
  };

  void record() {
    const long long n = run_->samples_seen();
    history_.n.push_back(static_cast<double>(n));
    std::vector<double> w;
    const double em_work = static_cast<double>(n) * run_->model().components;
    for (size_t s = 0; s < series_.size(); ++s) {
      const bool skip = series_[s] == "em" && (em_work > kMaxLiveEmWork || n == 0);
      const bool batch = series_[s] == "em" || series_[s] == "frequency";
      if (skip || (batch && n == 0)) {
        history_.w[s].push_back({});
        history_.kl[s].push_back(NAN);
        continue;
      }
      run_->estimate(s, w);
      const Errors err = estimation_errors(run_->model(), w.data());
      history_.w[s].push_back(run_->model().components <= 64 ? w : std::vector<double>{});
      if (run_->model().components > 64) last_w_.resize(series_.size()), last_w_[s] = w;
      history_.kl[s].push_back(std::isfinite(err.kl) ? err.kl : NAN);
      if (s == shown_ && run_->model().dictionary == Dictionary::Bumps2d) estimate_map_ = mixture_density_map(run_->model(), w, kMapCells);
    }
  }

  // One colour scale for both maps: the target's largest value.
  plot::Plot map_plot(const std::string& title, const plot::Heatmap& map) const {
    return mixture_map_plot(title, map, *std::max_element(target_map_.values.begin(), target_map_.values.end()));
  }

  // The target and the estimate side by side in one cell (stacked where the cell is tall).
  void draw_maps(ImVec2 size) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const bool side_by_side = size.x >= size.y;
    const ImVec2 half = side_by_side ? ImVec2((size.x - gap) * 0.5f, size.y) : ImVec2(size.x, (size.y - gap) * 0.5f);
    ui::draw_plot("target", figure_.plots[2], half);
    ImGui::SetCursorScreenPos(side_by_side ? ImVec2(origin.x + half.x + gap, origin.y) : ImVec2(origin.x, origin.y + half.y + gap));
    ui::draw_plot("estimate", figure_.plots[1], half);
  }

  // The current estimate of method s (the last one recorded), empty if none.
  const std::vector<double>& current(size_t s) const {
    static const std::vector<double> none;
    if (run_->model().components > 64) return s < last_w_.size() ? last_w_[s] : none;
    for (auto it = history_.w[s].rbegin(); it != history_.w[s].rend(); ++it)
      if (!it->empty()) return *it;
    return none;
  }

  void build_figure(const MixtureExperiment& e) {
    const MixtureModel& m = run_->model();
    const bool categorical = m.dictionary == Dictionary::Categorical;
    plot::Plot est;
    if (categorical && m.components == 3) {
      est = simplex_plot(m);
    } else if (categorical) {
      est.title = "Target p and the current estimates";
      est.x = {"category i"};
      est.y = {"weight", plot::Scale::Linear, 0.0, plot::kAuto};
      plot::Line target = plot::reference_line("target p");
      for (int i = 0; i < m.components; ++i) target.x.push_back(i + 1), target.y.push_back(m.target[static_cast<size_t>(i)]);
      target.dash = plot::Dash::Solid;
      est.lines.push_back(target);
      for (size_t s = 0; s < series_.size(); ++s) {
        const std::vector<double>& w = current(s);
        plot::Line l{series_[s], target.x, w, {}, {}, palette(s), 1.5f};
        if (!w.empty()) est.lines.push_back(l);
      }
    } else if (m.dictionary == Dictionary::Bumps2d) {
      est = map_plot("p̂_n of " + series_[shown_] + " at n = " + num(static_cast<double>(run_->samples_seen())), estimate_map_);
    } else {
      est.title = "Target density and the current estimates";
      est.x = {"x"};
      est.y = {"density", plot::Scale::Linear, 0.0, plot::kAuto};
      std::vector<double> f(static_cast<size_t>(m.components));
      plot::Line target = plot::reference_line("target p");
      target.dash = plot::Dash::Solid;
      target.width = 3.0f;
      std::vector<plot::Line> fits;
      for (size_t s = 0; s < series_.size(); ++s) fits.push_back({series_[s], {}, {}, {}, {}, palette(s), 1.5f});
      for (int g = 0; g < 160; ++g) {
        const double x = -4.0 * m.width + (1.0 + 8.0 * m.width) * g / 159.0;
        evaluate_components(m, {x, 0.0}, f.data());
        target.x.push_back(x);
        target.y.push_back(mixture_density(m.target.data(), f.data(), m.components));
        for (size_t s = 0; s < series_.size(); ++s) {
          const std::vector<double>& w = current(s);
          if (w.empty()) continue;
          fits[s].x.push_back(x);
          fits[s].y.push_back(mixture_density(w.data(), f.data(), m.components));
        }
      }
      est.lines.push_back(target);
      for (const plot::Line& l : fits)
        if (!l.x.empty()) est.lines.push_back(l);
    }
    plot::Plot kl;
    kl.title = "This run: KL(p‖p̂_n)";
    kl.x = {"samples n", plot::Scale::Log};
    kl.y = {"KL(p‖p̂_n)", plot::Scale::Log};
    kl.x.cover_lo = 1;
    kl.x.cover_hi = static_cast<double>(e.p().samples);
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line a{series_[s], {}, {}, {}, {}, palette(s), 2.0f};
      for (size_t k = 1; k < history_.n.size(); ++k) a.x.push_back(history_.n[k]), a.y.push_back(history_.kl[s][k]);  // from n = 1 (log axes)
      kl.lines.push_back(a);
    }
    const plot::Line rate = mixture_kl_rate(m, plot::log_spaced_counts(e.p().samples, 20));
    if (!rate.x.empty()) kl.lines.push_back(rate);
    // Euclidean SMD keeps every w_i ≥ δ = floor/M, so the Z zero categories hold at least Zδ and
    // KL(p‖w) ≥ −ln(1 − Zδ) for every w it can reach (README, optim.mixture claim 1): its floor.
    const long zeros = categorical ? std::count(m.target.begin(), m.target.end(), 0.0) : 0;
    if (zeros > 0 && std::find(series_.begin(), series_.end(), "smd_euclidean") != series_.end()) {
      const double bound = -math::log(1.0 - static_cast<double>(zeros) * e.p().floor / m.components);
      // A grey reference line named in the legend, not a guide labelled on the data: the curves cross
      // the floor's level across the whole width (the entropic ones on their way below it).
      kl.lines.push_back(plot::reference_line("Euclidean floor −ln(1 − Zδ) = " + num(bound), {1.0, static_cast<double>(e.p().samples)}, {bound, bound}));
    }
    if (!categorical && history_.n.size() > 1 && std::isfinite(history_.kl[shown_].back())) {
      // Bumps: the paper's constant is not known here (README): a slope −1 guide (∝ 1/n) through the shown method's last KL.
      plot::Line guide = plot::reference_line("slope −1 guide (∝ 1/n)");
      const double n_end = history_.n.back(), kl_end = history_.kl[shown_].back();
      for (double n : plot::log_spaced_counts(e.p().samples, 20)) guide.x.push_back(n), guide.y.push_back(kl_end * n_end / n);
      kl.lines.push_back(guide);
    }
    figure_.title = "optim.mixture, run 1";
    figure_.plots = {kl, est};  // the headline first
    if (m.dictionary == Dictionary::Bumps2d) figure_.plots.push_back(map_plot("Target density p (a ring and a central peak)", target_map_));
  }

  plot::Plot simplex_plot(const MixtureModel& m) {
    plot::Plot s;
    s.title = "The estimates on the simplex (drag the start w₀)";
    s.frame = plot::Frame::Simplex;
    s.corners = {"1", "2", "3"};
    s.x = {"", plot::Scale::Linear, 0.0, 1.0};
    s.y = {"", plot::Scale::Linear, 0.0, kSimplexHeight};
    if (landscape_.values.empty()) {
      landscape_.nx = 150;
      landscape_.ny = 130;
      landscape_.y1 = kSimplexHeight;
      landscape_.vmin = 0.0;
      landscape_.vmax = 1.5;
      landscape_.label = "KL(p‖w), clipped at 1.5";
      for (int j = 0; j < landscape_.ny; ++j)
        for (int i = 0; i < landscape_.nx; ++i) {
          const auto b = plot::simplex_barycentric((i + 0.5) / landscape_.nx, (j + 0.5) / landscape_.ny * kSimplexHeight);
          const bool inside = b[0] >= 0 && b[1] >= 0 && b[2] >= 0;
          landscape_.values.push_back(inside ? static_cast<float>(std::min(1.5, kl_categorical(m.target.data(), b.data(), 3))) : NAN);
        }
    }
    s.heatmaps.push_back(landscape_);
    for (size_t k = 0; k < series_.size(); ++k) {
      plot::Line path{series_[k], {}, {}, {}, {}, palette(k), 1.5f};
      for (const std::vector<double>& w : history_.w[k]) {
        if (w.empty()) continue;
        const auto xy = plot::simplex_xy(w[0], w[1], w[2]);
        path.x.push_back(xy[0]);
        path.y.push_back(xy[1]);
      }
      if (path.x.empty()) continue;
      s.points.push_back({"", {path.x.back()}, {path.y.back()}, palette(k), 5.0f, series_[k]});
      s.lines.push_back(path);
    }
    const auto target = plot::simplex_xy(m.target[0], m.target[1], m.target[2]);
    s.points.push_back({"target p", {target[0]}, {target[1]}, plot::kReferenceGrey, 6.0f});
    return s;
  }

  // The simplex with the start handle: dragging it sets the parameter `start` (a new run).
  void draw_simplex(MixtureExperiment& e, ImVec2 size) {
    const ui::PlotFrame f = ui::draw_plot("estimate", figure_.plots[1], size, ui::kWithHandles);
    const std::vector<double>& w0 = run_->start();
    const auto xy = plot::simplex_xy(w0[0], w0[1], w0[2]);
    char tip[96];
    std::snprintf(tip, sizeof tip, "start w₀ = (%.3f, %.3f, %.3f): drag to move", w0[0], w0[1], w0[2]);
    if (!drag_handle(f, xy[0], xy[1], tip, &dragging_)) return;
    // w₀ ∝ (start_1, start_2, 1): the odds of the first two corners against the third.
    std::array<double, 3> b = plot::simplex_barycentric(f.mouse_x, f.mouse_y);
    for (double& v : b) v = std::max(v, 1e-3);  // weights 0 are absorbing: the odds stay in [1e-3, 1e3]
    set_pair(e.params(), "start_1", plot::round_for_range(std::clamp(b[0] / b[2], 1e-3, 1e3), 0.0, true), "start_2",
             plot::round_for_range(std::clamp(b[1] / b[2], 1e-3, 1e3), 0.0, true));
  }

  std::unique_ptr<MixtureRun> run_;
  std::vector<std::string> series_;
  std::vector<double> stops_;
  size_t next_ = 0;
  History history_;
  std::vector<std::vector<double>> last_w_;  // (methods, M) for M > 64 (not kept in the history)
  plot::Heatmap landscape_;
  size_t shown_ = 0;                       // the method whose estimate the 2-D map shows: entropic SMD, else the first
  plot::Heatmap target_map_, estimate_map_;  // bumps2d: p and p̂_n of method shown_
  bool dragging_ = false;
};

// ---------------------------------------------------------------------------------------------
// optim.lion: every method's iterates over the contour of f; the start is a handle to drag.
class LionView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const LionExperiment&>(ctx.experiment);
    run_ = std::make_unique<LionRun>(e.p(), ctx.seed, 0);
    steps_ = e.p().steps;
    series_ = e.p().methods;
    stride_ = std::max(1, steps_ / 1500);
    paths_.assign(series_.size(), {});
    t_.clear();
    h_.assign(series_.size(), {});
    d_.assign(series_.size(), {});
    contour_ = e.contour(*run_);
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->steps_done() >= steps_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "step %d / %d", run_ ? run_->steps_done() : 0, steps_);
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->steps_done()); }
  double steps_total() const override { return static_cast<double>(steps_); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && run_->steps_done() < steps_; ++k) {
      run_->step();
      if (run_->steps_done() % stride_ == 0 || run_->steps_done() == steps_) record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<LionExperiment&>(ctx.experiment);
    std::vector<std::pair<std::string, std::string>> rows{{"step", std::to_string(run_->steps_done())}};
    for (size_t s = 0; s < series_.size(); ++s) {
      const Vec2& x = run_->x(s);
      rows.push_back({series_[s] + " ‖x‖∞", num(std::max(std::fabs(x[0]), std::fabs(x[1])))});
    }
    ui::readout_table("##lion", rows, 3);
    build_figure(e);
    ui::PlotGrid grid(3, 0);
    draw_contour(e, grid.cell(0));
    ui::draw_plot("distance", figure_.plots[1], grid.cell(1));
    ui::draw_plot("lyapunov", figure_.plots[2], grid.cell(2));
    grid.end();
  }

 private:
  void record() {
    t_.push_back(run_->steps_done());
    for (size_t s = 0; s < series_.size(); ++s) {
      const Vec2& x = run_->x(s);
      paths_[s].push_back(x);
      const double h = run_->lyapunov(s);
      h_[s].push_back(std::isfinite(h) ? h : NAN);
      d_[s].push_back(std::hypot(x[0] - run_->target(s)[0], x[1] - run_->target(s)[1]));
    }
  }

  void build_figure(const LionExperiment& e) {
    plot::Plot c = contour_;
    c.title = "Drag the start: iterates over f and the box ‖x‖∞ ≤ 1/λ";
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line l{series_[s], {}, {}, {}, {}, palette(s), 1.5f};
      for (const Vec2& x : paths_[s]) l.x.push_back(x[0]), l.y.push_back(x[1]);
      c.points.push_back({"", {l.x.back()}, {l.y.back()}, palette(s), 4.5f, series_[s]});
      c.lines.push_back(l);
    }
    plot::Plot d, h;
    d.title = "Distance to the problem each method solves";
    d.x = {"step t"};
    d.y = {"‖x_t − x*‖", plot::Scale::Log};
    h.title = "Lion-κ: Lyapunov function Ĥ(x_t, m_t)";
    h.x = {"step t"};
    h.y = {"Ĥ"};
    d.x.cover_lo = h.x.cover_lo = 0;
    d.x.cover_hi = h.x.cover_hi = static_cast<double>(e.p().steps);
    for (size_t s = 0; s < series_.size(); ++s) {
      std::vector<double> t(t_.begin(), t_.end());
      d.lines.push_back({series_[s], t, d_[s], {}, {}, palette(s), 2.0f});
      if (series_[s].rfind("lion", 0) == 0) h.lines.push_back({series_[s], t, h_[s], {}, {}, palette(s), 2.0f});
    }
    figure_.title = "optim.lion, run 1";
    figure_.plots = {c, d, h};
  }

  void draw_contour(LionExperiment& e, ImVec2 size) {
    const ui::PlotFrame f = ui::draw_plot("contour", figure_.plots[0], size, ui::kWithHandles);
    const Vec2 start{e.p().start_x, e.p().start_y};
    char tip[128];
    std::snprintf(tip, sizeof tip, "start (%.2f, %.2f): drag to move (runs start within 'start jitter' of it)", start[0], start[1]);
    if (!drag_handle(f, start[0], start[1], tip, &dragging_)) return;
    set_pair(e.params(), "start_x", plot::round_for_range(std::clamp(f.mouse_x, -3.0, 3.0), 6.0, false), "start_y",
             plot::round_for_range(std::clamp(f.mouse_y, -3.0, 3.0), 6.0, false));
  }

  std::unique_ptr<LionRun> run_;
  int steps_ = 0, stride_ = 1;
  std::vector<std::string> series_;
  std::vector<std::vector<Vec2>> paths_;  // (methods, records)
  std::vector<int> t_;                    // (records) steps recorded
  std::vector<std::vector<double>> h_, d_;
  plot::Plot contour_;
  bool dragging_ = false;
};

// ---------------------------------------------------------------------------------------------
// optim.online: the regret of every learner against the bound's order as the rounds go, and the
// points played on the disc; the start is a handle to drag. With the Huber loss a second OGD, its
// step tuned for T/4 rounds, runs beside (dotted): OGD's regret grows like √T across horizons, not
// within one run, where it is flat once the slow step has crossed the disc.
class OnlineView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const OnlineExperiment&>(ctx.experiment);
    run_ = std::make_unique<OnlineRun>(e.p(), ctx.seed, 0);
    horizon_ = e.p().horizon;
    series_ = e.p().methods;
    stride_ = std::max(1LL, horizon_ / 1500);
    t_.clear();
    regret_.assign(series_.size(), {});
    paths_.assign(series_.size(), {});
    contour_ = e.contour(run_->problem());
    bound_ = e.bound_line(run_->problem(), horizon_);
    short_.reset();
    short_t_.clear();
    short_regret_.clear();
    const bool ogd = std::find(series_.begin(), series_.end(), "ogd") != series_.end();
    if (ogd && e.p().loss == OnlineLoss::Huber && horizon_ / 4 >= 10) {  // the strongly convex step 1/(λt) does not see T
      OnlineParams q = e.p();
      q.methods = {"ogd"};
      q.horizon = horizon_ / 4;
      short_ = std::make_unique<OnlineRun>(q, ctx.seed, 0);
    }
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->rounds_done() >= horizon_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "round %lld / %lld", run_ ? run_->rounds_done() : 0LL, horizon_);
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->rounds_done()); }
  double steps_total() const override { return static_cast<double>(horizon_); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && run_->rounds_done() < horizon_; ++k) {
      run_->step();
      const bool short_end = short_ && run_->rounds_done() == horizon_ / 4;
      if (short_ && short_->rounds_done() < horizon_ / 4) short_->step();
      if (run_->rounds_done() % stride_ == 0 || run_->rounds_done() == horizon_ || short_end) record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<OnlineExperiment&>(ctx.experiment);
    const SeaProblem& q = run_->problem();
    const double t = static_cast<double>(run_->rounds_done());
    std::vector<std::pair<std::string, std::string>> rows{
        {"round t", num(t)}, {"σ²₁:t", num(t * q.noise * q.noise)}, {"Σ²₁:t", num(std::max(0.0, t - 1) * q.variation * q.variation)}};
    for (size_t s = 0; s < series_.size(); ++s) rows.push_back({"regret " + series_[s], num(regret_[s].back())});
    ui::readout_table("##online", rows, 3);
    build_figure();
    // The headline is the regret (the Look-for line's claim), wide; the disc beside it. On a phone (one
    // plot per row, regret first) the equal-aspect disc takes the taller cell, or its area gets too small.
    ui::PlotGrid grid(2, phone_width() ? 1 : 0);
    ui::draw_plot("regret", figure_.plots[0], grid.cell(0));
    draw_disc(e, grid.cell(1));
    grid.end();
  }

 private:
  void record() {
    t_.push_back(static_cast<double>(run_->rounds_done()));
    for (size_t s = 0; s < series_.size(); ++s) {
      regret_[s].push_back(run_->regret(s));
      paths_[s].push_back(run_->x(s));
    }
    if (short_ && short_->rounds_done() == run_->rounds_done()) {  // in step with run 1 until its T/4 rounds are done
      short_t_.push_back(t_.back());
      short_regret_.push_back(short_->regret(0));
    }
  }

  void build_figure() {
    plot::Plot r;
    r.title = "Regret against t, next to the bound's order";
    r.x = {"round t", plot::Scale::Linear, 0.0, static_cast<double>(horizon_)};
    r.y = {"regret"};
    for (size_t s = 0; s < series_.size(); ++s) r.lines.push_back({series_[s], t_, regret_[s], {}, {}, palette(s), 2.0f});
    if (short_) {
      const size_t ogd = static_cast<size_t>(std::find(series_.begin(), series_.end(), "ogd") - series_.begin());
      r.lines.push_back({"ogd tuned for T/4 = " + num(static_cast<double>(horizon_ / 4)), short_t_, short_regret_, {}, {}, palette(ogd), 2.0f,
                         plot::Dash::Dotted});
    }
    r.lines.push_back(bound_);
    plot::Plot c = contour_;
    c.title = "Drag the start: the points played on the disc";
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line l{series_[s], {}, {}, {}, {}, palette(s), 1.0f};
      for (const Vec2& x : paths_[s]) l.x.push_back(x[0]), l.y.push_back(x[1]);
      c.points.push_back({"", {l.x.back()}, {l.y.back()}, palette(s), 4.5f, series_[s]});
      c.lines.push_back(l);
    }
    figure_.title = "optim.online, run 1";
    figure_.plots = {r, c};  // the regret first: the headline
  }

  void draw_disc(OnlineExperiment& e, ImVec2 size) {
    const ui::PlotFrame f = ui::draw_plot("disc", figure_.plots[1], size, ui::kWithHandles);
    const Vec2 start = project_disc({e.p().start_x, e.p().start_y});
    char tip[96];
    std::snprintf(tip, sizeof tip, "start x₁ = (%.2f, %.2f): drag to move", start[0], start[1]);
    if (!drag_handle(f, start[0], start[1], tip, &dragging_)) return;
    const Vec2 to = project_disc({f.mouse_x, f.mouse_y});
    set_pair(e.params(), "start_x", plot::round_for_range(to[0], 2.0, false), "start_y", plot::round_for_range(to[1], 2.0, false));
  }

  std::unique_ptr<OnlineRun> run_;
  std::unique_ptr<OnlineRun> short_;                // OGD alone, its step tuned for T/4 rounds (Huber loss only), else null
  std::vector<double> short_t_, short_regret_;     // (records) its rounds and regret
  long long horizon_ = 0, stride_ = 1;
  std::vector<std::string> series_;
  std::vector<double> t_;                  // (records) rounds recorded
  std::vector<std::vector<double>> regret_;  // (methods, records)
  std::vector<std::vector<Vec2>> paths_;     // (methods, records) points played
  plot::Plot contour_;
  plot::Line bound_;
  bool dragging_ = false;
};

// ---------------------------------------------------------------------------------------------
// optim.halpern: the residual of every method against oracle calls (log-spaced stops, one per view
// step) and the iterates in the game's plane (ill_conditioned: projected on its slowest pair (x₄, y₄); dro_least_squares: the
// regression weights x; wdro_logistic: the classifier's weights β; matrix_game: the players' mean houses; quadratic_program:
// the blocks' distances to z*); the start z₀ is a handle to drag (not on the paper's problems, which start where the scripts do).
class HalpernView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const HalpernExperiment&>(ctx.experiment);
    run_ = std::make_unique<HalpernRun>(e.p(), ctx.seed, 0);
    series_ = e.p().methods;
    // From n calls on (a full F: no method moves before, and vr_halpern and vr_eg start by spending n on F(z₀)) to the budget.
    const long long budget = static_cast<long long>(run_->budget());
    stops_ = plot::log_spaced_counts(budget, kLiveFrames, std::min(budget, component_count(e.p())));
    next_ = 0;
    calls_.assign(series_.size(), {});
    residual_.assign(series_.size(), {});
    paths_.assign(series_.size(), {});
    picture_ = e.picture(run_->game());
    bounds_ = e.bound_lines(run_->game(), run_->game().start(e.p().start_x, e.p().start_y), run_->budget());
    target_ = e.target_guide(run_->residual(0));
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override { return next_ >= stops_.size(); }
  // The fewest calls any method has used: every readout row shows at least as many (a method stops at its first step past a stop).
  std::string status() const override {
    double least = 0;
    for (size_t s = 0; run_ && s < run_->methods(); ++s) least = s == 0 ? run_->state(s).calls : std::min(least, run_->state(s).calls);
    char s[64];
    std::snprintf(s, sizeof s, "calls ≥ %s / %s", num(least).c_str(), num(run_ ? run_->budget() : 0).c_str());
    return s;
  }
  double steps_done() const override { return static_cast<double>(next_); }
  double steps_total() const override { return static_cast<double>(stops_.size()); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && next_ < stops_.size(); ++k) {
      run_->advance_to(stops_[next_++]);
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<HalpernExperiment&>(ctx.experiment);
    std::vector<std::pair<std::string, std::string>> rows;
    for (size_t s = 0; s < series_.size(); ++s)
      rows.push_back({"residual " + halpern_series_name(series_[s]), num(residual_[s].back()) + " (" + num(calls_[s].back()) + " calls)"});
    ui::readout_table("##halpern", rows, 2);
    build_figure();
    // At most four methods shown at first (with the two bounds: six series): Halpern, VR-Halpern,
    // Algorithm 2 and VR extragradient, the ones the Look-for line names; eg and eag are a legend click away.
    if (series_.size() > 4)
      for (const std::string& m : series_)
        if (m == "eg" || m == "eag") ui::plot_context().hide_at_first(halpern_series_name(m));
    // The headline is the residual (the Look-for line's claim), wide; the iterates beside it. On a phone
    // (one plot per row, residual first) the equal-aspect picture takes the taller cell.
    ui::PlotGrid grid(2, phone_width() ? 1 : 0);
    ui::draw_plot("residual", figure_.plots[0], grid.cell(0));
    draw_plane(e, grid.cell(1));
    grid.end();
  }

 private:
  void record() {
    for (size_t s = 0; s < series_.size(); ++s) {
      const HalpernState& st = run_->state(s);
      if (!calls_[s].empty() && calls_[s].back() == st.calls) continue;
      calls_[s].push_back(std::max(1.0, st.calls));
      residual_[s].push_back(run_->residual(s));
      paths_[s].push_back(run_->game().project(st.z));
    }
  }

  void build_figure() {
    plot::Plot r;
    r.title = "Operator residual against component-oracle calls";
    r.x = {"oracle calls", plot::Scale::Log};
    r.y = {residual_axis(run_->game().problem), plot::Scale::Log};
    r.x.cover_lo = 1;
    r.x.cover_hi = run_->budget();
    for (size_t s = 0; s < series_.size(); ++s) r.lines.push_back({halpern_series_name(series_[s]), calls_[s], residual_[s], {}, {}, palette(s), 2.0f});
    r.lines.insert(r.lines.end(), bounds_.begin(), bounds_.end());
    r.guides.push_back(target_);
    plot::Plot c = picture_;
    const HalpernProblem problem = run_->game().problem;
    c.title = problem == HalpernProblem::Plane            ? "Drag the start z₀: the iterates in the plane"
              : problem == HalpernProblem::IllConditioned ? "Drag the start z₀: the iterates in the slowest pair (x_4, y_4)"
              : problem == HalpernProblem::WdroLogistic   ? "Drag the start β₀: the classifier's weights β of the iterates"
              : problem == HalpernProblem::MatrixGame     ? "The players' mean houses along the iterates (the script's start)"
              : problem == HalpernProblem::QuadraticProgram ? "The iterates' distances to z*: ‖x − x*‖ against ‖y − y*‖ (the script's start)"
                                                          : "Drag the start x₀: the regression weights x of the iterates";
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line l{halpern_series_name(series_[s]), {}, {}, {}, {}, palette(s), 1.5f};
      for (const Vec2& z : paths_[s]) l.x.push_back(z[0]), l.y.push_back(z[1]);
      c.points.push_back({"", {l.x.back()}, {l.y.back()}, palette(s), 4.5f, l.name});
      c.lines.push_back(l);
    }
    figure_.title = "optim.halpern, run 1";
    figure_.plots = {r, c};  // the residual first: the headline
  }

  void draw_plane(HalpernExperiment& e, ImVec2 size) {
    if (paper_problem(run_->game().problem)) {  // the scripts' fixed start: nothing to drag
      ui::draw_plot("plane", figure_.plots[1], size);
      return;
    }
    const ui::PlotFrame f = ui::draw_plot("plane", figure_.plots[1], size, ui::kWithHandles);
    char tip[96];
    std::snprintf(tip, sizeof tip, "start z₀ = (%.2f, %.2f): drag to move", e.p().start_x, e.p().start_y);
    if (!drag_handle(f, e.p().start_x, e.p().start_y, tip, &dragging_)) return;
    set_pair(e.params(), "start_x", plot::round_for_range(std::clamp(f.mouse_x, -3.0, 3.0), 6.0, false), "start_y",
             plot::round_for_range(std::clamp(f.mouse_y, -3.0, 3.0), 6.0, false));
  }

  std::unique_ptr<HalpernRun> run_;
  std::vector<std::string> series_;
  std::vector<double> stops_;  // oracle-call counts the live run stops at
  size_t next_ = 0;
  std::vector<std::vector<double>> calls_, residual_;  // (methods, records)
  std::vector<std::vector<Vec2>> paths_;               // (methods, records) iterates
  plot::Plot picture_;
  plot::Guide target_;  // ε times the start's residual
  std::vector<plot::Line> bounds_;
  bool dragging_ = false;
};

// ---------------------------------------------------------------------------------------------
// optim.bilevel: φ and ψ_σ over x with every method's iterate x_k on φ, and |x_k − argmin φ| against the
// oracle calls each method spent; the start x₀ is a handle to drag along x.
class BilevelView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const BilevelExperiment&>(ctx.experiment);
    run_ = std::make_unique<BilevelRun>(e.p(), ctx.seed, 0);
    steps_ = e.p().steps;
    series_ = e.p().methods;
    landscape_ = e.landscape();
    calls_.assign(series_.size(), {});
    x_.assign(series_.size(), {});
    record();
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->steps_done() >= steps_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "outer step %d / %d", run_ ? run_->steps_done() : 0, steps_);
    return s;
  }
  double steps_done() const override { return static_cast<double>(run_->steps_done()); }
  double steps_total() const override { return static_cast<double>(steps_); }
  void advance(const ui::ViewContext&, int steps) override {
    for (int k = 0; k < steps && run_->steps_done() < steps_; ++k) {
      run_->step();
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<BilevelExperiment&>(ctx.experiment);
    std::vector<std::pair<std::string, std::string>> rows{{"argmin φ", num(run_->toy().phi_minimiser())}};
    for (size_t s = 0; s < series_.size(); ++s) rows.push_back({"x_k " + series_[s], num(x_[s].back())});
    ui::readout_table("##bilevel", rows, 2);
    build_figure();
    ui::PlotGrid grid(2, 0);
    draw_landscape(e, grid.cell(0));
    ui::draw_plot("cost", figure_.plots[1], grid.cell(1));
    grid.end();
  }

 private:
  void record() {
    for (size_t s = 0; s < series_.size(); ++s) calls_[s].push_back(run_->calls(s)), x_[s].push_back(run_->x(s));
  }

  void build_figure() {
    const BilevelToy& t = run_->toy();
    plot::Plot c = landscape_;
    c.title = "Drag the start: φ (solid), ψ_σ (dashed) and the iterates on φ";
    plot::Plot g;
    g.title = "|x_k − argmin φ| against oracle calls";
    double most = 1.0;
    for (size_t s = 0; s < series_.size(); ++s) most = std::max(most, run_->calls_per_step(s) * steps_);
    g.x = {"oracle calls", plot::Scale::Log, 1.0, most};
    g.y = {"|x_k − argmin φ|", plot::Scale::Log};
    for (size_t s = 0; s < series_.size(); ++s) {
      plot::Line trail{series_[s], {}, {}, {}, {}, palette(s), 1.5f}, stat{series_[s], {}, {}, {}, {}, palette(s), 2.0f};
      for (size_t i = 0; i < x_[s].size(); ++i) {
        const double x = x_[s][i];
        trail.x.push_back(x), trail.y.push_back(t.phi(x));
        if (i == 0) continue;  // no calls yet: off the log axis
        stat.x.push_back(calls_[s][i]);
        stat.y.push_back(std::max(1e-16, std::fabs(x - t.phi_minimiser())));
      }
      c.points.push_back({"", {trail.x.back()}, {trail.y.back()}, palette(s), 5.0f, series_[s]});
      c.lines.push_back(trail);
      g.lines.push_back(stat);
    }
    figure_.title = "optim.bilevel, run 1";
    figure_.plots = {c, g};
  }

  void draw_landscape(BilevelExperiment& e, ImVec2 size) {
    const ui::PlotFrame f = ui::draw_plot("landscape", figure_.plots[0], size, ui::kWithHandles);
    const double x0 = e.p().start;
    char tip[96];
    std::snprintf(tip, sizeof tip, "start x₀ = %.2f: drag along x (runs start within 'start jitter')", x0);
    if (!drag_handle(f, x0, run_->toy().phi(x0), tip, &dragging_)) return;
    ParamSet& ps = e.params();
    ParamValue v;
    v.real = plot::round_for_range(std::clamp(f.mouse_x, -3.0, 3.0), 6.0, false);
    (void)ps.assign({{static_cast<size_t>(ps.find("start")), v}});
  }

  std::unique_ptr<BilevelRun> run_;
  int steps_ = 0;
  std::vector<std::string> series_;
  std::vector<std::vector<double>> calls_, x_;  // (methods, records) oracle calls spent, iterates
  plot::Plot landscape_;
  bool dragging_ = false;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "optim.mixture") return std::make_unique<MixtureView>();
  if (demo_id == "optim.lion") return std::make_unique<LionView>();
  if (demo_id == "optim.online") return std::make_unique<OnlineView>();
  if (demo_id == "optim.halpern") return std::make_unique<HalpernView>();
  if (demo_id == "optim.bilevel") return std::make_unique<BilevelView>();
  return nullptr;
}

}  // namespace klab::optim
