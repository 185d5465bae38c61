#include "mdp/robust_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/result_plots.hpp"
#include "mdp/figures.hpp"
#include "mdp/presets.hpp"
#include "mdp/robust_random.hpp"

namespace klab::mdp {
namespace {

// [SECTION] params

enum class Method { Nominal, DomainRand, RobustVi, Iwocs };

const std::vector<std::string>& method_labels() {
  static const std::vector<std::string> labels{"nominal VI (calmest model)", "domain randomisation (average model)",
                                               "robust VI, (s,a)-rectangular", "IWOCS"};
  return labels;
}

constexpr double kRobustViTolerance = 1e-10;
constexpr int kRobustViMaxSweeps = 100000;

std::shared_ptr<const ParamTable<RobustParams>> table() {
  auto t = std::make_shared<ParamTable<RobustParams>>();
  using P = RobustParams;
  t->multi_choice("methods", &P::methods, robust_method_ids(), robust_method_ids(), 1)
      .label("methods")
      .choice_labels(method_labels())
      .help("Ways to choose a policy for a world whose slip and wind are only known to lie in the set.");
  t->choice("grid", &P::grid, RobustGrid::Cliff, {"cliff", "four_rooms", "hazard_maze", "random"})
      .label("world")
      .choice_labels({"cliff walk", "four rooms", "hazard maze", "random MDP (one per run)"})
      .help("The gridworld preset whose slip and wind are uncertain, or a random MDP drawn per run whose 'slip' replaces the action by a "
            "random one and whose 'wind' sends the next state through a random kernel drawn per run.");
  t->choice("wind_direction", &P::wind_direction, Direction::South, {"north", "east", "south", "west"})
      .label("wind blows")
      .choice_labels({"north", "east", "south", "west"})
      .help("Direction of the wind's extra push (south: towards the cliff in the cliff walk; gridworlds only).");
  t->integer("size", &P::size, 50, 2, 10000).label("states S").log_scale().help("Random MDP: number of states.");
  t->integer("actions", &P::actions, 4, 1, kMaxActionsPerState).label("actions A").help("Random MDP: actions per state.");
  t->integer("branching", &P::branching, 5, 1, 64).label("branching b").help("Random MDP: successors of each (s, a) in the nominal and wind kernels (at most S).");
  t->real("slip_min", &P::slip_min, 0.0, 0.0, 1.0).label("slip from").help("Lowest slip probability in the set.");
  t->real("slip_max", &P::slip_max, 0.3, 0.0, 1.0).label("slip to").help("Highest slip probability in the set (equal to 'slip from': slip is known).");
  t->real("wind_min", &P::wind_min, 0.0, 0.0, 1.0).label("wind from").help("Lowest wind probability in the set.");
  t->real("wind_max", &P::wind_max, 0.3, 0.0, 1.0).label("wind to").help("Highest wind probability in the set (equal to 'wind from': wind is known).");
  t->integer("points", &P::points, 7, 2, 21).label("values per axis").help("Grid of the uncertainty set: this many slip values × this many wind values (static models).");
  t->real("gamma", &P::gamma, 0.95, 0.0, 0.999).label("discount γ").help("Discount factor of V^π_θ(ρ) = E_θ[Σ γ^t r_t].");
  t->integer("iterations", &P::iterations, 8, 1, 200).label("IWOCS iterations").help("Worst-case searches of IWOCS (it stops early when a worst case repeats).");
  t->rule([](const P& p) -> Status {
    if (p.slip_max < p.slip_min) return Status::error("slip_max: must be at least slip_min (" + format_real(p.slip_min) + "), got " + format_real(p.slip_max));
    if (p.wind_max < p.wind_min) return Status::error("wind_max: must be at least wind_min (" + format_real(p.wind_min) + "), got " + format_real(p.wind_max));
    if (p.grid == RobustGrid::Random) {
      const long long models = static_cast<long long>(p.slip_min == p.slip_max ? 1 : p.points) * (p.wind_min == p.wind_max ? 1 : p.points);
      const long long t = random_set_transitions(p.size, p.actions, p.branching, p.slip_max > 0, p.wind_max > 0, models);
      if (t > kMaxTransitions)
        return Status::error("size, actions, branching, points: the random world's " + std::to_string(models) + " models hold up to " + std::to_string(t) +
                             " transitions; the limit is " + std::to_string(kMaxTransitions) + " (fewer states, actions, successors or values per axis)");
    }
    return {};
  });
  return t;
}

std::vector<double> axis_values(double lo, double hi, int points) {
  if (lo == hi) return {lo};
  std::vector<double> v;
  for (int k = 0; k < points; ++k) v.push_back(lo + (hi - lo) * k / (points - 1));
  return v;
}

GridSpec preset_grid(RobustGrid g) {
  switch (g) {
    case RobustGrid::Cliff: return cliff_spec();
    case RobustGrid::FourRooms: return four_rooms_spec();
    case RobustGrid::HazardMaze: return hazard_maze_spec();
    case RobustGrid::Random: break;
  }
  return cliff_spec();
}

std::string world_name(const RobustParams& p) {
  if (p.grid == RobustGrid::Random)
    return "random MDPs (S = " + std::to_string(p.size) + ", A = " + std::to_string(p.actions) + ", b = " + std::to_string(std::min(p.branching, p.size)) + ", one per run)";
  static const char* names[] = {"cliff walk", "four rooms", "hazard maze"};
  return std::string("the ") + names[static_cast<int>(p.grid)];
}

// [SECTION] run

enum Curve { kCurveWorstCase, kCurveValue, kCurveFound };
enum Final { kFinalWorstCase, kFinalNominal, kFinalAverage, kFinalRectangular, kFinalModels };

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

// One run (deterministic on the gridworlds; the random world is drawn from (seed, run)): the methods in series order; IWOCS one
// worst-case search per unit of work.
class RobustCursor final : public RunCursor {
 public:
  RobustCursor(const RobustParams& p, uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) : p_(p), layout_(layout), out_(out) {
    Expected<RobustWorld> w = robust_world(p_, seed, run);
    if (!w.ok()) return;
    world_ = std::move(w.value());
    for (const std::string& id : p_.methods) methods_.push_back(static_cast<Method>(id_index(robust_method_ids(), id)));
    ok_ = true;
  }

