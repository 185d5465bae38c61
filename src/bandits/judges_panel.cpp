// bandits.judges live view. Headline: the paper's claim over a live batch of runs 1..R
// (core/live_batch.hpp: the Runs tab's runs and statistics, R growing as runs finish): each rule's
// mean ℓ_p error against the budget with 95% bands and the oracle rate; the read-outs give EST-IVWE's
// error over the oracle's at the smallest and the full budget (→ 1). Beside it, run 1 of the three
// allocations, advanced together budget step by budget step as the batch plays: heatmaps of where
// EST-IVWE and the uniform rule have spent their queries (items × judges, share of the budget) next
// to the oracle's shares b_k/B on each item's most efficient judge, and the run's ℓ_p error as the
// budget is spent.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "bandits/judges_experiment.hpp"
#include "bandits/panel_util.hpp"
#include "bandits/panel_views.hpp"
#include "core/colormap.hpp"
#include "core/live_batch.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::bandits {
namespace {

using panel::num;

class JudgesView final : public ui::DemoView {
 public:
  // A step asks for B/4 (a run is three rules over the budget B); the cursor pauses at the budget
  // checkpoints, so a run takes 9 steps at the defaults.
  static constexpr int kStepsPerRun = 12;

  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const JudgesExperiment&>(ctx.experiment);
    inst_ = std::make_unique<JudgeInstance>(e.instance());
    sims_.clear();
    for (Allocation a : {Allocation::Uniform, Allocation::Oracle, Allocation::Est})
      sims_.push_back(std::make_unique<JudgeSim>(*inst_, a, e.p().p, ctx.seed, 0));
    budget_ = static_cast<double>(e.p().budget);
    oracle_ = oracle_shares(*inst_, e.p().p);
    spent_ = 0.0;
    history_b_.clear();
    history_.assign(3, {});
    steps_ = 0;
    total_steps_ = 0;
    for (double spent = 0; spent < budget_; spent = next_spent(spent)) ++total_steps_;
    live_.reset(e, ctx.seed, judges_demo().default_runs, kStepsPerRun);  // the Runs tab's default runs
  }
  double steps_done() const override { return live_.steps_done(); }
  double steps_total() const override { return live_.steps_total(); }

  bool animates() const override { return true; }
  bool finished() const override { return live_.finished(); }
  std::string status() const override {
    char s[96];
    std::snprintf(s, sizeof s, "run %u / %u · run 1 spent %s / %s", live_.runs_done(), live_.runs(), num(spent_).c_str(), num(budget_).c_str());
    return s;
  }

  // The batch's steps; run 1 is replayed over the batch.
  void advance(const ui::ViewContext& ctx, int steps) override {
    live_.advance(steps);
    const double shown = live_.steps_done() / std::max(1.0, live_.steps_total());
    const long long target = std::min(total_steps_, static_cast<long long>(shown * total_steps_));
    replay(target - steps_);
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<JudgesExperiment&>(ctx.experiment);
    const BatchResult& r = live_.result();
    // EST-IVWE's mean error over the oracle's at budget point i (the Runs tab's ratio plot).
    const auto ratio = [&r](size_t i) {
      return r.runs_done ? num(r.curve_stat(2, 0, i).mean() / r.curve_stat(1, 0, i).mean()) : std::string("—");
    };
    const size_t last = r.layout.axes.empty() ? 0 : r.layout.axes[0].x.size() - 1;
    ui::readout_table("##judges",
                    {{"EST-IVWE / oracle at B/30", ratio(0)},
                     {"EST-IVWE / oracle at B", ratio(last)},
                     {"uniform / oracle at B", r.runs_done ? num(r.curve_stat(0, 0, last).mean() / r.curve_stat(1, 0, last).mean()) : "—"},
                     {"runs in the headline", std::to_string(r.runs_done)},
                     {"items × judges", std::to_string(inst_->items) + " × " + std::to_string(inst_->judges)},
                     {"run 1: budget spent", num(spent_)}},
                    3);
    build_figure(e);
    ui::PlotGrid grid(5, 0);
    ui::draw_plot("mean error", figure_.plots[0], grid.cell(0));
    ui::draw_plot("est", figure_.plots[1], grid.cell(1));
    ui::draw_plot("oracle", figure_.plots[2], grid.cell(2));
    ui::draw_plot("uniform", figure_.plots[3], grid.cell(3));
    ui::draw_plot("error", figure_.plots[4], grid.cell(4));
    grid.end();
  }

 private:
  // A step of run 1 raises the budget by 2% (at least one query of the dearest judge).
  void replay(long long steps) {
    for (long long i = 0; i < steps && spent_ < budget_; ++i) {
      spent_ = next_spent(spent_);
      ++steps_;
      for (auto& sim : sims_)
        while (sim->next_cost() > 0.0 && sim->spent() + sim->next_cost() <= spent_) sim->query();
      history_b_.push_back(spent_);
      for (size_t s = 0; s < 3; ++s) history_[s].push_back(sims_[s]->error());
    }
  }

  double next_spent(double spent) const {
    const double dearest = *std::max_element(inst_->cost.begin(), inst_->cost.end());
    return std::min(budget_, spent + std::max(dearest, 0.02 * spent));
  }

