#include "offline/prdc_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/checkpoints.hpp"
#include "core/colormap.hpp"
#include "core/result_plots.hpp"
#include "mdp/figures.hpp"

namespace klab::offline {
namespace {

// [SECTION] params

constexpr int kCheckpoints = 10;
constexpr int kMapGrid = 7;           // the map's grid of policy arrows
constexpr double kNan = __builtin_nan("");

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"PRDC (nearest dataset (βs, a))", "TD3+BC (the sample's own action)", "behaviour cloning",
                                               "TD3 (no regulariser)"};
  return labels;
}

std::shared_ptr<const ParamTable<PrdcParams>> table() {
  auto t = std::make_shared<ParamTable<PrdcParams>>();
  using P = PrdcParams;
  t->multi_choice("methods", &P::methods, prdc_method_ids(), prdc_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Learners, all on the same dataset with the same minibatches and the same initial networks.");
  t->choice("behaviour", &P::behaviour, PointBehaviour::Noisy, {kPointBehaviourIds, kPointBehaviourIds + kPointBehaviourCount})
      .label("behaviour policy")
      .choice_labels({kPointBehaviourLabels, kPointBehaviourLabels + kPointBehaviourCount})
      .help("Who collected the dataset: the waypoint expert, the expert plus Gaussian noise, uniform actions, a mix of expert and random trajectories, "
            "or every transition of an online TD3 learner (Gaussian exploration σ = noise) while it learned from scratch (replay).");
  t->integer("episodes", &P::episodes, 10, 1, 100000).label("trajectories").log_scale().help("Dataset size: trajectories of `episode_length` steps each.");
  t->integer("episode_length", &P::episode_length, 40, 1, 1000).label("episode length").help("Steps per trajectory; also the horizon of the reported return.");
  t->real("noise", &P::noise, 0.5, 0.0, 3.0).label("noise σ").help("Noisy expert and replay learner: σ of the Gaussian noise added to each action component (then clipped to [−1, 1]).");
  t->real("expert_fraction", &P::expert_fraction, 0.2, 0.0, 1.0).label("expert fraction").help("Mixed: probability that a trajectory is the expert's.");
  t->real("random_starts", &P::random_starts, 0.0, 0.0, 1.0).label("random starts").help("Coverage: probability that a trajectory starts at a uniformly random point outside the wall instead of near s₀ (bottom left).");
  t->boolean("wall", &P::wall, true).label("wall").help("A wall between start and goal with a gap at the top: the straight line is blocked.");
  t->real("alpha", &P::alpha, 2.5, 0.0, 1000.0).label("α").help("L(π) = −(α / mean|Q|)·Q(s, π(s)) + ‖π(s) − â‖²: the weight of the value term (TD3+BC and PRDC; the papers' 2.5).");
  t->real("beta", &P::beta, 2.0, 0.0, 1000.0).label("β").help("PRDC's key (β·s, a): large β, the nearest state's action (like TD3+BC); small β, the nearest action anywhere (PRDC's paper: 2).");
  t->integer("steps", &P::steps, 2000, 1, 10000000).label("training steps").log_scale().help("Critic steps of every learner (the actor steps every 2nd; BC's actor every step).");
  t->integer("batch", &P::batch, 32, 1, 4096).label("batch").log_scale().help("Transitions per step.");
  t->integer("hidden", &P::hidden, 16, 2, 256).label("hidden units").log_scale().help("Width of the two hidden ReLU layers of the actor and of each critic.");
  t->real("lr", &P::lr, 1e-3, 1e-6, 1.0).label("learning rate").log_scale().help("Adam's step size, actor and critics.");
  t->real("tau", &P::tau, 0.05, 1e-4, 1.0).label("target τ").log_scale().help("Soft update of the target networks θ′ ← τθ + (1 − τ)θ′ (the papers' 0.005 needs ~10⁵ steps).");
  t->real("gamma", &P::gamma, 0.9, 0.0, 0.99).label("discount γ").help("Discount of the values Q̂ and Q^π.");
  return t;
}

ActorRegulariser regulariser_of(const std::string& id) {
  static const ActorRegulariser kRegularisers[] = {ActorRegulariser::NearestNeighbour, ActorRegulariser::DatasetAction, ActorRegulariser::CloneOnly,
                                                   ActorRegulariser::None};
  static_assert(std::size(kRegularisers) == 4, "one regulariser per method id");
  return kRegularisers[mdp::id_index(prdc_method_ids(), id)];
}

PointDatasetSpec spec_of(const PrdcParams& p) {
  PointDatasetSpec s;
  s.behaviour = p.behaviour;
  s.episodes = p.episodes;
  s.episode_length = p.episode_length;
  s.noise = p.noise;
  s.expert_fraction = p.expert_fraction;
  s.random_starts = p.random_starts;
  return s;
}

}  // namespace

