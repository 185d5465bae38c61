#include "optim/mixture_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/result_plots.hpp"
#include "optim/mixture_kernels.hpp"

namespace klab::optim {
namespace {

// [SECTION] params

using Method = MixtureMethod;
constexpr int kMethodCount = 6;
constexpr int kCheckpoints = 30;

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"Euclidean SMD on Δ_δ", "batch EM", "frequency c_i/n", "add-one (c_i+1)/(n+M)",
                                               "entropic SMD", "entropic SMD, averaged"};
  return labels;
}

Method method_of(const std::string& id) {
  const auto& ids = mixture_method_ids();
  return static_cast<Method>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

bool uses(const MixtureParams& p, Method m) {
  for (const std::string& id : p.methods)
    if (method_of(id) == m) return true;
  return false;
}

std::shared_ptr<const ParamTable<MixtureParams>> mixture_param_table() {
  auto t = std::make_shared<ParamTable<MixtureParams>>();
  using P = MixtureParams;
  t->multi_choice("methods", &P::methods, {"smd_entropic", "smd_euclidean", "em", "laplace"}, mixture_method_ids(), 1)
      .label("estimators")
      .choice_labels(method_labels())
      .help("Estimators of the weights, all fed the same samples (frequency and add-one: categorical target only).");
  t->choice("target", &P::target, Dictionary::Categorical, {"categorical", "bumps", "bumps2d"})
      .label("target")
      .choice_labels({"categorical (point masses)", "1-D Gaussian bumps", "2-D Gaussian bumps (grid)"})
      .help("Dictionary f_1..f_M: point masses on M categories, M Gaussian bumps N(μ_i, σ²) with centres evenly spaced on [0, 1], or "
            "M = s² isotropic 2-D bumps N(μ_k, σ²I) with centres on an s × s grid of [0, 1]² (target: a ring and a central peak).");
  t->integer("components", &P::components, 3, 2, kMaxMixtureComponents).label("components M").log_scale().help("Size M of the dictionary (M = 3 shows the simplex); target=bumps2d uses side² instead.");
  t->integer("side", &P::side, 10, 2, kMaxGridSide).label("grid side s (2-D)").log_scale().help("Bumps2d: the bump centres form an s × s grid of [0, 1]², M = s² (10⁴ at s = 100).");
  t->integer("zeros", &P::zeros, 1, 0, 99999).label("zero categories").help("Categorical: the last categories get p_i = 0 (p_i ∝ 1/(i+1) on the others).");
  t->real("width", &P::width, 0.05, 0.01, 0.5).label("bump width σ").log_scale().help("Bumps: standard deviation of every component.");
  t->integer("samples", &P::samples, 10000, 10, 10000000).label("samples n").log_scale().help("Samples per run (errors are recorded at log-spaced n).");
  t->real("entropic_step", &P::entropic_step, 1.0, 0.01, 100.0).label("entropic step c").log_scale().help("smd_entropic: step η_t = c/(t + 1 + c + t₀) < 1 (c = 1, t₀ = 0: η_t = 1/(t + 2), the add-1/M estimator on point masses).");
  t->real("entropic_delay", &P::entropic_delay, 0.0, 0.0, 1e6).label("entropic delay t₀").log_scale().help("smd_entropic(_avg): the step η_t = c/(t + 1 + c + t₀) starts at c/(1 + c + t₀) instead of near 1: large early steps drive rarely hit weights towards 0, from where they recover slowly (README, \"2-D bumps\").");
  t->real("average_decay", &P::average_decay, 3.0, 0.0, 100.0).label("averaging ρ").help("smd_entropic_avg: the average w̄_t = w̄_{t−1} + (ρ + 1)/(t + ρ)·(w_t − w̄_{t−1}) of entropic SMD's iterates (ρ = 0: the uniform average; larger ρ forgets the early iterates faster).");
  t->real("euclid_step", &P::euclid_step, 1.0, 1e-4, 100.0).label("Euclidean step η₀").log_scale().help("smd_euclidean: step η_t = η₀/(t + 1).");
  t->real("floor", &P::floor, 0.05, 1e-6, 0.5).label("lower bound δ·M").log_scale().help("smd_euclidean: the weights stay ≥ δ = floor/M (the bound classical SMD needs).");
  t->integer("em_max_sweeps", &P::em_max_sweeps, 200, 1, 100000).label("EM max sweeps").log_scale().help("Batch EM: sweeps over the data at each checkpoint, at most this many.");
  t->real("start_1", &P::start_1, 1.0, 1e-3, 1e3).label("start odds w₀₁/w₀ᵢ").log_scale().help("Start of the SMD methods: w₀ ∝ (start_1, start_2, 1, …, 1) (1, 1: uniform; drag w₀ on the simplex when M = 3). A weight 0 would be absorbing for the multiplicative step, hence the floor.");
  t->real("start_2", &P::start_2, 1.0, 1e-3, 1e3).label("start odds w₀₂/w₀ᵢ").log_scale().help("Second entry of the start's odds (see start_1).");
  t->choice("smd_step", &P::smd_step, SmdStep::Dense, {"dense", "lazy"})
      .label("entropic SMD step")
      .choice_labels({"dense: all M weights per sample", "lazy: w = s·v, the sample's support only"})
      .help("smd_entropic(_avg): the dense step rescales all M weights per sample; the lazy one keeps w = s·v and updates s and the "
            "weights f(x) touches, O(1) per sample on point masses (categorical target only; the same estimates up to rounding, "
            "1e-12 relative; CPU only).");
  t->rule([](const P& p) -> Status {
    if (p.smd_step == SmdStep::Lazy && p.target != Dictionary::Categorical)
      return Status::error("parameter 'smd_step': lazy needs target=categorical (a Gaussian bump is nonzero at every component, so "
                           "each sample touches all M weights)");
    if (p.target == Dictionary::Categorical && p.zeros > p.components - 1)
      return Status::error("parameter 'zeros' must be at most components − 1 = " + std::to_string(p.components - 1) + " (got " +
                           std::to_string(p.zeros) + ")");
    if (p.target != Dictionary::Categorical && (uses(p, Method::Frequency) || uses(p, Method::Laplace)))
      return Status::error("parameter 'methods': frequency and laplace need target=categorical (they count categories)");
    const double work = static_cast<double>(p.samples) * mixture_model_size(p);
    if (p.target == Dictionary::Bumps && uses(p, Method::Em) && work > 2e7)
      return Status::error("parameter 'samples' × 'components' must be at most 2e7 with em on bumps (each EM sweep touches every "
                           "sample and component; got " + format_real(work) + ")");
    if (p.target == Dictionary::Bumps2d && uses(p, Method::Em) && work > 2e7)
      return Status::error("parameter 'samples' × 'side'² must be at most 2e7 with em on bumps2d (each EM sweep touches every "
                           "sample and component; got " + format_real(work) + ")");
    return {};
  });
  return t;
}

// [SECTION] run

enum Curve { kCurveKl, kCurveL2, kCurveKlInfinite };
enum Final { kFinalKl, kFinalL2, kFinalKlInfinite, kFinalEvals };

// A run recorded at the layout's checkpoints; resumable after any sample.
class MixtureCursor final : public RunCursor {
 public:
  MixtureCursor(const MixtureExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord* out,
                MixturePaths* paths)
      : layout_(layout), out_(out), paths_(paths), samples_(e.p().samples), run_(e.p(), seed, run) {
    if (paths_) {
      paths_->n = layout.axes[0].x;
      paths_->w.assign(run_.methods(), {});
    }
  }

  bool step(double work) override {
    long long budget = work >= 1e15 ? samples_ : std::max(1LL, static_cast<long long>(work));
    const std::vector<double>& checkpoints = layout_.axes[0].x;
    while (run_.samples_seen() < samples_ && budget-- > 0) {
      run_.step();
      while (next_ < checkpoints.size() && static_cast<long long>(checkpoints[next_]) == run_.samples_seen()) record(next_++);
    }
    return run_.samples_seen() >= samples_;
  }

 private:
  void record(size_t k) {
    std::vector<double> w(static_cast<size_t>(run_.model().components));
    const bool last = run_.samples_seen() == samples_;
    for (size_t s = 0; s < run_.methods(); ++s) {
      const double evals = run_.estimate(s, w);
      if (paths_) paths_->w[s].push_back(w);
      if (out_) record_mixture_estimate(run_.model(), s, k, last, w, evals, *out_);
    }
  }

  const RunLayout& layout_;
  RunRecord* out_;
  MixturePaths* paths_;
  long long samples_;
  MixtureRun run_;
  size_t next_ = 0;
};

}  // namespace

