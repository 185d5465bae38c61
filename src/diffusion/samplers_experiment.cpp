#include "diffusion/samplers_experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/batch.hpp"
#include "core/plot_scale.hpp"
#include "core/result_plots.hpp"
#include "diffusion/engine.hpp"
#include "diffusion/host_thread_runs.hpp"
#include "diffusion/mixture_text.hpp"
#include "diffusion/usf_evolution.hpp"

namespace klab::diffusion {
namespace {

bool uses_usf(const SamplersParams& p) { return std::find(p.solvers.begin(), p.solvers.end(), "usf") != p.solvers.end(); }

// Score evaluations of the converged reference solutions: the compared particles' and, with `usf`,
// the search batch's.
double reference_work(const SamplersParams& p) {
  return (static_cast<double>(p.particles) + (uses_usf(p) ? static_cast<double>(p.search_n) : 0.0)) * kReferenceNfe;
}

// Score evaluations of the compared samples and their references: every sampler at every budget.
double sampling_work(const SamplersParams& p) {
  double total = 0.0;
  for (double k : nfe_budgets(p)) total += k;
  return static_cast<double>(p.particles) * (total * static_cast<double>(p.solvers.size()) + kReferenceNfe);
}

// Score evaluations of one USF search at `nfe` (at most): coordinate descent's (usf_search_work) or
// the evolution's `usf_evals` plans of nfe evaluations on the search batch.
double one_search_work(const SamplersParams& p, int nfe) {
  const double n = static_cast<double>(p.search_n);
  if (p.usf_search == UsfMethod::Evolution) return n * nfe * static_cast<double>(p.usf_evals);
  return usf_search_work(nfe, n);
}

// Score evaluations of the USF search (at most): the search batch's references and its search at
// every budget; 0 without `usf`.
double search_work(const SamplersParams& p) {
  if (!uses_usf(p)) return 0.0;
  double work = static_cast<double>(p.search_n) * kReferenceNfe;
  for (double k : nfe_budgets(p)) work += one_search_work(p, static_cast<int>(k));
  return work;
}

// [SECTION] params

constexpr uint32_t kStartStream = 0, kTargetStream = 1, kExactStream = 2, kDdpmStream = 16;  // DDPM: kDdpmStream + NFE index
constexpr uint32_t kSearchStream = 3, kSearchOrderStream = 4;  // USF: the search batch's x_T; its search's draws (substream: NFE index)
constexpr double kNan = __builtin_nan("");

std::shared_ptr<const ParamTable<SamplersParams>> table() {
  auto t = std::make_shared<ParamTable<SamplersParams>>();
  using P = SamplersParams;
  t->multi_choice("solvers", &P::solvers, {"ddim", "euler", "heun", "dpm_solver_3", "dpmpp_2m", "usf", "ddpm"}, solver_ids(), 1)
      .label("samplers")
      .choice_labels(solver_labels())
      .help("Samplers compared, all from the same starting noise with the exact score (DPM-Solver-1 equals DDIM in exact arithmetic).");
  t->choice("preset", &P::preset, Preset::Ring, preset_ids())
      .label("data")
      .choice_labels({"8 Gaussians on a ring", "checkerboard (32 small components)", "two moons (16 components)", "rare mode (weights 0.49, 0.49, 0.02)"})
      .help("The 2-D Gaussian mixture p_data; every marginal p_t is again a mixture, so the score is exact.");
  t->real("width", &P::width, 0.1, 0.02, 0.5).label("component width").log_scale().help("Standard deviation of the presets' small components (smaller: sharper, harder for few steps).");
  add_mixture_param(*t);
  t->choice("process", &P::process, Process::Vp, {"vp", "ve"})
      .label("forward process")
      .choice_labels({"VP (linear β, 0.1 to 20)", "VE (σ from 0.01 to 20)"})
      .help("Forward noising: variance preserving x_t = α_t x₀ + σ_t ε, or variance exploding x_t = x₀ + σ_t ε.");
  t->choice("path", &P::path, PathKind::Process, path_ids())
      .label("probability path")
      .choice_labels({"the forward process's own", "cond-OT (α, σ linear in t)", "kinetic optimal: numerical geodesic",
                      "kinetic optimal: data separation ODE"})
      .help("Gaussian path p_t(x|x₀) = N(α_t x₀, σ_t²I) the samplers integrate: the VP process's, or the straight (cond-OT) or the "
            "kinetic-optimal path between the VP process's end points (Shaul et al. 2023), found as a numerical geodesic (ko) or "
            "by the paper's route, its data separation function and a 1-D ODE (ko_sep).");
  t->choice("schedule", &P::schedule, StepSchedule::LogSnr, {"logsnr", "time"})
      .label("step schedule")
      .choice_labels({"uniform in logSNR λ", "uniform in time t"})
      .help("Where the steps fall: uniform in λ = log(α/σ) (Lu et al. 2022) or uniform in t.");
  t->real_list("nfe", &P::nfe, {4, 6, 8, 10, 15, 20, 30, 50, 100, 200}, 1, 5000, 1, 24)
      .label("NFE budgets")
      .help("Numbers of score evaluations per sample, increasing (each rounded down to a whole number); every sampler runs at each.");
  t->integer("particles", &P::particles, 400, 4, 10000000).label("particles n").log_scale().help("Samples per (sampler, NFE) and per exact set.");
  t->integer("projections", &P::projections, 32, 1, 1024).label("sW2 projections L").log_scale().help("Directions of the sliced Wasserstein-2 distance (angles π(l + ½)/L).");
  t->real("mmd_length", &P::mmd_length, 0.5, 0.01, 10.0).label("MMD kernel width ℓ").log_scale().help("Gaussian kernel exp(−‖x − y‖²/(2ℓ²)) of the MMD to p_data.");
  t->real("kde_bandwidth", &P::kde_bandwidth, 0.15, 0.01, 2.0).label("KDE bandwidth h").log_scale().help("Kernel density p̂ of the samples for KL(p_data‖p̂) (its bias grows with h).");
  t->integer("kde_grid", &P::kde_grid, 64, 16, 512).label("KL grid G").log_scale().help("KL(p_data‖p̂) is summed on a G × G grid over the mixture's box.");
  t->integer("search_n", &P::search_n, 32, 4, 100000)
      .label("USF search batch")
      .log_scale()
      .help("Particles of the USF solver search's own batch (noise independent of the compared samples): the search minimises their mean ‖x̂ − x*‖.");
  t->choice("usf_search", &P::usf_search, UsfMethod::Coordinate, {"coordinate", "evolution"})
      .label("USF search method")
      .choice_labels({"coordinate descent", "evolution (the authors' released code)"})
      .help("How the USF solver is searched: coordinate descent from DPM-Solver++ 2M, or the evolutionary loop of the authors' released "
            "code (parents among the best 15, crossover 0.3, per-step mutations 0.3) with the true error in place of FID.");
  t->integer("usf_evals", &P::usf_evals, 200, 6, 100000)
      .label("USF evolution: plans scored")
      .log_scale()
      .help("Plans the evolutionary USF search scores at each NFE, its 6 starting solvers included (the released code runs until stopped).");
  t->rule([](const P& p) -> Status {
    for (size_t i = 1; i < p.nfe.size(); ++i)
      if (std::floor(p.nfe[i]) <= std::floor(p.nfe[i - 1]))
        return Status::error("parameter 'nfe' must be increasing in whole evaluations (got " + format_real(p.nfe[i - 1]) + " then " +
                             format_real(p.nfe[i]) + ")");
    if (p.path != PathKind::Process && p.process != Process::Vp)
      return Status::error("parameter 'path' = '" + path_ids()[static_cast<size_t>(p.path)] +
                           "' joins the VP process's end points: it needs 'process' = 'vp' (got 've')");
    const double search = search_work(p);
    if (const double work = sampling_work(p); work > 2e11)
      return Status::error("parameters 'particles' × (Σ nfe × samplers + " + std::to_string(kReferenceNfe) +
                           ") must be at most 2e11 score evaluations per run (got " + format_real(work) + ")");
    if (search > 2e11)
      return Status::error(std::string(p.usf_search == UsfMethod::Evolution ? "parameters 'search_n' × Σ nfe × 'usf_evals'"
                                                                            : "parameters 'search_n' × Σ nfe × (USF search plans)") +
                           " must be at most 2e11 score evaluations per run (got " +
                           format_real(search) + ")");
    return {};
  });
  return t;
}

// [SECTION] run

class SamplersCursor final : public RunCursor {
 public:
  SamplersCursor(const SamplersParams& p, uint64_t seed, uint32_t run, RunRecord* out, ParticleEngine engine,
                 std::shared_ptr<const GaussianPaths> paths)
      : p_(p), seed_(seed), run_index_(run), out_(out), engine_(std::move(engine)), paths_(std::move(paths)) {}
  // The engine's error, if any (the run then records nothing).
  Status status() const { return run_ ? run_->status() : Status(); }

