#include "bandits/regret_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "bandits/arm_params.hpp"
#include "bandits/engine.hpp"
#include "core/ordered_batch.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"

namespace klab::bandits {
namespace {

enum Curve { kRegretCurve, kPullsCurve };
enum Final { kRegretFinal, kBestArmRate };
constexpr int kCheckpoints = 60;

std::vector<double> nine_arms() {
  std::vector<double> m;
  for (int i = 1; i <= 9; ++i) m.push_back(i / 10.0);  // i/10, not 0.1·i: 0.3, not 0.30000000000000004
  return m;
}

std::vector<double> hundred_arms() {
  std::vector<double> m{0.9};
  for (int i = 0; i < 99; ++i) m.push_back(std::round(1e4 * (0.1 + 0.7 * i / 98.0)) / 1e4);  // short in links
  return m;
}

std::shared_ptr<const ParamTable<RegretParams>> table() {
  auto t = std::make_shared<ParamTable<RegretParams>>();
  using P = RegretParams;
  t->real_list("arms", &P::arms, nine_arms(), 0.0, 1.0, 2, kMaxArms)
      .label("arm means μ")
      .help("Mean reward of each arm (drag the points in the view; presets: 9 arms, close arms, 100 arms, hard).");
  declare_arm_model(*t);
  t->multi_choice("policies", &P::policies, policy_ids(), policy_ids(), 1)
      .label("policies")
      .choice_labels(policy_labels())
      .help("Compared policies; all face the same reward draws (common random numbers).");
  t->integer("horizon", &P::horizon, 10000, 10, 10000000).label("horizon T").log_scale().help("Pulls per run.");
  t->real("c", &P::c, 0.0, 0.0, 5.0).label("c  (KL-UCB ln ln t)").help("KL-UCB level ln t + c ln ln t (the analysis uses c = 3, practice c = 0).");
  t->real("eps_c", &P::eps_c, 5.0, 0.01, 100.0).label("ε-greedy c").log_scale().help("ε-greedy explores with probability ε_t = min(1, c·K/t).");
  t->integer("etc_m", &P::etc_m, 50, 1, 100000).label("ETC m").log_scale().help("Explore-then-commit: pulls of each arm before committing to the empirical best.");
  return t;
}

// One run: the policies one after another, each for T pulls, resumable after any pull.
class RegretCursor final : public RunCursor {
 public:
  RegretCursor(RegretConfig cfg, const RunLayout& layout, uint64_t seed, uint32_t run, RunRecord& out)
      : cfg_(std::move(cfg)),
        layout_(layout),
        seed_(seed),
        run_(run),
        out_(out),
        regret_at_(static_cast<size_t>(cfg_.n_policies) * cfg_.n_checkpoints),
        pulls_(static_cast<size_t>(cfg_.n_policies) * cfg_.policy.k),
        regret_(cfg_.n_policies),
        best_(cfg_.n_policies) {
    if (cfg_.n_policies > 0) policy_run_start(state_, cfg_, static_cast<Policy>(cfg_.policies[0]), seed_, run_);
  }

  bool step(double work) override {
    uint64_t budget = work >= 1e18 ? ~0ull : static_cast<uint64_t>(std::max(1.0, work));
    while (slot_ < cfg_.n_policies) {
      const uint64_t until = budget == ~0ull ? cfg_.policy.horizon : std::min<uint64_t>(cfg_.policy.horizon, state_.t + budget);
      const uint64_t before = state_.t;
      policy_run_advance(state_, cfg_, seed_, run_, until, &regret_at_[static_cast<size_t>(slot_) * cfg_.n_checkpoints]);
      if (budget != ~0ull) budget -= state_.t - before;
      if (!policy_run_done(state_, cfg_)) return false;
      finish_slot();
      if (budget == 0 && slot_ < cfg_.n_policies) return false;
    }
    fill_regret_record(layout_, cfg_, regret_at_.data(), pulls_.data(), regret_.data(), best_.data(), out_);
    return true;
  }

