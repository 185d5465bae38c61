#include "alignment/offline_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "alignment/figures.hpp"
#include "alignment/softmax.hpp"
#include "alignment/trainer_cursor.hpp"
#include "core/result_plots.hpp"

namespace klab::alignment {
namespace {

enum Curve { kCurveGold, kCurveKlRef, kCurveKlOpt, kCurveChosen, kCurveRejected };
enum Final { kFinalGold, kFinalKlRef, kFinalKlOpt, kFinalChosen, kFinalRejected };

std::shared_ptr<const ParamTable<OfflineParams>> table() {
  auto t = std::make_shared<ParamTable<OfflineParams>>();
  using P = OfflineParams;
  // Five losses that land in five different places, so that with the simplex's flow they make the six
  // series a plot shows at first (the others are one click away; gpo_logistic and rdpo at ε = 0 equal
  // DPO by construction).
  const std::vector<std::string> defaults = {"dpo", "ipo", "kto", "dpo_shift", "rlhf"};
  t->multi_choice("methods", &P::methods, defaults, offline_method_ids(), 1)
      .label("methods")
      .help("Which losses to train (each is a summary.json series).");
  add_world_params(*t, world_defaults(8, 3), 64);
  t->choice("policy", &P::policy, PolicyClass::Tabular, {"tabular", "log_linear"})
      .label("policy class")
      .choice_labels({"tabular softmax", "log-linear in φ"})
      .help("Tabular: one logit per (x, y) (distribution space). Log-linear: π ∝ exp(θᵀφ), d parameters.");
  t->choice("data", &P::data, DataMode::Finite, {"finite", "population"})
      .label("data")
      .choice_labels({"finite sample", "population (infinite data)"})
      .help("Finite: `pairs` comparisons drawn per run. Population: the exact expected loss.");
  t->choice("preference", &P::preference, PreferenceModel::BradleyTerry, {"bradley_terry", "deterministic"})
      .label("preference model")
      .choice_labels({"Bradley–Terry σ(r* - r*')", "deterministic 1[r* > r*']"})
      .help("How labels are generated from the gold reward.");
  t->choice("sampling", &P::sampling, SamplingMode::Reference, {"reference", "uniform"})
      .label("pair sampling μ")
      .choice_labels({"π_ref", "uniform"})
      .help("Distribution the compared responses y, y' are drawn from.");
  t->integer("pairs", &P::pairs, 400, 10, 100000).label("pairs N").log_scale().help("Comparisons per run (finite data).");
  t->real("flip", &P::flip, 0.0, 0.0, 0.45).label("label flip rate ε").help("Each label is flipped with probability ε (rDPO assumes ε known).");
  t->real("beta", &P::beta, 0.5, 0.02, 5.0).label("β (IPO τ)").log_scale().help("KL strength β of π*_β; IPO uses τ = β.");
  t->integer("steps", &P::steps, 2000, 1, 100000).label("steps").log_scale().help("Full-batch optimiser steps.");
  t->choice("optimizer", &P::optimizer, OptimizerKind::GradientDescent, {"gd", "adam"})
      .label("optimiser")
      .choice_labels({"gradient descent", "Adam"})
      .help("Full-batch gradient descent or Adam on the policy parameters.");
  t->real("lr", &P::lr, 2.0, 1e-4, 20.0).label("learning rate").log_scale().help("Step size of the optimiser (the log-linear class sums every prompt's gradient: use about 1/(P·d) of the tabular step).");
  t->real("kto_lambda_d", &P::kto_lambda_d, 1.0, 0.0, 10.0)
      .label("KTO λ_D")
      .help("KTO's weight λ_D on desirable outputs (the chosen responses); the paper tunes λ_D·n_D/(λ_U·n_U) to [1, 4/3].");
  t->real("kto_lambda_u", &P::kto_lambda_u, 1.0, 0.0, 10.0)
      .label("KTO λ_U")
      .help("KTO's weight λ_U on undesirable outputs (the rejected responses).");
  t->real("simpo_beta", &P::simpo_beta, 2.0, 0.1, 20.0).label("SimPO β").log_scale().help("SimPO's reward scale β (reward = β ln π(y|x)/|y|).");
  t->real("simpo_gamma", &P::simpo_gamma, 0.5, 0.0, 5.0).label("SimPO γ").help("SimPO's target reward margin γ.");
  t->real("shift_lambda", &P::shift_lambda, 0.75, 0.0, 1.0).label("DPO-Shift f(λ)").help("Weight f(λ) ≤ 1 on the rejected term of DPO-Shift (1: DPO).");
  t->real("rpo_eta", &P::rpo_eta, 0.5, 0.0, 10.0).label("RPO η").help("Weight η of RPO's SFT term η·β·(-ln π(y_w|x)).");
  t->real("gpo_power", &P::gpo_power, 1.5, 1.0, 4.0).label("GPO power p").help("gpo_power uses f(z) = max(0, 1 - z)^p (p = 1: hinge, 2: truncated square).");
  return t;
}

MatrixXd sampling_logp(const World& w, SamplingMode s) {
  return s == SamplingMode::Uniform ? MatrixXd::Zero(w.P, w.K) : w.ref_logp;
}

}  // namespace

LossConfig loss_config(const OfflineParams& p) {
  LossConfig c;
  c.beta = p.beta;
  c.flip = p.flip;
  c.simpo_beta = p.simpo_beta;
  c.simpo_gamma = p.simpo_gamma;
  c.shift_lambda = p.shift_lambda;
  c.rpo_eta = p.rpo_eta;
  c.gpo_power = p.gpo_power;
  c.kto_lambda_d = p.kto_lambda_d;
  c.kto_lambda_u = p.kto_lambda_u;
  return c;
}

plot::Dash offline_dash(const std::string& id) {
  return id == "gpo_logistic" || id == "rdpo" ? plot::Dash::Dashed : plot::Dash::Solid;
}

OfflineTrainer::OfflineTrainer(const OfflineParams& p, uint64_t seed, uint32_t run)
    : world_(make_world(p)), space_(world_, p.policy), config_(loss_config(p)) {
  const PreferenceOracle oracle = gold_oracle(world_, p.preference);
  const MatrixXd mu = sampling_logp(world_, p.sampling);
  if (p.data == DataMode::Population) {
    data_ = population_preferences(world_, oracle, mu, p.flip);
  } else {
    Rng rng(seed, run, kStreamData);
    data_ = sample_preferences(world_, oracle, mu, p.pairs, p.flip, rng);
  }
  opt_logp_ = tilted_logp(world_.ref_logp, world_.gold, p.beta);
  for (const std::string& id : p.methods) {
    MethodRun m;
    m.method = method_from_id(id);
    // RLHF starts from the zero reward model (π = π_ref); the others from π_ref's parameters.
    m.params = m.method == Method::Rlhf ? VectorXd(VectorXd::Zero(space_.dim())) : space_.reference_params();
    m.optimizer = Optimizer(p.optimizer, p.lr, space_.dim());
    refresh(m);
    runs_.push_back(std::move(m));
  }
}

void OfflineTrainer::refresh(MethodRun& m) const {
  m.logp = space_.log_probs(m.method == Method::Rlhf ? space_.tilted_params(m.params, config_.beta) : m.params);
}

void OfflineTrainer::step() {
  for (MethodRun& m : runs_) {
    MatrixXd grad_z;
    if (m.method == Method::Rlhf) {
      bt_reward_loss(data_, space_.reward_table(m.params), &grad_z);
    } else {
      Detached detached;
      if (m.method == Method::Kto || m.method == Method::Wpo) detached = detach(m.logp, world_.ref_logp);
      offline_loss(m.method, config_, world_, data_, m.logp, detached, &grad_z);
    }
    guarded_step(m.optimizer, m.params, m.logp, space_.pullback(grad_z), [&] { refresh(m); });
  }
  ++steps_;
}

Eigen::Vector3d simplex_flow(Method m, const LossConfig& c, const World& world, const PreferenceData& data,
                             const MatrixXd& logp, int x, const Eigen::Vector3d& pi) {
  MatrixXd lp = logp;
  for (int y = 0; y < 3; ++y) lp(x, y) = std::log(std::max(pi[y], 1e-300));
  MatrixXd grad_z;
  if (m == Method::Rlhf) {
    // RLHF's policy is a function of its reward model; show the flow of its reward model's tilt
    // as DPO would (same population minimiser).
    m = Method::Dpo;
  }
  Detached detached;
  if (m == Method::Kto || m == Method::Wpo) detached = detach(lp, world.ref_logp);
  offline_loss(m, c, world, data, lp, detached, &grad_z);
  const Eigen::Vector3d g = grad_z.row(x).transpose();
  const Eigen::Matrix3d jac = Eigen::Matrix3d(pi.asDiagonal()) - pi * pi.transpose();
  return jac * (-g);
}

OfflineExperiment::OfflineExperiment() : ExperimentOf(table()) {}

std::vector<long long> OfflineExperiment::checkpoints() const { return step_checkpoints(p().steps, 60); }

RunLayout OfflineExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  CurveAxis axis{"step", {}};
  for (long long c : checkpoints()) axis.x.push_back(static_cast<double>(c));
  l.axes = {axis};
  l.curves = {{"gold_reward", 0}, {"kl_ref", 0}, {"kl_opt", 0}, {"chosen_logp", 0}, {"rejected_logp", 0}};
  l.final_metrics = {"gold_reward", "kl_ref", "kl_opt", "chosen_logp_delta", "rejected_logp_delta"};
  l.work_unit = "steps";
  l.work_per_run = static_cast<double>(p().steps) * static_cast<double>(p().methods.size());
  return l;
}

