#include "optim/lion_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/checkpoints.hpp"
#include "core/lab_math.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "core/samplers.hpp"

namespace klab::optim {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 100;
constexpr uint32_t kStartStream = 0, kNoiseStream = 1;
constexpr double kView = 3.0;  // the contour view is [−3, 3]²
constexpr double kNan = __builtin_nan("");

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"Lion (κ = ℓ₁: sign)", "Lion-κ, κ = ℓ₂", "Lion-κ, κ = Huber", "projected GD", "AdamW",
                                               "signSGD (no decay)"};
  return labels;
}

std::shared_ptr<const ParamTable<LionParams>> table() {
  auto t = std::make_shared<ParamTable<LionParams>>();
  using P = LionParams;
  t->multi_choice("methods", &P::methods, {"lion", "lion_l2", "projected_gd", "adamw", "signsgd"}, lion_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Optimisers, all from the same start with the same gradients.");
  t->choice("objective", &P::objective, Objective::Quadratic, {"quadratic", "rosenbrock"})
      .label("objective f")
      .choice_labels({"rotated quadratic", "Rosenbrock / 100"})
      .help("Quadratic ½(x − c)ᵀA(x − c) (A: eigenvalues 1 and 'condition', axes rotated by 0.5 rad) or (1 − x₁)²/100 + (x₂ − x₁²)².");
  t->real("lambda", &P::lambda, 1.0, 0.3, 5.0).label("weight decay λ").help("Decoupled weight decay: Lion solves min f s.t. ‖x‖∞ ≤ 1/λ.");
  t->real("condition", &P::condition, 8.0, 1.0, 100.0).label("condition").log_scale().help("Quadratic: ratio of A's eigenvalues.");
  t->real("centre_x", &P::centre_x, 2.0, -3.0, 3.0).label("c₁").help("Quadratic: first coordinate of the unconstrained minimiser c.");
  t->real("centre_y", &P::centre_y, 0.8, -3.0, 3.0).label("c₂").help("Quadratic: second coordinate of c.");
  t->real("huber_delta", &P::huber_delta, 0.1, 1e-3, 10.0).label("Huber δ").log_scale().help("lion_huber: κ = Σ h_δ(m_i), ∇κ = clip(m/δ, −1, 1); it solves min f + (δλ/2)‖x‖² in the box.");
  t->real("lr", &P::lr, 0.01, 1e-4, 0.2).label("step η").log_scale().help("Step of Lion, Lion-κ, AdamW and signSGD.");
  t->real("beta1", &P::beta1, 0.9, 0.0, 0.999).label("β₁").help("Lion: u = β₁m − (1 − β₁)g; AdamW: first-moment decay.");
  t->real("beta2", &P::beta2, 0.99, 0.0, 0.9999).label("β₂").help("Lion: momentum decay; AdamW: second-moment decay.");
  t->real("gd_step", &P::gd_step, 0.05, 1e-4, 1.0).label("GD step").log_scale().help("Projected GD: x ← Π_box(x − s∇f(x)).");
  t->real("noise", &P::noise, 0.0, 0.0, 10.0).label("gradient noise σ").help("Each gradient gets N(0, σ²I) noise (the same draws for every method).");
  t->real("start_x", &P::start_x, -2.5, -3.0, 3.0).label("start x₁").help("Start (drag it on the contour plot).");
  t->real("start_y", &P::start_y, 2.0, -3.0, 3.0).label("start x₂").help("Start (drag it on the contour plot).");
  t->real("jitter", &P::jitter, 0.3, 0.0, 2.0).label("start jitter").help("Run r starts uniformly in a disc of this radius around the start (run 1 too).");
  t->integer("steps", &P::steps, 2000, 10, 1000000).label("steps").log_scale().help("Steps of every method.");
  return t;
}

Kappa kappa_of(const std::string& id) { return id == "lion_l2" ? Kappa::L2 : id == "lion_huber" ? Kappa::Huber : Kappa::L1; }

Problem problem_of(const LionParams& p) {
  Problem q;
  q.objective = p.objective;
  q.centre = {p.centre_x, p.centre_y};
  q.condition = p.condition;
  q.lambda = p.lambda;
  q.huber_delta = p.huber_delta;
  return q;
}

}  // namespace

// [SECTION] run

const std::vector<std::string>& lion_method_ids() {
  static const std::vector<std::string> ids{"lion", "lion_l2", "lion_huber", "projected_gd", "adamw", "signsgd"};
  return ids;
}

