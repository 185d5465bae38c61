#include "optim/bilevel_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/checkpoints.hpp"
#include "core/result_plots.hpp"
#include "core/rng.hpp"

namespace klab::optim {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 100;
constexpr uint32_t kStartStream = 0;
constexpr uint32_t kNoiseStream = 1;  // + the method's index in bilevel_method_ids(): its noise does not depend on the others
constexpr double kView = 3.0;  // x ∈ [−3, 3]
constexpr double kNan = __builtin_nan("");

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"penalty method, double loop (∇ψ_σ by Danskin)", "penalty method, single loop (σ_k schedule)",
                                               "AID (implicit differentiation)", "ITD (unrolled lower level)"};
  return labels;
}

std::shared_ptr<const ParamTable<BilevelParams>> table() {
  auto t = std::make_shared<ParamTable<BilevelParams>>();
  using P = BilevelParams;
  t->multi_choice("methods", &P::methods, {"penalty", "aid", "itd"}, bilevel_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Hypergradients, each driving gradient descent on x from the same start.");
  t->choice("problem", &P::problem, BilevelProblem::Liu, {"liu", "double_well"})
      .label("toy")
      .choice_labels({"Liu et al.: a line of lower-level solutions (ρ = 0)", "double well: two separated minimisers, φ jumps"})
      .help("liu: g = ½y₁² − xy₁ + (ρ/2)y₂²; double_well: g = ½y₁² + ¼(y₂² − 1)² − (ax/2)(3y₂ − y₂³), f = ½(x + y₂)² + cy₂.");
  t->real("rho", &P::rho, 0.0, 0.0, 5.0).label("lower curvature ρ").help("(liu) g = ½y₁² − xy₁ + (ρ/2)y₂²: ρ = 0 gives a line of lower-level solutions.");
  t->real("sigma", &P::sigma, 0.1, 1e-4, 10.0).label("penalty σ").log_scale().help("ψ_σ = min_y{f + g/σ} − min_z g/σ: within O(σ) of φ.");
  t->real("start", &P::start, -2.0, -3.0, 3.0).label("start x₀").help("Upper-level start (drag it on the plot).");
  t->real("jitter", &P::jitter, 0.5, 0.0, 2.0).label("start jitter").help("Run r starts uniformly in [x₀ − jitter, x₀ + jitter] (run 1 too).");
  t->real("y2_init", &P::y2_init, 2.0, -3.0, 3.0).label("lower start y₂⁰").help("Lower-level start (0, y₂⁰) of AID, ITD and the penalty's inner solves.");
  t->real("lr", &P::lr, 0.2, 1e-3, 1.0).label("outer step β").log_scale().help("x ← x − β h.");
  t->integer("steps", &P::steps, 200, 1, 100000).label("outer steps").log_scale().help("Gradient steps on x.");
  t->integer("inner_steps", &P::inner_steps, 50, 1, 1000000).label("inner steps K").log_scale().help("Lower-level (and penalty inner) gradient steps per outer step.");
  t->real("inner_lr", &P::inner_lr, 0.5, 1e-3, 1.0)
      .label("inner step α")
      .help("AID / ITD lower-level step on g, in units of 1/L_g (liu: L_g = max(1, ρ); double well: a bound on ∂²g/∂y₂²).");
  t->real("noise", &P::noise, 0.0, 0.0, 1.0).label("oracle noise s").help("Std of the Gaussian noise on every gradient coordinate every method uses (0: exact).");
  t->integer("batch", &P::batch, 1, 1, 1 << 20).label("batch M").log_scale().help("Samples averaged per oracle call: noise s/√M, M calls each.");
  return t;
}

}  // namespace

// [SECTION] run

const std::vector<std::string>& bilevel_method_ids() {
  static const std::vector<std::string> ids{"penalty", "penalty_single", "aid", "itd"};
  return ids;
}

BilevelToy bilevel_toy(const BilevelParams& p) {
  BilevelToy t;
  t.problem = p.problem;
  t.rho = p.rho;
  t.y_bound = std::fabs(p.y2_init);
  return t;
}