 private:
  void finish_slot() {
    for (int a = 0; a < cfg_.policy.k; ++a) pulls_[static_cast<size_t>(slot_) * cfg_.policy.k + a] = state_.stats.pulls[a];
    regret_[slot_] = state_.regret;
    best_[slot_] = state_.best_pulls;
    if (++slot_ < cfg_.n_policies) policy_run_start(state_, cfg_, static_cast<Policy>(cfg_.policies[slot_]), seed_, run_);
  }

  RegretConfig cfg_;
  const RunLayout& layout_;
  uint64_t seed_;
  uint32_t run_;
  RunRecord& out_;
  PolicyRun state_;
  int slot_ = 0;
  std::vector<double> regret_at_;
  std::vector<uint32_t> pulls_;
  std::vector<double> regret_;
  std::vector<uint64_t> best_;
};

}  // namespace

const std::vector<std::string>& policy_ids() {
  static const std::vector<std::string> ids{"uniform", "egreedy", "etc", "ucb1", "moss", "klucb", "klucb_plus", "thompson"};
  return ids;
}

const std::vector<std::string>& policy_labels() {
  static const std::vector<std::string> labels{"uniform (round robin)", "ε-greedy", "explore-then-commit", "UCB1",
                                               "MOSS", "KL-UCB", "KL-UCB+", "Thompson sampling"};
  return labels;
}

Policy policy_from_id(const std::string& id) {
  const auto& ids = policy_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<Policy>(i);
  return Policy::Uniform;
}

const std::vector<ArmPreset>& arm_presets() {
  static const std::vector<ArmPreset> presets{
      {"nine", "9 arms 0.1…0.9", nine_arms()},
      {"close", "close arms", {0.5, 0.48, 0.46, 0.44}},
      {"hundred", "100 arms", hundred_arms()},
      {"hard", "hard (0.55 vs 9×0.5)", {0.55, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}},
  };
  return presets;
}

RegretExperiment::RegretExperiment() : ExperimentOf(table()) {}

ArmModel RegretExperiment::model() const { return arm_model_of(p()); }

std::vector<double> RegretExperiment::effective_means() const {
  const ArmModel m = model();
  std::vector<double> out;
  for (double mu : p().arms) out.push_back(arm_mean(m, arm_param(m, mu)));
  return out;
}

double RegretExperiment::lai_robbins() const {
  const ArmModel m = model();
  std::vector<double> theta;
  for (double mu : p().arms) theta.push_back(arm_param(m, mu));
  return lai_robbins_constant(m, theta.data(), static_cast<int>(theta.size()));
}

RegretConfig RegretExperiment::config(const RunLayout& layout) const {
  RegretConfig cfg;
  const RegretParams& q = p();
  cfg.policy.model = model();
  cfg.policy.k = static_cast<int>(q.arms.size());
  cfg.policy.horizon = static_cast<uint64_t>(q.horizon);
  cfg.policy.c = q.c;
  cfg.policy.eps_c = q.eps_c;
  cfg.policy.etc_m = static_cast<uint32_t>(q.etc_m);
  const std::vector<double> means = effective_means();
  const double best = *std::max_element(means.begin(), means.end());
  for (int a = 0; a < cfg.policy.k; ++a) {
    cfg.theta[a] = arm_param(cfg.policy.model, q.arms[a]);
    cfg.gap[a] = best - means[a];
  }
  const std::vector<double>& ts = layout.axes[0].x;
  cfg.n_checkpoints = static_cast<int>(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) cfg.checkpoints[i] = static_cast<uint32_t>(ts[i]);
  cfg.n_policies = static_cast<int>(q.policies.size());
  for (size_t i = 0; i < q.policies.size(); ++i) cfg.policies[i] = static_cast<int>(policy_from_id(q.policies[i]));
  return cfg;
}

RunLayout RegretExperiment::layout() const {
  RunLayout l;
  l.series = p().policies;
  std::vector<double> arms;
  for (size_t a = 0; a < p().arms.size(); ++a) arms.push_back(static_cast<double>(a + 1));
  l.axes = {{"t", plot::log_spaced_counts(p().horizon, kCheckpoints)}, {"arm", arms}};
  l.curves = {{"regret", 0}, {"pulls", 1}};
  l.final_metrics = {"regret", "best_arm_rate"};
  l.work_unit = "pulls";
  l.work_per_run = static_cast<double>(p().horizon) * static_cast<double>(p().policies.size());
  return l;
}

void fill_regret_record(const RunLayout& layout, const RegretConfig& cfg, const double* regret_at, const uint32_t* pulls,
                        const double* regret, const uint64_t* best_pulls, RunRecord& out) {
  const double horizon = static_cast<double>(cfg.policy.horizon);
  for (int s = 0; s < cfg.n_policies; ++s) {
    for (int k = 0; k < cfg.n_checkpoints; ++k) out.curve(s, kRegretCurve, k, regret_at[s * cfg.n_checkpoints + k]);
    for (int a = 0; a < cfg.policy.k; ++a) out.curve(s, kPullsCurve, a, pulls[s * cfg.policy.k + a] / horizon);
    out.final(s, kRegretFinal, regret[s]);
    out.final(s, kBestArmRate, static_cast<double>(best_pulls[s]) / horizon);
  }
}

std::unique_ptr<RunCursor> RegretExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<RegretCursor>(config(layout), layout, seed, run, out);
}