  bool step(double work) override {
    if (!run_) {
      run_ = std::make_unique<SamplersRun>(p_, seed_, run_index_, engine_, paths_);
      work -= reference_work(p_);
    }
    while (!run_->done() && work > 0) {
      work -= run_->cell_work(run_->next_cell());
      run_->step();
    }
    if (!run_->done()) return false;
    if (run_->status().ok()) record();
    return true;
  }

 private:
  void record() {
    const size_t solvers = p_.solvers.size(), points = p_.nfe.size();
    for (size_t s = 0; s <= solvers; ++s)
      for (size_t m = 0; m < kMetricCount; ++m) {
        const auto metric = static_cast<SamplerMetric>(m);
        for (size_t k = 0; k < points; ++k) out_->curve(s, m, k, s < solvers ? run_->metric(s, k, metric) : run_->floor(metric));
        out_->final(s, m, s < solvers ? run_->metric(s, points - 1, metric) : run_->floor(metric));
      }
    for (size_t s = 0; s < solvers; ++s) out_->final(s, kMetricCount, p_.nfe.back());
    if (p_.path != PathKind::Process)  // the path's kinetic energy and VP's between the same end points, for every sampler
      for (size_t s = 0; s <= solvers; ++s) {
        out_->final(s, kMetricCount + 1, s < solvers ? run_->kinetic_energy(p_.path) : kNan);
        out_->final(s, kMetricCount + 2, s < solvers ? run_->kinetic_energy(PathKind::Process) : kNan);
      }
  }

