// The blackbox chapter's live views: widgets and plots only; every number comes from the chapter's
// experiment code (EsRun, the same code the CLI and the tests run).
#include "blackbox/panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "blackbox/es_experiment.hpp"
#include "core/result_plots.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::blackbox {
namespace {

constexpr int kLiveFrames = 90;  // log-spaced evaluation counts the live run stops at (one view step each)

std::string num(double v) { return plot::format_number(v); }

// ---------------------------------------------------------------------------------------------
// blackbox.es: run 1 of every strategy at the largest n, on the same landscape: OneMax value and
// the planted height of the current point against evaluations.
class EsView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const EsExperiment&>(ctx.experiment);
    const int n = es_n_grid(e.p()).back();
    series_ = e.p().series;
    runs_.clear();
    for (const std::string& s : series_) runs_.emplace_back(e.p(), s, n, ctx.seed, 0);
    stops_ = plot::log_spaced_counts(runs_.front().budget(), kLiveFrames);
    next_ = 0;
    trace_.assign(series_.size(), {});
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
    for (int k = 0; k < steps && next_ < stops_.size(); ++k) {
      for (EsRun& r : runs_)
        while (!r.done() && r.state().evaluations < static_cast<long long>(stops_[next_])) r.generation();
      ++next_;
      record();
    }
  }

  void draw(ui::ViewContext& ctx) override {
    auto& e = static_cast<const EsExperiment&>(ctx.experiment);
    const EsRun& first = runs_.front();
    std::vector<std::pair<std::string, std::string>> rows{{"n", std::to_string(first.n())}, {"λ", std::to_string(first.lambda())}};
    for (size_t s = 0; s < series_.size(); ++s) {
      const EsRun& r = runs_[s];
      rows.push_back({series_[s], r.reached() ? "optimum after " + num(static_cast<double>(r.state().evaluations))
                                              : "OM = " + std::to_string(r.state().ones)});
    }
    ui::readout_table("##es", rows, 3);
    build_figure(e);
    ui::PlotGrid grid(2, 0);
    ui::draw_plot("trajectory", figure_.plots[0], grid.cell(0));
    ui::draw_plot("height", figure_.plots[1], grid.cell(1));
    grid.end();
  }

 private:
  struct Trace {
    std::vector<double> evaluations, ones, height;  // (records)
  };

  void record() {
    for (size_t s = 0; s < runs_.size(); ++s) {
      const EaRun& st = runs_[s].state();
      Trace& t = trace_[s];
      if (!t.evaluations.empty() && t.evaluations.back() == static_cast<double>(st.evaluations)) continue;
      t.evaluations.push_back(static_cast<double>(st.evaluations));
      t.ones.push_back(st.ones);
      t.height.push_back(st.f - st.ones);
    }
  }

  void build_figure(const EsExperiment& e) {
    const EsRun& first = runs_.front();
    plot::Plot om, h;
    om.title = "Run 1 at n = " + std::to_string(first.n()) + ": OneMax value of the parent";
    om.x = {"evaluations", plot::Scale::Log};
    om.y = {"OM(x) = number of ones"};
    h.title = "Planted height D_x of the parent (0: not planted)";
    h.x = {"evaluations", plot::Scale::Log};
    h.y = {"D_x"};
    for (plot::Plot* q : {&om, &h}) q->x.cover_lo = 1, q->x.cover_hi = static_cast<double>(first.budget());
    for (size_t s = 0; s < series_.size(); ++s) {
      om.lines.push_back({series_[s], trace_[s].evaluations, trace_[s].ones, {}, {}, palette(s), 2.0f});
      h.lines.push_back({series_[s], trace_[s].evaluations, trace_[s].height, {}, {}, palette(s), 2.0f});
    }
    plot::Guide target;
    target.vertical = false;
    target.value = first.target();
    target.label = first.target() == first.n() ? "optimum n" : "target n − k*";
    om.guides.push_back(target);
    figure_.title = "blackbox.es, run 1";
    figure_.plots = {om, h};
  }

  std::vector<std::string> series_;
  std::vector<EsRun> runs_;
  std::vector<double> stops_;
  size_t next_ = 0;
  std::vector<Trace> trace_;  // (series)
};

}  // namespace

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "blackbox.es") return std::make_unique<EsView>();
  return nullptr;
}

}  // namespace klab::blackbox
