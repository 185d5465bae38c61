#include "kl/fit_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/result_plots.hpp"
#include "core/samplers.hpp"

namespace klab::kl {
namespace {

enum Series { kForward, kReverse };
enum Curve { kKlPQ, kKlQP, kMuHistogram };
enum Final { kFinalKlPQ, kFinalKlQP, kFinalMu, kFinalSigma, kModeDistance };

std::shared_ptr<const ParamTable<FitParams>> table() {
  auto t = std::make_shared<ParamTable<FitParams>>();
  using P = FitParams;
  t->real_list("means", &P::means, {-2.5, 2.5}, -10.0, 10.0, 1, 6).label("component means").help("Means of the mixture components (drag the peaks in the view).");
  t->real_list("sds", &P::sds, {0.5, 0.8}, 0.05, 5.0, 1, 6).label("component sds").help("Standard deviations of the mixture components.");
  t->real_list("weights", &P::weights, {0.5, 0.5}, 0.0, 1.0, 1, 6).label("component weights").help("Component weights (normalised to sum 1; drag a peak up or down).");
  t->integer("steps", &P::steps, 500, 1, 100000).label("steps").log_scale().help("Gradient-descent steps per fit.");
  t->real("lr", &P::learning_rate, 0.1, 0.0001, 1.0).label("learning rate η").log_scale().help("Step size of gradient descent on (μ, ln σ).");
  t->choice("estimator", &P::estimator, Estimator::Quadrature, {"quadrature", "monte_carlo"})
      .label("gradient estimator")
      .choice_labels({"quadrature (exact)", "Monte Carlo"})
      .help("How the expectations in the gradients are computed: deterministic quadrature (exact moments for the forward KL, a fine grid for the reverse) or M Monte Carlo samples per step.");
  t->integer("mc_samples", &P::mc_samples, 64, 1, 4096).label("MC samples").log_scale().help("Samples per step for the Monte Carlo estimator.");
  t->choice("init", &P::init, InitMode::Random, {"random", "fixed"})
      .label("initial q")
      .choice_labels({"random per run", "fixed (μ0, σ0)"})
      .help("Random: each run draws its own start; fixed: every run starts at (μ0, σ0).");
  t->real("mu0", &P::mu0, 0.0, -10.0, 10.0).label("μ0").help("Initial mean when init = fixed.");
  t->real("sd0", &P::sd0, 1.0, 0.05, 10.0).label("σ0").log_scale().help("Initial standard deviation when init = fixed.");
  t->rule([](const P& p) -> Status {
    if (p.means.size() != p.sds.size() || p.means.size() != p.weights.size())
      return Status::error("means, sds and weights must have the same length (got " + std::to_string(p.means.size()) +
                           ", " + std::to_string(p.sds.size()) + ", " + std::to_string(p.weights.size()) + ")");
    double total = 0.0;
    for (double w : p.weights) total += w;
    if (!(total > 0.0)) return Status::error("weights must not all be 0");
    return {};
  });
  return t;
}

FitConfig config(const FitParams& p, Direction d) {
  return {d, p.estimator, p.learning_rate, static_cast<int>(p.mc_samples)};
}

double mode_distance(const Mixture& p, double mu) {
  double best = INFINITY;
  for (double m : p.means) best = std::min(best, std::fabs(mu - m));
  return best;
}

}  // namespace

FitExperiment::FitExperiment() : ExperimentOf(table()) {}

Mixture FitExperiment::mixture() const { return make_mixture(p().means, p().sds, p().weights); }

void FitExperiment::mu_range(double* lo, double* hi) const {
  const auto [a, b] = std::minmax_element(p().means.begin(), p().means.end());
  const double pad = 1.0 + 2.0 * *std::max_element(p().sds.begin(), p().sds.end());
  *lo = *a - pad;
  *hi = *b + pad;
}

Gaussian FitExperiment::initial(uint64_t seed, uint32_t run) const {
  if (p().init == InitMode::Fixed) return {p().mu0, std::log(p().sd0)};
  // μ0 ~ U(range of μ), ln σ0 ~ U(ln(0.2 s), ln(2 s)) with s the mixture's standard deviation.
  Rng rng(seed, run, 0);
  double lo, hi;
  mu_range(&lo, &hi);
  const double s = std::sqrt(mixture().variance());
  Gaussian q;
  q.mu = sample_uniform(rng, lo, hi);
  q.log_sd = sample_uniform(rng, std::log(0.2 * s), std::log(2.0 * s));
  return q;
}

FitPair FitExperiment::start(uint64_t seed, uint32_t run) const {
  const Gaussian q0 = initial(seed, run);
  const Mixture p = mixture();
  return FitPair{p, neg_entropy(p), q0, q0, Rng(seed, run, 1), Rng(seed, run, 2), 0};
}

void FitExperiment::step(FitPair& fit) const {
  fit_step(fit.p, fit.forward, config(p(), Direction::Forward), fit.rng_forward);
  fit_step(fit.p, fit.reverse, config(p(), Direction::Reverse), fit.rng_reverse);
  ++fit.step;
}

void FitExperiment::sd_range(double* lo, double* hi) const {
  *lo = 0.5 * *std::min_element(p().sds.begin(), p().sds.end());
  *hi = 3.0 * std::sqrt(mixture().variance());
}

plot::Heatmap FitExperiment::landscape(Direction direction, int nx, int ny) const {
  plot::Heatmap h;
  h.nx = nx;
  h.ny = ny;
  mu_range(&h.x0, &h.x1);
  sd_range(&h.y0, &h.y1);
  h.label = direction == Direction::Forward ? "log₁₀ KL(p‖q)" : "log₁₀ KL(q‖p)";
  FitPair fit = start(0, 0);
  const double l0 = std::log(h.y0), l1 = std::log(h.y1);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const Gaussian q{h.x0 + (i + 0.5) * (h.x1 - h.x0) / nx, l0 + (j + 0.5) * (l1 - l0) / ny};
      const double kl = direction == Direction::Forward ? kl_forward(fit, q) : kl_reverse(fit, q);
      h.values.push_back(static_cast<float>(std::log10(std::max(kl, 0.0) + 1e-3)));
    }
  return h;
}

