#include "alignment/overopt_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

#include "alignment/closed_form.hpp"
#include "alignment/figures.hpp"
#include "alignment/softmax.hpp"
#include "alignment/trainer_cursor.hpp"
#include "core/result_plots.hpp"

namespace klab::alignment {
namespace {

const std::vector<std::string>& objective_ids() {
  static const std::vector<std::string> ids = {"single", "ensemble_mean", "wco", "uwo"};
  return ids;
}

EnsembleObjective objective_from_id(const std::string& id) {
  const auto& ids = objective_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<EnsembleObjective>(i);
  return EnsembleObjective::Single;
}

enum Curve { kBonGold, kBonProxy, kBonKl, kPathGold, kPathProxy, kPathKl, kPgGold, kPgProxy };
enum Final { kFinalBonAtMax, kFinalBonPeak, kFinalBonDrop, kFinalBonGain, kFinalDropReduction, kFinalPathBest,
             kFinalPgFinal, kFinalPgStop, kFinalPgPeak, kFinalPgDrop, kFinalStopStep, kFinalCount };

std::shared_ptr<const ParamTable<OveroptParams>> table() {
  auto t = std::make_shared<ParamTable<OveroptParams>>();
  using P = OveroptParams;
  t->multi_choice("methods", &P::methods, objective_ids(), objective_ids(), 1)
      .label("objectives")
      .help("Proxy objectives: one reward model, the ensemble mean, worst case (WCO), uncertainty-weighted (UWO).");
  // A strongly non-linear gold reward (a = 2): the random-feature proxies extrapolate poorly, so the
  // ascent on one proxy climbs and then loses gold (Goodhart), and best-of-n's gold peaks and falls.
  WorldParams w = world_defaults(16, 64, 1.0);
  w.nonlinearity = 2.0;
  w.ref_sharpness = 2.0;
  add_world_params(*t, w, 64);
  t->integer("pairs", &P::pairs, 250, 10, 100000).label("pairs N").log_scale().help("Comparisons the reward models are trained on.");
  t->real("flip", &P::flip, 0.25, 0.0, 0.49).label("label noise ε").help("Fraction of flipped labels (25% in Coste et al.).");
  t->integer("members", &P::members, 5, 1, 16).label("ensemble size k").help("Number of reward models.");
  t->integer("hidden", &P::hidden, 32, 2, 128).label("hidden units").log_scale().help("Random tanh features per reward model.");
  t->real("ridge", &P::ridge, 0.01, 1e-5, 10.0).label("L2 ridge λ").log_scale().help("Ridge on the reward heads.");
  t->real("uwo_lambda", &P::uwo_lambda, 1.0, 0.0, 20.0).label("UWO λ").help("UWO's variance penalty: mean - λ·Var.");
  t->integer("n_max", &P::n_max, 10000, 2, 1000000).label("largest n").log_scale().help("Largest best-of-n.");
  t->integer("pg_steps", &P::pg_steps, 300, 1, 100000).label("ascent steps").log_scale().help("Steps of projected gradient ascent on each proxy (Goodhart curve).");
  t->real("theta_deg", &P::theta_deg, 0.0, 0.0, 90.0)
      .label("Goodhart bound θ (°)")
      .help("Assumed bound on the proxy–gold angle for early stopping; 0 uses the true angle (an oracle).");
  t->real("pg_lr", &P::pg_lr, 0.01, 1e-4, 10.0).label("ascent step").log_scale().help("Step size of the projected gradient ascent on the proxy.");
  return t;
}

void record_overopt(const OveroptTrainer& t, size_t, bool, RunRecord& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    const auto& c = t.curves(i);
    const std::vector<double>* rows[] = {&c.bon_gold, &c.bon_proxy, &c.bon_kl, &c.path_gold, &c.path_proxy, &c.path_kl,
                                         &c.pg_gold,  &c.pg_proxy};
    for (size_t m = 0; m < 8; ++m)
      for (size_t k = 0; k < rows[m]->size(); ++k) out.curve(i, m, k, (*rows[m])[k]);
    const double peak = *std::max_element(c.bon_gold.begin(), c.bon_gold.end());
    const double path_best = *std::max_element(c.path_gold.begin(), c.path_gold.end());
    const double pg_peak = *std::max_element(c.pg_gold.begin(), c.pg_gold.end());
    const double drop = peak - c.bon_gold.back();
    const double finals[] = {c.bon_gold.back(), peak,          drop,       c.bon_gold.back() - t.single_at_max_n(),
                             t.single_drop() - drop, path_best, c.pg_gold.back(), c.stop_gold,
                             pg_peak,           pg_peak - c.pg_gold.back(), static_cast<double>(c.stop_step)};
    static_assert(std::size(finals) == kFinalCount, "one value per final metric");
    for (size_t m = 0; m < kFinalCount; ++m) out.final(i, m, finals[m]);
  }
}

// Per-prompt mean removed: the projection onto the tangent space of the occupancy polytope.
MatrixXd centred(const MatrixXd& r) {
  MatrixXd out = r;
  for (Eigen::Index x = 0; x < r.rows(); ++x) out.row(x).array() -= r.row(x).mean();
  return out;
}

double angle(const MatrixXd& a, const MatrixXd& b) {
  const double na = a.norm(), nb = b.norm();
  if (!(na > 0) || !(nb > 0)) return 0.5 * kPi;
  return std::acos(std::clamp((a.array() * b.array()).sum() / (na * nb), -1.0, 1.0));
}

}  // namespace

