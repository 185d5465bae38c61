// bandits.streaming live view. Headline: the paper's claim over a live batch of runs 1..R
// (core/live_batch.hpp: the Runs tab's runs and statistics, R growing as runs finish): mean regret
// against T on log-log axes with 95% bands, each algorithm's fitted slope and the T^{2/3} guide;
// the read-outs give the tower's cut of uniform's regret at T max over those runs. Beside it, one
// pass (run 1, T = T max) of the chosen algorithm replayed event by event as the batch plays: the
// stream of arms (read, stored, discarded), the memory slots with their stored arms, and the regret
// as the trials are spent, next to the other two algorithms on the same stream.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bandits/panel_util.hpp"
#include "bandits/panel_views.hpp"
#include "bandits/streaming_experiment.hpp"
#include "core/colormap.hpp"
#include "core/live_batch.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::bandits {
namespace {

using panel::num;

constexpr long long kMaxTracedArms = 5000;  // longer streams are summarised, not replayed
const char* const kAlgoNames[3] = {"uniform", "single", "tower"};

class StreamingView final : public ui::DemoView {
 public:
  // A step asks for 1/64 of a run's trials (3·Σ T ≈ 4.4·10⁷ at the defaults); the cursor's slices are
  // whole passes, so a run takes 9 steps at the defaults (the largest a pass at T = 10⁷).
  static constexpr int kStepsPerRun = 64;

  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const StreamingExperiment&>(ctx.experiment);
    arms_ = e.arms(ctx.seed, 0);
    horizon_ = e.p().t_max;
    traced_ = e.p().k <= kMaxTracedArms;
    for (int a = 0; a < 3; ++a) {
      traces_[a].clear();
      results_[a] = run_stream(static_cast<StreamAlgo>(a), arms_, horizon_, ctx.seed, 0, traced_ ? &traces_[a] : nullptr);
    }
    levels_ = tower_levels(static_cast<long long>(arms_.size()));
    position_ = 0;
    replay();
    live_.reset(e, ctx.seed, streaming_demo().default_runs, kStepsPerRun);  // the Runs tab's default runs
  }

  bool animates() const override { return true; }
  bool finished() const override { return live_.finished(); }
  std::string status() const override {
    char s[64];
    std::snprintf(s, sizeof s, "run %u / %u · event %zu / %zu", live_.runs_done(), live_.runs(), position_, traces_[algo_].size());
    return s;
  }
  double steps_done() const override { return live_.steps_done(); }
  double steps_total() const override { return live_.steps_total(); }
  // The batch's steps; run 1's pass is replayed over the batch.
  void advance(const ui::ViewContext& ctx, int steps) override {
    live_.advance(steps);
    follow_batch();
  }

  void draw(ui::ViewContext& ctx) override {
    int algo = algo_;
    for (int a = 0; a < 3; ++a) {
      if (a) ImGui::SameLine();
      ImGui::RadioButton(kAlgoNames[a], &algo, a);
    }
    if (algo != algo_) {
      algo_ = algo;
      follow_batch();
    }
    ImGui::SameLine();
    ImGui::TextDisabled(traced_ ? "replaying run 1 at T = %s" : "K > 5000: run 1's final results only (T = %s)", num(static_cast<double>(horizon_)).c_str());
    auto& e = static_cast<StreamingExperiment&>(ctx.experiment);
    const BatchResult& r = live_.result();
    // The mean regrets at T max (final metric 0); their ratio is the Runs tab's reduction plot at T max.
    const auto mean_at_tmax = [&r](size_t s) { return r.runs_done ? num(r.final_stat(s, 0).mean()) : std::string("—"); };
    const std::string cut = r.runs_done ? num(100.0 * (1.0 - r.final_stat(2, 0).mean() / r.final_stat(0, 0).mean())) + "%" : "—";
    ui::readout_table("##stream",
                    {{"tower's regret below uniform's", cut},
                     {"runs in the headline", std::to_string(r.runs_done)},
                     {"mean regret uniform", mean_at_tmax(0)},
                     {"mean regret tower", mean_at_tmax(2)},
                     {"run 1: memory (arms)", std::to_string(results_[algo_].memory)},
                     {"run 1: exploration pulls", num(static_cast<double>(results_[algo_].exploration))}},
                    3);
    build_figure(e);
    ui::PlotGrid grid(5, 0);
    ui::draw_plot("slopes", figure_.plots[0], grid.cell(0));
    ui::draw_plot("stream", figure_.plots[1], grid.cell(1));
    ui::draw_plot("memory", figure_.plots[2], grid.cell(2));
    ui::draw_plot("regret", figure_.plots[3], grid.cell(3));
    ui::draw_plot("slots", figure_.plots[4], grid.cell(4));
    grid.end();
  }