LionRun::LionRun(const LionParams& p, uint64_t seed, uint32_t run)
    : problem_(problem_of(p)), gd_step_(p.gd_step), noise_(p.noise), seed_(seed), run_(run) {
  settings_.lr = p.lr;
  settings_.beta1 = p.beta1;
  settings_.beta2 = p.beta2;
  Rng rng(seed, run, kStartStream);
  const double r = p.jitter * std::sqrt(rng.uniform()), angle = 2.0 * kPi * rng.uniform();
  start_ = {p.start_x + r * math::cos(angle), p.start_y + r * math::cos(angle - 0.5 * kPi)};  // sin θ = cos(θ − π/2)
  const Vec2 base{p.start_x, p.start_y};
  const Vec2 box = lion_target(problem_, Kappa::L1, base);
  for (const std::string& id : p.methods) {
    const bool lion = id.rfind("lion", 0) == 0;
    kinds_.push_back(lion ? Kind::Lion : id == "projected_gd" ? Kind::ProjectedGd : id == "adamw" ? Kind::AdamW : Kind::SignSgd);
    kappas_.push_back(kappa_of(id));
    target_.push_back(lion ? (kappa_of(id) == Kappa::L1 ? box : lion_target(problem_, kappa_of(id), base))
                           : kinds_.back() == Kind::SignSgd ? problem_.unconstrained_minimiser() : box);
    x_.push_back(start_);
    lion_.push_back(LionState{start_});
    adam_.push_back(AdamState{start_});
  }
}

void LionRun::step() {
  // The gradient noise of step t: one draw shared by every method (common random numbers).
  Vec2 z{0.0, 0.0};
  if (noise_ > 0) {
    Rng rng = Rng::substream(seed_, run_, kNoiseStream, static_cast<uint32_t>(t_));
    z = {noise_ * sample_normal(rng), noise_ * sample_normal(rng)};
  }
  for (size_t s = 0; s < x_.size(); ++s) {
    Vec2 g = problem_.gradient(x_[s]);
    g = {g[0] + z[0], g[1] + z[1]};
    switch (kinds_[s]) {
      case Kind::Lion: lion_step(problem_, kappas_[s], settings_, g, &lion_[s]); x_[s] = lion_[s].x; break;
      case Kind::ProjectedGd: x_[s] = project_box({x_[s][0] - gd_step_ * g[0], x_[s][1] - gd_step_ * g[1]}, 1.0 / problem_.lambda); break;
      case Kind::AdamW: adamw_step(settings_, problem_.lambda, g, &adam_[s]); x_[s] = adam_[s].x; break;
      case Kind::SignSgd:
        for (int i = 0; i < 2; ++i) x_[s][i] -= settings_.lr * static_cast<double>((g[i] > 0) - (g[i] < 0));
        break;
    }
  }
  ++t_;
}

double LionRun::lyapunov(size_t s) const {
  return kinds_[s] == Kind::Lion ? lion_lyapunov(problem_, kappas_[s], settings_, lion_[s]) : kNan;
}