std::vector<double> bon_grid(long long n_max) { return plot::log_spaced_counts(n_max, 25); }

std::vector<double> inverse_beta_grid() {
  std::vector<double> g;
  for (int i = 0; i <= 24; ++i) g.push_back(std::pow(10.0, -2.0 + 4.0 * i / 24.0));
  return g;
}

OveroptTrainer::OveroptTrainer(const OveroptParams& p, uint64_t seed, uint32_t run)
    : p_(p), world_(make_world(p)), model_rng_(seed, run, kStreamModel) {
  Rng rng(seed, run, kStreamData);
  data_ = sample_preferences(world_, gold_oracle(world_, PreferenceModel::BradleyTerry), world_.ref_logp, p.pairs, p.flip, rng);
  for (const std::string& id : p.methods) objectives_.push_back(objective_from_id(id));
  curves_.resize(objectives_.size());
  checkpoints_ = step_checkpoints(p.pg_steps, 60);
}

void OveroptTrainer::evaluate() {
  const MatrixXd gold_c = centred(world_.gold);
  // The single reward model's best-of-n curve: the paired baseline of every objective.
  double single_peak = -kInf;
  for (double n : bon_grid(p_.n_max)) {
    const double g = mean_expectation(best_of_n_logp(world_.ref_logp, member_tables_.front(), n), world_.gold);
    single_peak = std::max(single_peak, g);
    single_at_max_n_ = g;
  }
  single_drop_ = single_peak - single_at_max_n_;
  for (size_t i = 0; i < objectives_.size(); ++i) {
    tables_.push_back(ensemble_objective(member_tables_, objectives_[i], p_.uwo_lambda));
    const MatrixXd& R = tables_.back();
    Curves& c = curves_[i];
    for (double n : bon_grid(p_.n_max)) {
      const MatrixXd lp = best_of_n_logp(world_.ref_logp, R, n);
      c.bon_gold.push_back(mean_expectation(lp, world_.gold));
      c.bon_proxy.push_back(mean_expectation(lp, R));
      c.bon_kl.push_back(mean_kl(lp, world_.ref_logp));
    }
    for (double inv_beta : inverse_beta_grid()) {
      const MatrixXd lp = tilted_logp(world_.ref_logp, R, 1.0 / inv_beta);
      c.path_gold.push_back(mean_expectation(lp, world_.gold));
      c.path_proxy.push_back(mean_expectation(lp, R));
      c.path_kl.push_back(mean_kl(lp, world_.ref_logp));
    }
    c.theta = p_.theta_deg > 0 ? p_.theta_deg * kPi / 180.0 : angle(centred(R), gold_c);
    centred_.push_back(centred(R));
    pg_pi_.push_back(world_.ref_logp.array().exp());
    c.pg_step.push_back(0);
    c.pg_gold.push_back(mean_expectation(world_.ref_logp, world_.gold));
    c.pg_proxy.push_back(mean_expectation(world_.ref_logp, R));
    if (c.theta >= 0.5 * kPi) {  // the proxy points away from the gold reward: stop at once
      c.stop_step = 0;
      c.stop_gold = c.pg_gold.back();
    }
  }
  evaluated_ = true;
}

// Euclidean projection of v onto the probability simplex (sort and threshold: the projection is
// max(v - θ, 0) with θ chosen so that the result sums to 1).
VectorXd project_simplex(const VectorXd& v) {
  VectorXd u = v;
  std::sort(u.data(), u.data() + u.size(), std::greater<double>());
  double cumulative = 0.0, theta = 0.0;
  for (Eigen::Index i = 0; i < u.size(); ++i) {
    cumulative += u[i];
    const double t = (cumulative - 1.0) / static_cast<double>(i + 1);
    if (u[i] - t > 0) theta = t;
  }
  return (v.array() - theta).max(0.0);
}