 private:
  // Run 1's replay at the batch's pace: the whole pass over the batch.
  void follow_batch() {
    const double shown = live_.steps_done() / std::max(1.0, live_.steps_total());
    position_ = std::min(traces_[algo_].size(), static_cast<size_t>(shown * traces_[algo_].size()));
    replay();
  }

  // Rebuilds the state of the pass after `position_` events of the chosen algorithm.
  void replay() {
    const size_t k = arms_.size();
    status_.assign(k, 0);  // 0 unread, 1 stored, 2 discarded, 3 committed
    slots_.assign(static_cast<size_t>(std::max(levels_, 1)), {-1, 0.0});
    current_ = -1;
    const std::vector<StreamEvent>& tr = traces_[algo_];
    for (size_t i = 0; i < position_ && i < tr.size(); ++i) {
      const StreamEvent& ev = tr[i];
      if (ev.kind == StreamEvent::Read) current_ = ev.arm;
      if (ev.kind == StreamEvent::Keep && ev.slot >= 0 && static_cast<size_t>(ev.slot) < slots_.size()) {
        slots_[static_cast<size_t>(ev.slot)] = {ev.arm, ev.estimate};
        status_[static_cast<size_t>(ev.arm)] = 1;
      }
      if (ev.kind == StreamEvent::Discard) {
        status_[static_cast<size_t>(ev.arm)] = 2;
        for (auto& s : slots_)
          if (s.first == ev.arm) s = {-1, 0.0};
      }
      if (ev.kind == StreamEvent::Promote && ev.slot >= 1)
        for (auto& s : slots_)
          if (s.first == ev.arm) s = {-1, 0.0};
      if (ev.kind == StreamEvent::Commit && ev.arm >= 0) status_[static_cast<size_t>(ev.arm)] = 3;
    }
  }