  SamplersParams p_;
  uint64_t seed_;
  uint32_t run_index_;
  RunRecord* out_;
  ParticleEngine engine_;
  std::shared_ptr<const GaussianPaths> paths_;
  std::unique_ptr<SamplersRun> run_;
};

Particles exact_samples(const Mixture& m, size_t n, uint64_t seed, uint32_t run, uint32_t stream) {
  Rng rng(seed, run, stream);
  Particles p;
  p.x.resize(n);
  p.y.resize(n);
  for (size_t i = 0; i < n; ++i) sample_mixture(m, rng, &p.x[i], &p.y[i]);
  return p;
}

}  // namespace

const std::vector<std::string>& sampler_metric_ids() {
  static const std::vector<std::string> ids{"disc_error", "w2", "mmd", "kl", "coverage", "modes_hit"};
  return ids;
}

std::vector<double> nfe_budgets(const SamplersParams& p) {
  std::vector<double> n;
  for (double k : p.nfe) n.push_back(std::floor(k));
  return n;
}

Mixture samplers_mixture(const SamplersParams& p) { return world_mixture(p.preset, p.width, p.mixture); }

NoiseSchedule samplers_schedule(const SamplersParams& p) {
  NoiseSchedule s;
  s.process = p.process;
  return s;
}

Status cpu_particle_engine(const SolverPlan& plan, uint64_t seed, uint32_t run, uint32_t prior_stream, uint32_t noise_stream,
                           Particles* out) {
  sample_particles_host(plan.view(seed, run, prior_stream, noise_stream, out->size()), 0, out);
  return {};
}

std::shared_ptr<const GaussianPaths> samplers_paths(const SamplersParams& p) {
  if (p.path == PathKind::Process) return nullptr;
  return std::make_shared<const GaussianPaths>(gaussian_paths(samplers_mixture(p), samplers_schedule(p)));
}

SamplersRun::SamplersRun(const SamplersParams& p, uint64_t seed, uint32_t run, ParticleEngine engine,
                         std::shared_ptr<const GaussianPaths> paths)
    : p_(p),
      seed_(seed),
      run_(run),
      mixture_(samplers_mixture(p)),
      schedule_(samplers_schedule(p)),
      mmd_(mixture_, p.mmd_length),
      kde_(mixture_, p.kde_grid, p.kde_bandwidth),
      engine_(std::move(engine)),
      paths_(p.path == PathKind::Process ? nullptr : paths ? std::move(paths) : samplers_paths(p)) {
  if (paths_) schedule_ = paths_->path[static_cast<int>(p.path)];
  for (const std::string& id : p.solvers) solvers_.push_back(solver_of(id));
  for (double k : nfe_budgets(p)) nfe_.push_back(static_cast<int>(k));
  const size_t n = static_cast<size_t>(p.particles);
  // The converged PF-ODE solution from the cells' starting noise.
  reference_.x.resize(n);
  reference_.y.resize(n);
  status_ = engine_(reference_plan(mixture_, schedule_), seed, run, kStartStream, 0, &reference_);
  target_ = exact_samples(mixture_, n, seed, run, kTargetStream);
  exact_ = exact_samples(mixture_, n, seed, run, kExactStream);
  values_.assign(cells() * kMetricCount, kNan);
  floor_ = measure(exact_, nullptr);
  for (size_t c = 0; c < cells(); ++c) order_.push_back(c);
}

void SamplersRun::prioritise(const std::vector<size_t>& solvers, const std::vector<size_t>& cells_first) {
  if (next_ > 0) return;
  std::vector<bool> first(solvers_.size(), false);
  for (size_t s : solvers)
    if (s < first.size()) first[s] = true;
  order_.clear();
  for (size_t c : cells_first)
    if (c < cells() && std::find(order_.begin(), order_.end(), c) == order_.end()) order_.push_back(c);
  const std::vector<size_t> early = order_;
  for (bool pass : {true, false})
    for (size_t c = 0; c < cells(); ++c)
      if (first[c / nfe_.size()] == pass && std::find(early.begin(), early.end(), c) == early.end()) order_.push_back(c);
}

std::vector<double> SamplersRun::measure(const Particles& a, const Particles* reference) const {
  std::vector<double> v(kMetricCount, kNan);
  if (reference) v[kDiscError] = discretisation_error(a, *reference);
  v[kW2] = sliced_w2(a, target_, p_.projections);
  if (a.size() > kMmdSamples) {
    Particles head;
    head.x.assign(a.x.begin(), a.x.begin() + kMmdSamples);
    head.y.assign(a.y.begin(), a.y.begin() + kMmdSamples);
    v[kMmd] = mmd_.mmd(head);
  } else {
    v[kMmd] = mmd_.mmd(a);
  }
  v[kKl] = kde_.kl(a);
  const Coverage c = mode_coverage(mixture_, a);
  v[kCoverage] = c.samples;
  v[kModesHit] = c.modes;
  return v;
}

const UsfSearch& SamplersRun::usf(size_t k) const {
  if (usf_.empty()) {
    usf_.resize(nfe_.size());
    const size_t n = static_cast<size_t>(p_.search_n);
    search_start_ = prior_particles(schedule_, n, seed_, run_, kSearchStream);
    search_reference_ = search_start_;
    solve_reference(mixture_, schedule_, search_reference_);
  }
  UsfSearch& u = usf_[k];
  if (u.candidates == 0) {
    Rng rng = Rng::substream(seed_, run_, kSearchOrderStream, static_cast<uint32_t>(k));
    u = p_.usf_search == UsfMethod::Evolution
            ? usf_evolution(mixture_, schedule_, p_.schedule, nfe_[k], search_start_, search_reference_, static_cast<int>(p_.usf_evals), rng)
            : usf_search(mixture_, schedule_, p_.schedule, nfe_[k], search_start_, search_reference_, rng);
  }
  return u;
}

SolverPlan SamplersRun::plan(size_t s, size_t k) const {
  if (solvers_[s] == Solver::Usf) return make_usf_plan(mixture_, schedule_, usf(k).plan);
  return make_solver_plan(solvers_[s], mixture_, schedule_, p_.schedule, nfe_[k]);
}

Paths SamplersRun::paths(size_t s, size_t k, size_t count) const {
  const SolverPlan plan = this->plan(s, k);
  const uint64_t n = static_cast<uint64_t>(p_.particles);  // DDPM's noise layout is the whole cell's
  return record_paths(plan, plan.view(seed_, run_, kStartStream, kDdpmStream + static_cast<uint32_t>(k), n), std::min<size_t>(count, n));
}

double SamplersRun::cell_work(size_t cell) const {
  const int nfe = nfe_[cell % nfe_.size()];
  const double cell_evaluations = static_cast<double>(p_.particles) * nfe;
  if (solvers_[cell / nfe_.size()] != Solver::Usf) return cell_evaluations;
  return cell_evaluations + one_search_work(p_, nfe);
}

void SamplersRun::step() {
  const size_t cell = order_[next_], s = cell / nfe_.size(), k = cell % nfe_.size();
  Particles x;
  x.x.resize(static_cast<size_t>(p_.particles));
  x.y.resize(static_cast<size_t>(p_.particles));
  status_ = engine_(plan(s, k), seed_, run_, kStartStream,
                    kDdpmStream + static_cast<uint32_t>(k), &x);
  if (!status_.ok()) return;
  const std::vector<double> v = measure(x, solver_is_ode(solvers_[s]) ? &reference_ : nullptr);
  std::copy(v.begin(), v.end(), values_.begin() + static_cast<long>(cell * kMetricCount));
  ++next_;
}

SamplersExperiment::SamplersExperiment() : ExperimentOf(table()) {}

std::unique_ptr<RunCursor> SamplersExperiment::start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  return std::make_unique<SamplersCursor>(p(), seed, run, &out, cpu_particle_engine, paths());
}

