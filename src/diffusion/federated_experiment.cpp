#include "diffusion/federated_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/colormap.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "diffusion/mixture_text.hpp"
#include "diffusion/samplers_experiment.hpp"

namespace klab::diffusion {
namespace {

// [SECTION] params

constexpr double kNan = __builtin_nan("");
// Streams: every federated run starts from the same server-side initial set (kStartStream; common
// random numbers across ε); its Langevin and mechanism noise: kLangevinStream (no DP), kDpStream + k (ε_k).
constexpr uint32_t kTargetStream = 1, kExactStream = 2, kCentralStream = 3, kStartStream = 4, kLangevinStream = 5, kDpStream = 16;

std::shared_ptr<const ParamTable<FederatedParams>> table() {
  auto t = std::make_shared<ParamTable<FederatedParams>>();
  using P = FederatedParams;
  t->choice("preset", &P::preset, Preset::Ring, preset_ids())
      .label("data")
      .choice_labels({"8 Gaussians on a ring", "checkerboard (32 small components)", "two moons (16 components)", "rare mode (weights 0.49, 0.49, 0.02)"})
      .help("The pooled data mixture; its components are split among the clients by the angle of their means (non-IID).");
  t->real("width", &P::width, 0.1, 0.02, 0.5).label("component width").log_scale().help("Standard deviation of the presets' small components.");
  add_mixture_param(*t);
  t->integer("clients", &P::clients, 3, 2, 8).label("clients").help("Clients, each holding the exact-score model of one block of components.");
  t->integer("particles", &P::particles, 500, 8, 100000).label("synthetic points n").log_scale().help("Size of the synthetic set (and of every compared set).");
  t->integer("levels", &P::levels, 100, 2, 1000).label("noise levels L").log_scale().help("Annealed ULA: levels uniform in logSNR from t = 1 to t_end.");
  t->integer("steps", &P::steps, 4, 1, 50).label("Langevin steps M").help("ULA steps per level (each queries every client once).");
  t->real("snr", &P::snr, 0.15, 0.01, 1.0).label("signal-to-noise r").log_scale().help("ULA step δ = 2(r‖z‖/‖g‖)² (Song et al. 2021's corrector rule).");
  t->real_list("epsilons", &P::epsilons, {1, 2, 4, 8, 16, 32, 64}, 0.01, 1e6, 1, 16)
      .label("privacy budgets ε")
      .help("Per-message ε of the Gaussian mechanism on the clients' score messages, increasing; the no-DP run is always made. A client's total over its n·L·M messages is eps_total (Rényi DP accountant).");
  t->real("dp_delta", &P::dp_delta, 1e-5, 1e-12, 0.1).label("DP δ").log_scale().help("δ of the Gaussian mechanism, s = √(2 ln(1.25/δ))/ε.");
  t->real("clip", &P::clip, 2.0, 0.01, 100.0).label("clip norm C").log_scale().help("Each noise prediction ε̂_k is clipped to norm C under DP (the accountant's sensitivity per message: 2C, the clip ball's diameter).");
  t->integer("centralised_nfe", &P::centralised_nfe, 20, 1, 1000).label("centralised NFE").log_scale().help("Centralised baseline: DPM-Solver++ 2M on the pooled model.");
  t->integer("projections", &P::projections, 32, 1, 1024).label("sW2 projections L").log_scale().help("Directions of the sliced Wasserstein-2 distance.");
  t->real("mmd_length", &P::mmd_length, 0.5, 0.01, 10.0).label("MMD kernel width ℓ").log_scale().help("Gaussian kernel of the MMD to the pooled mixture.");
  t->rule([](const P& p) -> Status {
    for (size_t i = 1; i < p.epsilons.size(); ++i)
      if (p.epsilons[i] <= p.epsilons[i - 1])
        return Status::error("parameter 'epsilons' must be increasing (got " + format_real(p.epsilons[i - 1]) + " then " + format_real(p.epsilons[i]) + ")");
    const size_t k = world_mixture(p.preset, p.width, p.mixture).components.size();
    if (static_cast<size_t>(p.clients) > k)
      return Status::error("parameter 'clients' must be at most the mixture's " + std::to_string(k) + " components (got " + std::to_string(p.clients) + ")");
    const double work = static_cast<double>(p.particles) * p.levels * p.steps * (p.epsilons.size() + 1.0);
    if (work > 1e10)
      return Status::error("parameters 'particles' × 'levels' × 'steps' × (ε values + 1) must be at most 1e10 (got " + format_real(work) + ")");
    return {};
  });
  return t;
}

// [SECTION] run

Particles exact_set(const Mixture& m, size_t n, uint64_t seed, uint32_t run, uint32_t stream) {
  Rng rng(seed, run, stream);
  Particles p;
  p.x.resize(n);
  p.y.resize(n);
  for (size_t i = 0; i < n; ++i) sample_mixture(m, rng, &p.x[i], &p.y[i]);
  return p;
}

class FederatedCursor final : public RunCursor {
 public:
  FederatedCursor(const FederatedParams& p, uint64_t seed, uint32_t run, RunRecord* out) : p_(p), seed_(seed), run_index_(run), out_(out) {}

