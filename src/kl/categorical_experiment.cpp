#include "kl/categorical_experiment.hpp"

#include <cmath>
#include <iterator>

#include "core/divergences.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "core/samplers.hpp"

namespace klab::kl {
namespace {

enum Series { kRandomPairs, kYourPair };
enum Final { kKlPQ, kKlQP, kTv, kChi2, kHellinger, kIs, kJs, kAsymmetry, kFinalCount };
enum Curve { kPinskerRatio, kLeCamLower, kLeCamUpper, kLog10Kl, kLog10Chi2, kLog10Is };

// Heavy tails: with q ~ Dirichlet(α) over k bins, q_i ~ Beta(α, (k-1)α) and E[1/q_i] = ∞ for α ≤ 1,
// E[1/q_i²] = ∞ for α ≤ 2. χ²(p‖q) = Σ p_i²/q_i - 1 and IS(p‖q) ∋ p_i/q_i inherit both: their mean
// over random pairs is infinite for α ≤ 1, and finite but without a standard error for α ≤ 2.
// There the demo reports quantiles (from the log10 histograms), not means.
bool heavy_tailed(double alpha) { return alpha <= 2.0; }

constexpr double kLogLo = -4.0, kLogHi = 4.0;  // range of the log10 histograms (end bins take the rest)
constexpr int kLogBins = 160;

// The q-quantile of a histogram (fractions per bin over `centres`, equal widths), interpolated
// linearly inside the bin where the cumulative fraction crosses q; NaN when the histogram is empty.
double histogram_quantile(const std::vector<double>& centres, const std::vector<double>& fractions, double q) {
  double total = 0.0;
  for (double f : fractions) total += std::isfinite(f) ? f : 0.0;
  if (!(total > 0) || centres.size() < 2) return NAN;
  const double width = centres[1] - centres[0];
  double cumulative = 0.0;
  for (size_t i = 0; i < centres.size(); ++i) {
    const double f = std::isfinite(fractions[i]) ? fractions[i] / total : 0.0;
    if (cumulative + f >= q && f > 0) return centres[i] - 0.5 * width + width * (q - cumulative) / f;
    cumulative += f;
  }
  return centres.back() + 0.5 * width;
}

std::shared_ptr<const ParamTable<CategoricalParams>> table() {
  auto t = std::make_shared<ParamTable<CategoricalParams>>();
  using P = CategoricalParams;
  t->real_list("p", &P::p, {0.5, 0.3, 0.15, 0.05}, 0.0, 1000.0, 2, 16).label("p").help("Weights of p (normalised to sum 1; drag the bars).");
  t->real_list("q", &P::q, {0.25, 0.25, 0.25, 0.25}, 0.0, 1000.0, 2, 16).label("q").help("Weights of q (normalised to sum 1; drag the bars).");
  t->real("alpha", &P::alpha, 1.0, 0.05, 50.0).label("Dirichlet α").log_scale().help("Concentration of the random pairs p, q ~ Dirichlet(α) in the Run simulation (small α: near the simplex's corners).");
  t->rule([](const P& p) -> Status {
    if (p.p.size() != p.q.size())
      return Status::error("p and q must have the same number of bins (got " + std::to_string(p.p.size()) + " and " +
                           std::to_string(p.q.size()) + ")");
    double sp = 0, sq = 0;
    for (double x : p.p) sp += x;
    for (double x : p.q) sq += x;
    if (!(sp > 0) || !(sq > 0)) return Status::error("p and q must each have a positive weight");
    return {};
  });
  return t;
}

}  // namespace

std::vector<double> normalised(const std::vector<double>& w) {
  double s = 0.0;
  for (double x : w) s += x;
  std::vector<double> out(w);
  for (double& x : out) x /= s;
  return out;
}

DivergenceTable divergences(const std::vector<double>& p, const std::vector<double>& q) {
  const size_t n = p.size();
  std::vector<double> m(n);
  for (size_t i = 0; i < n; ++i) m[i] = 0.5 * (p[i] + q[i]);
  DivergenceTable d;
  d.kl_pq = kl_categorical(p.data(), q.data(), n);
  d.kl_qp = kl_categorical(q.data(), p.data(), n);
  d.tv = total_variation(p.data(), q.data(), n);
  d.chi2_pq = chi_squared(p.data(), q.data(), n);
  d.chi2_qp = chi_squared(q.data(), p.data(), n);
  d.hellinger = hellinger(p.data(), q.data(), n);
  d.is_pq = itakura_saito(p.data(), q.data(), n);
  d.is_qp = itakura_saito(q.data(), p.data(), n);
  d.js = 0.5 * kl_categorical(p.data(), m.data(), n) + 0.5 * kl_categorical(q.data(), m.data(), n);
  return d;
}

CategoricalExperiment::CategoricalExperiment() : ExperimentOf(table()) {}

RunLayout CategoricalExperiment::layout() const {
  RunLayout l;
  l.series = {"random_pairs", "your_p_q"};
  l.axes = {{"ratio", plot::bin_centres(0.0, 1.0, 40)}, {"log10 value", plot::bin_centres(kLogLo, kLogHi, kLogBins)}};
  l.curves = {{"tv_over_sqrt_half_kl", 0}, {"h2_over_tv", 0}, {"tv_over_sqrt2_h", 0},
              {"log10_kl_pq", 1},          {"log10_chi2", 1}, {"log10_itakura_saito", 1}};
  l.final_metrics = {"kl_pq", "kl_qp", "tv", "chi2", "hellinger", "itakura_saito", "js", "abs_asymmetry"};
  l.work_unit = "pairs";
  l.work_per_run = 1.0;
  return l;
}

void CategoricalExperiment::run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  const size_t k = p().p.size();
  Rng rng(seed, run, 0);
  std::vector<double> a(k), b(k);
  sample_dirichlet(rng, p().alpha, a.data(), k);
  sample_dirichlet(rng, p().alpha, b.data(), k);
  const DivergenceTable d = divergences(a, b);
  const bool heavy = heavy_tailed(p().alpha);
  const double values[] = {d.kl_pq,     d.kl_qp, d.tv, heavy ? NAN : d.chi2_pq, d.hellinger, heavy ? NAN : d.is_pq,
                           d.js,        std::fabs(d.kl_pq - d.kl_qp)};
  static_assert(std::size(values) == kFinalCount, "one value per final metric");
  for (size_t m = 0; m < kFinalCount; ++m) out.final(kRandomPairs, m, values[m]);
  // How tight are the classical inequalities?  Pinsker TV ≤ sqrt(KL/2); Le Cam H² ≤ TV ≤ √2·H.
  if (d.tv > 0) {
    out.histogram(kRandomPairs, kPinskerRatio, d.tv / std::sqrt(0.5 * d.kl_pq));
    out.histogram(kRandomPairs, kLeCamLower, d.hellinger * d.hellinger / d.tv);
    out.histogram(kRandomPairs, kLeCamUpper, d.tv / (std::sqrt(2.0) * d.hellinger));
    out.histogram(kRandomPairs, kLog10Kl, std::log10(d.kl_pq));
    out.histogram(kRandomPairs, kLog10Chi2, std::log10(d.chi2_pq));
    out.histogram(kRandomPairs, kLog10Is, std::log10(d.is_pq));
  }
  // The divergences of the user's own p and q: the same in every run (a mean with no error).
  const DivergenceTable u = divergences(normalised(p().p), normalised(p().q));
  const double yours[] = {u.kl_pq, u.kl_qp, u.tv, u.chi2_pq, u.hellinger, u.is_pq, u.js, std::fabs(u.kl_pq - u.kl_qp)};
  for (size_t m = 0; m < kFinalCount; ++m) out.final(kYourPair, m, yours[m]);
}