void record_offline(const OfflineTrainer& t, size_t k, bool final, RunRecord& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    const PolicyStats s = t.stats(i);
    const double chosen = t.logp_delta(i, true), rejected = t.logp_delta(i, false);
    const double values[] = {s.gold_reward, s.kl_ref, s.kl_opt, chosen, rejected};
    for (size_t m = 0; m < 5; ++m) out.curve(i, m, k, values[m]);
    if (final)
      for (size_t m = 0; m < 5; ++m) out.final(i, m, values[m]);
  }
}

std::unique_ptr<RunCursor> OfflineExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  return std::make_unique<TrainerCursor<OfflineTrainer>>(std::make_unique<OfflineTrainer>(p(), seed, run), checkpoints(),
                                                         record_offline, out, static_cast<double>(p().methods.size()));
}


plot::Figure OfflineExperiment::figure(const BatchResult& r) const {
  const World world = make_world(p());
  const MatrixXd opt = tilted_logp(world.ref_logp, world.gold, p().beta);
  const PolicyStats star = policy_stats(world, opt, opt);
  plot::Figure f;
  f.title = "Offline preference optimisation: " + std::to_string(r.runs_done) + " runs, β = " + format_real(p().beta) +
            ", ε = " + format_real(p().flip);
  plot::Plot gold = curves_plot(r, "gold_reward", "Gold reward E_π[r*]", "E_π[r*]", plot::Scale::Linear);
  gold.guides.push_back({false, star.gold_reward, "π*_β", kReferenceColor, true});
  plot::Plot kl_ref = curves_plot(r, "kl_ref", "KL(π‖π_ref)", "KL(π‖π_ref)", plot::Scale::Linear);
  kl_ref.guides.push_back({false, star.kl_ref, "KL(π*_β‖π_ref)", kReferenceColor, true});
  plot::Plot kl_opt = curves_plot(r, "kl_opt", "KL(π‖π*_β)", "KL(π‖π*_β)", plot::Scale::Log);
  plot::Plot logps = curves_plot(r, "chosen_logp", "Chosen (solid) and rejected (dashed) ln π - ln π_ref", "mean Δ ln π",
                                 plot::Scale::Linear);
  for (plot::Line l : plot::result_lines(r, "rejected_logp")) {
    l.dash = plot::Dash::Dashed;
    l.name.clear();
    logps.lines.push_back(l);
  }
  plot::Plot frontier = reward_kl_frontier(world, p().beta);
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    const RunningStat& g = r.final_stat(s, kFinalGold);
    const RunningStat& k = r.final_stat(s, kFinalKlRef);
    if (g.count()) frontier.points.push_back({r.layout.series[s], {k.mean()}, {g.mean()}, series_color(s), 5.0f});
  }
  for (plot::Plot* pl : {&gold, &kl_ref, &kl_opt})
    for (plot::Line& l : pl->lines) l.dash = offline_dash(l.name);
  f.plots = {kl_opt, gold, kl_ref, logps, frontier};
  f.headline = 0;
  return f;
}

