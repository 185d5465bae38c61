// Where the particles of one SMC run (tsmc.cpp, run_smc) live and where their per-particle phases
// run: HostSmcBackend (here: one particle after another on this CPU, the CPU engine) or
// CudaSmcEngine (tsmc_engine.hpp: one GPU thread per particle). Both call the same KLAB_HD code
// (smc_particle.hpp for the particles, smc_weights.hpp for the ESS's sums and systematic resampling)
// on the same SmcPlan; run_smc makes the decisions (resample or not, with which uniform) on the host
// from the few numbers a backend returns, so the two engines differ only in where a phase runs.
#pragma once
#include <cstddef>
#include <vector>

#include "core/status.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/smc_particle.hpp"
#include "diffusion/smc_weights.hpp"

namespace klab::diffusion {

// One run's steps as the particles read them (built once by make_smc_plan, tsmc.cpp).
struct SmcPlan {
  SmcConfig config;
  double prior_sd = 1.0;        // σ_1 of x_0 ~ N(0, σ_1² I)
  std::vector<SmcStep> steps;   // (K)
  std::vector<Term> terms;      // (K, components) p_t of step k at terms[k · components]
};

// The per-particle state a backend holds (N each) and run_smc reads back.
enum class SmcField { X, Y, MeanX, MeanY, LogW };

class SmcBackend {
 public:
  virtual ~SmcBackend() = default;
  // n particles x_0 from the prior (particle i from words kSmcWordsPerParticle·i … of r); weights 0.
  // The plan must outlive the run (a backend may keep a pointer to it).
  virtual Status start(const SmcPlan& plan, size_t n, const SmcRandom& r) = 0;
  // Phase "predict" of step k on every particle (smc_predict).
  virtual Status predict(int k) = 0;
  // The current weights' sums (smc_weights.hpp: top, s, s₂ in the CPU's order; ESS/N from them),
  // keeping their cumulative weights for a resample() that follows.
  virtual Status weigh(WeightSums* out) = 0;
  // Systematic resampling with uniform u on the cumulative weights of the last weigh(): particle i
  // becomes particle idx[i] (x, y, the means, the look-ahead potential); weights 0. The indices are
  // copied into *parents unless it is null (the film's genealogy).
  virtual Status resample(double u, std::vector<size_t>* parents) = 0;
  // Phase "propose" of step k (smc_propose), particle i from words kSmcWordsPerParticle·i … of r.
  virtual Status propose(int k, const SmcRandom& r) = 0;
  // The final weights (smc_finish).
  virtual Status finish() = 0;
  // A copy of one field of every particle.
  virtual Status read(SmcField f, std::vector<double>* out) = 0;
};

// The CPU engine: the phases as loops over the particles.
class HostSmcBackend final : public SmcBackend {
 public:
  Status start(const SmcPlan& plan, size_t n, const SmcRandom& r) override;
  Status predict(int k) override;
  Status weigh(WeightSums* out) override;
  Status resample(double u, std::vector<size_t>* parents) override;
  Status propose(int k, const SmcRandom& r) override;
  Status finish() override;
  Status read(SmcField f, std::vector<double>* out) override;

 private:
  const SmcPlan* plan_ = nullptr;
  std::vector<double> x_, y_, mx_, my_, look_, log_w_;  // (N) each; look: the previous look-ahead potential
  std::vector<double> cumulative_;                      // (N) c of the last weigh()
  WeightSums sums_;
};

// The weights' pass on this CPU: top = the first largest of log_w, c (N) its cumulative weights.
WeightSums weigh_log_weights(const std::vector<double>& log_w, std::vector<double>* c);
// Systematic resampling to m indices with uniform u on the cumulative weights c of total s.
std::vector<size_t> systematic_indices(const std::vector<double>& c, double s, double u, size_t m);

}  // namespace klab::diffusion