void record_mixture_estimate(const MixtureModel& m, size_t s, size_t k, bool last, const std::vector<double>& w, double evals, RunRecord& out) {
  const Errors e = estimation_errors(m, w.data());
  const bool infinite = !std::isfinite(e.kl);
  // An infinite KL (frequency, EM: a category seen 0 times) has no mean: recorded as the fraction of runs.
  if (!infinite) out.curve(s, kCurveKl, k, e.kl);
  out.curve(s, kCurveL2, k, e.l2);
  out.curve(s, kCurveKlInfinite, k, infinite ? 1.0 : 0.0);
  if (last) {
    if (!infinite) out.final(s, kFinalKl, e.kl);
    out.final(s, kFinalL2, e.l2);
    out.final(s, kFinalKlInfinite, infinite ? 1.0 : 0.0);
    out.final(s, kFinalEvals, evals);
  }
}

std::vector<double> mixture_start(const MixtureParams& p, int components) {
  const size_t m = static_cast<size_t>(components);
  std::vector<double> start(m, 1.0);
  start[0] = p.start_1;
  start[1] = p.start_2;
  const double total = p.start_1 + p.start_2 + static_cast<double>(m - 2);
  for (double& w : start) w /= total;
  return start;
}

int mixture_model_size(const MixtureParams& p) { return p.target == Dictionary::Bumps2d ? p.side * p.side : p.components; }