std::shared_ptr<const GaussianPaths> SamplersExperiment::paths() const {
  return paths_.get(static_cast<const Experiment&>(*this).params().version(), [&] { return samplers_paths(p()); });
}

Status SamplersExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                           std::vector<SlotStats>* blocks) const {
  // Each host thread's engine keeps its device buffers from cell to cell; a thread's kernels run while
  // the others measure their particles on the host.
  const std::shared_ptr<const GaussianPaths> paths = this->paths();
  return run_blocks_on_host_threads(
      layout(), runs, first_block, end_block, [] { return std::make_unique<CudaParticleEngine>(); },
      [&](CudaParticleEngine* gpu, uint32_t run, RunRecord* record) {
        const ParticleEngine engine = [gpu](const SolverPlan& plan, uint64_t s, uint32_t r, uint32_t prior_stream, uint32_t noise_stream,
                                            Particles* out) { return gpu->sample(plan, s, r, prior_stream, noise_stream, out); };
        SamplersCursor cursor(p(), seed, run, record, engine, paths);
        cursor.step(kInf);
        return cursor.status();
      },
      blocks);
}

// [SECTION] layout

RunLayout SamplersExperiment::layout() const {
  RunLayout l;
  l.series = p().solvers;
  l.series.push_back("exact");
  l.axes = {{"NFE", nfe_budgets(p())}};
  for (const std::string& m : sampler_metric_ids()) l.curves.push_back({m, 0});
  l.final_metrics = sampler_metric_ids();
  l.final_metrics.push_back("nfe");
  if (p().path != PathKind::Process) l.final_metrics.insert(l.final_metrics.end(), {"kinetic_energy", "kinetic_energy_vp"});
  l.work_unit = "score_evaluations";
  l.work_per_run = sampling_work(p()) + search_work(p());  // the progress bar's and the throughput's work
  return l;
}