  bool step(double work) override {
    const double per_level = static_cast<double>(p_.particles) * p_.steps;
    if (!run_) {
      run_ = std::make_unique<FederatedRun>(p_, seed_, run_index_);
      work -= per_level * p_.levels;
    }
    while (!run_->done() && work > 0) {
      run_->step();
      work -= per_level;
    }
    if (!run_->done()) return false;
    for (size_t s = 0; s < 3; ++s) {
      const auto series = static_cast<FederatedSeries>(s);
      for (size_t m = 0; m < kFedMetricCount; ++m) {
        const auto metric = static_cast<FederatedMetric>(m);
        out_->final(s, m, run_->value(series, metric));
        for (size_t k = 0; k < p_.epsilons.size(); ++k)
          out_->curve(s, m, k, series == FederatedSeries::Federated ? run_->dp_value(k, metric) : run_->value(series, metric));
      }
    }
    for (size_t k = 0; k < p_.epsilons.size(); ++k) {
      const PrivacyAccount a = federated_account(p_, p_.epsilons[k]);
      const double eps[] = {a.epsilon, a.epsilon_basic, a.epsilon_advanced};
      for (size_t c = 0; c < 3; ++c)  // a bound past the largest double (advanced composition at large ε₁) is left NaN
        out_->curve(static_cast<size_t>(FederatedSeries::Federated), kFedEpsTotal + c, k, std::isfinite(eps[c]) ? eps[c] : kNan);
    }
    out_->final(0, kFedMetricCount, run_->queries());
    out_->final(1, kFedMetricCount, p_.centralised_nfe);
    return true;
  }

