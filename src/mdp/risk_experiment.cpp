#include "mdp/risk_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "core/checkpoints.hpp"
#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "mdp/grid_plot.hpp"
#include "mdp/presets.hpp"
#include "mdp/world.hpp"

namespace klab::mdp {
namespace {

// [SECTION] params

enum class Method { RiskNeutral, Cvar, Entropic };
constexpr const char* kMethodIds[] = {"risk_neutral", "cvar", "entropic"};  // in Method order
static_assert(std::size(kMethodIds) == static_cast<size_t>(Method::Entropic) + 1, "one id per Method");
constexpr int kReturnBins = 80;        // about this many histogram bins over the returns' support
constexpr double kPathOffset = 0.12;    // cells between the drawn paths of consecutive policies
constexpr double kHistogramTail = 1e-5; // returns below every policy's 10⁻⁵-quantile share the first bin
constexpr const char* kLearnerIds[] = {"is_loss", "emse", "sq_loss", "softplus"};  // in EntropicLoss order
static_assert(std::size(kLearnerIds) == static_cast<size_t>(EntropicLoss::Softplus) + 1, "one id per EntropicLoss");
constexpr size_t kDefaultLearners = 3;  // is_loss, emse, sq_loss: softplus is off by default (links keep their meaning)
constexpr int kLearnerCheckpoints = 20;
constexpr int kProfileLevels = 50;     // CVaR_α′ profile: α′ on this many points of [0.02, 1]
constexpr double kProfileLowest = 0.02;
constexpr int kMaxRiskWorldSize = 100;  // riverswim / chain n and random S (the lattice bounds the rest: kMaxStockWork)

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"risk-neutral (max E[G])", "CVaR_α-optimal (stock-augmented DP)", "exponential utility (max CE_β)"};
  return labels;
}

const std::vector<std::string>& learner_labels() {
  static const std::vector<std::string> labels{"Itakura–Saito loss", "exponential MSE (baseline)", "squared loss (risk-neutral TD, reference)",
                                               "softplus loss (baseline: 2δσ(βδ))"};
  return labels;
}

