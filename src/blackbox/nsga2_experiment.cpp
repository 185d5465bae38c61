#include "blackbox/nsga2_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "blackbox/disom.hpp"
#include "blackbox/nsga2_concurrent.hpp"
#include "core/ordered_batch.hpp"
#include "core/result_plots.hpp"

namespace klab::blackbox {
namespace {

// [SECTION] params

std::shared_ptr<const ParamTable<Nsga2Params>> table() {
  auto t = std::make_shared<ParamTable<Nsga2Params>>();
  using P = Nsga2Params;
  t->multi_choice("series", &P::series, {"nsga2", "dnsga2"}, nsga2_series_ids(), 1)
      .label("algorithms")
      .choice_labels({"NSGA-II (population μ)", "dNSGA-II (4 → μ, doubling every τ)", "dNSGA-II⁺ (size 4 for the first d·τ evaluations)",
                      "concurrent dNSGA-II (τ = 4, 8, 16, …)", "concurrent dNSGA-II⁺ (τ = 4, 8, 16, …)"})
      .help("The classic NSGA-II with a fixed population, the dynamic NSGA-II, its ⁺ variant (the first doubling after d·τ evaluations, "
            "d = ⌈log₂(μ/4)⌉), and Algorithm 2's concurrent runs of either over τ = 2ⁱ (no τ to choose; evaluations of all instances "
            "counted). The last three are readings of a secondary copy of the paper (README). The CUDA engine runs the first two only.");
  t->choice("benchmark", &P::benchmark, Benchmark::OneMinMax, {"oneminmax", "lotz", "ojzj", "zdt1", "zdt2", "zdt3"})
      .label("benchmark")
      .choice_labels({"OneMinMax (zeros, ones)", "LOTZ (leading ones, trailing zeros)", "OneJumpZeroJump_k (bits)", "ZDT1 (reals, convex front)",
                      "ZDT2 (reals, concave front)", "ZDT3 (reals, five-piece front)"})
      .help("Bit strings (both objectives maximised; OneMinMax and LOTZ have n + 1 front values, OneJumpZeroJump_k n − 2k + 3), or ZDT1–3 on [0, 1]ⁿ (minimised) with SBX and polynomial mutation.");
  t->integer("jump", &P::jump, 2, 1, 5000).label("jump gap k").help("OneJumpZeroJump_k: the extreme points 0ⁿ and 1ⁿ lie k bits beyond the inner front (needs 2k ≤ n).");
  t->integer("n_min", &P::n_min, 16, 4, 10000).label("smallest n").log_scale().help("The smallest string length of the n grid.");
  t->integer("n_max", &P::n_max, 64, 4, 10000).label("largest n").log_scale().help("The largest string length of the n grid (the live view runs it).");
  t->integer("n_points", &P::n_points, 3, 1, 12).label("grid points").help("Sizes n in the grid, log-spaced.");
  t->real("mu_factor", &P::mu_factor, 4.0, 1.0, 16.0).label("μ / (n + 1)").help("The (largest) population size μ = ⌈c(n + 1)⌉; the theory needs c ≥ 4.");
  t->real("tau_factor", &P::tau_factor, 5.12, 0.1, 100.0).label("τ / (e·n)").log_scale().help("dNSGA-II doubles its population every τ = ⌈c·e·n⌉ evaluations; the theorem needs c ≥ 256/50 = 5.12.");
  t->choice("dnsga2_form", &P::dnsga2_form, Dnsga2Form::Lab, {"lab", "paper"})
      .label("dNSGA-II generation")
      .choice_labels({"lab reading (a doubling: 2N offspring, the 2N best of 3N)", "Algorithm 1 as the copy shows it (P ∪ Q, current crowding)"})
      .help("How the dNSGA-II (also ⁺ and the concurrent instances) runs a generation. lab: this lab's earlier reading of the abstract; τ counts "
            "every evaluation; at a doubling the N parents create 2N offspring and the 2N best of the 3N survive. paper: Algorithm 1 as a "
            "secondary copy of the paper shows it (README): w counts offspring only; at a doubling the parents and their N offspring all stay "
            "(P ∪ Q, capped at μ); otherwise the critical front is truncated by the current crowding distance (recomputed after each removal). "
            "The classic NSGA-II is the same in both. The CUDA engine runs lab only.");
  t->real("budget_factor", &P::budget_factor, 20.0, 0.01, 1000.0).label("budget c (× n³ evaluations)").log_scale().help("A run stops unfinished after ⌈c·n³⌉ evaluations.");
  t->real("front_tolerance", &P::front_tolerance, 0.01, 1e-4, 1.0)
      .label("ZDT front tolerance δ")
      .log_scale()
      .help("ZDT: a front target P counts as covered when a member is within δ of it in both objectives (f ≤ P + δ).");
  t->rule([](const P& p) {
    if (p.n_min > p.n_max) return Status::error("parameter 'n_min' must be at most 'n_max' (got " + std::to_string(p.n_min) + " > " + std::to_string(p.n_max) + ")");
    if (p.benchmark == Benchmark::OneJumpZeroJump && 2 * p.jump > p.n_min)
      return Status::error("parameter 'jump' must be at most n_min / 2 = " + std::to_string(p.n_min / 2) + " for OneJumpZeroJump (got " + std::to_string(p.jump) + ")");
    return Status();
  });
  return t;
}

enum Curve { kCurveEvaluations, kCurveCovered, kCurveCoverage, kCurveHypervolume };
enum Final { kFinalEvaluations, kFinalSlope, kFinalHypervolume };

}  // namespace

const std::vector<std::string>& nsga2_series_ids() {
  static const std::vector<std::string> ids{"nsga2", "dnsga2", "dnsga2plus", "concurrent", "concurrentplus"};
  return ids;
}

std::vector<int> nsga2_n_grid(const Nsga2Params& p) { return plot::log_spaced_range(p.n_min, p.n_max, p.n_points); }

Nsga2Settings nsga2_settings(const Nsga2Params& p, const std::string& series, int n) {
  Nsga2Settings s;
  s.benchmark = p.benchmark;
  s.n = n;
  s.jump = p.jump;
  s.mu = static_cast<int>(std::ceil(p.mu_factor * (n + 1)));
  s.dynamic = series != "nsga2";
  s.plus = series == "dnsga2plus" || series == "concurrentplus";
  s.concurrent = series == "concurrent" || series == "concurrentplus";
  s.tau = static_cast<long long>(std::ceil(p.tau_factor * std::exp(1.0) * n));
  s.form = p.dnsga2_form;
  return s;
}

long long nsga2_budget(const Nsga2Params& p, int n) { return static_cast<long long>(std::ceil(p.budget_factor * n * static_cast<double>(n) * n)); }

Nsga2Config nsga2_config(const Nsga2Params& p) {
  Nsga2Config c;
  c.benchmark = p.benchmark;
  c.jump = p.jump;
  c.n_series = std::min(static_cast<int>(p.series.size()), kMaxNsgaSeries);
  for (int s = 0; s < c.n_series; ++s) c.dynamic[s] = p.series[static_cast<size_t>(s)] == "dnsga2" ? 1 : 0;
  const std::vector<int> grid = nsga2_n_grid(p);
  c.n_grid = std::min(static_cast<int>(grid.size()), kMaxNsgaGrid);
  for (int k = 0; k < c.n_grid; ++k) {
    const Nsga2Settings st = nsga2_settings(p, "nsga2", grid[static_cast<size_t>(k)]);
    const FrontTarget t = nsga2_front(st, p.front_tolerance);
    Nsga2GridPoint& g = c.grid[k];
    g.n = st.n, g.mu = st.mu, g.tau = st.tau, g.budget = nsga2_budget(p, st.n);
    g.targets = static_cast<int>(t.f1.size());
    g.front_sum = st.n + (p.benchmark == Benchmark::OneJumpZeroJump ? 2 * p.jump : 0);
    g.front_hypervolume = t.hypervolume;
    const std::vector<double> cdf = flip_count_cdf(st.n);
    std::copy(cdf.begin(), cdf.end(), g.cdf);
    c.ref1 = t.ref1, c.ref2 = t.ref2;
    if (real_coded(p.benchmark) && t.f1.size() <= static_cast<size_t>(kMaxNsgaTargets)) {
      c.n_targets = static_cast<int>(t.f1.size()), c.delta = t.delta;
      std::copy(t.f1.begin(), t.f1.end(), c.target1), std::copy(t.f2.begin(), t.f2.end(), c.target2);
    }
  }
  const std::vector<double> checkpoints = plot::log_spaced_counts(nsga2_budget(p, grid.back()), kNsgaCheckpoints);
  c.n_checkpoints = std::min(static_cast<int>(checkpoints.size()), kNsgaCheckpoints);
  std::copy(checkpoints.begin(), checkpoints.begin() + c.n_checkpoints, c.checkpoints);
  return c;
}

// [SECTION] run

Nsga2Outcome nsga2_cpu_outcome(const Nsga2Params& p, const Nsga2Config& c, int s, int point, uint64_t seed, uint32_t run) {
  const std::string& series = p.series[static_cast<size_t>(s)];
  const bool track = point + 1 == c.n_grid;
  const int n = c.grid[point].n;
  const Nsga2Settings st = nsga2_settings(p, series, n);
  const std::vector<double> cdf = flip_count_cdf(n);
  Rng rng(seed, run, kNsgaStream + salt_of_size(n) + static_cast<uint32_t>(s));
  const FrontTarget target = nsga2_front(st, p.front_tolerance);
  Nsga2Search search(st, target, rng);
  const int targets = static_cast<int>(target.f1.size());
  const long long budget = nsga2_budget(p, n);
  Nsga2Outcome o;
  int next = 0;
  auto record = [&](double upto) {  // the checkpoints up to `upto` evaluations (before the first instance: nothing held)
    if (!track || next >= c.n_checkpoints || c.checkpoints[next] > upto) return;
    const double hv = search.started() ? population_hypervolume(target, search.shown()) : 0.0;
    for (; next < c.n_checkpoints && c.checkpoints[next] <= upto; ++next) o.covered_at[next] = search.covered(), o.hypervolume_at[next] = hv;
  };
  record(static_cast<double>(search.evaluations()));
  while (search.covered() < targets && search.evaluations() < budget) {
    search.step(target, cdf, rng);
    record(static_cast<double>(search.evaluations()));
  }
  record(kInf);  // the run has stopped: its last state holds for the remaining checkpoints
  o.evaluations = search.evaluations();
  o.generations = search.generations();
  o.covered = search.covered();
  o.hypervolume = population_hypervolume(target, search.shown());
  return o;
}

namespace {

// A run's record from its outcomes (nsga2_engine.hpp's layout: series-major, then the n grid): the
// CPU engine's and the CUDA engine's runs go through here alike.
// `series` outcomes per grid point: the CUDA engine's c.n_series, the CPU engine's every algorithm.
void fill_nsga2_record(const Nsga2Config& c, int series_count, const Nsga2Outcome* outcome, RunRecord& out) {
  for (int s = 0; s < series_count; ++s) {
    const size_t series = static_cast<size_t>(s);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < c.n_grid; ++k) {
      const Nsga2GridPoint& g = c.grid[k];
      const Nsga2Outcome& o = outcome[s * c.n_grid + k];
      const double evaluations = static_cast<double>(std::min(o.evaluations, g.budget));
      out.curve(series, kCurveEvaluations, static_cast<size_t>(k), evaluations);
      out.curve(series, kCurveCovered, static_cast<size_t>(k), o.covered == g.targets ? 1.0 : 0.0);
      const double x = std::log(static_cast<double>(g.n)), y = std::log(evaluations);
      sx += x, sy += y, sxx += x * x, sxy += x * y;
      if (k + 1 < c.n_grid) continue;
      for (int j = 0; j < c.n_checkpoints; ++j) {
        out.curve(series, kCurveCoverage, static_cast<size_t>(j), static_cast<double>(o.covered_at[j]) / g.targets);
        out.curve(series, kCurveHypervolume, static_cast<size_t>(j), o.hypervolume_at[j] / g.front_hypervolume);
      }
      out.final(series, kFinalEvaluations, evaluations), out.final(series, kFinalHypervolume, o.hypervolume / g.front_hypervolume);
    }
    const double m = c.n_grid;
    if (c.n_grid > 1) out.final(series, kFinalSlope, (m * sxy - sx * sy) / (m * sxx - sx * sx));
  }
}

}  // namespace

