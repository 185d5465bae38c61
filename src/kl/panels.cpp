// The kl chapter's live views: widgets, plots and drag handles only; every number comes from
// the chapter's experiment code (the same code the CLI and the tests run).
#include "kl/panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "core/rich_text.hpp"
#include "imgui.h"
#include "kl/bernoulli_bound.hpp"
#include "kl/bernoulli_experiment.hpp"
#include "kl/categorical_experiment.hpp"
#include "kl/fit_experiment.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"
#include "ui/theme.hpp"
#include "ui/typeset.hpp"

namespace klab::kl {
namespace {

using ui::PlotFrame;

// Sets parameter `key` (by name) to `value`; the ParamSet checks ranges and rules.
void set_param(ParamSet& params, const char* key, const ParamValue& value) {
  const int i = params.find(key);
  if (i >= 0) (void)params.set(static_cast<size_t>(i), value);
}

ParamValue real_value(double x) {
  ParamValue v;
  v.real = x;
  return v;
}

ParamValue list_value(std::vector<double> xs) {
  ParamValue v;
  v.list = std::move(xs);
  return v;
}

std::string num(double v) { return plot::format_number(v); }

// ---------------------------------------------------------------------------------------------
// kl.bernoulli: click or drag on the kl plot to move p̂; the bounds follow.
class BernoulliView final : public ui::DemoView {
 public:
  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<BernoulliExperiment&>(ctx.experiment);
    const BernoulliParams& p = e.p();
    const double n = static_cast<double>(p.n), t = static_cast<double>(p.t);
    const double level = klucb_level(t, p.c, n);
    const double u = klucb_upper(p.p_hat, t, p.c, n), h = hoeffding_upper(p.p_hat, t, p.c, n);
    ui::readout_table("##bounds",
                  {{"level ℓ", num(level)},
                   {"KL-UCB", num(u)},
                   {"Hoeffding", num(h)},
                   {"KL-LCB", num(klucb_lower(p.p_hat, t, p.c, n))},
                   {"UCB1", num(ucb1_upper(p.p_hat, t, n))},
                   {"KL-UCB / Hoeffding radius", num((u - p.p_hat) / std::max(h - p.p_hat, 1e-300))}},
                  3);
    if (built_version_ != e.params().version() || figure_.plots.empty()) {
      figure_ = e.geometry();
      figure_.plots[0].annotations.push_back({u, level, "KL-UCB: the largest q with kl(p̂, q) ≤ ℓ"});
      built_version_ = e.params().version();
    }
    ui::PlotGrid grid(2, 0);
    const PlotFrame f = ui::draw_plot("geometry", figure_.plots[0], grid.cell(0), ui::kWithHandles);
    if (f.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
    if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left))
      set_param(ctx.experiment.params(), "p_hat", real_value(plot::round_for_range(std::clamp(f.mouse_x, 0.0, 1.0), 1.0, false)));
    ui::draw_plot("vs_n", figure_.plots[1], grid.cell(1));
    grid.end();
  }

 private:
  uint64_t built_version_ = ~0ull;
};

