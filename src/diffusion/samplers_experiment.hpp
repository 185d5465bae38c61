// diffusion.samplers: every reverse-process sampler of solvers.hpp against the exact score of a
// 2-D Gaussian mixture, at a grid of NFE budgets from common starting noise; quality against NFE
// (discretisation error to the converged PF-ODE solution, sliced W2, MMD, KDE-KL, mode coverage),
// with each sample-based metric's noise floor measured between exact sample sets (series "exact").
// Papers: Lu et al. 2022 (DPM-Solver, DPM-Solver++); Song, Meng, Ermon 2021 (DDIM); Ho et al. 2020
// (DDPM); Karras et al. 2022 (Heun). Algorithms and equations: solvers.hpp, metrics.hpp.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/versioned_cache.hpp"
#include "diffusion/kinetic.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/noise_schedule.hpp"
#include "diffusion/solvers.hpp"
#include "diffusion/usf_search.hpp"

namespace klab::diffusion {

struct SamplersParams {
  std::vector<std::string> solvers;  // solver ids, in series order
  Preset preset = Preset::Ring;
  double width = 0.1;                // standard deviation of the presets' small components
  std::string mixture;               // the edited mixture (mixture_text.hpp); empty: the preset
  Process process = Process::Vp;
  PathKind path = PathKind::Process; // the Gaussian path the samplers run on (kinetic.hpp): VP's, cond-OT or KO (geodesic or by data separation) between VP's end points
  StepSchedule schedule = StepSchedule::LogSnr;
  std::vector<double> nfe;           // NFE budgets, increasing; each rounded down to a whole number
  long long particles = 500;         // n per (solver, NFE)
  int projections = 32;              // sliced W2: L
  double mmd_length = 0.5;           // MMD kernel width ℓ
  double kde_bandwidth = 0.15;       // KL: KDE bandwidth h
  int kde_grid = 64;                 // KL: grid G × G
  long long search_n = 32;           // USF: particles of the search batch (its own noise)
  UsfMethod usf_search = UsfMethod::Coordinate;  // USF: coordinate descent or the released code's evolution (usf_evolution.hpp)
  long long usf_evals = 200;         // USF evolution: plans scored per search (the initial population included)
};

// MMD is O(n²): it uses the first min(n, kMmdSamples) samples of every set (the exact series too).
constexpr size_t kMmdSamples = 2000;

enum SamplerMetric { kDiscError, kW2, kMmd, kKl, kCoverage, kModesHit, kMetricCount };
const std::vector<std::string>& sampler_metric_ids();  // "disc_error", "w2", "mmd", "kl", "coverage", "modes_hit"

// The engine that computes a run's particles: particles 0 .. out->size() − 1 of `plan`, each drawn
// from the prior (Rng stream `prior_stream`) and run through the solver (DDPM's noise: stream
// `noise_stream`), as particle_step.hpp's sample_particle does. The CPU engine (the default) runs
// them one after another (sample_particles_host); the CUDA engine (engine.hpp) one GPU thread each.
using ParticleEngine = std::function<Status(const SolverPlan& plan, uint64_t seed, uint32_t run, uint32_t prior_stream,
                                            uint32_t noise_stream, Particles* out)>;
Status cpu_particle_engine(const SolverPlan& plan, uint64_t seed, uint32_t run, uint32_t prior_stream, uint32_t noise_stream,
                           Particles* out);

// One run: starting noise z (shared by every solver and NFE), its converged PF-ODE solution, two
// exact sample sets (the reference of sW2, and the "exact" series), then one cell (solver, NFE)
// per step(). The Experiment's runs, the claims tests and the live view all step this. The
// particles come from `engine`; the metrics are computed here, on the host, whichever engine it is.
// `paths` is samplers_paths(p), which depends on the parameters only: the experiment keeps it per
// parameter version (SamplersExperiment::paths()) for its runs and the live view; null computes it here.
class SamplersRun {
 public:
  SamplersRun(const SamplersParams& p, uint64_t seed, uint32_t run, ParticleEngine engine = cpu_particle_engine,
              std::shared_ptr<const GaussianPaths> paths = nullptr);
  // An engine's error ends the run (done() then holds); the CPU engine never fails.
  const Status& status() const { return status_; }
  bool done() const { return next_ >= cells() || !status_.ok(); }
  size_t cells() const { return solvers_.size() * nfe_.size(); }  // cell s·(NFE budgets) + k: solver s at NFE index k
  size_t cells_done() const { return next_; }
  size_t next_cell() const { return order_[next_]; }  // the cell step() computes next (not done())
  void step();  // computes the next cell
  // Computes the cells of these solvers (indices into `solvers`) first, then the rest, each solver's
  // in NFE order (before the first step; the default order is solver by solver, as `klab run` runs).
  // The live view's story pair arrives first; every cell has its own noise, so its values do not
  // depend on the order.
  // `cells` (solver × NFE-count + NFE index) go before all of them (the live view's USF cell at the
  // film's budget, whose search its plan table has already run).
  void prioritise(const std::vector<size_t>& solvers, const std::vector<size_t>& cells = {});
  // The USF search at NFE index k (usf_search.hpp) on this run's search batch (its own noise,
  // not the cells'): run on first use (by step() or paths()), then kept.
  const UsfSearch& usf(size_t k) const;
  // Metrics of cell (solver s, NFE index k) (NaN before it is computed; disc_error NaN for DDPM).
  double metric(size_t s, size_t k, SamplerMetric m) const { return values_[(s * nfe_.size() + k) * kMetricCount + m]; }
  // The exact series: each metric of an exact sample set (its noise floor).
  double floor(SamplerMetric m) const { return floor_[m]; }
  // The first `count` particles of cell (s, NFE index k) at every step of its solver, from the
  // cell's own noise (the live view's film; their last states are the cell's samples). Computed on
  // the host, on demand: count × NFE score evaluations.
  Paths paths(size_t s, size_t k, size_t count) const;
  const Mixture& mixture() const { return mixture_; }
  const NoiseSchedule& schedule() const { return schedule_; }  // the path the samplers run on
  // The kinetic energy ∫ E‖u_t‖² dt of each path kind between VP's end points (kinetic.hpp), NaN
  // unless the run is on a path other than the process's (`path` ≠ process).
  double kinetic_energy(PathKind kind) const { return paths_ ? paths_->kinetic_energy[static_cast<int>(kind)] : __builtin_nan(""); }
  const GaussianPaths* paths() const { return paths_.get(); }  // the four paths (null when `path` = process)
  const Particles& reference() const { return reference_; }
  const Particles& exact() const { return exact_; }
  double cell_work(size_t cell) const;  // score evaluations of a cell: n × NFE (USF: plus its search, at most)