std::shared_ptr<const ParamTable<RiskParams>> table(const RiskWorldCache& built) {
  auto t = std::make_shared<ParamTable<RiskParams>>();
  using P = RiskParams;
  t->multi_choice("methods", &P::methods, risk_method_ids(), risk_method_ids(), 1)
      .label("policies")
      .choice_labels(method_labels())
      .help("Which optimal policies to compare (each is exact for its own objective).");
  t->real("alpha", &P::alpha, 0.1, 0.01, 1.0)
      .label("CVaR level α")
      .help("CVaR_α(G) is the mean of the worst α-fraction of returns (α = 1: the mean). The CVaR policy maximises it.");
  t->real("beta", &P::beta, 0.02, 0.001, 1.0)
      .label("risk aversion β")
      .help("The exponential-utility policy maximises CE_β(G) = −(1/β) log E exp(−βG).");
  WorldParams d;  // the chapter's world parameters with mdp.risk's defaults (the cliff walk)
  d.preset = Preset::Cliff, d.size = 6, d.actions = 4, d.branching = 5, d.world_seed = 1;
  declare_world_choice(*t, d, kMaxRiskWorldSize);
  t->integer("reward_levels", &P::reward_levels, 10, 1, kMaxRewardDenominator)
      .label("reward levels k")
      .help("A random MDP's rewards are uniform on {0, 1/k, …, 1}: the lattice the exact stock-augmented DP needs.");
  declare_world_seed(*t, d);
  declare_world_files(*t,
                      std::string(kMdpFileParamHelp) + " Its rewards must be multiples of 1/k, k ≤ 1000 (the DP is exact on that lattice; "
                                                       "nothing is rounded); its discount and horizon are replaced by γ = 1 and H; a "
                                                       "gridworld file keeps its own slip, wind and cliff reward.",
                      "A gridworld from the editor (the Live tab's \"Edit the world\"): klab.gridworld JSON on one line, without slip, wind, "
                      "wind_direction, cliff_reward, discount and horizon (the parameters hold them). Its rewards must be multiples of 1/k, k ≤ 1000 "
                      "(the DP is exact on that lattice; nothing is rounded). When set it replaces the world preset; empty: none.");
  t->integer("horizon", &P::horizon, 25, 1, 60).label("horizon H").help("Steps per episode (undiscounted; on the cliff walk the shortest way to the goal takes 13).");
  t->real("slip", &P::slip, 0.1, 0.0, 1.0).label("slip").help("Gridworlds: probability that a move goes in a uniformly random direction; chain: probability of the other action.");
  t->real("wind", &P::wind, 0.0, 0.0, 1.0).label("wind").help("Gridworlds: probability of an extra push one cell in the wind's direction.");
  t->choice("wind_direction", &P::wind_direction, Direction::South, {"north", "east", "south", "west"})
      .label("wind blows")
      .choice_labels({"north", "east", "south", "west"})
      .help("Direction of the wind's push (south: towards the cliff).");
  t->integer("cliff_reward", &P::cliff_reward, -100, -1000, 0).label("cliff reward").help("Gridworlds: reward for entering a cliff cell (then back to a start); on the cliff walk each step pays −1.");
  t->integer("episodes", &P::episodes, 2000, 10, 1000000).label("episodes per run").help("Monte Carlo episodes per run and policy (the estimates of mean and CVaR).");
  const std::vector<std::string> default_learners(risk_learner_ids().begin(), risk_learner_ids().begin() + kDefaultLearners);
  t->multi_choice("learners", &P::learners, default_learners, risk_learner_ids(), 0)
      .label("value learners")
      .choice_labels(learner_labels())
      .help("Learn the exponential-utility action values Q*_h(s, a) at β from samples, one loss each (Udovichenko et al. 2025).");
  t->integer("sweeps", &P::sweeps, 500, 1, 5000)
      .label("learning sweeps")
      .help("Synchronous sweeps: each draws one outcome for every (h, s, a) and takes one gradient step on it.");
  t->real("learn_rate", &P::learn_rate, 0.5, 1e-4, 10.0).log_scale().label("step size η₀").help("Step size of the first sweep; sweep k uses η₀ / (k + 1)^ω.");
  t->real("learn_decay", &P::learn_decay, 0.7, 0.0, 1.0).label("step decay ω").help("η_k = η₀ / (k + 1)^ω (0: constant steps; 1: 1/k).");
  t->choice("learn_step", &P::learn_step, EntropicStep::Sgd, {"sgd", "adam"})
      .label("step rule")
      .choice_labels({"SGD: Q ← Q − η_k ∂ℓ/∂V", "Adam per (h, s, a) (a reading of the paper's optimiser)"})
      .help("SGD takes η_k times the loss's gradient; Adam (β₁ below, β₂ = 0.999) takes about η_k in its direction, whatever its size: "
            "stable at large β, where the exponentials make SGD's steps explode.");
  t->real("learn_beta1", &P::learn_beta1, AdamStep::kBeta1, 0.0, 0.999)
      .label("Adam's β₁")
      .help("With learn_step = adam: the decay of its first moment m ← β₁m + (1 − β₁)g (0.9: Kingma & Ba's default; the paper's networks use 0.99). "
            "Ignored by SGD.");
  // The paper's recipe (App. B.1) as fractions of the run; its own setting: learn_warmup = 0.01, learn_schedule = cosine,
  // learn_clip = 1, with learn_decay = 0 (a constant rate), learn_step = adam, learn_beta1 = 0.99 (src/mdp/README.md, mdp.risk).
  t->real("learn_warmup", &P::learn_warmup, 0.0, 0.0, 1.0)
      .label("warm-up fraction")
      .help("Linear warm-up of the step size from 0.01·η_k over this fraction of the sweeps (0: none; the paper's 1k of 100k "
            "iterations: 0.01).");
  t->choice("learn_schedule", &P::learn_schedule, EntropicSchedule::None, {"none", "cosine"})
      .label("step decay schedule")
      .choice_labels({"none: η_k as set", "cosine over the second half of the sweeps (the paper's)"})
      .help("cosine multiplies η_k by ½(1 + cos(π(2k − K)/K)) from sweep K/2 on, K the sweeps: down to 0 at the end (the paper: "
            "constant, then a cosine decay over the second half).");
  t->real("learn_clip", &P::learn_clip, 0.0, 0.0, 100.0)
      .label("gradient clip c")
      .help("Each gradient ∂ℓ/∂V is clamped to [−c, c] before the step, SGD or Adam (0: no clipping; the paper clips gradient "
            "values at 1).");
  // The grid presets, RiverSwim and the chain build at every value in these ranges: their rewards are
  // on a lattice and H ≤ 60 keeps the reachable augmented states far below kMaxStockEntries (the cliff:
  // 75,426 at H = 60, slip and wind 0.3; test "risk: mdp.risk's parameters"). A random MDP, a file or an
  // edited grid can have off-lattice rewards or too many stocks: the rule builds the lattice, once per
  // world (`built` keeps the last one for the solution).
  t->rule([built](const P& p) { return built.get(risk_world_params(p)).status(); });
  return t;
}

// [SECTION] run

enum Curve { kCurveProbability, kCurveMcFrequency, kCurveCvarProfile, kCurveQError, kCurveDiverged };
enum Final { kFinalMean, kFinalCvar, kFinalCertaintyEquivalent, kFinalMcMean, kFinalMcCvar, kFinalThreshold, kFinalQError, kFinalDiverged };

std::vector<double> profile_levels() { return plot::linear_points(kProfileLowest, 1.0, kProfileLevels); }

}  // namespace

size_t risk_return_bin(const RiskSolution& sol, double g) {
  const double lo = sol.return_bins.front() - sol.bin_width / 2;
  const double k = std::floor((g - lo) / sol.bin_width);
  return static_cast<size_t>(std::clamp(k, 0.0, static_cast<double>(sol.return_bins.size() - 1)));
}

const std::vector<std::string>& risk_method_ids() {
  static const std::vector<std::string> ids(std::begin(kMethodIds), std::end(kMethodIds));
  return ids;
}

const std::vector<std::string>& risk_learner_ids() {
  static const std::vector<std::string> ids(std::begin(kLearnerIds), std::end(kLearnerIds));
  return ids;
}

std::vector<double> learner_checkpoints(int sweeps) { return even_checkpoints(sweeps, kLearnerCheckpoints, 1.0); }

uint32_t learner_stream(const std::string& id) { return static_cast<uint32_t>(std::size(kMethodIds) + id_index(risk_learner_ids(), id)); }

EntropicLearnerSettings learner_settings(const RiskParams& p, const std::string& id) {
  EntropicLearnerSettings s;
  s.loss = static_cast<EntropicLoss>(id_index(risk_learner_ids(), id));
  s.beta = p.beta, s.rate = p.learn_rate, s.decay = p.learn_decay, s.step = p.learn_step, s.adam_beta1 = p.learn_beta1;
  s.total_sweeps = p.sweeps, s.warmup = p.learn_warmup, s.schedule = p.learn_schedule, s.clip = p.learn_clip;
  return s;
}

