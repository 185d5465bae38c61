#include "mdp/learning_experiment.hpp"

#include <algorithm>
#include <array>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "mdp/control_learner.hpp"
#include "mdp/episodic_problem.hpp"
#include "mdp/figures.hpp"
#include "mdp/trace_evaluator.hpp"

namespace klab::mdp {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 40;
// The method ids and the learner each runs (the only id → method mapping; learning_method()).
constexpr const char* kMethodIds[] = {"q_learning", "sarsa", "expected_sarsa", "ucbvi", "retrace", "tree_backup", "rbis"};
constexpr std::array<LearningMethod, 7> kMethods{ControlMethod::QLearning, ControlMethod::Sarsa, ControlMethod::ExpectedSarsa, ControlMethod::Ucbvi,
                                                 TraceMethod::Retrace,     TraceMethod::TreeBackup, TraceMethod::Rbis};
static_assert(std::size(kMethodIds) == kMethods.size(), "one learner per id");

bool is_trace(const LearningMethod& m) { return std::holds_alternative<TraceMethod>(m); }

const std::vector<std::string>& learning_method_labels() {
  static const std::vector<std::string> labels{"Q-learning", "SARSA", "expected SARSA", "UCBVI", "Retrace(λ)", "tree backup(λ)", "RBIS(λ)"};
  return labels;
}

std::shared_ptr<const ParamTable<LearningParams>> table() {
  auto t = std::make_shared<ParamTable<LearningParams>>();
  using P = LearningParams;
  t->multi_choice("methods", &P::methods, learning_method_ids(), learning_method_ids(), 1)
      .label("methods")
      .choice_labels(learning_method_labels())
      .help("Control learners (Q-learning, SARSA, expected SARSA, UCBVI) and off-policy evaluators (Retrace, tree backup, RBIS).");
  WorldParams w;
  w.preset = Preset::RiverSwim;
  w.size = 6, w.actions = 2, w.branching = 3;
  declare_world_params(*t, w, 1000);
  t->integer("horizon", &P::horizon, 20, 1, 200).label("horizon H").help("Steps per episode; values are stage-indexed Q_h, h = 0..H−1.");
  t->real("gamma", &P::gamma, 1.0, 0.0, 1.0).label("discount γ").help("Discount within an episode (1: the undiscounted episodic return).");
  t->integer("episodes", &P::episodes, 1000, 10, 1000000).label("episodes K").log_scale().help("Episodes per learner and run.");
  t->choice("eps_schedule", &P::eps_schedule, EpsilonSchedule::Linear, {"constant", "linear", "inverse_sqrt"})
      .label("ε schedule")
      .choice_labels({"constant ε₀", "linear ε₀ → ε_min", "ε₀/√(k+1)"})
      .help("Exploration of Q-learning, SARSA and expected SARSA: ε-greedy with ε_k by episode.");
  t->real("eps0", &P::eps0, 1.0, 0.0, 1.0).label("ε₀").help("Initial exploration probability.");
  t->real("eps_min", &P::eps_min, 0.05, 0.0, 1.0).label("ε_min").help("Final exploration probability (linear and 1/√k schedules).");
  t->real("eps_decay", &P::eps_decay, 0.5, 0.01, 1.0).label("ε decay fraction").help("Linear schedule: fraction of the episodes over which ε falls to ε_min.");
  t->choice("step_rule", &P::step_rule, StepRule::RescaledLinear, {"rescaled_linear", "polynomial", "constant"})
      .label("step size α_n")
      .choice_labels({"(H+1)/(H+n)", "1/n^ω", "constant α"})
      .help("Step size of the n-th update of Q_h(s, a): Jin et al.'s (H+1)/(H+n), 1/n^ω, or constant.");
  t->real("alpha", &P::alpha, 0.1, 1e-4, 1.0).label("α (constant)").log_scale().help("Constant step size.");
  t->real("omega", &P::omega, 0.8, 0.5, 1.0).label("ω (1/n^ω)").help("Exponent of the polynomial step size.");
  t->real("bonus_scale", &P::bonus_scale, 0.005, 0.0, 10.0).label("UCBVI bonus scale c").help("UCBVI bonus c·7HL/√N (c = 1: the paper's constant, which stays above H for thousands of visits).");
  t->real("delta", &P::delta, 0.05, 1e-6, 0.5).label("UCBVI δ").log_scale().help("Failure probability in L = ln(5SAT/δ).");
  t->real("lambda", &P::lambda, 0.9, 0.0, 1.0).label("trace λ").help("λ of Retrace, tree backup and RBIS in the learning-curve plot (the λ plot sweeps a grid).");
  t->real("ope_alpha", &P::ope_alpha, 0.2, 1e-3, 1.0).label("OPE step α").log_scale().help("Constant step size of the trace-based evaluators.");
  t->real("target_eps", &P::target_eps, 0.1, 0.0, 1.0).label("target ε").help("The evaluated target policy π: ε-greedy in Q*_h.");
  t->real("behaviour_eps", &P::behaviour_eps, 0.5, 0.01, 1.0).label("behaviour ε").help("The behaviour μ of the evaluators: ε-greedy in Q*_h (1: uniform); must cover π, so ε > 0.");
  t->rule([](const P& p) -> Status {
    const Expected<WorldSize> z = world_size(world_params_of(p));
    if (!z.ok()) return z.status();
    if (z.value().pairs * p.horizon > 4000000)
      return Status::error("horizon × pairs is " + std::to_string(z.value().pairs * p.horizon) + "; the limit is 4000000 (stage-indexed tables)");
    return {};
  });
  return t;
}

// [SECTION] run

// One learner for K episodes: a control learner, or a trace evaluator at one λ (the learning-curve
// λ when lambda_slot < 0, else the λ grid's entry, recorded after the last episode only).
struct Job {
  size_t slot;
  LearningMethod learner;
  double lambda;
  int lambda_slot;
};

class LearningCursor final : public RunCursor {
 public:
  LearningCursor(const LearningExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : layout_(layout), out_(out), p_(e.p()), settings_(e.control_settings()), seed_(seed), run_(run) {
    Expected<std::shared_ptr<const World>> w = e.world_for(seed, run);
    if (!w.ok()) return;
    world_ = w.value();
    problem_ = std::make_unique<EpisodicProblem>(world_->mdp, p_.horizon, p_.gamma);
    ope_ = off_policy_task(*problem_, p_.target_eps, p_.behaviour_eps);
    for (size_t s = 0; s < p_.methods.size(); ++s) {
      const LearningMethod l = learning_method(p_.methods[s]);
      jobs_.push_back({s, l, p_.lambda, -1});
      if (is_trace(l))
        for (size_t k = 0; k < trace_lambdas().size(); ++k) jobs_.push_back({s, l, trace_lambdas()[k], static_cast<int>(k)});
    }
  }

  bool step(double work) override {
    if (!world_) return true;
    double budget = work;
    while (job_ < jobs_.size()) {
      if (episode_ == 0 && !started_) start_job();
      while (episode_ < static_cast<uint32_t>(p_.episodes)) {
        if (budget <= 0) return false;
        run_episode();
        budget -= p_.horizon;
      }
      finish_job();
    }
    return true;
  }

 private:
  void start_job() {
    const Job& j = jobs_[job_];
    next_checkpoint_ = 0;
    started_ = true;
    if (!is_trace(j.learner)) {
      control_ = std::make_unique<ControlLearner>(*problem_, std::get<ControlMethod>(j.learner), settings_, seed_, run_);
      return;
    }
    trace_ = std::make_unique<TraceEvaluator>(*problem_, ope_, std::get<TraceMethod>(j.learner), j.lambda, p_.ope_alpha, seed_, run_);
  }

  void run_episode() {
    const Job& j = jobs_[job_];
    if (is_trace(j.learner))
      trace_->run_episode();
    else
      control_->run_episode();
    ++episode_;
    if (j.lambda_slot >= 0) return;
    const std::vector<double>& ks = layout_.axes[0].x;
    while (next_checkpoint_ < ks.size() && static_cast<uint32_t>(ks[next_checkpoint_]) == episode_) {
      if (is_trace(j.learner)) {
        out_.curve(j.slot, kLearningCurveOpeError, next_checkpoint_, trace_->error());
      } else {
        out_.curve(j.slot, kLearningCurveRegret, next_checkpoint_, control_->regret());
        out_.curve(j.slot, kLearningCurveQError, next_checkpoint_, control_->max_error());
      }
      ++next_checkpoint_;
    }
  }

  void finish_job() {
    const Job& j = jobs_[job_];
    if (!is_trace(j.learner)) {
      out_.final(j.slot, kLearningFinalRegret, control_->regret());
      out_.final(j.slot, kLearningFinalQError, control_->max_error());
    } else if (j.lambda_slot < 0) {
      out_.final(j.slot, kLearningFinalOpeError, trace_->error());
    } else {
      out_.curve(j.slot, kLearningCurveOpeVsLambda, static_cast<size_t>(j.lambda_slot), trace_->error());
    }
    ++job_;
    episode_ = 0;
    started_ = false;
  }

  const RunLayout& layout_;
  RunRecord& out_;
  LearningParams p_;
  ControlSettings settings_;
  uint64_t seed_;
  uint32_t run_;
  std::shared_ptr<const World> world_;
  std::unique_ptr<EpisodicProblem> problem_;
  OffPolicyTask ope_;  // π, μ and V(ρ; π) of the trace evaluators
  std::vector<Job> jobs_;
  size_t job_ = 0, next_checkpoint_ = 0;
  uint32_t episode_ = 0;
  bool started_ = false;
  std::unique_ptr<ControlLearner> control_;  // the current control job
  std::unique_ptr<TraceEvaluator> trace_;    // the current trace job
};

}  // namespace

const std::vector<std::string>& learning_method_ids() {
  static const std::vector<std::string> ids(std::begin(kMethodIds), std::end(kMethodIds));
  return ids;
}

LearningMethod learning_method(const std::string& id) { return kMethods.at(id_index(learning_method_ids(), id)); }

const std::vector<double>& trace_lambdas() {
  static const std::vector<double> l{0.0, 0.4, 0.7, 0.9, 0.95, 1.0};
  return l;
}

LearningExperiment::LearningExperiment() : ExperimentOf(table()) {}

TdSettings LearningExperiment::td_settings() const {
  TdSettings s;
  s.schedule = p().eps_schedule;
  s.eps0 = p().eps0;
  s.eps_min = p().eps_min;
  s.eps_decay = p().eps_decay;
  s.step = p().step_rule;
  s.alpha = p().alpha;
  s.omega = p().omega;
  return s;
}

ControlSettings LearningExperiment::control_settings() const {
  ControlSettings c;
  c.td = td_settings();
  c.episodes = static_cast<uint32_t>(p().episodes);
  c.bonus_scale = p().bonus_scale;
  c.delta = p().delta;
  return c;
}

std::unique_ptr<RunCursor> LearningExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<LearningCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout LearningExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"episode k", plot::log_spaced_counts(p().episodes, kCheckpoints)}, {"λ", trace_lambdas()}};
  l.curves = {{"regret", 0}, {"q_error", 0}, {"ope_error", 0}, {"ope_error_vs_lambda", 1}};
  l.final_metrics = {"regret", "q_error", "ope_error"};
  l.work_unit = "steps";
  double jobs = 0.0;
  for (const std::string& id : p().methods)
    jobs += is_trace(learning_method(id)) ? 1.0 + trace_lambdas().size() : 1.0;
  l.work_per_run = jobs * static_cast<double>(p().episodes) * p().horizon;
  return l;
}