namespace {
// The single loop's penalty schedule (a reading: the paper's schedule is not reproduced): σ_k = max(σ, 1/√(k + 1)).
double single_loop_sigma(double sigma, int k) { return std::max(sigma, 1.0 / std::sqrt(static_cast<double>(k) + 1.0)); }
}  // namespace

BilevelRun::BilevelRun(const BilevelParams& p, uint64_t seed, uint32_t run)
    : toy_(bilevel_toy(p)), sigma_(p.sigma), lr_(p.lr), inner_steps_(p.inner_steps) {
  lower_.steps = p.inner_steps;
  lower_.step = p.inner_lr / toy_.lower_smoothness();  // α/L_g: stable for every α ≤ 1
  lower_.init = {0.0, p.y2_init};
  Rng rng(seed, run, kStartStream);
  start_ = p.start + p.jitter * (2.0 * rng.uniform() - 1.0);
  const std::vector<std::string>& ids = bilevel_method_ids();
  for (const std::string& id : p.methods) {
    x_.push_back(start_);
    value_.push_back(kNan);
    error_.push_back(kNan);
    penalty_.push_back(PenaltyState{lower_.init, lower_.init});
    const auto index = static_cast<uint32_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());  // the table admits only these ids
    kinds_.push_back(static_cast<Kind>(index));  // bilevel_method_ids() is in Kind order
    oracle_.push_back(NoisyOracle().set_sd(p.noise).set_batch(p.batch).set_rng(Rng(seed, run, kNoiseStream + index)));
  }
}

double BilevelRun::calls_per_step(size_t s) const {
  const double m = oracle_[s].batch(), k = inner_steps_;
  switch (kinds_[s]) {
    case Kind::Penalty: return m * (2.0 * k + 2.0);
    case Kind::PenaltySingle: return m * 4.0;
    case Kind::Aid: return m * (k + 2.0);
    case Kind::Itd: return m * (2.0 * k + 1.0);
  }
  return 0.0;
}

void BilevelRun::step() {
  for (size_t s = 0; s < x_.size(); ++s) {
    double h = 0.0;
    switch (kinds_[s]) {
      case Kind::Penalty: value_[s] = penalty_value(toy_, x_[s], sigma_, inner_steps_, &penalty_[s], &h, &oracle_[s]); break;
      case Kind::PenaltySingle:
        value_[s] = penalty_value(toy_, x_[s], single_loop_sigma(sigma_, k_), 1, &penalty_[s], &h, &oracle_[s]);
        break;
      case Kind::Aid: h = aid_hypergradient(toy_, x_[s], lower_, &oracle_[s]); break;
      case Kind::Itd: h = itd_hypergradient(toy_, x_[s], lower_, &oracle_[s]); break;
    }
    error_[s] = std::fabs(h - toy_.phi_gradient(x_[s]));
    x_[s] = std::clamp(x_[s] - lr_ * h, -toy_.x_bound(), toy_.x_bound());  // projected onto X (bilevel.hpp)
  }
  ++k_;
}

