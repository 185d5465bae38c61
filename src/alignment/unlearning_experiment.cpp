#include "alignment/unlearning_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "alignment/closed_form.hpp"
#include "alignment/figures.hpp"
#include "alignment/softmax.hpp"
#include "alignment/trainer_cursor.hpp"
#include "core/result_plots.hpp"
#include "core/samplers.hpp"

namespace klab::alignment {
namespace {

const std::vector<std::string>& unlearn_ids() {
  static const std::vector<std::string> ids = {"ga", "npo", "simnpo"};
  return ids;
}

UnlearnMethod unlearn_from_id(const std::string& id) {
  const auto& ids = unlearn_ids();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<UnlearnMethod>(i);
  return UnlearnMethod::GradientAscent;
}

std::shared_ptr<const ParamTable<UnlearnParams>> table() {
  auto t = std::make_shared<ParamTable<UnlearnParams>>();
  using P = UnlearnParams;
  t->multi_choice("methods", &P::methods, unlearn_ids(), unlearn_ids(), 1).label("methods").help("Unlearning methods to run.");
  add_world_params(*t, world_defaults(8, 8), 64);
  t->choice("policy", &P::policy, PolicyClass::LogLinear, {"tabular", "log_linear"})
      .label("policy class")
      .choice_labels({"tabular softmax", "log-linear in φ"})
      .help("Log-linear: parameters shared by all prompts (forgetting can damage retained prompts); tabular: none.");
  t->integer("samples", &P::samples, 20, 1, 1000).label("samples / prompt").log_scale().help("SFT responses drawn per prompt from π_data = π*_1.");
  t->real("forget_fraction", &P::forget_fraction, 0.25, 0.0, 1.0).label("forget fraction").help("Fraction of prompts whose samples must be forgotten (at least one prompt).");
  t->real("npo_beta", &P::npo_beta, 0.5, 0.01, 10.0).label("NPO β").log_scale().help("NPO's inverse temperature β (β → 0 recovers GA).");
  t->real("simnpo_beta", &P::simnpo_beta, 2.5, 0.01, 20.0).label("SimNPO β").log_scale().help("SimNPO's β.");
  t->real("simnpo_gamma", &P::simnpo_gamma, 0.0, 0.0, 5.0).label("SimNPO γ").help("SimNPO's reward margin γ.");
  t->real("retain_weight", &P::retain_weight, 0.0, 0.0, 10.0).label("retain loss λ_r").help("Weight of the retain NLL term (0: pure forgetting; > 0: the '+RT' variants).");
  t->integer("steps", &P::steps, 300, 1, 100000).label("steps").log_scale().help("Unlearning steps.");
  t->choice("optimizer", &P::optimizer, OptimizerKind::GradientDescent, {"gd", "adam"})
      .label("optimiser")
      .choice_labels({"gradient descent", "Adam"})
      .help("Gradient descent or Adam.");
  t->real("lr", &P::lr, 0.5, 1e-4, 20.0).label("learning rate").log_scale().help("Step size.");
  return t;
}

double mean_logp(const std::vector<Sample>& s, const MatrixXd& logp) {
  if (s.empty()) return 0.0;
  double sum = 0.0;
  for (const Sample& v : s) sum += logp(v.x, v.y);
  return sum / static_cast<double>(s.size());
}

void record_unlearn(const UnlearnTrainer& t, size_t k, bool final, RunRecord& out) {
  for (size_t i = 0; i < t.size(); ++i) {
    const auto m = t.metrics(i);
    for (size_t j = 0; j < 4; ++j) {
      out.curve(i, j, k, m[j]);
      if (final) out.final(i, j, m[j]);
    }
  }
}

}  // namespace

double unlearning_loss(UnlearnMethod m, const UnlearnConfig& c, const World& world, const std::vector<Sample>& forget,
                       const std::vector<Sample>& retain, const MatrixXd& logp, const MatrixXd& logp0, MatrixXd* grad_logits) {
  MatrixXd g = MatrixXd::Zero(logp.rows(), logp.cols());
  double loss = 0.0;
  const double nf = forget.empty() ? 0.0 : 1.0 / static_cast<double>(forget.size());
  for (const Sample& s : forget) {
    const double lp = logp(s.x, s.y);
    switch (m) {
      case UnlearnMethod::GradientAscent:  // ln π
        loss += nf * lp;
        g(s.x, s.y) += nf;
        break;
      case UnlearnMethod::Npo: {  // (2/β) softplus(β (ln π - ln π_0)); derivative 2 σ(β(ln π - ln π_0))
        const double z = c.npo_beta * (lp - logp0(s.x, s.y));
        loss += nf * 2.0 / c.npo_beta * softplus(z);
        g(s.x, s.y) += nf * 2.0 * sigmoid(z);
        break;
      }
      case UnlearnMethod::SimNpo: {  // (2/β) softplus((β/|y|) ln π + γ); derivative (2/|y|) σ(·)
        const double len = world.length(s.x, s.y), z = c.simnpo_beta / len * lp + c.simnpo_gamma;
        loss += nf * 2.0 / c.simnpo_beta * softplus(z);
        g(s.x, s.y) += nf * 2.0 / len * sigmoid(z);
        break;
      }
    }
  }
  if (c.retain_weight > 0 && !retain.empty()) {
    const double nr = c.retain_weight / static_cast<double>(retain.size());
    for (const Sample& s : retain) {
      loss -= nr * logp(s.x, s.y);
      g(s.x, s.y) -= nr;
    }
  }
  if (grad_logits) *grad_logits = logits_grad_from_logp_grad(logp, g);
  return loss;
}

VectorXd UnlearnTrainer::fit(const std::vector<Sample>& data) const {
  const World& w = world_;
  if (space_.policy_class() == PolicyClass::Tabular) {
    // MAP with a Dirichlet(K·π_ref) prior: π_0(y|x) ∝ c(x, y) + K·π_ref(y|x).
    MatrixXd counts = MatrixXd::Zero(w.P, w.K);
    for (const Sample& s : data) counts(s.x, s.y) += 1.0;
    VectorXd t(space_.dim());
    for (int x = 0; x < w.P; ++x)
      for (int y = 0; y < w.K; ++y) t[w.row(x, y)] = std::log(counts(x, y) + w.K * std::exp(w.ref_logp(x, y)));
    return t;
  }
  // Newton on f(θ) = mean NLL + (μ/2)‖θ - θ_ref‖², with backtracking.
  constexpr double mu = 1e-3;
  const double n = std::max<double>(1.0, static_cast<double>(data.size()));
  auto objective = [&](const VectorXd& th, VectorXd* grad, MatrixXd* hess) {
    const MatrixXd lp = space_.log_probs(th);
    double f = 0.5 * mu * (th - w.theta_ref).squaredNorm();
    MatrixXd g_logp = MatrixXd::Zero(w.P, w.K);
    for (const Sample& s : data) {
      f -= lp(s.x, s.y) / n;
      g_logp(s.x, s.y) -= 1.0 / n;
    }
    if (grad) *grad = space_.pullback(logits_grad_from_logp_grad(lp, g_logp)) + mu * (th - w.theta_ref);
    if (hess) {
      // Σ_x (n_x/n) Cov_{π(·|x)}(φ)
      *hess = mu * MatrixXd::Identity(w.d, w.d);
      for (int x = 0; x < w.P; ++x) {
        const double nx = -g_logp.row(x).sum();
        if (nx <= 0) continue;
        VectorXd mean = VectorXd::Zero(w.d);
        MatrixXd second = MatrixXd::Zero(w.d, w.d);
        for (int y = 0; y < w.K; ++y) {
          const double p = std::exp(lp(x, y));
          const VectorXd f_ = w.phi.row(w.row(x, y)).transpose();
          mean += p * f_;
          second += p * f_ * f_.transpose();
        }
        *hess += nx * (second - mean * mean.transpose());
      }
    }
    return f;
  };
  VectorXd th = w.theta_ref, g;
  MatrixXd h;
  double f = objective(th, &g, &h);
  for (int it = 0; it < 50 && g.norm() > 1e-12; ++it) {
    const VectorXd dir = -h.ldlt().solve(g);
    double step = 1.0, f_new = f;
    VectorXd cand = th;
    for (int ls = 0; ls < 30; ++ls) {
      cand = th + step * dir;
      f_new = objective(cand, nullptr, nullptr);
      if (f_new <= f + 1e-4 * step * g.dot(dir)) break;
      step *= 0.5;
    }
    if (!(f_new < f)) break;
    th = cand;
    f = objective(th, &g, &h);
  }
  return th;
}

UnlearnTrainer::UnlearnTrainer(const UnlearnParams& p, uint64_t seed, uint32_t run)
    : p_(p), world_(make_world(p)), space_(world_, p.policy) {
  config_ = {p.npo_beta, p.simnpo_beta, p.simnpo_gamma, p.retain_weight};
  Rng rng(seed, run, kStreamData);
  // Forget prompts: a random subset of max(1, min(P - 1, round(f·P))) prompts (all of them if P = 1).
  const int P = world_.P;
  const int n_forget = std::max(1, std::min(P - 1, static_cast<int>(std::lround(p.forget_fraction * P))));
  std::vector<int> order(static_cast<size_t>(P));
  for (int i = 0; i < P; ++i) order[static_cast<size_t>(i)] = i;
  for (int i = P - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint32_t>(i + 1))]);
  forget_prompt_.assign(static_cast<size_t>(P), false);
  for (int i = 0; i < n_forget; ++i) forget_prompt_[static_cast<size_t>(order[static_cast<size_t>(i)])] = true;
  const MatrixXd data_logp = tilted_logp(world_.ref_logp, world_.gold, 1.0);
  std::vector<double> weights(static_cast<size_t>(world_.K));
  for (int x = 0; x < P; ++x) {
    for (int y = 0; y < world_.K; ++y) weights[static_cast<size_t>(y)] = std::exp(data_logp(x, y));
    for (long long s = 0; s < p.samples; ++s) {
      const Sample v{x, static_cast<int>(sample_categorical(rng, weights.data(), weights.size()))};
      (forget_prompt_[static_cast<size_t>(x)] ? forget_ : retain_).push_back(v);
    }
  }
  std::vector<Sample> all = retain_;
  all.insert(all.end(), forget_.begin(), forget_.end());
  const VectorXd theta0 = fit(all);
  logp0_ = space_.log_probs(theta0);
  oracle_logp_ = space_.log_probs(fit(retain_));
  retain_logp0_ = mean_logp(retain_, logp0_);
  for (const std::string& id : p.methods)
    runs_.push_back({unlearn_from_id(id), theta0, Optimizer(p.optimizer, p.lr, space_.dim()), logp0_});
}