// [SECTION] run

const std::vector<std::string>& prdc_method_ids() {
  static const std::vector<std::string> ids{"prdc", "td3_bc", "bc", "td3"};
  return ids;
}

PointMassWorld prdc_world(const PrdcParams& p) {
  PointMassWorld w;
  w.wall = p.wall;
  w.gamma = p.gamma;
  return w;
}

Td3Settings prdc_settings(const PrdcParams& p, const std::string& id) {
  Td3Settings s;
  s.regulariser = regulariser_of(id);
  s.alpha = p.alpha;
  s.gamma = p.gamma;
  s.tau = p.tau;
  s.batch = p.batch;
  s.hidden = p.hidden;
  s.actor_lr = s.critic_lr = p.lr;
  return s;
}

PrdcRun::PrdcRun(const PrdcParams& p, uint64_t seed, uint32_t run, bool with_learners)
    : world_(prdc_world(p)), ids_(p.methods), horizon_(p.episode_length) {
  Rng data_rng(seed, run, kPrdcDataStream);
  dataset_ = generate_point_dataset(world_, spec_of(p), data_rng);
  measures_ = measure_point_dataset(world_, spec_of(p), dataset_, seed, run);
  data_ = make_td3_data(dataset_, p.beta);
  if (with_learners) {
    learners_.reserve(ids_.size());
    for (const std::string& id : ids_) {
      learners_.emplace_back(data_, prdc_settings(p, id), Rng(seed, run, kPrdcInitStream));  // the same initial networks
      rngs_.emplace_back(seed, run, kPrdcBatchStream);                                     // and minibatches for every learner
    }
  }
  Rng eval_rng(seed, run, kPrdcEvalStream);
  for (int k = 0; k < kPrdcEvalStarts; ++k) starts_.push_back(draw_start(world_, eval_rng));
  const size_t n = dataset_.transitions.size();
  for (int k = 0; k < kPrdcEvalStates; ++k) eval_states_.push_back(dataset_.transitions[n * static_cast<size_t>(k) / kPrdcEvalStates].state);
}

void PrdcRun::step() {
  for (size_t i = 0; i < learners_.size(); ++i) learners_[i].step(rngs_[i]);
  ++done_;
}

double PrdcRun::expert_return() const {
  double total = 0.0;
  for (const Point2& s0 : starts_) {
    Point2 s = s0;
    for (int t = 0; t < horizon_; ++t) {
      const PointStep st = point_mass_step(world_, s, expert_action(world_, s));
      total += st.reward;
      s = st.next;
    }
  }
  return total / static_cast<double>(starts_.size());
}

PrdcRun::Check PrdcRun::check(size_t i) const { return learners_[i].check(world_, starts_, horizon_, eval_states_, kPrdcRolloutLength); }

