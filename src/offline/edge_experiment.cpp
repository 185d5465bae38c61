#include "offline/edge_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/checkpoints.hpp"
#include "core/result_plots.hpp"
#include "mdp/evaluation.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"

namespace klab::offline {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 40;
constexpr uint32_t kLearnerStream = 0x8E10;  // + method
constexpr double kNan = __builtin_nan("");
enum class Method { Mopo, Ravl, FullHorizon };

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"MOPO / MBPO, k-step rollouts (penalty 0 under the true model)", "RAVL: min over N Q-tables, k-step rollouts",
                                               "full-horizon rollouts (no edge of reach)"};
  return labels;
}

std::shared_ptr<const ParamTable<EdgeParams>> table() {
  auto t = std::make_shared<ParamTable<EdgeParams>>();
  using P = EdgeParams;
  t->multi_choice("methods", &P::methods, edge_method_ids(), edge_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Learners, all on the same dataset, the same true dynamics and the same initial Q-tables.");
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
  d.noise = 0.1;
  declare_dataset_params(*t, d);
  t->integer("rollout_length", &P::rollout_length, 3, 1, 1000).label("rollout length k").help("Steps of each model rollout from a dataset state (MOPO and RAVL); states at distance exactly k from the dataset are the edge of reach.");
  t->integer("full_length", &P::full_length, 100, 1, 10000).label("full-horizon length").log_scale().help("Rollout length of the full-horizon learner (long enough to reach every reachable state).");
  t->integer("ensemble", &P::ensemble, 10, 2, 100).label("RAVL ensemble N").help("Q-tables of RAVL; its values are their minimum.");
  t->real("init_scale", &P::init_scale, 0.5, 0.0, 100.0).label("untrained-value scale σ").help("Initial Q-values are N(0, σ²) per (s, a) and table: what a learner says where it was never trained (0: all zero).");
  t->integer("iterations", &P::iterations, 200, 1, 100000).label("iterations").log_scale().help("Rollout-then-update iterations.");
  t->integer("updates_per_iteration", &P::updates_per_iteration, 250, 1, 10000).label("updates / iteration").log_scale().help("Q updates per iteration.");
  t->integer("rollouts_per_iteration", &P::rollouts_per_iteration, 25, 1, 10000).label("rollouts / iteration").log_scale().help("Rollouts started per iteration, each from a uniformly drawn dataset state.");
  t->real("real_fraction", &P::real_fraction, 0.05, 0.0, 1.0).label("real-data share").help("Share of updates on dataset transitions (MBPO: 0.05); the rest on rollout transitions.");
  t->real("step_size", &P::step_size, 0.3, 1e-3, 1.0).label("step α").log_scale().help("Q-learning step size.");
  t->real("epsilon", &P::epsilon, 0.2, 0.0, 1.0).label("rollout ε").help("Rollout policy: ε-greedy in the learner's Q̂.");
  t->rule([](const P& p) -> Status {
    const Expected<mdp::WorldSize> z = mdp::world_size(mdp::world_params_of(p));
    return z.ok() ? Status{} : z.status();
  });
  return t;
}

Method method_of(const std::string& id) { return static_cast<Method>(mdp::id_index(edge_method_ids(), id)); }

}  // namespace

RolloutSettings edge_rollout_settings(const EdgeParams& p, const std::string& method) {
  const Method m = method_of(method);
  RolloutSettings s;
  s.ensemble = m == Method::Ravl ? p.ensemble : 1;
  s.rollout_length = m == Method::FullHorizon ? p.full_length : p.rollout_length;
  s.rollouts_per_iteration = p.rollouts_per_iteration;
  s.updates_per_iteration = p.updates_per_iteration;
  s.real_fraction = p.real_fraction;
  s.step_size = p.step_size;
  s.epsilon = p.epsilon;
  s.init_scale = p.init_scale;
  return s;
}

uint32_t edge_learner_stream(const std::string& method) { return kLearnerStream + static_cast<uint32_t>(method_of(method)); }

