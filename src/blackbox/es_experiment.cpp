#include "blackbox/es_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/ordered_batch.hpp"
#include "core/result_plots.hpp"

namespace klab::blackbox {
namespace {

// [SECTION] params

const std::vector<std::string>& series_labels() {
  static const std::vector<std::string> labels{"(1+λ), random heights", "(1,λ), random heights", "(1+λ), equal heights",
                                               "(1,λ), equal heights"};
  return labels;
}

std::shared_ptr<const ParamTable<EsParams>> table() {
  auto t = std::make_shared<ParamTable<EsParams>>();
  using P = EsParams;
  t->multi_choice("series", &P::series, es_series_ids(), es_series_ids(), 1)
      .label("strategies")
      .choice_labels(series_labels())
      .help("Plus or comma selection on the landscape with random or equal heights (both landscapes plant the same points).");
  t->integer("n_min", &P::n_min, 20, 8, 10000).label("smallest n").log_scale().help("The smallest string length of the n grid.");
  t->integer("n_max", &P::n_max, 160, 8, 10000).label("largest n").log_scale().help("The largest string length of the n grid.");
  t->integer("n_points", &P::n_points, 4, 1, 16).label("grid points").help("Sizes n in the grid, log-spaced from the smallest to the largest.");
  t->real("lambda_scale", &P::lambda_scale, 1.2, 0.5, 5.0)
      .label("λ / log n in base e/(e−1)")
      .help("Offspring per generation: λ(n) = ⌈s·ln n / ln(e/(e−1))⌉ (the log of n in base e/(e−1)); the comma strategy needs s > 1 to climb OneMax at all.");
  t->real("density", &P::density, 1.0, 0.0, 8.0)
      .label("planted per n (p·n)")
      .help("Each point is a planted optimum with probability p = density/n: about 'density' of its n neighbours are.");
  t->choice("random_law", &P::random_law, HeightLaw::Exponential, {"exponential", "gaussian"})
      .label("random heights")
      .choice_labels({"exponential, mean d", "Gaussian d + σZ"})
      .help("The law of the random heights D_x (the equal-height landscape has D_x = d).");
  t->real("height", &P::height, 1.0, 0.1, 10.0).label("height d").help("The equal height, and the mean of the random heights.");
  t->real("spread", &P::spread, 1.0, 0.0, 5.0).label("Gaussian σ").help("Standard deviation of Gaussian heights.");
  t->integer("target_gap", &P::target_gap, 0, 0, 100).label("target gap k*").help("A run succeeds when OM(x) ≥ n − k* (0: the optimum).");
  t->real("budget_factor", &P::budget_factor, 30.0, 0.1, 1000.0)
      .label("budget c (× n² evaluations)")
      .log_scale()
      .help("A run of size n that has not reached the target after ⌈c·n²⌉ evaluations counts as stuck: a polynomial budget.");
  t->rule([](const P& p) {
    if (p.n_min > p.n_max) return Status::error("parameter 'n_min' must be at most 'n_max' (got " + std::to_string(p.n_min) + " > " + std::to_string(p.n_max) + ")");
    if (p.target_gap >= p.n_min) return Status::error("parameter 'target_gap' must be below 'n_min' (got " + std::to_string(p.target_gap) + ")");
    if (p.density > p.n_min) return Status::error("parameter 'density' must be at most 'n_min' (p = density/n ≤ 1)");
    return Status();
  });
  return t;
}

enum Curve { kCurveEvaluations, kCurveStuck };
enum Final { kFinalEvaluations, kFinalStuck };

}  // namespace

const std::vector<std::string>& es_series_ids() {
  static const std::vector<std::string> ids{"plus_random", "comma_random", "plus_equal", "comma_equal"};
  return ids;
}

std::vector<int> es_n_grid(const EsParams& p) { return plot::log_spaced_range(p.n_min, p.n_max, p.n_points); }

long long es_budget(const EsParams& p, int n) { return static_cast<long long>(std::ceil(p.budget_factor * n * n)); }

int es_lambda(const EsParams& p, int n) { return std::max(1, static_cast<int>(std::ceil(p.lambda_scale * comma_threshold(n)))); }

// [SECTION] run

Selection es_selection(const std::string& series) { return series.rfind("plus", 0) == 0 ? Selection::Plus : Selection::Comma; }

HeightModel es_heights(const EsParams& p, const std::string& series) {
  const bool random = series.find("random") != std::string::npos;
  return {random ? p.random_law : HeightLaw::Equal, p.height, p.spread};
}

EsConfig es_config(const EsParams& p) {
  EsConfig c;
  c.n_series = static_cast<int>(p.series.size());
  for (int s = 0; s < c.n_series && s < kMaxEsSeries; ++s) {
    c.selection[s] = es_selection(p.series[static_cast<size_t>(s)]);
    c.heights[s] = es_heights(p, p.series[static_cast<size_t>(s)]);
  }
  c.density = p.density;
  const std::vector<int> grid = es_n_grid(p);
  c.n_grid = static_cast<int>(grid.size());
  for (int k = 0; k < c.n_grid && k < kMaxEsGrid; ++k) {
    EsGridPoint& g = c.grid[k];
    g.n = grid[static_cast<size_t>(k)];
    g.lambda = es_lambda(p, g.n);
    g.target = g.n - p.target_gap;
    g.budget = es_budget(p, g.n);
    const std::vector<double> cdf = flip_count_cdf(g.n);
    std::copy(cdf.begin(), cdf.end(), g.cdf);
  }
  return c;
}

EsRun::EsRun(const EsParams& p, const std::string& series, int n, uint64_t seed, uint32_t run)
    : landscape_(disom_landscape(n, p.density, es_heights(p, series), seed, run)),
      selection_(es_selection(series)),
      lambda_(es_lambda(p, n)),
      target_(n - p.target_gap),
      budget_(es_budget(p, n)),
      rng_(seed, run, kMutationStream + salt_of_size(n)) {  // the same mutation draws for every series
  keys_ = zobrist_keys(landscape_);
  cdf_ = flip_count_cdf(n);
  st_ = ea_start(landscape_, keys_);
}

void EsRun::generation() { ea_generation(landscape_, keys_, cdf_, selection_, lambda_, rng_, st_); }

EsExperiment::EsExperiment() : ExperimentOf(table()) {}

namespace {

// A run's record from its outcomes (engine.hpp's layout: series-major, then the n grid): the
// CPU engine's and the CUDA engine's runs go through here alike.
void fill_es_record(const EsConfig& c, const EsOutcome* outcome, RunRecord& out) {
  for (int s = 0; s < c.n_series; ++s)
    for (int k = 0; k < c.n_grid; ++k) {
      const EsOutcome& o = outcome[s * c.n_grid + k];
      const double evaluations = static_cast<double>(std::min(o.evaluations, c.grid[k].budget));
      out.curve(static_cast<size_t>(s), kCurveEvaluations, static_cast<size_t>(k), evaluations);
      out.curve(static_cast<size_t>(s), kCurveStuck, static_cast<size_t>(k), o.reached ? 0.0 : 1.0);
      if (k + 1 < c.n_grid) continue;
      out.final(static_cast<size_t>(s), kFinalEvaluations, evaluations);
      out.final(static_cast<size_t>(s), kFinalStuck, o.reached ? 0.0 : 1.0);
    }
}

}  // namespace

void EsExperiment::run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  const EsConfig c = es_config(p());
  std::vector<EsOutcome> outcome(static_cast<size_t>(c.landscapes_per_run()));
  for (int s = 0; s < c.n_series; ++s)
    for (int k = 0; k < c.n_grid; ++k) {
      EsRun r(p(), layout.series[static_cast<size_t>(s)], c.grid[k].n, seed, run);
      while (!r.done()) r.generation();
      EsOutcome& o = outcome[static_cast<size_t>(s * c.n_grid + k)];
      o.evaluations = r.state().evaluations;
      o.reached = r.reached() ? 1 : 0;
    }
  fill_es_record(c, outcome.data(), out);
}