namespace {

enum Curve { kCurvePhiGap, kCurveGradient, kCurveDistance };
enum Final { kFinalDistance, kFinalGradErrorStart, kFinalValueGapStart, kFinalCalls };

class BilevelCursor final : public RunCursor {
 public:
  BilevelCursor(const BilevelExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : layout_(layout), out_(out), steps_(e.p().steps), sigma_(e.p().sigma), run_(e.p(), seed, run) {
    observe();
  }

  bool step(double work) override {
    long budget = work >= 1e15 ? steps_ : std::max(1L, static_cast<long>(work));
    while (run_.steps_done() < steps_ && budget-- > 0) {
      const bool first = run_.steps_done() == 0;
      run_.step();
      if (first)
        for (size_t s = 0; s < run_.methods(); ++s) {
          out_.final(s, kFinalGradErrorStart, run_.last_error(s));
          const double v = run_.last_penalty(s);
          if (std::isfinite(v)) out_.final(s, kFinalValueGapStart, std::fabs(v - run_.toy().phi(run_.start())));
        }
      observe();
    }
    if (run_.steps_done() < steps_) return false;
    for (size_t s = 0; s < run_.methods(); ++s) {
      out_.final(s, kFinalDistance, std::fabs(run_.x(s) - run_.toy().phi_minimiser()));
      out_.final(s, kFinalCalls, run_.calls(s));
    }
    return true;
  }

 private:
  void observe() {
    const std::vector<double>& ks = layout_.axes[0].x;
    if (next_ >= ks.size() || static_cast<int>(ks[next_]) != run_.steps_done()) return;
    const BilevelToy& t = run_.toy();
    for (size_t s = 0; s < run_.methods(); ++s) {
      out_.curve(s, kCurvePhiGap, next_, t.phi(run_.x(s)) - t.phi(t.phi_minimiser()));
      out_.curve(s, kCurveGradient, next_, std::fabs(t.phi_gradient(run_.x(s))));
      out_.curve(s, kCurveDistance, next_, std::fabs(run_.x(s) - t.phi_minimiser()));
    }
    ++next_;
  }

  const RunLayout& layout_;
  RunRecord& out_;
  int steps_;
  double sigma_;
  BilevelRun run_;
  size_t next_ = 0;
};

}  // namespace

BilevelExperiment::BilevelExperiment() : ExperimentOf(table()) {}

std::unique_ptr<RunCursor> BilevelExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<BilevelCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout BilevelExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"outer step k", even_checkpoints(static_cast<double>(p().steps), kCheckpoints)}};
  l.curves = {{"phi_gap", 0}, {"phi_gradient", 0}, {"distance", 0}};
  l.final_metrics = {"distance", "grad_error_start", "value_gap_start", "oracle_calls"};
  l.work_unit = "outer_steps";
  l.work_per_run = static_cast<double>(p().steps);
  return l;
}

// [SECTION] figure

plot::Plot BilevelExperiment::landscape() const {
  const BilevelToy t = bilevel_toy(p());
  const double sigma = p().sigma;
  plot::Plot c;
  c.title = "Hyper-objective φ and penalty function ψ_σ";
  c.x = {"x", plot::Scale::Linear, -kView, kView};
  c.y = {"value"};
  const std::string phi_name = "φ(x) = min over S(x) of f";
  plot::Line phi{phi_name, {}, {}, {}, {}, {0.95f, 0.95f, 0.95f, 1.0f}, 3.0f};
  plot::Line psi = plot::reference_line("ψ_σ(x)");
  std::vector<double> xs;
  for (int i = 0; i <= 120; ++i) xs.push_back(-kView + 2.0 * kView * i / 120);
  const bool well = t.problem == BilevelProblem::DoubleWell;
  if (well && sigma < kWellTilt) {  // resolve ψ_σ's ramp across φ's jump, 0 < x < cσ/(a − σ) (bilevel.hpp)
    const double window = std::min(1.0, kWellStep * sigma / (kWellTilt - sigma));
    for (int i = 1; i <= 24; ++i) xs.push_back(2.0 * window * i / 24);
    std::sort(xs.begin(), xs.end());
  }
  // On the double well φ jumps at x = 0: its right branch is a second, unnamed line of the same series (from its limit ½ + c).
  plot::Line right{"", {}, {}, {}, {}, phi.color, phi.width};
  right.group = phi_name;
  if (well) right.x.push_back(0.0), right.y.push_back(t.upper(0.0, {0.0, 1.0}));
  for (double x : xs) {
    plot::Line& branch = well && x > 0.0 ? right : phi;
    branch.x.push_back(x), branch.y.push_back(t.phi(x));
    psi.x.push_back(x), psi.y.push_back(t.penalty_exact(x, sigma));
  }
  c.lines = {phi, psi};
  if (well) c.lines.push_back(right);
  return c;
}