// [SECTION] figure

double matching_nfe(const std::vector<double>& x, const std::vector<double>& a, double nfe_a, const std::vector<double>& b) {
  // a's error at nfe_a, log-log interpolated on the grid.
  double target = kNan;
  for (size_t k = 0; k + 1 < x.size(); ++k)
    if (x[k] <= nfe_a && nfe_a <= x[k + 1]) {
      const double u = std::log(nfe_a / x[k]) / std::log(x[k + 1] / x[k]);
      target = std::exp((1 - u) * std::log(a[k]) + u * std::log(a[k + 1]));
      break;
    }
  if (!(target > 0)) return kNan;
  for (size_t k = 1; k < x.size(); ++k) {
    const double hi = b[k - 1], lo = b[k];
    if (lo <= target && hi > target) {
      const double u = std::log(hi / target) / std::log(hi / lo);
      return std::exp(std::log(x[k - 1]) + u * std::log(x[k] / x[k - 1]));
    }
  }
  return kNan;
}

double matching_nfe(const BatchResult& r, const std::string& a, double nfe_a, const std::string& b, const std::string& metric) {
  const int sa = r.layout.find_series(a), sb = r.layout.find_series(b), m = r.layout.find_curve(metric);
  if (sa < 0 || sb < 0 || m < 0) return kNan;
  const std::vector<double>& x = r.layout.axes[0].x;
  std::vector<double> va, vb;  // the two mean curves
  for (size_t k = 0; k < x.size(); ++k) {
    va.push_back(r.curve_stat(static_cast<size_t>(sa), static_cast<size_t>(m), k).mean());
    vb.push_back(r.curve_stat(static_cast<size_t>(sb), static_cast<size_t>(m), k).mean());
  }
  return matching_nfe(x, va, nfe_a, vb);
}