RunLayout FitExperiment::layout() const {
  RunLayout l;
  l.series = {"forward", "reverse"};
  double lo, hi;
  mu_range(&lo, &hi);
  std::vector<double> checkpoints;
  for (double x : plot::linear_points(0.0, static_cast<double>(p().steps), 61))
    if (checkpoints.empty() || std::round(x) > checkpoints.back()) checkpoints.push_back(std::round(x));
  l.axes = {{"step", checkpoints}, {"final μ", plot::bin_centres(lo, hi, 60)}};
  l.curves = {{"kl_pq", 0}, {"kl_qp", 0}, {"final_mu_histogram", 1}};
  l.final_metrics = {"kl_pq", "kl_qp", "mu", "sigma", "mode_distance"};
  l.work_unit = "steps";
  l.work_per_run = 2.0 * static_cast<double>(p().steps);
  return l;
}

void FitExperiment::run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  FitPair fit = start(seed, run);
  const std::vector<double>& checkpoints = layout.axes[0].x;
  size_t k = 0;
  auto record = [&] {
    out.curve(kForward, kKlPQ, k, kl_forward(fit, fit.forward));
    out.curve(kForward, kKlQP, k, kl_reverse(fit, fit.forward));
    out.curve(kReverse, kKlPQ, k, kl_forward(fit, fit.reverse));
    out.curve(kReverse, kKlQP, k, kl_reverse(fit, fit.reverse));
    ++k;
  };
  if (checkpoints[0] == 0.0) record();
  while (fit.step < p().steps) {
    step(fit);
    if (k < checkpoints.size() && static_cast<double>(fit.step) == checkpoints[k]) record();
  }
  const Gaussian* fits[2] = {&fit.forward, &fit.reverse};
  for (size_t s = 0; s < 2; ++s) {
    const Gaussian& q = *fits[s];
    out.final(s, kFinalKlPQ, kl_forward(fit, q));
    out.final(s, kFinalKlQP, kl_reverse(fit, q));
    out.final(s, kFinalMu, q.mu);
    out.final(s, kFinalSigma, std::exp(q.log_sd));
    out.final(s, kModeDistance, mode_distance(fit.p, q.mu));
    out.histogram(s, kMuHistogram, q.mu);
  }
}