namespace {

double mean_over(const std::vector<double>& v, const std::vector<int>& states) {
  if (states.empty()) return kNan;
  double total = 0.0;
  for (int s : states) total += v[static_cast<size_t>(s)];
  return total / static_cast<double>(states.size());
}

}  // namespace

// [SECTION] run

const std::vector<std::string>& edge_method_ids() {
  static const std::vector<std::string> ids{"mopo", "ravl", "full_horizon"};
  return ids;
}

EdgeRun::EdgeRun(const EdgeParams& p, const OfflineProblem& problem, uint64_t seed, uint32_t run) : problem_(&problem) {
  const mdp::Mdp& m = problem.world->mdp;
  for (const std::string& id : p.methods)
    learners_.emplace_back(m, problem.dataset, edge_rollout_settings(p, id), seed, run, kEdgeInitStream, edge_learner_stream(id));
  reach_ = reach_steps(m, problem.data_states);
  edge_ = edge_of_reach(reach_, p.rollout_length, absorbing_states(m));
}

void EdgeRun::step() {
  for (RolloutLearner& l : learners_) l.iterate();
  ++done_;
}

EdgeRun::Check EdgeRun::check(size_t i) const { return edge_check(*problem_, edge_, learners_[i].values().data()); }

EdgeRun::Check edge_check(const OfflineProblem& problem, const std::vector<int>& edge, const double* qhat) {
  const mdp::Mdp& m = problem.world->mdp;
  EdgeRun::Check c;
  c.actions = greedy_actions(m, qhat);
  const mdp::Policy pi = mdp::deterministic_policy(m, c.actions);
  const Eigen::VectorXd v = mdp::evaluate(m, pi, m.reward);
  const Eigen::VectorXd q = mdp::q_from_v(m, v, m.reward);
  c.gap.resize(static_cast<size_t>(m.states));
  std::vector<double> believed(static_cast<size_t>(m.states)), optimal(static_cast<size_t>(m.states));
  for (int s = 0; s < m.states; ++s) {
    const int pair = m.first_pair[s] + c.actions[s];
    c.gap[s] = qhat[pair] - q[pair];
    believed[s] = qhat[pair];
    optimal[s] = problem.optimum.v[s];
  }
  c.overestimation = mean_over(c.gap, problem.data_states);
  c.edge_overestimation = mean_over(c.gap, edge);
  c.data_ratio = mean_over(believed, problem.data_states) / mean_over(optimal, problem.data_states);
  c.edge_ratio = mean_over(believed, edge) / mean_over(optimal, edge);
  c.value = mdp::start_value(m, v);
  return c;
}

namespace {

enum Curve { kCurveOverestimation, kCurveEdge, kCurveReturn };
enum Final { kFinalReturn, kFinalOverestimation, kFinalEdge, kFinalDataRatio, kFinalEdgeRatio, kFinalOptimum, kFinalTq, kFinalSaco, kFinalEdgeStates };

}  // namespace

void record_edge_checkpoint(RunRecord& out, size_t series, size_t k, const EdgeRun::Check& c) {
  out.curve(series, kCurveOverestimation, k, c.overestimation);
  out.curve(series, kCurveEdge, k, c.edge_overestimation);
  out.curve(series, kCurveReturn, k, c.value);
}

void record_edge_finals(RunRecord& out, size_t series, const EdgeRun::Check& c, const OfflineProblem& problem, size_t edge_states) {
  out.final(series, kFinalReturn, c.value);
  out.final(series, kFinalOverestimation, c.overestimation);
  out.final(series, kFinalEdge, c.edge_overestimation);
  out.final(series, kFinalDataRatio, c.data_ratio);
  out.final(series, kFinalEdgeRatio, c.edge_ratio);
  out.final(series, kFinalOptimum, mdp::start_value(problem.world->mdp, problem.optimum.v));
  out.final(series, kFinalTq, problem.measures.tq);
  out.final(series, kFinalSaco, problem.measures.saco);
  out.final(series, kFinalEdgeStates, static_cast<double>(edge_states));
}