namespace {

enum Curve { kCurveReturn, kCurveOverestimation };
enum Final { kFinalReturn, kFinalOverestimation, kFinalQEstimate, kFinalQTrue, kFinalDatasetReturn, kFinalExpertReturn, kFinalTq, kFinalSaco };

class PrdcCursor final : public RunCursor {
 public:
  PrdcCursor(const PrdcExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : layout_(layout), out_(out), p_(e.p()), run_(p_, seed, run) {
    observe();
  }
  bool step(double work) override {
    double budget = work;
    const double per_step = static_cast<double>(p_.batch) * static_cast<double>(run_.methods());
    while (run_.steps_done() < p_.steps && budget > 0) {
      run_.step();
      budget -= per_step;
      observe();
    }
    if (run_.steps_done() < p_.steps) return false;
    const double expert = run_.expert_return();
    for (size_t s = 0; s < run_.methods(); ++s) PrdcExperiment::record_finals(out_, s, run_.check(s), run_, expert);
    return true;
  }

 private:
  void observe() {
    const std::vector<double>& ks = layout_.axes[0].x;
    if (next_ >= ks.size() || ks[next_] != run_.steps_done()) return;
    for (size_t s = 0; s < run_.methods(); ++s) PrdcExperiment::record_check(out_, s, next_, run_.check(s));
    ++next_;
  }
  const RunLayout& layout_;
  RunRecord& out_;
  PrdcParams p_;
  PrdcRun run_;
  size_t next_ = 0;
};

}  // namespace

PrdcExperiment::PrdcExperiment() : ExperimentOf(table()) {}

void PrdcExperiment::record_check(RunRecord& out, size_t series, size_t k, const Td3Check& c) {
  out.curve(series, kCurveReturn, k, c.ret);
  out.curve(series, kCurveOverestimation, k, c.overestimation);
}

void PrdcExperiment::record_finals(RunRecord& out, size_t s, const Td3Check& c, const PrdcRun& run, double expert_return) {
  out.final(s, kFinalReturn, c.ret);
  out.final(s, kFinalOverestimation, c.overestimation);
  out.final(s, kFinalQEstimate, c.q_estimate);
  out.final(s, kFinalQTrue, c.q_true);
  out.final(s, kFinalDatasetReturn, run.dataset().mean_return);
  out.final(s, kFinalExpertReturn, expert_return);
  out.final(s, kFinalTq, run.measures().tq);
  out.final(s, kFinalSaco, run.measures().saco);
}

std::unique_ptr<RunCursor> PrdcExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<PrdcCursor>(*this, layout, seed, run, out);
}

// [SECTION] layout

RunLayout PrdcExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.axes = {{"training steps", even_checkpoints(static_cast<double>(p().steps), kCheckpoints)}};
  l.curves = {{"return", 0}, {"overestimation", 0}};
  l.final_metrics = {"return", "overestimation", "q_estimate", "q_true", "dataset_return", "expert_return", "tq", "saco"};
  l.work_unit = "samples";
  l.work_per_run = static_cast<double>(p().steps) * p().batch * static_cast<double>(p().methods.size());
  return l;
}

// [SECTION] figure

namespace {

void add_segment(plot::Line& l, const Point2& a, const Point2& b) {
  l.x.insert(l.x.end(), {a[0], b[0], kNan});
  l.y.insert(l.y.end(), {a[1], b[1], kNan});
}

plot::Line segments(const std::string& name, Rgba color, float width) {
  plot::Line l;
  l.name = name;
  l.color = color;
  l.width = width;
  return l;
}

}  // namespace

plot::Plot prdc_map(const PrdcRun& run, size_t shown, const std::string& title) {
  const PointMassWorld& w = run.world();
  plot::Plot map;
  map.title = title;
  map.x = {"x"};
  map.y = {"y"};
  map.x.min = map.y.min = 0.0;
  map.x.max = map.y.max = 1.0;
  map.equal_aspect = true;
  map.legend = true;

  plot::Line outline = segments("wall and goal", plot::kReferenceGrey, 2.0f);
  if (w.wall) {
    const Point2 c[4] = {{w.wall_x0, 0.0}, {w.wall_x0, w.wall_top}, {w.wall_x1, w.wall_top}, {w.wall_x1, 0.0}};
    for (int k = 0; k < 3; ++k) add_segment(outline, c[k], c[k + 1]);
  }
  for (int k = 0; k < 32; ++k) {
    const double a0 = 2.0 * kPi * k / 32, a1 = 2.0 * kPi * (k + 1) / 32;
    add_segment(outline, {w.goal[0] + w.goal_radius * std::cos(a0), w.goal[1] + w.goal_radius * std::sin(a0)},
                {w.goal[0] + w.goal_radius * std::cos(a1), w.goal[1] + w.goal_radius * std::sin(a1)});
  }
  plot::Line data_arrows = segments("dataset actions", {0.55f, 0.55f, 0.55f, 0.6f}, 1.0f);
  plot::Points data_points;
  data_points.name = "dataset states";
  data_points.color = {0.85f, 0.85f, 0.85f, 1.0f};
  data_points.radius = 1.5f;
  for (const PointTransition& t : run.dataset().transitions) {
    add_segment(data_arrows, t.state, {t.state[0] + w.step * t.action[0], t.state[1] + w.step * t.action[1]});
    data_points.x.push_back(t.state[0]);
    data_points.y.push_back(t.state[1]);
  }
  const Td3Learner& l = run.learner(shown);
  plot::Line policy = segments(run.method(shown) + ": π(s)", palette(shown), 2.0f);
  plot::Line pulled = segments("nearest dataset (ŝ, â) PRDC pulls π(s) to", plot::kOptimumGold, 1.0f);
  plot::Points nearest;
  nearest.name = "ŝ";
  nearest.color = plot::kOptimumGold;
  nearest.radius = 2.5f;
  for (int i = 0; i < kMapGrid; ++i)
    for (int j = 0; j < kMapGrid; ++j) {
      const Point2 s{(i + 0.5) / kMapGrid, (j + 0.5) / kMapGrid};
      if (in_wall(w, s)) continue;
      const Point2 a = l.act(s);
      add_segment(policy, s, {s[0] + w.step * a[0], s[1] + w.step * a[1]});
      const int index = l.nearest(s, a);
      if (index < 0) continue;  // a NaN policy (a diverged run) has no nearest point
      const PointTransition& near = run.dataset().transitions[static_cast<size_t>(index)];
      add_segment(pulled, s, near.state);
      nearest.x.push_back(near.state[0]);
      nearest.y.push_back(near.state[1]);
    }
  map.lines = {outline, data_arrows, pulled, policy};
  map.points = {data_points, nearest};
  return map;
}