RiskWorldParams risk_world_params(const RiskParams& p) {
  RiskWorldParams w;
  WorldParams& x = w.world;
  x.preset = p.world, x.size = p.size, x.actions = p.actions, x.branching = p.branching, x.reward_levels = p.reward_levels;
  x.world_seed = p.world_seed, x.vary_world = false, x.mdp_file = p.mdp_file, x.grid = p.grid;
  x.slip = p.slip, x.wind = p.wind, x.discount = 1.0, x.horizon = p.horizon;
  w.wind_direction = p.wind_direction, w.cliff_reward = p.cliff_reward;
  return w;
}

RiskSolution solve_risk(const RiskParams& p, const RiskWorldBuild& world) {
  RiskSolution sol;
  sol.world = world.world;
  sol.lattice = world.lattice;
  const Mdp& m = sol.world.mdp;
  sol.cvar = cvar_policy(m, sol.lattice, p.alpha);
  sol.entropic_q = entropic_q_values(m, sol.lattice, p.beta);
  sol.policies = {risk_neutral_policy(m, sol.lattice), sol.cvar.policy, greedy_markov_policy(m, sol.lattice.horizon, sol.entropic_q)};
  for (const StockPolicy& pi : sol.policies) {
    sol.occupancy.push_back(stock_occupancy(m, sol.lattice, pi));
    sol.returns.push_back(final_distribution(sol.lattice, sol.occupancy.back().back()));
  }
  const std::vector<double> w = optimal_values_to_go(m, sol.lattice);
  sol.risk_neutral_start.assign(w.begin(), w.begin() + m.states);
  // Histogram bins over [the lowest policy's 10⁻⁵-quantile, the highest return]; the first bin also
  // holds the rarer, lower returns (up to H falls) so that the bins stay narrow where the mass is.
  double lo = INFINITY, hi = -INFINITY;
  for (const ReturnDistribution& d : sol.returns) {
    double mass = 0.0;
    size_t k = 0;
    while (k + 1 < d.values.size() && (mass += d.probs[k]) < kHistogramTail) ++k;
    lo = std::min(lo, d.values[k]), hi = std::max(hi, d.values.back());
  }
  const double q = sol.lattice.quantum;
  sol.bin_width = std::max(1.0, std::ceil((hi - lo + q) / q / kReturnBins)) * q;
  const int bins = static_cast<int>(std::ceil((hi - lo + q) / sol.bin_width - 1e-9));
  for (int k = 0; k < std::max(bins, 1); ++k) sol.return_bins.push_back(lo - q / 2 + (k + 0.5) * sol.bin_width);
  return sol;
}

std::vector<int> likely_path(const RiskSolution& sol, const StockPolicy& pi) {
  const Mdp& m = sol.world.mdp;
  const StockLattice& L = sol.lattice;
  const GridLayout& grid = sol.world.layout;
  int s = static_cast<int>(std::find_if(m.start.begin(), m.start.end(), [](double p) { return p > 0.0; }) - m.start.begin());
  int64_t c = 0;
  std::vector<int> path{s};
  for (int h = 0; h < L.horizon; ++h) {
    if (grid.rows > 0 && grid.cell[static_cast<size_t>(grid.cell_of_state[static_cast<size_t>(s)])] == 'G') break;
    const int i = m.first_pair[s] + pi.action(L, h, s, c);
    int best = L.first[i];
    for (int o = L.first[i] + 1; o < L.first[i + 1]; ++o)
      if (L.prob[o] > L.prob[best]) best = o;
    c += L.units[best];
    s = L.next[best];
    path.push_back(s);
  }
  return path;
}

plot::Plot likely_paths_plot(const RiskSolution& sol, const std::vector<std::string>& ids, const Policy* rays, const std::string& title) {
  GridPlotInput in;
  in.mdp = &sol.world.mdp;
  in.layout = &sol.world.layout;
  in.state_values = sol.risk_neutral_start;
  in.policy = rays;
  in.title = title;
  in.value_label = "E[G]";
  plot::Plot grid = grid_plot(in);
  const size_t shown = ids.size();
  for (size_t slot = 0; slot < shown; ++slot) {
    plot::Line path = grid_path(sol.world.layout, likely_path(sol, sol.policies[id_index(risk_method_ids(), ids[slot])]), ids[slot], palette(slot), 2.5f);
    const double offset = kPathOffset * (static_cast<double>(slot) - 0.5 * static_cast<double>(shown - 1));  // side by side where paths coincide
    for (double& x : path.x) x += offset;
    for (double& y : path.y) y -= offset;
    grid.lines.push_back(path);
  }
  grid.legend = true;
  return grid;
}

plot::Plot stock_policy_plot(const RiskSolution& sol, const std::string& id, int h, const std::string& title) {
  const size_t method = id_index(risk_method_ids(), id);
  const StockPolicy& pi = sol.policies[method];
  const StockLattice& L = sol.lattice;
  const std::vector<StockState>& R = L.states[static_cast<size_t>(h)];
  const std::vector<double>& mass = sol.occupancy[method][static_cast<size_t>(h)];
  plot::Plot p;
  p.title = title;
  p.x = {"stock c_h (the rewards of steps 0 … h − 1)", plot::Scale::Linear};
  p.y = {"state s", plot::Scale::Linear};
  p.y.cover_lo = -0.5, p.y.cover_hi = sol.world.mdp.states - 0.5;
  std::vector<plot::Points> actions(static_cast<size_t>(sol.world.mdp.max_actions()));
  for (size_t a = 0; a < actions.size(); ++a) {
    actions[a].name = "a = " + std::to_string(a);
    actions[a].color = palette(a);
    actions[a].radius = 4.0f;
  }
  for (size_t k = 0; k < R.size(); ++k) {
    if (mass[k] <= 0.0) continue;
    plot::Points& at = actions[static_cast<size_t>(pi.action(L, h, R[k].s, R[k].c))];
    at.x.push_back(static_cast<double>(R[k].c) * L.quantum);
    at.y.push_back(R[k].s);
  }
  for (plot::Points& a : actions)
    if (!a.x.empty()) p.points.push_back(std::move(a));
  return p;
}

