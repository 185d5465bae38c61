// diffusion.tsmc: reward-tilted sampling from the exact-score DDPM on a 2-D mixture, at matched
// score-evaluation budgets: best-of-n, SMC with the base proposal (look-ahead potentials), twisted
// SMC with fixed twists (TDS-style), TRI-TSMC and its full-step variant; KL to the exact tilted
// target, reward, ESS and log-weight variance per trust-region iteration. Algorithms: tsmc.hpp.
// Paper: Wang, Yang, Deng, Xu 2026 (TRI-TSMC; reading of the abstract).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/tsmc.hpp"

namespace klab::diffusion {

struct TsmcParams {
  std::vector<std::string> methods;
  Preset preset = Preset::RareMode;
  double width = 0.1;
  std::string mixture;  // the edited mixture (mixture_text.hpp); empty: the preset
  double reward_x = 0.0, reward_y = 2.0;  // centre c of r(x) = −(a/2)‖x − c‖²
  double curvature = 1.0;                 // a
  double beta = 0.5;                      // β of exp(r/β)
  int steps = 25;                         // K DDPM steps (score evaluations per particle path)
  long long particles = 500;              // N per SMC run and outputs per method
  int iterations = 8;                     // I trust-region iterations
  double trust_region = 0.5;              // ε: KL(π_η ‖ q) per iteration
  double kde_bandwidth = 0.1;
  int kde_grid = 64;
};

const std::vector<std::string>& tsmc_method_ids();  // "best_of_n", "smc_base", "tds", "tri_tsmc", "full_step"
enum class TsmcMethod { BestOfN, SmcBase, Tds, TriTsmc, FullStep };

enum TsmcMetric { kTsmcKl, kTsmcReward, kTsmcEss, kTsmcLogWVar, kTsmcMetricCount };

// One run: the exact tilted target, the baselines at the matched budget (computed first), then one
// trust-region iteration of both learners per step(), then their output runs.
class TsmcRun {
 public:
  // engine: where the SMC runs' particles live (null: this CPU); it must outlive the run.
  TsmcRun(const TsmcParams& p, uint64_t seed, uint32_t run, SmcBackend* engine = nullptr);
  // The backend's first error (a CUDA failure); the run stops there.
  const Status& status() const { return status_; }
  bool done() const { return iteration_ > p_.iterations || !status_.ok(); }
  int iteration() const { return iteration_; }  // iterations done (I + 1 once the outputs ran)
  void step();
  // Per-iteration values of a learner (TriTsmc or FullStep): the SIS run with the twists of iteration i.
  double trace(TsmcMethod m, int i, TsmcMetric metric) const;
  double eta(TsmcMethod m, int i) const;
  // Final values of method m (its output run at the matched budget); NaN before they exist.
  double final_value(TsmcMethod m, TsmcMetric metric) const;
  double floor_kl() const { return floor_kl_; }
  const Particles& samples(TsmcMethod m) const { return samples_[static_cast<size_t>(m)]; }
  const Mixture& target() const { return target_; }
  const TiltProblem& problem() const { return problem_; }
  double budget() const;  // score evaluations per method
  // The latest run of SMC method m (not best_of_n) again, recording every state (the live view's
  // film): the same draws, so its outputs are samples(m). Learners: the SIS run of the latest
  // iteration, or the output run once done; baselines: their one run at the budget. Nothing before a
  // learner's first iteration (false) and for best_of_n.
  bool film(TsmcMethod m, SmcFilm* out) const;

 private:
  TsmcParams p_;
  uint64_t seed_;
  uint32_t run_;
  SmcBackend* backend_;
  Status status_;
  TiltProblem problem_;
  Mixture target_;
  KdeReference kde_;
  double floor_kl_ = 0.0;
  int iteration_ = 0;
  std::vector<Twist> fixed_;
  std::vector<Twist> twists_[2];                 // tri_tsmc, full_step
  std::vector<Twist> ran_[2];                    // the twists of their latest SIS run
  std::vector<std::vector<double>> traces_[2];   // (iterations, metrics)
  std::vector<double> etas_[2];
  std::vector<std::vector<double>> finals_;      // (methods, metrics)
  std::vector<Particles> samples_;               // (methods) current samples (learners: latest iteration)

  std::vector<double> measure(const Particles& out, double ess, double log_w_var) const;
  // f(the particles' backend): backend_, or one on this CPU for this call only (its buffers freed after).
  template <class F>
  Status with_backend(const F& f) {
    HostSmcBackend host;
    return f(backend_ ? *backend_ : static_cast<SmcBackend&>(host));
  }
  // A baseline's run (in b: films replay on this CPU).
  Status baseline_run(TsmcMethod m, SmcBackend& b, SmcFilm* film, SmcResult* out) const;
  // A learner's run of `iteration` (its output run at I) with the twists given.
  Status learner_run(int iteration, const std::vector<Twist>& twists, SmcBackend& b, SmcFilm* film, SmcResult* out) const;
};

class TsmcExperiment final : public ExperimentOf<TsmcParams, TsmcExperiment> {
 public:
  TsmcExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The CUDA engine (tsmc_engine.hpp): every SMC run's particles on the GPU, one thread per particle
  // per phase; ESS, resampling, the trust-region step and the metrics on the host, as on the CPU.
  bool has_cuda_engine() const override { return true; }
  Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                         std::vector<SlotStats>* blocks) const override;
};

// Blocks [first_block, end_block) of a job of `runs` runs, each run's SMC particles in a backend
// from make_backend (one per host thread): run_cuda_blocks with CudaSmcEngine; with HostSmcBackend
// its host twin, which must give the CPU BatchJob's statistics bit for bit (unit test).
Status run_tsmc_blocks(const TsmcExperiment& e, uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                       const std::function<std::unique_ptr<SmcBackend>()>& make_backend, std::vector<SlotStats>* blocks);

DemoInfo tsmc_demo();

}  // namespace klab::diffusion