bool RegretExperiment::has_cuda_engine() const { return true; }

Status RegretExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                         std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const RegretConfig cfg = config(layout);
  const size_t policies = static_cast<size_t>(cfg.n_policies), k = static_cast<size_t>(cfg.policy.k),
               checkpoints = static_cast<size_t>(cfg.n_checkpoints);
  // Aggregated exactly like BatchJob; the engine hands over its chunks in run order, each while the
  // GPU computes the next.
  OrderedBatch batch(layout, runs, first_block, end_block, blocks);
  return run_regret_cuda(cfg, seed, batch.first_run(), batch.run_count(), [&](const RegretChunk& chunk) {
    for (uint32_t i = 0; i < chunk.runs; ++i) {
      const size_t j = i * policies;
      fill_regret_record(layout, cfg, &chunk.regret_at[j * checkpoints], &chunk.pulls[j * k], &chunk.regret[j], &chunk.best_pulls[j],
                         batch.next());
      batch.add();
    }
  });
}

plot::Figure RegretExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Cumulative regret over " + std::to_string(r.runs_done) + " runs (K = " + std::to_string(p().arms.size()) +
            ", T = " + plot::format_number(static_cast<double>(p().horizon)) + ")";
  const double lr = lai_robbins();
  const std::vector<double>& ts = r.layout.axes[0].x;

  plot::Plot regret;
  regret.title = "Cumulative regret R_t (95% CI)";
  regret.x = {"t", plot::Scale::Log};
  regret.y = {"R_t"};
  regret.lines = plot::result_lines(r, "regret");
  plot::Line bound = plot::reference_line("Lai–Robbins C·ln t");
  for (double t : ts) bound.x.push_back(t), bound.y.push_back(lr * std::log(t));
  regret.lines.push_back(bound);

  plot::Plot ratio;
  ratio.title = "R_t / ln t  →  Lai–Robbins constant C";
  ratio.x = {"t", plot::Scale::Log};
  ratio.y = {"R_t / ln t"};
  for (const plot::Line& l : plot::result_lines(r, "regret")) {
    plot::Line scaled = l;
    for (size_t i = 0; i < scaled.x.size(); ++i) {
      const double lt = scaled.x[i] > 1.0 ? std::log(scaled.x[i]) : NAN;
      scaled.y[i] /= lt, scaled.lo[i] /= lt, scaled.hi[i] /= lt;
    }
    ratio.lines.push_back(scaled);
  }
  ratio.guides.push_back({false, lr, "C = " + plot::format_number(lr), {0.85f, 0.85f, 0.85f, 1}, true});

  plot::Plot pulls;
  pulls.title = "Share of pulls per arm";
  pulls.x = {"arm"};
  pulls.y = {"fraction of pulls", plot::Scale::Log};
  pulls.lines = plot::result_lines(r, "pulls");
  const std::vector<double> means = effective_means();
  const size_t best = static_cast<size_t>(std::max_element(means.begin(), means.end()) - means.begin());
  pulls.guides.push_back({true, static_cast<double>(best + 1), "best arm", {0.7f, 0.7f, 0.7f, 1}, true});
  f.plots = {regret, ratio, pulls};
  return f;
}

