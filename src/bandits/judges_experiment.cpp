#include "bandits/judges_experiment.hpp"

#include <cmath>
#include <memory>

#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"

namespace klab::bandits {
namespace {

enum Final { kErrorFinal, kGainFinal, kExcessFinal };
constexpr int kBudgetPoints = 10;
constexpr Allocation kRules[3] = {Allocation::Uniform, Allocation::Oracle, Allocation::Est};

std::shared_ptr<const ParamTable<JudgesParams>> table() {
  auto t = std::make_shared<ParamTable<JudgesParams>>();
  using P = JudgesParams;
  t->integer("items", &P::items, 20, 1, 500).label("items K").log_scale().help("Prompt-response pairs whose scores are estimated.");
  t->real_list("costs", &P::costs, {1.0, 3.0, 10.0}, 0.1, 100.0, 1, 8).label("judge costs c_j").help("Price of one query of each judge.");
  t->real_list("noise", &P::noise, {1.0, 0.5, 0.15}, 0.01, 10.0, 1, 8).label("judge noise sd").help("Base noise standard deviation of each judge (same length as costs).");
  t->real("hetero", &P::hetero, 0.7, 0.0, 2.0).label("heteroskedasticity").help("σ_kj = noise_j·exp(hetero·z_kj): how much each judge's noise varies across items.");
  t->integer("budget", &P::budget, 100000, 100, 10000000).label("budget B").log_scale().help("Total cost that may be spent (the error is also recorded at 10 smaller budgets).");
  t->real("p", &P::p, 2.0, 1.0, 8.0).label("p  (ℓ_p error)").help("Error ‖ŝ - s‖_p; the oracle allocation gives item k a budget ∝ v_k^{p/(p+2)}.");
  t->integer("instance_seed", &P::instance_seed, 1, 0, 1000000).label("instance seed").help("Seed of the scores and noise levels (fixed across runs).");
  t->rule([](const P& p) -> Status {
    if (p.costs.size() != p.noise.size())
      return Status::error("costs and noise must have the same length (got " + std::to_string(p.costs.size()) + " and " +
                           std::to_string(p.noise.size()) + ")");
    return {};
  });
  return t;
}

// A run: the three allocations one after the other, each recorded at every budget checkpoint. The
// cursor may pause at any checkpoint (the work between two checkpoints is their budget difference),
// so that a frame of the Live or Runs tab spends a slice of a rule's budget, not the whole of it.
class JudgesCursor final : public RunCursor {
 public:
  JudgesCursor(const JudgesExperiment& e, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : inst_(e.instance()), budgets_(layout.axes[0].x), p_(e.p().p), seed_(seed), run_(run), out_(out), errors_(3) {}

  bool step(double work) override {
    double done = 0.0;
    while (rule_ < 3) {
      if (!sim_) sim_ = std::make_unique<JudgeSim>(inst_, kRules[rule_], p_, seed_, run_);
      const double b = budgets_[errors_[rule_].size()];
      while (sim_->next_cost() > 0.0 && sim_->spent() + sim_->next_cost() <= b) sim_->query();
      done += b - (errors_[rule_].empty() ? 0.0 : budgets_[errors_[rule_].size() - 1]);
      errors_[rule_].push_back(sim_->error());
      if (errors_[rule_].size() == budgets_.size()) sim_.reset(), ++rule_;
      if (done >= work && rule_ < 3) return false;
    }
    for (size_t s = 0; s < 3; ++s) {
      for (size_t i = 0; i < budgets_.size(); ++i) out_.curve(s, 0, i, errors_[s][i]);
      out_.final(s, kErrorFinal, errors_[s].back());
      out_.final(s, kGainFinal, errors_[0].back() - errors_[s].back());
      out_.final(s, kExcessFinal, errors_[s].back() - errors_[1].back());
    }
    return true;
  }

 private:
  JudgeInstance inst_;
  std::vector<double> budgets_;
  double p_;
  uint64_t seed_;
  uint32_t run_;
  RunRecord& out_;
  std::vector<std::vector<double>> errors_;  // (3 rules, checkpoints reached)
  size_t rule_ = 0;
  std::unique_ptr<JudgeSim> sim_;  // the rule in progress (it points into inst_)
};

}  // namespace

JudgesExperiment::JudgesExperiment() : ExperimentOf(table()) {}

JudgeInstance JudgesExperiment::instance() const {
  return make_judge_instance(static_cast<int>(p().items), p().costs, p().noise, p().hetero, static_cast<uint64_t>(p().instance_seed));
}

std::vector<double> JudgesExperiment::budgets() const {
  std::vector<double> b;
  const double hi = static_cast<double>(p().budget), lo = hi / 30.0;
  for (int i = 0; i < kBudgetPoints; ++i) b.push_back(std::round(lo * std::pow(hi / lo, i / (kBudgetPoints - 1.0))));
  return b;
}

RunLayout JudgesExperiment::layout() const {
  RunLayout l;
  l.series = {"uniform", "oracle", "est_ivwe"};
  l.axes = {{"budget", budgets()}};
  l.curves = {{"error", 0}};
  l.final_metrics = {"error", "gain_over_uniform", "excess_over_oracle"};
  l.work_unit = "budget";
  l.work_per_run = 3.0 * static_cast<double>(p().budget);
  return l;
}

std::unique_ptr<RunCursor> JudgesExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<JudgesCursor>(*this, layout, seed, run, out);
}


plot::Figure JudgesExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Multi-judge estimation on a budget: K = " + std::to_string(p().items) + ", J = " + std::to_string(p().costs.size()) + ", " +
            std::to_string(r.runs_done) + " runs";
  plot::Plot err;
  err.title = "ℓ_" + format_real(p().p) + " error vs budget (95% CI)";
  err.x = {"budget B", plot::Scale::Log};
  err.y = {"‖ŝ - s‖_p", plot::Scale::Log};
  err.lines = plot::result_lines(r, "error");
  const JudgeInstance inst = instance();
  plot::Line rate = plot::reference_line("oracle rate (E‖e‖_p^p)^{1/p}");
  for (double b : r.layout.axes[0].x) rate.x.push_back(b), rate.y.push_back(oracle_rate(inst, p().p, b));
  err.lines.push_back(rate);
  plot::Plot ratio;
  ratio.title = "Error relative to oracle IVWE";
  ratio.x = {"budget B", plot::Scale::Log};
  ratio.y = {"error / oracle error"};
  const plot::Line oracle = plot::result_line(r, 1, 0);
  for (size_t s : {size_t{0}, size_t{2}}) {
    plot::Line l = plot::result_line(r, s, 0);
    l.lo.clear(), l.hi.clear();
    for (size_t i = 0; i < l.y.size(); ++i) l.y[i] /= oracle.y[i];
    ratio.lines.push_back(l);
  }
  ratio.guides.push_back({false, 1.0, "oracle", {0.7f, 0.7f, 0.7f, 1}, true});
  f.plots = {err, ratio};
  return f;
}

