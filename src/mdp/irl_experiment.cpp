#include "mdp/irl_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "core/stats.hpp"
#include "mdp/figures.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/occupancy.hpp"

namespace klab::mdp {
namespace {

// [SECTION] params

constexpr uint32_t kFeatureStream = 0x6A0, kTrajectoryStream = 0x6A1;
enum class Method { Mle, Bc };
constexpr int kMethodCount = 2;

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"maximum likelihood IRL (linear reward)", "behaviour cloning (tabular, add-one)"};
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
  t->real("slip", &P::slip, 0.0, 0.0, 1.0).label("slip").help("Probability that a move goes in a uniformly random direction (0: deterministic, where MLE = Min-Max-IRL).");
  t->real("theta_scale", &P::theta_scale, 0.5, 0.0, 10.0).label("θ* scale").help("θ*_j = scale·N(0, 1), drawn from the world seed.");
  t->real("misspecification", &P::misspecification, 0.0, 0.0, 10.0)
      .label("misspecification ε")
      .help("r* = θ*ᵀφ + ε·ψ(s), ψ ~ N(0, 1) per cell: no θ expresses it (0: well specified).");
  t->real("theta_bound", &P::theta_bound, 5.0, 0.1, 100.0).label("parameter bound B").log_scale().help("The reward class: ‖θ‖_∞ ≤ B.");
  t->integer("world_seed", &P::world_seed, 2, 0, 1000000000).label("world seed").help("Seed of the feature groups, θ* and ψ.");
  t->integer("n_min", &P::n_min, 20, 1, 10000).label("smallest n").log_scale().help("Fewest expert trajectories on the n grid.");
  t->integer("n_max", &P::n_max, 2000, 2, 100000).label("largest n").log_scale().help("Most expert trajectories on the n grid (log-spaced).");
  t->integer("points", &P::points, 10, 2, 40).label("n grid points").help("Sample sizes between the smallest and the largest n.");
  t->rule([](const P& p) -> Status {
    if (p.n_min >= p.n_max) return Status::error("n_min: must be below n_max (" + std::to_string(p.n_max) + "), got " + std::to_string(p.n_min));
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

std::vector<int> n_grid(const IrlParams& p) { return plot::log_spaced_range(p.n_min, p.n_max, p.points); }

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

enum Curve { kCurveExcessKl, kCurveParamError };
enum Final { kFinalKlSlope, kFinalParamSlope, kFinalExcessKl, kFinalKl, kFinalBestKl };

}  // namespace

const std::vector<std::string>& irl_method_ids() {
  static const std::vector<std::string> ids{"mle", "bc"};
  return ids;
}

Expected<IrlProblem> irl_problem(const IrlParams& p) {
  GridSpec g;
  const int n = p.size;
  g.rows.assign(static_cast<size_t>(n), std::string(static_cast<size_t>(n), '.'));
  g.rows[static_cast<size_t>(n - 1)][0] = 'S';
  g.slip = p.slip;
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
  for (int s = 0; s < m.states; ++s) {
    const int cell = layout.cell_of_state[static_cast<size_t>(s)], j = group[static_cast<size_t>(cell)];
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) {
      if (j < p.features) out.phi(i, j) = 1.0;
      out.true_reward[static_cast<size_t>(i)] = (j < p.features ? out.theta_star[j] : 0.0) + p.misspecification * psi[static_cast<size_t>(cell)];
    }
  }
  return out;
}

IrlExperiment::IrlExperiment() : ExperimentOf(table()) {}

// [SECTION] run

namespace {

constexpr int kChunk = 500;  // trajectories sampled per unit of work

// One run: the expert and the best model in the class, then along the n grid: sample up to n_k in
// chunks, fit, measure (resumable after any chunk or fit).
class IrlCursor final : public RunCursor {
 public:
  IrlCursor(const IrlParams& p, uint64_t seed, uint32_t run, RunRecord& out) : p_(p), seed_(seed), run_(run), out_(out), ns_(n_grid(p)) {
    Expected<IrlProblem> built = irl_problem(p_);
    if (!built.ok()) return;
    problem_ = std::move(built.value());
    const Mdp& m = problem_.mdp;
    expert_ = soft_optimal_policy(m, problem_.true_reward);
    // The best model in the class: the population MLE θ† (= θ* when well specified), its KL and Hessian.
    const std::vector<double> population = occupancy_finite(m, expert_);
    best_ = fit_irl_mle(problem_, population, Eigen::VectorXd::Zero(problem_.features), p_.theta_bound);
    best_kl_ = trajectory_kl(m, expert_, policy_of(best_));
    hessian_ = irl_hessian(problem_, population, best_);
    for (size_t s = 0; s < p_.methods.size(); ++s) slot_[id_index(irl_method_ids(), p_.methods[s])] = static_cast<int>(s);
    counts_.assign(static_cast<size_t>(m.horizon) * m.pairs(), 0.0);
    theta_ = Eigen::VectorXd::Zero(problem_.features);
    ok_ = true;
  }