MixtureModel mixture_model(const MixtureParams& p) {
  return make_model(p.target, mixture_model_size(p), p.target == Dictionary::Categorical ? p.zeros : 0, p.width);
}

MixtureRun::MixtureRun(const MixtureParams& p, uint64_t seed, uint32_t run)
    : p_(p), model_(mixture_model(p)), alias_(make_alias_table(model_.target)), rng_(seed, run, kMixtureSampleStream) {
  const size_t m = static_cast<size_t>(model_.components);
  for (const std::string& id : p_.methods) methods_.push_back(method_of(id));
  start_ = mixture_start(p_, model_.components);
  // smd_step=lazy: entropic SMD's state (its own v, u) folded every max(M, 4096) samples (O(1) per sample; mixture_lazy.hpp).
  const bool lazy = p_.smd_step == SmdStep::Lazy;
  weights_.resize(methods_.size());
  averages_.resize(methods_.size());
  lazy_.resize(methods_.size());
  dense_f_ = false;
  for (size_t s = 0; s < methods_.size(); ++s) {
    const bool entropic = methods_[s] == Method::SmdEntropic || methods_[s] == Method::SmdEntropicAvg;
    if (entropic && lazy) lazy_[s] = LazyEntropic(start_, methods_[s] == Method::SmdEntropicAvg, std::max<long long>(model_.components, 4096));
    const bool dense = (entropic && !lazy) || methods_[s] == Method::SmdEuclidean;
    if (!dense) continue;  // lazy SMD or a batch estimator: no M-vector iterate
    dense_f_ = true;
    weights_[s] = start_;
    if (methods_[s] == Method::SmdEuclidean) project_truncated_simplex(weights_[s].data(), model_.components, p_.floor / model_.components);
    if (methods_[s] == Method::SmdEntropicAvg) averages_[s] = start_;  // replaced by w_1 at the first step
  }
  if (dense_f_) f_.resize(m);
  counts_.assign(m, 0.0);
  keep_samples_ = uses(p_, Method::Em);
}