Nsga2Experiment::Nsga2Experiment() : ExperimentOf(table()) {}

void Nsga2Experiment::run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  const Nsga2Config c = nsga2_config(p());
  const int series = static_cast<int>(p().series.size());  // (c.n_series stops at the CUDA engine's two)
  std::vector<Nsga2Outcome> outcome(static_cast<size_t>(series * c.n_grid));
  for (int s = 0; s < series; ++s)
    for (int k = 0; k < c.n_grid; ++k)
      outcome[static_cast<size_t>(s * c.n_grid + k)] = nsga2_cpu_outcome(p(), c, s, k, seed, run);
  fill_nsga2_record(c, series, outcome.data(), out);
}

Status Nsga2Experiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                        std::vector<SlotStats>* blocks) const {
  if (p().dnsga2_form == Dnsga2Form::Paper)
    for (const std::string& s : p().series)
      if (s != "nsga2")
        return Status::error("blackbox.nsga2 CUDA engine: parameter 'dnsga2_form' = 'paper' (Algorithm 1 of the copy) is not ported for '" + s +
                             "'; use dnsga2_form=lab or --backend cpu");
  for (const std::string& s : p().series)  // (the benchmark and form checks: nsga2_cuda_supports)
    if (s != "nsga2" && s != "dnsga2")
      return Status::error("blackbox.nsga2 CUDA engine: algorithm '" + s + "' is not ported (only 'nsga2' and 'dnsga2'); use --backend cpu");
  const RunLayout layout = this->layout();
  const Nsga2Config c = nsga2_config(p());
  return run_cuda_in_order(
      layout, runs, first_block, end_block, blocks, static_cast<size_t>(c.landscapes_per_run()),
      [&](uint32_t first_run, uint32_t count, const auto& consume) { return run_nsga2_cuda(c, seed, first_run, count, consume); },
      [&](const Nsga2Outcome* outcome, RunRecord& out) { fill_nsga2_record(c, c.n_series, outcome, out); });
}