std::vector<int> edge_checkpoint_iterations(const EdgeParams& p, const RunLayout& layout) {
  // As EdgeCursor::observe: after iteration i (and at the start, i = 0) the next checkpoint is
  // recorded when it equals i·updates_per_iteration.
  const std::vector<double>& ks = layout.axes[0].x;
  std::vector<int> at;
  for (int i = 0; i <= p.iterations && at.size() < ks.size(); ++i)
    if (ks[at.size()] == static_cast<double>(i) * p.updates_per_iteration) at.push_back(i);
  return at;
}

namespace {

class EdgeCursor final : public RunCursor {
 public:
  EdgeCursor(const EdgeExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : layout_(layout), out_(out), p_(e.p()) {
    Expected<OfflineProblem> problem = e.problem(seed, run);
    if (!problem.ok()) return;  // the parameter rules refuse what cannot be built
    problem_ = std::make_unique<OfflineProblem>(std::move(problem.value()));
    run_ = std::make_unique<EdgeRun>(p_, *problem_, seed, run);
    observe();
  }

  bool step(double work) override {
    if (!run_) return true;
    double budget = work;
    const double per_iteration = static_cast<double>(p_.updates_per_iteration) * static_cast<double>(run_->methods());
    while (run_->steps_done() < p_.iterations && budget > 0) {
      run_->step();
      budget -= per_iteration;
      observe();
    }
    if (run_->steps_done() < p_.iterations) return false;
    for (size_t s = 0; s < run_->methods(); ++s) record_edge_finals(out_, s, run_->check(s), *problem_, run_->edge_states().size());
    return true;
  }

 private:
  void observe() {
    const std::vector<double>& ks = layout_.axes[0].x;
    const double done = static_cast<double>(run_->steps_done()) * p_.updates_per_iteration;
    if (next_ >= ks.size() || ks[next_] != done) return;
    for (size_t s = 0; s < run_->methods(); ++s) record_edge_checkpoint(out_, s, next_, run_->check(s));
    ++next_;
  }

  const RunLayout& layout_;
  RunRecord& out_;
  EdgeParams p_;
  std::unique_ptr<OfflineProblem> problem_;
  std::unique_ptr<EdgeRun> run_;
  size_t next_ = 0;
};

}  // namespace

EdgeExperiment::EdgeExperiment() : ExperimentOf(table()) {}

Expected<OfflineProblem> EdgeExperiment::problem(uint64_t seed, uint32_t run) const {
  return make_problem(cache_, mdp::world_params_of(p()), static_cast<const Experiment&>(*this).params().version(), dataset_spec_of(p()), seed, run);
}

std::unique_ptr<RunCursor> EdgeExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<EdgeCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout EdgeExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  std::vector<double> updates = even_checkpoints(static_cast<double>(p().iterations), kCheckpoints);
  for (double& u : updates) u *= p().updates_per_iteration;  // (≥ 1: still increasing)
  l.axes = {{"Q updates", updates}};
  l.curves = {{"overestimation", 0}, {"edge_overestimation", 0}, {"return", 0}};
  l.final_metrics = {"return", "overestimation", "edge_overestimation", "data_value_ratio", "edge_value_ratio", "optimal_return", "tq", "saco", "edge_states"};
  l.work_unit = "updates";
  l.work_per_run = static_cast<double>(p().iterations) * p().updates_per_iteration * static_cast<double>(p().methods.size());
  return l;
}

// [SECTION] figure