void MixtureRun::step() {
  const int m = model_.components;
  const MixturePoint x = sample_target(model_, alias_, rng_);
  if (dense_f_) evaluate_components(model_, x, f_.data());
  const double t = static_cast<double>(t_);
  const double eta = entropic_eta(p_.entropic_step, p_.entropic_delay, t), a = (p_.average_decay + 1.0) / (t + 1.0 + p_.average_decay);
  // Point masses (categorical; the only target smd_step=lazy allows): x's category, the lazy step's support (f = 1 there).
  const int index = static_cast<int>(std::lround(x.x));
  const double one = 1.0;
  for (size_t s = 0; s < methods_.size(); ++s) {
    double* w = weights_[s].data();
    switch (methods_[s]) {
      case Method::SmdEntropic:
        if (p_.smd_step == SmdStep::Lazy) lazy_[s].step(&index, &one, 1, eta, 0.0);
        else entropic_step(w, f_.data(), m, eta);
        break;
      case Method::SmdEntropicAvg:
        if (p_.smd_step == SmdStep::Lazy) {
          lazy_[s].step(&index, &one, 1, eta, a);
        } else {
          entropic_step(w, f_.data(), m, eta);
          polynomial_average(averages_[s].data(), w, m, a);
        }
        break;
      case Method::SmdEuclidean: euclidean_step(w, f_.data(), m, p_.euclid_step / (t + 1.0), p_.floor / m); break;
      case Method::Em:
      case Method::Frequency:
      case Method::Laplace: break;  // batch estimators: computed when asked
    }
  }
  if (model_.dictionary == Dictionary::Categorical) counts_[static_cast<size_t>(index)] += 1.0;
  if (keep_samples_) samples_.push_back(x);
  ++t_;
}

double MixtureRun::estimate(size_t s, std::vector<double>& w) const {
  const int m = model_.components;
  const double n = static_cast<double>(t_);
  w.resize(static_cast<size_t>(m));
  const bool lazy = p_.smd_step == SmdStep::Lazy;  // lazy: f(x) touched one component per sample (point masses)
  switch (methods_[s]) {
    case Method::SmdEntropic:
    case Method::SmdEntropicAvg: {
      const bool average = methods_[s] == Method::SmdEntropicAvg;
      if (lazy) {
        if (average) lazy_[s].average(w);
        else lazy_[s].weights(w);
        return 1.0;
      }
      w = average ? averages_[s] : weights_[s];
      return m;
    }
    case Method::SmdEuclidean: w = weights_[s]; return m;
    case Method::Em: {
      const int sweeps = em_fit(model_, samples_, p_.em_max_sweeps, w.data());
      // Each sweep (and the final likelihood check) evaluates f at every distinct point.
      const double points = model_.dictionary == Dictionary::Categorical
                                ? static_cast<double>(std::count_if(counts_.begin(), counts_.end(), [](double c) { return c > 0; }))
                                : n;
      return (sweeps + 1.0) * points * m / std::max(1.0, n);
    }
    case Method::Frequency:
      for (int i = 0; i < m; ++i) w[static_cast<size_t>(i)] = n > 0 ? counts_[static_cast<size_t>(i)] / n : 1.0 / m;
      return 1.0;
    case Method::Laplace:
      for (int i = 0; i < m; ++i) w[static_cast<size_t>(i)] = (counts_[static_cast<size_t>(i)] + 1.0) / (n + m);
      return 1.0;
  }
  return 0.0;
}

const std::vector<std::string>& mixture_method_ids() {
  static const std::vector<std::string> ids{"smd_euclidean", "em", "frequency", "laplace", "smd_entropic", "smd_entropic_avg"};
  static_assert(kMethodCount == static_cast<int>(Method::SmdEntropicAvg) + 1);
  return ids;
}