std::array<double, 4> UnlearnTrainer::metrics(size_t i) const {
  const MatrixXd& lp = runs_[i].logp;
  double kl_oracle = 0.0, kl_retain = 0.0;
  int nf = 0, nr = 0;
  for (int x = 0; x < world_.P; ++x) {
    if (forget_prompt_[static_cast<size_t>(x)]) {
      kl_oracle += kl_from_logp(oracle_logp_.row(x), lp.row(x));
      ++nf;
    } else {
      kl_retain += kl_from_logp(logp0_.row(x), lp.row(x));
      ++nr;
    }
  }
  return {mean_logp(forget_, lp), mean_logp(retain_, lp) - retain_logp0_, nf ? kl_oracle / nf : 0.0,
          nr ? kl_retain / nr : 0.0};
}

void UnlearnTrainer::step() {
  for (MethodRun& m : runs_) {
    MatrixXd g;
    unlearning_loss(m.method, config_, world_, forget_, retain_, m.logp, logp0_, &g);
    guarded_step(m.optimizer, m.params, m.logp, space_.pullback(g), [&] { m.logp = space_.log_probs(m.params); });
  }
  ++steps_;
}

UnlearnExperiment::UnlearnExperiment() : ExperimentOf(table()) {}

RunLayout UnlearnExperiment::layout() const {
  RunLayout l;
  l.series = p().methods;
  CurveAxis axis{"step", {}};
  for (long long c : step_checkpoints(p().steps, 60)) axis.x.push_back(static_cast<double>(c));
  l.axes = {axis};
  l.curves = {{"forget_logp", 0}, {"utility", 0}, {"oracle_kl", 0}, {"retain_kl", 0}};
  l.final_metrics = {"forget_logp", "utility", "oracle_kl", "retain_kl"};
  l.work_unit = "steps";
  l.work_per_run = static_cast<double>(p().steps) * static_cast<double>(p().methods.size());
  return l;
}

