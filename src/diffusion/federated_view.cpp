// diffusion.federated's live view: the no-DP federated set and the centralised one are made at
// reset; then a quick pass over every privacy budget ε with a tenth of the noise levels (so each ε has a
// point within seconds), then the budgets in the grid's order at the full levels, one noise level of
// the server's annealed ULA per play step, each refined point replacing its quick one. The headline is MMD against ε (the claim's plot); beside it the federated set over
// the pooled density, then the film of the pass in progress (its levels as the film's time: the set
// over the pooled marginal at the level's t, the composed score field, the clients' components, the
// trajectories).
#include <algorithm>
#include <cstdio>

#include "core/plot_scale.hpp"
#include "diffusion/federated_experiment.hpp"
#include "diffusion/figures.hpp"
#include "diffusion/film_controls.hpp"
#include "diffusion/film_view.hpp"
#include "diffusion/mixture_editor.hpp"
#include "diffusion/views.hpp"
#include "imgui.h"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"

namespace klab::diffusion {
namespace {

// The live view keeps frames responsive: at most this many client queries per sampling pass
// (particles × levels × steps × clients), by sampling fewer particles; `klab run` and the Runs tab
// use every particle. The defaults (500 × 100 × 4 × 3 = 6·10⁵) are not cut.
constexpr double kLiveQueries = 2e6;
// The quick pass runs this fraction of the noise levels (at least 2) for every ε first.
constexpr int kQuickLevelDivisor = 10;

class FederatedView final : public ui::DemoView {
 public:
  void reset(const ui::ViewContext& ctx) override {
    auto& e = static_cast<const FederatedExperiment&>(ctx.experiment);
    params_ = e.p();
    const double per_particle = static_cast<double>(params_.levels) * params_.steps * params_.clients;
    const long long fit = std::max<long long>(8, std::llround(kLiveQueries / per_particle));
    FederatedParams live = params_;
    live.particles = std::min(params_.particles, fit);
    run_ = std::make_unique<FederatedRun>(live, ctx.seed, 0);
    live_particles_ = live.particles;
    FederatedParams quick = live;
    quick.levels = std::max(2, params_.levels / kQuickLevelDivisor);
    quick_ = std::make_unique<FederatedRun>(quick, ctx.seed, 0);
    quick_levels_ = quick.levels;
    box_ = view_box(run_->data());
    density_ = density_heatmap(run_->data(), box_, kHeatmapCells, "the pooled mixture Σ_k π_k p_k (no one holds it)");
    trail_.clear();
    trail_paths_ = Paths{};
    field_t_ = -1.0;
    account_for_ = 0;
  }
  bool animates() const override { return true; }
  bool finished() const override { return run_->done(); }
  std::string status() const override {
    char s[64];
    if (quick_ && !quick_->done())
      std::snprintf(s, sizeof s, "quick pass (%d levels): privacy budget %zu / %zu", quick_levels_, quick_->next() + 1, params_.epsilons.size());
    else if (run_ && !run_->done())
      std::snprintf(s, sizeof s, "privacy budget %zu / %zu, noise level %zu / %d", run_->next() + 1, params_.epsilons.size(), run_->level(), params_.levels);
    else
      std::snprintf(s, sizeof s, "privacy budgets %zu / %zu", params_.epsilons.size(), params_.epsilons.size());
    return s;
  }
  double steps_done() const override {
    return static_cast<double>(quick_->next() * static_cast<size_t>(quick_levels_) + quick_->level() + run_->next() * static_cast<size_t>(params_.levels) +
                               run_->level());
  }
  double steps_total() const override {
    return static_cast<double>(params_.epsilons.size() * static_cast<size_t>(quick_levels_ + params_.levels));
  }
  void advance(const ui::ViewContext&, int steps) override {
    for (; steps > 0 && !quick_->done(); --steps) quick_->step();
    for (int k = 0; k < steps && !run_->done(); ++k) {
      run_->step();
      // The trajectories: the first particles' state after each level of the current pass.
      if (run_->level() == 1) trail_.clear();
      const Particles* x = run_->in_progress() ? run_->in_progress() : &run_->dp_samples();
      const size_t n = std::min(kFilmTrajectories, x->size());
      trail_.push_back(Particles{std::vector<double>(x->x.begin(), x->x.begin() + static_cast<long>(n)),
                                 std::vector<double>(x->y.begin(), x->y.begin() + static_cast<long>(n))});
    }
    // The trail as Paths (path-major) for the film's trajectories layer.
    const size_t states = trail_.size();
    trail_paths_.times.assign(states, 0.0);
    trail_paths_.count = trail_.empty() ? 0 : trail_.front().size();
    trail_paths_.x.assign(trail_paths_.count * states, 0.0);
    trail_paths_.y.assign(trail_paths_.count * states, 0.0);
    for (size_t l = 0; l < states; ++l)
      for (size_t j = 0; j < trail_paths_.count; ++j) trail_paths_.x[j * states + l] = trail_[l].x[j], trail_paths_.y[j * states + l] = trail_[l].y[j];
  }

