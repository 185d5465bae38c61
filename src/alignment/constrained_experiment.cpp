#include "alignment/constrained_experiment.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "alignment/confidence.hpp"
#include "alignment/figures.hpp"
#include "alignment/softmax.hpp"
#include "alignment/trainer_cursor.hpp"
#include "core/result_plots.hpp"
#include "core/samplers.hpp"
#include "core/stats.hpp"

namespace klab::alignment {
namespace {

const std::vector<std::string>& constrained_ids() {
  static const std::vector<std::string> ids = {"dual", "primal_dual", "fixed_lambda", "hc_rlhf", "plug_in"};
  return ids;
}

ConstrainedMethod constrained_from_id(const std::string& id) {
  const auto& ids = constrained_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<ConstrainedMethod>(i);
  return ConstrainedMethod::Dual;
}

bool is_trial(ConstrainedMethod m) { return m == ConstrainedMethod::HcRlhf || m == ConstrainedMethod::PlugIn; }

std::shared_ptr<const ParamTable<ConstrainedParams>> table() {
  auto t = std::make_shared<ParamTable<ConstrainedParams>>();
  using P = ConstrainedParams;
  t->multi_choice("methods", &P::methods, constrained_ids(), constrained_ids(), 1).label("methods").help("Methods to run.");
  add_world_params(*t, world_defaults(8, 8), 64);
  t->choice("policy", &P::policy, PolicyClass::Tabular, {"tabular", "log_linear"})
      .label("policy class")
      .choice_labels({"tabular softmax", "log-linear in φ"})
      .help("Class of the dual, primal-dual and fixed-λ policies (the exact optimum is over all policies).");
  t->boolean("vary_world", &P::vary_world, true).label("new world per run").help("Each run draws its own world (from world seed, seed and run); off: every run uses the world seed's world.");
  t->real("utility_correlation", &P::utility_correlation, -0.6, -1.0, 1.0).label("corr(g, r*) ρ").help("Cosine between the utility's direction and the reward's (negative: safety costs reward).");
  t->real("threshold", &P::threshold, 0.5, 0.0, 0.95).label("threshold position q").help("b = E_{π*}[g] + q·(mean max_y g - E_{π*}[g]): 0 makes the constraint inactive.");
  t->real("beta", &P::beta, 0.5, 0.02, 5.0).label("β").log_scale().help("KL strength.");
  t->integer("iterations", &P::iterations, 200, 2, 100000).label("iterations").log_scale().help("Dual / primal-dual iterations.");
  t->integer("inner_steps", &P::inner_steps, 20, 1, 1000).label("inner steps").log_scale().help("Gradient steps per Lagrangian maximisation of the dual method (log-linear class).");
  t->real("lr", &P::lr, 1.0, 1e-3, 20.0).label("policy learning rate").log_scale().help("Gradient step on the policy parameters.");
  t->real("dual_lr", &P::dual_lr, 0.5, 1e-3, 20.0).label("dual step η_λ").log_scale().help("Step size of the dual variable.");
  t->real("fixed_lambda", &P::fixed_lambda, 1.0, 0.0, 20.0).label("fixed λ").help("Weight of the utility in fixed_lambda.");
  t->integer("candidate_samples", &P::candidate_samples, 200, 2, 100000).label("HC candidate samples n_c").log_scale().help("Noisy utility samples used to pick the candidate.");
  t->integer("safety_samples", &P::safety_samples, 100, 2, 100000).label("HC safety samples n_s").log_scale().help("Fresh samples of the safety test.");
  t->real("delta", &P::delta, 0.1, 0.001, 0.5).label("HC failure probability δ").log_scale().help("Allowed probability of returning an unsafe policy.");
  t->real("noise", &P::noise, 1.0, 0.0, 5.0).label("utility label noise σ").help("Standard deviation of the noise on observed utilities.");
  t->real("c1", &P::c1, 1.0, 0.0, 10.0).label("HC inflation c1").help("Pessimism of candidate selection: weight of the candidate-sample radius.");
  t->real("c2", &P::c2, 1.0, 0.0, 10.0).label("HC inflation c2").help("Pessimism of candidate selection: weight of the predicted safety-test radius.");
  return t;
}

enum Curve { kCurveLambda, kCurveSlack, kCurveReward };
enum Final { kFinalReward, kFinalSlack, kFinalLambda, kFinalAmplitude, kFinalGap, kFinalViolation, kFinalNoSolution };

void record_constrained(const ConstrainedTrainer& t, size_t k, bool final, RunRecord& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    const auto s = t.state(i);
    out.curve(i, kCurveLambda, k, s[2]);
    out.curve(i, kCurveSlack, k, s[1]);
    out.curve(i, kCurveReward, k, s[0]);
    if (!final) continue;
    out.final(i, kFinalReward, s[0]);
    out.final(i, kFinalSlack, s[1]);
    out.final(i, kFinalLambda, s[2]);
    out.final(i, kFinalGap, t.problem().optimum.reward - s[0]);
    out.final(i, kFinalAmplitude, t.lambda_amplitude(i));  // 0 for the trials: their λ is chosen once
    out.final(i, kFinalViolation, t.violated(i) ? 1.0 : 0.0);
    out.final(i, kFinalNoSolution, t.no_solution(i) ? 1.0 : 0.0);
  }
}

}  // namespace

