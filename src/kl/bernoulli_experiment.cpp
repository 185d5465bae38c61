#include "kl/bernoulli_experiment.hpp"

#include <cmath>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "core/samplers.hpp"
#include "kl/bernoulli_bound.hpp"

namespace klab::kl {
namespace {

enum Series { kKlUcb, kHoeffding, kUcb1 };
enum Curve { kMiss, kWidth };
enum Final { kFinalMiss, kFinalWidth, kFinalUpperAtPHat, kFinalLowerAtPHat };

std::shared_ptr<const ParamTable<BernoulliParams>> table() {
  auto t = std::make_shared<ParamTable<BernoulliParams>>();
  using P = BernoulliParams;
  t->real("p_hat", &P::p_hat, 0.05, 0.0, 1.0).label("p̂  empirical mean").help("Empirical mean of the N samples (geometry view).");
  t->integer("n", &P::n, 20, 1, 100000).label("N  samples").log_scale().help("Number of samples behind p̂ (geometry view).");
  t->integer("t", &P::t, 50, 1, 100000000)
      .label("t  time")
      .log_scale()
      .help("Time t in the exploration level (ln t + c ln ln t)/N; KL-UCB misses p with probability at most 1/t.");
  t->real("c", &P::c, 0.0, 0.0, 5.0).label("c  (ln ln t)").help("Coefficient of ln ln t in the level (Garivier & Cappé use c = 3 in the proof, 0 in practice).");
  t->real("p_true", &P::p_true, 0.05, 0.0, 1.0).label("p  true mean").help("True Bernoulli mean in the coverage simulation.");
  t->integer("samples", &P::samples, 1000, 1, 1000000).label("samples per run").log_scale().help("Samples drawn in each simulated run; bounds are checked at log-spaced N.");
  return t;
}

}  // namespace

BernoulliExperiment::BernoulliExperiment() : ExperimentOf(table()) {}

RunLayout BernoulliExperiment::layout() const {
  RunLayout l;
  l.series = {"klucb", "hoeffding", "ucb1"};
  l.axes = {{"N", plot::log_spaced_counts(p().samples, 60)}};
  l.curves = {{"miss", 0}, {"width", 0}};
  // miss and width at the last N; the bounds at the geometry view's p̂ and N (the same in every run).
  l.final_metrics = {"miss", "width", "upper_at_p_hat", "lower_at_p_hat"};
  l.work_unit = "samples";
  l.work_per_run = static_cast<double>(p().samples);
  return l;
}

void BernoulliExperiment::run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  const BernoulliParams& q = p();
  Rng rng(seed, run, 0);
  const std::vector<double>& checkpoints = layout.axes[0].x;
  const double t = static_cast<double>(q.t);
  double sum = 0.0;
  size_t k = 0;
  for (long long i = 1; i <= q.samples && k < checkpoints.size(); ++i) {
    sum += sample_bernoulli(rng, q.p_true) ? 1.0 : 0.0;
    if (static_cast<double>(i) != checkpoints[k]) continue;
    const double n = static_cast<double>(i), mean = sum / n;
    const double bounds[3] = {klucb_upper(mean, t, q.c, n), hoeffding_upper(mean, t, q.c, n), ucb1_upper(mean, t, n)};
    for (size_t s = 0; s < 3; ++s) {
      out.curve(s, kMiss, k, bounds[s] < q.p_true ? 1.0 : 0.0);
      out.curve(s, kWidth, k, bounds[s] - mean);
    }
    ++k;
  }
  const size_t last = checkpoints.size() - 1;
  const double n = static_cast<double>(q.n);
  const double at_p_hat[3] = {klucb_upper(q.p_hat, t, q.c, n), hoeffding_upper(q.p_hat, t, q.c, n), ucb1_upper(q.p_hat, t, n)};
  for (size_t s = 0; s < 3; ++s) {
    out.final(s, kFinalMiss, out.curve_row(s, kMiss)[last]);
    out.final(s, kFinalWidth, out.curve_row(s, kWidth)[last]);
    out.final(s, kFinalUpperAtPHat, at_p_hat[s]);
  }
  out.final(kKlUcb, kFinalLowerAtPHat, klucb_lower(q.p_hat, t, q.c, n));  // KL-LCB (the others have no lower bound here)
}

plot::Figure BernoulliExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Bernoulli confidence bounds over " + std::to_string(r.runs_done) + " runs (p = " + format_real(p().p_true) + ")";
  // The miss rate P(U < p), not the coverage: every coverage is within 1/t of 1, so a coverage plot
  // pins every curve at 1. Chernoff: KL-UCB misses with probability at most e^{-N·ℓ} = 1/t (c = 0).
  plot::Plot cover;
  cover.title = "Miss rate P(U < p): all stay under 1/t, KL-UCB nearest to it";
  cover.x = {"N samples", plot::Scale::Log};
  cover.y = {"fraction of runs", plot::Scale::Linear, 0.0, plot::kAuto};
  cover.y.cover_hi = 1.5 / static_cast<double>(p().t);
  cover.lines = plot::result_lines(r, "miss");
  const std::vector<double>& ns = r.layout.axes[0].x;
  cover.lines.push_back(plot::reference_line("1/t: bound on KL-UCB's miss rate", {ns.front(), ns.back()},
                                             {1.0 / static_cast<double>(p().t), 1.0 / static_cast<double>(p().t)}));
  plot::Plot width;
  width.title = "Width U - p̂";
  width.x = {"N samples", plot::Scale::Log};
  width.y = {"U - p̂", plot::Scale::Log};
  width.lines = plot::result_lines(r, "width");
  f.plots = {cover, width};
  f.headline = 0;
  return f;
}