  void draw(ui::ViewContext& ctx) override {
    editor_.draw(ctx.experiment);
    film_toggles(&toggles_, "The paths of the first synthetic points through the levels of the current pass");
    std::vector<std::pair<std::string, std::string>> rows;
    rows.push_back({"MMD federated, no DP", num(run_->value(FederatedSeries::Federated, kFedMmd))});
    rows.push_back({"MMD centralised (pooled model)", num(run_->value(FederatedSeries::Centralised, kFedMmd))});
    rows.push_back({"MMD of fresh exact draws (below it: indistinguishable)", num(run_->value(FederatedSeries::Exact, kFedMmd))});
    if (run_->next() > 0) {
      const double e = params_.epsilons[run_->next() - 1];
      rows.push_back({"MMD federated at ε = " + num(e), num(run_->dp_value(run_->next() - 1, kFedMmd))});
      // The accountant counts the messages of the full run (klab run, Runs tab), n = params_.particles.
      if (account_for_ != run_->next()) account_for_ = run_->next(), account_ = federated_account(params_, e);  // (≈ 1,700 logs: once per ε)
      // In words: every client answers every query of every point, and each noised answer spends its ε;
      // the k answers compose (Rényi DP) to one total, which is what protects a client.
      const PrivacyAccount& a = account_;
      rows.push_back({"total ε each client spends in one pass (its " + num(a.messages) + " noised answers, ε = " + num(e) + " each, composed by Rényi DP, δ = " +
                          num(a.delta) + ")" + (a.epsilon > 100.0 ? ": ≫ 1, no real privacy" : ""),
                      num(a.epsilon)});
    }
    if (live_particles_ < params_.particles)
      rows.push_back({"particles in this live view (Runs and klab run use all " + std::to_string(params_.particles) + ")",
                      std::to_string(live_particles_)});
    ui::readout_table("##federated", rows, 3);
    figure_.title = "diffusion.federated, run 1";
    plot::Plot cloud = cloud_plot(density_, box_, run_->samples(FederatedSeries::Federated), kMaxCloudPoints,
                                     std::to_string(params_.clients) + " clients, no model shared: the federated synthetic set (no DP)", "federated", 0);
    plot::Plot dp;
    if (const Particles* annealing = run_->in_progress())
      dp = film(*annealing);
    else if (run_->next() > 0)
      dp = cloud_plot(density_, box_, run_->dp_samples(), kMaxCloudPoints,
                      "DP messages (noised score), ε = " + num(params_.epsilons[run_->next() - 1]), "federated with DP", 3);
    else
      dp = cloud_plot(density_, box_, run_->samples(FederatedSeries::Centralised), kMaxCloudPoints,
                      "Centralised sampling of the pooled model (no ε run yet)", "centralised", 1);
    figure_.plots = {mmd_plot(), cloud, dp};  // the headline first: the claim's plot
    ui::PlotGrid grid(3, 0);
    ui::draw_plot("mmd", figure_.plots[0], grid.cell(0));
    ui::draw_plot("fed", figure_.plots[1], grid.cell(1));
    ui::draw_plot("dp", figure_.plots[2], grid.cell(2));
    grid.end();
  }