plot::Figure CategoricalExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Inequalities between divergences on " + std::to_string(r.runs_done) + " random pairs, Dirichlet(α = " +
            format_real(p().alpha) + "), " + std::to_string(p().p.size()) + " bins";
  const char* titles[] = {"Pinsker: TV / sqrt(KL/2) ≤ 1", "Le Cam: H² / TV ≤ 1", "Le Cam: TV / (√2·H) ≤ 1"};
  for (size_t m = 0; m < 3; ++m) {
    plot::Plot h;
    h.title = titles[m];
    h.x = {"ratio", plot::Scale::Linear, 0.0, 1.0};
    h.y = {"fraction of pairs"};
    h.bars.push_back(plot::result_histogram(r, kRandomPairs, m));
    h.bars.back().color = palette(m);
    h.bars.back().name.clear();
    f.plots.push_back(h);
  }
  // The distributions of KL, χ² and IS over the pairs, each with its median marked: the mean of
  // χ² and IS is infinite for α ≤ 1 (see heavy_tailed).
  plot::Plot tails;
  tails.title = heavy_tailed(p().alpha) ? "Medians (dashed): χ² and IS have no usable mean at α ≤ 2"
                                        : "KL, χ² and IS over the pairs; medians dashed";
  tails.x = {"log10 D(p‖q)"};
  tails.y = {"fraction of pairs"};
  const std::vector<double>& centres = r.layout.axes[1].x;
  const char* names[] = {"KL(p‖q)", "χ²(p‖q)", "IS(p‖q)"};
  for (size_t j = 0; j < 3; ++j) {
    const size_t m = kLog10Kl + j;
    plot::Line l = plot::result_line(r, kRandomPairs, m, names[j]);
    l.color = palette(j);
    l.lo.clear(), l.hi.clear();
    const double median = histogram_quantile(centres, l.y, 0.5);
    if (std::isfinite(median))
      tails.guides.push_back({true, median, std::string(names[j]) + " median " + plot::format_number(std::pow(10.0, median)),
                              palette(j), true});
    tails.lines.push_back(std::move(l));
  }
  f.plots.push_back(tails);
  return f;
}