ConstrainedProblem make_constrained_problem(const ConstrainedParams& p, uint64_t seed, uint32_t run) {
  WorldParams wp = p;
  if (p.vary_world)
    wp.world_seed = static_cast<long long>((static_cast<uint64_t>(p.world_seed) * 0x9E3779B97F4A7C15ull) ^ (seed << 21) ^
                                           (static_cast<uint64_t>(run) * 0xBF58476D1CE4E5B9ull));
  ConstrainedProblem c;
  c.world = make_world(wp);
  const World& w = c.world;
  // g's direction: ρ ŵ + sqrt(1 - ρ²) u with u a random unit vector orthogonal to ŵ.
  Rng rng(static_cast<uint64_t>(wp.world_seed), 0, kStreamExtra);
  const VectorXd w_dir = w.w_star.norm() > 0 ? VectorXd(w.w_star / w.w_star.norm()) : VectorXd(VectorXd::Unit(w.d, 0));
  VectorXd u(w.d);
  for (int j = 0; j < w.d; ++j) u[j] = sample_normal(rng);
  u -= u.dot(w_dir) * w_dir;
  u = u.norm() > 1e-12 ? VectorXd(u / u.norm()) : VectorXd(VectorXd::Zero(w.d));
  const double rho = p.utility_correlation;
  const VectorXd g_dir = rho * w_dir + std::sqrt(std::max(0.0, 1.0 - rho * rho)) * u;
  c.utility.resize(w.P, w.K);
  for (int x = 0; x < w.P; ++x)
    for (int y = 0; y < w.K; ++y) c.utility(x, y) = w.phi.row(w.row(x, y)).dot(g_dir);
  const double g_lo = mean_expectation(tilted_logp(w.ref_logp, w.gold, p.beta), c.utility);
  const double g_hi = c.utility.rowwise().maxCoeff().mean();
  c.threshold = g_lo + p.threshold * std::max(0.0, g_hi - g_lo);
  c.optimum = constrained_optimum(w.ref_logp, w.gold, c.utility, p.beta, c.threshold);
  return c;
}

MatrixXd lagrangian_logits_grad(const MatrixXd& logp, const MatrixXd& ref_logp, const MatrixXd& reward,
                                const MatrixXd& utility, double lambda, double beta) {
  return (expectation_logits_grad(logp, reward + lambda * utility) - beta * kl_logits_grad(logp, ref_logp)) /
         static_cast<double>(logp.rows());
}

double lagrangian(const MatrixXd& logp, const MatrixXd& ref_logp, const MatrixXd& reward, const MatrixXd& utility,
                  double lambda, double beta) {
  return mean_expectation(logp, reward + lambda * utility) - beta * mean_kl(logp, ref_logp);
}