  bool step(double work) override {
    if (!ok_) return true;
    while (slot_ < methods_.size()) {
      if (work <= 0) return false;
      if (methods_[slot_] == Method::Iwocs) {
        if (!iwocs_) iwocs_ = std::make_unique<Iwocs>(world_.set, 0);
        iwocs_->iterate();
        out_.curve(slot_, kCurveWorstCase, static_cast<size_t>(iwocs_->iteration() - 1), iwocs_->worst_case());
        work -= 1.0;
        if (iwocs_->iteration() < p_.iterations) continue;
        for (size_t i = 0; i < iwocs_->found().size(); ++i) out_.curve(slot_, kCurveFound, static_cast<size_t>(iwocs_->found()[i]), static_cast<double>(i));
        out_.final(slot_, kFinalModels, static_cast<double>(iwocs_->found().size()));
        finish_policy(iwocs_->values());
      } else {
        const std::vector<int> actions = fixed_policy(methods_[slot_]);
        const std::vector<double> values = values_over_set(world_.set, actions);
        const double worst = *std::min_element(values.begin(), values.end());
        for (size_t k = 0; k < layout_.axes[0].x.size(); ++k) out_.curve(slot_, kCurveWorstCase, k, worst);
        finish_policy(values);
        work -= 1.0;
      }
    }
    return true;
  }

 private:
  std::vector<int> fixed_policy(Method m) {
    switch (m) {
      case Method::Nominal: return solve_optimal(world_.set.models.front()).actions;
      case Method::DomainRand: return solve_optimal(average_model(world_.set)).actions;
      case Method::RobustVi: {
        const RobustVi r = demo_robust_vi(world_.set);
        out_.final(slot_, kFinalRectangular, start_value(world_.set.models.front(), r.v));
        return r.actions;
      }
      case Method::Iwocs: break;
    }
    return {};
  }

  void finish_policy(const std::vector<double>& values) {
    for (size_t k = 0; k < values.size(); ++k) out_.curve(slot_, kCurveValue, k, values[k]);
    out_.final(slot_, kFinalWorstCase, *std::min_element(values.begin(), values.end()));
    out_.final(slot_, kFinalNominal, values.front());
    out_.final(slot_, kFinalAverage, mean(values));
    ++slot_;
  }

