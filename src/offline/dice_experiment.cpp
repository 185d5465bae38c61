#include "offline/dice_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/checkpoints.hpp"
#include "core/result_plots.hpp"
#include "mdp/evaluation.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "offline/weighting.hpp"

namespace klab::offline {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 20;
constexpr double kNan = __builtin_nan("");
enum class Method { Semi, True, Orthogonal, Iql, Bc };

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"semi-gradient DICE (forward gradient only)", "true-gradient DICE (forward + backward)",
                                               "O-DICE (orthogonal gradient)", "IQL-style expectile (action-level constraint)",
                                               "behaviour cloning"};
  return labels;
}

Status check_features(const DiceParams& p) {
  const mdp::WorldParams w = mdp::world_params_of(p);
  const Expected<mdp::WorldSize> z = mdp::world_size(w);
  if (!z.ok()) return z.status();
  if (p.features == FeatureKind::Tabular) return {};
  const bool grid = !(p.mdp_file.empty() && p.grid.empty() && p.world == mdp::Preset::Random) && [&] {
    const Expected<mdp::World> built = mdp::build_world(w, 0, 0);
    return built.ok() && built.value().layout.rows > 0;
  }();
  if (!grid) return Status::error("features=radial and features=radial_one_hot need a gridworld (cliff, four_rooms, hazard_maze, an edited grid or a klab.gridworld file); use features=tabular for this world");
  if (p.features == FeatureKind::RadialOneHot && z.value().states > 5000)
    return Status::error("features=radial_one_hot needs a world of at most 5000 states (this one has " + std::to_string(z.value().states) + ")");
  return {};
}

std::shared_ptr<const ParamTable<DiceParams>> table() {
  auto t = std::make_shared<ParamTable<DiceParams>>();
  using P = DiceParams;
  t->multi_choice("methods", &P::methods, dice_method_ids(), dice_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Learners, all on the same dataset with the same batches.");
  mdp::WorldParams w;
  w.preset = mdp::Preset::FourRooms;
  w.vary_world = false;
  w.actions = 4;
  w.branching = 3;
  mdp::declare_world_params(*t, w, 2000);
  t->real("gamma", &P::gamma, 0.9, 0.0, 0.999).label("discount γ").help("Discount of the values (the world's own γ is replaced).");
  DatasetSpec d;
  d.behaviour = Behaviour::Noisy;
  d.episodes = 10;
  d.episode_length = 60;
  d.noise = 0.3;
  declare_dataset_params(*t, d);
  t->choice("features", &P::features, FeatureKind::RadialOneHot, {"radial_one_hot", "tabular", "radial"})
      .label("value features φ")
      .choice_labels({"one-hot + radial bumps (fits every state, generalises)", "one-hot (tabular V)", "radial bumps only (linear V)"})
      .help("V(s) = θᵀφ(s): Gaussian bumps every `spacing` cells plus a constant (gridworlds only), with or without a one-hot block; or one-hot only.");
  t->real("spacing", &P::spacing, 2.0, 0.5, 20.0).label("bump spacing").help("Radial features: distance between bump centres and their width, in cells.");
  t->real("lambda", &P::lambda, 0.7, 0.01, 0.99).label("DICE λ").help("L(V) = (1 − λ) E[V(s)] + λ E[f*(r + γV(s′) − V(s))].");
  t->real("eta", &P::eta, 1.0, 0.0, 10.0).label("O-DICE η").help("Weight of the projected backward gradient in the orthogonal update.");
  t->real("tau", &P::tau, 0.7, 0.5, 0.99).label("IQL expectile τ").help("Expectile of the IQL-style value loss (0.5: the behaviour's value).");
  t->real("reward_scale", &P::reward_scale, 100.0, 1e-3, 1e4).label("reward scale c").log_scale().help("The value learners see rewards c·r: f*'s curvature acts on δ in these units (V̂ is reported in the world's units, V̂ = θᵀφ/c).");
  t->real("step_size", &P::step_size, 0.5, 1e-4, 10.0).label("step α").log_scale().help("Gradient step size.");
  t->integer("batch", &P::batch, 64, 1, 100000).label("batch").log_scale().help("Transitions per gradient (the projection acts on batch gradients).");
  t->integer("steps", &P::steps, 1000, 1, 10000000).label("gradient steps").log_scale().help("Gradient steps of every learner.");
  t->integer("support_steps", &P::support_steps, 10, 1, 10000).label("steps back to the data").help("A policy 'returns to the data' from an unseen state if it enters a dataset state within this many steps.");
  t->rule([](const P& p) -> Status { return check_features(p); });
  return t;
}

Method method_of(const std::string& id) { return static_cast<Method>(mdp::id_index(dice_method_ids(), id)); }

}  // namespace