namespace {

plot::Plot quality_plot(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& y_label, bool log_y) {
  plot::Plot p;
  p.title = title;
  p.x = {"NFE (score evaluations per sample)", plot::Scale::Log};
  p.y = {y_label, log_y ? plot::Scale::Log : plot::Scale::Linear};
  p.x.cover_lo = r.layout.axes[0].x.front();
  p.x.cover_hi = r.layout.axes[0].x.back();
  p.lines = plot::result_lines(r, metric);
  // The exact series is the noise floor: theory grey, not a sampler.
  for (plot::Line& l : p.lines)
    if (l.name == "exact") {
      l.name = "exact samples (noise floor)";
      l.group = "exact";
      l.color = plot::kReferenceGrey;
      l.dash = plot::Dash::Dashed;
    }
  return p;
}

}  // namespace

plot::Figure SamplersExperiment::figure(const BatchResult& r) const {
  plot::Figure f;
  const std::string world = p().mixture.empty() ? preset_ids()[static_cast<size_t>(p().preset)]
                                                 : "edited mixture of " + std::to_string(samplers_mixture(p()).components.size()) + " components";
  f.title = "diffusion.samplers: " + world + ", " +
            (p().path == PathKind::Process ? std::string() : path_labels()[static_cast<size_t>(p().path)] + " path, ") +
            (p().schedule == StepSchedule::LogSnr ? "logSNR" : "time") + "-uniform steps, n = " + format_real(static_cast<double>(p().particles)) + ", " +
            std::to_string(r.runs_done) + " runs";
  if (const int ke = r.layout.find_final("kinetic_energy"), vp = r.layout.find_final("kinetic_energy_vp"); ke >= 0 && vp >= 0 && !r.layout.series.empty())
    f.title += "; kinetic energy " + plot::format_number(r.final_stat(0, static_cast<size_t>(ke)).mean()) + " (VP's: " +
               plot::format_number(r.final_stat(0, static_cast<size_t>(vp)).mean()) + ")";
  plot::Plot disc = quality_plot(r, "disc_error", "Discretisation error ‖x̂ − x*‖ vs NFE (same noise, converged PF-ODE x*)", "mean ‖x̂ − x*‖", true);
  disc.lines.erase(std::remove_if(disc.lines.begin(), disc.lines.end(), [](const plot::Line& l) { return l.group == "exact" || l.name == "ddpm"; }),
                   disc.lines.end());
  const double n20 = matching_nfe(r, "dpmpp_2m", 20.0, "ddim", "disc_error");
  if (std::isfinite(n20)) {
    plot::Guide g;
    g.vertical = true;
    g.value = n20;
    g.label = "DDIM matches DPM-Solver++ 2M at 20 NFE here: " + format_real(std::round(n20)) + " NFE (" + format_real(std::round(n20 / 2.0) / 10.0) + "×)";
    disc.guides.push_back(g);
  }
  f.plots = {disc, quality_plot(r, "w2", "Sliced W2 to an exact sample set", "sW2", true),
             quality_plot(r, "kl", "KL(p_data‖p̂), p̂ a kernel density (h = " + format_real(p().kde_bandwidth) + ")", "KL", true),
             quality_plot(r, "modes_hit", "Modes hit (≥ half their expected count within 3σ)", "fraction of modes", false)};
  f.plots.back().y.min = 0.0;
  f.plots.back().y.max = 1.05;
  f.headline = 0;
  return f;
}

// [SECTION] demo text