ConstrainedTrainer::ConstrainedTrainer(const ConstrainedParams& p, uint64_t seed, uint32_t run)
    : p_(p), problem_(make_constrained_problem(p, seed, run)), space_(problem_.world, p.policy) {
  for (const std::string& id : p.methods) {
    MethodRun m;
    m.method = constrained_from_id(id);
    m.params = space_.reference_params();
    m.logp = problem_.world.ref_logp;
    m.lambda = m.method == ConstrainedMethod::FixedLambda ? p.fixed_lambda : 0.0;
    if (is_trial(m.method)) run_trial(m, seed, run);
    runs_.push_back(std::move(m));
  }
}

void ConstrainedTrainer::ascend(MethodRun& m, double lambda, long long steps) {
  const World& w = problem_.world;
  for (long long s = 0; s < steps; ++s) {
    const MatrixXd g = lagrangian_logits_grad(m.logp, w.ref_logp, w.gold, problem_.utility, lambda, p_.beta);
    const VectorXd next = m.params + p_.lr * static_cast<double>(w.P) * space_.pullback(g);
    const MatrixXd lp = space_.log_probs(next);
    if (diverged(next, lp)) return;
    m.params = next;
    m.logp = lp;
  }
}

void ConstrainedTrainer::run_trial(MethodRun& m, uint64_t seed, uint32_t run) {
  const World& w = problem_.world;
  const MatrixXd& g = problem_.utility;
  const double b = problem_.threshold;
  // Pre-drawn randomness: prompt, uniform for the response, label noise (common to every λ tried).
  struct Draw {
    int x;
    double u, z;
  };
  auto draws = [&](long long n, uint32_t stream) {
    Rng rng(seed, run, stream);
    std::vector<Draw> d(static_cast<size_t>(n));
    for (Draw& v : d) {
      v.x = static_cast<int>(rng.below(static_cast<uint32_t>(w.P)));
      v.u = rng.uniform();
      v.z = sample_normal(rng);
    }
    return d;
  };
  const std::vector<Draw> candidate = draws(p_.candidate_samples, kStreamSafety);
  const std::vector<Draw> safety = draws(p_.safety_samples, kStreamSafety + 100u);
  // Mean and standard deviation of the noisy utilities of responses drawn from π (inverse CDF).
  auto sample_stats = [&](const MatrixXd& logp, const std::vector<Draw>& d, double* mean, double* sd) {
    RunningStat s;
    for (const Draw& v : d) {
      double acc = 0.0;
      int y = w.K - 1;
      for (int k = 0; k + 1 < w.K; ++k) {
        acc += std::exp(logp(v.x, k));
        if (v.u < acc) {
          y = k;
          break;
        }
      }
      s.push(g(v.x, y) + p_.noise * v.z);
    }
    *mean = s.mean();
    *sd = s.stddev();
  };
  const double nc = static_cast<double>(p_.candidate_samples), ns = static_cast<double>(p_.safety_samples);
  const double k = m.method == ConstrainedMethod::HcRlhf
                       ? p_.c1 * student_t_quantile(1.0 - p_.delta, nc - 1.0) / std::sqrt(nc) +
                             p_.c2 * student_t_quantile(1.0 - p_.delta, ns - 1.0) / std::sqrt(ns)
                       : 0.0;
  auto policy = [&](double lambda) { return tilted_logp(w.ref_logp, w.gold + lambda * g, p_.beta); };
  auto passes = [&](double lambda) {
    double mean, sd;
    sample_stats(policy(lambda), candidate, &mean, &sd);
    return mean - k * sd >= b;
  };
  // The smallest λ whose (pessimistic) estimate meets b: bisection on [0, λ_max].
  constexpr double kLambdaMax = 1e3;
  double lambda = 0.0;
  if (!passes(0.0)) {
    double lo = 0.0, hi = kLambdaMax;
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      if (passes(mid)) hi = mid;
      else lo = mid;
    }
    lambda = hi;
  }
  m.lambda = lambda;
  MatrixXd cand = policy(lambda);
  bool returned = true;
  if (m.method == ConstrainedMethod::HcRlhf) {
    double mean, sd;
    sample_stats(cand, safety, &mean, &sd);
    returned = mean - student_t_quantile(1.0 - p_.delta, ns - 1.0) * sd / std::sqrt(ns) >= b;
  }
  if (returned) {
    m.logp = cand;
    m.violated = mean_expectation(cand, g) < b;
  } else {
    m.no_solution = true;  // "No Solution Found": the reference policy is kept
    m.logp = w.ref_logp;
  }
  m.lambdas.assign(1, m.lambda);
}