DiceSettings dice_settings(const DiceParams& p, const std::string& method) {
  const Method m = method_of(method);
  DiceSettings s;
  s.update = m == Method::Semi ? DiceUpdate::Semi : m == Method::True ? DiceUpdate::True : m == Method::Orthogonal ? DiceUpdate::Orthogonal : DiceUpdate::Expectile;
  s.lambda = p.lambda;
  s.eta = p.eta;
  s.tau = p.tau;
  s.step_size = p.step_size;
  s.batch = p.batch;
  s.reward_scale = p.reward_scale;
  return s;
}

bool dice_learns(const std::string& method) { return method_of(method) != Method::Bc; }

namespace {

double mean_over(const std::vector<double>& v, const std::vector<int>& states) {
  if (states.empty()) return kNan;
  double t = 0.0;
  for (int s : states) t += v[static_cast<size_t>(s)];
  return t / static_cast<double>(states.size());
}

}  // namespace

Features dice_features(const DiceParams& p, const mdp::World& w) {
  if (p.features == FeatureKind::Tabular) return tabular_features(w.mdp.states);
  return radial_features(w.layout, w.mdp.states, p.spacing, p.features == FeatureKind::RadialOneHot);
}

// [SECTION] run

const std::vector<std::string>& dice_method_ids() {
  static const std::vector<std::string> ids{"semi", "true", "orthogonal", "iql", "bc"};
  return ids;
}

DiceRun::DiceRun(const DiceParams& p, const OfflineProblem& problem, uint64_t seed, uint32_t run)
    : DiceRun(p, problem, std::make_shared<const Features>(dice_features(p, *problem.world)), seed, run) {}

DiceRun::DiceRun(const DiceParams& p, const OfflineProblem& problem, std::shared_ptr<const Features> features, uint64_t seed, uint32_t run)
    : problem_(&problem), support_steps_(p.support_steps), features_(std::move(features)), ids_(p.methods) {
  const mdp::Mdp& m = problem.world->mdp;
  support_.assign(static_cast<size_t>(m.states), 0);
  for (int s : problem.data_states) support_[s] = 1;
  const std::vector<char> absorbing = absorbing_states(m);
  for (int s = 0; s < m.states; ++s)
    if (!support_[s] && !absorbing[s]) unseen_.push_back(s);
  learners_.reserve(ids_.size());
  for (const std::string& id : ids_) {
    learners_.emplace_back(m, problem.dataset, *features_, dice_settings(p, id));
    rngs_.emplace_back(seed, run, kDiceBatchStream);  // the same batches for every learner
  }
}

void DiceRun::step() {
  for (size_t i = 0; i < learners_.size(); ++i)
    if (method_of(ids_[i]) != Method::Bc) learners_[i].step(rngs_[i]);
  ++done_;
}

DiceRun::Check DiceRun::check(size_t i) const {
  const DiceLearner& l = learners_[i];
  return check_at(i, l.parameters(), l.last().cosine());  // check_at ignores the cosine of bc and iql
}