plot::Figure BilevelExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const std::string toy = p().problem == BilevelProblem::DoubleWell ? "Double-well lower level (y₂⁰ = " + format_real(p().y2_init) + ")"
                          : std::string(p().rho > 0 ? "Unique lower level" : "Non-unique lower level") + " (ρ = " + format_real(p().rho) + ")";
  f.title = toy + ", σ = " + format_real(p().sigma) + ", " + std::to_string(r.runs_done) + " runs";
  if (p().noise > 0) f.title += ", oracle noise s = " + format_real(p().noise) + ", batch M = " + std::to_string(p().batch);
  BilevelRun run(p(), r.seed, 0);
  // |x_k − argmin φ| against the oracle calls each method spent (k · calls per step; k = 0 left out of the log axis).
  plot::Plot cost;
  cost.title = "Distance to argmin φ against oracle calls";
  cost.x = {"oracle calls", plot::Scale::Log};
  cost.y = {"|x_k − argmin φ|", plot::Scale::Log};
  cost.lines = plot::result_lines(r, "distance");
  for (size_t s = 0; s < cost.lines.size(); ++s) {
    plot::Line& l = cost.lines[s];
    for (std::vector<double>* v : {&l.x, &l.y, &l.lo, &l.hi})
      if (!v->empty()) v->erase(v->begin());
    for (double& x : l.x) x *= run.calls_per_step(s);
  }
  // Run 1's iterates on φ.
  plot::Plot c = landscape();
  const BilevelToy& t = run.toy();
  std::vector<plot::Line> paths(run.methods());
  for (size_t s = 0; s < run.methods(); ++s) paths[s] = {r.layout.series[s], {run.x(s)}, {t.phi(run.x(s))}, {}, {}, palette(s), 1.5f};
  while (run.steps_done() < p().steps) {
    run.step();
    for (size_t s = 0; s < run.methods(); ++s) paths[s].x.push_back(run.x(s)), paths[s].y.push_back(t.phi(run.x(s)));
  }
  for (size_t s = 0; s < run.methods(); ++s) c.points.push_back({"", {paths[s].x.back()}, {paths[s].y.back()}, palette(s), 5.0f, r.layout.series[s]});
  c.lines.insert(c.lines.end(), paths.begin(), paths.end());
  c.title = "Run 1: the iterates on φ, and ψ_σ";
  f.plots = {c, cost};
  return f;
}

// [SECTION] demo text