namespace {

enum Curve { kCurveDistance, kCurveViolation, kCurveLyapunov };
enum Final { kFinalDistance, kFinalViolation, kFinalStepsToBox, kFinalExitViolation, kFinalLyapunovIncrease };

double box_violation(const Vec2& x, double lambda) { return std::max(0.0, std::max(std::fabs(x[0]), std::fabs(x[1])) - 1.0 / lambda); }

class LionCursor final : public RunCursor {
 public:
  LionCursor(const LionExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : layout_(layout), out_(out), steps_(e.p().steps), lambda_(e.p().lambda), run_(e.p(), seed, run) {
    const size_t n = run_.methods();
    entered_.assign(n, -1);
    exit_violation_.assign(n, 0.0);
    increase_.assign(n, -kInf);
    previous_h_.assign(n, kNan);
    observe();
  }

  bool step(double work) override {
    long budget = work >= 1e15 ? steps_ : std::max(1L, static_cast<long>(work));
    while (run_.steps_done() < steps_ && budget-- > 0) {
      run_.step();
      observe();
    }
    if (run_.steps_done() < steps_) return false;
    for (size_t s = 0; s < run_.methods(); ++s) {
      const Vec2& x = run_.x(s);
      out_.final(s, kFinalDistance, std::hypot(x[0] - run_.target(s)[0], x[1] - run_.target(s)[1]));
      out_.final(s, kFinalViolation, box_violation(x, lambda_));
      out_.final(s, kFinalStepsToBox, entered_[s] >= 0 ? entered_[s] : steps_ + 1);
      if (entered_[s] >= 0) out_.final(s, kFinalExitViolation, exit_violation_[s]);
      if (std::isfinite(increase_[s])) out_.final(s, kFinalLyapunovIncrease, increase_[s]);
    }
    return true;
  }

 private:
  void observe() {
    const int t = run_.steps_done();
    const std::vector<double>& ks = layout_.axes[0].x;
    const bool checkpoint = next_ < ks.size() && static_cast<int>(ks[next_]) == t;
    for (size_t s = 0; s < run_.methods(); ++s) {
      const Vec2& x = run_.x(s);
      const double violation = box_violation(x, lambda_);
      if (entered_[s] < 0 && violation == 0.0) entered_[s] = t;
      if (entered_[s] >= 0) exit_violation_[s] = std::max(exit_violation_[s], violation);
      const double h = run_.lyapunov(s);
      if (std::isfinite(h) && std::isfinite(previous_h_[s])) increase_[s] = std::max(increase_[s], h - previous_h_[s]);
      previous_h_[s] = h;
      if (!checkpoint) continue;
      out_.curve(s, kCurveDistance, next_, std::hypot(x[0] - run_.target(s)[0], x[1] - run_.target(s)[1]));
      out_.curve(s, kCurveViolation, next_, violation);
      if (std::isfinite(h)) out_.curve(s, kCurveLyapunov, next_, h);
    }
    if (checkpoint) ++next_;
  }

  const RunLayout& layout_;
  RunRecord& out_;
  int steps_;
  double lambda_;
  LionRun run_;
  std::vector<int> entered_;
  std::vector<double> exit_violation_, increase_, previous_h_;
  size_t next_ = 0;
};

}  // namespace

LionExperiment::LionExperiment() : ExperimentOf(table()) {}

std::unique_ptr<RunCursor> LionExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<LionCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout LionExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"step t", even_checkpoints(static_cast<double>(p().steps), kCheckpoints)}};
  l.curves = {{"distance", 0}, {"box_violation", 0}, {"lyapunov", 0}};
  l.final_metrics = {"distance", "box_violation", "steps_to_box", "exit_violation", "lyapunov_increase"};
  l.work_unit = "steps";
  l.work_per_run = static_cast<double>(p().steps);
  return l;
}

// [SECTION] figure

plot::Plot LionExperiment::contour(const LionRun& run) const {
  const Problem& q = run.problem();
  plot::Plot c;
  c.title = "f, the box ‖x‖∞ ≤ 1/λ and the iterates";
  c.x = {"x₁", plot::Scale::Linear, -kView, kView};
  c.y = {"x₂", plot::Scale::Linear, -kView, kView};
  c.equal_aspect = true;
  plot::Heatmap h;
  h.nx = h.ny = 120;
  h.x0 = h.y0 = -kView;
  h.x1 = h.y1 = kView;
  h.label = "log₁₀(1 + f − min f)";
  const double fmin = q.value(q.unconstrained_minimiser());
  for (int j = 0; j < h.ny; ++j)
    for (int i = 0; i < h.nx; ++i) {
      const Vec2 x{-kView + 2 * kView * (i + 0.5) / h.nx, -kView + 2 * kView * (j + 0.5) / h.ny};
      h.values.push_back(static_cast<float>(std::log10(1.0 + q.value(x) - fmin)));
    }
  // The colour bar from 0 (f's minimum) to a round number above the largest cell.
  h.vmin = 0.0;
  h.vmax = plot::nice_ceil(*std::max_element(h.values.begin(), h.values.end()));
  c.heatmaps.push_back(h);
  const double r = 1.0 / q.lambda;
  plot::Line box = plot::reference_line("box ‖x‖∞ ≤ 1/λ", {-r, r, r, -r, -r}, {-r, -r, r, r, -r});
  box.color = {0.95f, 0.95f, 0.95f, 1.0f};
  box.width = 2.0f;
  c.lines.push_back(box);
  const Vec2 u = q.unconstrained_minimiser();
  c.points.push_back({"unconstrained min", {u[0]}, {u[1]}, plot::kReferenceGrey, 5.0f});
  return c;
}