 private:
  // The film of the pass in progress, its levels as time: the set after level l over the pooled
  // marginal p_t at the level's t (what the level's Langevin steps target), the server's composed
  // score at t without the mechanism's noise (= ∇log p_t: a mixture of noised models is the noised
  // mixture) as arrows, each client's components noised to t as 2σ ellipses (≤ 3 clients drawn one
  // colour each, more in one; no legend: on narrow screens it would squeeze the plot, the title
  // names the ellipses).
  plot::Plot film(const Particles& x) {
    const double t = run_->level_time();
    if (t != field_t_) {
      field_t_ = t;
      const NoiseSchedule s;
      field_ = film_field(marginal_at(run_->data(), s, t), box_, "p_t(x), the pooled mixture noised to the level's t");
      clients_.clear();
      const Clients& c = run_->clients();
      Mixture all;
      for (size_t k = 0; k < c.models.size(); ++k) {
        if (c.models.size() <= 3)
          clients_.push_back(component_ellipses(c.models[k], s.alpha(t), s.sigma(t), "client " + std::to_string(k + 1), palette(4 + k)));
        else
          all.components.insert(all.components.end(), c.models[k].components.begin(), c.models[k].components.end());
      }
      if (!all.components.empty()) clients_.push_back(component_ellipses(all, s.alpha(t), s.sigma(t), "clients' components", palette(4)));
    }
    FilmLayers layers;
    layers.paths = toggles_.paths ? &trail_paths_ : nullptr;
    layers.arrows = toggles_.score ? &field_.arrows : nullptr;
    char title[160];
    std::snprintf(title, sizeof title, "DP messages, ε = %s: annealed ULA, level %zu / %d, t = %.3g; ellipses: clients", num(params_.epsilons[run_->next()]).c_str(), run_->level(),
                  params_.levels, t);
    plot::Plot p = film_plot(field_, box_, x, title, "federated with DP", 3, layers);
    p.lines.insert(p.lines.end(), clients_.begin(), clients_.end());
    return p;
  }

  plot::Plot mmd_plot() const {
    plot::Plot q;
    q.title = "MMD to the pooled mixture vs ε";
    q.x = plot::Axis{"ε per message", plot::Scale::Log};
    q.y = plot::Axis{"MMD", plot::Scale::Log};
    q.x.cover_lo = params_.epsilons.front();
    q.x.cover_hi = params_.epsilons.back();
    plot::Line l;
    l.name = "federated with DP";
    l.color = palette(3);
    plot::Points at{"federated with DP", {}, {}, palette(3), 4.5f, "federated with DP"};
    for (size_t k = 0; k < run_->next(); ++k) {
      l.x.push_back(params_.epsilons[k]);
      l.y.push_back(run_->dp_value(k, kFedMmd));
    }
    at.x = l.x, at.y = l.y;  // markers: a single refined ε is a visible point, not a dot
    // The quick pass's points where the full pass has not reached yet (the same colour, faded).
    Rgba faded = palette(3);
    faded.a = 0.5f;
    plot::Points quick{"quick pass (" + std::to_string(quick_levels_) + " levels), refined in turn", {}, {}, faded, 3.5f, ""};
    for (size_t k = run_->next(); k < quick_->next(); ++k) {
      quick.x.push_back(params_.epsilons[k]);
      quick.y.push_back(quick_->dp_value(k, kFedMmd));
    }
    const std::vector<double> ends{params_.epsilons.front(), params_.epsilons.back()};
    plot::Line none{"federated, no DP", ends, {run_->value(FederatedSeries::Federated, kFedMmd), run_->value(FederatedSeries::Federated, kFedMmd)}, {}, {}, palette(0)};
    plot::Line central{"centralised", ends, {run_->value(FederatedSeries::Centralised, kFedMmd), run_->value(FederatedSeries::Centralised, kFedMmd)}, {}, {}, palette(1)};
    central.dash = plot::Dash::Dotted;
    q.lines = {l, none, central,
               plot::reference_line("exact draws: at or below = indistinguishable", ends, {run_->value(FederatedSeries::Exact, kFedMmd), run_->value(FederatedSeries::Exact, kFedMmd)})};
    q.points = {at};
    if (!quick.x.empty()) q.points.push_back(quick);
    return q;
  }

  FederatedParams params_;
  long long live_particles_ = 0;
  std::unique_ptr<FederatedRun> run_;
  std::unique_ptr<FederatedRun> quick_;  // every ε at a tenth of the levels, run first
  int quick_levels_ = 0;
  Box box_{};
  plot::Heatmap density_;
  std::vector<Particles> trail_;  // the first particles after each level of the current pass
  Paths trail_paths_;     // trail_ path-major (advance)
  size_t account_for_ = 0;  // run_->next() the account below was computed for (0: none yet)
  PrivacyAccount account_;
  double field_t_ = -1.0;  // the level t field_ and clients_ were computed for
  FilmField field_;
  std::vector<plot::Line> clients_;
  FilmToggles toggles_;
  MixtureEditor editor_;
};

}  // namespace

std::unique_ptr<ui::DemoView> make_federated_view() { return std::make_unique<FederatedView>(); }

}  // namespace klab::diffusion