 private:
  FederatedParams p_;
  uint64_t seed_;
  uint32_t run_index_;
  RunRecord* out_;
  std::unique_ptr<FederatedRun> run_;
};

}  // namespace

double federated_messages(const FederatedParams& p) { return static_cast<double>(p.particles) * p.levels * p.steps; }

PrivacyAccount federated_account(const FederatedParams& p, double epsilon) {
  return account(GaussianMechanism{epsilon, p.dp_delta, p.clip}, federated_messages(p));
}

const std::vector<std::string>& federated_series_ids() {
  static const std::vector<std::string> ids{"federated", "centralised", "exact"};
  return ids;
}

FederatedRun::FederatedRun(const FederatedParams& p, uint64_t seed, uint32_t run)
    : p_(p),
      seed_(seed),
      run_(run),
      data_(world_mixture(p.preset, p.width, p.mixture)),
      clients_(split_by_angle(data_, p.clients)),
      mmd_(data_, p.mmd_length) {
  normalise(data_);
  const size_t n = static_cast<size_t>(p.particles);
  target_ = exact_set(data_, n, seed, run, kTargetStream);
  samples_[static_cast<size_t>(FederatedSeries::Exact)] = exact_set(data_, n, seed, run, kExactStream);
  Particles central = prior_particles(schedule_, n, seed, run, kCentralStream);
  solve(Solver::DpmppTwoM, data_, schedule_, StepSchedule::LogSnr, p.centralised_nfe, central, seed, run, kCentralStream);
  samples_[static_cast<size_t>(FederatedSeries::Centralised)] = std::move(central);
  samples_[static_cast<size_t>(FederatedSeries::Federated)] = federated(0.0, kLangevinStream);
  for (size_t s = 0; s < 3; ++s) values_[s] = measure(samples_[s]);
}

Particles FederatedRun::federated(double epsilon, uint32_t stream) const {
  Particles x = prior_particles(schedule_, static_cast<size_t>(p_.particles), seed_, run_, kStartStream);
  Rng rng(seed_, run_, stream);
  const GaussianMechanism dp{epsilon, p_.dp_delta, p_.clip};
  annealed_langevin(federated_score(clients_, schedule_, dp, rng), schedule_, AnnealedLangevin{p_.levels, p_.steps, p_.snr}, x, rng);
  return x;
}

std::vector<double> FederatedRun::measure(const Particles& a) const {
  std::vector<double> v(kFedMetricCount, kNan);
  if (a.size() > kMmdSamples) {
    Particles head;
    head.x.assign(a.x.begin(), a.x.begin() + kMmdSamples);
    head.y.assign(a.y.begin(), a.y.begin() + kMmdSamples);
    v[kFedMmd] = mmd_.mmd(head);
  } else {
    v[kFedMmd] = mmd_.mmd(a);
  }
  // A non-finite sample (the mechanism's noise can throw a point out) counts as infinitely far.
  bool finite = true;
  for (size_t i = 0; i < a.size(); ++i) finite = finite && std::isfinite(a.x[i]) && std::isfinite(a.y[i]);
  v[kFedW2] = finite ? sliced_w2(a, target_, p_.projections) : kNan;
  return v;
}

// The same operations, in the same order, as federated(ε_k, kDpStream + k), a level at a time.
struct FederatedRun::Pass {
  Particles x;
  Rng rng;
  ScoreQuery score;
  AnnealedLangevinPass ula;
  Pass(const FederatedRun& r, size_t k)
      : x(prior_particles(r.schedule_, static_cast<size_t>(r.p_.particles), r.seed_, r.run_, kStartStream)),
        rng(r.seed_, r.run_, kDpStream + static_cast<uint32_t>(k)),
        score(federated_score(r.clients_, r.schedule_, GaussianMechanism{r.p_.epsilons[k], r.p_.dp_delta, r.p_.clip}, rng)),
        ula(r.schedule_, AnnealedLangevin{r.p_.levels, r.p_.steps, r.p_.snr}) {}
};

FederatedRun::~FederatedRun() = default;

size_t FederatedRun::level() const { return pass_ ? pass_->ula.level() : 0; }

const Particles* FederatedRun::in_progress() const { return pass_ ? &pass_->x : nullptr; }

double FederatedRun::level_time() const { return pass_ && level() > 0 ? pass_->ula.times()[level() - 1] : schedule_.t_end; }

void FederatedRun::step() {
  if (done()) return;
  if (!pass_) pass_ = std::make_unique<Pass>(*this, next_);
  pass_->ula.step(pass_->score, pass_->x, pass_->rng);
  if (!pass_->ula.done()) return;
  dp_samples_ = std::move(pass_->x);
  pass_.reset();
  dp_values_.push_back(measure(dp_samples_));
  ++next_;
}

FederatedExperiment::FederatedExperiment() : ExperimentOf(table()) {}

std::unique_ptr<RunCursor> FederatedExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout&, RunRecord& out) const {
  return std::make_unique<FederatedCursor>(p(), seed, run, &out);
}

// [SECTION] layout