  bool step(double work) override {
    if (!ok_) return true;
    while (k_ < ns_.size()) {
      if (work <= 0) return false;
      if (have_ < ns_[k_]) {
        const int until = std::min(ns_[k_], have_ + kChunk);
        sample_trajectories(problem_.mdp, expert_, seed_, run_, kTrajectoryStream, have_, until, counts_);
        work -= until - have_;
        have_ = until;
        continue;
      }
      measure(k_++);
      work -= 1.0;
    }
    finish();
    return true;
  }

 private:
  std::vector<double> policy_of(const Eigen::VectorXd& theta) const {
    const Eigen::VectorXd r = problem_.phi * theta;
    return soft_optimal_policy(problem_.mdp, std::vector<double>(r.data(), r.data() + r.size()));
  }

  void measure(size_t k) {
    const Mdp& m = problem_.mdp;
    xs_.push_back(ns_[k]);
    if (slot_[static_cast<int>(Method::Mle)] >= 0) {
      std::vector<double> w(counts_.size());
      for (size_t i = 0; i < w.size(); ++i) w[i] = counts_[i] / have_;
      theta_ = fit_irl_mle(problem_, w, theta_, p_.theta_bound);  // warm start from the previous n
      const double kl = trajectory_kl(m, expert_, policy_of(theta_));
      const Eigen::VectorXd e = theta_ - best_;
      const size_t s = static_cast<size_t>(slot_[static_cast<int>(Method::Mle)]);
      excess_[0].push_back(kl - best_kl_);
      errors_.push_back(e.dot(hessian_ * e));
      out_.curve(s, kCurveExcessKl, k, kl - best_kl_);
      out_.curve(s, kCurveParamError, k, errors_.back());
      last_kl_[0] = kl;
    }
    if (slot_[static_cast<int>(Method::Bc)] >= 0) {
      const double kl = trajectory_kl(m, expert_, behaviour_cloning(m, counts_));
      excess_[1].push_back(kl);  // BC's class holds every policy: its best KL is 0
      out_.curve(static_cast<size_t>(slot_[static_cast<int>(Method::Bc)]), kCurveExcessKl, k, kl);
      last_kl_[1] = kl;
    }
  }

  void finish() {
    for (int mth = 0; mth < kMethodCount; ++mth) {
      if (slot_[mth] < 0) continue;
      const size_t s = static_cast<size_t>(slot_[mth]);
      out_.final(s, kFinalKlSlope, log_log_slope(xs_, excess_[mth]));
      out_.final(s, kFinalExcessKl, excess_[mth].back());
      out_.final(s, kFinalKl, last_kl_[mth]);
      out_.final(s, kFinalBestKl, mth == 0 ? best_kl_ : 0.0);
      if (mth == 0) out_.final(s, kFinalParamSlope, log_log_slope(xs_, errors_));
    }
  }