// ---------------------------------------------------------------------------------------------
// kl.forward_reverse: both fits animated; drag mixture peaks; click the landscape to start there.
class FitView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const FitExperiment&>(ctx.experiment);
    fit_ = e.start(ctx.seed, 0);
    steps_ = e.p().steps;
    history_ = {};
    record(e);
    landscape_ready_ = false;
  }
  bool animates() const override { return true; }
  bool finished() const override { return fit_.step >= steps_; }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "step %lld / %lld", fit_.step, steps_);
    return s;
  }
  double steps_done() const override { return static_cast<double>(fit_.step); }
  double steps_total() const override { return static_cast<double>(steps_); }
  void advance(const ui::ViewContext& ctx, int steps) override {
    auto& e = static_cast<const FitExperiment&>(ctx.experiment);
    for (int i = 0; i < steps && fit_.step < steps_; ++i) {
      e.step(fit_);
      record(e);
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<FitExperiment&>(ctx.experiment);
    if (!landscape_ready_ || landscape_dir_ != shown_dir_) {
      landscape_ = e.landscape(shown_dir_, 64, 48);
      landscape_dir_ = shown_dir_;
      landscape_ready_ = true;
    }
    fits_table(e);
    build_figure(e);
    ui::PlotGrid grid(4, 0);
    draw_density(e, grid.cell(0));
    draw_landscape(e, grid.cell(1));
    ui::draw_plot("kl_steps_pq", figure_.plots[2], grid.cell(2));
    ui::draw_plot("kl_steps_qp", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  // One row per fit, one column per number: which fit each KL belongs to reads across.
  void fits_table(const FitExperiment& e) const {
    if (!ImGui::BeginTable("##fit", 5, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg)) return;
    ImGui::TableNextRow();
    for (const char* c : {"fit", "μ", "σ", "KL(p‖q)", "KL(q‖p)"}) {
      ImGui::TableNextColumn();
      ui::rich_text(c, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    }
    for (const Gaussian* q : {&fit_.forward, &fit_.reverse}) {
      const std::string cells[] = {q == &fit_.forward ? "forward" : "reverse", num(q->mu), num(std::exp(q->log_sd)),
                                   num(e.kl_forward(fit_, *q)), num(e.kl_reverse(fit_, *q))};
      ImGui::TableNextRow();
      for (const std::string& c : cells) {
        ImGui::TableNextColumn();
        ui::rich_text_fit(c);
      }
    }
    ImGui::EndTable();
  }

  struct History {
    std::vector<double> step, fwd_mu, fwd_sd, rev_mu, rev_sd, fwd_pq, fwd_qp, rev_pq, rev_qp;
  };

  void record(const FitExperiment& e) {
    // Keep at most ~600 points: thin by 2 when full.
    if (history_.step.size() >= 600) {
      auto thin = [](std::vector<double>& v) {
        size_t j = 0;
        for (size_t i = 0; i < v.size(); i += 2) v[j++] = v[i];
        v.resize(j);
      };
      for (auto* v : {&history_.step, &history_.fwd_mu, &history_.fwd_sd, &history_.rev_mu, &history_.rev_sd,
                      &history_.fwd_pq, &history_.fwd_qp, &history_.rev_pq, &history_.rev_qp})
        thin(*v);
      stride_ *= 2;
    }
    if (fit_.step % stride_ != 0 && fit_.step != steps_) return;
    history_.step.push_back(static_cast<double>(fit_.step));
    history_.fwd_mu.push_back(fit_.forward.mu);
    history_.fwd_sd.push_back(std::exp(fit_.forward.log_sd));
    history_.rev_mu.push_back(fit_.reverse.mu);
    history_.rev_sd.push_back(std::exp(fit_.reverse.log_sd));
    history_.fwd_pq.push_back(e.kl_forward(fit_, fit_.forward));
    history_.fwd_qp.push_back(e.kl_reverse(fit_, fit_.forward));
    history_.rev_pq.push_back(e.kl_forward(fit_, fit_.reverse));
    history_.rev_qp.push_back(e.kl_reverse(fit_, fit_.reverse));
  }

  void build_figure(const FitExperiment& e) {
    double lo, hi;
    e.mu_range(&lo, &hi);
    plot::Plot density;
    density.title = "p (mixture), forward fit, reverse fit";
    density.x = {"x", plot::Scale::Linear, lo - 1, hi + 1};
    density.y = {"density", plot::Scale::Linear, 0.0, plot::kAuto};
    plot::Line lp{"p", {}, {}, {}, {}, {0.85f, 0.85f, 0.85f, 1}, 2.5f};
    plot::Line lf{"forward KL(p‖q)", {}, {}, {}, {}, palette(0), 2.0f};
    plot::Line lr{"reverse KL(q‖p)", {}, {}, {}, {}, palette(1), 2.0f};
    for (int i = 0; i <= 400; ++i) {
      const double x = lo - 1 + (hi - lo + 2) * i / 400.0;
      lp.x.push_back(x), lf.x.push_back(x), lr.x.push_back(x);
      lp.y.push_back(std::exp(fit_.p.log_density(x)));
      lp.lo.push_back(0.0);
      lp.hi.push_back(lp.y.back());
      lf.y.push_back(gauss_pdf(fit_.forward, x));
      lr.y.push_back(gauss_pdf(fit_.reverse, x));
    }
    density.lines = {lp, lf, lr};
    const double reverse_peak = gauss_pdf(fit_.reverse, fit_.reverse.mu);
    density.annotations.push_back({fit_.reverse.mu, reverse_peak, "reverse fit: one mode"});
    density.annotations.push_back({fit_.forward.mu, gauss_pdf(fit_.forward, fit_.forward.mu), "forward fit: covers all modes"});

    plot::Plot land;
    land.title = std::string("Landscape of ") + (shown_dir_ == Direction::Forward ? "KL(p‖q)" : "KL(q‖p)") + " and the paths";
    land.x = {"μ", plot::Scale::Linear, landscape_.x0, landscape_.x1};
    land.y = {"σ", plot::Scale::Log, landscape_.y0, landscape_.y1};
    land.heatmaps = {landscape_};
    land.lines = {{"forward path", history_.fwd_mu, history_.fwd_sd, {}, {}, palette(0), 2.0f},
                  {"reverse path", history_.rev_mu, history_.rev_sd, {}, {}, palette(1), 2.0f}};
    land.points = {{"", {history_.fwd_mu.back()}, {history_.fwd_sd.back()}, palette(0), 5.0f},
                   {"", {history_.rev_mu.back()}, {history_.rev_sd.back()}, palette(1), 5.0f},
                   {"start", {history_.fwd_mu.front()}, {history_.fwd_sd.front()}, {1, 1, 1, 1}, 4.0f}};

    plot::Plot pq, qp;
    pq.title = "KL(p‖q) while training";
    pq.x = {"step"};
    pq.x.cover_lo = 0, pq.x.cover_hi = static_cast<double>(steps_);
    pq.y = {"KL(p‖q)", plot::Scale::Log};
    pq.lines = {{"forward", history_.step, history_.fwd_pq, {}, {}, palette(0), 2.0f},
                {"reverse", history_.step, history_.rev_pq, {}, {}, palette(1), 2.0f}};
    qp.title = "KL(q‖p) while training";
    qp.x = {"step"};
    qp.x.cover_lo = 0, qp.x.cover_hi = static_cast<double>(steps_);
    qp.y = {"KL(q‖p)", plot::Scale::Log};
    qp.lines = {{"forward", history_.step, history_.fwd_qp, {}, {}, palette(0), 2.0f},
                {"reverse", history_.step, history_.rev_qp, {}, {}, palette(1), 2.0f}};
    figure_.title = "Forward vs reverse KL";
    figure_.plots = {density, land, pq, qp};
  }

  static double gauss_pdf(const Gaussian& q, double x) {
    const double sd = std::exp(q.log_sd), z = (x - q.mu) / sd;
    return std::exp(-0.5 * z * z) / (sd * 2.5066282746310002);
  }

  // Mixture editing: drag a peak (left/right: mean, up/down: weight); buttons add/remove components.
  void draw_density(FitExperiment& e, ImVec2 size) {
    ImGui::BeginGroup();
    const float bar = ImGui::GetFrameHeightWithSpacing();
    const PlotFrame f = ui::draw_plot("density", figure_.plots[0], ImVec2(size.x, size.y - bar), ui::kWithHandles);
    const bool active = ImGui::IsItemActive();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const FitParams& p = e.p();
    double total = 0.0;
    for (double w : p.weights) total += w;
    int hovered = -1;
    for (size_t k = 0; k < p.means.size(); ++k) {
      const double peak = p.weights[k] / total / (p.sds[k] * 2.5066282746310002);
      const ImVec2 s = f.to_screen(p.means[k], peak);
      const ImVec2 m = ImGui::GetIO().MousePos;
      const bool near = (m.x - s.x) * (m.x - s.x) + (m.y - s.y) * (m.y - s.y) < 100.0f;
      if (near && f.hovered) hovered = static_cast<int>(k);
      dl->AddCircleFilled(s, near || dragging_ == static_cast<int>(k) ? 7.0f : 5.0f, IM_COL32(235, 235, 235, 255));
      dl->AddCircle(s, 7.0f, IM_COL32(0, 0, 0, 160));
    }
    if (hovered >= 0) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
      ImGui::SetTooltip("component %d: drag to move (x) and reweight (y)", hovered + 1);
    }
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) dragging_ = hovered;
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) dragging_ = -1;
    if (dragging_ >= 0 && static_cast<size_t>(dragging_) < p.means.size()) {
      const size_t k = static_cast<size_t>(dragging_);
      std::vector<double> means = p.means, weights = p.weights;
      // Dragged values keep the precision their ranges deserve (means in [-10, 10], weights in (0, 1]).
      means[k] = plot::round_for_range(std::clamp(f.mouse_x, -10.0, 10.0), 20.0, false);
      // Height h = w_k / (Σw · sd_k √2π) solved for w_k with the other weights fixed.
      const double h = std::max(f.mouse_y, 1e-3), others = total - weights[k];
      const double c = h * p.sds[k] * 2.5066282746310002;
      weights[k] = std::clamp(plot::round_for_range(c < 0.98 ? c * others / (1 - c) : 1.0, 1.0, false), 0.01, 1.0);
      const int im = e.params().find("means"), iw = e.params().find("weights");
      (void)e.params().assign({{static_cast<size_t>(im), list_value(means)}, {static_cast<size_t>(iw), list_value(weights)}});
    }
    if (ImGui::Button("+ component") && p.means.size() < 6) {
      double lo, hi;
      e.mu_range(&lo, &hi);
      edit_components(e, [&](std::vector<double>& m, std::vector<double>& s, std::vector<double>& w) {
        m.push_back(std::clamp(0.5 * (lo + hi), -10.0, 10.0));
        s.push_back(0.7);
        w.push_back(0.3);
      });
    }
    ImGui::SameLine();
    if (ImGui::Button("- component") && p.means.size() > 1)
      edit_components(e, [](std::vector<double>& m, std::vector<double>& s, std::vector<double>& w) {
        m.pop_back(), s.pop_back(), w.pop_back();
      });
    ImGui::SameLine();
    ImGui::TextDisabled("drag the peaks");
    ImGui::EndGroup();
  }

  template <class F>
  void edit_components(FitExperiment& e, F edit) {
    std::vector<double> m = e.p().means, s = e.p().sds, w = e.p().weights;
    edit(m, s, w);
    ParamSet& ps = e.params();
    (void)ps.assign({{static_cast<size_t>(ps.find("means")), list_value(m)},
                     {static_cast<size_t>(ps.find("sds")), list_value(s)},
                     {static_cast<size_t>(ps.find("weights")), list_value(w)}});
  }

  // The landscape heatmap; clicking picks a fixed start (μ0, σ0).
  void draw_landscape(FitExperiment& e, ImVec2 size) {
    ImGui::BeginGroup();
    const float bar = ImGui::GetFrameHeightWithSpacing();
    const PlotFrame f = ui::draw_plot("landscape", figure_.plots[1], ImVec2(size.x, size.y - bar), ui::kWithHandles);
    if (f.hovered && ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
      ParamSet& ps = e.params();
      ParamValue fixed;
      fixed.choice = static_cast<int>(InitMode::Fixed);
      (void)ps.assign({{static_cast<size_t>(ps.find("init")), fixed},
                       {static_cast<size_t>(ps.find("mu0")), real_value(plot::round_for_range(std::clamp(f.mouse_x, -10.0, 10.0), 20.0, false))},
                       {static_cast<size_t>(ps.find("sd0")), real_value(plot::round_for_range(std::clamp(f.mouse_y, 0.05, 10.0), 0.0, true))}});
    }
    if (f.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    int dir = shown_dir_ == Direction::Forward ? 0 : 1;
    ImGui::RadioButton("KL(p‖q)", &dir, 0);
    ImGui::SameLine();
    ImGui::RadioButton("KL(q‖p)", &dir, 1);
    ImGui::SameLine();
    ImGui::TextDisabled("click: start there");
    shown_dir_ = dir == 0 ? Direction::Forward : Direction::Reverse;
    ImGui::EndGroup();
  }

  FitPair fit_{Mixture{}, 0.0, Gaussian{}, Gaussian{}, Rng(0, 0, 0), Rng(0, 0, 0), 0};
  long long steps_ = 0;
  History history_;
  long long stride_ = 1;
  plot::Heatmap landscape_;
  Direction landscape_dir_ = Direction::Reverse, shown_dir_ = Direction::Reverse;
  bool landscape_ready_ = false;
  int dragging_ = -1;
};

// ---------------------------------------------------------------------------------------------
// kl.categorical: drag the bars of p and q; with 3 bins, drag the points on the simplex.
class CategoricalView final : public ui::DemoView {
 public:
  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<CategoricalExperiment&>(ctx.experiment);
    const std::vector<double> p = normalised(e.p().p), q = normalised(e.p().q);
    const DivergenceTable d = divergences(p, q);
    // The callout's four numbers in view, the other eight one click away.
    ui::readout_table("##div",
                  {{"KL(p‖q)", num(d.kl_pq)},
                   {"KL(q‖p)", num(d.kl_qp)},
                   {"TV", num(d.tv)},
                   {"Hellinger H", num(d.hellinger)},
                   {"KL asymmetry", num(d.kl_pq - d.kl_qp)},
                   {"Jensen–Shannon", num(d.js)},
                   {"χ²(p‖q)", num(d.chi2_pq)},
                   {"χ²(q‖p)", num(d.chi2_qp)},
                   {"Pinsker sqrt(KL/2)", num(std::sqrt(0.5 * d.kl_pq))},
                   {"IS(p‖q)", num(d.is_pq)},
                   {"IS(q‖p)", num(d.is_qp)},
                   {"Le Cam √2·H", num(std::sqrt(2.0) * d.hellinger)}},
                  2, {}, 4);
    const bool three = p.size() == 3;
    if (built_version_ != e.params().version() || figure_.plots.empty()) {  // the simplex field is costly
      figure_ = e.contributions();
      if (three) figure_.plots.push_back(e.simplex());
      // Point at the bin where p/q is largest: KL(p‖q) pays most there.
      size_t worst = 0;
      for (size_t i = 1; i < p.size(); ++i)
        if (p[i] * q[worst] > p[worst] * q[i]) worst = i;
      figure_.plots[0].annotations.push_back({static_cast<double>(worst) + 0.3, p[worst], "largest p/q: KL(p‖q) pays most here"});
      built_version_ = e.params().version();
    }
    ui::PlotGrid grid(three ? 3 : 2, 0);
    draw_bars(e, grid.cell(0));
    ui::draw_plot("contrib", figure_.plots[1], grid.cell(1));
    if (three) draw_simplex(e, grid.cell(2));
    grid.end();
  }

 private:
  void draw_bars(CategoricalExperiment& e, ImVec2 size) {
    size.y -= ImGui::GetFrameHeightWithSpacing();  // the buttons below
    const PlotFrame f = ui::draw_plot("bars", figure_.plots[0], size, ui::kWithHandles);
    const size_t k = e.p().p.size();
    const bool active = ImGui::IsItemActive();
    if (f.hovered) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    }
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && f.mouse_x >= 0 && f.mouse_x < static_cast<double>(k)) {
      bin_ = static_cast<size_t>(f.mouse_x);
      editing_q_ = f.mouse_x - std::floor(f.mouse_x) >= 0.5;
    }
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) bin_ = SIZE_MAX;
    if (active && bin_ < k) set_bin(e, editing_q_, bin_, plot::round_for_range(f.mouse_y, 1.0, false));
    if (ImGui::Button("+ bin") && k < 16) resize(e, k + 1);
    ImGui::SameLine();
    if (ImGui::Button("- bin") && k > 2) resize(e, k - 1);
    // One click to the callout's claim: q small where p is largest (the drag's floor, 0.001).
    const std::vector<double> p = normalised(e.p().p);
    const size_t top = static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    const std::string shrink = text::plain("q_" + std::to_string(top + 1)) + " → 0.001 (watch KL(p‖q))";
    ui::same_line_if_fits(ImGui::CalcTextSize(shrink.c_str()).x + ImGui::GetStyle().FramePadding.x * 2);
    if (ImGui::Button(shrink.c_str())) set_bin(e, true, top, 0.001);
    ui::record_item("button:kl_q_small");
    ui::same_line_if_fits(ImGui::CalcTextSize("drag bars: left half p, right half q").x);
    ImGui::TextDisabled("drag bars: left half p, right half q");
  }

  // Bin `bin` of q (or p) to probability `target` (in [0.001, 0.995]), the other bins rescaled, through
  // the parameter table (the link and the CLI command follow).
  void set_bin(CategoricalExperiment& e, bool q, size_t bin, double target) {
    std::vector<double> w = normalised(q ? e.p().q : e.p().p);
    const size_t k = w.size();
    target = std::clamp(target, 0.001, 0.995);
    const double rest = 1.0 - w[bin];
    for (size_t i = 0; i < k; ++i)
      w[i] = i == bin ? target : plot::round_for_range(rest > 0 ? w[i] * (1.0 - target) / rest : (1.0 - target) / (k - 1), 1.0, false);
    (void)e.params().set(static_cast<size_t>(e.params().find(q ? "q" : "p")), list_value(w));
  }

  void resize(CategoricalExperiment& e, size_t k) {
    std::vector<double> p = normalised(e.p().p), q = normalised(e.p().q);
    p.resize(k, 1.0 / static_cast<double>(k));
    q.resize(k, 1.0 / static_cast<double>(k));
    ParamSet& ps = e.params();
    (void)ps.assign({{static_cast<size_t>(ps.find("p")), list_value(normalised(p))},
                     {static_cast<size_t>(ps.find("q")), list_value(normalised(q))}});
  }

  void draw_simplex(CategoricalExperiment& e, ImVec2 size) {
    const PlotFrame f = ui::draw_plot("simplex", figure_.plots[2], size, ui::kWithHandles);
    const bool active = ImGui::IsItemActive();
    const std::vector<double> p = normalised(e.p().p), q = normalised(e.p().q);
    const auto sp = plot::simplex_xy(p[0], p[1], p[2]), sq = plot::simplex_xy(q[0], q[1], q[2]);
    const ImVec2 m = ImGui::GetIO().MousePos, a = f.to_screen(sp[0], sp[1]), b = f.to_screen(sq[0], sq[1]);
    auto dist2 = [&](ImVec2 v) { return (m.x - v.x) * (m.x - v.x) + (m.y - v.y) * (m.y - v.y); };
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) point_ = dist2(a) < dist2(b) ? 0 : 1;
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) point_ = -1;
    if (point_ >= 0) {
      auto bc = plot::simplex_barycentric(f.mouse_x, f.mouse_y);
      double s = 0;
      for (double& x : bc) s += (x = std::max(x, 0.002));
      for (double& x : bc) x = plot::round_for_range(x / s, 1.0, false);
      const int i = e.params().find(point_ == 0 ? "p" : "q");
      (void)e.params().set(static_cast<size_t>(i), list_value({bc[0], bc[1], bc[2]}));
    }
    if (f.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  }

  size_t bin_ = SIZE_MAX;
  bool editing_q_ = false;
  int point_ = -1;
  uint64_t built_version_ = ~0ull;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "kl.bernoulli") return std::make_unique<BernoulliView>();
  if (demo_id == "kl.forward_reverse") return std::make_unique<FitView>();
  if (demo_id == "kl.categorical") return std::make_unique<CategoricalView>();
  return nullptr;
}

}  // namespace klab::kl