plot::Figure BernoulliExperiment::geometry() const {
  const BernoulliParams& q = p();
  const double n = static_cast<double>(q.n), t = static_cast<double>(q.t);
  const double level = klucb_level(t, q.c, n);
  const double u_kl = klucb_upper(q.p_hat, t, q.c, n), l_kl = klucb_lower(q.p_hat, t, q.c, n);
  const double u_h = hoeffding_upper(q.p_hat, t, q.c, n), u_ucb1 = ucb1_upper(q.p_hat, t, n);

  plot::Plot curve;
  curve.title = "q ↦ kl(p̂, q) and the level ℓ = (ln t + c ln ln t)/N";
  curve.x = {"q", plot::Scale::Linear, 0.0, 1.0};
  curve.y = {"kl(p̂, q)", plot::Scale::Linear, 0.0, std::max(3.0 * level, 0.05)};
  plot::Line kl{"kl(p̂, q)", {}, {}, {}, {}, palette(0), 2.5f};
  plot::Line pinsker{"2(q - p̂)²  (Pinsker)", {}, {}, {}, {}, palette(1), 2.0f, plot::Dash::Dashed};
  for (int i = 0; i <= 400; ++i) {
    const double x = i / 400.0;
    kl.x.push_back(x);
    kl.y.push_back(kl_bernoulli(q.p_hat, x));
    pinsker.x.push_back(x);
    pinsker.y.push_back(2.0 * (x - q.p_hat) * (x - q.p_hat));
  }
  curve.lines = {kl, pinsker};
  curve.guides = {{false, level, "ℓ = " + plot::format_number(level), {0.85f, 0.85f, 0.85f, 1}, true},
                  {true, q.p_hat, "p̂", {0.7f, 0.7f, 0.7f, 1}, false},
                  {true, l_kl, "KL-LCB", palette(4), true},
                  {true, u_kl, "KL-UCB " + plot::format_number(u_kl), palette(0), false},
                  {true, u_h, "Hoeffding " + plot::format_number(u_h), palette(1), false},
                  {true, u_ucb1, "UCB1 " + plot::format_number(u_ucb1), palette(2), false}};

  plot::Plot vs_n;
  vs_n.title = "Upper bounds as N grows (p̂, t fixed)";
  vs_n.x = {"N samples", plot::Scale::Log};
  vs_n.y = {"bound", plot::Scale::Linear, 0.0, 1.02};
  plot::Line a{"KL-UCB", {}, {}, {}, {}, palette(0), 2.5f}, b{"Hoeffding", {}, {}, {}, {}, palette(1), 2.0f},
      c{"UCB1", {}, {}, {}, {}, palette(2), 2.0f}, lo{"KL-LCB", {}, {}, {}, {}, palette(4), 1.5f, plot::Dash::Dashed};
  for (double m : plot::log_spaced_counts(100000, 120)) {
    a.x.push_back(m), b.x.push_back(m), c.x.push_back(m), lo.x.push_back(m);
    a.y.push_back(klucb_upper(q.p_hat, t, q.c, m));
    b.y.push_back(hoeffding_upper(q.p_hat, t, q.c, m));
    c.y.push_back(ucb1_upper(q.p_hat, t, m));
    lo.y.push_back(klucb_lower(q.p_hat, t, q.c, m));
  }
  vs_n.lines = {a, b, c, lo};
  vs_n.guides = {{true, n, "N", {0.7f, 0.7f, 0.7f, 1}, true}, {false, q.p_hat, "p̂", {0.7f, 0.7f, 0.7f, 1}, true}};

  plot::Figure f;
  f.title = "KL-UCB geometry";
  f.plots = {curve, vs_n};
  return f;
}

DemoInfo bernoulli_demo() {
  DemoInfo d;
  d.id = "kl.bernoulli";
  d.chapter = "kl";
  d.title = "Bernoulli kl & KL-UCB";
  d.summary = "The KL-UCB upper confidence bound as the crossing of kl(p̂, ·) with a level, against Hoeffding/UCB1.";
  d.about =
      "After N samples with mean p̂, KL-UCB's upper confidence bound is the largest q with\n"
      "    N·kl(p̂, q) ≤ ln t + c·ln ln t,   kl(p, q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)).\n"
      "Geometrically: where the convex curve q ↦ kl(p̂, q) crosses the level ℓ. Pinsker's inequality\n"
      "kl(p̂, q) ≥ 2(q - p̂)² replaces the curve by a parabola, whose crossing p̂ + sqrt(ℓ/2) is Hoeffding's\n"
      "bound; UCB1 uses the wider p̂ + sqrt(2 ln t / N).\n"
      "What to look for: at p̂ = 0.05 the kl curve is steep and KL-UCB's bound sits well inside Hoeffding's; drag p̂\n"
      "towards 0.5 and the two nearly meet (Pinsker is tight there). The simulation (Runs) draws Bernoulli(p) samples and counts how often each bound misses p:\n"
      "KL-UCB's miss rate stays under its Chernoff bound 1/t (c = 0) and is the closest of the three to it, while\n"
      "its bound is the narrowest; UCB1 hardly ever misses because it is wider than it needs to be. `klab run`\n"
      "also reports the bounds at p̂ and N (upper_at_p_hat; lower_at_p_hat is KL-LCB).";
  d.papers = {"A. Garivier, O. Cappé. The KL-UCB Algorithm for Bounded Stochastic Bandits and Beyond. COLT 2011.",
              "P. Auer, N. Cesa-Bianchi, P. Fischer. Finite-time Analysis of the Multiarmed Bandit Problem. Machine Learning 2002."};
  d.default_runs = 4000;  // misses are rare (≤ 1/t): enough runs to see them
  d.make = [] { return std::make_unique<BernoulliExperiment>(); };
  return d;
}

}  // namespace klab::kl
