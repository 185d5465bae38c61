// Where the particles of one SMC run (tsmc.cpp, run_smc) live and where their per-particle phases
// run: HostSmcBackend (here: one particle after another on this CPU, the CPU engine) or
// CudaSmcEngine (tsmc_engine.hpp: one GPU thread per particle). Both call the same KLAB_HD code
// (smc_particle.hpp) on the same SmcPlan; run_smc keeps the data-dependent choices (ESS, resampling
// indices, the film, the paths) on the host for both, so the two engines differ only in where a
// phase runs.
#pragma once
#include <cstddef>
#include <vector>

#include "core/status.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/smc_particle.hpp"

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
  // n particles x_0 from the prior (particle i from words 8i … of r); weights 0. The plan must
  // outlive the run (a backend may keep a pointer to it).
  virtual Status start(const SmcPlan& plan, size_t n, const SmcRandom& r) = 0;
  // Phase "predict" of step k on every particle (smc_predict).
  virtual Status predict(int k) = 0;
  // Particle i becomes particle idx[i] (x, y, the means, the look-ahead potential); weights 0.
  virtual Status resample(const std::vector<size_t>& idx) = 0;
  // Phase "propose" of step k (smc_propose), particle i from words 8i … of r.
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
  Status resample(const std::vector<size_t>& idx) override;
  Status propose(int k, const SmcRandom& r) override;
  Status finish() override;
  Status read(SmcField f, std::vector<double>* out) override;

 private:
  const SmcPlan* plan_ = nullptr;
  std::vector<double> x_, y_, mx_, my_, look_, log_w_;  // (N) each; look: the previous look-ahead potential
};

}  // namespace klab::diffusion
