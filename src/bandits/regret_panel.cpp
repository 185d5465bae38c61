// bandits.regret live view: one run of every selected policy, stepped together on the same reward
// draws (run 0 of the current seed, the very run `klab run` computes first). Shows the regret
// curves against Lai–Robbins, the arms (drag to edit their means) with one policy's pull shares,
// and KL-UCB's indices drawn on the kl geometry: for each arm the convex curve q ↦ N_a·KL(μ̂_a, q)
// and the level ln t + c ln ln t; the index is where they cross.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bandits/panel_util.hpp"
#include "bandits/panel_views.hpp"
#include "bandits/regret_experiment.hpp"
#include "core/colormap.hpp"
#include "core/result_plots.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::bandits {
namespace {

using panel::num;

constexpr uint64_t kRegretPullsPerFrame = 400000;  // all policies together: keeps the frame short
constexpr int kShownIndexArms = 6;              // arms drawn on the kl geometry

class RegretView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const RegretExperiment&>(ctx.experiment);
    RunLayout layout = e.layout();
    cfg_ = e.config(layout);
    cfg_.n_checkpoints = 0;  // the view keeps its own history
    seed_ = ctx.seed;
    lai_robbins_ = e.lai_robbins();
    names_ = e.p().policies;
    runs_.assign(names_.size(), PolicyRun{});
    klucb_slot_ = -1;
    for (size_t i = 0; i < names_.size(); ++i) {
      policy_run_start(runs_[i], cfg_, policy_from_id(names_[i]), seed_, 0);
      if (names_[i] == "klucb") klucb_slot_ = static_cast<int>(i);
    }
    if (klucb_slot_ < 0) {  // KL-UCB is drawn on the kl geometry even when not compared
      runs_.push_back(PolicyRun{});
      policy_run_start(runs_.back(), cfg_, Policy::KlUcb, seed_, 0);
      klucb_slot_ = static_cast<int>(runs_.size()) - 1;
    }
    history_t_.clear();
    history_.assign(runs_.size(), {});
    next_record_ = 1;
    steps_ = 0;
    total_steps_ = 0;
    for (uint64_t t = 0; t < cfg_.policy.horizon; t = next_t(t)) ++total_steps_;
    if (bars_ < 0 || bars_ >= static_cast<int>(names_.size()))  // default: KL-UCB's pulls when compared
      bars_ = klucb_slot_ < static_cast<int>(names_.size()) ? klucb_slot_ : 0;
  }

  bool animates() const override { return true; }
  bool finished() const override { return runs_.empty() || runs_[0].t >= cfg_.policy.horizon; }
  std::string status() const override {
    char s[80];
    std::snprintf(s, sizeof s, "t = %llu / %llu", static_cast<unsigned long long>(runs_.empty() ? 0 : runs_[0].t),
                  static_cast<unsigned long long>(cfg_.policy.horizon));
    return s;
  }

  double steps_done() const override { return static_cast<double>(steps_); }
  double steps_total() const override { return static_cast<double>(total_steps_); }

  // A step moves t to max(t + 1, 1.01 t): log-time, like the plots.
  void advance(const ui::ViewContext& ctx, int steps) override {
    uint64_t budget = kRegretPullsPerFrame;
    for (int i = 0; i < steps && !finished() && budget > 0; ++i) {
      const uint64_t t = runs_[0].t;
      const uint64_t target = next_t(t);
      for (PolicyRun& r : runs_) policy_run_advance(r, cfg_, seed_, 0, target, nullptr);
      budget -= std::min(budget, (target - t) * runs_.size());
      ++steps_;
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<RegretExperiment&>(ctx.experiment);
    draw_toolbar(e);
    const PolicyRun& kl = runs_[static_cast<size_t>(klucb_slot_)];
    ui::readout_table("##regret",
                    {{"t", num(static_cast<double>(kl.t))},
                     {"Lai–Robbins C", num(lai_robbins_)},
                     {"C·ln t", num(kl.t > 1 ? lai_robbins_ * std::log(static_cast<double>(kl.t)) : 0.0)},
                     {"KL-UCB R_t", num(kl.regret)},
                     {"level ln t + c ln ln t", num(kl_level(static_cast<double>(kl.t), cfg_.policy.c))},
                     {"arms K", std::to_string(cfg_.policy.k)}},
                    3);
    build_figure(e);
    ui::PlotGrid grid(4, 0);
    ui::draw_plot("regret", figure_.plots[0], grid.cell(0));
    draw_arms(e, grid.cell(1));
    ui::draw_plot("geometry", figure_.plots[2], grid.cell(2));
    ui::draw_plot("ratio", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  uint64_t next_t(uint64_t t) const { return std::min<uint64_t>(cfg_.policy.horizon, std::max<uint64_t>(t + 1, t + t / 100)); }

  // The policies in the order the regret plots list them (colours stay by position in `policies`):
  // the About's story first (uniform, UCB1, MOSS, KL-UCB, Thompson, KL-UCB+), so that the six series
  // a plot shows at first (ui::kMaxDefaultSeries) include Thompson; ε-greedy and ETC last.
  std::vector<size_t> plot_order() const {
    static const char* kFirst[] = {"uniform", "ucb1", "moss", "klucb", "thompson", "klucb_plus"};
    std::vector<size_t> order;
    for (const char* id : kFirst)
      for (size_t i = 0; i < names_.size(); ++i)
        if (names_[i] == id) order.push_back(i);
    for (size_t i = 0; i < names_.size(); ++i)
      if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
    return order;
  }

  void record() {
    const uint64_t t = runs_[0].t;
    if (t < next_record_ && t < cfg_.policy.horizon) return;
    history_t_.push_back(static_cast<double>(t));
    for (size_t i = 0; i < runs_.size(); ++i) history_[i].push_back(runs_[i].regret);
    next_record_ = std::max<uint64_t>(t + 1, t + t / 50);
  }

  void draw_toolbar(RegretExperiment& e) {
    // The buttons wrap onto a new line when the view is narrow.
    bool first = true;
    for (const ArmPreset& preset : arm_presets()) {
      if (!first) ui::same_line_if_fits(ImGui::CalcTextSize(preset.label).x + ImGui::GetFontSize());
      first = false;
      if (ImGui::SmallButton(preset.label)) panel::assign(e.params(), {{"arms", panel::list_value(preset.means)}});
    }
    ui::same_line_if_fits(ImGui::GetFontSize() * 3);
    if (ImGui::SmallButton("+ arm") && e.p().arms.size() < static_cast<size_t>(kMaxArms)) {
      std::vector<double> arms = e.p().arms;
      arms.push_back(0.5);
      panel::assign(e.params(), {{"arms", panel::list_value(arms)}});
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("- arm") && e.p().arms.size() > 2) {
      std::vector<double> arms = e.p().arms;
      arms.pop_back();
      panel::assign(e.params(), {{"arms", panel::list_value(arms)}});
    }
    if (!names_.empty()) {
      ui::same_line_if_fits(ImGui::GetFontSize() * 12.0f);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
      if (ImGui::BeginCombo("bars", names_[static_cast<size_t>(bars_)].c_str())) {
        for (size_t i = 0; i < names_.size(); ++i)
          if (ImGui::Selectable(names_[i].c_str(), static_cast<int>(i) == bars_)) bars_ = static_cast<int>(i);
        ImGui::EndCombo();
      }
    }
  }

  void build_figure(const RegretExperiment& e) {
    const double horizon = static_cast<double>(cfg_.policy.horizon);
    plot::Plot regret;
    regret.title = "One run: cumulative regret R_t";
    regret.x = {"t", plot::Scale::Log, 1.0, horizon};
    regret.y = {"R_t", plot::Scale::Log};
    plot::Plot ratio;
    ratio.title = "R_t / ln t  (dashed: Lai–Robbins C)";
    ratio.x = {"t", plot::Scale::Log, 1.0, horizon};
    ratio.y = {"R_t / ln t", plot::Scale::Log};
    for (size_t i : plot_order()) {
      plot::Line l{names_[i], history_t_, history_[i], {}, {}, palette(i), 2.0f};
      regret.lines.push_back(l);
      for (size_t j = 0; j < l.x.size(); ++j) l.y[j] = l.x[j] > 1.0 ? l.y[j] / std::log(l.x[j]) : NAN;
      ratio.lines.push_back(l);
    }
    plot::Line bound = plot::reference_line("Lai–Robbins C·ln t");
    for (double t : plot::log_spaced_counts(cfg_.policy.horizon, 40)) bound.x.push_back(t), bound.y.push_back(lai_robbins_ * std::log(t));
    regret.lines.push_back(bound);
    if (!bound.x.empty())
      regret.annotations.push_back({bound.x.back(), bound.y.back(), "Lai–Robbins: no good policy's regret grows slower than C·ln t"});
    ratio.guides.push_back({false, lai_robbins_, "C", {0.85f, 0.85f, 0.85f, 1}, true});
    figure_.title = "bandits.regret — one run";
    figure_.plots = {regret, arms_plot(e), geometry_plot(), ratio};
  }

  // Arm means (points, draggable) and the pull shares of the policy chosen for the bars.
  plot::Plot arms_plot(const RegretExperiment& e) const {
    plot::Plot p;
    const size_t k = static_cast<size_t>(cfg_.policy.k);
    p.title = "Arms: mean μ (drag) and pull share of " + (names_.empty() ? std::string("-") : names_[static_cast<size_t>(bars_)]);
    p.x = panel::arm_axis(k);
    p.y = {"μ  /  share of pulls", plot::Scale::Linear, 0.0, 1.02};
    if (!names_.empty()) {
      const PolicyRun& r = runs_[static_cast<size_t>(bars_)];
      plot::Bars bars{"pull share", {}, {}, palette(static_cast<size_t>(bars_))};
      bars.color.a = 0.55f;
      for (size_t a = 0; a < k; ++a) {
        bars.edges.push_back(a + 0.6);
        bars.heights.push_back(r.t ? r.stats.pulls[a] / static_cast<double>(r.t) : 0.0);
      }
      bars.edges.push_back(k + 0.6);
      p.bars.push_back(bars);
    }
    plot::Points means{"mean μ", {}, {}, panel::kMarker, 5.0f};
    const std::vector<double> mu = e.effective_means();
    for (size_t a = 0; a < k; ++a) means.x.push_back(a + 1.0), means.y.push_back(mu[a]);
    p.points.push_back(means);
    return p;
  }

  // KL-UCB's indices on the kl geometry: q ↦ N_a·KL(μ̂_a, q) against the level.
  plot::Plot geometry_plot() const {
    const PolicyRun& r = runs_[static_cast<size_t>(klucb_slot_)];
    const ArmModel& m = cfg_.policy.model;
    const double t = static_cast<double>(std::max<uint64_t>(r.t, 1)), level = kl_level(t, cfg_.policy.c);
    plot::Plot p;
    p.title = "KL-UCB indices on the kl geometry";
    p.y = {"N_a·KL(μ̂_a, q)", plot::Scale::Linear, 0.0, std::max(2.5 * level, 1.0)};
    // The arms with the largest indices (pulled arms only).
    std::vector<std::pair<double, int>> order;
    for (int a = 0; a < cfg_.policy.k; ++a)
      if (r.stats.pulls[a] > 0) order.push_back({kl_index(m, r.stats.mean[a], r.stats.pulls[a], level), a});
    std::sort(order.rbegin(), order.rend());
    if (order.size() > static_cast<size_t>(kShownIndexArms)) order.resize(kShownIndexArms);
    double lo = m.dist == ArmDist::Gaussian ? kInf : 0.0, hi = m.dist == ArmDist::Gaussian ? -kInf : 1.0;
    for (const auto& [u, a] : order) {
      if (m.dist != ArmDist::Gaussian) continue;
      lo = std::min(lo, 2.0 * r.stats.mean[a] - u);
      hi = std::max(hi, u + 0.3 * (u - r.stats.mean[a]));
    }
    if (!(lo < hi)) lo = 0.0, hi = 1.0;
    p.x = {m.dist == ArmDist::Gaussian ? "q (reward)" : "q (success probability)", plot::Scale::Linear, lo, hi};
    plot::Points indices{"index U_a", {}, {}, panel::kMarker, 4.5f};
    for (const auto& [u, a] : order) {
      const double n = r.stats.pulls[a], mean = r.stats.mean[a];
      plot::Line curve{"arm " + std::to_string(a + 1) + " (N = " + std::to_string(r.stats.pulls[a]) + ")", {}, {}, {}, {}, palette(static_cast<size_t>(a)), 2.0f};
      curve.group = "arm " + std::to_string(a + 1);  // the name changes with N; the series does not
      for (int i = 0; i <= 200; ++i) {
        const double q = lo + (hi - lo) * i / 200.0;
        const double y = n * arm_kl(m, mean, m.dist == ArmDist::Gaussian ? q : std::clamp(q, 1e-12, 1.0 - 1e-12));
        curve.x.push_back(q);
        curve.y.push_back(y < 10.0 * level + 10.0 ? y : NAN);
      }
      p.lines.push_back(curve);
      indices.x.push_back(u);
      indices.y.push_back(level);
      p.guides.push_back({true, cfg_.theta[a], "", palette(static_cast<size_t>(a)), true});
    }
    p.points.push_back(indices);
    p.guides.push_back({false, level, "level " + num(level), {0.85f, 0.85f, 0.85f, 1}, true});
    return p;
  }

  // The arms plot, with the mean points dragged vertically to edit `arms`.
  void draw_arms(RegretExperiment& e, ImVec2 size) {
    ui::PlotOptions opt;
    opt.left_drag_pans = false;
    const ui::PlotFrame f = ui::draw_plot("arms", figure_.plots[1], size, opt);
    const bool active = ImGui::IsItemActive();
    const size_t k = e.p().arms.size();
    if (f.hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    if (active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      const long a = std::lround(f.mouse_x) - 1;
      dragging_ = a >= 0 && static_cast<size_t>(a) < k ? static_cast<int>(a) : -1;
    }
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) dragging_ = -1;
    if (dragging_ >= 0 && static_cast<size_t>(dragging_) < k) {
      std::vector<double> arms = e.p().arms;
      arms[static_cast<size_t>(dragging_)] = plot::round_for_range(std::clamp(f.mouse_y, 0.0, 1.0), 1.0, false);
      panel::assign(e.params(), {{"arms", panel::list_value(arms)}});
    }
  }

  RegretConfig cfg_;
  uint64_t seed_ = 0;
  double lai_robbins_ = 0.0;
  std::vector<std::string> names_;
  std::vector<PolicyRun> runs_;  // the selected policies, then KL-UCB if it is not one of them
  int klucb_slot_ = -1;
  std::vector<double> history_t_;
  std::vector<std::vector<double>> history_;
  uint64_t next_record_ = 1;
  int bars_ = -1;  // the policy whose pull shares are drawn
  long long steps_ = 0, total_steps_ = 0;  // log-time steps done and in the whole run
  int dragging_ = -1;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_regret_view() { return std::make_unique<RegretView>(); }

}  // namespace klab::bandits