bool ConstrainedTrainer::violated(size_t i) const {
  const MethodRun& m = runs_[i];
  if (is_trial(m.method)) return m.violated;
  // The iterative methods always return their policy: unsafe if it misses b beyond rounding.
  return state(i)[1] < -1e-6 * (1.0 + std::fabs(problem_.threshold));
}

void ConstrainedTrainer::step() {
  const World& w = problem_.world;
  const double b = problem_.threshold;
  for (MethodRun& m : runs_) {
    switch (m.method) {
      case ConstrainedMethod::Dual:
        if (space_.policy_class() == PolicyClass::Tabular) m.logp = tilted_logp(w.ref_logp, w.gold + m.lambda * problem_.utility, p_.beta);
        else ascend(m, m.lambda, p_.inner_steps);
        m.lambda = std::max(0.0, m.lambda - p_.dual_lr * (mean_expectation(m.logp, problem_.utility) - b));
        break;
      case ConstrainedMethod::PrimalDual:
        ascend(m, m.lambda, 1);
        m.lambda = std::max(0.0, m.lambda - p_.dual_lr * (mean_expectation(m.logp, problem_.utility) - b));
        break;
      case ConstrainedMethod::FixedLambda:
        ascend(m, m.lambda, 1);
        break;
      default:
        break;  // trials are done in the constructor
    }
    m.lambdas.push_back(m.lambda);
  }
  ++t_;
}

std::array<double, 3> ConstrainedTrainer::state(size_t i) const {
  const MethodRun& m = runs_[i];
  return {mean_expectation(m.logp, problem_.world.gold), mean_expectation(m.logp, problem_.utility) - problem_.threshold,
          m.lambda};
}

double ConstrainedTrainer::lambda_amplitude(size_t i) const {
  const std::vector<double>& l = runs_[i].lambdas;
  RunningStat s;
  for (size_t k = l.size() / 2; k < l.size(); ++k) s.push(l[k]);
  return s.stddev();
}

ConstrainedExperiment::ConstrainedExperiment() : ExperimentOf(table()) {}

RunLayout ConstrainedExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  CurveAxis axis{"iteration", {}};
  for (long long c : step_checkpoints(p().iterations, 100)) axis.x.push_back(static_cast<double>(c));
  l.axes = {axis};
  l.curves = {{"lambda", 0}, {"constraint_slack", 0}, {"reward", 0}};
  l.final_metrics = {"reward", "constraint_slack", "lambda", "lambda_amplitude", "reward_gap", "violation", "no_solution"};
  l.work_unit = "steps";
  l.work_per_run = static_cast<double>(p().iterations) * static_cast<double>(p().methods.size());
  return l;
}

std::unique_ptr<RunCursor> ConstrainedExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  return std::make_unique<TrainerCursor<ConstrainedTrainer>>(std::make_unique<ConstrainedTrainer>(p(), seed, run),
                                                             step_checkpoints(p().iterations, 100), record_constrained, out,
                                                             static_cast<double>(p().methods.size()));
}