void OveroptTrainer::pg_step() {
  const long long t = steps_ - p_.members - 1;  // ascent steps done so far
  for (size_t i = 0; i < objectives_.size(); ++i) {
    const MatrixXd& R = centred_[i];
    MatrixXd& pi = pg_pi_[i];
    // Projected gradient ascent on the occupancy measure: each prompt's π(·|x) moves along the
    // projected proxy R̃ and is projected back onto the simplex.
    MatrixXd next(pi.rows(), pi.cols());
    for (Eigen::Index x = 0; x < pi.rows(); ++x)
      next.row(x) = project_simplex((pi.row(x) + p_.pg_lr * R.row(x)).transpose()).transpose();
    Curves& c = curves_[i];
    if (c.stop_step < 0 && angle(next - pi, R) > 0.5 * kPi - c.theta) {
      c.stop_step = t;
      c.stop_gold = (pi.array() * world_.gold.array()).sum() / world_.P;
    }
    pi = next;
    const bool last = t + 1 == p_.pg_steps;
    if (std::binary_search(checkpoints_.begin(), checkpoints_.end(), t + 1)) {
      c.pg_step.push_back(static_cast<double>(t + 1));
      c.pg_gold.push_back((pi.array() * world_.gold.array()).sum() / world_.P);
      c.pg_proxy.push_back((pi.array() * tables_[i].array()).sum() / world_.P);
    }
    if (last && c.stop_step < 0) {  // never triggered: the whole path is safe
      c.stop_step = p_.pg_steps;
      c.stop_gold = c.pg_gold.back();
    }
  }
}

void OveroptTrainer::step() {
  if (steps_ < p_.members) {
    rms_.push_back(random_feature_rm(p_.hidden, world_.d, model_rng_));
    fit_head(rms_.back(), world_, data_, p_.ridge);
    member_tables_.push_back(reward_table(rms_.back(), world_));
  } else if (steps_ == p_.members) {
    evaluate();
  } else {
    pg_step();
  }
  ++steps_;
}

OveroptExperiment::OveroptExperiment() : ExperimentOf(table()) {}

RunLayout OveroptExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  CurveAxis step_axis{"step", {}};
  for (long long c : step_checkpoints(p().pg_steps, 60)) step_axis.x.push_back(static_cast<double>(c));
  l.axes = {{"n", bon_grid(p().n_max)}, {"1/β", inverse_beta_grid()}, step_axis};
  l.curves = {{"bon_gold", 0}, {"bon_proxy", 0}, {"bon_kl", 0}, {"kl_path_gold", 1},
              {"kl_path_proxy", 1}, {"kl_path_kl", 1}, {"pg_gold", 2}, {"pg_proxy", 2}};
  l.final_metrics = {"bon_gold_at_max_n", "bon_gold_peak", "bon_drop", "bon_gain_vs_single", "bon_drop_reduction", "kl_path_best_gold",
                     "pg_final_gold", "pg_stopped_gold", "pg_peak_gold", "pg_drop", "pg_stop_step"};
  l.work_unit = "steps";
  l.work_per_run = static_cast<double>(p().members + 1 + p().pg_steps);
  return l;
}

std::unique_ptr<RunCursor> OveroptExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  auto trainer = std::make_unique<OveroptTrainer>(p(), seed, run);
  const long long total = trainer->total_steps();
  return std::make_unique<TrainerCursor<OveroptTrainer>>(std::move(trainer), std::vector<long long>{total}, record_overopt,
                                                         out, static_cast<double>(p().methods.size()));
}


plot::Plot bon_kl_plot(const std::vector<double>& ns) {
  plot::Plot p;
  p.title = "Best-of-n: exact KL and its bound ln n - (n-1)/n";
  p.x = {"n", plot::Scale::Log};
  p.y = {"KL(BoN_n‖π_ref)"};
  std::vector<double> bound;
  for (double n : ns) bound.push_back(bon_kl_formula(n));
  p.lines.push_back(plot::reference_line("bound ln n - (n-1)/n", ns, bound));
  return p;
}

