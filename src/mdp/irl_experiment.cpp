#include "mdp/irl_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "core/stats.hpp"
#include "mdp/figures.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/irl_grid.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/occupancy.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {
namespace {

// [SECTION] params

constexpr uint32_t kFeatureStream = 0x6A0, kTrajectoryStream = 0x6A1;
enum class Method { Mle, Bc, Fm };
constexpr int kMethodCount = 3;

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"maximum likelihood IRL (linear reward)", "behaviour cloning (tabular, add-one)",
                                               "feature matching (Abbeel–Ng projection, mixture policy)"};
  return labels;
}

std::shared_ptr<const ParamTable<IrlParams>> table() {
  auto t = std::make_shared<ParamTable<IrlParams>>();
  using P = IrlParams;
  t->multi_choice("methods", &P::methods, irl_method_ids(), irl_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Estimators of the expert's trajectory law from n demonstrations.");
  t->integer("size", &P::size, 5, 2, 10).label("grid side").help("Open size × size grid, start in the bottom-left corner.");
  t->integer("horizon", &P::horizon, 10, 1, 50).label("horizon H").help("Steps per trajectory (finite horizon, undiscounted).");
  t->integer("features", &P::features, 4, 1, 8).label("features d").help("Reward features: indicators of d groups of cells (one more group has none).");
  t->real("slip", &P::slip, 0.0, 0.0, 1.0)
      .label("slip")
      .help("Probability that a move goes in a uniformly random direction (0 with wind 0: deterministic, where MLE = Min-Max-IRL).");
  t->real("wind", &P::wind, 0.0, 0.0, 1.0)
      .label("wind")
      .help("Probability of being pushed one more cell after a move, in the grid's wind_direction (north unless a painted grid says otherwise), in the default grid as in a painted one (features stay those of the cells).");
  t->real("theta_scale", &P::theta_scale, 0.5, 0.0, 10.0).label("θ* scale").help("θ*_j = scale·N(0, 1), drawn from the world seed.");
  t->real("misspecification", &P::misspecification, 0.0, 0.0, 10.0)
      .label("misspecification ε")
      .help("r* = θ*ᵀφ + ε·ψ(s), ψ ~ N(0, 1) per cell: no θ expresses it (0: well specified).");
  t->real("theta_bound", &P::theta_bound, 5.0, 0.1, 100.0).label("parameter bound B").log_scale().help("The reward class: ‖θ‖_∞ ≤ B.");
  t->integer("world_seed", &P::world_seed, 2, 0, 1000000000).label("world seed").help("Seed of the feature groups, θ* and ψ.");
  t->integer("n_min", &P::n_min, 20, 1, 10000).label("smallest n").log_scale().help("Fewest expert trajectories on the n grid.");
  t->integer("n_max", &P::n_max, 2000, 2, 100000).label("largest n").log_scale().help("Most expert trajectories on the n grid (log-spaced).");
  t->integer("points", &P::points, 10, 2, 40).label("n grid points").help("Sample sizes between the smallest and the largest n.");
  t->integer("fm_iterations", &P::fm_iterations, 200, 1, 2000)
      .label("FM iterations")
      .log_scale()
      .help("Feature matching: most projection iterations (one optimal policy each) per sample size.");
  t->real("fm_epsilon", &P::fm_epsilon, 0.05, 1e-6, 10.0)
      .label("FM tolerance ε")
      .log_scale()
      .help("Feature matching stops once ‖μ̂_E − μ̄‖₂ ≤ ε (μ: feature expectations over the horizon).");
  t->text("grid", &P::grid, "", kMaxGridParamLength)
      .label("edited grid")
      .help("A grid painted in the editor (the Live tab's \"Edit the world\"): klab.gridworld JSON on one line, without slip, wind, discount "
            "and horizon. Its cell values (reward minus cost on entering) are the reward: each distinct non-zero value is a feature group "
            "and θ* holds the values (size, features and θ* scale are then unused). Empty: the size × size grid with random groups.");
  t->rule([](const P& p) -> Status {
    if (p.n_min >= p.n_max) return Status::error("n_min: must be below n_max (" + std::to_string(p.n_max) + "), got " + std::to_string(p.n_min));
    if (!p.grid.empty()) return irl_problem(p).status();  // the painted grid's checks (irl_grid.hpp)
    if (p.features >= p.size * p.size)
      return Status::error("features: must be below the number of cells (" + std::to_string(p.size * p.size) + "), got " + std::to_string(p.features));
    return {};
  });
  return t;
}

double normal(Rng& rng) {  // Box–Muller
  const double u = rng.uniform_open(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}


// Least-squares slope of log y against log x over the points with y > 0.
double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!(y[i] > 0.0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, ++n;
  }
  if (n < 2) return std::nan("");
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

const std::vector<std::string>& irl_method_ids() {
  static const std::vector<std::string> ids{"mle", "bc", "fm"};
  return ids;
}

namespace {

// The painted grid's problem (irl_grid.hpp) with ε·ψ(cell) added, ψ ~ N(0, 1) per cell from the world seed.
Expected<IrlProblem> painted_irl_problem(const IrlParams& p, GridLayout* layout_out) {
  Expected<GridSpec> spec = parse_grid_param(p.grid);
  if (!spec.ok()) return spec.status();
  GridSpec& g = spec.value();
  g.slip = p.slip;
  g.wind = p.wind;
  g.discount = 1.0;
  g.horizon = p.horizon;
  GridLayout layout;
  Expected<IrlProblem> built = irl_grid_problem(g, p.theta_bound, &layout);
  if (!built.ok() || p.misspecification == 0.0) {
    if (built.ok() && layout_out) *layout_out = std::move(layout);
    return built;
  }
  IrlProblem& out = built.value();
  Rng rng(static_cast<uint64_t>(p.world_seed), 0, kFeatureStream);
  std::vector<double> psi(static_cast<size_t>(layout.rows * layout.cols));
  for (double& x : psi) x = normal(rng);
  const Mdp& m = out.mdp;
  for (int s = 0; s < m.states; ++s) {
    const double extra = p.misspecification * psi[static_cast<size_t>(layout.cell_of_state[static_cast<size_t>(s)])];
    out.state_extra[static_cast<size_t>(s)] = extra;
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) out.true_reward[static_cast<size_t>(i)] += extra;
  }
  if (layout_out) *layout_out = std::move(layout);
  return built;
}

}  // namespace

Expected<IrlProblem> irl_problem(const IrlParams& p, GridLayout* layout_out) {
  if (!p.grid.empty()) return painted_irl_problem(p, layout_out);
  GridSpec g;
  const int n = p.size;
  g.rows.assign(static_cast<size_t>(n), std::string(static_cast<size_t>(n), '.'));
  g.rows[static_cast<size_t>(n - 1)][0] = 'S';
  g.slip = p.slip;
  g.wind = p.wind;
  g.discount = 1.0;
  g.horizon = p.horizon;
  Expected<Grid> grid = build_gridworld(g);
  if (!grid.ok()) return grid.status();
  IrlProblem out;
  out.mdp = std::move(grid.value().mdp);
  out.features = p.features;
  Rng rng(static_cast<uint64_t>(p.world_seed), 0, kFeatureStream);
  std::vector<int> cells(static_cast<size_t>(n * n));
  std::iota(cells.begin(), cells.end(), 0);
  for (size_t i = cells.size(); i > 1; --i) std::swap(cells[i - 1], cells[rng.below(static_cast<uint32_t>(i))]);
  std::vector<int> group(cells.size());
  for (size_t k = 0; k < cells.size(); ++k) group[static_cast<size_t>(cells[k])] = static_cast<int>(k % static_cast<size_t>(p.features + 1));
  out.theta_star.resize(p.features);
  for (int j = 0; j < p.features; ++j) out.theta_star[j] = p.theta_scale * normal(rng);
  std::vector<double> psi(cells.size());
  for (double& x : psi) x = normal(rng);
  const Mdp& m = out.mdp;
  const GridLayout& layout = grid.value().layout;
  out.phi = Eigen::MatrixXd::Zero(m.pairs(), p.features);
  out.true_reward.assign(static_cast<size_t>(m.pairs()), 0.0);
  out.state_group.assign(static_cast<size_t>(m.states), -1);
  out.state_extra.assign(static_cast<size_t>(m.states), 0.0);
  for (int s = 0; s < m.states; ++s) {
    const int cell = layout.cell_of_state[static_cast<size_t>(s)], j = group[static_cast<size_t>(cell)];
    out.state_group[static_cast<size_t>(s)] = j < p.features ? j : -1;
    out.state_extra[static_cast<size_t>(s)] = p.misspecification * psi[static_cast<size_t>(cell)];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      if (j < p.features) out.phi(i, j) = 1.0;
      out.true_reward[static_cast<size_t>(i)] = (j < p.features ? out.theta_star[j] : 0.0) + p.misspecification * psi[static_cast<size_t>(cell)];
    }
  }
  if (layout_out) *layout_out = layout;
  return out;
}