plot::Figure EdgeExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = mdp::world_label(mdp::world_params_of(p())) + ", " + kBehaviourLabels[static_cast<int>(p().behaviour)] + " dataset, k = " +
            std::to_string(p().rollout_length) + ", σ = " + format_real(p().init_scale) + ", " + std::to_string(r.runs_done) + " runs";
  const auto over_updates = [&](const std::string& title, const std::string& y, const std::string& metric) {
    plot::Plot q;
    q.title = title;
    q.x = {"Q updates"};
    q.x.cover_lo = 0;
    q.x.cover_hi = static_cast<double>(p().iterations) * p().updates_per_iteration;
    q.y = {y};
    q.lines = mdp::reported_lines(r, metric);
    return q;
  };
  plot::Plot over = over_updates("Overestimation at dataset states (π: greedy in Q̂)", "Q̂(s, π(s)) − Q^π(s, π(s))", "overestimation");
  over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
  plot::Plot edge = over_updates("… at the edge-of-reach states (distance k from the data)", "Q̂ − Q^π", "edge_overestimation");
  edge.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
  plot::Plot ret = over_updates("Return of the greedy policy (exact)", "V^π(ρ)", "return");
  const int opt = r.layout.find_final("optimal_return");
  if (opt >= 0 && !r.layout.series.empty() && r.final_stat(0, static_cast<size_t>(opt)).count() > 0)
    ret.guides.push_back(mdp::reference_guide("optimal V*(ρ)", r.final_stat(0, static_cast<size_t>(opt)).mean()));

  const std::vector<plot::Plot> maps = run_maps(r.seed);
  f.plots.clear();
  if (!maps.empty()) f.plots.push_back(maps[0]);
  f.plots.push_back(over);
  f.plots.push_back(ret);
  f.plots.push_back(edge);
  return f;
}

std::vector<plot::Plot> EdgeExperiment::run_maps(uint64_t seed) const {
  const uint64_t version = static_cast<const Experiment&>(*this).params().version();
  std::lock_guard<std::mutex> lock(maps_.mutex);
  if (maps_.valid && maps_.version == version && maps_.seed == seed) return maps_.maps;
  std::vector<plot::Plot> maps;
  Expected<OfflineProblem> problem = this->problem(seed, 0);
  if (problem.ok() && problem.value().world->layout.rows > 0) {
    const OfflineProblem& pb = problem.value();
    EdgeRun run(p(), pb, seed, 0);
    while (run.steps_done() < p().iterations) run.step();
    std::vector<EdgeRun::Check> checks;
    for (size_t s = 0; s < run.methods(); ++s) checks.push_back(run.check(s));
    maps.push_back(edge_map(p(), pb, run, checks, 0, "Run 1: " + p().methods[0] + "'s Q̂ − Q^π, the data's actions, greedy paths"));
  }
  maps_.valid = true;
  maps_.version = version;
  maps_.seed = seed;
  maps_.maps = maps;
  return maps;
}

plot::Plot edge_map(const EdgeParams& p, const OfflineProblem& pb, const EdgeRun& run, const std::vector<EdgeRun::Check>& checks, size_t shown,
                    const std::string& title) {
  const mdp::Mdp& m = pb.world->mdp;
  const mdp::GridLayout& g = pb.world->layout;
  const std::vector<double>& gap = checks[shown].gap;
  const double span = std::max(1e-9, std::max(std::fabs(*std::min_element(gap.begin(), gap.end())), *std::max_element(gap.begin(), gap.end())));
  // The dataset's actions: each visited state's action counts as arrows (nothing where the data never go).
  mdp::Policy data_actions(static_cast<size_t>(m.pairs()), 0.0);
  std::vector<double> from(static_cast<size_t>(m.states), 0.0);
  for (const Transition& t : pb.dataset.transitions) data_actions[t.pair] += 1.0, from[t.state] += 1.0;
  for (int s = 0; s < m.states; ++s)
    for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i)
      if (from[s] > 0.0) data_actions[i] /= from[s];
  mdp::GridPlotInput in;
  in.mdp = &m;
  in.layout = &g;
  in.state_values = gap;
  in.policy = &data_actions;
  in.title = title;
  in.value_label = "Q̂ − Q^π";
  in.colormap = Colormap::Diverging;
  in.vmin = -span, in.vmax = span;
  in.mark_start_goal = false;
  plot::Plot map = mdp::grid_plot(in);
  map.legend = true;  // the data, the reach, the edge and the learners' paths
  for (plot::Line& rays : map.lines) {  // the data's actions: dark (the colour scale is white at 0), out of the legend (the caption says)
    rays.name.clear();
    rays.color = {0.1f, 0.1f, 0.1f, 0.9f};
  }
  // States rollouts visit before their last step: distance 1 … k − 1 from the data.
  std::vector<int> inside;
  for (int s = 0; s < m.states; ++s)
    if (run.reach()[s] >= 1 && run.reach()[s] < p.rollout_length) inside.push_back(s);
  map.points.push_back(mdp::grid_points(g, pb.data_states, "data states", {0.15f, 0.15f, 0.15f, 1.0f}, 2.0f));
  if (!inside.empty()) map.points.push_back(mdp::grid_points(g, inside, "reached (< k)", {0.55f, 0.55f, 0.55f, 1.0f}, 2.5f));
  map.points.push_back(mdp::grid_points(g, run.edge_states(), "edge (step k)", plot::kOptimumGold, 4.5f));
  const int start = mdp::sample_start(mdp::view(m), 0.0);
  for (size_t s = 0; s < run.methods(); ++s)
    map.lines.push_back(mdp::grid_path(g, mdp::greedy_path(m, checks[s].actions, start, 4 * m.states), p.methods[s], palette(s),
                                       3.0f - 0.8f * static_cast<float>(s)));
  return map;
}