  // Share of the spent budget per (item, judge): rows are items, columns judges.
  // vmax: the top of the colour scale, shared by every allocation map (see build_figure).
  plot::Plot allocation(const std::string& title, const std::vector<double>& share, double vmax) const {
    plot::Plot p;
    p.title = title;
    // Judges and items are discrete: named cells, no interpolation between them.
    std::vector<std::string> judges, items;
    for (int j = 0; j < inst_->judges; ++j) judges.push_back(std::to_string(j + 1));
    for (int k = 0; k < inst_->items; ++k) items.push_back(std::to_string(k + 1));
    p.x = plot::category_axis("judge (cost ↑)", judges, 0.5);
    p.y = plot::category_axis("item", items, 0.5);
    plot::Heatmap h;
    h.nx = inst_->judges;
    h.ny = inst_->items;
    h.x1 = inst_->judges;
    h.y1 = inst_->items;
    h.vmin = 0.0;
    h.vmax = vmax;
    h.label = "share of budget";
    h.smooth = false;
    for (double v : share) h.values.push_back(static_cast<float>(v));
    p.heatmaps.push_back(h);
    return p;
  }

  std::vector<double> spent_shares(const JudgeSim& sim) const {
    std::vector<double> share(sim.counts().size(), 0.0);
    const double total = std::max(sim.spent(), 1e-12);
    for (size_t i = 0; i < share.size(); ++i) share[i] = sim.counts()[i] * inst_->cost[i % inst_->judges] / total;
    return share;
  }

  void build_figure(const JudgesExperiment& e) {
    plot::Plot err;
    err.title = "Run 1: ℓ_" + format_real(e.p().p) + " error vs budget spent";
    err.x = {"budget spent", plot::Scale::Log};
    err.y = {"‖ŝ - s‖_p", plot::Scale::Log};
    // Uniform dashed and drawn last: during the warm-up EST-IVWE's answers are uniform's (both round
    // robin), and its curve would hide uniform's.
    static const char* kNames[3] = {"uniform", "oracle", "est_ivwe"};
    for (size_t s : {size_t{1}, size_t{2}, size_t{0}}) {
      err.lines.push_back({kNames[s], history_b_, history_[s], {}, {}, palette(s), 2.0f});
      if (s == 0) err.lines.back().dash = plot::Dash::Dashed;
    }
    plot::Line rate = plot::reference_line("oracle rate");
    for (double b : history_b_) rate.x.push_back(b), rate.y.push_back(oracle_rate(*inst_, e.p().p, b));
    err.lines.push_back(rate);
    // EST-IVWE's warm-up (two answers per pair, round robin) costs 2·K·Σ_j c_j: its end as a guide.
    double warmup = 0.0;
    for (double c : inst_->cost) warmup += 2.0 * inst_->items * c;
    if (warmup < budget_) err.guides.push_back({true, warmup, "warm-up ends", plot::kReferenceGrey, true});
    // The note only once it is true: EST-IVWE below uniform.
    if (!history_b_.empty() && history_[2].back() < history_[0].back())
      err.annotations.push_back({history_b_.back(), history_[2].back(), "after its warm-up EST-IVWE drops below uniform, towards the oracle"});
    plot::Plot mean = e.figure(live_.result()).plots[0];  // the Runs tab's headline on the live runs
    mean.title = "Mean ℓ_" + format_real(e.p().p) + " error vs budget over " + std::to_string(live_.result().runs_done) + " of " +
                 std::to_string(live_.runs()) + " runs (95% CI)";
    figure_.title = "bandits.judges — " + std::to_string(live_.result().runs_done) + " live runs; run 1";
    // The allocation maps sit side by side: one colour scale for all of them, so that equal colours
    // are equal shares, topped at the largest share rounded up to two significant digits.
    const std::vector<double> est = spent_shares(*sims_[2]), uniform = spent_shares(*sims_[0]);
    double top = 0.0;
    const auto grow = [&top](const std::vector<double>& v) {
      for (double x : v) top = std::max(top, x);
    };
    grow(est), grow(oracle_), grow(uniform);
    if (top > 0.0) {
      const double unit = std::pow(10.0, std::floor(std::log10(top)) - 1.0);
      top = plot::round_for_range(std::ceil(top / unit * (1.0 - 1e-12)) * unit, top, false);
    } else {
      top = 1.0;
    }
    figure_.plots = {mean, allocation("EST-IVWE: share n_kj·c_j / spent", est, top),
                     allocation("Oracle shares b_k/B ∝ v_k^{p/(p+2)}", oracle_, top),
                     allocation("Uniform: share n_kj·c_j / spent", uniform, top), err};
  }

  std::unique_ptr<JudgeInstance> inst_;
  std::vector<std::unique_ptr<JudgeSim>> sims_;
  std::vector<double> oracle_, history_b_;
  std::vector<std::vector<double>> history_;
  double budget_ = 1.0, spent_ = 0.0;
  long long steps_ = 0, total_steps_ = 0;
  LiveBatch live_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_judges_view() { return std::make_unique<JudgesView>(); }

}  // namespace klab::bandits