int stock_policy_step(const RiskSolution& sol) {
  const size_t cvar = static_cast<size_t>(Method::Cvar), neutral = static_cast<size_t>(Method::RiskNeutral);
  const StockLattice& L = sol.lattice;
  int best = L.horizon / 2;
  size_t most = 0;
  for (int h = 0; h < L.horizon; ++h) {
    const std::vector<StockState>& R = L.states[static_cast<size_t>(h)];
    const std::vector<double>& mass = sol.occupancy[cvar][static_cast<size_t>(h)];
    size_t differs = 0;
    for (size_t k = 0; k < R.size(); ++k)
      differs += mass[k] > 0.0 && sol.policies[cvar].action(L, h, R[k].s, R[k].c) != sol.policies[neutral].action(L, h, R[k].s, R[k].c);
    if (differs > most) most = differs, best = h;
  }
  return best;
}

RiskExperiment::RiskExperiment() : RiskExperiment(RiskWorldCache()) {}

RiskExperiment::RiskExperiment(const RiskWorldCache& worlds) : ExperimentOf(table(worlds)), worlds_(worlds) {}

std::shared_ptr<const RiskSolution> RiskExperiment::solution() const {
  return cache_.get(static_cast<const Experiment&>(*this).params().version(), [&]() -> std::shared_ptr<const RiskSolution> {
    const Expected<std::shared_ptr<const RiskWorldBuild>> world = worlds_.get(risk_world_params(p()));
    return world.ok() ? std::make_shared<const RiskSolution>(solve_risk(p(), *world.value())) : nullptr;
  });
}

// Learner series `slot`: `sweeps` synchronous sweeps (stream 3 + its loss index), ‖Q̂ − Q*‖∞ and
// whether it has diverged at each checkpoint; at the end the greedy policy's exact mean, CVaR_α and
// CE_β. A diverged learner's errors and final numbers are left NaN (skipped by the statistics);
// its "diverged" curve and metric say so.
void RiskExperiment::run_learner(const RiskSolution& sol, uint64_t seed, uint32_t run, const RunLayout& layout, size_t slot, RunRecord& out) const {
  const std::string& id = layout.series[slot];
  EntropicQLearner learner(sol.world.mdp, sol.lattice, learner_settings(p(), id));
  Rng rng(seed, run, learner_stream(id));
  const std::vector<double>& checkpoints = layout.axes[2].x;
  for (size_t k = 0; k < checkpoints.size(); ++k) {
    while (learner.sweeps() < static_cast<int>(checkpoints[k]) && !learner.diverged()) learner.sweep(rng);
    out.curve(slot, kCurveDiverged, k, learner.diverged() ? 1.0 : 0.0);
    if (!learner.diverged()) out.curve(slot, kCurveQError, k, max_abs_error(learner.q(), sol.entropic_q));
  }
  out.final(slot, kFinalDiverged, learner.diverged() ? 1.0 : 0.0);
  if (learner.diverged()) return;
  out.final(slot, kFinalQError, max_abs_error(learner.q(), sol.entropic_q));
  const ReturnDistribution d = return_distribution(sol.world.mdp, sol.lattice, greedy_markov_policy(sol.world.mdp, sol.lattice.horizon, learner.q()));
  out.final(slot, kFinalMean, distribution_mean(d));
  out.final(slot, kFinalCvar, distribution_cvar(d, p().alpha));
  out.final(slot, kFinalCertaintyEquivalent, certainty_equivalent(d, p().beta));
}

// One run: `episodes` Monte Carlo episodes of every shown policy (stream = its method index), next
// to the exact numbers (the same in every run).
void RiskExperiment::run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  const std::shared_ptr<const RiskSolution> sol = solution();
  if (!sol) return;
  const std::vector<double> levels = layout.axes[1].x;
  for (size_t slot = 0; slot < layout.series.size(); ++slot) {
    if (slot >= p().methods.size()) {
      run_learner(*sol, seed, run, layout, slot, out);
      continue;
    }
    const size_t method = id_index(risk_method_ids(), layout.series[slot]);
    const ReturnDistribution& exact = sol->returns[method];
    std::vector<double> probability(sol->return_bins.size(), 0.0);
    for (size_t k = 0; k < exact.values.size(); ++k) probability[risk_return_bin(*sol, exact.values[k])] += exact.probs[k];
    for (size_t k = 0; k < probability.size(); ++k) out.curve(slot, kCurveProbability, k, probability[k]);
    for (size_t k = 0; k < levels.size(); ++k) out.curve(slot, kCurveCvarProfile, k, distribution_cvar(exact, levels[k]));
    out.final(slot, kFinalMean, distribution_mean(exact));
    out.final(slot, kFinalCvar, distribution_cvar(exact, p().alpha));
    out.final(slot, kFinalCertaintyEquivalent, certainty_equivalent(exact, p().beta));
    if (static_cast<Method>(method) == Method::Cvar) out.final(slot, kFinalThreshold, sol->cvar.threshold);

    Rng rng(seed, run, static_cast<uint32_t>(method));
    std::vector<double> samples(static_cast<size_t>(p().episodes));
    for (double& g : samples) g = sample_return(sol->world.mdp, sol->lattice, sol->policies[method], rng);
    std::vector<double> frequency(sol->return_bins.size(), 0.0);
    for (double g : samples) frequency[risk_return_bin(*sol, g)] += 1.0 / static_cast<double>(samples.size());
    for (size_t k = 0; k < frequency.size(); ++k) out.curve(slot, kCurveMcFrequency, k, frequency[k]);
    const ReturnDistribution empirical = empirical_distribution(std::move(samples));
    out.final(slot, kFinalMcMean, distribution_mean(empirical));
    out.final(slot, kFinalMcCvar, distribution_cvar(empirical, p().alpha));
  }
}

