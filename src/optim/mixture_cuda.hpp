// optim.mixture on the batched entropic-SMD engine (mixture_engine.hpp): the plain-data config and
// tables of a batch, and each run's record from its checkpoint weights, as the CPU cursor writes it.
// MixtureExperiment::run_cuda_blocks (mixture_cuda.cpp) is built from these; the unit test compares the host
// twin with the CPU engine through them.
#pragma once
#include <vector>

#include "core/experiment.hpp"
#include "optim/mixture_engine.hpp"
#include "optim/mixture_experiment.hpp"

namespace klab::optim {

// A batch's config and the host copies of its tables.
struct MixtureBatch {
  MixtureBatchConfig cfg;
  MixtureModel model;
  AliasTable alias;
  std::vector<double> start;  // (methods, M) each method's w_0 (smd_euclidean's projected onto Δ_δ)
  MixtureTables tables() const { return {alias.accept.data(), alias.alias.data(), start.data()}; }
};

// The batch of the experiment's parameters, or an error naming what the engine does not run (it
// runs smd_entropic and smd_euclidean, on every target).
Expected<MixtureBatch> mixture_batch(const MixtureExperiment& e);
// One run's record from each method's weights after each checkpoint ((methods, checkpoints, M), series slot = method).
void fill_mixture_record(const MixtureBatch& b, const double* weights, RunRecord& out);

}  // namespace klab::optim