plot::Figure ConstrainedExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Constrained alignment: " + std::to_string(r.runs_done) + " runs" + (p().vary_world ? " (one world each)" : "");
  plot::Plot lambda = curves_plot(r, "lambda", "Dual variable λ", "λ", plot::Scale::Linear);
  plot::Plot slack = curves_plot(r, "constraint_slack", "Constraint slack E_π[g] - b (≥ 0: satisfied)", "E[g] - b",
                                 plot::Scale::Linear);
  slack.guides.push_back({false, 0.0, "b", kReferenceColor, true});
  plot::Plot reward = curves_plot(r, "reward", "Gold reward E_π[r*]", "E[r*]", plot::Scale::Linear);
  // Trial outcomes: violation and no-solution rates with 95% intervals, δ marked.
  plot::Plot trials;
  trials.title = "Returned policy unsafe (solid), no solution (faded); ±95%";
  trials.x = plot::category_axis("method", r.layout.series, 0.0);
  trials.y = {"rate", plot::Scale::Linear, 0.0, 1.0};
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    const RunningStat& v = r.final_stat(s, kFinalViolation);
    const RunningStat& n = r.final_stat(s, kFinalNoSolution);
    if (!v.count()) continue;
    const double x = static_cast<double>(s);
    trials.bars.push_back({r.layout.series[s] + " unsafe", {x - 0.4, x}, {v.mean()}, series_color(s)});
    Rgba faded = series_color(s);
    faded.a = 0.45f;
    trials.bars.push_back({r.layout.series[s] + " no solution", {x, x + 0.4}, {n.mean()}, faded});
    trials.lines.push_back({"", {x - 0.2, x - 0.2}, {v.mean() - v.ci95(), v.mean() + v.ci95()}, {}, {}, kReferenceColor, 2.0f});
  }
  trials.guides.push_back({false, p().delta, "δ", {0.9f, 0.5f, 0.4f, 1}, true});
  f.plots = {lambda, slack, reward, trials};
  return f;
}

DemoInfo constrained_demo() {
  DemoInfo d;
  d.id = "alignment.constrained";
  d.chapter = "alignment";
  d.title = "Constrained alignment: dual vs primal-dual, HC-RLHF";
  d.summary = "Maximise reward subject to E_π[g] ≥ b: the dual-based method vs primal-dual gradients vs a fixed λ; high-confidence safety tests.";
  d.about =
      "Maximise E_π[r*] - β KL(π‖π_ref) subject to a safety utility constraint E_π[g] ≥ b (g anti-correlated with r*).\n"
      "    L(π, λ) = E_π[r* + λ g] - β KL(π‖π_ref) - λ b,      π_λ ∝ π_ref exp((r* + λ g)/β)\n"
      "The exact optimum is π_{λ*} with λ* the root of E_{π_λ}[g] = b (dual bisection; dashed lines).\n"
      "    dual          π_t = argmax_π L(π, λ_t), then λ_{t+1} = [λ_t - η (E_{π_t}[g] - b)]₊   (Constrained Learning, 2025)\n"
      "    primal_dual   one gradient step in π and one in λ, simultaneously (Lagrangian RLHF)\n"
      "    fixed_lambda  maximise L(π, λ_fixed) (a fixed weighting of reward and safety)\n"
      "    hc_rlhf       pessimistic candidate (mean - k·sd ≥ b from n_c noisy samples), then a Student-t safety test\n"
      "                  on n_s fresh samples: mean - t_{1-δ} sd/√n_s ≥ b, else no solution (Chittepu et al. 2025)\n"
      "    plug_in       the candidate with k = 0 and no test\n"
      "The dual method is a reading of the abstract (Lagrangian maximisation alternating with dual descent, on\n"
      "the KL-regularised Lagrangian; step sizes ours). Its maximisation is exact in the tabular class (π_λ) and `inner_steps` gradient\n"
      "steps in the log-linear class: there it is optimal only up to the parametrisation gap.\n"
      "What to look for: the dual method's λ converges to λ* and the constraint is met with the optimal reward;\n"
      "primal-dual's λ oscillates around λ*; a fixed λ misses the constraint or wastes reward; HC-RLHF returns an\n"
      "unsafe policy in at most a fraction δ of the runs (plug-in: about half).";
  d.papers = {"Alignment of Large Language Models with Constrained Learning. 2025.",
              "Y. Chittepu, B. Metevier, W. Schwarzer, A. Hoag, S. Niekum, P. S. Thomas. Reinforcement Learning from Human Feedback with High-Confidence Safety Constraints. 2025.",
              "J. Dai et al. Safe RLHF: Safe Reinforcement Learning from Human Feedback. ICLR 2024."};
  d.default_runs = 100;
  d.make = [] { return std::make_unique<ConstrainedExperiment>(); };
  return d;
}

}  // namespace klab::alignment