plot::Figure CategoricalExperiment::contributions() const {
  const std::vector<double> pn = normalised(p().p), qn = normalised(p().q);
  const size_t k = pn.size();
  plot::Plot dist, contrib;
  dist.title = "p and q";
  dist.x = {"bin"};
  dist.y = {"probability", plot::Scale::Linear, 0.0, plot::kAuto};
  contrib.title = "Pointwise terms: p_i ln(p_i/q_i) and q_i ln(q_i/p_i)";
  contrib.x = {"bin"};
  contrib.y = {"contribution"};
  plot::Bars bp{"p", {}, {}, palette(0)}, bq{"q", {}, {}, palette(1)}, cpq{"KL(p‖q) terms", {}, {}, palette(0)},
      cqp{"KL(q‖p) terms", {}, {}, palette(1)};
  for (size_t i = 0; i < k; ++i) {
    const double x = static_cast<double>(i);
    bp.edges.insert(bp.edges.end(), {x + 0.08, x + 0.5});
    bp.heights.insert(bp.heights.end(), {pn[i], 0.0});
    bq.edges.insert(bq.edges.end(), {x + 0.5, x + 0.92});
    bq.heights.insert(bq.heights.end(), {qn[i], 0.0});
    cpq.edges.insert(cpq.edges.end(), {x + 0.08, x + 0.5});
    cpq.heights.insert(cpq.heights.end(), {x_log_x_over_y(pn[i], qn[i]), 0.0});
    cqp.edges.insert(cqp.edges.end(), {x + 0.5, x + 0.92});
    cqp.heights.insert(cqp.heights.end(), {x_log_x_over_y(qn[i], pn[i]), 0.0});
  }
  // Bars draws bin i over [edges[i], edges[i+1]); the zero-height bins fill the gaps.
  for (plot::Bars* b : {&bp, &bq, &cpq, &cqp}) {
    b->heights.pop_back();
  }
  dist.bars = {bp, bq};
  contrib.bars = {cpq, cqp};
  for (size_t i = 0; i < k; ++i) {  // bins labelled 1..k at their centres
    dist.x.ticks.push_back({static_cast<double>(i) + 0.5, std::to_string(i + 1)});
    contrib.x.ticks.push_back({static_cast<double>(i) + 0.5, std::to_string(i + 1)});
  }
  plot::Figure f;
  f.plots = {dist, contrib};
  return f;
}