MixtureExperiment::MixtureExperiment() : ExperimentOf(mixture_param_table()) {}

MixtureModel MixtureExperiment::model() const { return mixture_model(p()); }

std::unique_ptr<RunCursor> MixtureExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<MixtureCursor>(*this, layout, seed, run, &out, nullptr);
}

MixturePaths MixtureExperiment::paths(uint64_t seed, uint32_t run) const {
  const RunLayout l = layout();
  MixturePaths paths;
  MixtureCursor cursor(*this, l, seed, run, nullptr, &paths);
  cursor.step(1e18);
  return paths;
}

// [SECTION] layout

RunLayout MixtureExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"samples n", plot::log_spaced_counts(p().samples, kCheckpoints)}};
  l.curves = {{"kl", 0}, {"l2", 0}, {"kl_infinite", 0}};
  l.final_metrics = {"kl", "l2", "kl_infinite", "evals_per_sample"};
  l.work_unit = "samples";
  l.work_per_run = static_cast<double>(p().samples);
  return l;
}

// [SECTION] figure

namespace {

// Categorical theory: E‖p̂_n − p‖₂² = (1 − Σ p_i²)/n exactly for the frequency estimator.
plot::Line categorical_l2_rate(const MixtureModel& m, const std::vector<double>& n) {
  double sum_sq = 0.0;
  for (double w : m.target) sum_sq += w * w;
  std::vector<double> y;
  for (double x : n) y.push_back(std::sqrt((1.0 - sum_sq) / x));
  return plot::reference_line("√((1 − Σp_i²)/n): frequency's RMS error", n, y);
}

// A slope guide c/n^a through the last point of series `s`'s curve.
plot::Line slope_guide(const BatchResult& r, size_t s, size_t metric, double a, const std::string& name) {
  const std::vector<double>& n = r.layout.axes[0].x;
  const double end = r.curve_stat(s, metric, n.size() - 1).mean();
  std::vector<double> y;
  for (double x : n) y.push_back(end * std::pow(n.back() / x, a));
  return plot::reference_line(name, n, y);
}

// Bumps: the target density and run 1's final estimates on the quadrature grid.
plot::Plot density_fit(const MixtureExperiment& e, const BatchResult& r) {
  const MixtureModel m = e.model();
  plot::Plot d;
  d.title = "Run 1 at n = " + format_real(static_cast<double>(e.p().samples)) + ": target density and the estimates";
  d.x = {"x"};
  d.y = {"density", plot::Scale::Linear, 0.0, plot::kAuto};
  const MixturePaths paths = e.paths(r.seed, 0);
  std::vector<double> f(static_cast<size_t>(m.components));
  const double lo = -4.0 * m.width, hi = 1.0 + 4.0 * m.width;
  const int points = 240;
  plot::Line target = plot::reference_line("target p");
  std::vector<plot::Line> fits(paths.w.size());
  for (size_t k = 0; k < fits.size(); ++k) fits[k].name = r.layout.series[k], fits[k].color = palette(k);
  for (int g = 0; g < points; ++g) {
    const double x = lo + (hi - lo) * g / (points - 1);
    evaluate_components(m, {x, 0.0}, f.data());
    target.x.push_back(x);
    target.y.push_back(mixture_density(m.target.data(), f.data(), m.components));
    for (size_t k = 0; k < fits.size(); ++k) {
      fits[k].x.push_back(x);
      fits[k].y.push_back(mixture_density(paths.w[k].back().data(), f.data(), m.components));
    }
  }
  target.dash = plot::Dash::Solid;
  target.width = 3.0f;
  d.lines = fits;
  d.lines.insert(d.lines.begin(), target);
  return d;
}

// Bumps2d: the target density and run 1's final estimate (entropic SMD's, else the first method's) as heat maps
// on one colour scale.
std::vector<plot::Plot> density_maps(const MixtureExperiment& e, const BatchResult& r) {
  const MixtureModel m = e.model();
  const int entropic = r.layout.find_series("smd_entropic");
  const size_t shown = entropic >= 0 ? static_cast<size_t>(entropic) : 0;
  const MixturePaths paths = e.paths(r.seed, 0);
  const plot::Heatmap target = mixture_density_map(m, m.target, 64), estimate = mixture_density_map(m, paths.w[shown].back(), 64);
  const double top = *std::max_element(target.values.begin(), target.values.end());
  return {mixture_map_plot("Target density p", target, top),
          mixture_map_plot("Run 1 at n = " + format_real(static_cast<double>(e.p().samples)) + ": p̂_n of " + r.layout.series[shown], estimate, top)};
}

plot::Plot final_bars(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& y_label,
                      plot::Scale scale) {
  plot::Plot p;
  p.title = title;
  p.x = plot::category_axis("estimator", r.layout.series, 0.0);
  p.y = {y_label, scale};
  p.legend = false;
  const int m = r.layout.find_final(metric);
  for (size_t s = 0; s < r.layout.series.size() && m >= 0; ++s) {
    const RunningStat& st = r.final_stat(s, static_cast<size_t>(m));
    if (st.count() == 0) continue;
    plot::Bars b;
    b.name = r.layout.series[s];
    b.edges = {s - 0.35, s + 0.35};
    b.heights = {st.mean()};
    b.color = palette(s);
    p.bars.push_back(b);
  }
  return p;
}

}  // namespace