// [SECTION] figure

plot::Figure LearningExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Learning in " + world_label(world()) + ", H = " + std::to_string(p().horizon) + ", " + std::to_string(r.runs_done) + " runs";
  plot::Plot regret;
  regret.title = "Cumulative regret Σ_k (V*₀(ρ) − G_k), rewards in [0, 1]";
  regret.x = {"episode k"};
  regret.y = {"regret"};
  regret.lines = reported_lines(r, "regret");
  plot::Plot qerr;
  qerr.title = "Control: max |Q_h − Q*_h| over reachable (h, s, a)";
  qerr.x = {"episode k", plot::Scale::Log};
  qerr.y = {"error", plot::Scale::Log};
  qerr.lines = reported_lines(r, "q_error");
  plot::Plot ope;
  ope.title = "Off-policy evaluation, λ = " + format_real(p().lambda) + ": |V̂(ρ; π) − V(ρ; π)|";
  ope.x = {"episode k", plot::Scale::Log};
  ope.y = {"error", plot::Scale::Log};
  ope.lines = reported_lines(r, "ope_error");
  plot::Plot vs_lambda;
  vs_lambda.title = "Evaluation error after " + plot::format_number(static_cast<double>(p().episodes)) + " episodes vs λ";
  vs_lambda.x = {"λ"};
  vs_lambda.y = {"error", plot::Scale::Log};
  vs_lambda.lines = reported_lines(r, "ope_error_vs_lambda");
  f.plots = {regret, qerr, ope, vs_lambda};
  return f;
}