plot::Plot CategoricalExperiment::simplex() const {
  const std::vector<double> pn = normalised(p().p), qn = normalised(p().q);
  plot::Plot s;
  s.title = "KL(p‖x) over the simplex";
  s.frame = plot::Frame::Simplex;
  s.corners = {"bin 1", "bin 2", "bin 3"};
  s.x = {"", plot::Scale::Linear, 0.0, 1.0};
  s.y = {"", plot::Scale::Linear, 0.0, 0.8660254037844386};
  if (pn.size() != 3) return s;
  plot::Heatmap h;
  h.nx = 160;
  h.ny = 140;
  h.x0 = 0;
  h.x1 = 1;
  h.y0 = 0;
  h.y1 = 0.8660254037844386;
  h.vmin = 0.0;
  h.vmax = 2.0;
  h.label = "KL(p‖x), clipped at 2";
  for (int j = 0; j < h.ny; ++j)
    for (int i = 0; i < h.nx; ++i) {
      const auto b = plot::simplex_barycentric((i + 0.5) / h.nx, (j + 0.5) / h.ny * h.y1);
      const bool inside = b[0] >= 0 && b[1] >= 0 && b[2] >= 0;
      h.values.push_back(inside ? static_cast<float>(std::min(2.0, kl_categorical(pn.data(), b.data(), 3))) : NAN);
    }
  s.heatmaps.push_back(h);
  const auto xp = plot::simplex_xy(pn[0], pn[1], pn[2]), xq = plot::simplex_xy(qn[0], qn[1], qn[2]);
  s.points.push_back({"p", {xp[0]}, {xp[1]}, palette(0), 6.0f});
  s.points.push_back({"q", {xq[0]}, {xq[1]}, palette(1), 6.0f});
  return s;
}

DemoInfo categorical_demo() {
  DemoInfo d;
  d.id = "kl.categorical";
  d.chapter = "kl";
  d.title = "Divergences between categoricals";
  d.summary = "Drag the bars of p and q: KL both ways, TV, χ², Hellinger, Itakura–Saito, Jensen–Shannon.";
  d.about =
      "Two categorical distributions p and q, edited by dragging their bars, and the divergences between them:\n"
      "    KL(p‖q) = Σ p_i ln(p_i/q_i)            (and KL(q‖p): not symmetric)\n"
      "    TV(p,q) = ½ Σ |p_i - q_i|,   χ²(p‖q) = Σ (p_i - q_i)²/q_i,   H(p,q) = sqrt(1 - Σ sqrt(p_i q_i))\n"
      "    IS(p‖q) = Σ (p_i/q_i - ln(p_i/q_i) - 1),   JS = ½KL(p‖m) + ½KL(q‖m), m = (p+q)/2\n"
      "All but IS are f-divergences D_f(p‖q) = Σ q_i f(p_i/q_i).\n"
      "What to look for: make q_i small where p_i is not (one click: the button under the bars sets q to 0.001 where p\n"
      "is largest): KL(p‖q) explodes while KL(q‖p) stays moderate (at the defaults 0.24 → 2.86 against 0.31 → 0.93).\n"
      "With 3 bins the simplex shows the KL(p‖·) landscape. The simulation (Run) draws random pairs and\n"
      "shows how tight Pinsker's and Le Cam's inequalities are; `klab run` also reports your own p and q\n"
      "(series your_p_q).\n"
      "\n"
      "Heavy tails: for q ~ Dirichlet(α), q_i ~ Beta(α, (k-1)α) and E[1/q_i] = ∞ when α ≤ 1. χ²(p‖q) and IS(p‖q)\n"
      "divide by q_i, so their mean over random pairs is infinite for α ≤ 1 (and has no finite variance, hence no\n"
      "error bar, for α ≤ 2). There the Runs report their medians (the log10 histograms) instead of means.";
  d.papers = {"I. Csiszár. Information-type measures of difference of probability distributions. 1967.",
              "A. B. Tsybakov. Introduction to Nonparametric Estimation, §2.4 (Pinsker, Le Cam). Springer 2009.",
              "F. Itakura, S. Saito. Analysis synthesis telephony based on the maximum likelihood method. 1968."};
  d.default_runs = 2000;
  d.make = [] { return std::make_unique<CategoricalExperiment>(); };
  return d;
}

}  // namespace klab::kl