plot::Figure FitExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Forward vs reverse KL fits from " + std::to_string(r.runs_done) + " initialisations";
  plot::Plot pq, qp, hist;
  pq.title = "KL(p‖q) during training";
  pq.x = {"step"};
  pq.y = {"KL(p‖q)", plot::Scale::Log};
  pq.lines = plot::result_lines(r, "kl_pq");
  qp.title = "KL(q‖p) during training";
  qp.x = {"step"};
  qp.y = {"KL(q‖p)", plot::Scale::Log};
  qp.lines = plot::result_lines(r, "kl_qp");
  hist.title = "Final μ: mass-covering vs mode-seeking";
  hist.x = {"final μ"};
  hist.y = {"fraction of runs"};
  for (size_t s = 0; s < 2; ++s) hist.bars.push_back(plot::result_histogram(r, s, kMuHistogram));
  for (size_t i = 0; i < p().means.size(); ++i)
    hist.guides.push_back({true, p().means[i], "mode " + std::to_string(i + 1), {0.6f, 0.6f, 0.6f, 1}, true});
  hist.guides.push_back({true, mixture().mean(), "E_p[x]", palette(0), false});
  f.plots = {pq, qp, hist};
  return f;
}

DemoInfo forward_reverse_demo() {
  DemoInfo d;
  d.id = "kl.forward_reverse";
  d.chapter = "kl";
  d.title = "Forward vs reverse KL";
  d.summary = "Fit one Gaussian to a mixture by gradient descent on KL(p‖q) and on KL(q‖p): mass-covering vs mode-seeking.";
  d.about =
      "One Gaussian q = N(μ, σ²) is fitted to a Gaussian mixture p by gradient descent on θ = (μ, ln σ),\n"
      "once for each direction of the KL divergence:\n"
      "    forward  KL(p‖q) = E_p[ln p - ln q]   minimised by moment matching: μ = E_p[x], σ² = Var_p[x]\n"
      "    reverse  KL(q‖p) = E_q[ln q - ln p]   gradient by reparametrisation x = μ + σε:\n"
      "             ∇μ = -E[∇ln p(x)],  ∇ln σ = -1 - E[∇ln p(x)·σε]\n"
      "Expectations by deterministic quadrature or by Monte Carlo (stochastic gradients).\n"
      "What to look for: with well separated modes the forward fit spreads over both (mass-covering), the\n"
      "reverse fit locks onto one mode (mode-seeking), and which one depends on the start. The heatmap is\n"
      "the KL landscape over (μ, σ): the reverse KL has one basin per mode. Bring the modes closer (or make\n"
      "them symmetric) and a third, 'bridging' basin appears: a wide q between the modes that is a genuine\n"
      "local minimum of KL(q‖p). Drag the peaks to edit p; click the landscape to start the fits there.";
  d.papers = {"C. M. Bishop. Pattern Recognition and Machine Learning, §10.1.2. Springer 2006.",
              "T. Minka. Divergence measures and message passing. Microsoft Research TR-2005-173.",
              "D. P. Kingma, M. Welling. Auto-Encoding Variational Bayes (reparametrisation). ICLR 2014."};
  d.default_runs = 200;
  d.make = [] { return std::make_unique<FitExperiment>(); };
  return d;
}

}  // namespace klab::kl