DemoInfo samplers_demo() {
  DemoInfo d;
  d.id = "diffusion.samplers";
  d.chapter = "diffusion";
  d.title = "Samplers with the exact score";
  d.summary = "DDPM, DDIM, Euler, Heun, DPM-Solver-1/2/3, DPM-Solver++ 2M/3M and a searched USF solver on a 2-D Gaussian mixture whose score is exact: quality against NFE, on the VP, cond-OT or kinetic-optimal path.";
  d.about =
      "Data: a 2-D Gaussian mixture. Under the forward process x_t = α_t x₀ + σ_t ε every marginal p_t is again a mixture,\n"
      "so the score ∇log p_t, the noise prediction ε̂ = −σ_t ∇log p_t and the data prediction x̂₀ = (x_t − σ_t ε̂)/α_t are exact:\n"
      "the samplers differ only by how they discretise, and quality is measured against the true density.\n"
      "With λ = log(α/σ) and h = λ_s − λ_t, the exponential integrators (Lu et al. 2022) step\n"
      "    DDIM = DPM-Solver-1:  x_s = (α_s/α_t) x_t − σ_s (e^h − 1) ε̂(x_t, t)\n"
      "    DPM-Solver++ 2M:      x_s = (σ_s/σ_t) x_t − α_s (e^{−h} − 1) [(1 + 1/(2r)) x̂₀(t) − (1/(2r)) x̂₀(t_prev)],  r = h_prev/h\n"
      "Euler and Heun integrate the probability-flow ODE dx/dt = f(t) x − ½ g²(t) ∇log p_t(x) in t; DDPM samples the posterior.\n"
      "Headline: the discretisation error against the converged solution of the same ODE from the same noise (no sampling noise,\n"
      "so it separates solvers); sliced W2, MMD and KL of a kernel density have a noise floor, the grey 'exact samples' line.\n"
      "What to look for: with logSNR steps DPM-Solver++ 2M at 20 NFE is as accurate as DDIM at about 4× the NFE on the default\n"
      "ring (claim 3, tests/unit/diffusion_claims_test.cpp; an edited mixture has its own ratio, the read-out's); every sampler's metrics fall to the noise floor as NFE grows (claim 2).\n"
      "Switch the step schedule to 'uniform in time': the singlestep and multistep high-order solvers lose their advantage and\n"
      "DPM-Solver-3 and ++3M blow up below about 30 NFE on the sharp ring (shown, not hidden: src/diffusion/README.md).\n"
      "USF search ('usf', Liu et al., ICLR 2024: one solver framework with a free strategy per step; the per-step choices follow the\n"
      "authors' released code, as the paper's text could not be read here): at each NFE, per step the multistep exponential\n"
      "integrator of Taylor order 1, 2 or 3 on x̂₀ or on ε̂, its derivatives in λ estimated by DPM-Solver's rule, by plain\n"
      "Taylor finite differences or with a low-order first derivative (from one previous evaluation), and optionally a pseudo corrector\n"
      "(the step redone at one order more with the next step's evaluation at its result: no extra NFE), on a time grid between\n"
      "t- and λ-uniform with a power law u = (i/N)^ρ (this lab's family), searched on the true error ‖x̂ − x*‖ of a separate\n"
      "search batch. 'usf_search' = coordinate (default): coordinate descent from DPM-Solver++ 2M. 'usf_search' = evolution:\n"
      "the authors' released code's search, with the true metric in place of FID; S³'s predictor is not built (not released).\n"
      "Its loop: parents drawn among the 15 best plans scored so far, crossover with probability 0.3 (each field — grid, orders,\n"
      "predictions, correctors — from one parent, and with probability ½ the steps mixed), then per step each decision redrawn\n"
      "with probability 0.3 (m′'s linear relaxation m′ × (1 + c h) with c += N(0, 0.03) among them), the grid's blend and power\n"
      "moved to a neighbouring value (a reading: the code's timesteps are free),\n"
      "from the lab's fixed multistep solvers, for 'usf_evals' plans (src/diffusion/usf_evolution.hpp; measured in the README).\n"
      "The series is measured on the cells' own noise: at 5 to 10 NFE it is more accurate than every fixed solver\n"
      "(claim 7, tests/unit/diffusion_claims_test.cpp; the measured ratios are in the README). The plan found at the film's budget is listed under the read-outs. The paper's FID figures are not reproduced.\n"
      "Live view: the headline is run 1's error against NFE, filled in as the film plays, DDIM's match to ++2M at 20 NFE marked.\n"
      "Beside it two samplers' particles at 20 NFE (the same starting noise) move from noise at t = 1 to the data as the play bar runs,\n"
      "over the exact noised density p_t; the clock is uniform in λ, and between a solver's steps the cloud is drawn on the\n"
      "chord between its states. 'trajectories' draws 48 particles' paths through the steps (DDPM's carry its injected\n"
      "noise, the ODE solvers' are deterministic); 'score field' draws ∇log p_t at the current t as arrows (lengths scaled\n"
      "within that t and capped).\n"
      "Probability paths ('path'; Shaul, Chen, Nickel, Le, Lipman, ICML 2023): the samplers run on the VP process's own Gaussian path\n"
      "p_t(x|x₀) = N(α_t x₀, σ_t² I), on the straight cond-OT path (α, σ linear in t, as in flow matching) or on the kinetic-optimal\n"
      "(KO) path for the current mixture, all between VP's end points. Its velocity is u_t = α̇ E[x₀|x] + σ̇ E[ε|x] and its\n"
      "kinetic energy KE = ∫ E‖u_t‖² dt = ∫ γ̇ᵀ G(λ) γ̇ dt, γ = (α, σ), with a 2×2 metric G that depends on the log-SNR λ only.\n"
      "The KO path is the geodesic of G at constant speed, computed two ways. 'ko': numerically (the curve's length minimised).\n"
      "'ko_sep': the paper's route, as read here (its abstract; the formulas are derived in src/diffusion/kinetic.hpp): with the data\n"
      "rescaled to E‖x̃₀‖² = d and s̃ = α̃/σ, KE = d ∫ [α̃̇² + σ̇² − σ²(ds̃/dt)²(1 − S(s̃))] dt, where the data separation function\n"
      "S(s̃) = E‖E[x₀|x]‖²/E‖x₀‖² (a quadrature for the mixture) carries all the data. In polar coordinates this is the cone\n"
      "dr² + r² f(θ)² dθ², f² = 1 − (1 + s̃²)(1 − S); the 1-D ODE dψ/dθ = f unrolls it into the flat plane, where the KO path is a\n"
      "straight segment (KE in closed form). S ≡ 1 gives cond-OT. The two routes give the same curve (α, σ) and energy (within\n"
      "0.5 %); their clocks differ near pure noise, where f → 0: on the ring the exact path leaves t = 1 so fast that Euler and\n"
      "Heun with 'uniform in time' steps fail on ko_sep, while on the moons they match ko (numbers: src/diffusion/README.md).\n"
      "The paper's claim: the KO path has the least energy and is easier to sample at low NFE.\n"
      "What to look for (ring): KE(KO) < KE(cond-OT) < KE(VP), and with 'uniform in time' steps Euler's error at 4 to 10 NFE is\n"
      "lowest on KO and highest on VP (claim 8, tests/unit/diffusion_claims_test.cpp); the read-outs list the four energies,\n"
      "and the fourth plot shows the four paths as curves (σ_t, α_t) with a dot at the film's t (the two KO curves overlap).\n"
      "With logSNR steps DDIM and the DPM-Solvers give the same samples on every path (x/α against λ obeys one ODE), so the film\n"
      "then shows Euler and Heun; there Euler on KO is close to VP and cond-OT is the worst. On the checkerboard and the moons\n"
      "cond-OT's energy is above VP's (src/diffusion/README.md).";
  d.papers = {"C. Lu, Y. Zhou, F. Bao, J. Chen, C. Li, J. Zhu. DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps. NeurIPS 2022.",
              "C. Lu, Y. Zhou, F. Bao, J. Chen, C. Li, J. Zhu. DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models. arXiv:2211.01095, 2022.",
              "J. Song, C. Meng, S. Ermon. Denoising Diffusion Implicit Models. ICLR 2021.",
              "J. Ho, A. Jain, P. Abbeel. Denoising Diffusion Probabilistic Models. NeurIPS 2020.",
              "Y. Song, J. Sohl-Dickstein, D. P. Kingma, A. Kumar, S. Ermon, B. Poole. Score-Based Generative Modeling through Stochastic Differential Equations. ICLR 2021.",
              "T. Karras, M. Aittala, T. Aila, S. Laine. Elucidating the Design Space of Diffusion-Based Generative Models. NeurIPS 2022.",
              "E. Liu, X. Ning, H. Yang, Y. Wang. A Unified Sampling Framework for Solver Searching of Diffusion Probabilistic Models. ICLR 2024 (its per-step choices as the authors' released code defines them; the paper's text was not read).",
              "N. Shaul, R. T. Q. Chen, M. Nickel, M. Le, Y. Lipman. On Kinetic Optimal Probability Paths for Generative Models. ICML 2023 (a reading of the abstract: the data separation function and the 1-D ODE as derived here; the KO path also computed numerically).",
              "Y. Lipman, R. T. Q. Chen, H. Ben-Hamu, M. Nickel, M. Le. Flow Matching for Generative Modeling. ICLR 2023 (the cond-OT path)."};
  d.default_runs = 8;
  d.make = [] { return std::make_unique<SamplersExperiment>(); };
  return d;
}

}  // namespace klab::diffusion