// [SECTION] layout

RunLayout Nsga2Experiment::layout() const {
  RunLayout l;
  l.series = p().series;
  std::vector<double> grid;
  for (int n : nsga2_n_grid(p())) grid.push_back(n);
  l.axes = {{"n", grid}, {"evaluations", plot::log_spaced_counts(nsga2_budget(p(), nsga2_n_grid(p()).back()), kNsgaCheckpoints)}};
  l.curves = {{"evaluations_to_front", 0}, {"front_covered", 0}, {"coverage_at_n_max", 1}, {"hypervolume_ratio_at_n_max", 1}};
  l.final_metrics = {"evaluations_at_n_max", "loglog_slope", "hypervolume_ratio_at_n_max"};
  l.work_unit = "landscapes";
  l.work_per_run = static_cast<double>(l.series.size() * grid.size());
  return l;
}

// [SECTION] figure

plot::Figure Nsga2Experiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const std::vector<double>& grid = r.layout.axes[0].x;
  const Benchmark b = p().benchmark;
  std::string problem = benchmark_label(b);
  if (b == Benchmark::OneJumpZeroJump) problem += " (k = " + std::to_string(p().jump) + ")";
  if (real_coded(b)) problem += " (δ = " + format_real(p().front_tolerance) + ")";
  f.title = problem + ", μ = ⌈" + format_real(p().mu_factor) + "(n + 1)⌉, τ = ⌈" + format_real(p().tau_factor) + "·e·n⌉, " + std::to_string(r.runs_done) + " runs";
  if (p().dnsga2_form == Dnsga2Form::Paper) f.title += ", dNSGA-II as the copy's Algorithm 1";
  plot::Plot time;
  time.title = real_coded(b) ? "Evaluations until every front target is within δ (n variables)" : "Evaluations until the whole Pareto front is covered";
  time.x = {"n", plot::Scale::Log};
  time.y = {"evaluations", plot::Scale::Log};
  time.lines = plot::result_lines(r, "evaluations_to_front");
  // Theory overlays (shapes only): OneMinMax's Θ(n² log n) (classic) and n log n; OneJumpZeroJump's
  // Θ(n^{k+1}) (classic) and O(n^k log² n) (dNSGA-II, v2 abstract). None for ZDT.
  if (!real_coded(b)) {
    const bool jump = b == Benchmark::OneJumpZeroJump;
    const double k = p().jump;
    plot::Line fast = plot::reference_line(jump ? "n^k ln² n" : "n ln n"), slow = plot::reference_line(jump ? "n^(k+1)" : "n² ln n");
    fast.dash = plot::Dash::Dotted;
    for (double n : grid) {
      fast.x.push_back(n), fast.y.push_back(jump ? std::pow(n, k) * std::log(n) * std::log(n) : n * std::log(n));
      slow.x.push_back(n), slow.y.push_back(jump ? std::pow(n, k + 1) : n * n * std::log(n));
    }
    time.lines.push_back(slow);
    time.lines.push_back(fast);
  }
  time.x.cover_lo = grid.front(), time.x.cover_hi = grid.back();
  plot::Plot cov;
  cov.title = "Front coverage at n = " + format_real(grid.back());
  cov.x = {"evaluations", plot::Scale::Log};
  cov.y = {real_coded(b) ? "fraction of the 100 front targets within δ" : "fraction of the front values held", plot::Scale::Linear, 0.0, 1.0};
  cov.lines = plot::result_lines(r, "coverage_at_n_max");
  plot::Plot hv;
  hv.title = "Hypervolume at n = " + format_real(grid.back()) + ", as a fraction of the true front's";
  hv.x = {"evaluations", plot::Scale::Log};
  hv.y = {"HV(population) / HV(front)", plot::Scale::Linear, 0.0, 1.0};
  hv.lines = plot::result_lines(r, "hypervolume_ratio_at_n_max");
  plot::Guide whole;
  whole.vertical = false;
  whole.value = 1.0;
  whole.label = "true front";
  hv.guides.push_back(whole);
  f.plots = {time, cov, hv};
  return f;
}

