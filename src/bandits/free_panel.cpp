// bandits.free_exploration live view: run 0 of the three series at c_free, stepped together (the
// free phase one pull per step, the paid phase in log-time steps). Shows where each free phase
// put its pulls against the first-order targets ln T / KL(ν_a, ν*), the paid regret of the run,
// and the predicted regret saving as c_free varies (its kinks are the phase transitions).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bandits/free_experiment.hpp"
#include "bandits/panel_util.hpp"
#include "bandits/panel_views.hpp"
#include "core/colormap.hpp"
#include "core/result_plots.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"

namespace klab::bandits {
namespace {

using panel::num;

constexpr long long kFreePullsPerFrame = 300000;

class FreeView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    const auto& e = static_cast<const FreeExperiment&>(ctx.experiment);
    seed_ = ctx.seed;
    horizon_ = static_cast<uint64_t>(e.p().horizon);
    const std::vector<FreeEpisode> all = e.episodes();
    episodes_.assign(all.begin(), all.begin() + 3);  // the three series at c_free
    theta_ = e.theta();
    gap_ = e.gaps();
    states_.assign(3, FreeEpisodeState{});
    for (FreeEpisodeState& s : states_) free_episode_start(s, e, seed_, 0);
    free_counts_.assign(3, std::vector<double>(theta_.size(), 0.0));
    history_t_.assign(3, {});
    history_.assign(3, {});
    next_record_.assign(3, 1);
    steps_ = 0;
    total_steps_ = episodes_[2].budget;  // the free phase, one pull a step, then the paid phase in log time
    for (uint64_t t = 0; t < horizon_; t = next_t(t)) ++total_steps_;
  }
  double steps_done() const override { return static_cast<double>(steps_); }
  double steps_total() const override { return static_cast<double>(total_steps_); }

  bool animates() const override { return true; }
  bool finished() const override {
    return std::all_of(states_.begin(), states_.end(), [&](const FreeEpisodeState& s) { return s.t >= horizon_; });
  }
  std::string status() const override {
    if (states_.empty()) return "";
    char s[96];
    const FreeEpisodeState& u = states_[2];
    if (u.free_done < episodes_[2].budget)
      std::snprintf(s, sizeof s, "free pull %lld / %lld", u.free_done, episodes_[2].budget);
    else
      std::snprintf(s, sizeof s, "paid t = %llu / %llu", static_cast<unsigned long long>(u.t), static_cast<unsigned long long>(horizon_));
    return s;
  }