std::vector<int> irl_sample_sizes(const IrlParams& p) { return plot::log_spaced_range(p.n_min, p.n_max, p.points); }

IrlExperiment::IrlExperiment() : ExperimentOf(table()) {}

// [SECTION] run

constexpr int kIrlChunk = 500;  // trajectories sampled per unit of work

IrlRun::IrlRun(const IrlParams& p, std::vector<int> sample_sizes, uint64_t seed, uint32_t run)
    : p_(p), sizes_(std::move(sample_sizes)), seed_(seed), run_(run) {
  Expected<IrlProblem> built = irl_problem(p_, &layout_);
  if (!built.ok()) {
    status_ = built.status();
    return;
  }
  problem_ = std::move(built.value());
  const Mdp& m = problem_.mdp;
  expert_ = soft_optimal_policy(m, problem_.true_reward);
  // The best model in the class: the population MLE θ† (= θ* when well specified), its KL and Hessian.
  const std::vector<double> population = occupancy_finite(m, expert_);
  best_ = fit_irl_mle(problem_, population, Eigen::VectorXd::Zero(problem_.features), p_.theta_bound);
  best_kl_ = trajectory_kl(m, expert_, policy_of(best_));
  hessian_ = irl_hessian(problem_, population, best_);
  for (size_t k = 0; k < population.size(); ++k) expert_return_ += population[k] * problem_.true_reward[k % problem_.true_reward.size()];
  for (const std::string& id : p_.methods) (id == "mle" ? mle_ : id == "bc" ? bc_ : fm_) = true;
  counts_.assign(static_cast<size_t>(m.horizon) * m.pairs(), 0.0);
  theta_ = Eigen::VectorXd::Zero(problem_.features);
}