// [SECTION] demo text

DemoInfo learning_demo() {
  DemoInfo d;
  d.id = "mdp.learning";
  d.chapter = "mdp";
  d.title = "Learning: TD control, UCBVI, traces";
  d.summary = "Episodes of H steps: Q-learning, SARSA, expected SARSA (ε schedules) and UCBVI — regret and error to Q*; off-policy evaluation with Retrace, tree backup and RBIS.";
  d.about =
      "Episodes of H steps from s₀ ~ ρ; rewards rescaled to [0, 1]; stage-indexed values Q_h(s, a).\n"
      "    Q-learning      Q_h(s,a) ← Q_h + α_n (r + γ max_a′ Q_{h+1}(s′,a′) − Q_h)      α_n = (H+1)/(H+n) (Jin et al. 2018)\n"
      "    SARSA           … r + γ Q_{h+1}(s′, a′) with a′ the action taken;  expected SARSA: r + γ Σ π_ε(a′|s′) Q_{h+1}(s′,a′)\n"
      "    UCBVI           plan on the empirical model with bonus c·7HL/√N(s,a), L = ln(5SAT/δ), act greedily\n"
      "Off-policy evaluation of π = ε_π-greedy(Q*) from behaviour μ = ε_μ-greedy(Q*), ε_μ > ε_π, ρ_t = π(a_t|s_t)/μ(a_t|s_t):\n"
      "    Q_k += α γ^{t−k} β_{k,t} δ_t,  δ_t = r_t + γ Σ_a π(a|s_{t+1}) Q_{t+1}(s_{t+1},a) − Q_t(s_t,a_t)\n"
      "    Retrace β ← β λ min(1, ρ_t);  tree backup β ← β λ π(a_t|s_t);  RBIS β_{k,t} = min(λ^{t−k}, ρ_t β_{k,t−1})\n"
      "Regret is Σ_k (V*₀(ρ) − G_k) with G_k the episode's return; every learner meets the same random outcomes.\n"
      "What to look for: on RiverSwim ε-greedy learners stay on the left bank (linear regret) while UCBVI's optimism swims\n"
      "right; Q-learning's error to Q* shrinks where it explores (claim 9: test 'claim 9' in tests/unit/mdp_claims_test.cpp);\n"
      "in the λ plot RBIS stays good for large λ where Retrace's and tree backup's cut traces lose their reach.";
  d.papers = {"C. J. C. H. Watkins, P. Dayan. Q-learning. Machine Learning 1992.",
              "G. A. Rummery, M. Niranjan. On-line Q-learning using connectionist systems (SARSA). Tech. report, Cambridge 1994.",
              "H. van Seijen, H. van Hasselt, S. Whiteson, M. Wiering. A theoretical and empirical analysis of Expected Sarsa. ADPRL 2009.",
              "C. Jin, Z. Allen-Zhu, S. Bubeck, M. I. Jordan. Is Q-learning Provably Efficient? NeurIPS 2018.",
              "M. G. Azar, I. Osband, R. Munos. Minimax Regret Bounds for Reinforcement Learning. ICML 2017.",
              "A. L. Strehl, M. L. Littman. An analysis of model-based interval estimation for Markov decision processes (RiverSwim). JCSS 2008.",
              "R. Munos, T. Stepleton, A. Harutyunyan, M. G. Bellemare. Safe and Efficient Off-Policy Reinforcement Learning (Retrace). NeurIPS 2016.",
              "D. Precup, R. S. Sutton, S. Singh. Eligibility Traces for Off-Policy Policy Evaluation (tree backup). ICML 2000.",
              "B. Daley, M. White, C. Amato, M. C. Machado. Trajectory-Aware Eligibility Traces for Off-Policy Reinforcement Learning. ICML 2023."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<LearningExperiment>(); };
  return d;
}

}  // namespace klab::mdp