  void build_figure(const StreamingExperiment& e) {
    plot::Plot slopes = e.figure(live_.result()).plots[0];  // the Runs tab's headline on the live runs
    slopes.title = "Mean regret vs T over " + std::to_string(live_.result().runs_done) + " of " + std::to_string(live_.runs()) +
                   " runs (log-log); dashed: slope 2/3";
    const size_t k = arms_.size();
    plot::Plot stream;
    stream.title = "Stream: arm means by arrival";
    stream.x = {"stream position", plot::Scale::Linear, 0.0, static_cast<double>(k) + 1.0};
    stream.y = {"μ", plot::Scale::Linear, 0.0, 1.02};
    stream.legend = false;
    plot::Points unread{"unread", {}, {}, {0.45f, 0.45f, 0.45f, 1}, 2.5f}, gone{"discarded", {}, {}, {0.3f, 0.35f, 0.5f, 1}, 2.5f},
        stored{"stored", {}, {}, palette(1), 5.0f}, chosen{"committed", {}, {}, panel::kMarker, 7.0f};
    const size_t stride = std::max<size_t>(1, k / 4000);  // at most ~4000 points
    for (size_t i = 0; i < k; ++i) {
      if ((status_[i] == 0 || status_[i] == 2) && i % stride != 0) continue;  // thin the crowd, keep stored arms
      plot::Points& p = status_[i] == 0 ? unread : status_[i] == 1 ? stored : status_[i] == 2 ? gone : chosen;
      p.x.push_back(i + 1.0), p.y.push_back(arms_[i]);
    }
    stream.points = {unread, gone, stored, chosen};
    if (current_ >= 0) stream.guides.push_back({true, current_ + 1.0, "now", {0.8f, 0.8f, 0.8f, 1}, true});
    stream.guides.push_back({false, *std::max_element(arms_.begin(), arms_.end()), "μ*", {0.6f, 0.6f, 0.6f, 1}, true});

    plot::Plot memory;
    memory.title = std::string("Memory of ") + kAlgoNames[algo_] + " (bar: estimate, point: μ)";
    memory.x = {algo_ == 2 ? "level" : "slot", plot::Scale::Linear, -0.6, slots_.size() - 0.4};
    memory.y = {"mean", plot::Scale::Linear, 0.0, 1.02};
    plot::Bars est{"estimate", {}, {}, palette(algo_)};
    plot::Points truth{"true μ", {}, {}, panel::kMarker, 5.0f};
    const size_t shown = algo_ == 2 ? slots_.size() : 1;
    for (size_t s = 0; s < shown; ++s) {
      est.edges.push_back(s - 0.35);
      est.heights.push_back(slots_[s].first >= 0 ? slots_[s].second : 0.0);
      est.edges.push_back(s + 0.35);
      est.heights.push_back(0.0);
      if (slots_[s].first >= 0) truth.x.push_back(static_cast<double>(s)), truth.y.push_back(arms_[static_cast<size_t>(slots_[s].first)]);
    }
    est.edges.push_back(shown + 0.65);
    memory.bars = {est};
    memory.points = {truth};

    plot::Plot regret;
    regret.title = "Regret as the trials are spent";
    regret.x = {"trials used", plot::Scale::Log, 1.0, static_cast<double>(horizon_)};
    regret.y = {"regret", plot::Scale::Log};
    for (int a = 0; a < 3; ++a) {
      plot::Line l{kAlgoNames[a], {}, {}, {}, {}, palette(static_cast<size_t>(a)), a == algo_ ? 2.5f : 1.5f};
      double used = 0;
      const size_t n = a == algo_ ? std::min(position_, traces_[a].size()) : traces_[a].size();
      for (size_t i = 0; i < n; ++i) {
        const StreamEvent& ev = traces_[a][i];
        if (ev.kind == StreamEvent::Pull) used += ev.pulls;
        else if (ev.kind == StreamEvent::Commit) used = static_cast<double>(horizon_);
        else continue;
        if (ev.regret > 0 && (l.x.empty() || used > l.x.back() * 1.002 || ev.kind == StreamEvent::Commit)) l.x.push_back(used), l.y.push_back(ev.regret);
      }
      if (a == 2 && !l.x.empty())
        regret.annotations.push_back({l.x.back(), l.y.back(), "tower: the least regret, with a few arms of memory"});
      regret.lines.push_back(l);
    }

    plot::Plot slots;
    slots.title = "Exploration pulls (memory in the legend)";
    slots.x = plot::category_axis("algorithm", {kAlgoNames[0], kAlgoNames[1], kAlgoNames[2]}, 0.0);
    slots.y = {"exploration pulls", plot::Scale::Log};
    for (int a = 0; a < 3; ++a) {
      plot::Bars b{std::string(kAlgoNames[a]) + " (memory " + std::to_string(results_[a].memory) + ")", {a - 0.35, a + 0.35},
                   {std::max(1.0, static_cast<double>(results_[a].exploration))}, palette(static_cast<size_t>(a))};
      slots.bars.push_back(b);
    }
    figure_.title = "bandits.streaming — " + std::to_string(live_.result().runs_done) + " live runs; run 1's pass";
    figure_.plots = {slopes, stream, memory, regret, slots};
  }

  std::vector<double> arms_;
  long long horizon_ = 1;
  bool traced_ = true;
  std::vector<StreamEvent> traces_[3];
  StreamResult results_[3];
  int levels_ = 1, algo_ = 2, current_ = -1;
  size_t position_ = 0;
  LiveBatch live_;
  std::vector<int> status_;                        // per arm, after the replayed events
  std::vector<std::pair<int, double>> slots_;      // per memory slot: stored arm and its estimate
};

}  // namespace

std::unique_ptr<ui::DemoView> make_streaming_view() { return std::make_unique<StreamingView>(); }

}  // namespace klab::bandits