std::vector<double> IrlRun::policy_of(const Eigen::VectorXd& theta) const {
  const Eigen::VectorXd r = problem_.phi * theta;
  return soft_optimal_policy(problem_.mdp, std::vector<double>(r.data(), r.data() + r.size()));
}

double IrlRun::step() {
  if (done()) return 0.0;
  const int n = sizes_[next_];
  if (have_ < n) {
    const int until = std::min(n, have_ + kIrlChunk);
    sample_trajectories(problem_.mdp, expert_, seed_, run_, kTrajectoryStream, have_, until, counts_);
    const double work = until - have_;
    have_ = until;
    return work;
  }
  if (mle_) {  // fit θ̂ to the n trajectories, warm-started from the previous n's θ̂
    if (!fit_) {
      weights_.resize(counts_.size());
      for (size_t i = 0; i < weights_.size(); ++i) weights_[i] = counts_[i] / have_;
      fit_ = std::make_unique<IrlNewtonFit>(problem_, weights_, theta_, p_.theta_bound);
      fit_iterations_ = 0;
      theta_ = fit_->theta();
    }
    if (fit_iterations_ < kIrlNewtonIterations && fit_->iterate()) {
      ++fit_iterations_;
      theta_ = fit_->theta();
      return 0.0;
    }
    fit_.reset();
  }
  measure(n);
  ++next_;
  return 1.0;
}