  RobustParams p_;
  const RunLayout& layout_;
  RunRecord& out_;
  RobustWorld world_;
  std::vector<Method> methods_;
  std::unique_ptr<Iwocs> iwocs_;
  size_t slot_ = 0;
  bool ok_ = false;
};

}  // namespace

const std::vector<std::string>& robust_method_ids() {
  static const std::vector<std::string> ids{"nominal", "domain_rand", "robust_vi", "iwocs"};
  return ids;
}

Expected<RobustWorld> robust_world(const RobustParams& p, uint64_t seed, uint32_t run) {
  RobustWorld w;
  w.slips = axis_values(p.slip_min, p.slip_max, p.points);
  w.winds = axis_values(p.wind_min, p.wind_max, p.points);
  if (p.grid == RobustGrid::Random) {
    const RandomKernels k = random_kernels(p.size, p.actions, p.branching, p.gamma, seed, run);
    for (double wind : w.winds)
      for (double slip : w.slips) w.set.models.push_back(perturbed_model(k.nominal, k.wind, slip, wind));
    if (Status s = check_model_set(w.set); !s.ok()) return s;
    return w;
  }
  for (double wind : w.winds) {
    for (double slip : w.slips) {
      GridSpec g = preset_grid(p.grid);
      g.slip = slip;
      g.wind = wind;
      g.wind_direction = p.wind_direction;
      g.discount = p.gamma;
      Expected<Grid> grid = build_gridworld(g);
      if (!grid.ok()) return grid.status();
      w.layout = grid.value().layout;
      w.set.models.push_back(std::move(grid.value().mdp));
    }
  }
  if (Status s = check_model_set(w.set); !s.ok()) return s;
  return w;
}

RobustVi demo_robust_vi(const ModelSet& set) { return robust_value_iteration(set, kRobustViTolerance, kRobustViMaxSweeps); }

plot::Plot set_value_map(const SetMapInput& in) {
  const std::vector<double>& slips = in.slips;
  const std::vector<double>& winds = in.winds;
  const double ds = slips.size() > 1 ? slips[1] - slips[0] : 0.05, dw = winds.size() > 1 ? winds[1] - winds[0] : 0.05;
  plot::Plot m;
  m.title = in.title;
  m.x = {"slip", plot::Scale::Linear};
  m.y = {"wind", plot::Scale::Linear};
  plot::Heatmap h;
  h.nx = static_cast<int>(slips.size());
  h.ny = static_cast<int>(winds.size());
  h.x0 = slips.front() - ds / 2, h.x1 = slips.back() + ds / 2;
  h.y0 = winds.front() - dw / 2, h.y1 = winds.back() + dw / 2;
  h.vmin = in.vmin, h.vmax = in.vmax;
  h.smooth = false;
  h.label = "V^π_θ(ρ)";
  for (double v : in.values) h.values.push_back(static_cast<float>(v));
  m.heatmaps.push_back(h);
  for (size_t i = 0; i < in.found.size(); ++i) {
    const size_t k = static_cast<size_t>(in.found[i]);
    m.annotations.push_back({slips[k % slips.size()], winds[k / slips.size()], std::to_string(i)});
  }
  // The policy's worst model, in gold.
  size_t arg = 0;
  for (size_t k = 1; k < in.values.size(); ++k)
    if (in.values[k] < in.values[arg]) arg = k;
  plot::Points worst;
  worst.name = "worst case";
  worst.color = plot::kOptimumGold;
  worst.x = {slips[arg % slips.size()]};
  worst.y = {winds[arg / slips.size()]};
  if (!in.values.empty() && std::isfinite(in.values[arg])) m.points.push_back(worst);
  return m;
}

RobustExperiment::RobustExperiment() : ExperimentOf(table()) {}

std::unique_ptr<RunCursor> RobustExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<RobustCursor>(p(), seed, run, layout, out);
}

// [SECTION] layout

RunLayout RobustExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  std::vector<double> iterations(static_cast<size_t>(p().iterations)), models;
  std::iota(iterations.begin(), iterations.end(), 0.0);
  const size_t n = axis_values(p().slip_min, p().slip_max, p().points).size() * axis_values(p().wind_min, p().wind_max, p().points).size();
  for (size_t k = 0; k < n; ++k) models.push_back(static_cast<double>(k));
  l.axes = {{"IWOCS iteration i", iterations}, {"model k", models}};
  l.curves = {{"worst_case", 0}, {"value", 1}, {"found", 1}};
  l.final_metrics = {"worst_case", "nominal_value", "average_value", "rectangular_value", "models"};
  l.work_unit = "solves";
  l.work_per_run = static_cast<double>(p().methods.size()) + p().iterations;
  return l;
}