DemoInfo judges_demo() {
  DemoInfo d;
  d.id = "bandits.judges";
  d.chapter = "bandits";
  d.title = "LLM judges on a budget (EST-IVWE)";
  d.summary = "K items × J judges with costs and heteroskedastic noise: uniform allocation vs oracle IVWE vs EST-IVWE (optimistic variances).";
  d.about =
      "A query of judge j on item k costs c_j and returns s_k + σ_kj·Z. With n_kj queries the inverse-variance\n"
      "weighted estimator is\n"
      "    ŝ_k = Σ_j (n_kj/σ²_kj) ȳ_kj / Σ_j (n_kj/σ²_kj),      Var ŝ_k = 1 / Σ_j n_kj/σ²_kj.\n"
      "Oracle (σ known): each item uses its most efficient judge, v_k = min_j c_j σ²_kj, and gets a budget\n"
      "    b_k ∝ v_k^{p/(p+2)},   so  E‖ŝ - s‖_p^p = m_p · B^{-p/2} · (Σ_k v_k^{p/(p+2)})^{(p+2)/2}   (dashed line).\n"
      "All three rules are greedy, one query at a time, on the same answers (the n-th answer of pair (k, j) is\n"
      "common): uniform = round robin; oracle = largest decrease of Σ Var^{p/2} per unit cost with the true σ;\n"
      "EST-IVWE = two warm-up answers per pair, then the oracle rule with optimistic variances\n"
      "    σ̃² = σ̂² / (1 + 2√(ln B_spent / (n - 1)))     (reading of the abstract: see the README),\n"
      "and IVWE with the sample variances.\n"
      "What to look for: in the Live headline EST-IVWE's mean error approaches the oracle's as the budget grows and\n"
      "stays below uniform allocation's, which wastes queries on noisy judges. The read-outs give EST-IVWE / oracle\n"
      "at B/30 and at B (→ 1; claim test \"judges: …\"); the headline is the Runs tab's left plot on the live runs as\n"
      "they finish, the same numbers, with the oracle rate dashed. Beside it, run 1: until its warm-up ends (grey\n"
      "guide, B = 2·K·Σ_j c_j) EST-IVWE asks what uniform asks (uniform's dashed curve lies on its green one); after\n"
      "it the green curve leaves uniform's and ends near the oracle allocation's (orange). The heatmaps show the\n"
      "allocation n_kj next to the oracle's shares.";
  d.papers = {"J. Lee, S. Kim, Y. Jedra, A. Proutière, S.-Y. Yun. Instance-Optimal Estimation with Multiple LLM Judges on a Budget. arXiv:2605.23362, 2026."};
  d.default_runs = 100;
  d.make = [] { return std::make_unique<JudgesExperiment>(); };
  return d;
}

}  // namespace klab::bandits