void IrlRun::measure(int n) {
  const Mdp& m = problem_.mdp;
  IrlPoint point;
  point.n = n;
  if (mle_) {  // θ̂ fitted by step()
    const std::vector<double> pi = policy_of(theta_);  // one soft backward induction for both measures
    point.mle_kl = trajectory_kl(m, expert_, pi);
    point.mle_excess_kl = point.mle_kl - best_kl_;
    const Eigen::VectorXd e = theta_ - best_;
    point.mle_param_error = e.dot(hessian_ * e);
    point.mle_gap = return_gap(occupancy_finite(m, pi));
  }
  if (bc_) {
    const std::vector<double> bc = behaviour_cloning(m, counts_);
    point.bc_kl = trajectory_kl(m, expert_, bc);  // BC's class holds every policy: its best KL is 0
    point.bc_gap = return_gap(occupancy_finite(m, bc));
  }
  if (fm_) {  // μ̂_E = (1/n) Σ_i Σ_h φ(s_h^i, a_h^i): the visit counts' features
    std::vector<double> visits(counts_.size());
    for (size_t i = 0; i < visits.size(); ++i) visits[i] = counts_[i] / n;
    ProjectionFeatureMatching fm(m, problem_.phi, feature_expectations(m, problem_.phi, visits));
    while (fm.iterations() < p_.fm_iterations && fm.distance() > p_.fm_epsilon && !fm.stalled()) fm.iterate();
    point.fm_gap = return_gap(fm.occupancy());
    point.fm_distance = fm.distance();
    point.fm_iterations = fm.iterations();
  }
  points_.push_back(point);
}

double IrlRun::return_gap(const std::vector<double>& occupancy) const {
  const std::vector<double>& r = problem_.true_reward;
  double v = 0.0;
  for (size_t k = 0; k < occupancy.size(); ++k) v += occupancy[k] * r[k % r.size()];
  return std::fabs(v - expert_return_);
}

namespace {

enum IrlCurve { kCurveExcessKl, kCurveParamError, kCurveReturnGap };
enum IrlFinal { kFinalKlSlope, kFinalParamSlope, kFinalExcessKl, kFinalKl, kFinalBestKl, kFinalReturnGap, kFinalFeatureDistance, kFinalFmIterations };

// One run: an IrlRun along the Runs tab's sample sizes, each measurement recorded as it is made
// (resumable after any chunk or fit).
class IrlCursor final : public RunCursor {
 public:
  IrlCursor(const IrlParams& p, uint64_t seed, uint32_t run, RunRecord& out) : run_(p, irl_sample_sizes(p), seed, run), out_(out) {
    for (size_t s = 0; s < p.methods.size(); ++s) slot_[id_index(irl_method_ids(), p.methods[s])] = static_cast<int>(s);
  }

  bool step(double work) override {
    if (!run_.status().ok()) return true;  // the record stays empty (NaN)
    while (!run_.done()) {
      if (work <= 0) return false;
      const size_t k = run_.points().size();
      work -= run_.step();
      if (run_.points().size() > k) record(k);
    }
    finish();
    return true;
  }