RunLayout FederatedExperiment::layout() const {
  RunLayout l;
  l.series = federated_series_ids();
  l.axes = {{"epsilon", p().epsilons}};
  l.curves = {{"mmd", 0}, {"w2", 0}, {"eps_total", 0}, {"eps_basic", 0}, {"eps_advanced", 0}};
  l.final_metrics = {"mmd", "w2", "nfe"};
  l.work_unit = "particle_queries";
  l.work_per_run = federated_messages(p()) * (p().epsilons.size() + 1.0);  // the pass without DP and one per ε
  return l;
}

// [SECTION] figure

namespace {

// The accountant (theory, no runs): each client's total ε over its n·L·M score messages against the
// per-message ε, by RDP composition and, for comparison, basic composition, at δ. Advanced composition
// (eps_advanced in summary.json) is left off: with each message's ε₁ > 1 its kε₁(e^{ε₁} − 1) term puts
// it 15× above basic composition at ε = 1 and at 10²³⁸ at ε = 64, which would flatten the other two.
plot::Plot privacy_plot(const FederatedParams& p) {
  plot::Plot q;
  q.title = "Privacy accountant: total ε per client over n·L·M = " + plot::format_number(federated_messages(p)) + " score messages (δ = " +
            plot::format_number(p.dp_delta) + ", sensitivity 2C)";
  q.x = plot::Axis{"privacy budget ε per message", plot::Scale::Log};
  q.y = plot::Axis{"total ε per client", plot::Scale::Log};
  q.x.cover_lo = p.epsilons.front();
  q.x.cover_hi = p.epsilons.back();
  plot::Line rdp{"Rényi DP (Mironov 2017; Canonne et al. 2020)", {}, {}, {}, {}, palette(3)};
  plot::Line basic{"basic composition", {}, {}, {}, {}, palette(5)};
  basic.dash = plot::Dash::Dotted;
  for (double e : p.epsilons) {
    const PrivacyAccount a = federated_account(p, e);
    rdp.x.push_back(e), rdp.y.push_back(a.epsilon);
    basic.x.push_back(e), basic.y.push_back(a.epsilon_basic);
  }
  q.lines = {rdp, basic};
  return q;
}

}  // namespace

plot::Figure FederatedExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  f.title = "diffusion.federated: " + std::to_string(p().clients) + " clients, n = " + format_real(static_cast<double>(p().particles)) + ", " +
            std::to_string(r.runs_done) + " runs";
  // The ε axis names both budgets: per message, and the accountant's total per client (RDP, at δ).
  const PrivacyAccount lo = federated_account(p(), p().epsilons.front()), hi = federated_account(p(), p().epsilons.back());
  using plot::format_number;
  const std::string axis = "privacy budget ε per message (total per client over " + format_number(lo.messages) + " messages, δ = " + format_number(lo.delta) + ": " +
                           format_number(lo.epsilon) + " at ε = " + format_number(p().epsilons.front()) + " … " + format_number(hi.epsilon) + " at ε = " +
                           format_number(p().epsilons.back()) + ")";
  auto vs_epsilon = [&](const std::string& metric, const std::string& title, const std::string& y) {
    plot::Plot q;
    q.title = title;
    q.x = plot::Axis{axis, plot::Scale::Log};
    q.y = plot::Axis{y, plot::Scale::Log};
    q.x.cover_lo = p().epsilons.front();
    q.x.cover_hi = p().epsilons.back();
    q.lines = plot::result_lines(r, metric);
    for (plot::Line& l : q.lines)
      if (l.name == "exact") {
        l.name = "exact draws: at or below = indistinguishable";
        l.group = "exact";
        l.color = plot::kReferenceGrey;
        l.dash = plot::Dash::Dashed;
      } else if (l.name == "centralised") {
        l.name = "centralised (pooled model, DPM-Solver++ 2M)";
        l.group = "centralised";
        l.dash = plot::Dash::Dotted;
      } else {
        l.name = "federated with DP at ε";
      }
    return q;
  };
  f.plots = {vs_epsilon("mmd", "MMD to the pooled mixture: federated with DP vs ε (centralised and floor flat)", "MMD"),
             vs_epsilon("w2", "Sliced W2 to exact samples vs ε", "sW2"), privacy_plot(p())};
  f.headline = 0;
  return f;
}