// [SECTION] layout

RunLayout RiskExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  l.series.insert(l.series.end(), p().learners.begin(), p().learners.end());  // policies first, then learners
  const std::shared_ptr<const RiskSolution> sol = solution();
  l.axes = {{"return G", sol ? sol->return_bins : std::vector<double>{0.0}}, {"level α′", profile_levels()}, {"sweep", learner_checkpoints(p().sweeps)}};
  l.curves = {{"probability", 0}, {"mc_frequency", 0}, {"cvar_profile", 1}, {"q_error", 2}, {"diverged", 2}};
  l.final_metrics = {"mean", "cvar", "certainty_equivalent", "mc_mean", "mc_cvar", "threshold", "q_error", "diverged"};
  l.work_unit = "episodes";
  l.work_per_run = static_cast<double>(p().methods.size()) * p().episodes;  // (the learners' sweeps are not counted)
  return l;
}

// [SECTION] figure

namespace {

// "cvar: mean −21.9, CVaR_α −51.5": the legend carries the numbers the guides mark.
std::string legend_name(const std::string& id, const ReturnDistribution& d, double alpha) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: mean %.1f, CVaR %.1f", id.c_str(), distribution_mean(d), distribution_cvar(d, alpha));
  return buf;
}

plot::Guide marker(double x, Rgba color, bool dashed) {
  plot::Guide g;
  g.vertical = true;
  g.value = x;
  g.color = color;
  g.dashed = dashed;
  return g;
}

// P(G ≤ x) of an exact distribution as a step line.
plot::Line cdf_line(const ReturnDistribution& d, const std::string& name, const std::string& group, Rgba color) {
  plot::Line l;
  l.name = name, l.group = group, l.color = color;
  double total = 0.0;
  for (size_t k = 0; k < d.values.size(); ++k) {
    if (k > 0) l.x.push_back(d.values[k]), l.y.push_back(total);
    total += d.probs[k];
    l.x.push_back(d.values[k]), l.y.push_back(std::min(total, 1.0));
  }
  return l;
}

// The series that are policies (the layout lists them first, then the learners).
std::vector<std::string> policy_series(const RunLayout& l) {
  std::vector<std::string> ids;
  for (const std::string& id : l.series)
    if (std::find(risk_method_ids().begin(), risk_method_ids().end(), id) != risk_method_ids().end()) ids.push_back(id);
  return ids;
}

// The learners' ‖Q̂ − Q*‖∞ against the sweep (mean over the runs that have not diverged, 95% band),
// each legend naming how many runs diverged and the greedy policy's exact CE_β against the optimum's.
plot::Plot learning_plot(const BatchResult& r, const RiskSolution& sol, double beta) {
  plot::Plot p;
  p.title = "Learning Q* of the exponential utility from samples: max |Q̂ − Q*| (runs not diverged)";
  p.x = {"sweep (samples per (h, s, a))", plot::Scale::Log};
  p.y = {"max |Q̂ − Q*| over (h, s, a)", plot::Scale::Log};
  const int q_error = r.layout.find_curve("q_error");
  const int diverged = r.layout.find_final("diverged"), ce = r.layout.find_final("certainty_equivalent");
  const double optimum = certainty_equivalent(sol.returns[static_cast<size_t>(Method::Entropic)], beta);
  for (size_t s = policy_series(r.layout).size(); s < r.layout.series.size(); ++s) {
    const RunningStat& div = r.final_stat(s, static_cast<size_t>(diverged));
    const RunningStat& value = r.final_stat(s, static_cast<size_t>(ce));
    char name[200], greedy[80] = "no greedy policy";
    if (value.count() > 0) std::snprintf(greedy, sizeof greedy, "greedy policy's CE %.2f (optimum %.2f)", value.mean(), optimum);
    std::snprintf(name, sizeof name, "%s: %.0f/%lld runs diverged, %s", r.layout.series[s].c_str(), div.mean() * static_cast<double>(div.count()),
                  static_cast<long long>(div.count()), greedy);
    plot::Line l = plot::result_line(r, s, static_cast<size_t>(q_error), name);
    l.group = r.layout.series[s];
    p.lines.push_back(std::move(l));
  }
  return p;
}