 private:
  void record(size_t k) {
    const IrlPoint& pt = run_.points()[k];
    if (slot_[static_cast<int>(Method::Mle)] >= 0) {
      const size_t s = static_cast<size_t>(slot_[static_cast<int>(Method::Mle)]);
      out_.curve(s, kCurveExcessKl, k, pt.mle_excess_kl);
      out_.curve(s, kCurveParamError, k, pt.mle_param_error);
    }
    if (slot_[static_cast<int>(Method::Bc)] >= 0) out_.curve(static_cast<size_t>(slot_[static_cast<int>(Method::Bc)]), kCurveExcessKl, k, pt.bc_kl);
    const double gaps[kMethodCount] = {pt.mle_gap, pt.bc_gap, pt.fm_gap};
    for (int mth = 0; mth < kMethodCount; ++mth)
      if (slot_[mth] >= 0) out_.curve(static_cast<size_t>(slot_[mth]), kCurveReturnGap, k, gaps[mth]);
  }

  void finish() {
    std::vector<double> xs, excess[2], errors;
    for (const IrlPoint& pt : run_.points()) {
      xs.push_back(pt.n);
      excess[0].push_back(pt.mle_excess_kl), excess[1].push_back(pt.bc_kl), errors.push_back(pt.mle_param_error);
    }
    const IrlPoint& last = run_.points().back();
    const double last_gap[kMethodCount] = {last.mle_gap, last.bc_gap, last.fm_gap};
    for (int mth = 0; mth < kMethodCount; ++mth)
      if (slot_[mth] >= 0) out_.final(static_cast<size_t>(slot_[mth]), kFinalReturnGap, last_gap[mth]);
    if (slot_[static_cast<int>(Method::Fm)] >= 0) {
      const size_t s = static_cast<size_t>(slot_[static_cast<int>(Method::Fm)]);
      out_.final(s, kFinalFeatureDistance, last.fm_distance);
      out_.final(s, kFinalFmIterations, last.fm_iterations);
    }
    const double last_kl[2] = {last.mle_kl, last.bc_kl};
    for (int mth = 0; mth < 2; ++mth) {  // MLE and BC: feature matching's KL is infinite
      if (slot_[mth] < 0) continue;
      const size_t s = static_cast<size_t>(slot_[mth]);
      out_.final(s, kFinalKlSlope, log_log_slope(xs, excess[mth]));
      out_.final(s, kFinalExcessKl, excess[mth].back());
      out_.final(s, kFinalKl, last_kl[mth]);
      out_.final(s, kFinalBestKl, mth == 0 ? run_.best_kl() : 0.0);
      if (mth == 0) out_.final(s, kFinalParamSlope, log_log_slope(xs, errors));
    }
  }

  IrlRun run_;
  RunRecord& out_;
  int slot_[kMethodCount] = {-1, -1, -1};
};

}  // namespace

std::unique_ptr<RunCursor> IrlExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<IrlCursor>(p(), seed, run, out);
}

// [SECTION] layout

RunLayout IrlExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  std::vector<double> xs;
  for (int n : irl_sample_sizes(p())) xs.push_back(n);
  l.axes = {{"expert trajectories n", xs}};
  l.curves = {{"excess_kl", 0}, {"param_error", 0}, {"return_gap", 0}};
  l.final_metrics = {"kl_slope", "param_slope", "excess_kl", "kl", "best_kl", "return_gap", "feature_distance", "fm_iterations"};
  l.work_unit = "trajectories";
  l.work_per_run = p().n_max + static_cast<double>(l.axes[0].x.size());
  return l;
}

// [SECTION] figure

namespace {

void drop_line(plot::Plot& p, const std::string& name) {
  p.lines.erase(std::remove_if(p.lines.begin(), p.lines.end(), [&](const plot::Line& l) { return l.name == name; }), p.lines.end());
}

plot::Plot return_gap_plot(const BatchResult& r) {
  plot::Plot g;
  g.title = "Gap in the true return |V(π̂) − V(π_E)| against n (r*, no entropy term)";
  g.x = {"expert trajectories n", plot::Scale::Log};
  g.y = {"gap in the expected true return", plot::Scale::Log};
  g.lines = plot::result_lines(r, "return_gap");
  return g;
}

}  // namespace

