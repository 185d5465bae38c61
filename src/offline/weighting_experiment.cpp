#include "offline/weighting_experiment.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/result_plots.hpp"
#include "mdp/evaluation.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "mdp/policy_iteration.hpp"
#include "offline/problem.hpp"

namespace klab::offline {
namespace {

// [SECTION] params

constexpr uint32_t kDataStream = 0x8A0;
enum class Learner { Bc, Cql };

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"behaviour cloning, uniform sampling", "behaviour cloning, return-weighted (RW)",
                                               "behaviour cloning, advantage-weighted (AW)", "CQL, uniform sampling",
                                               "CQL, return-weighted (RW)", "CQL, advantage-weighted (AW)"};
  return labels;
}

std::shared_ptr<const ParamTable<WeightingParams>> table() {
  auto t = std::make_shared<ParamTable<WeightingParams>>();
  using P = WeightingParams;
  t->multi_choice("methods", &P::methods, {"bc_uniform", "bc_rw", "cql_uniform", "cql_rw"}, weighting_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("A fixed offline learner (behaviour cloning or tabular CQL) and the way its transitions are drawn.");
  mdp::WorldParams w;
  w.preset = mdp::Preset::FourRooms;
  w.vary_world = false;
  w.actions = 4;
  w.branching = 3;
  mdp::declare_world_params(*t, w, 2000);
  t->real("gamma", &P::gamma, 0.9, 0.0, 0.999).label("discount γ").help("Discount of the values (the world's own γ is replaced).");
  t->integer("episodes", &P::episodes, 100, 1, kMaxEpisodes).label("trajectories B").log_scale().help("Trajectories in each mixed dataset.");
  t->integer("episode_length", &P::episode_length, 60, 1, kMaxEpisodeLength).label("trajectory length").log_scale().help("Steps per trajectory at most (a trajectory also ends in a goal).");
  t->real_list("shares", &P::shares, {0.01, 0.02, 0.05, 0.1, 0.2, 0.5}, 0.0, 1.0, 1, 12)
      .label("expert shares")
      .help("Probability that a trajectory is the expert's (else the random policy's), one mixed dataset per value; trajectories start in uniformly random states.");
  t->real("temperature", &P::temperature, 0.1, 1e-3, 100.0).label("temperature α").log_scale().help("RW: p ∝ exp(G/α); AW: p ∝ exp((G − V̂(s₀))/α) (the authors' α = 0.1).");
  t->integer("updates", &P::updates, 20000, 1, 10000000).label("CQL updates").log_scale().help("Sampled CQL updates per dataset.");
  t->real("step_size", &P::step_size, 0.3, 1e-3, 1.0).label("CQL step α_Q").log_scale().help("Step size of the tabular CQL updates.");
  t->real("cql_weight", &P::cql_weight, 0.1, 0.0, 100.0).label("CQL weight c").help("Weight of the conservative term log Σ_b exp Q(s, b) − Q(s, a).");
  t->rule([](const P& p) -> Status {
    const Expected<mdp::WorldSize> z = mdp::world_size(mdp::world_params_of(p));
    return z.ok() ? Status{} : z.status();
  });
  return t;
}

struct MethodSpec {
  Learner learner;
  Sampler sampler;
};

MethodSpec method_of(const std::string& id) {
  const size_t k = mdp::id_index(weighting_method_ids(), id);
  return {k < 3 ? Learner::Bc : Learner::Cql, static_cast<Sampler>(k % 3)};
}

enum Curve { kCurveReturn };
enum Final { kFinalReturnLowest, kFinalReturnMean };
constexpr double kWeightingNan = __builtin_nan("");

}  // namespace

// [SECTION] run

const std::vector<std::string>& weighting_method_ids() {
  static const std::vector<std::string> ids{"bc_uniform", "bc_rw", "bc_aw", "cql_uniform", "cql_rw", "cql_aw"};
  return ids;
}

bool weighting_method_trains(const std::string& id) { return method_of(id).learner == Learner::Cql; }
Sampler weighting_method_sampler(const std::string& id) { return method_of(id).sampler; }