Status EsExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                     std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const EsConfig c = es_config(p());
  return run_cuda_in_order(
      layout, runs, first_block, end_block, blocks, static_cast<size_t>(c.landscapes_per_run()),
      [&](uint32_t first_run, uint32_t count, const auto& consume) { return run_es_cuda(c, seed, first_run, count, consume); },
      [&](const EsOutcome* outcome, RunRecord& out) { fill_es_record(c, outcome, out); });
}

// [SECTION] layout

RunLayout EsExperiment::layout() const {
  RunLayout l;
  l.series = p().series;
  std::vector<double> grid;
  for (int n : es_n_grid(p())) grid.push_back(n);
  l.axes = {{"n", grid}};
  l.curves = {{"evaluations", 0}, {"stuck", 0}};
  l.final_metrics = {"evaluations_at_n_max", "stuck_at_n_max"};
  l.work_unit = "landscapes";  // one (series, n) pair of a run; evaluations/s: bench/blackbox_bench
  l.work_per_run = static_cast<double>(l.series.size() * grid.size());
  return l;
}

// [SECTION] figure

plot::Figure EsExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "DisOM, p = " + format_real(p().density) + "/n, d = " + format_real(p().height) + ", λ = ⌈" + format_real(p().lambda_scale) +
            "·ln n / ln(e/(e−1))⌉, " + std::to_string(r.runs_done) + " runs";
  const std::vector<double>& grid = r.layout.axes[0].x;
  plot::Plot time;
  time.title = "Evaluations to the target (a stuck run counts its budget)";
  time.x = {"n", plot::Scale::Log};
  time.y = {"evaluations", plot::Scale::Log};
  time.lines = plot::result_lines(r, "evaluations");
  // Scale reference: e·n·ln n, the (1+1)-EA's expected time on OneMax without planted optima.
  plot::Line onemax = plot::reference_line("e·n·ln n (OneMax)");
  for (double n : grid) onemax.x.push_back(n), onemax.y.push_back(std::exp(1.0) * n * std::log(n));
  time.lines.push_back(onemax);
  plot::Line budget = plot::reference_line("budget c·n²");
  for (double n : grid) budget.x.push_back(n), budget.y.push_back(static_cast<double>(es_budget(p(), static_cast<int>(n))));
  budget.dash = plot::Dash::Dotted;
  time.lines.push_back(budget);
  plot::Plot stuck;
  stuck.title = "Fraction of runs stuck at the budget c·n²";
  stuck.x = {"n", plot::Scale::Log};
  stuck.y = {"fraction stuck", plot::Scale::Linear, 0.0, 1.0};
  stuck.lines = plot::result_lines(r, "stuck");
  for (plot::Plot* q : {&time, &stuck}) q->x.cover_lo = grid.front(), q->x.cover_hi = grid.back();
  f.plots = {time, stuck};
  return f;
}