void add_irl_rate_references(plot::Plot& kl, int features, double n0, double n1, double y0) {
  const double d = features;
  kl.lines.push_back(plot::reference_line("d/(2n): the O(1/n) rate (classical MLE asymptotics)", {n0, n1}, {d / (2 * n0), d / (2 * n1)}));
  if (y0 > 0) {
    // Dotted and a bluer grey: told apart from the d/(2n) line at a glance, still a reference (not a series).
    plot::Line slow = plot::reference_line("slope −1/2 (the slow rate), through the first point", {n0, n1}, {y0, y0 * std::sqrt(n0 / n1)});
    slow.dash = plot::Dash::Dotted;
    slow.color = {0.50f, 0.62f, 0.82f, 1.0f};
    kl.lines.push_back(slow);
  }
}

IrlExperiment::FigureWorld IrlExperiment::figure_world() const {
  return figure_world_.get(static_cast<const Experiment&>(*this).params().version(), [&] {
    FigureWorld w{std::to_string(p().size) + " × " + std::to_string(p().size) + " grid", p().features};
    GridLayout painted;  // a painted grid's d: its distinct cell values
    if (const Expected<IrlProblem> problem = p().grid.empty() ? Status::error("no grid") : irl_problem(p(), &painted); problem.ok())
      w = {"painted " + std::to_string(painted.rows) + " × " + std::to_string(painted.cols) + " grid", problem.value().features};
    return w;
  });
}

plot::Figure IrlExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const bool specified = p().misspecification == 0.0;
  const FigureWorld world = figure_world();
  const int features = world.features;
  f.title = "IRL from n expert trajectories, " + world.name + ", H = " + std::to_string(p().horizon) + ", d = " + std::to_string(features) +
            (specified ? " (well specified)" : " (misspecified)") + ", " + std::to_string(r.runs_done) + " runs";
  const std::vector<double>& ns = r.layout.axes[0].x;
  const double d = features, n0 = ns.front(), n1 = ns.back();
  plot::Plot kl;
  kl.title = specified ? "Trajectory KL(P_θ* ‖ P_θ̂) against n" : "Excess trajectory KL, KL(P* ‖ P_θ̂) − KL(P* ‖ P_θ†), against n";
  kl.x = {"expert trajectories n", plot::Scale::Log};
  kl.y = {"trajectory-level KL", plot::Scale::Log};
  kl.lines = plot::result_lines(r, "excess_kl");
  drop_line(kl, "fm");  // a mixture of deterministic policies: infinite KL to the soft expert
  const int mle = r.layout.find_series("mle"), curve = r.layout.find_curve("excess_kl");
  const bool has_first = mle >= 0 && r.curve_stat(static_cast<size_t>(mle), static_cast<size_t>(curve), 0).count() > 0;
  add_irl_rate_references(kl, features, n0, n1, has_first ? r.curve_stat(static_cast<size_t>(mle), static_cast<size_t>(curve), 0).mean() : 0.0);
  plot::Plot err;
  err.title = "Parameter error ‖θ̂ − θ†‖²_H (Hessian of the population loss)";
  err.x = {"expert trajectories n", plot::Scale::Log};
  err.y = {"squared error in the Hessian norm", plot::Scale::Log};
  err.lines = plot::result_lines(r, "param_error");
  drop_line(err, "bc");
  drop_line(err, "fm");
  err.lines.push_back(plot::reference_line("d/n", {n0, n1}, {d / n0, d / n1}));
  f.plots = {kl, err, return_gap_plot(r), final_bars(r, "kl_slope", "Fitted log-log slope of the (excess) KL against n", "slope")};
  return f;
}

// [SECTION] demo text