// [SECTION] demo text

DemoInfo nsga2_demo() {
  DemoInfo d;
  d.id = "blackbox.nsga2";
  d.chapter = "blackbox";
  d.title = "NSGA-II with dynamic population sizes";
  d.summary = "The classic NSGA-II (population μ = 4(n + 1)) against the dNSGA-II (population 4, doubled every τ evaluations), its ⁺ variant and concurrent runs over τ = 2ⁱ, on OneMinMax, LOTZ, OneJumpZeroJump and ZDT1–3.";
  d.about =
      "NSGA-II keeps a population of N bit strings; each generation every parent creates one offspring by flipping each bit with\n"
      "probability 1/n, and of the 2N strings the N best survive by non-dominated rank, then crowding distance. To hold the whole\n"
      "Pareto front of OneMinMax (f = (zeros, ones): n + 1 values) the population must be large, μ ≥ 4(n + 1), and the classic\n"
      "NSGA-II pays μ evaluations per generation from the start: Θ(n² log n) evaluations. The dNSGA-II starts with 4 and doubles\n"
      "the population every τ evaluations up to μ: small populations spread along the front cheaply, O(log(μ)τ + μ log n) = O(n log n)\n"
      "evaluations for τ = Θ(n).\n"
      "What to look for: on OneMinMax at n = 64 the dNSGA-II (4 points, doubled every τ) covers the front after 4,860\n"
      "evaluations in run 1, the classic NSGA-II (260 points) after 52,000: the headline is front coverage (solid) and hypervolume\n"
      "ratio (dashed) against evaluations. Beside it both populations spread along the front f₁ + f₂ = n. In the Runs\n"
      "tab, over n, the dNSGA-II's curve is flatter on the log-log plot (fitted slopes differ by more than 0.5: claim 3,\n"
      "tests/unit/blackbox_claims_test.cpp). On LOTZ the dynamic sizes give no clear gain at these n (see the chapter README).\n"
      "OneJumpZeroJump_k: f₁ = k + |x|₁ if |x|₁ ≤ n − k or x = 1ⁿ, else n − |x|₁ (f₂ the same with zeros); the front is\n"
      "f₁ + f₂ = n + 2k with the two extreme points 0ⁿ and 1ⁿ beyond a gap of k bits (the classic NSGA-II needs Θ(n^{k+1})).\n"
      "ZDT1–3 (reals, minimised; Zitzler, Deb, Thiele 2000) use Deb's real-coded operators: binary tournaments, SBX crossover\n"
      "(p_c = 0.9, η_c = 20) and polynomial mutation (p_m = 1/n, η_m = 20); the dNSGA-II's doubling schedule is applied as is\n"
      "(the paper analyses bit strings only: a choice of this lab). Metrics: front coverage (ZDT: 100 front targets, each\n"
      "within δ of a member) and hypervolume as a fraction of the true front's (reference point (−1, −1) on bits, (1.1, 1.1)\n"
      "on ZDT); claim 3b: NSGA-II on ZDT1 (30 variables) reaches 98% of the true front's hypervolume within 27,000\n"
      "evaluations (tests/unit/blackbox_claims_test.cpp). On OneJumpZeroJump and ZDT the dNSGA-II gives no gain here (README).\n"
      "τ ≥ (256/50)·e·n is the abstract's condition; how the population grows at a doubling is a reading (chapter README).\n"
      "Readings of a secondary copy of the paper (a Markdown rendering of arXiv v1, not the PDF; README): dNSGA-II⁺ keeps size 4\n"
      "for the first d·τ evaluations (d = ⌈log₂(μ/4)⌉, the number of doublings), then doubles every τ; the concurrent runs\n"
      "(Algorithm 2) interleave one dNSGA-II (or ⁺) per τ = 4, 8, 16, …, always running next the phase that leaves its instance\n"
      "with the fewest evaluations, and stop when any instance covers the front; time counts the evaluations of all instances,\n"
      "and the population shown is the instance holding the most front values. No τ to choose, at a logarithmic cost (Theorem 5).\n"
      "dnsga2_form = paper runs the dNSGA-II (and ⁺, and the concurrent instances) as the copy's Algorithm 1 shows it: τ counts\n"
      "offspring only; a doubling keeps the N parents and their N offspring (P ∪ Q) without selection (capped at μ: a reading);\n"
      "otherwise the N survivors are whole fronts, then the critical front truncated by the current crowding distance (remove the\n"
      "smallest distance, recompute, repeat; Zheng & Doerr; Kukkonen & Deb 2006). Per that copy this is the paper's form; the\n"
      "default (lab) is this lab's earlier reading of the abstract, kept so earlier figures stay as they were (README).";
  d.papers = {"B. Doerr, M. S. Krejca, S. Wietheger. Speeding Up the NSGA-II via Dynamic Population Sizes. arXiv:2509.01739, 2025.",
              "K. Deb, A. Pratap, S. Agarwal, T. Meyarivan. A Fast and Elitist Multiobjective Genetic Algorithm: NSGA-II. IEEE TEVC 6(2), 2002.",
              "W. Zheng, B. Doerr. Mathematical Runtime Analysis for the Non-Dominated Sorting Genetic Algorithm II (NSGA-II). Artificial Intelligence 325, 2023.",
              "B. Doerr, W. Zheng. Theoretical Analyses of Multi-Objective Evolutionary Algorithms on Multi-Modal Objectives. AAAI 2021; Evol. Comput. 31(4), 2023.",
              "E. Zitzler, K. Deb, L. Thiele. Comparison of Multiobjective Evolutionary Algorithms: Empirical Results. Evol. Comput. 8(2), 2000.",
              "K. Deb, R. B. Agrawal. Simulated Binary Crossover for Continuous Search Space. Complex Systems 9, 1995.",
              "W. Zheng, B. Doerr. Better Approximation Guarantees for the NSGA-II by Using the Current Crowding Distance. GECCO 2022.",
              "S. Kukkonen, K. Deb. Improved Pruning of Non-Dominated Solutions Based on Crowding Distance for Bi-Objective Optimization Problems. CEC 2006."};
  d.default_runs = 10;
  d.make = [] { return std::make_unique<Nsga2Experiment>(); };
  return d;
}

}  // namespace klab::blackbox