plot::Line mixture_kl_rate(const MixtureModel& m, const std::vector<double>& n) {
  const bool categorical = m.dictionary == Dictionary::Categorical;
  const double free = categorical ? static_cast<double>(std::count_if(m.target.begin(), m.target.end(), [](double w) { return w > 0; }))
                                  : static_cast<double>(m.components);
  plot::Line line = plot::reference_line(categorical ? "(M₊ − 1)/(2n): classical KL risk" : "(M − 1)/(2n), n ≥ M: the MLE's asymptotic KL risk");
  for (double x : n)
    if (categorical || x >= free) line.x.push_back(x), line.y.push_back((free - 1.0) / (2.0 * x));
  return line;
}

plot::Heatmap mixture_density_map(const MixtureModel& m, const std::vector<double>& w, int cells) {
  plot::Heatmap h;
  h.nx = h.ny = cells;
  h.x0 = h.y0 = -3.0 * m.width;
  h.x1 = h.y1 = 1.0 + 3.0 * m.width;
  h.vmin = 0.0;
  h.label = "density";
  std::vector<double> centres(static_cast<size_t>(cells)), values(static_cast<size_t>(cells * cells));  // (cells), (cells, cells)
  for (int i = 0; i < cells; ++i) centres[static_cast<size_t>(i)] = h.x0 + (i + 0.5) * (h.x1 - h.x0) / cells;
  density_on_grid(m, w.data(), centres, centres, values.data());
  h.values.assign(values.begin(), values.end());
  return h;
}

plot::Plot mixture_map_plot(const std::string& title, const plot::Heatmap& map, double vmax) {
  plot::Plot p;
  p.title = title;
  p.x = {"x₁", plot::Scale::Linear, map.x0, map.x1};
  p.y = {"x₂", plot::Scale::Linear, map.y0, map.y1};
  p.equal_aspect = true;
  p.legend = false;
  if (map.values.empty()) return p;
  p.heatmaps.push_back(map);
  p.heatmaps.back().vmax = vmax;
  return p;
}