DemoInfo regret_demo() {
  DemoInfo d;
  d.id = "bandits.regret";
  d.chapter = "bandits";
  d.title = "Regret: KL-UCB & co.";
  d.summary = "K-armed bandit: uniform, ε-greedy, ETC, UCB1, MOSS, KL-UCB, KL-UCB+, Thompson on the same draws, against Lai–Robbins.";
  d.about =
      "Each round a policy pulls an arm a and observes a reward of mean μ_a; its pseudo-regret after t pulls is\n"
      "    R_t = Σ_{s≤t} (μ* - μ_{A_s}).\n"
      "Lai & Robbins: any uniformly good policy has R_T ≥ (1 + o(1))·C·ln T with\n"
      "    C = Σ_{a: Δa>0} Δa / KL(ν_a, ν*)            (dashed line in the plots).\n"
      "Indices (N_a pulls, μ̂_a empirical mean):\n"
      "    UCB1     μ̂ + √(2 ln t / N)           MOSS   μ̂ + √(max(0, ln(T/(K N))) / N)\n"
      "    KL-UCB   max{q : N·kl(μ̂, q) ≤ ln t + c ln ln t}      KL-UCB+   level ln(t/N)\n"
      "    Thompson θ_a ~ Beta(1 + S_a, 1 + N_a - S_a), pull argmax θ_a.\n"
      "KL-UCB's index is where the convex curve q ↦ N·kl(μ̂, q) crosses the level (the kl chapter's picture):\n"
      "the live view draws these curves for one run. All policies see the same rewards: the n-th pull of arm a\n"
      "returns the same outcome whoever pulls it (common random numbers).\n"
      "What to look for: KL-UCB and Thompson hug C·ln t while UCB1 pays for its loose Hoeffding radius;\n"
      "R_t/ln t of KL-UCB climbs towards C from below as t grows; ε-greedy and ETC depend on their tuning;\n"
      "uniform pulls grow linearly. Drag arms closer together and watch every curve rise.";
  d.papers = {"T. L. Lai, H. Robbins. Asymptotically efficient adaptive allocation rules. Adv. Appl. Math. 1985.",
              "P. Auer, N. Cesa-Bianchi, P. Fischer. Finite-time analysis of the multiarmed bandit problem. Machine Learning 2002.",
              "J.-Y. Audibert, S. Bubeck. Minimax policies for adversarial and stochastic bandits (MOSS). COLT 2009.",
              "A. Garivier, O. Cappé. The KL-UCB algorithm for bounded stochastic bandits and beyond. COLT 2011.",
              "J. Honda. A note on KL-UCB+ policy for the stochastic bandit. 2019.",
              "S. Agrawal, N. Goyal. Analysis of Thompson sampling for the multi-armed bandit problem. COLT 2012."};
  d.default_runs = 200;
  d.make = [] { return std::make_unique<RegretExperiment>(); };
  return d;
}

}  // namespace klab::bandits