DiceRun::Check DiceRun::check_at(size_t i, const std::vector<double>& theta, double cosine) const {
  const mdp::Mdp& m = problem_->world->mdp;
  const Dataset& d = problem_->dataset;
  const Method k = method_of(ids_[i]);
  Check c;
  c.overestimation = c.cosine = kNan;
  if (k == Method::Bc) {
    c.policy = weighted_behaviour_cloning(m, d, transition_probabilities(d, Sampler::Uniform, 1.0));
  } else {
    const DiceLearner& l = learners_[i];
    c.value = l.values(theta);
    c.policy = dice_policy(m, d, c.value, l.policy_weights(theta));
    if (k != Method::Iql) c.cosine = cosine;
  }
  const Eigen::VectorXd v = mdp::evaluate(m, c.policy, m.reward);
  c.ret = mdp::start_value(m, v);
  c.back = return_to_support(m, c.policy, support_, support_steps_);
  c.support_rate = mean_over(c.back, unseen_);
  if (!c.value.empty()) {
    std::vector<double> gap(c.value.size());
    for (size_t s = 0; s < gap.size(); ++s) gap[s] = c.value[s] - v[static_cast<Eigen::Index>(s)];
    c.overestimation = mean_over(gap, problem_->data_states);
  }
  return c;
}

namespace {

enum Curve { kCurveReturn, kCurveSupport, kCurveOverestimation, kCurveCosine };
enum Final { kFinalReturn, kFinalSupport, kFinalOverestimation, kFinalCosine, kFinalOptimum, kFinalTq, kFinalSaco, kFinalUnseen };

}  // namespace

void record_dice_checkpoint(RunRecord& out, size_t series, size_t k, const DiceRun::Check& c) {
  out.curve(series, kCurveReturn, k, c.ret);
  out.curve(series, kCurveSupport, k, c.support_rate);
  out.curve(series, kCurveOverestimation, k, c.overestimation);
  out.curve(series, kCurveCosine, k, c.cosine);
}

void record_dice_finals(RunRecord& out, size_t series, const DiceRun::Check& c, const OfflineProblem& problem, size_t unseen_states) {
  out.final(series, kFinalReturn, c.ret);
  out.final(series, kFinalSupport, c.support_rate);
  out.final(series, kFinalOverestimation, c.overestimation);
  out.final(series, kFinalCosine, c.cosine);
  out.final(series, kFinalOptimum, mdp::start_value(problem.world->mdp, problem.optimum.v));
  out.final(series, kFinalTq, problem.measures.tq);
  out.final(series, kFinalSaco, problem.measures.saco);
  out.final(series, kFinalUnseen, static_cast<double>(unseen_states));
}

std::vector<int> dice_checkpoint_steps(const RunLayout& layout) {
  // As DiceCursor::observe: at the start and after each step, the next checkpoint is recorded when it
  // equals the steps done (the axis holds distinct whole numbers, 0 first).
  std::vector<int> at;
  for (double x : layout.axes[0].x) at.push_back(static_cast<int>(x));
  return at;
}

namespace {

class DiceCursor final : public RunCursor {
 public:
  DiceCursor(const DiceExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out) : layout_(layout), out_(out), p_(e.p()) {
    Expected<OfflineProblem> problem = e.problem(seed, run);
    if (!problem.ok()) return;  // the parameter rules refuse what cannot be built
    problem_ = std::make_unique<OfflineProblem>(std::move(problem.value()));
    run_ = std::make_unique<DiceRun>(p_, *problem_, seed, run);
    observe();
  }
  bool step(double work) override {
    if (!run_) return true;
    double budget = work;
    const double per_step = static_cast<double>(p_.batch) * static_cast<double>(run_->methods());
    while (run_->steps_done() < p_.steps && budget > 0) {
      run_->step();
      budget -= per_step;
      observe();
    }
    if (run_->steps_done() < p_.steps) return false;
    for (size_t s = 0; s < run_->methods(); ++s) record_dice_finals(out_, s, run_->check(s), *problem_, run_->unseen().size());
    return true;
  }

 private:
  void observe() {
    const std::vector<double>& ks = layout_.axes[0].x;
    if (next_ >= ks.size() || ks[next_] != run_->steps_done()) return;
    for (size_t s = 0; s < run_->methods(); ++s) record_dice_checkpoint(out_, s, next_, run_->check(s));
    ++next_;
  }
  const RunLayout& layout_;
  RunRecord& out_;
  DiceParams p_;
  std::unique_ptr<OfflineProblem> problem_;
  std::unique_ptr<DiceRun> run_;
  size_t next_ = 0;
};

}  // namespace