 private:
  SamplersParams p_;
  uint64_t seed_;
  uint32_t run_;
  Mixture mixture_;
  NoiseSchedule schedule_;
  std::vector<Solver> solvers_;
  std::vector<int> nfe_;
  Particles reference_, target_, exact_;  // the PF-ODE solution from z; exact sets (sW2 reference, "exact" series)
  MmdReference mmd_;
  KdeReference kde_;
  ParticleEngine engine_;
  Status status_;
  std::vector<double> values_, floor_;
  std::shared_ptr<const GaussianPaths> paths_;
  std::vector<size_t> order_;  // (cells) the cells in the order step() computes them
  size_t next_ = 0;            // cells computed

  mutable std::vector<UsfSearch> usf_;            // per NFE index; candidates == 0: not searched yet
  mutable Particles search_start_, search_reference_;  // the search batch and its converged solutions

  std::vector<double> measure(const Particles& a, const Particles* reference) const;
  SolverPlan plan(size_t s, size_t k) const;  // cell (s, k)'s plan (USF: the searched one)
};

// The NFE budgets as run: `nfe` rounded down to whole evaluations.
std::vector<double> nfe_budgets(const SamplersParams& p);

Mixture samplers_mixture(const SamplersParams& p);
// The forward process (VP or VE); with `path` ≠ process the samplers run on gaussian_paths(mixture,
// this process).path[path] instead (SamplersRun::schedule()).
NoiseSchedule samplers_schedule(const SamplersParams& p);
// The four paths between the process's end points for the mixture (kinetic.hpp: the metric table,
// the geodesic search, the separation ODE and four energies, about 0.2 s on the checkerboard); null when `path` = process.
std::shared_ptr<const GaussianPaths> samplers_paths(const SamplersParams& p);

class SamplersExperiment final : public ExperimentOf<SamplersParams, SamplersExperiment> {
 public:
  SamplersExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (engine.hpp): every run's particles on the GPU, one thread per particle, the
  // metrics and the aggregation on the host, exactly as the CPU engine's BatchJob does them.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;
  // samplers_paths of the current parameters, computed once per parameter version and shared by
  // every run and the live view.
  std::shared_ptr<const GaussianPaths> paths() const;

 private:
  VersionedCache<std::shared_ptr<const GaussianPaths>> paths_;
};

// The NFE `b` needs to reach the error `a` reaches at `nfe_a`: log-log interpolation of b's mean
// curve of `metric` (NaN when b never reaches it on the grid). Claim 3's ratio is this over nfe_a.
double matching_nfe(const BatchResult& r, const std::string& a, double nfe_a, const std::string& b, const std::string& metric);
// The same on curves a and b (a sampler's error at each budget of the grid x): one run's (the live view).
double matching_nfe(const std::vector<double>& x, const std::vector<double>& a, double nfe_a, const std::vector<double>& b);

DemoInfo samplers_demo();

}  // namespace klab::diffusion