std::vector<plot::Plot> PrdcExperiment::run_maps(uint64_t seed) const {
  const uint64_t version = static_cast<const Experiment&>(*this).params().version();
  std::lock_guard<std::mutex> lock(maps_.mutex);
  if (maps_.valid && maps_.version == version && maps_.seed == seed) return maps_.maps;
  PrdcRun run(p(), seed, 0);
  while (run.steps_done() < p().steps) run.step();
  const auto at = std::find(p().methods.begin(), p().methods.end(), "prdc");
  const size_t shown = at == p().methods.end() ? 0 : static_cast<size_t>(at - p().methods.begin());
  maps_.maps = {prdc_map(run, shown, "Run 1: dataset (grey), " + p().methods[shown] + "'s π(s), PRDC's nearest (ŝ, â) (gold)")};
  maps_.valid = true;
  maps_.version = version;
  maps_.seed = seed;
  return maps_.maps;
}

plot::Figure PrdcExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = std::string("Point mass, ") + kPointBehaviourLabels[static_cast<int>(p().behaviour)] + " dataset (" + std::to_string(p().episodes) +
            " × " + std::to_string(p().episode_length) + " steps), α = " + format_real(p().alpha) + ", β = " + format_real(p().beta) + ", " +
            std::to_string(r.runs_done) + " runs";
  const auto over_steps = [&](const std::string& title, const std::string& y, const std::string& metric) {
    plot::Plot q;
    q.title = title;
    q.x = {"training steps"};
    q.x.cover_lo = 0;
    q.x.cover_hi = p().steps;
    q.y = {y};
    q.lines = mdp::reported_lines(r, metric);
    return q;
  };
  plot::Plot over = over_steps("Overestimation Q̂ − Q^π at dataset states", "Q̂ − Q^π", "overestimation");
  over.guides.push_back(mdp::reference_guide("no overestimation", 0.0));
  over.guides.push_back(mdp::reference_guide("largest possible value 1/(1 − γ)", 1.0 / (1.0 - p().gamma)));
  plot::Plot ret = over_steps("Return of the learned policy (true world)", "Σ r", "return");
  const auto reference = [&](const std::string& metric, const std::string& label) {
    const int m = r.layout.find_final(metric);
    if (m >= 0 && !r.layout.series.empty() && r.final_stat(0, static_cast<size_t>(m)).count() > 0)
      ret.guides.push_back(mdp::reference_guide(label, r.final_stat(0, static_cast<size_t>(m)).mean()));
  };
  reference("expert_return", "expert controller");
  reference("dataset_return", "dataset's mean return");
  // Run 1's map retrains run 1 (once per parameter version and seed): only once the batch has a result.
  if (r.runs_done > 0) f.plots.push_back(run_maps(r.seed)[0]);
  f.plots.push_back(over);
  f.plots.push_back(ret);
  return f;
}

// [SECTION] demo text