DiceExperiment::DiceExperiment() : ExperimentOf(table()) {}

Expected<OfflineProblem> DiceExperiment::problem(uint64_t seed, uint32_t run) const {
  return make_problem(cache_, mdp::world_params_of(p()), static_cast<const Experiment&>(*this).params().version(), dataset_spec_of(p()), seed, run);
}

std::unique_ptr<RunCursor> DiceExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<DiceCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout DiceExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"gradient steps", even_checkpoints(static_cast<double>(p().steps), kCheckpoints)}};
  l.curves = {{"return", 0}, {"support_rate", 0}, {"overestimation", 0}, {"gradient_cosine", 0}};
  l.final_metrics = {"return", "support_rate", "overestimation", "gradient_cosine", "optimal_return", "tq", "saco", "unseen_states"};
  l.work_unit = "samples";
  l.work_per_run = static_cast<double>(p().steps) * p().batch * static_cast<double>(p().methods.size());
  return l;
}

// [SECTION] figure

plot::Plot support_map(const OfflineProblem& pb, const DiceRun::Check& c, const std::string& title) {
  const mdp::GridLayout& g = pb.world->layout;
  mdp::GridPlotInput in;
  in.mdp = &pb.world->mdp;
  in.layout = &g;
  in.state_values = c.back;
  in.policy = &c.policy;
  in.title = title;
  in.value_label = "P(back to the data)";
  in.vmin = 0.0, in.vmax = 1.0;
  plot::Plot map = mdp::grid_plot(in);
  map.legend = true;
  map.points.push_back(mdp::grid_points(g, pb.data_states, "dataset states", {1.0f, 1.0f, 1.0f, 1.0f}, 2.5f));
  return map;
}

std::vector<plot::Plot> DiceExperiment::run_maps(uint64_t seed) const {
  const uint64_t version = static_cast<const Experiment&>(*this).params().version();
  std::lock_guard<std::mutex> lock(maps_.mutex);
  if (maps_.valid && maps_.version == version && maps_.seed == seed) return maps_.maps;
  std::vector<plot::Plot> maps;
  Expected<OfflineProblem> problem = this->problem(seed, 0);
  if (problem.ok() && problem.value().world->layout.rows > 0) {
    const OfflineProblem& pb = problem.value();
    DiceRun run(p(), pb, seed, 0);
    while (run.steps_done() < p().steps) run.step();
    // O-DICE's map, else the first method's.
    const auto at = std::find(p().methods.begin(), p().methods.end(), "orthogonal");
    const size_t shown = at == p().methods.end() ? 0 : static_cast<size_t>(at - p().methods.begin());
    maps.push_back(support_map(pb, run.check(shown),
                               "Run 1, " + p().methods[shown] + ": P(back to the data within " + std::to_string(p().support_steps) + " steps) and its policy"));
  }
  maps_.valid = true;
  maps_.version = version;
  maps_.seed = seed;
  maps_.maps = maps;
  return maps;
}

plot::Figure DiceExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = mdp::world_label(mdp::world_params_of(p())) + ", " + kBehaviourLabels[static_cast<int>(p().behaviour)] + " dataset, λ = " +
            format_real(p().lambda) + ", η = " + format_real(p().eta) + ", " + std::to_string(r.runs_done) + " runs";
  const auto over_steps = [&](const std::string& title, const std::string& y, const std::string& metric) {
    plot::Plot q;
    q.title = title;
    q.x = {"gradient steps"};
    q.x.cover_lo = 0;
    q.x.cover_hi = p().steps;
    q.y = {y};
    q.lines = mdp::reported_lines(r, metric);
    return q;
  };
  plot::Plot support = over_steps("From states the data never visit: back to the data within " + std::to_string(p().support_steps) + " steps",
                                  "probability (mean over unseen states)", "support_rate");
  plot::Plot ret = over_steps("Return of the policy (exact)", "V^π(ρ)", "return");
  const int opt = r.layout.find_final("optimal_return");
  if (opt >= 0 && !r.layout.series.empty() && r.final_stat(0, static_cast<size_t>(opt)).count() > 0)
    ret.guides.push_back(mdp::reference_guide("optimal V*(ρ)", r.final_stat(0, static_cast<size_t>(opt)).mean()));
  plot::Plot over = over_steps("Overestimation V̂ − V^π at dataset states", "V̂(s) − V^π(s)", "overestimation");
  over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
  plot::Plot cosine = over_steps("Do the forward and backward gradients cancel? (−1: exactly)", "cos∠(g→, g←)", "gradient_cosine");
  cosine.y.cover_lo = -1.0, cosine.y.cover_hi = 1.0;

  const std::vector<plot::Plot> maps = run_maps(r.seed);
  if (!maps.empty()) f.plots.push_back(maps[0]);
  f.plots.push_back(support);
  f.plots.push_back(over);
  f.plots.push_back(ret);
  f.plots.push_back(cosine);
  return f;
}