DemoInfo irl_demo() {
  DemoInfo d;
  d.id = "mdp.irl";
  d.chapter = "mdp";
  d.title = "Inverse RL: fast rates";
  d.summary = "Maximum-likelihood (entropy-regularised) IRL with linear reward features from n expert trajectories: trajectory KL and Hessian-norm parameter error fall as 1/n; behaviour cloning and Abbeel–Ng feature matching for contrast.";
  d.about =
      "An expert acts soft-optimally (entropy-regularised, finite horizon H) for a reward r*; we observe n trajectories and\n"
      "fit r_θ = θᵀφ by maximum likelihood, which the paper shows equals entropy-regularised Min-Max-IRL:\n"
      "    Q_h = r_θ + P V_{h+1},  V_h = log Σ_a exp Q_h,  π_{θ,h}(a|s) = exp(Q_h(s,a) − V_h(s))\n"
      "    θ̂ = argmin_{‖θ‖_∞ ≤ B}  −(1/n) Σ_i Σ_h log π_{θ,h}(a_h^i | s_h^i)          (Newton's method, exact gradients)\n"
      "    KL(P_θ* ‖ P_θ̂) = Σ_h E_{s~d*_h} KL(π*_h(·|s) ‖ π̂_h(·|s)),   ‖θ̂ − θ*‖²_H with H the population loss's Hessian\n"
      "Left: the trajectory-level KL on log-log axes with the O(1/n) line d/(2n) and a slope −1/2 line; middle: the parameter\n"
      "error with d/n. Behaviour cloning fits every (h, s) separately (add-one smoothing): same slope at best, far larger constant.\n"
      "Misspecified (ε > 0): the curves show the excess over the best θ† in the class, whose own KL stays.\n"
      "What to look for: the IRL curves run parallel to d/(2n) — slope −1, not −1/2 — while behaviour cloning sits orders of\n"
      "magnitude higher (claim 8, test 'claim 8' in tests/unit/mdp_claims_test.cpp).\n"
      "Feature matching (Abbeel & Ng 2004, the projection algorithm): with μ(π) = E_π[Σ_h φ(s_h, a_h)] and μ̂_E from the n trajectories,\n"
      "    w = μ̂_E − μ̄,  π^(i) = argmax_π wᵀμ(π) (backward induction),  μ̄ ← projection of μ̂_E on the segment [μ̄, μ(π^(i))]\n"
      "until ‖μ̂_E − μ̄‖ ≤ ε or it stalls (falls by ≤ 10⁻⁴ of itself in an iteration); the output is the mixture of the π^(i) whose feature expectations are μ̄ (weights tracked through the\n"
      "projections, in place of the paper's quadratic programme). Its trajectory KL to the soft expert is infinite (deterministic\n"
      "components), so the third plot compares all methods on the gap in the expected true return |V(π̂) − V(π_E)|.\n"
      "A painted grid (\"Edit the world\": the `grid` parameter; \"New grid\" starts one with a goal) is the world instead: its\n"
      "cell values v(X) — reward minus cost for entering X — are the reward. Each distinct non-zero value is a feature group,\n"
      "    φ_j(s, a) = P(X ∈ group j | s, a),  θ*_j = v_j,  so θ*ᵀφ = r − c of the painted world and the expert is its soft-optimal policy\n"
      "(the cells of value 0 carry no feature; at most 8 values, 100 open cells, |v| ≤ B). The maps then show θ_j per cell.";
  d.papers = {"A. Schlaginhaufen, M. Kamgarpour. Fast Rates for Inverse Reinforcement Learning. arXiv:2605.14599, 2026.",
              "B. D. Ziebart, A. Maas, J. A. Bagnell, A. K. Dey. Maximum Entropy Inverse Reinforcement Learning. AAAI 2008.",
              "B. D. Ziebart, J. A. Bagnell, A. K. Dey. Modeling Interaction via the Principle of Maximum Causal Entropy. ICML 2010.",
              "P. Abbeel, A. Y. Ng. Apprenticeship Learning via Inverse Reinforcement Learning. ICML 2004."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<IrlExperiment>(); };
  return d;
}

}  // namespace klab::mdp