// [SECTION] demo text

DemoInfo es_demo() {
  DemoInfo d;
  d.id = "blackbox.es";
  d.chapter = "blackbox";
  d.title = "Plus vs comma on planted optima";
  d.summary = "(1+λ)-EA vs (1,λ)-EA on OneMax with planted local optima: random heights trap the plus strategy, the comma strategy escapes.";
  d.about =
      "DisOM is OneMax with planted local optima: every x ∈ {0,1}ⁿ is, independently with probability p = density/n, raised by a\n"
      "height D_x (frozen: the same x always has the same fitness):\n"
      "    f(x) = OM(x) + D_x  if x is planted,   f(x) = OM(x)  otherwise\n"
      "Both algorithms create λ offspring by flipping each bit with probability 1/n. The plus strategy (1+λ) keeps its parent unless\n"
      "an offspring is at least as good; the comma strategy (1,λ) always moves to the best offspring, λ(n) = ⌈s·ln n / ln(e/(e−1))⌉.\n"
      "With equal heights D_x = d the plus strategy loses at most a polynomial factor. With random heights it climbs onto planted\n"
      "points ever higher above their neighbours (it keeps the record), and near the optimum leaving one needs many good bits at\n"
      "once: super-polynomial time. The comma strategy forgets: it leaves a planted point as soon as no offspring is a clone.\n"
      "What to look for: at n = 160, 5 of the 10 live (1+λ) runs on random heights end stuck below n at the budget c·n² (over\n"
      "200 runs: 0.45), while every (1,λ) run and every run on equal heights reaches the optimum. The live view runs these 10\n"
      "landscapes at the largest n: its headline is how many runs of each strategy are at the target against evaluations (the\n"
      "budget c·n² marked); the last (1,λ) run on random heights gets there after about 31,000 evaluations (run 10), about 6 s\n"
      "into the live run at the default speed, while the 5 stuck plus runs stay below until the budget, 768,000. Below it, the\n"
      "OneMax value of each run of the first strategy in its headline colour, solid once at the target, dashed while below. It shows one n only: that\n"
      "the plus strategy's stuck fraction grows with n (0.27 at n = 20 to 0.45 at n = 160, 200 runs) is in the Runs tab (claim 4, tests/unit/blackbox_claims_test.cpp).\n"
      "Landscape definition and measurements: chapter README.";
  d.papers = {"J. Lengler, L. Schiller, O. Sieberling. Plus Strategies are Exponentially Slower for Planted Optima of Random Height. GECCO 2024, arXiv:2404.09687.",
              "J. Jorritsma, J. Lengler, D. Sudholt. Comma Selection Outperforms Plus Selection on OneMax with Randomly Planted Optima. GECCO 2023, arXiv:2304.09712."};
  d.default_runs = 40;
  d.make = [] { return std::make_unique<EsExperiment>(); };
  return d;
}

}  // namespace klab::blackbox