DemoInfo prdc_demo() {
  DemoInfo d;
  d.id = "offline.prdc";
  d.chapter = "offline";
  d.title = "PRDC: policy regularisation with a dataset constraint";
  d.summary = "TD3 on a fixed dataset of a 2-D point mass, with the actor pulled to the nearest dataset (state, action) (PRDC), to the sample's own action (TD3+BC), cloned (BC) or free (TD3): overestimation and return.";
  d.about =
      "All four learners are TD3 (twin critics, target policy smoothing, delayed actor updates, soft target networks) trained on the same\n"
      "offline dataset; they differ in the actor's loss:\n"
      "    PRDC:    L(π) = −(α / mean|Q|)·Q(s, π(s)) + ‖π(s) − â‖²,   (ŝ, â) = argmin_{(s_i, a_i) ∈ D} ‖(β·s, π(s)) − (β·s_i, a_i)‖  (a KD-tree)\n"
      "    TD3+BC:  the same with â = a, the dataset action of s itself;   BC: ‖π(s) − a‖² alone;   TD3: −Q(s, π(s)) alone.\n"
      "The world: a point in [0, 1]² moves by at most 0.1 per coordinate and step; reward 1 per step in the goal disc (bottom right); a wall\n"
      "with a gap at the top blocks the straight line from the start (bottom left). The map: grey arrows are the dataset's actions, coloured\n"
      "arrows PRDC's learned policy on a grid of states, gold lines join each grid state to the dataset point whose action PRDC pulls it to.\n"
      "What to look for: TD3's overestimation Q̂ − Q^π climbs past the dashed line at the largest possible value 1/(1 − γ) (run 1:\n"
      "at about step 650 of 2000) while its policy scores 0, and PRDC at the paper's β = 2 overestimates like TD3 (or more) in this 2-D toy. The true value Q^π comes\n"
      "from Monte Carlo rollouts in the true world. TD3+BC's estimate stays near the truth and its policy reaches the goal in about\n"
      "half the runs at 2000 steps, in most at 4000. NOT seen in this toy: PRDC at the paper's β = 2 overestimating less than\n"
      "TD3. In a 2-D state space the dataset is dense, so some nearby state always carries an action close to π(s): the gold lines stay short,\n"
      "the constraint barely binds, and PRDC overestimates as much as TD3 or more (claim 3, tests/unit/offline_prdc_test.cpp; README:\n"
      "offline.prdc). Raise β (state distance dominates the key) and PRDC approaches TD3+BC: at β = 100 it matches it within a standard error.\n"
      "Readings: the toy's settings (nets of 16 units, τ = 0.05, 2000 steps, γ = 0.9) and the state normalisation of the authors' code.\n"
      "Datasets: behaviour expert, noisy expert, random, mixed, or replay — every transition an online TD3 learner (no regulariser,\n"
      "exploration σ = noise) collected while it learned from scratch, as the replay dataset of Schweighofer et al. (CoLLAs 2022);\n"
      "random starts is the coverage knob (a trajectory starts anywhere outside the wall). The live readouts give the expert's return and\n"
      "each learner's; hover the expert's for the dataset's mean return, TQ (trajectory quality: 0 = the random policy's return, 1 = the\n"
      "expert's) and SACo (state-action coverage: distinct (s, a) relative to a replay dataset; the continuous (x, y, a_x, a_y) is cut\n"
      "into 10 bins per coordinate: a reading), and a learner's for its critic's Q̂ − Q^π. From s₀ alone the replay learner never finds the goal at these\n"
      "sizes (its return stays 0); with random starts = 1 and 100 trajectories it learns while it collects (README: offline.prdc).";
  d.papers = {"Y. Ran, Y.-C. Li, F. Zhang, Z. Zhang, Y. Yu. Policy Regularization with Dataset Constraint for Offline Reinforcement Learning. ICML 2023, arXiv:2306.06569.",
              "S. Fujimoto, S. S. Gu. A Minimalist Approach to Offline Reinforcement Learning (TD3+BC). NeurIPS 2021, arXiv:2106.06860.",
              "S. Fujimoto, H. van Hoof, D. Meger. Addressing Function Approximation Error in Actor-Critic Methods (TD3). ICML 2018, arXiv:1802.09477.",
              "K. Schweighofer, A. Radler, M.-C. Dinu, M. Hofmarcher, V. Patil, A. Bitto-Nemling, H. Eghbal-zadeh, S. Hochreiter. A Dataset Perspective on "
              "Offline Reinforcement Learning (datasets, TQ, SACo). CoLLAs 2022, arXiv:2111.04714."};
  d.default_runs = 3;  // each run trains four TD3 learners (README: offline.prdc, Tests)
  d.make = [] { return std::make_unique<PrdcExperiment>(); };
  return d;
}

}  // namespace klab::offline