// [SECTION] demo text

DemoInfo dice_demo() {
  DemoInfo d;
  d.id = "offline.dice";
  d.chapter = "offline";
  d.title = "DICE: orthogonal-gradient update";
  d.summary = "V-DICE on a narrow dataset with the semi-, true and orthogonal gradient (O-DICE), vs an IQL-style constraint and behaviour cloning: do the gradients cancel, and does the policy lead back to the data from states the data never visit?";
  d.about =
      "DICE methods learn V by minimising L(V) = (1 − λ) E_D[V(s)] + λ E_D[f*(δ)], δ = c·r + γV(s′) − V(s) (Pearson χ²: f*′(δ) = max(0, 1 + δ/2)).\n"
      "The gradient of the f* term has a forward part on the current state and a backward part on the next state:\n"
      "    g→ = −λ E[f*′(δ) φ(s)],   g← = λγ E[f*′(δ) φ(s′)],   and every rule adds (1 − λ) E[φ(s)]\n"
      "semi-gradient: g→ only (an action-level constraint, like IQL); true gradient: g→ + g← (the two may cancel);\n"
      "O-DICE: g→ + η (g← − (g←ᵀg→/‖g→‖²) g→), the backward gradient projected on the forward gradient's normal plane.\n"
      "V(s) = θᵀφ(s): one-hot plus Gaussian bumps (V generalises to states the data never visit), bumps only, or one-hot.\n"
      "The policy: behaviour cloning weighted by w = f*′(δ) on the dataset states, and one step of look-ahead on V̂ with the true\n"
      "dynamics where the data never go (our reading: a table extrapolates nothing). Rewards are scaled by c = 100 (reading: at c = 1\n"
      "the dual's offset swamps this world's single reward of 1 and every DICE policy is worse than cloning).\n"
      "What to look for: the true gradient's V̂ − V^π (the first plot) falls below 0 while its return (readouts) stays below O-DICE's,\n"
      "and the cosine between g→ and g← of all three DICE learners sits just above the dashed −1 line (the true gradient's two parts\n"
      "cancel; the lines overlap). That is at the default λ = 0.7: at λ = 0.9 the\n"
      "true gradient's return is the best of the three DICE learners (README). NOT seen in this toy: O-DICE's\n"
      "policy walking back to the data (white dots) from unseen states more often than semi-gradient DICE's — it does so slightly\n"
      "less often (README: offline.dice). The paper's text could not be read from the lab: the equations follow the authors' code.";
  d.papers = {"L. Mao, H. Xu, W. Zhang, X. Zhan. ODICE: Revealing the Mystery of Distribution Correction Estimation via Orthogonal-gradient Update. ICLR 2024, arXiv:2402.00348.",
              "I. Kostrikov, A. Nair, S. Levine. Offline Reinforcement Learning with Implicit Q-Learning. ICLR 2022, arXiv:2110.06169.",
              "J. Lee, W. Jeon, B. Lee, J. Pineau, K.-E. Kim. OptiDICE: Offline Policy Optimization via Stationary Distribution Correction Estimation. ICML 2021."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<DiceExperiment>(); };
  return d;
}

}  // namespace klab::offline