DemoInfo offline_demo() {
  DemoInfo d;
  d.id = "alignment.offline";
  d.chapter = "alignment";
  d.title = "Offline preference optimisation";
  d.summary = "DPO, IPO, KTO, SimPO, rDPO, DPO-Shift, GPO, RPO, WPO and RLHF against the exact optimum π*_β.";
  d.about =
      "A toy preference bandit: prompts x, K responses y with features φ, a gold reward r*, a reference policy\n"
      "π_ref, and Bradley–Terry comparisons (y_w ≻ y_l) drawn from π_ref with label noise ε. Every method is\n"
      "trained on the same data; the KL-regularised optimum is known exactly:\n"
      "    π*_β(y|x) = π_ref(y|x)·exp(r*(x,y)/β) / Z(x)\n"
      "With Δ = ln π/π_ref and ρ = Δ_w - Δ_l the losses are\n"
      "    DPO        -ln σ(βρ)                                   (Rafailov et al. 2023, eq. 7)\n"
      "    IPO        (ρ - 1/(2τ))²,  τ = β                        (Azar et al. 2024, eq. 17)\n"
      "    GPO        f(βρ), f ∈ {logistic, hinge, (z-1)², e^{-z}, max(0,1-z)^p}   (Tang et al. 2024)\n"
      "    KTO        λ_D(1 - σ(β(Δ_w - z0))) + λ_U(1 - σ(β(z0 - Δ_l))), z0 = KL(π‖π_ref) fixed (Ethayarajh et al. 2024)\n"
      "    SimPO      -ln σ(β_s ln π_w/|y_w| - β_s ln π_l/|y_l| - γ)   (Meng et al. 2024, eq. 6)\n"
      "    rDPO       [(1-ε)ℓ(ρ) - εℓ(-ρ)]/(1-2ε), ℓ = DPO loss   (Chowdhury et al. 2024)\n"
      "    DPO-Shift  -ln σ(βΔ_w - f(λ)βΔ_l), f(λ) ≤ 1            (DPO-Shift, 2025)  \n"
      "    RPO        DPO + η·β·(-ln π(y_w|x))                    (Liu et al. 2024)\n"
      "    WPO        DPO weighted by min(1, w_w w_l), w = π(y)/Σπ²  (Zhou et al. 2024)\n"
      "    RLHF       BT reward model r̂, then π = π_ref·exp(r̂/β)/Z exactly\n"
      "KTO's z0 is the exact KL in the toy (the paper estimates it from mismatched pairs in a batch); WPO's\n"
      "weight treats each response as one token.\n"
      "Views: the simplex of one 3-response prompt with every method's path and π*, the loss's gradient-descent\n"
      "field, the reward–KL frontier {π*_β'}, and curves vs steps (Runs tab: 95% CI bands over runs, data redrawn).\n"
      "What to look for: DPO and RLHF converge to the same policy, the exact tilt of the Bradley–Terry fit to the\n"
      "data; their KL(π‖π*_β) of about 0.1 is the sampling error of 400 pairs, and with `data` = population both\n"
      "reach π*_β exactly (tabular). IPO stops much nearer π_ref (its target margin 1/(2τ)), DPO-Shift trades gold\n"
      "reward for a higher chosen probability, and KTO ends two and a half times further from π*_β than DPO.\n"
      "Five losses are shown at first; the others are one click away in `methods` (gpo_logistic, and rdpo at\n"
      "ε = 0, equal DPO by construction: their dashed curves lie on DPO's). Further stories: with deterministic\n"
      "preferences DPO's KL keeps growing whatever β while IPO stops; under label flips rDPO lands nearer π*; DPO\n"
      "lowers the chosen response's probability too (likelihood displacement); the log-linear class cannot reach\n"
      "π* when r* has a non-linear part (parametrisation gap).";
  d.papers = {
      "R. Rafailov et al. Direct Preference Optimization: Your Language Model is Secretly a Reward Model. NeurIPS 2023.",
      "M. G. Azar et al. A General Theoretical Paradigm to Understand Learning from Human Preferences. AISTATS 2024.",
      "Towards Analyzing and Understanding the Limitations of DPO: A Theoretical Perspective. 2024.",
      "Y. Tang et al. Generalized Preference Optimization: A Unified Approach to Offline Alignment. ICML 2024.",
      "K. Ethayarajh et al. KTO: Model Alignment as Prospect Theoretic Optimization. ICML 2024.",
      "Y. Meng, M. Xia, D. Chen. SimPO: Simple Preference Optimization with a Reference-Free Reward. NeurIPS 2024.",
      "S. R. Chowdhury, A. Kini, N. Natarajan. Provably Robust DPO: Aligning Language Models with Noisy Feedback. ICML 2024.",
      "DPO-Shift: Shifting the Distribution of Direct Preference Optimization. 2025.",
      "Z. Liu et al. Provably Mitigating Overoptimization in RLHF: Your SFT Loss is Implicitly an Adversarial Regularizer. NeurIPS 2024.",
      "W. Zhou et al. WPO: Enhancing RLHF with Weighted Preference Optimization. EMNLP 2024.",
      "L. Ouyang et al. Training language models to follow instructions with human feedback. NeurIPS 2022."};
  d.default_runs = 64;
  d.make = [] { return std::make_unique<OfflineExperiment>(); };
  return d;
}

}  // namespace klab::alignment