// [SECTION] figure

namespace {

// The mean of curve "value" of `series` per model (NaN where absent or the series is not shown).
std::vector<double> mean_values(const BatchResult& r, const std::string& series, size_t models) {
  std::vector<double> out(models, NAN);
  const int s = r.layout.find_series(series), value = r.layout.find_curve("value");
  if (s < 0) return out;
  for (size_t k = 0; k < models; ++k) {
    const RunningStat& st = r.curve_stat(static_cast<size_t>(s), static_cast<size_t>(value), k);
    if (st.count() > 0) out[k] = st.mean();
  }
  return out;
}

}  // namespace

plot::Figure RobustExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const RobustParams& q = p();
  const size_t models = r.layout.axes[1].x.size();
  f.title = "Robust planning on " + world_name(q) + ": slip ∈ [" + format_real(q.slip_min) + ", " + format_real(q.slip_max) + "], wind" +
            (q.grid == RobustGrid::Random ? std::string() : std::string(" (") + direction_name(q.wind_direction) + ")") + " ∈ [" + format_real(q.wind_min) + ", " + format_real(q.wind_max) + "], " + std::to_string(models) +
            " static models";
  plot::Plot worst;
  worst.title = "Worst case over the set";
  worst.x = {"IWOCS iteration i (worst-case searches)", plot::Scale::Linear};
  worst.y = {"min over θ of V^π_θ(ρ)", plot::Scale::Linear};
  worst.lines = reported_lines(r, "worst_case");
  f.plots.push_back(worst);

  // The heat maps share one colour range: the lowest and highest value either shown policy reaches
  // (on the random world: the means over runs of V^π_θ(ρ) per θ).
  const std::vector<double> slips = axis_values(q.slip_min, q.slip_max, q.points), winds = axis_values(q.wind_min, q.wind_max, q.points);
  const std::vector<double> iwocs = mean_values(r, "iwocs", models), nominal = mean_values(r, "nominal", models);
  double vmin = INFINITY, vmax = -INFINITY;
  for (const std::vector<double>* v : {&iwocs, &nominal})
    for (double x : *v)
      if (std::isfinite(x)) vmin = std::min(vmin, x), vmax = std::max(vmax, x);
  if (!(vmax > vmin)) vmin = plot::kAuto, vmax = plot::kAuto;
  const int iw = r.layout.find_series("iwocs");
  if (iw >= 0) {
    SetMapInput in;
    in.slips = slips, in.winds = winds;
    in.values = iwocs;
    const int found = r.layout.find_curve("found");
    std::vector<std::pair<double, int>> order;  // (the iteration it was found at, model)
    for (size_t k = 0; k < models; ++k) {
      const RunningStat& st = r.curve_stat(static_cast<size_t>(iw), static_cast<size_t>(found), k);
      if (st.count() > 0) order.push_back({st.mean(), static_cast<int>(k)});
    }
    std::sort(order.begin(), order.end());
    for (const auto& o : order) in.found.push_back(o.second);
    in.title = "IWOCS's policy: V^π_θ(ρ) (numbers: models found)";
    in.vmin = vmin, in.vmax = vmax;
    f.plots.push_back(set_value_map(in));
  }
  if (r.layout.find_series("nominal") >= 0) {
    SetMapInput in;
    in.slips = slips, in.winds = winds;
    in.values = nominal;
    in.title = "Nominal policy: V^π_θ(ρ)";
    in.vmin = vmin, in.vmax = vmax;
    f.plots.push_back(set_value_map(in));
  }
  plot::Plot bars = final_bars(r, "worst_case", "Worst case of each policy", "min over θ of V^π_θ(ρ)");
  const int rvi = r.layout.find_series("robust_vi"), rect = r.layout.find_final("rectangular_value");
  if (rvi >= 0 && r.final_stat(static_cast<size_t>(rvi), static_cast<size_t>(rect)).count() > 0)
    bars.guides.push_back(reference_guide("robust VI bound ρᵀV_rect", r.final_stat(static_cast<size_t>(rvi), static_cast<size_t>(rect)).mean()));
  f.plots.push_back(bars);
  return f;
}