  IrlParams p_;
  uint64_t seed_;
  uint32_t run_;
  RunRecord& out_;
  std::vector<int> ns_;
  IrlProblem problem_;
  std::vector<double> expert_, counts_;
  Eigen::VectorXd best_, theta_;
  Eigen::MatrixXd hessian_;
  double best_kl_ = 0.0, last_kl_[kMethodCount] = {0.0, 0.0};
  int slot_[kMethodCount] = {-1, -1};
  bool ok_ = false;
  size_t k_ = 0;
  int have_ = 0;
  std::vector<double> xs_, excess_[kMethodCount], errors_;
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
  for (int n : n_grid(p())) xs.push_back(n);
  l.axes = {{"expert trajectories n", xs}};
  l.curves = {{"excess_kl", 0}, {"param_error", 0}};
  l.final_metrics = {"kl_slope", "param_slope", "excess_kl", "kl", "best_kl"};
  l.work_unit = "trajectories";
  l.work_per_run = p().n_max + static_cast<double>(l.axes[0].x.size());
  return l;
}

// [SECTION] figure

plot::Figure IrlExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const bool specified = p().misspecification == 0.0;
  f.title = "IRL from n expert trajectories, " + std::to_string(p().size) + " × " + std::to_string(p().size) + " grid, H = " + std::to_string(p().horizon) +
            ", d = " + std::to_string(p().features) + (specified ? " (well specified)" : " (misspecified)") + ", " + std::to_string(r.runs_done) + " runs";
  const std::vector<double>& ns = r.layout.axes[0].x;
  const double d = p().features, n0 = ns.front(), n1 = ns.back();
  plot::Plot kl;
  kl.title = specified ? "Trajectory KL(P_θ* ‖ P_θ̂) against n" : "Excess trajectory KL, KL(P* ‖ P_θ̂) − KL(P* ‖ P_θ†), against n";
  kl.x = {"expert trajectories n", plot::Scale::Log};
  kl.y = {"trajectory-level KL", plot::Scale::Log};
  kl.lines = plot::result_lines(r, "excess_kl");
  kl.lines.push_back(plot::reference_line("d/(2n): the O(1/n) rate (classical MLE asymptotics)", {n0, n1}, {d / (2 * n0), d / (2 * n1)}));
  const int mle = r.layout.find_series("mle"), curve = r.layout.find_curve("excess_kl");
  if (mle >= 0 && r.curve_stat(static_cast<size_t>(mle), static_cast<size_t>(curve), 0).count() > 0) {
    const double y0 = r.curve_stat(static_cast<size_t>(mle), static_cast<size_t>(curve), 0).mean();
    if (y0 > 0) kl.lines.push_back(plot::reference_line("slope −1/2 (the slow rate), through the first point", {n0, n1}, {y0, y0 * std::sqrt(n0 / n1)}));
  }
  plot::Plot err;
  err.title = "Parameter error ‖θ̂ − θ†‖²_H (Hessian of the population loss)";
  err.x = {"expert trajectories n", plot::Scale::Log};
  err.y = {"squared error in the Hessian norm", plot::Scale::Log};
  err.lines = plot::result_lines(r, "param_error");
  err.lines.erase(std::remove_if(err.lines.begin(), err.lines.end(), [](const plot::Line& l) { return l.name == "bc"; }), err.lines.end());
  err.lines.push_back(plot::reference_line("d/n", {n0, n1}, {d / n0, d / n1}));
  f.plots = {kl, err, final_bars(r, "kl_slope", "Fitted log-log slope of the (excess) KL against n", "slope")};
  return f;
}

// [SECTION] demo text

DemoInfo irl_demo() {
  DemoInfo d;
  d.id = "mdp.irl";
  d.chapter = "mdp";
  d.title = "Inverse RL: fast rates";
  d.summary = "Maximum-likelihood (entropy-regularised) IRL with linear reward features from n expert trajectories: trajectory KL and Hessian-norm parameter error fall as 1/n; behaviour cloning for contrast.";
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
      "magnitude higher (claim 8, test 'claim 8' in tests/unit/mdp_claims_test.cpp).";
  d.papers = {"A. Schlaginhaufen, M. Kamgarpour. Fast Rates for Inverse Reinforcement Learning. arXiv:2605.14599, 2026.",
              "B. D. Ziebart, A. Maas, J. A. Bagnell, A. K. Dey. Maximum Entropy Inverse Reinforcement Learning. AAAI 2008.",
              "B. D. Ziebart, J. A. Bagnell, A. K. Dey. Modeling Interaction via the Principle of Maximum Causal Entropy. ICML 2010."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<IrlExperiment>(); };
  return d;
}

}  // namespace klab::mdp