// [SECTION] demo text

DemoInfo federated_demo() {
  DemoInfo d;
  d.id = "diffusion.federated";
  d.chapter = "diffusion";
  d.title = "Federated sampling from clients' models";
  d.summary = "Clients keep their diffusion models; the server samples their mixture by annealed Langevin on composed score messages, optionally with DP.";
  d.about =
      "Each client holds the exact-score model of one block of the data mixture (split by angle: non-IID). The server never sees a\n"
      "parameter: it starts a synthetic set from noise and, at each of L noise levels, queries every client M times on it.\n"
      "Reading of the abstract (the full paper was not available): client k answers with its noise prediction ε̂_k = −σ_t∇log p_{k,t}\n"
      "and its log density; the server forms the exact score of the noised mixture, Σ_k ρ_k ∇log p_{k,t}, ρ_k ∝ π_k p_{k,t}(x), and\n"
      "runs annealed ULA, x ← x + δg + √(2δ)z, δ = 2(r‖z‖/‖g‖)². DP (reading): each ε̂_k clipped to norm C, plus Gaussian noise of sd\n"
      "C·√(2 ln(1.25/δ))/ε per message; the log densities are sent exactly (so strictly nothing is private: a gap of this reading).\n"
      "Privacy accountant (the score messages only): a client sends n·L·M of them; assuming each may change arbitrarily within\n"
      "the clip ball (sensitivity Δ = 2C), Rényi DP composes the k of them (order-α divergence αkΔ²/(2σ²), Mironov 2017), converted to\n"
      "(ε, δ) by Canonne, Kamath, Steinke 2020: ε = min over α of αkΔ²/(2σ²) + ln(1 − 1/α) − (ln δ + ln α)/(α − 1); beside basic and advanced\n"
      "composition (Dwork, Rothblum, Vadhan 2010). Reading: the paper's DP accounting is not established.\n"
      "At the defaults a client's total ε is about 1.8·10⁴ at ε = 1 per message: the per-message ε is no privacy guarantee.\n"
      "What to look for: without DP the federated set matches centralised sampling of the pooled model (both at the exact draws'\n"
      "noise floor) although no client shares its model; the error grows as ε shrinks (claim 6). The live headline is MMD against ε\n"
      "(faded points first: a quick pass at a tenth of the noise levels, each then refined at the full levels);\n"
      "the grey line is the MMD of fresh exact draws: a set at or below it cannot be told from exact draws at this sample size.";
  d.papers = {"S. Hahn, J. Lee. Diffusion Federated Dataset. NeurIPS 2025.",
              "Y. Song, J. Sohl-Dickstein, D. P. Kingma, A. Kumar, S. Ermon, B. Poole. Score-Based Generative Modeling through Stochastic Differential Equations. ICLR 2021.",
              "Y. Du, C. Durkan, R. Strudel, J. B. Tenenbaum, S. Dieleman, R. Fergus, J. Sohl-Dickstein, A. Doucet, W. Grathwohl. Reduce, Reuse, Recycle: Compositional Generation with Energy-Based Diffusion Models and MCMC. ICML 2023.",
              "C. Dwork, A. Roth. The Algorithmic Foundations of Differential Privacy (the Gaussian mechanism). 2014.",
              "I. Mironov. Rényi Differential Privacy. CSF 2017.",
              "C. Canonne, G. Kamath, T. Steinke. The Discrete Gaussian for Differential Privacy (Prop. 12: RDP to (ε, δ)). NeurIPS 2020.",
              "C. Dwork, G. N. Rothblum, S. Vadhan. Boosting and Differential Privacy (advanced composition). FOCS 2010."};
  d.default_runs = 8;
  d.make = [] { return std::make_unique<FederatedExperiment>(); };
  return d;
}

}  // namespace klab::diffusion