// [SECTION] demo text

DemoInfo robust_demo() {
  DemoInfo d;
  d.id = "mdp.robust";
  d.chapter = "mdp";
  d.title = "Robust MDPs: IWOCS";
  d.summary = "A gridworld (or a random MDP) whose slip and wind are only known to lie in a set: IWOCS's incremental worst-case search against rectangular robust VI, the nominal policy and domain randomisation.";
  d.about =
      "The world is one of a set U of static models T_θ (θ = slip, wind on a grid of values); the environment picks θ once per episode and\n"
      "we want the best worst case  max_π min_{θ∈U} V^π_θ(ρ).\n"
      "    nominal      the optimal policy of the calmest model (lowest slip and wind)\n"
      "    domain rand  the optimal policy of the average model (1/|U|) Σ T_θ (reading: a model redrawn at every step)\n"
      "    robust VI    V(s) ← max_a min_θ [r_θ(s,a) + γ Σ T_θ(s′|s,a) V(s′)]: the adversary may change θ at every step ((s,a)-rectangular)\n"
      "    IWOCS        Q_M = min_{θ∈M} Q*_θ,  π_i = greedy(Q_M),  θ_{i+1} = argmin_θ V^{π_i}_θ(ρ),  M ← M ∪ {θ_{i+1}}\n"
      "IWOCS solves only ordinary (static) MDPs: one per worst case it finds (our reading of the paper's tabular meta-algorithm;\n"
      "the worst-case search here is exhaustive over the set).\n"
      "Headline: each policy's worst case over the set against IWOCS's iteration (the other methods are flat). Then V^π_θ(ρ) over the\n"
      "set for IWOCS's policy (the models it found numbered in order, its worst case in gold) and for the nominal policy, on one\n"
      "colour scale; last, the worst cases side by side with robust VI's own value ρᵀV_rect dashed (a lower bound on its policy's static worst case).\n"
      "The live view: the headline curve for IWOCS, with the nominal, domain-randomisation and robust-VI policies' worst cases as dashed\n"
      "lines in their Runs colours; then V^{π_i}_θ(ρ) over the set; on a grid, IWOCS's π_i and the nominal π_0, each in its worst model.\n"
      "What to look for: IWOCS's worst case climbs from the nominal policy's −387 to robust VI's −52.7 in two searches, above\n"
      "domain randomisation's −56.7; on the cliff walk with the wind blowing towards the cliff, the nominal policy π_0 walks\n"
      "along the edge (its map) and IWOCS finds the windy, slippery corner (claim 6, test 'claim 6' in tests/unit/mdp_claims_test.cpp).\n"
      "The gridworlds are deterministic: every run gives the same numbers.\n"
      "World 'random MDP': each run draws a random MDP (P₀, r) and a random 'wind' kernel P_w (S states, A actions, b successors); model θ = (α, β) is\n"
      "    T_θ(·|s,a) = (1 − α) K_β(·|s,a) + α mean_{a′} K_β(·|s,a′),   K_β = (1 − β) P₀ + β P_w,   r_θ(s,a) = (1 − α) r(s,a) + α mean_{a′} r(s,a′)\n"
      "(slip α: a random action is executed; wind β: the next state follows P_w). One θ holds in every state, so the set is not\n"
      "(s,a)-rectangular: robust VI's ρᵀV_rect is a lower bound on the static worst case, not its value. Runs differ: the Runs tab shows CI bands.\n"
      "The live view shows run 1's world, without the grid picture.";
  d.papers = {"A. Zouitine, M. Geist, E. Rachelson. Solving robust MDPs as a sequence of static RL problems. arXiv:2410.06212, 2024.",
              "G. N. Iyengar. Robust Dynamic Programming. Mathematics of Operations Research 30(2), 2005.",
              "A. Nilim, L. El Ghaoui. Robust Control of Markov Decision Processes with Uncertain Transition Matrices. Operations Research 53(5), 2005.",
              "J. Tobin et al. Domain Randomization for Transferring Deep Neural Networks from Simulation to the Real World. IROS 2017."};
  d.default_runs = 1;
  d.make = [] { return std::make_unique<RobustExperiment>(); };
  return d;
}

}  // namespace klab::mdp