DemoInfo bilevel_demo() {
  DemoInfo d;
  d.id = "optim.bilevel";
  d.chapter = "optim";
  d.title = "Penalty methods for bilevel problems";
  d.summary = "The penalty function ψ_σ is within O(σ) of the hyper-objective φ even when the lower level has many solutions; "
              "AID and ITD hypergradients, which assume one, stop at the wrong point. A double-well lower level shows where it breaks.";
  d.about =
      "Bilevel: min_x φ(x) = min_{y∈S(x)} f(x, y), S(x) = argmin_y g(x, y). Penalty (Kwon et al.): h_σ = σf + g and\n"
      "    ψ_σ(x) = min_y {f(x, y) + g(x, y)/σ} − min_z g(x, z)/σ,   ∇ψ_σ(x) = ∇_x f(x, y_σ) + (∇_x g(x, y_σ) − ∇_x g(x, z*))/σ\n"
      "with |ψ_σ − φ| and |∇ψ_σ − ∇φ| = O(σ) under the paper's proximal error bound on the lower level, whether or not S(x) is a\n"
      "single point; the method runs gradient descent on ψ_σ with both inner minimisations by warm-started gradient descent\n"
      "(this lab's reading of the paper's first-order method).\n"
      "Toy liu (Liu et al. 2020's counterexample with a knob ρ): f = ½(x − y₂)² + ½(y₁ − 1)², g = ½y₁² − xy₁ + (ρ/2)y₂².\n"
      "With ρ = 0, S(x) = {x} × ℝ, φ = ½(x − 1)²; AID and ITD differentiate through a lower-level solver that never moves y₂\n"
      "(g ignores it), so they descend ½(x − y₂⁰)² + ½(x − 1)² and stop at (1 + y₂⁰)/2.\n"
      "Toy double_well (this lab's): g = ½y₁² + ¼(y₂² − 1)² − (ax/2)(3y₂ − y₂³), f = ½(x + y₂)² + cy₂, a = 0.2, c = 0.5. The wells\n"
      "stay at y₂ = ±1 with depths ∓ax, so S(x) = {(0, sgn x)}: two separated minimisers at the switch x = 0, where φ = ½(x + sgn x)² +\n"
      "c·sgn x jumps by 2c; argmin φ = 0 (the optimistic choice takes the −1 well there). This lower level violates the paper's\n"
      "error bound: the hump y₂ = −3ax/2 between the wells is a stationary point of g that is not a minimiser. The σ slider now\n"
      "shows what the line of solutions cannot: the dashed ψ_σ is continuous and crosses φ's jump on a window 0 < x < cσ/(a − σ)\n"
      "(where the well f prefers costs only 2ax/σ of g), so the gap there stays ≈ c while the window shrinks with σ; away from\n"
      "x = 0 the gap is O(σ); for σ > a the −1 well wins on the whole right side and ψ_σ looks nothing like φ.\n"
      "Stochastic oracles (noise s > 0): every gradient gets N(0, s²/M) per coordinate, a batch of M samples costing M calls.\n"
      "The paper's rates to an ε-stationary point of ψ_σ with σ = O(ε): O(ε⁻³) calls with exact oracles, O(ε⁻⁷) with noisy ones\n"
      "(double loop: inner solves and large batches), O(ε⁻⁵) for a momentum-assisted single loop under mean-squared smoothness of\n"
      "the oracles (the abstract and a summary of the paper). This lab's double loop is the method above with noisy oracles and\n"
      "batch M; its single loop takes one plain inner step per x step with σ_k = max(σ, 1/√(k + 1)); both are readings: the\n"
      "paper's step, batch and σ schedules could not be read here, steps are constant, and the noise leaves a floor, not a rate.\n"
      "With σ = ε the double loop settles at |∇φ| ≤ ε after O(log 1/ε) calls with exact oracles and ε^(−4.2) with noisy ones and a\n"
      "batch M ∝ ε⁻⁴ (claim 7, rates): liu is a strongly convex quadratic, far from the nonconvex worst case the paper bounds.\n"
      "What to look for: on liu with ρ = 0 the penalty method reaches φ's minimiser x = 1 while AID and ITD stop at (1 + y₂⁰)/2, and\n"
      "the dashed ψ_σ hugs φ as σ shrinks (claim 6, tests/unit/optim_bilevel_claims_test.cpp). Add noise: the penalty's x-gradient\n"
      "carries it divided by σ, so its final distance falls like 1/√M with the batch and, with ρ = 3, is U-shaped in σ (claim 7,\n"
      "same file); AID and ITD stay wrong. Set ρ > 0 (unique lower level) and all agree. On double_well every inner solver here is\n"
      "local: from y₂⁰ = 2 all three methods keep the +1 well and stop near x = −1, where ∇φ = −2 (claim 6, double well): the\n"
      "penalty method is only as good as its inner minimisations. From y₂⁰ = 0 the cold-started AID and ITD find the global well at\n"
      "every x and chatter around the jump, while the warm-started penalty method carries the −1 well across it to x = 1. The right\n"
      "plot puts each method against its oracle calls. Drag the start x₀ on the plot.";
  d.papers = {"J. Kwon, D. Kwon, S. Wright, R. Nowak. On Penalty Methods for Nonconvex Bilevel Optimization and First-Order Stochastic "
              "Approximation. ICLR 2024, arXiv:2309.01753.",
              "R. Liu, P. Mu, X. Yuan, S. Zeng, J. Zhang. A Generic First-Order Algorithmic Framework for Bi-Level Programming Beyond "
              "Lower-Level Singleton. ICML 2020, arXiv:2006.04045.",
              "K. Ji, J. Yang, Y. Liang. Bilevel Optimization: Convergence Analysis and Enhanced Design. ICML 2021, arXiv:2010.07962 (AID, ITD)."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<BilevelExperiment>(); };
  return d;
}

}  // namespace klab::optim