  void advance(const ui::ViewContext& ctx, int steps) override {
    const auto& e = static_cast<const FreeExperiment&>(ctx.experiment);
    long long budget = kFreePullsPerFrame;
    for (int i = 0; i < steps && !finished() && budget > 0; ++i) {
      for (size_t s = 0; s < 3; ++s) {
        FreeEpisodeState& st = states_[s];
        if (st.free_done < episodes_[s].budget) {  // free phase: one pull per step
          free_episode_step(st, e, episodes_[s], theta_, gap_, seed_, 0);
          free_counts_[s][static_cast<size_t>(st.last_arm)] += 1.0;
          --budget;
          continue;
        }
        const uint64_t target = next_t(st.t);
        while (st.t < target) free_episode_step(st, e, episodes_[s], theta_, gap_, seed_, 0), --budget;
      }
      ++steps_;
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<FreeExperiment&>(ctx.experiment);
    const double lt = std::log(static_cast<double>(horizon_));
    // A series still in its free phase has played no paid round: its paid regret is not 0 but not yet.
    const auto paid = [&](size_t s) {
      return states_[s].free_done < episodes_[s].budget ? std::string("free phase") : num(states_[s].regret);
    };
    ui::readout_table("##free",
                    {{"B = c_free·ln T", std::to_string(episodes_[1].budget)},
                     {"R (no free phase)", paid(0)},
                     {"R (uniform free)", paid(1)},
                     {"R (UFE)", paid(2)},
                     {"predicted saving uniform", num(e.predicted(FreeRule::Uniform, e.p().c_free))},
                     {"predicted saving UFE", num(e.predicted(FreeRule::Ufe, e.p().c_free))}},
                    3);
    build_figure(e, lt);
    ui::PlotGrid grid(4, 1);
    ui::draw_plot("free_pulls", figure_.plots[0], grid.cell(0));
    ui::draw_plot("paid_regret", figure_.plots[1], grid.cell(1));
    ui::draw_plot("prediction", figure_.plots[2], grid.cell(2));
    ui::draw_plot("counts", figure_.plots[3], grid.cell(3));
    grid.end();
  }

 private:
  uint64_t next_t(uint64_t t) const { return std::min<uint64_t>(horizon_, std::max<uint64_t>(t + 1, t + t / 100)); }

  // Each series against its own paid round t: while the free phases run, klucb (which has none)
  // is already paying, and the free-phase series have played no paid round yet.
  void record() {
    for (size_t s = 0; s < 3; ++s) {
      const uint64_t t = states_[s].t;
      if (t == 0 || (t < next_record_[s] && t < horizon_)) continue;
      history_t_[s].push_back(static_cast<double>(t));
      history_[s].push_back(states_[s].regret);
      next_record_[s] = std::max<uint64_t>(t + 1, t + t / 50);
    }
  }

  void build_figure(const FreeExperiment& e, double lt) {
    const size_t k = theta_.size();
    const ArmModel m = e.model();
    const double best = *std::max_element(theta_.begin(), theta_.end());
    static const char* kNames[3] = {"klucb", "uniform_free", "ufe"};

    plot::Plot free;
    free.title = "Free pulls per arm (points: ln T / KL targets)";
    free.x = panel::arm_axis(k);
    free.y = {"free pulls"};
    for (size_t s = 1; s < 3; ++s) {
      plot::Bars b{kNames[s], {}, {}, palette(s)};
      b.color.a = 0.6f;
      const double offset = s == 1 ? -0.35 : 0.0;
      for (size_t a = 0; a < k; ++a) {
        b.edges.push_back(a + 1 + offset);
        b.heights.push_back(free_counts_[s][a]);
        b.edges.push_back(a + 1 + offset + 0.35);
        b.heights.push_back(0.0);
      }
      b.edges.push_back(k + 1.0);
      free.bars.push_back(b);
    }
    plot::Points target{"target", {}, {}, panel::kMarker, 4.5f};
    for (size_t a = 0; a < k; ++a)
      if (theta_[a] < best) {
        const double kl = arm_kl(m, theta_[a], best);
        if (kl > 0 && lt / kl < 1e9) target.x.push_back(a + 1.0), target.y.push_back(lt / kl);
      }
    free.points.push_back(target);

    plot::Plot regret;
    regret.title = "One run: paid regret R_t";
    regret.x = {"paid round t", plot::Scale::Log, 1.0, static_cast<double>(horizon_)};
    regret.y = {"R_t"};
    for (size_t s = 0; s < 3; ++s) regret.lines.push_back({kNames[s], history_t_[s], history_[s], {}, {}, palette(s), 2.0f});
    if (!history_t_[2].empty())
      regret.annotations.push_back({history_t_[2].back(), history_[2].back(), "UFE: free pulls spent where they save the most regret"});

    plot::Plot pred;
    pred.title = "Predicted saving vs c_free (kinks: phase transitions)";
    pred.x = {"c_free"};
    pred.y = {"predicted regret saved"};
    plot::Line pu{"uniform free", {}, {}, {}, {}, palette(1), 2.0f}, pa{"UFE", {}, {}, {}, {}, palette(2), 2.0f};
    for (double c : plot::linear_points(0.0, e.p().c_max, 121)) {
      pu.x.push_back(c), pu.y.push_back(e.predicted(FreeRule::Uniform, c));
      pa.x.push_back(c), pa.y.push_back(e.predicted(FreeRule::Ufe, c));
    }
    pred.lines = {pu, pa};
    pred.guides.push_back({true, e.p().c_free, "c_free", {0.7f, 0.7f, 0.7f, 1}, true});

    plot::Plot counts;
    counts.title = "All pulls per arm so far (free + paid)";
    counts.x = panel::arm_axis(k);
    counts.y = {"pulls", plot::Scale::Log};
    for (size_t s = 0; s < 3; ++s) {
      plot::Line l{kNames[s], {}, {}, {}, {}, palette(s), 2.0f};
      for (size_t a = 0; a < k; ++a) l.x.push_back(a + 1.0), l.y.push_back(std::max(1.0, static_cast<double>(states_[s].stats.pulls[a])));
      counts.lines.push_back(l);
    }
    figure_.title = "bandits.free_exploration — one run";
    figure_.plots = {free, regret, pred, counts};
  }

  uint64_t seed_ = 0, horizon_ = 1;
  std::vector<uint64_t> next_record_;  // (series) the paid round of its next record
  long long steps_ = 0, total_steps_ = 0;
  std::vector<FreeEpisode> episodes_;
  std::vector<double> theta_, gap_;
  std::vector<FreeEpisodeState> states_;
  std::vector<std::vector<double>> free_counts_;
  std::vector<std::vector<double>> history_t_, history_;  // (series, records): paid round t, regret
};

}  // namespace

std::unique_ptr<ui::DemoView> make_free_view() { return std::make_unique<FreeView>(); }

}  // namespace klab::bandits