// Per-run Monte Carlo estimates of a final metric: the mean over runs with its 95% interval per
// policy, the exact value as a grey tick across it.
plot::Plot estimate_plot(const BatchResult& r, const std::string& metric, const std::vector<double>& exact, const std::string& title, const std::string& y) {
  plot::Plot p;
  p.title = title;
  p.x = plot::category_axis("policy", policy_series(r.layout), 0.0);
  p.y.label = y;
  p.legend = false;
  const int m = r.layout.find_final(metric);
  for (size_t s = 0; s < exact.size(); ++s) {
    const RunningStat& st = r.final_stat(s, static_cast<size_t>(m));
    if (st.count() == 0) continue;
    const double x = static_cast<double>(s);
    plot::Line ci;
    ci.name = r.layout.series[s] + " 95% CI", ci.group = r.layout.series[s], ci.color = palette(s), ci.width = 3.0f;
    ci.x = {x, x}, ci.y = {st.mean() - st.ci95(), st.mean() + st.ci95()};
    p.lines.push_back(ci);
    plot::Points mean;
    mean.name = r.layout.series[s], mean.color = palette(s), mean.radius = 5.0f;
    mean.x = {x}, mean.y = {st.mean()};
    p.points.push_back(mean);
    plot::Line tick = plot::reference_line("exact " + r.layout.series[s], {x - 0.3, x + 0.3}, {exact[s], exact[s]});
    tick.group = r.layout.series[s];
    p.lines.push_back(tick);
  }
  return p;
}

}  // namespace

plot::Plot return_histogram(const RiskSolution& sol, const std::vector<std::string>& ids, const std::vector<std::vector<double>>& masses, double alpha,
                            const std::string& title) {
  plot::Plot hist;
  hist.title = title;
  hist.x = {"return G (bins of " + format_real(sol.bin_width) + ")", plot::Scale::Linear};
  hist.y = {"probability", plot::Scale::Log};
  hist.y.min = kHistogramTail;
  const size_t shown = ids.size();
  for (size_t slot = 0; slot < shown; ++slot) {
    const ReturnDistribution& exact = sol.returns[id_index(risk_method_ids(), ids[slot])];
    const std::vector<double>& mass = masses[slot];
    plot::Bars b;
    b.name = legend_name(ids[slot], exact, alpha);
    b.group = ids[slot];
    b.color = palette(slot);
    const double part = sol.bin_width / static_cast<double>(shown);
    for (size_t k = 0; k < mass.size(); ++k) {
      const double left = sol.return_bins[k] - sol.bin_width / 2 + part * static_cast<double>(slot);
      if (b.edges.empty() || b.edges.back() != left) {
        if (!b.edges.empty()) b.heights.push_back(0.0);  // the gap to this bin's part (no bar: zero is off a log axis)
        b.edges.push_back(left);
      }
      b.edges.push_back(left + part);
      b.heights.push_back(mass[k]);
    }
    hist.bars.push_back(b);
    // CVaR_α as a dashed line; the mean only in the legend: a mean line sits among the tall bars
    // it averages, where it could not be seen (the means differ by about one return unit at the defaults).
    hist.guides.push_back(marker(distribution_cvar(exact, alpha), palette(slot), true));
  }
  return hist;
}

plot::Figure RiskExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const RiskParams& q = p();
  const RiskWorldParams w = risk_world_params(q);
  const bool grid = risk_world_is_grid(w), chain = q.world == Preset::Chain && q.mdp_file.empty() && q.grid.empty();
  f.title = risk_world_label(w) + (grid || chain ? ", slip " + format_real(q.slip) : "") +
            (grid && q.wind > 0 ? ", wind " + format_real(q.wind) + " " + direction_name(q.wind_direction) : "") + ", H = " + std::to_string(q.horizon) + ": the CVaR_" + format_real(q.alpha) + " policy against the risk-neutral one";
  const std::shared_ptr<const RiskSolution> sol = solution();
  if (!sol) return f;
  const std::vector<std::string> policies = policy_series(r.layout);  // the learners follow them
  const size_t shown = policies.size();
  std::vector<const ReturnDistribution*> dist;
  for (const std::string& id : policies) dist.push_back(&sol->returns[id_index(risk_method_ids(), id)]);

  // Headline: the exact histograms side by side per bin, log scale (the falls are the small far-left bumps).
  std::vector<std::vector<double>> masses;
  for (size_t slot = 0; slot < shown; ++slot) {
    masses.emplace_back(sol->return_bins.size(), 0.0);
    for (size_t k = 0; k < dist[slot]->values.size(); ++k) masses.back()[risk_return_bin(*sol, dist[slot]->values[k])] += dist[slot]->probs[k];
  }
  plot::Plot hist = return_histogram(*sol, policies, masses, q.alpha, "Return G, exact (dashed: CVaR_α; means in the legend)");
  f.plots.push_back(hist);

  if (sol->world.layout.rows > 0) {
    f.plots.push_back(likely_paths_plot(*sol, policies, nullptr, "Most likely paths (colour: risk-neutral E[G] from each cell)"));
  } else {  // no grid: the policy's action per (state, stock) at the step where the CVaR policy departs most from the risk-neutral one
    const std::string shown_id = std::find(policies.begin(), policies.end(), "cvar") != policies.end() ? "cvar" : policies.front();
    const int h = stock_policy_step(*sol);
    f.plots.push_back(stock_policy_plot(*sol, shown_id, h, shown_id + "'s action at step h = " + std::to_string(h) + " per (state, stock) it reaches"));
  }

  plot::Plot cdf;
  cdf.title = "P(G ≤ x), exact (CVaR_α: the mean left of the α crossing)";
  cdf.x = {"return x", plot::Scale::Linear};
  cdf.x.min = sol->return_bins.front() - sol->bin_width / 2;
  cdf.y = {"P(G ≤ x)", plot::Scale::Log};
  cdf.y.min = kHistogramTail, cdf.y.max = 1.0;
  for (size_t slot = 0; slot < shown; ++slot) cdf.lines.push_back(cdf_line(*dist[slot], policies[slot], policies[slot], palette(slot)));
  cdf.guides.push_back(reference_guide("α = " + format_real(q.alpha), q.alpha));
  f.plots.push_back(cdf);

  plot::Plot profile;
  profile.title = "CVaR_α′ of each policy at every level α′ (exact)";
  profile.x = {"level α′", plot::Scale::Linear};
  profile.y = {"CVaR_α′(G)", plot::Scale::Linear};
  profile.lines = reported_lines(r, "cvar_profile");
  plot::Guide at = marker(q.alpha, plot::kReferenceGrey, true);
  at.label = "α optimised";
  profile.guides.push_back(at);
  f.plots.push_back(profile);

  std::vector<double> exact_cvar, exact_mean;
  for (const ReturnDistribution* d : dist) exact_cvar.push_back(distribution_cvar(*d, q.alpha)), exact_mean.push_back(distribution_mean(*d));
  if (r.layout.series.size() > shown) f.plots.push_back(learning_plot(r, *sol, q.beta));
  f.plots.push_back(estimate_plot(r, "mc_cvar", exact_cvar, "Monte Carlo CVaR_α: mean of the runs' estimates, 95% CI (grey: exact)", "CVaR_α"));
  f.plots.push_back(estimate_plot(r, "mc_mean", exact_mean, "Monte Carlo mean return, 95% CI (grey: exact)", "E[G]"));
  return f;
}