plot::Figure LionExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = std::string(p().objective == Objective::Quadratic ? "Quadratic" : "Rosenbrock") + ", λ = " + format_real(p().lambda) +
            " (box ‖x‖∞ ≤ " + format_real(1.0 / p().lambda) + "), η = " + format_real(p().lr) + ", " + std::to_string(r.runs_done) + " runs";
  plot::Plot dist;
  dist.title = "Distance to the problem each method solves";
  dist.x = {"step t"};
  dist.y = {"‖x_t − x*‖", plot::Scale::Log};
  dist.lines = plot::result_lines(r, "distance");
  plot::Plot lyap;
  lyap.title = "Lion-κ: Lyapunov function Ĥ(x_t, m_t)";
  lyap.x = {"step t"};
  lyap.y = {"Ĥ"};
  lyap.lines = plot::result_lines(r, "lyapunov");
  lyap.lines.erase(std::remove_if(lyap.lines.begin(), lyap.lines.end(), [](const plot::Line& l) { return l.name.rfind("lion", 0) != 0; }),
                   lyap.lines.end());
  plot::Plot viol;
  viol.title = "Box violation max(0, ‖x_t‖∞ − 1/λ)";
  viol.x = {"step t"};
  viol.y = {"violation"};
  viol.lines = plot::result_lines(r, "box_violation");
  for (plot::Plot* q : {&dist, &lyap, &viol}) q->x.cover_lo = 0, q->x.cover_hi = p().steps;
  // Run 1's paths over the contour (cheap to recompute: two coordinates per method and step).
  LionRun run(p(), r.seed, 0);
  plot::Plot c = contour(run);
  std::vector<plot::Line> paths(run.methods());
  for (size_t s = 0; s < run.methods(); ++s) paths[s] = {r.layout.series[s], {run.x(s)[0]}, {run.x(s)[1]}, {}, {}, palette(s), 1.5f};
  const int stride = std::max(1, p().steps / 2000);
  while (run.steps_done() < p().steps) {
    run.step();
    if (run.steps_done() % stride != 0 && run.steps_done() != p().steps) continue;
    for (size_t s = 0; s < run.methods(); ++s) paths[s].x.push_back(run.x(s)[0]), paths[s].y.push_back(run.x(s)[1]);
  }
  c.title = "Run 1: the iterates over f";
  c.lines.insert(c.lines.end(), paths.begin(), paths.end());
  f.plots = {c, dist, lyap, viol};  // the picture first: the headline
  return f;
}

// [SECTION] demo text

DemoInfo lion_demo() {
  DemoInfo d;
  d.id = "optim.lion";
  d.chapter = "optim";
  d.title = "Lion solves a box-constrained problem";
  d.summary = "Lion and Lion-κ with weight decay λ on 2-D problems: they enter the box ‖x‖∞ ≤ 1/λ and stop at its constrained minimiser; the Lyapunov function decreases.";
  d.about =
      "Lion keeps a momentum m (tracking −∇f) and moves by the sign of an interpolation of m and the gradient, with decoupled weight decay λ:\n"
      "    u_t = β₁ m_t − (1 − β₁) ∇f(x_t),   x_{t+1} = x_t + η (∇κ(u_t) − λ x_t),   m_{t+1} = β₂ m_t − (1 − β₂) ∇f(x_t)\n"
      "With κ = ‖·‖₁ (∇κ = sign) it solves min f(x) s.t. ‖x‖∞ ≤ 1/λ; Lion-κ solves min f(x) + κ*(λx)/λ (κ = ℓ₂: the ball ‖x‖₂ ≤ 1/λ;\n"
      "κ = Huber: the box plus (δλ/2)‖x‖²). The paper's Lyapunov function (reading; see the README), in units of f:\n"
      "    Ĥ(x, m) = f(x) + κ*(λx)/λ + c (κ*(λx) + κ(m) − λ mᵀx),   c = ηβ₁/((1 − β₂)(1 + ελ)),  ε = η(1 − β₁)/(1 − β₂)\n"
      "is infinite until x enters the set (which it does at the rate (1 − ηλ)^t), then decreases. Baselines: projected GD onto\n"
      "the box, AdamW with the same decoupled decay, signSGD without decay (it heads for the unconstrained minimiser).\n"
      "What to look for: Lion's iterates cross into the box and stop at the box-constrained minimiser while its Ĥ falls\n"
      "(claim 4, tests/unit/optim_claims_test.cpp); signSGD leaves the box. Drag the start on the contour plot.";
  d.papers = {"L. Chen, B. Liu, K. Liang, Q. Liu. Lion Secretly Solves Constrained Optimization: As Lyapunov Predicts. ICLR 2024, arXiv:2310.05898.",
              "X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong, C.-J. Hsieh, Y. Lu, Q. V. Le. Symbolic Discovery of Optimization Algorithms. NeurIPS 2023, arXiv:2302.06675.",
              "I. Loshchilov, F. Hutter. Decoupled Weight Decay Regularization. ICLR 2019, arXiv:1711.05101.",
              "J. Bernstein, Y.-X. Wang, K. Azizzadenesheli, A. Anandkumar. signSGD: Compressed Optimisation for Non-Convex Problems. ICML 2018, arXiv:1802.04434."};
  d.default_runs = 50;
  d.make = [] { return std::make_unique<LionExperiment>(); };
  return d;
}

}  // namespace klab::optim