std::unique_ptr<RunCursor> UnlearnExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  return std::make_unique<TrainerCursor<UnlearnTrainer>>(std::make_unique<UnlearnTrainer>(p(), seed, run),
                                                         step_checkpoints(p().steps, 60), record_unlearn, out,
                                                         static_cast<double>(p().methods.size()));
}


plot::Figure UnlearnExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "Unlearning " + format_real(p().forget_fraction) + " of the prompts: " + std::to_string(r.runs_done) + " runs";
  plot::Plot forget = curves_plot(r, "forget_logp", "Forget set: mean ln π(y|x)", "ln π", plot::Scale::Linear);
  plot::Plot utility = curves_plot(r, "utility", "Utility: retain ln-likelihood minus π_0's", "Δ ln π", plot::Scale::Linear);
  utility.guides.push_back({false, 0.0, "π_0", kReferenceColor, true});
  plot::Plot oracle = curves_plot(r, "oracle_kl", "KL(π_retrain‖π) on the forget prompts", "KL", plot::Scale::Log);
  // Forget quality against utility: each series' mean path.
  plot::Plot phase;
  // The forget NLL on a log axis: GA's runs to hundreds while NPO's and SimNPO's stay near a few units.
  phase.title = "Trade-off path: utility vs forget NLL";
  phase.x = {"forget set NLL  -mean ln π", plot::Scale::Log};
  phase.y = {"utility"};
  const int mf = r.layout.find_curve("forget_logp"), mu = r.layout.find_curve("utility");
  for (size_t s = 0; s < r.layout.series.size() && mf >= 0 && mu >= 0; ++s) {
    plot::Line l;
    l.name = r.layout.series[s];
    l.color = series_color(s);
    for (size_t k = 0; k < r.layout.curve_points(static_cast<size_t>(mf)); ++k) {
      l.x.push_back(-r.curve_stat(s, static_cast<size_t>(mf), k).mean());
      l.y.push_back(r.curve_stat(s, static_cast<size_t>(mu), k).mean());
    }
    phase.lines.push_back(l);
  }
  f.plots = {forget, utility, oracle, phase};
  f.headline = 1;  // utility: the claim of the About's "What to look for"
  return f;
}