plot::Figure MixtureExperiment::figure(const BatchResult& r) const {
  const MixtureModel m = model();
  const bool categorical = m.dictionary == Dictionary::Categorical;
  plot::Figure f;
  const std::string target_text =
      categorical ? "Categorical target, M = " + std::to_string(m.components) + " (" + std::to_string(p().zeros) + " with p_i = 0)"
      : m.dictionary == Dictionary::Bumps
          ? "Gaussian bumps, M = " + std::to_string(m.components) + ", σ = " + format_real(m.width)
          : "2-D Gaussian bumps, M = " + std::to_string(m.side) + "² = " + std::to_string(m.components) + ", σ = " + format_real(m.width);
  f.title = target_text + ", " + std::to_string(r.runs_done) + " runs";
  plot::Plot kl;
  kl.title = "KL(p‖p̂_n), 95% CI (runs with KL = ∞ left out)";
  kl.x = {"samples n", plot::Scale::Log};
  kl.y = {"KL(p‖p̂_n)", plot::Scale::Log};
  kl.lines = plot::result_lines(r, "kl");
  plot::Plot l2;
  l2.title = categorical ? "ℓ₂ error ‖p − p̂_n‖₂" : "L² error (∫(p − p̂_n)²)^{1/2}";
  l2.x = {"samples n", plot::Scale::Log};
  l2.y = {"ℓ₂ error", plot::Scale::Log};
  l2.lines = plot::result_lines(r, "l2");
  const std::vector<double>& n = r.layout.axes[0].x;
  const int entropic = r.layout.find_series("smd_entropic");
  const plot::Line kl_rate = mixture_kl_rate(m, n);
  if (!kl_rate.x.empty()) kl.lines.push_back(kl_rate);
  if (categorical) {
    l2.lines.push_back(categorical_l2_rate(m, n));
  } else if (entropic >= 0 && !n.empty()) {
    kl.lines.push_back(slope_guide(r, static_cast<size_t>(entropic), kCurveKl, 1.0, "slope −1 guide (∝ 1/n)"));
    l2.lines.push_back(slope_guide(r, static_cast<size_t>(entropic), kCurveL2, 0.5, "slope −½ guide (∝ 1/√n)"));
  }
  kl.x.cover_lo = l2.x.cover_lo = 1;
  kl.x.cover_hi = l2.x.cover_hi = static_cast<double>(p().samples);
  plot::Plot infinite;
  infinite.title = "Runs with KL(p‖p̂_n) = ∞ (a category with p_i > 0 never seen)";
  infinite.x = {"samples n", plot::Scale::Log};
  infinite.y = {"fraction of runs", plot::Scale::Linear, 0.0, 1.0};
  infinite.lines = plot::result_lines(r, "kl_infinite");
  plot::Plot cost = final_bars(r, "evals_per_sample", "Work: component evaluations f_i(x) per sample at n", "evaluations per sample",
                               plot::Scale::Log);
  f.plots = {kl, l2};
  const bool rerun_affordable = r.runs_done > 0 && static_cast<double>(p().samples) * m.components <= 2e7;  // run 1 again (EM included)
  if (m.dictionary == Dictionary::Bumps && rerun_affordable) f.plots.push_back(density_fit(*this, r));
  if (m.dictionary == Dictionary::Bumps2d && rerun_affordable)
    for (const plot::Plot& map : density_maps(*this, r)) f.plots.push_back(map);
  // Categorical: the fraction of infinite KLs; bumps: the work (on point masses it is M against 1).
  f.plots.push_back(categorical ? infinite : cost);
  return f;
}

// [SECTION] demo text