WeightingRun::WeightingRun(const WeightingParams& p, std::shared_ptr<const mdp::World> world, uint64_t seed, uint32_t run, WeightingLearners learners)
    : world_(std::move(world)), ids_(p.methods), updates_done_(p.shares.size(), 0), updates_total_(p.updates) {
  const mdp::Mdp& m = world_->mdp;
  optimum_ = mdp::solve_optimal(m);
  absorbing_ = absorbing_states(m);
  datasets_.reserve(p.shares.size());  // filled before any learner points into it
  for (size_t k = 0; k < p.shares.size(); ++k) {
    DatasetSpec spec;
    spec.behaviour = Behaviour::Mixed;
    spec.episodes = p.episodes;
    spec.episode_length = p.episode_length;
    spec.expert_fraction = p.shares[k];
    spec.random_starts = 1.0;
    Rng data_rng(seed, run, kDataStream + static_cast<uint32_t>(k));
    datasets_.push_back(generate_dataset(m, optimum_.actions, spec, data_rng));
    probabilities_.push_back({});
    for (Sampler s : {Sampler::Uniform, Sampler::ReturnWeighted, Sampler::AdvantageWeighted})
      probabilities_.back()[static_cast<size_t>(s)] = transition_probabilities(datasets_.back(), s, p.temperature);
  }
  CqlSettings cs;
  cs.updates = p.updates;
  cs.step_size = p.step_size;
  cs.weight = p.cql_weight;
  cql_.resize(datasets_.size());
  for (size_t k = 0; k < datasets_.size(); ++k)
    for (const std::string& id : ids_) {
      cql_[k].emplace_back();
      const MethodSpec ms = method_of(id);
      if (learners == WeightingLearners::Engine || ms.learner != Learner::Cql || datasets_[k].size() == 0) continue;
      // The same draws u for every sampler of a share.
      cql_[k].back().emplace(CqlSlot{CqlLearner(m, datasets_[k], probabilities(k, ms.sampler), cs), Rng(seed, run, kWeightingCqlStream + static_cast<uint32_t>(k))});
    }
}

void WeightingRun::train(size_t share, int updates) {
  const int n = std::min(updates, updates_total_ - updates_done_[share]);
  for (auto& slot : cql_[share])
    if (slot) slot->learner.train(n, slot->rng);
  updates_done_[share] += n;
}

bool WeightingRun::trains(size_t i) const { return weighting_method_trains(ids_[i]); }

double WeightingRun::normalised_return(size_t share, size_t i) const {
  const mdp::Mdp& m = world_->mdp;
  if (datasets_[share].size() == 0) return kWeightingNan;
  const MethodSpec ms = method_of(ids_[i]);
  // An Engine run has no CQL learners: their returns come from the engine's Q tables (greedy_return).
  assert(ms.learner == Learner::Bc || cql_[share][i].has_value());
  return ms.learner == Learner::Bc ? policy_return(weighted_behaviour_cloning(m, datasets_[share], probabilities(share, ms.sampler)))
                                   : greedy_return(cql_[share][i]->learner.values().data());
}

double WeightingRun::greedy_return(const double* q) const { return policy_return(mdp::deterministic_policy(world_->mdp, cql_greedy(world_->mdp, q))); }

double WeightingRun::policy_return(const mdp::Policy& pi) const {
  const mdp::Mdp& m = world_->mdp;
  const Eigen::VectorXd v = mdp::evaluate(m, pi, m.reward);
  double total = 0.0, optimal = 0.0;
  for (int s = 0; s < m.states; ++s)
    if (!absorbing_[s]) total += v[s], optimal += optimum_.v[s];
  return optimal != 0.0 ? total / optimal : 0.0;
}

WeightingExperiment::WeightingExperiment() : ExperimentOf(table()) {}

Expected<std::shared_ptr<const mdp::World>> WeightingExperiment::world(uint64_t seed, uint32_t run) const {
  return cache_.get(mdp::world_params_of(p()), static_cast<const Experiment&>(*this).params().version(), seed, run);
}

void WeightingExperiment::run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  Expected<std::shared_ptr<const mdp::World>> w = world(seed, run);
  if (!w.ok()) return;
  WeightingRun r(p(), w.value(), seed, run);
  for (size_t k = 0; k < r.shares(); ++k)
    if (r.dataset(k).size() != 0) r.train(k, p().updates);
  record(r, [&](size_t k, size_t s) { return r.normalised_return(k, s); }, out);
}

void WeightingExperiment::record(const WeightingRun& r, const std::function<double(size_t, size_t)>& ret, RunRecord& out) const {
  std::vector<double> sum(p().methods.size(), 0.0);
  for (size_t k = 0; k < r.shares(); ++k) {
    if (r.dataset(k).size() == 0) continue;
    for (size_t s = 0; s < r.methods(); ++s) {
      const double v = ret(k, s);
      out.curve(s, kCurveReturn, k, v);
      sum[s] += v;
      if (k == 0) out.final(s, kFinalReturnLowest, v);
    }
  }
  for (size_t s = 0; s < p().methods.size(); ++s) out.final(s, kFinalReturnMean, sum[s] / static_cast<double>(p().shares.size()));
}