plot::Figure OveroptExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Reward over-optimisation with " + format_real(p().flip) + " label noise: " + std::to_string(r.runs_done) + " runs";
  // A best-of-n curve against the exact KL of best-of-n: the mean over runs at each n.
  const int mk = r.layout.find_curve("bon_kl");
  auto versus_kl = [&](const char* metric, const char* title, const char* ylabel) {
    plot::Plot pl;
    pl.title = title;
    pl.x = {"KL(BoN_n‖π_ref), exact"};
    pl.y = {ylabel};
    const std::vector<plot::Line> lines = plot::result_lines(r, metric);
    for (size_t s = 0; s < lines.size(); ++s) {
      plot::Line l = lines[s];
      for (size_t k = 0; k < l.x.size(); ++k) l.x[k] = r.curve_stat(s, static_cast<size_t>(mk), k).mean();
      pl.lines.push_back(l);
    }
    return pl;
  };
  plot::Plot gold = versus_kl("bon_gold", "Best-of-n: gold reward", "E[r*]");
  plot::Plot proxy = versus_kl("bon_proxy", "Best-of-n: proxy objective", "E[R]");
  plot::Plot kl = bon_kl_plot(bon_grid(p().n_max));
  for (plot::Line l : plot::result_lines(r, "bon_kl")) kl.lines.push_back(l);
  plot::Plot path;
  path.title = "π_β ∝ π_ref e^{R/β}: gold reward vs KL";
  path.x = {"KL(π_β‖π_ref)"};
  path.y = {"E[r*]"};
  const int mg = r.layout.find_curve("kl_path_gold"), mpk = r.layout.find_curve("kl_path_kl");
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    plot::Line l = plot::result_line(r, s, static_cast<size_t>(mg));
    for (size_t k = 0; k < l.x.size(); ++k) l.x[k] = r.curve_stat(s, static_cast<size_t>(mpk), k).mean();
    path.lines.push_back(l);
  }
  plot::Plot pg = curves_plot(r, "pg_gold", "Goodhart: gold along the proxy ascent (● early stop)", "E[r*]",
                              plot::Scale::Linear);
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    const RunningStat& st = r.final_stat(s, kFinalStopStep);
    const RunningStat& sg = r.final_stat(s, kFinalPgStop);
    if (st.count()) pg.points.push_back({"", {st.mean()}, {sg.mean()}, series_color(s), 5.0f, r.layout.series[s]});
  }
  f.plots = {pg, gold, proxy, kl, path};
  f.headline = 0;
  return f;
}

DemoInfo overoptimization_demo() {
  DemoInfo d;
  d.id = "alignment.overoptimization";
  d.chapter = "alignment";
  d.title = "Over-optimisation: reward-model ensembles";
  d.summary = "Best-of-n and KL-regularised optimisation of noisy proxy rewards: single RM vs WCO vs UWO, and Goodhart early stopping.";
  d.about =
      "Proxy reward models are trained on Bradley–Terry labels of the gold reward with 25% of labels flipped\n"
      "(Gao et al. 2023's synthetic setup; Coste et al. 2024). Each member is a random-feature network\n"
      "r_i = v_iᵀ tanh(W_i φ + c_i) with its own random first layer (its 'seed') and a trained head. Objectives:\n"
      "    single r_1,   mean (1/k)Σ r_i,   WCO min_i r_i,   UWO mean_i r_i - λ·Var_i r_i\n"
      "Best-of-n draws n responses from π_ref and keeps the best by the objective; its distribution is exact, and\n"
      "so is its KL, the x axis of the best-of-n plots:\n"
      "    P_n(y) = F(y)^n - F(y⁻)^n,   KL(BoN_n‖π_ref) = Σ_y P_n(y) ln(P_n(y)/π_ref(y)) ≤ ln n - (n-1)/n\n"
      "The usual formula ln n - (n-1)/n is exact only for a continuous reward; with ties it is an upper bound\n"
      "(Beirami et al. 2024), drawn as such in its own plot. The KL-regularised policy π_β ∝ π_ref exp(R/β) traces\n"
      "gold reward against KL; projected gradient ascent on R over the occupancy polytope shows Goodhart's law\n"
      "(Karwowski et al. 2024). Early stopping halts when the step direction makes an angle > π/2 - θ with the proxy\n"
      "(θ = angle between proxy and gold, given to it as an oracle bound; this stopping rule is a reading of the\n"
      "abstract's geometric argument). The gold reward is strongly non-linear (a = 2), so the proxies extrapolate\n"
      "poorly.\n"
      "What to look for: along the ascent on one reward model the proxy keeps rising while the gold reward climbs\n"
      "and then falls; the ensemble objectives climb higher and level off. Best-of-n's gold reward peaks and falls as\n"
      "n grows; WCO and UWO end higher than the single model and fall less. With the true angle (large for these\n"
      "poor proxies) the early-stopping rule stops at the first step: safe, but conservative; a smaller assumed\n"
      "`theta_deg` stops later. The live view draws each ascent to its end; the dot marks where the rule halts it.\n"
      "(Tests: claims 6 and 10.)";
  d.papers = {"T. Coste, U. Anwar, R. Kirk, D. Krueger. Reward Model Ensembles Help Mitigate Overoptimization. ICLR 2024.",
              "A. Beirami et al. Theoretical Guarantees on the Best-of-n Alignment Policy. arXiv:2401.01879.",
              "L. Gao, J. Schulman, J. Hilton. Scaling Laws for Reward Model Overoptimization. ICML 2023.",
              "J. Karwowski et al. Goodhart's Law in Reinforcement Learning. ICLR 2024."};
  d.default_runs = 32;
  d.make = [] { return std::make_unique<OveroptExperiment>(); };
  return d;
}

}  // namespace klab::alignment