DemoInfo mixture_demo() {
  DemoInfo d;
  d.id = "optim.mixture";
  d.chapter = "optim";
  d.title = "Mixture weights by mirror descent";
  d.summary = "Estimate mixture weights from samples: entropic SMD (no lower bound), Euclidean SMD on Δ_δ, batch EM, frequency and add-one; KL and ℓ₂ against n.";
  d.about =
      "The target p = Σ w*_i f_i mixes a fixed dictionary f_1..f_M (point masses, Gaussian bumps on [0, 1], or 2-D bumps on an\n"
      "s × s grid of [0, 1]², M = s² up to 10⁴: target=bumps2d, a ring with a central peak). Each sample x_t\n"
      "updates the weights by stochastic mirror descent on the cross-entropy L(w) = −E ln p_w(x), whose gradient is\n"
      "    g_i(w; x) = −f_i(x)/p_w(x)          (unbounded: no Lipschitz constant without a lower bound on w)\n"
      "    entropic SMD    w_{t+1,i} = w_{t,i} (1 − η_t + η_t f_i(x_t)/p_{w_t}(x_t)),  η_t = c/(t+1+c+t₀)\n"
      "    its average     w̄_t = w̄_{t−1} + (ρ+1)/(t+ρ) (w_t − w̄_{t−1})   (smd_entropic_avg: the lab's experiment)\n"
      "    Euclidean SMD   w_{t+1} = Π_{Δ_δ}(w_t − η₀/(t+1) g),  Δ_δ = {w ≥ δ, Σw = 1}\n"
      "    batch EM        w_i ← w_i (1/n) Σ_j f_i(x_j)/p_w(x_j)  on all samples, until converged\n"
      "smd_step=lazy keeps entropic SMD's w = s·v and updates only s and the weights a sample touches: O(1) per sample on point\n"
      "masses (M = 10⁵ with n = 10⁷ in about a second per run), the same estimates up to rounding.\n"
      "The entropic step is a reading (the paper's full text was not available): the first-order form of w ∝ w e^{−ηg},\n"
      "which stays on the simplex with no lower bound; on point masses with c = 1 it is the add-1/M estimator (c_i + 1/M)/(n + 1).\n"
      "Plots: KL(p‖p̂_n) on log-log axes with the classical rate (M₊ − 1)/(2n), and the ℓ₂ error with √((1 − Σp²)/n).\n"
      "Live: one run; the large plot is its KL(p‖p̂_n) against n (ℓ₂: Runs tab). Beside it, with M = 3, its estimates move over the KL(p‖·)\n"
      "landscape of the simplex and the start w₀ is a handle; with 2-D bumps the target density and the current estimate p̂_n\n"
      "are heat maps side by side.\n"
      "What to look for: entropic SMD's KL falls like 1/n even with zero-probability categories, while Euclidean SMD stalls\n"
      "on the floor −ln(1 − Zδ) its lower bound δ puts on the Z zeros (the grey guide; claim 1, tests/unit/optim_claims_test.cpp);\n"
      "frequency and EM have KL = ∞ whenever a category goes unseen. On 2-D bumps (the ring) entropic SMD with t₀ = 0 does NOT keep the 1/n order\n"
      "as n grows (n·KL rises while EM's stays flat) with any of c = 1, 2, 4, 8, 16: large early steps drive rarely hit\n"
      "weights towards 0. The lab's own rule (not the paper's, whose step rule is not known), c = 8 with a delay t₀ = 1600\n"
      "and the averaged iterate, keeps n·KL flat near 10 (EM: 7) up to n = 6.4·10⁵ (src/optim/README.md, \"2-D bumps\").";
  d.papers = {"M. Ahmadypour, T. Javidi, F. Koushanfar. Estimating Mixture Distributions via Stochastic Mirror Descent. arXiv:2605.24929, 2026.",
              "D. P. Helmbold, R. E. Schapire, Y. Singer, M. K. Warmuth. A Comparison of New and Old Algorithms for a Mixture Estimation Problem. Machine Learning 27(1), 1997.",
              "A. Nemirovski, A. Juditsky, G. Lan, A. Shapiro. Robust Stochastic Approximation Approach to Stochastic Programming. SIAM J. Optim. 19(4), 2009.",
              "A. P. Dempster, N. M. Laird, D. B. Rubin. Maximum Likelihood from Incomplete Data via the EM Algorithm. JRSS B 39(1), 1977.",
              "D. Braess, T. Sauer. Bernstein Polynomials and Learning Theory. J. Approx. Theory 128(2), 2004.",
              "O. Shamir, T. Zhang. Stochastic Gradient Descent for Non-smooth Optimization: Convergence Results and Optimal Averaging Schemes. ICML 2013."};
  d.default_runs = 100;
  d.make = [] { return std::make_unique<MixtureExperiment>(); };
  return d;
}

}  // namespace klab::optim