DemoInfo unlearning_demo() {
  DemoInfo d;
  d.id = "alignment.unlearning";
  d.chapter = "alignment";
  d.title = "Unlearning: GA, NPO, SimNPO";
  d.summary = "Forget a subset of the fitted data: gradient ascent collapses, NPO's path stays bounded.";
  d.about =
      "A policy π_0 is first fitted (regularised MLE) to responses sampled for every prompt; the samples of a\n"
      "random subset of prompts (the forget set D_f) must then be forgotten. Starting from π_0:\n"
      "    GA      minimise E_{D_f}[ln π(y|x)]                            (gradient ascent on the likelihood)\n"
      "    NPO     (2/β) E_{D_f}[ln(1 + (π(y|x)/π_0(y|x))^β)]             (Zhang et al. 2024)\n"
      "    SimNPO  -(2/β) E_{D_f}[ln σ(-(β/|y|) ln π(y|x) - γ)]            (Fan et al. 2024; reference-free)\n"
      "optionally + λ_r·E_{D_r}[-ln π] (retain loss). NPO's gradient is GA's times 2(π/π_0)^β/(1 + (π/π_0)^β),\n"
      "which vanishes once the forget likelihood is low; SimNPO's weight (2/|y|)σ(·) vanishes likewise.\n"
      "Curves: forget log-likelihood, utility (retain log-likelihood minus π_0's), KL to the retrained oracle\n"
      "π_retrain on the forget prompts, KL(π_0‖π) on the retain prompts.\n"
      "What to look for: in the log-linear class (shared parameters) GA's utility falls without bound while NPO\n"
      "and SimNPO level off; in the tabular class the forget prompts have their own parameters and utility never\n"
      "moves (collapse is a property of shared parameters).";
  d.papers = {"R. Zhang, L. Lin, Y. Bai, S. Mei. Negative Preference Optimization: From Catastrophic Collapse to Effective Unlearning. COLM 2024.",
              "C. Fan et al. Simplicity Prevails: Rethinking Negative Preference Optimization for LLM Unlearning. 2024."};
  d.default_runs = 64;
  d.make = [] { return std::make_unique<UnlearnExperiment>(); };
  return d;
}

}  // namespace klab::alignment