// [SECTION] demo text

DemoInfo edge_demo() {
  DemoInfo d;
  d.id = "offline.edge_of_reach";
  d.chapter = "offline";
  d.title = "Edge of reach: failing with the true model";
  d.summary = "k-step rollouts in the TRUE dynamics from a narrow dataset: MOPO (whose penalty vanishes) bootstraps from never-trained edge-of-reach states and overestimates; RAVL's ensemble minimum does not.";
  d.about =
      "Offline model-based RL (MBPO, MOPO) rolls the current policy out for k steps from dataset states and runs Q-learning on those\n"
      "transitions. Here the model is the TRUE dynamics, so MOPO's uncertainty penalty r − λu(s, a) is exactly 0. A state at\n"
      "distance exactly k from the data (gold rings) is reached only at a rollout's last step: it is the s′ of transitions, never their s,\n"
      "so its values are bootstrapped from but never trained — \"bootstrapping from the void\" (Sims et al.):\n"
      "    y = r + γ max_a′ Q̂(s′, a′),   Q̂(s′, ·) at an edge-of-reach s′ = whatever the learner started with (N(0, σ²) here).\n"
      "RAVL keeps N Q-tables and uses their minimum, Q̂ = min_j Q_j, for targets and policy: trained entries agree, untrained ones do not,\n"
      "so the minimum is pessimistic exactly at the edge of reach. Full-horizon rollouts have no edge of reach.\n"
      "What to look for: MOPO's Q̂ − Q^π at dataset states rises above 0 and its greedy policy walks off the data towards the void,\n"
      "its return falling below RAVL's and the full-horizon learner's; RAVL's overestimation stays near 0 (claim 1, tests/unit/\n"
      "offline_claims_test.cpp). With σ = 0 (all-zero start) and non-negative rewards the void is pessimistic and MOPO does not fail:\n"
      "in a table nothing generalises, so the untrained values are exactly the start; a network supplies arbitrary ones.\n"
      "Live view: run 1 trains one iteration per step. RAVL's and the full-horizon learner's Q̂ − Q^π at the data fall to 0; MOPO's\n"
      "stays well above 0 — but at a plateau: in a table the edge values stay at their start, so nothing grows without bound as with\n"
      "the paper's networks.";
  d.papers = {"A. Sims, C. Lu, J. Foerster, Y. W. Teh. The Edge-of-Reach Problem in Offline Model-Based Reinforcement Learning. NeurIPS 2024, arXiv:2402.12527.",
              "T. Yu, G. Thomas, L. Yu, S. Ermon, J. Zou, S. Levine, C. Finn, T. Ma. MOPO: Model-based Offline Policy Optimization. NeurIPS 2020, arXiv:2005.13239.",
              "M. Janner, J. Fu, M. Zhang, S. Levine. When to Trust Your Model: Model-Based Policy Optimization. NeurIPS 2019, arXiv:1906.08253.",
              "G. An, S. Moon, J.-H. Kim, H. O. Song. Uncertainty-Based Offline Reinforcement Learning with Diversified Q-Ensemble. NeurIPS 2021, arXiv:2110.01548."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<EdgeExperiment>(); };
  return d;
}

}  // namespace klab::offline