plot::Plot weighting_map(const WeightingRun& run, size_t share, Sampler sampler, const std::string& title) {
  const mdp::Mdp& m = run.world().mdp;
  const Dataset& d = run.dataset(share);
  const std::vector<double>& prob = run.probabilities(share, sampler);
  std::vector<double> drawn = state_draw_shares(m, d, prob);
  mdp::Policy arrows = weighted_behaviour_cloning(m, d, prob);
  for (int s = 0; s < m.states; ++s)
    if (drawn[s] == 0.0)  // no data from s: no arrows (cloning's uniform fill is not data)
      for (int i = m.first_pair[s]; i < m.first_pair[s + 1]; ++i) arrows[i] = 0.0;
  for (double& x : drawn) x *= 100.0;
  mdp::GridPlotInput in;
  in.mdp = &m;
  in.layout = &run.world().layout;
  in.state_values = drawn;
  in.policy = &arrows;
  in.title = title;
  in.value_label = "% of draws from s";
  in.colormap = Colormap::Viridis;
  in.vmin = 0.0;
  in.mark_start_goal = false;  // the data start anywhere
  return mdp::grid_plot(in);
}

// [SECTION] layout

RunLayout WeightingExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"expert share", p().shares}};
  l.curves = {{"return", 0}};
  l.final_metrics = {"return_first_share", "return_mean"};
  l.work_unit = "datasets";
  l.work_per_run = static_cast<double>(p().shares.size());
  return l;
}

// [SECTION] figure

plot::Figure WeightingExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = mdp::world_label(mdp::world_params_of(p())) + ", " + std::to_string(p().episodes) + " trajectories (expert or random, random starts), α = " +
            format_real(p().temperature) + ", " + std::to_string(r.runs_done) + " runs";
  plot::Plot ret;
  ret.title = "Return of the learned policy against the expert share";
  ret.x = {"expert share of the trajectories", plot::Scale::Log};
  ret.y = {"mean V^π(s) / mean V*(s) over start states", plot::Scale::Linear, 0.0, plot::kAuto};
  ret.y.cover_hi = 1.0;
  ret.lines = mdp::reported_lines(r, "return");
  ret.guides.push_back(mdp::reference_guide("optimal", 1.0));
  plot::Plot bars = mdp::final_bars(r, "return_first_share", "At the first share (" + format_real(p().shares.front()) + ")", "normalised return");
  f.plots = {ret, bars};
  return f;
}

// [SECTION] demo text

DemoInfo weighting_demo() {
  DemoInfo d;
  d.id = "offline.weighting";
  d.chapter = "offline";
  d.title = "Trajectory weighting of mixed data";
  d.summary = "A few expert trajectories among many random ones: drawing transitions in proportion to exp(G/α) lets behaviour cloning and CQL use them; uniform sampling drowns them.";
  d.about =
      "Offline learners stay close to the data; in a mixed dataset of mostly low-return trajectories that means close to the low-return\n"
      "behaviour. Re-weighting the sampling towards high-return trajectories induces an artificial dataset whose behaviour policy is better\n"
      "(valid in deterministic MDPs with stochastic starts). Transition t of trajectory i is drawn with probability\n"
      "    RW: p ∝ exp(G_i/α)        AW: p ∝ exp((G_i − V̂(s₀,i))/α),   G_i = Σ_t r_{i,t},   V̂(s₀) the mean return from s₀\n"
      "and a fixed learner trains on these draws: behaviour cloning (π(a|s) ∝ Σ p over the data's (s, a)) or tabular CQL\n"
      "(Q-learning plus the gradient of log Σ_b exp Q(s, b) − Q(s, a), whose greedy policy leans to the data's frequent actions).\n"
      "What to look for: at small expert shares the weighted learners return more than the uniform ones (behaviour cloning about 3×;\n"
      "claim 5, tests/unit/offline_claims_test.cpp). Weighting helps a learner the data restrain: with a weak conservative term\n"
      "(cql_weight = 0.01) uniform CQL is already near-optimal on these well-covered data and weighting hurts it (README).\n"
      "Live view: run 1's returns against the share while CQL trains, and one share's dataset over the grid: where the uniform,\n"
      "RW or AW draws start and the policy cloned from them.";
  d.papers = {"Z.-W. Hong, P. Agrawal, R. Tachet des Combes, R. Laroche. Harnessing Mixed Offline Reinforcement Learning Datasets via Trajectory Weighting. ICLR 2023, arXiv:2306.13085.",
              "A. Kumar, A. Zhou, G. Tucker, S. Levine. Conservative Q-Learning for Offline Reinforcement Learning. NeurIPS 2020, arXiv:2006.04779."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<WeightingExperiment>(); };
  return d;
}

}  // namespace klab::offline