// [SECTION] demo text

DemoInfo risk_demo() {
  DemoInfo d;
  d.id = "mdp.risk";
  d.chapter = "mdp";
  d.title = "Risk: CVaR by stock-augmented DP";
  d.summary = "A slippery cliff walk (or another gridworld, painted in the editor, RiverSwim, the chain, a random MDP or an MDP file): the CVaR-optimal policy of stock-augmented dynamic programming gives up some mean return for a better worst tail; exact return distributions against the risk-neutral and exponential-utility optima, and the exponential-utility values learned from samples with the Itakura–Saito loss.";
  d.about =
      "Finite horizon H, no discount: the return G is the sum of the rewards (on the cliff walk −1 per step, the cliff reward and back to the\n"
      "start on a fall).\n"
      "Worlds: the cliff walk (default), four rooms, the hazard maze, or a grid painted in the editor (\"Edit the world\": the `grid` parameter,\n"
      "as in the other mdp demos; slip, wind, its direction and the cliff reward stay this demo's parameters); RiverSwim (a = 0 left, 1 right),\n"
      "the chain (a = 0 forward, 1 back to the start; slip: the other action happens and earns its reward), a random MDP whose rewards are\n"
      "drawn uniformly from {0, 1/k, …, 1} (`reward_levels` k; one world per batch, `world_seed`), or a klab.mdp / klab.gridworld file\n"
      "(`mdp_file`, or the editor's upload). The DP below is exact when every reward is a multiple of 1/k, k ≤ 1000: a world with another\n"
      "reward is refused with the field named (nothing is rounded). Costs (hazard and cost cells, a random MDP's costs) are not part of G.\n"
      "Off a grid the map is the policy map: the chosen policy's action at one step h on every (state, stock) it reaches — a Markov\n"
      "policy's rows are one colour, the CVaR policy's change along the stock. On four rooms and the hazard maze the goal's 1 is the only reward, so G is 1 or 0: every objective\n"
      "prefers a higher chance of reaching the goal in time, and at the defaults the three optima have the same distribution there. Paint\n"
      "cliffs and rewards to see them differ: e.g. a near exit between cliffs worth more than a far, safe one (src/mdp/README.md, mdp.risk).\n"
      "Three exact optima, each for its own objective:\n"
      "    risk-neutral   max E[G]                     backward induction, Markov policy π_h(s)\n"
      "    CVaR_α          max CVaR_α(G) = max_b { b − E[(b − G)⁺]/α }   (mean of the worst α-fraction)\n"
      "    exp. utility   max CE_β(G) = −(1/β) log E exp(−βG)   W_h(s) = max_a −(1/β) log E exp(−β(r + W_{h+1}(s′)))\n"
      "CVaR is not an expected utility, so its optimal policy must remember the rewards so far: stock augmentation (Ávila Pires et al.)\n"
      "adds the stock c (c₀ = 0, c_{h+1} = c_h + r_h) to the state; for each threshold b the DP on (h, s, c) maximises E[min(c_H − b, 0)],\n"
      "and the best b is found by a bisection with bounds over the reachable final stocks. The rewards are integers, so the reachable\n"
      "(s, c) form a finite set and everything is exact (no categorical projection); the policy acts on (h, s, c) and is run by\n"
      "tracking c. Return distributions are exact, pushed forward over (s, c); each run adds Monte Carlo estimates (95% intervals).\n"
      "Headline: the exact histogram of G on a log scale — the falls are the bumps on the left (dashed lines: each policy's CVaR_α;\n"
      "the legend gives its mean and CVaR_α). Then the most likely paths, P(G ≤ x) (CVaR_α averages the returns left of the α crossing), CVaR at every\n"
      "level α′, and the runs' Monte Carlo estimates against the exact values.\n"
      "What to look for: the CVaR policy's tail lies below the risk-neutral one's (fewer falls), so its CVaR_α is higher, while its\n"
      "mean is lower (claim 7, test 'claim 7' in tests/unit/mdp_claims_test.cpp). Its most likely path keeps further from the edge; once it\n"
      "has fallen (a low stock) it switches to the risk-neutral action. The exponential-utility optimum is computed exactly.\n"
      "Learning it from samples (Udovichenko et al.): exp(−βQ_h(s, a)) = E exp(−βy), y = r + max_a′ Q_{h+1}(s′, a′); each learner fits\n"
      "V = Q_h(s, a) to sampled targets y by gradient steps η_k ∂ℓ/∂V (one outcome per (h, s, a) per sweep, η_k = η₀/(k + 1)^ω) on\n"
      "    is_loss    ℓ = β⁻²[e^{β(V−y)} − β(V−y) − 1]     Itakura–Saito divergence of e^{−βy} from e^{−βV}: minimiser CE_β(y)\n"
      "    emse       ℓ = ½β⁻²(e^{−βV} − e^{−βy})²        the exponentiated squared loss: same minimiser, gradient × e^{−2βV}\n"
      "    sq_loss    ℓ = ½(V − y)²                       risk-neutral TD, a reference: it learns E[y], not CE_β(y)\n"
      "    softplus   ∂ℓ/∂V = 2δσ(βδ), δ = V − y            the paper's SP baseline (off by default): ℓ = 2δβ⁻¹log(1 + e^{βδ}) + 2β⁻²Li₂(−e^{βδ})\n"
      "               + π²/(6β²); its root E[δσ(βδ)] = 0 is CE_β(y) only for Gaussian y (the falls here are not: it is biased)\n"
      "The learning plot shows max |Q̂ − Q*| against the sweep (Q*: the exact DP) over the runs that did not diverge; a run whose values\n"
      "stop being finite or leave the range of possible returns by more than its width is counted as diverged (in the legend), never drawn.\n"
      "Look for (defaults, β = 0.02, η₀ = 0.5): is_loss converging to Q* (slowly: the falls make the targets heavy-tailed), emse diverging\n"
      "at the same steps, sq_loss stuck at the gap between the risk-neutral and entropic values. Why emse diverges: near y its gradient is\n"
      "e^{−2βV}(V − y), a step of η_k e^{−2βV} where is_loss takes η_k; the returns here are negative, and with η₀ = 0.5 a value below\n"
      "−ln 4/(2β) ≈ −35 steps past its target (η_k e^{−2βV} > 2, the step is larger than twice the distance), and a step past it\n"
      "downwards makes the factor larger still.\n"
      "At large β plain SGD from Q = 0 diverges too: the IS gradient's e^{β(V−y)} overflows once β·|V − y| is large (here β ≥ 0.05 with a\n"
      "−100 fall). `learn_step` = adam (Adam per (h, s, a), β₁ = `learn_beta1` (0.9), β₂ = 0.999; the paper trains networks with Adam,\n"
      "lr 10⁻⁴, β₁ = 0.99) steps about η_k whatever the gradient: at β = 0.05 nothing diverges, for every loss (Adam's doing, not the\n"
      "loss's), but the values travel slowly towards Q* (src/mdp/README.md, mdp.risk).\n"
      "The rest of the paper's recipe (its App. B.1), each off by default, as fractions of the run's K sweeps (our mapping of its\n"
      "iterations): `learn_warmup` (a linear warm-up from 0.01·η_k; the paper's 1k of 100k: 0.01), `learn_schedule` = cosine (η_k ×\n"
      "½(1 + cos(π(2k − K)/K)) over the second half, to 0), `learn_clip` c (each gradient clamped to [−c, c]; the paper's 1). The paper's\n"
      "setting: learn_step=adam, learn_beta1=0.99, learn_decay=0, learn_warmup=0.01, learn_schedule=cosine, learn_clip=1. It does not\n"
      "fix the slow convergence at β = 0.05: a table has one sample per step, so the clip acts per sample (the paper's on a batch mean)\n"
      "and cuts the fall's weight e^{β(V−y)} that makes the IS loss risk-averse: every loss then learns about the same, wrong, values.\n"
      "Without the clip the values still travel slowly (Adam's steps shrink under the heavy-tailed IS gradients); the constant rate helps,\n"
      "the warm-up and the decay hardly. At the defaults a warm-up keeps the EMSE from diverging (learn_warmup=0.2: 0 of 20 runs).\n"
      "Measured, not asserted (src/mdp/README.md, mdp.risk).\n"
      "Readings: the β⁻² scalings of is_loss and emse (all four gradients → V − y as β → 0; softplus's is the paper's own, factor 2\n"
      "included), synchronous sampling, Adam per table entry, the recipe's iterations as fractions of the sweeps, clipping per sample.\n"
      "The outer search / inner DP split, ties broken by the risk-neutral value, and γ = 1 with a finite horizon are our reading of\n"
      "the papers' abstracts and of Bäuerle & Ott (2011).";
  d.papers = {"B. Ávila Pires, M. Rowland, D. Borsa, Z. D. Guo, K. Khetarpal, A. Barreto, D. Abel, R. Munos, W. Dabney. Optimizing Return Distributions with Distributional Dynamic Programming. arXiv:2501.13028, JMLR 2025.",
              "I. Udovichenko, O. Croissant, A. Toleutaeva, E. Burnaev, A. Korotin. Risk-Averse Reinforcement Learning with Itakura-Saito Loss. arXiv:2505.16925, 2025.",
              "N. Bäuerle, J. Ott. Markov decision processes with average-value-at-risk criteria. Mathematical Methods of Operations Research 74, 2011.",
              "R. T. Rockafellar, S. Uryasev. Optimization of conditional value-at-risk. Journal of Risk 2(3), 2000."};
  d.default_runs = 20;
  d.make = [] { return std::make_unique<RiskExperiment>(); };
  return d;
}

}  // namespace klab::mdp
